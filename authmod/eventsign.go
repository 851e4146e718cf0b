package authmod

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/m8fx/kit/settingsmod"
)

// minEventKeyBytes is the shortest accepted event signing key.
const minEventKeyBytes = 32

// ErrBadEventSignature: the event's signature does not match its payload.
var ErrBadEventSignature = errors.New("event signature mismatch")

// EventSigner signs and verifies event-bus payloads with EVENT_SIGNING_KEY:
// the signature is the lower-case hex HMAC-SHA256 of the payload's
// [CanonicalJSON], byte-compatible with fa-auth-m8's event signing.
type EventSigner struct {
	key []byte
}

// NewEventSigner returns a signer for key, which must be at least 32 bytes.
func NewEventSigner(key []byte) (*EventSigner, error) {
	if len(key) < minEventKeyBytes {
		return nil, fmt.Errorf("authmod: event signing key must be at least %d bytes", minEventKeyBytes)
	}
	return &EventSigner{key: append([]byte(nil), key...)}, nil
}

// NewEventSignerFromSettings builds the signer from EVENT_SIGNING_KEY. It
// fails when EVENT_SIGNING_ENABLED is false, so that a service never signs
// with an unset key by accident.
func NewEventSignerFromSettings(s *settingsmod.Settings) (*EventSigner, error) {
	if !s.EventSigningEnabled {
		return nil, errors.New("authmod: event signing is disabled (EVENT_SIGNING_ENABLED=false)")
	}
	return NewEventSigner([]byte(s.EventSigningKey.Value()))
}

// SignJSON returns the signature of a JSON payload as transmitted.
func (s *EventSigner) SignJSON(payload []byte) (string, error) {
	canon, err := CanonicalJSON(payload)
	if err != nil {
		return "", fmt.Errorf("authmod: sign event: %w", err)
	}
	return hex.EncodeToString(s.mac(canon)), nil
}

// Sign marshals v with encoding/json and signs the result.
func (s *EventSigner) Sign(v any) (string, error) {
	payload, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("authmod: sign event: %w", err)
	}
	return s.SignJSON(payload)
}

// VerifyJSON checks signature against a JSON payload in constant time. It
// returns ErrBadEventSignature on a mismatch (including a signature that is
// not hex) and another error when the payload is not valid JSON.
func (s *EventSigner) VerifyJSON(payload []byte, signature string) error {
	canon, err := CanonicalJSON(payload)
	if err != nil {
		return fmt.Errorf("authmod: verify event: %w", err)
	}
	got, err := hex.DecodeString(signature)
	if err != nil || !hmac.Equal(got, s.mac(canon)) {
		return ErrBadEventSignature
	}
	return nil
}

func (s *EventSigner) mac(b []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write(b)
	return m.Sum(nil)
}
