package authmod

import (
	"errors"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// This file holds the m8fx claim rules the JWT library does not apply: the
// token type, a canonical UUID subject, the jti, and the lifetime bound.

// maxJTILength bounds the jti claim (it is sent to the revocation service).
const maxJTILength = 128

// accessTokenType is the only accepted value of the "type" claim.
const accessTokenType = "access"

var (
	errBadType         = errors.New(`claim "type" is not "access"`)
	errBadSubject      = errors.New(`claim "sub" is not a canonical UUID`)
	errBadJTI          = errors.New(`claim "jti" is missing or not 1..128 printable characters`)
	errMissingIat      = errors.New(`claim "iat" is required`)
	errMissingExp      = errors.New(`claim "exp" is required`)
	errLifetime        = errors.New("exp - iat exceeds the maximum token lifetime")
	errNegativeLife    = errors.New("exp is before iat")
	errMissingIssuer   = errors.New(`claim "iss" is required`)
	errMissingAudience = errors.New(`claim "aud" is required`)
)

// checkClaims applies the m8fx claim rules the JWT library does not: type,
// sub, jti, and the lifetime bound. iat is required (fa-auth-m8 always sets
// it), so the lifetime exp - iat is always bounded.
func checkClaims(c *Claims, requireJTI bool, maxLifetime time.Duration) error {
	if c.Type != accessTokenType {
		return invalidToken(ReasonType, errBadType)
	}
	if !canonicalUUID(c.Subject) {
		return invalidToken(ReasonSubject, errBadSubject)
	}
	if c.ID != "" || requireJTI {
		if !validJTI(c.ID) {
			return invalidToken(ReasonJTI, errBadJTI)
		}
	}
	if c.ExpiresAt == nil {
		return invalidToken(ReasonLifetime, errMissingExp)
	}
	if c.IssuedAt == nil {
		return invalidToken(ReasonLifetime, errMissingIat)
	}
	life := c.ExpiresAt.Sub(c.IssuedAt.Time)
	if life < 0 {
		return invalidToken(ReasonLifetime, errNegativeLife)
	}
	if life > maxLifetime {
		return invalidToken(ReasonLifetime, errLifetime)
	}
	return nil
}

// canonicalUUID reports whether s is a non-nil UUID in its canonical
// lower-case 8-4-4-4-12 form (uuid.Parse alone also accepts URN, braced,
// hyphen-less and upper-case spellings, which would give one user several
// subject strings).
func canonicalUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	u, err := uuid.Parse(s)
	if err != nil || u == uuid.Nil {
		return false
	}
	var buf [36]byte
	hexEncodeUUID(buf[:], u)
	return string(buf[:]) == s
}

// hexEncodeUUID writes the canonical form of u into dst (len 36) without
// allocating.
func hexEncodeUUID(dst []byte, u uuid.UUID) {
	const hexdigits = "0123456789abcdef"
	j := 0
	for i, b := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst[j] = '-'
			j++
		}
		dst[j] = hexdigits[b>>4]
		dst[j+1] = hexdigits[b&0x0f]
		j += 2
	}
}

// validJTI: 1..128 bytes, printable, no control characters.
func validJTI(s string) bool {
	if s == "" || len(s) > maxJTILength || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
