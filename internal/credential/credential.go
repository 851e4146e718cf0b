// Package credential compares shared secrets in constant time. It is the
// implementation behind securitymod.CredentialEqual, kept in a leaf package so
// that httpmod (which securitymod depends on) can use it for the /metrics
// scrape credential without an import cycle.
package credential

import (
	"crypto/sha256"
	"crypto/subtle"
)

// Equal reports whether given equals want in constant time.
//
// Both values are hashed first, so neither the content nor the length of the
// expected credential leaks through timing. An empty want never matches: an
// unset credential disables the check instead of accepting empty input.
func Equal(given, want string) bool {
	if want == "" {
		return false
	}
	g := sha256.Sum256([]byte(given))
	w := sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}
