package authevent

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/m8fx/kit/settingsmod"
)

// MinKeyBytes is the length of the shortest accepted signing key.
const MinKeyBytes = 32

// ErrBadSignature is returned by [Signer.VerifyJSON] when a signature does
// not match its payload (including a signature that is not hex).
var ErrBadSignature = errors.New("event signature mismatch")

// Signer signs and verifies event payloads with the shared EVENT_SIGNING_KEY:
// the signature is the lower-case hex HMAC-SHA256 of the payload's
// [CanonicalJSON], byte-compatible with fa-auth-m8's event signing. A Signer
// is immutable and safe for concurrent use.
type Signer struct {
	key []byte
}

// NewSigner returns a signer for key, which must be at least [MinKeyBytes]
// long. The key is copied.
func NewSigner(key []byte) (*Signer, error) {
	if len(key) < MinKeyBytes {
		return nil, fmt.Errorf("authevent: signing key must be at least %d bytes, got %d", MinKeyBytes, len(key))
	}
	return &Signer{key: append([]byte(nil), key...)}, nil
}

// SigningKeyFromSettings returns EVENT_SIGNING_KEY, the key for [NewSigner].
// It fails when EVENT_SIGNING_ENABLED is false, so that a service never
// signs with an unset key by accident:
//
//	key, err := authevent.SigningKeyFromSettings(s)
//	...
//	signer, err := authevent.NewSigner(key)
func SigningKeyFromSettings(s *settingsmod.Settings) ([]byte, error) {
	switch {
	case s == nil:
		return nil, errors.New("authevent: nil settings")
	case !s.EventSigningEnabled:
		return nil, errors.New("authevent: event signing is disabled (EVENT_SIGNING_ENABLED=false)")
	}
	return []byte(s.EventSigningKey.Value()), nil
}

// SignJSON returns the signature of a JSON payload as transmitted.
func (s *Signer) SignJSON(payload []byte) (string, error) {
	canon, err := CanonicalJSON(payload)
	if err != nil {
		return "", fmt.Errorf("authevent: sign: %w", err)
	}
	return hex.EncodeToString(s.mac(canon)), nil
}

// Sign marshals v with encoding/json and signs the result.
func (s *Signer) Sign(v any) (string, error) {
	payload, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("authevent: sign: %w", err)
	}
	return s.SignJSON(payload)
}

// VerifyJSON checks signature against a JSON payload in constant time. It
// returns [ErrBadSignature] on a mismatch (including a signature that is not
// hex) and another error when the payload is not valid JSON.
func (s *Signer) VerifyJSON(payload []byte, signature string) error {
	canon, err := CanonicalJSON(payload)
	if err != nil {
		return fmt.Errorf("authevent: verify: %w", err)
	}
	got, err := hex.DecodeString(signature)
	if err != nil || !hmac.Equal(got, s.mac(canon)) {
		return ErrBadSignature
	}
	return nil
}

func (s *Signer) mac(b []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write(b)
	return m.Sum(nil)
}
