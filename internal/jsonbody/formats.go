package jsonbody

import (
	"math"
	"strconv"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// validDateTime reports whether s (the raw bytes between the quotes of a
// JSON string without escapes) is an RFC 3339 date-time that time.Time's
// JSON decoder accepts. The decoder parses the raw bytes with the
// time.RFC3339 layout (the same acceptance as time.Parse with
// time.RFC3339Nano), so calling it is exact and does not allocate.
func validDateTime(s []byte) bool {
	var t time.Time
	return t.UnmarshalText(s) == nil
}

// validUUID reports whether s is the canonical textual form of a UUID:
// 8-4-4-4-12 hexadecimal digits of either case.
func validUUID(s []byte) bool {
	if len(s) != 36 {
		return false
	}
	for i, b := range s {
		switch i {
		case 8, 13, 18, 23:
			if b != '-' {
				return false
			}
		default:
			if !isHex(b) {
				return false
			}
		}
	}
	return true
}

func isHex(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F'
}

// validBase64 reports whether base64.StdEncoding decodes s: ignoring '\r'
// and '\n' anywhere, the text is whole 4-character groups of the standard
// alphabet where only the last group may end in "=" or "==". Unused low
// bits of the last group are not checked (StdEncoding is not Strict).
func validBase64(s []byte) bool {
	n := 0       // alphabet characters and '=' seen, newlines excluded
	pad := false // a '=' was seen: only '=' and newlines may follow
	for _, b := range s {
		switch {
		case b == '\r' || b == '\n':
			continue
		case b == '=':
			// Padding may only take the places 3 and 4 of a group.
			if n%4 < 2 {
				return false
			}
			pad = true
		case pad:
			return false // data after padding
		case 'A' <= b && b <= 'Z', 'a' <= b && b <= 'z', '0' <= b && b <= '9', b == '+', b == '/':
		default:
			return false
		}
		n++
	}
	return n%4 == 0
}

// intInRange reports whether the integer literal lit (optional '-', then
// digits without leading zeros) fits a signed (or unsigned) integer of bits
// bits, the way strconv.ParseInt/ParseUint followed by reflect's overflow
// check decide it for encoding/json. A '-' is out of range for unsigned
// integers, even "-0" (strconv.ParseUint refuses the sign).
func intInRange(lit []byte, unsigned bool, bits int) bool {
	if bits <= 0 || bits > 64 {
		bits = 64
	}
	neg := len(lit) > 0 && lit[0] == '-'
	if neg {
		if unsigned {
			return false
		}
		lit = lit[1:]
	}
	if len(lit) > 20 {
		return false // more than 20 digits exceeds even MaxUint64
	}
	var v uint64
	for _, b := range lit {
		d := uint64(b - '0')
		if v > (math.MaxUint64-d)/10 {
			return false
		}
		v = v*10 + d
	}
	switch {
	case unsigned:
		return bits == 64 || v <= 1<<bits-1
	case neg:
		return v <= 1<<(bits-1)
	default:
		return v <= 1<<(bits-1)-1
	}
}

// floatInRange reports whether the number literal lit parses as a finite
// float of bits (32 or 64) bits, i.e. strconv.ParseFloat reports no
// ErrRange. Literals below 10^38 (in magnitude) take a fast path that does
// not parse them at all: they fit float32 and float64 alike.
func floatInRange(lit []byte, bits int) bool {
	if bits != 32 {
		bits = 64
	}
	// mag is such that |value| < 10^mag; zero is always in range.
	i := 0
	if i < len(lit) && lit[i] == '-' {
		i++
	}
	intDigits, leadingZeros, nonZero := 0, 0, false
	for ; i < len(lit) && isDigit(lit[i]); i++ {
		if lit[i] != '0' || nonZero {
			nonZero = true
			intDigits++
		}
	}
	if i < len(lit) && lit[i] == '.' {
		for i++; i < len(lit) && isDigit(lit[i]); i++ {
			if lit[i] != '0' {
				nonZero = true
			} else if !nonZero {
				leadingZeros++
			}
		}
	}
	if !nonZero {
		return true
	}
	exp := 0
	if i < len(lit) && (lit[i] == 'e' || lit[i] == 'E') {
		i++
		neg := false
		if i < len(lit) && (lit[i] == '+' || lit[i] == '-') {
			neg = lit[i] == '-'
			i++
		}
		for ; i < len(lit) && isDigit(lit[i]); i++ {
			if exp < 1e6 { // saturate: beyond this only the sign matters
				exp = exp*10 + int(lit[i]-'0')
			}
		}
		if neg {
			exp = -exp
		}
	}
	mag := exp - leadingZeros
	if intDigits > 0 {
		mag = intDigits + exp
	}
	if mag <= 38 {
		return true // < 10^38 < MaxFloat32; tiny values round to 0 without error
	}
	if bits == 64 && mag <= 308 {
		return true // < 10^308 < MaxFloat64
	}
	_, err := strconv.ParseFloat(string(lit), bits)
	return err == nil
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// unescape decodes the content of a JSON string that the scanner has
// already validated (escapes well formed, surrogates paired, UTF-8 valid).
// It never panics even on input that was not validated.
func unescape(raw []byte) []byte {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		b := raw[i]
		if b != '\\' || i+1 >= len(raw) {
			out = append(out, b)
			i++
			continue
		}
		switch c := raw[i+1]; c {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := hex4(raw, i+2)
			if !ok {
				out = append(out, b)
				i++
				continue
			}
			i += 6
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(raw, i+2); ok && i+1 < len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r = d
						i += 6
					}
				}
			}
			out = utf8.AppendRune(out, r)
			continue
		default: // '"', '\\', '/'
			out = append(out, c)
		}
		i += 2
	}
	return out
}

// hex4 decodes the four hexadecimal digits at s[i:i+4].
func hex4(s []byte, i int) (rune, bool) {
	if i < 0 || i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, b := range s[i : i+4] {
		var d byte
		switch {
		case '0' <= b && b <= '9':
			d = b - '0'
		case 'a' <= b && b <= 'f':
			d = b - 'a' + 10
		case 'A' <= b && b <= 'F':
			d = b - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

// equalFold reports whether a and b are equal under simple Unicode case
// folding, the relation encoding/json uses to match member names to fields
// case-insensitively (the same as strings.EqualFold). Invalid UTF-8 never
// reaches here: the scanner refuses it.
func equalFold(a []byte, b string) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if ca < utf8.RuneSelf && cb < utf8.RuneSelf {
			if ca != cb && lowerASCII(ca) != lowerASCII(cb) {
				return false
			}
			i++
			j++
			continue
		}
		ra, na := utf8.DecodeRune(a[i:])
		rb, nb := utf8.DecodeRuneInString(b[j:])
		i += na
		j += nb
		if ra == rb {
			continue
		}
		if !sameFoldOrbit(ra, rb) {
			return false
		}
	}
	return i == len(a) && j == len(b)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// sameFoldOrbit reports whether r2 is reached from r1 by repeated
// unicode.SimpleFold (the orbit of equivalent cases, e.g. k K U+212A).
func sameFoldOrbit(r1, r2 rune) bool {
	for r := unicode.SimpleFold(r1); r != r1; r = unicode.SimpleFold(r) {
		if r == r2 {
			return true
		}
	}
	return false
}
