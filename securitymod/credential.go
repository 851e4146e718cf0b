package securitymod

import "github.com/m8fx/kit/internal/credential"

// CredentialEqual reports whether given equals want in constant time.
//
// Both values are hashed first, so neither the content nor the length of the
// expected credential leaks through timing. An empty want never matches: an
// unset credential disables the check instead of accepting empty input.
func CredentialEqual(given, want string) bool { return credential.Equal(given, want) }
