// Package authevent handles the signed auth events of fa-auth-m8, the
// central auth service: the events it publishes about its users (such as
// "user.created") carry an HMAC-SHA256 signature made with the key both
// sides share (EVENT_SIGNING_KEY).
//
// # Canonical JSON
//
// Both sides sign the same bytes: [CanonicalJSON] re-encodes a payload the
// way fa-auth-m8 does (Python's json.dumps with sort_keys=True, compact
// separators and ensure_ascii=True), whatever spacing, key order or escapes
// the payload was transmitted with. It is checked against vectors produced
// by CPython.
//
// # Signatures
//
// A [Signer] ([NewSigner], with a key of at least [MinKeyBytes]) signs a
// payload as lower-case hex HMAC-SHA256 of its canonical JSON
// ([Signer.SignJSON], [Signer.Sign] for a Go value) and verifies a received
// signature in constant time ([Signer.VerifyJSON], which answers
// [ErrBadSignature] on a mismatch). [SigningKeyFromSettings] reads the key
// from the kit settings, and refuses when EVENT_SIGNING_ENABLED is false:
//
//	key, err := authevent.SigningKeyFromSettings(settings)
//	if err != nil {
//		return err
//	}
//	signer, err := authevent.NewSigner(key)
//	if err != nil {
//		return err
//	}
//	if err := signer.VerifyJSON(body, r.Header.Get("X-Event-Signature")); err != nil {
//		// drop the event
//	}
//
// The package is the home of the client side of the auth event stream; it
// has no fx module of its own yet.
package authevent
