package securitymod

import (
	"crypto/sha256"
	"crypto/subtle"
)

// CredentialEqual reports whether given equals want in constant time.
//
// Both values are hashed first, so neither the content nor the length of the
// expected credential leaks through timing. An empty want never matches: an
// unset credential disables the check instead of accepting empty input.
func CredentialEqual(given, want string) bool {
	if want == "" {
		return false
	}
	g := sha256.Sum256([]byte(given))
	w := sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}
