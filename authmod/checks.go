package authmod

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// This file holds the checks the JWT library does not do: token alphabet and
// canonical segments, duplicate JSON members, the protected header (alg, crit,
// typ, kid), and the m8fx claim rules (type, sub, jti, lifetime).

// maxKIDLength bounds the header kid: it is an opaque lookup key, never a path
// or URL, and only ever compared with the kids of the loaded JWKS.
const maxKIDLength = 256

// maxJTILength bounds the jti claim (it is sent to the revocation service).
const maxJTILength = 128

// accessTokenType is the only accepted value of the "type" claim.
const accessTokenType = "access"

var (
	errBadAlphabet     = errors.New("token contains characters outside base64url and '.'")
	errSegmentCount    = errors.New("token does not have three segments")
	errNotObject       = errors.New("segment is not a JSON object")
	errDuplicateKey    = errors.New("duplicate JSON member")
	errEscapedHeader   = errors.New("escaped header member name")
	errBadKID          = errors.New("kid is not a string of 1..256 characters")
	errAlgMismatch     = errors.New("header alg is not the configured algorithm")
	errCritPresent     = errors.New("header has a crit member")
	errBadTyp          = errors.New("header typ is not JWT or at+jwt")
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

// b64 is the only accepted segment encoding: base64url without padding, and
// with zero trailing bits (Strict).
var b64 = base64.RawURLEncoding.Strict()

// precheckShape is the constant-cost filter run before the token is hashed
// for the verified-token cache, so that junk is rejected without hashing or
// scanning it: exactly two dots (found with the vectorised IndexByte), and a
// header and a payload that start with "ey", which is how every encoded JSON
// object with members begins ('{' followed by '"' or a space; leading
// whitespace is not accepted). Everything else is checked after a cache miss.
func precheckShape(token string) (dot1, dot2 int, err error) {
	if len(token) < 2 || token[0] != 'e' || token[1] != 'y' {
		return 0, 0, errNotObject
	}
	dot1 = strings.IndexByte(token, '.')
	if dot1 < 0 {
		return 0, 0, errSegmentCount
	}
	rest := token[dot1+1:]
	d := strings.IndexByte(rest, '.')
	if d < 0 || strings.IndexByte(rest[d+1:], '.') >= 0 {
		return 0, 0, errSegmentCount
	}
	if d < 2 || rest[0] != 'e' || rest[1] != 'y' {
		return 0, 0, errNotObject
	}
	return dot1, dot1 + 1 + d, nil
}

// checkNoLineBreaks rejects CR and LF, the only bytes Go's strict base64url
// decoder skips instead of refusing. Every other byte outside [A-Za-z0-9_-]
// (padding included) makes the strict decoding of its segment fail, so with
// this check a token has exactly one accepted spelling.
func checkNoLineBreaks(token string) error {
	if strings.IndexByte(token, '\n') >= 0 || strings.IndexByte(token, '\r') >= 0 {
		return errBadAlphabet
	}
	return nil
}

// decodeSegment decodes one base64url segment strictly.
func decodeSegment(seg string) ([]byte, error) {
	return b64.DecodeString(seg)
}

// headerFields are the protected-header members the validator looks at.
// jku, x5u, jwk and x5c are deliberately never read: keys come only from the
// configuration (PEM, HMAC secret) or the configured JWKS URL.
type headerFields struct {
	alg, typ, kid          []byte // raw JSON values, nil when absent
	hasAlg, hasTyp, hasKID bool
	hasCrit                bool
}

// checkHeader scans the decoded header: a JSON object without duplicate
// members (compared the way encoding/json matches names) and without escaped
// member names, then applies the header rules. The returned error carries the
// reason.
func checkHeader(data []byte, alg string) (kid string, err error) {
	var h headerFields
	var keys memberSet
	scanErr := scanObject(data, func(key, val []byte) error {
		if bytes.IndexByte(key, '\\') >= 0 {
			return errEscapedHeader
		}
		if !keys.add(key) {
			return errDuplicateKey
		}
		switch string(key) {
		case "alg":
			h.alg, h.hasAlg = val, true
		case "typ":
			h.typ, h.hasTyp = val, true
		case "kid":
			h.kid, h.hasKID = val, true
		case "crit":
			h.hasCrit = true
		}
		return nil
	})
	if scanErr != nil {
		return "", invalidToken(ReasonMalformed, scanErr)
	}
	if !h.hasAlg {
		return "", invalidToken(ReasonAlgorithm, errAlgMismatch)
	}
	a, ok := jsonString(h.alg)
	if !ok || a != alg {
		return "", invalidToken(ReasonAlgorithm, errAlgMismatch)
	}
	if h.hasCrit {
		return "", invalidToken(ReasonCrit, errCritPresent)
	}
	if h.hasTyp {
		t, ok := jsonString(h.typ)
		if !ok || !(strings.EqualFold(t, "JWT") || strings.EqualFold(t, "at+jwt")) {
			return "", invalidToken(ReasonType, errBadTyp)
		}
	}
	if h.hasKID {
		k, ok := jsonString(h.kid)
		if !ok || k == "" || len(k) > maxKIDLength {
			return "", invalidToken(ReasonMalformed, errBadKID)
		}
		kid = k
	}
	return kid, nil
}

// checkClaimsJSON scans the decoded claims: a JSON object whose members are
// unique under encoding/json's case-insensitive name matching (so that
// {"sub":"a","SUB":"b"} or {"sub":"a","\u017fub":"b"} cannot smuggle a second
// value past a reader that keeps the first one).
func checkClaimsJSON(data []byte) error {
	var keys memberSet
	err := scanObject(data, func(key, _ []byte) error {
		if !keys.add(key) {
			return errDuplicateKey
		}
		return nil
	})
	if err != nil {
		return invalidToken(ReasonMalformed, err)
	}
	return nil
}

// jsonString returns the value of a raw JSON string literal.
func jsonString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		if !utf8.Valid(inner) {
			return "", false
		}
		return string(inner), true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

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

// ---- JSON member scanning ----

// scanObject walks the members of the top-level JSON object in data and
// calls fn with each member's raw name (between the quotes, escapes intact)
// and raw value. It checks structure only as far as needed to find members
// reliably; the JSON decoder that runs after it rejects anything else. It
// never recurses (nesting is skipped with a counter), so deep nesting cannot
// exhaust the stack.
func scanObject(data []byte, fn func(key, val []byte) error) error {
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return errNotObject
	}
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == '}' {
		return trailingOnly(data, i+1)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return errNotObject
		}
		end := scanString(data, i)
		if end < 0 {
			return errNotObject
		}
		key := data[i+1 : end-1]
		i = skipWS(data, end)
		if i >= len(data) || data[i] != ':' {
			return errNotObject
		}
		i = skipWS(data, i+1)
		vend := skipValue(data, i)
		if vend < 0 {
			return errNotObject
		}
		if err := fn(key, data[i:vend]); err != nil {
			return err
		}
		i = skipWS(data, vend)
		if i >= len(data) {
			return errNotObject
		}
		switch data[i] {
		case ',':
			i = skipWS(data, i+1)
		case '}':
			return trailingOnly(data, i+1)
		default:
			return errNotObject
		}
	}
}

func trailingOnly(data []byte, i int) error {
	if skipWS(data, i) != len(data) {
		return errNotObject
	}
	return nil
}

func skipWS(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanString returns the index just past the string literal starting at
// data[i] == '"', or -1 if it is unterminated.
func scanString(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// skipValue returns the index just past the JSON value starting at data[i],
// or -1 if it is truncated or empty.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		return scanString(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end := scanString(data, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	default:
		j := i
		for j < len(data) {
			switch data[j] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				if j == i {
					return -1
				}
				return j
			}
			j++
		}
		if j == i {
			return -1
		}
		return j
	}
}

// memberSet detects duplicate member names, comparing them the way
// encoding/json matches names to struct fields (after unescaping, under
// Unicode simple case folding). Up to 32 names it works in a fixed array
// without allocating; beyond that it switches to a map.
type memberSet struct {
	arena [512]byte
	buf   []byte
	spans [32][2]int32
	n     int
	big   map[string]struct{}
}

// add records the raw member name key and reports false if an equivalent
// name was already recorded.
func (s *memberSet) add(key []byte) bool {
	if s.buf == nil {
		s.buf = s.arena[:0]
	}
	start := len(s.buf)
	s.buf = appendFoldedKey(s.buf, key)
	folded := s.buf[start:]
	if s.big != nil {
		if _, dup := s.big[string(folded)]; dup {
			return false
		}
		s.big[string(folded)] = struct{}{}
		s.buf = s.buf[:start]
		return true
	}
	for k := 0; k < s.n; k++ {
		sp := s.spans[k]
		if bytes.Equal(s.buf[sp[0]:sp[1]], folded) {
			return false
		}
	}
	if s.n < len(s.spans) {
		s.spans[s.n] = [2]int32{int32(start), int32(len(s.buf))}
		s.n++
		return true
	}
	// Too many names for the array: move everything to a map.
	s.big = make(map[string]struct{}, 2*len(s.spans))
	for k := 0; k < s.n; k++ {
		sp := s.spans[k]
		s.big[string(s.buf[sp[0]:sp[1]])] = struct{}{}
	}
	s.big[string(folded)] = struct{}{}
	s.buf = s.buf[:0]
	return true
}

// appendFoldedKey appends the folded form of a raw (possibly escaped) JSON
// member name to dst, exactly as encoding/json folds names: ASCII letters to
// upper case, other runes to the smallest rune of their simple-fold orbit.
func appendFoldedKey(dst, raw []byte) []byte {
	if bytes.IndexByte(raw, '\\') >= 0 {
		quoted := make([]byte, 0, len(raw)+2)
		quoted = append(quoted, '"')
		quoted = append(quoted, raw...)
		quoted = append(quoted, '"')
		var s string
		if err := json.Unmarshal(quoted, &s); err == nil {
			raw = []byte(s)
		}
		// On error keep the raw bytes: the decoder rejects the token anyway.
	}
	for i := 0; i < len(raw); {
		c := raw[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(raw[i:])
		dst = utf8.AppendRune(dst, foldRune(r))
		i += n
	}
	return dst
}

// foldRune returns the smallest rune of r's simple-fold orbit.
func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}
