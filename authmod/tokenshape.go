package authmod

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/m8fx/kit/internal/strictjson"
)

// This file holds the structural checks the JWT library does not do: the
// token alphabet and canonical segments, and the protected header (a JSON
// object without duplicate members; alg, crit, typ, kid). The claims segment
// is checked while it is decoded (claimsdecode.go).

// maxKIDLength bounds the header kid: it is an opaque lookup key, never a path
// or URL, and only ever compared with the kids of the loaded JWKS.
const maxKIDLength = 256

var (
	errBadAlphabet   = errors.New("token contains characters outside base64url and '.'")
	errSegmentCount  = errors.New("token does not have three segments")
	errEscapedHeader = errors.New("escaped header member name")
	errBadKID        = errors.New("kid is not a string of 1..256 characters")
	errAlgMismatch   = errors.New("header alg is not the configured algorithm")
	errCritPresent   = errors.New("header has a crit member")
	errBadTyp        = errors.New("header typ is not JWT or at+jwt")
	errHeaderJSON    = errors.New("header member value is not valid JSON")
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
		return 0, 0, strictjson.ErrNotObject
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
		return 0, 0, strictjson.ErrNotObject
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

// canonicalSegment reports whether seg is canonical unpadded base64url (the
// alphabet, a length that is not 1 modulo 4, and zero trailing bits): the
// check of decodeSegment without the decoding.
func canonicalSegment(seg string) bool {
	for i := 0; i < len(seg); i++ {
		if b64Value[seg[i]] == 0xff {
			return false
		}
	}
	switch len(seg) % 4 {
	case 1:
		return false
	case 2:
		return len(seg) == 0 || b64Value[seg[len(seg)-1]]&0x0f == 0
	case 3:
		return b64Value[seg[len(seg)-1]]&0x03 == 0
	}
	return true
}

// b64Value is the value of each base64url character, 0xff for the others;
// it is never written after its initialisation.
var b64Value = func() (t [256]byte) {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range t {
		t[i] = 0xff
	}
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

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
// member names, then applies the header rules. It returns the kid ("" when
// the header has none); the error carries the reason.
func checkHeader(data []byte, alg string) (kid string, err error) {
	var h headerFields
	var names strictjson.NameSet
	scanErr := strictjson.Members(data, func(key, val []byte) error {
		if bytes.IndexByte(key, '\\') >= 0 {
			return errEscapedHeader
		}
		if !names.Add(key) {
			return strictjson.ErrDuplicateMember
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
		default:
			// Never read (jku, x5u, jwk, x5c included), but held to the JSON
			// grammar like the rest of the header.
			if !strictjson.Valid(val) {
				return errHeaderJSON
			}
		}
		return nil
	})
	if scanErr != nil {
		return "", invalidToken(ReasonMalformed, scanErr)
	}
	if !h.hasAlg {
		return "", invalidToken(ReasonAlgorithm, errAlgMismatch)
	}
	if valid, plain := strictjson.Literal(h.alg); !valid || !plain || string(h.alg[1:len(h.alg)-1]) != alg {
		return "", invalidToken(ReasonAlgorithm, errAlgMismatch)
	}
	if h.hasCrit {
		return "", invalidToken(ReasonCrit, errCritPresent)
	}
	if h.hasTyp {
		t, ok := strictjson.String(h.typ)
		if !ok || !(strings.EqualFold(t, "JWT") || strings.EqualFold(t, "at+jwt")) {
			return "", invalidToken(ReasonType, errBadTyp)
		}
	}
	if h.hasKID {
		k, ok := strictjson.String(h.kid)
		if !ok || k == "" || len(k) > maxKIDLength {
			return "", invalidToken(ReasonMalformed, errBadKID)
		}
		kid = k
	}
	return kid, nil
}
