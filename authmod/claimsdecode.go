package authmod

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/m8fx/kit/internal/strictjson"
)

// This file decodes the claims segment in one pass: the same walk that
// finds the members (and refuses duplicates) stores the members the kit
// reads into a Claims and checks that the others are valid JSON. It keeps
// encoding/json's value semantics for those members (null leaves the zero
// value, aud is a string or an array of strings, the NumericDates accept any
// JSON number and numeric strings, as jwt.NumericDate does), and is stricter
// where encoding/json is lenient: a member name matching a claim only the
// way encoding/json matches names (other case, escapes, Unicode folding) is
// refused, and so is invalid UTF-8.

var (
	errClaimSpelling = errors.New("claim name spelled differently from the registered name")
	errClaimJSON     = errors.New("claim value is not valid JSON")
)

// claimField is one member of the payload the kit reads.
type claimField uint8

const (
	fieldNone claimField = iota
	fieldIss
	fieldSub
	fieldAud
	fieldExp
	fieldNbf
	fieldIat
	fieldJTI
	fieldType
	fieldEmail
	fieldFullName
	fieldRole
	fieldIsActive
	fieldIsSuperuser
	fieldEmailVerified
	fieldTenantID
)

// claimFieldOf returns the field named exactly name, or fieldNone.
func claimFieldOf(name []byte) claimField {
	switch string(name) {
	case "iss":
		return fieldIss
	case "sub":
		return fieldSub
	case "aud":
		return fieldAud
	case "exp":
		return fieldExp
	case "nbf":
		return fieldNbf
	case "iat":
		return fieldIat
	case "jti":
		return fieldJTI
	case "type":
		return fieldType
	case "email":
		return fieldEmail
	case "full_name":
		return fieldFullName
	case "role":
		return fieldRole
	case "is_active":
		return fieldIsActive
	case "is_superuser":
		return fieldIsSuperuser
	case "email_verified":
		return fieldEmailVerified
	case "tenant_id":
		return fieldTenantID
	}
	return fieldNone
}

// foldedClaimNames are the claim names as strictjson.AppendFolded folds
// them; a member name that folds to one of these but is not spelled
// exactly is refused.
var foldedClaimNames = [...]string{
	"ISS", "SUB", "AUD", "EXP", "NBF", "IAT", "JTI", "TYPE", "EMAIL",
	"FULL_NAME", "ROLE", "IS_ACTIVE", "IS_SUPERUSER", "EMAIL_VERIFIED", "TENANT_ID",
}

// foldsToClaim reports whether the raw member name is one that
// encoding/json would match to a claim field.
func foldsToClaim(name []byte) bool {
	var buf [64]byte
	folded := strictjson.AppendFolded(buf[:0], name)
	for _, n := range foldedClaimNames {
		if string(folded) == n {
			return true
		}
	}
	return false
}

// decodeClaims decodes the claims segment (a decoded JSON object) into a
// new *Claims. text is the same bytes as a string: string members without
// escapes become substrings of it, so the claims share one copy of the
// payload. Errors are invalid-token errors with their reason.
func decodeClaims(data []byte, text string) (*Claims, error) {
	b := &claimsBox{}
	var seen uint32
	var others strictjson.NameSet
	err := strictjson.Members(data, func(name, val []byte) error {
		f := claimFieldOf(name)
		if f == fieldNone {
			if foldsToClaim(name) {
				return errClaimSpelling
			}
			if !others.Add(name) {
				return strictjson.ErrDuplicateMember
			}
			if !strictjson.Valid(val) {
				return errClaimJSON
			}
			return nil
		}
		if seen&(1<<f) != 0 {
			return strictjson.ErrDuplicateMember
		}
		seen |= 1 << f
		// val is a subslice of data: its offset in data is the difference of
		// their capacities, and text[off:] holds the same bytes.
		off := cap(data) - cap(val)
		if err := b.set(f, val, text[off:off+len(val)]); err != nil {
			return fmt.Errorf("claim %q: %w", name, err)
		}
		return nil
	})
	if err != nil {
		return nil, invalidToken(ReasonMalformed, err)
	}
	return &b.c, nil
}

// set decodes the value of one claim; raw and text are the same bytes.
func (b *claimsBox) set(f claimField, raw []byte, text string) error {
	switch f {
	case fieldIss:
		return decodeString(raw, text, &b.c.Issuer)
	case fieldSub:
		return decodeString(raw, text, &b.c.Subject)
	case fieldJTI:
		return decodeString(raw, text, &b.c.ID)
	case fieldType:
		return decodeString(raw, text, &b.c.Type)
	case fieldEmail:
		return decodeString(raw, text, &b.c.Email)
	case fieldFullName:
		return decodeString(raw, text, &b.c.FullName)
	case fieldRole:
		return decodeString(raw, text, &b.c.Role)
	case fieldTenantID:
		return decodeString(raw, text, &b.c.TenantID)
	case fieldAud:
		return b.decodeAudience(raw, text)
	case fieldExp:
		return decodeDate(raw, &b.exp, &b.c.ExpiresAt)
	case fieldNbf:
		return decodeDate(raw, &b.nbf, &b.c.NotBefore)
	case fieldIat:
		return decodeDate(raw, &b.iat, &b.c.IssuedAt)
	case fieldIsActive:
		set, err := decodeBool(raw, &b.active)
		if set {
			b.c.IsActive = &b.active
		}
		return err
	case fieldIsSuperuser:
		_, err := decodeBool(raw, &b.c.IsSuperuser)
		return err
	case fieldEmailVerified:
		_, err := decodeBool(raw, &b.c.EmailVerified)
		return err
	}
	return nil
}

var (
	errNotString = errors.New("not a string")
	errNotBool   = errors.New("not a boolean")
	errNotDate   = errors.New("not a NumericDate")
	errNotAud    = errors.New("not a string or an array of strings")
)

func isNull(raw []byte) bool { return string(raw) == "null" }

// decodeString stores a JSON string (null leaves dst empty).
func decodeString(raw []byte, text string, dst *string) error {
	if isNull(raw) {
		return nil
	}
	valid, plain := strictjson.Literal(raw)
	if !valid {
		return errNotString
	}
	if plain {
		*dst = text[1 : len(text)-1]
		return nil
	}
	s, ok := strictjson.String(raw)
	if !ok {
		return errNotString
	}
	*dst = s
	return nil
}

// decodeBool stores true or false (null leaves dst unchanged) and reports
// whether a value was stored.
func decodeBool(raw []byte, dst *bool) (bool, error) {
	switch string(raw) {
	case "true":
		*dst = true
		return true, nil
	case "false":
		*dst = false
		return true, nil
	case "null":
		return false, nil
	}
	return false, errNotBool
}

// decodeDate stores a NumericDate (null leaves *dst nil). Whole seconds,
// which is what issuers write, are parsed here; any other form goes to
// jwt.NumericDate's own decoder, so that the accepted forms are exactly
// golang-jwt's.
func decodeDate(raw []byte, box *jwt.NumericDate, dst **jwt.NumericDate) error {
	if isNull(raw) {
		return nil
	}
	if secs, ok := wholeSeconds(raw); ok {
		*box = jwt.NumericDate{Time: time.Unix(secs, 0)}
		if jwt.TimePrecision > time.Second {
			*box = *jwt.NewNumericDate(box.Time) // as golang-jwt truncates
		}
		*dst = box
		return nil
	}
	if err := box.UnmarshalJSON(raw); err != nil {
		return errors.Join(errNotDate, err)
	}
	*dst = box
	return nil
}

// wholeSeconds parses a JSON integer of 1 to 15 digits without a sign or a
// leading zero (so exactly representable as the float64 golang-jwt would
// parse it into).
func wholeSeconds(raw []byte) (int64, bool) {
	if len(raw) == 0 || len(raw) > 15 || (raw[0] == '0' && len(raw) > 1) {
		return 0, false
	}
	var n int64
	for _, c := range raw {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// decodeAudience stores aud: one string (the common case, kept in the box),
// or anything jwt.ClaimStrings accepts.
func (b *claimsBox) decodeAudience(raw []byte, text string) error {
	if len(raw) > 0 && raw[0] == '"' {
		if err := decodeString(raw, text, &b.aud[0]); err != nil {
			return err
		}
		b.c.Audience = b.aud[:1:1]
		return nil
	}
	if !strictjson.Valid(raw) {
		return errNotAud
	}
	var aud jwt.ClaimStrings
	if err := aud.UnmarshalJSON(raw); err != nil {
		return errors.Join(errNotAud, err)
	}
	b.c.Audience = aud
	return nil
}
