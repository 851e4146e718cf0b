package authevent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// CanonicalJSON re-encodes a JSON document the way fa-auth-m8 (Python's
// json.dumps with sort_keys=True, separators=(",", ":"), ensure_ascii=True)
// does, so that both sides sign the same bytes:
//
//   - object keys sorted by code point, no whitespace;
//   - strings: `"` and `\` escaped, \b \f \n \r \t short escapes, every other
//     character outside printable ASCII as \uXXXX (lower-case hex, surrogate
//     pairs above U+FFFF); "/", "<", ">" and "&" are not escaped;
//   - integers as plain decimals of any size ("-0" becomes "0");
//   - other numbers as Python's float repr ("1.5", "100.0", "1e-05", "1e+16").
//
// Duplicate object keys keep the last value, as Python does. NaN and
// infinities, invalid UTF-8 and trailing data are errors.
func CanonicalJSON(doc []byte) ([]byte, error) {
	if !utf8.Valid(doc) {
		// encoding/json would silently replace the bad bytes with U+FFFD.
		return nil, errors.New("canonical json: document is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("canonical json: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("canonical json: trailing data after the document")
	}
	var buf bytes.Buffer
	if err := writeCanonical(&buf, v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeCanonical(buf *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil:
		buf.WriteString("null")
	case bool:
		buf.WriteString(strconv.FormatBool(x))
	case string:
		return writeCanonicalString(buf, x)
	case json.Number:
		return writeCanonicalNumber(buf, string(x))
	case []any:
		buf.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeCanonical(buf, e); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys) // byte order of UTF-8 is code point order
		buf.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeCanonicalString(buf, k); err != nil {
				return err
			}
			buf.WriteByte(':')
			if err := writeCanonical(buf, x[k]); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	default:
		return fmt.Errorf("canonical json: unsupported value of type %T", v)
	}
	return nil
}

const hexDigits = "0123456789abcdef"

func writeU(buf *bytes.Buffer, r rune) {
	buf.WriteString(`\u`)
	buf.WriteByte(hexDigits[r>>12&0xf])
	buf.WriteByte(hexDigits[r>>8&0xf])
	buf.WriteByte(hexDigits[r>>4&0xf])
	buf.WriteByte(hexDigits[r&0xf])
}

func writeCanonicalString(buf *bytes.Buffer, s string) error {
	if !utf8.ValidString(s) {
		return errors.New("canonical json: string is not valid UTF-8")
	}
	buf.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			buf.WriteString(`\"`)
		case r == '\\':
			buf.WriteString(`\\`)
		case r == '\n':
			buf.WriteString(`\n`)
		case r == '\r':
			buf.WriteString(`\r`)
		case r == '\t':
			buf.WriteString(`\t`)
		case r == '\b':
			buf.WriteString(`\b`)
		case r == '\f':
			buf.WriteString(`\f`)
		case r >= 0x20 && r < 0x7f:
			buf.WriteByte(byte(r))
		case r > 0xffff:
			r -= 0x10000
			writeU(buf, 0xd800+(r>>10))
			writeU(buf, 0xdc00+(r&0x3ff))
		default:
			writeU(buf, r)
		}
	}
	buf.WriteByte('"')
	return nil
}

func writeCanonicalNumber(buf *bytes.Buffer, lit string) error {
	if !strings.ContainsAny(lit, ".eE") {
		n, ok := new(big.Int).SetString(lit, 10)
		if !ok {
			return fmt.Errorf("canonical json: bad integer %q", lit)
		}
		buf.WriteString(n.String())
		return nil
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return fmt.Errorf("canonical json: number %q is not a finite float64", lit)
	}
	buf.WriteString(pythonFloatRepr(f))
	return nil
}

// pythonFloatRepr formats f like Python's repr(float): the shortest digits
// that round-trip, in positional notation when the decimal exponent is in
// (-4, 16], else scientific with a signed, at least two-digit exponent; a
// positional integer value keeps ".0".
func pythonFloatRepr(f float64) string {
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	sign := ""
	if f < 0 {
		sign = "-"
		f = -f
	}
	// Shortest round-trip digits and exponent: d.ddddde±XX
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, expStr, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	exp, _ := strconv.Atoi(expStr)
	decpt := exp + 1 // position of the decimal point after the first digit

	if decpt <= -4 || decpt > 16 {
		out := digits[:1]
		if len(digits) > 1 {
			out += "." + digits[1:]
		}
		es := "+"
		if exp < 0 {
			es = "-"
			exp = -exp
		}
		return fmt.Sprintf("%s%se%s%02d", sign, out, es, exp)
	}
	switch {
	case decpt <= 0:
		return sign + "0." + strings.Repeat("0", -decpt) + digits
	case decpt >= len(digits):
		return sign + digits + strings.Repeat("0", decpt-len(digits)) + ".0"
	default:
		return sign + digits[:decpt] + "." + digits[decpt:]
	}
}
