package jsonbody

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

func TestValidDateTime(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"2024-01-02T03:04:05Z", true},
		{"2024-01-02T03:04:05.123456789Z", true},
		{"2024-01-02T03:04:05.1234567891234Z", true}, // extra digits are accepted by time.Parse
		{"2024-01-02T03:04:05+01:00", true},
		{"2024-01-02T03:04:05-23:59", true},
		{"2024-01-02T03:04:05,5Z", true},
		{"0000-01-01T00:00:00Z", true},
		{"2024-02-29T00:00:00Z", true},
		{"2023-02-29T00:00:00Z", false},
		{"2024-01-02T03:04:05", false},
		{"2024-01-02 03:04:05Z", false},
		{"2024-01-02t03:04:05Z", false},
		{"2024-01-02T3:04:05Z", true}, // a one-digit hour: time.Parse accepts it (go.dev/issue/54580)
		{"2024-01-02T24:00:00Z", false},
		{"2024-01-02T03:04:60Z", false},
		{"2024-13-02T03:04:05Z", false},
		{"2024-01-02T03:04:05+0100", false},
		{"2024-01-02T03:04:05.Z", false},
		{"12024-01-02T03:04:05Z", false},
		{"2024-01-02", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := validDateTime([]byte(tt.in)); got != tt.want {
			t.Errorf("validDateTime(%q) = %v, want %v", tt.in, got, tt.want)
		}
		// The acceptance is that of time.Parse with RFC3339Nano ...
		_, err := time.Parse(time.RFC3339Nano, tt.in)
		if (err == nil) != tt.want {
			t.Errorf("time.Parse(RFC3339Nano, %q): %v, want ok=%v", tt.in, err, tt.want)
		}
		// ... and of time.Time's JSON decoder.
		var v time.Time
		err = json.Unmarshal([]byte(strconv.Quote(tt.in)), &v)
		if (err == nil) != tt.want {
			t.Errorf("json.Unmarshal(%q): %v, want ok=%v", tt.in, err, tt.want)
		}
	}
}

func TestValidUUID(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", true},
		{"0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B", true},
		{"00000000-0000-0000-0000-000000000000", true},
		{"0190a1b2c3d47e5f8a9b0c1d2e3f4a5b", false},
		{"{0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b}", false},
		{"urn:uuid:0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", false},
		{"0190a1b2-c3d4-7e5f-8a9b_0c1d2e3f4a5b", false},
		{"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5", false},
		{"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5bb", false},
		{"g190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", false},
		{"0190a1b2c-3d4-7e5f-8a9b-0c1d2e3f4a5b", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := validUUID([]byte(tt.in)); got != tt.want {
			t.Errorf("validUUID(%q) = %v, want %v", tt.in, got, tt.want)
		}
		if tt.want {
			if _, err := uuid.ParseBytes([]byte(tt.in)); err != nil {
				t.Errorf("uuid.ParseBytes(%q): %v", tt.in, err)
			}
		}
	}
}

func TestValidBase64(t *testing.T) {
	inputs := []string{
		"", "QQ==", "QUI=", "QUJD", "QUJDRA==", "aGVsbG8=", "+/+/", "////",
		"QQ", "QQ=", "QQ===", "Q===", "====", "=", "Q", "QUJDR", "QUJD=", "QU=D",
		"QQ==QQ==", "QQ==\n", "\nQQ==", "Q\r\nQ\n==", "QQ=\n=", "QQ\n=\r\n=\n", "\n", "\r\n\r\n",
		"-_8=", "QQ== ", " QQ==", "QQ\x00=", "QR==", "QUJ=", "AAAA" + strings.Repeat("\n", 5),
		"é===", "QQ==\nQQ==",
	}
	for _, in := range inputs {
		_, err := base64.StdEncoding.DecodeString(in)
		if got, want := validBase64([]byte(in)), err == nil; got != want {
			t.Errorf("validBase64(%q) = %v, base64.StdEncoding says %v (%v)", in, got, want, err)
		}
	}
	// Exhaustive over short strings of a small alphabet.
	alphabet := []byte("A/=\n-")
	var gen func(prefix []byte, n int)
	gen = func(prefix []byte, n int) {
		_, err := base64.StdEncoding.DecodeString(string(prefix))
		if got, want := validBase64(prefix), err == nil; got != want {
			t.Errorf("validBase64(%q) = %v, base64.StdEncoding says %v", prefix, got, want)
		}
		if n == 0 {
			return
		}
		for _, b := range alphabet {
			gen(append(prefix, b), n-1)
		}
	}
	gen(nil, 7)
}

func TestIntInRange(t *testing.T) {
	lits := []string{
		"0", "-0", "1", "-1", "127", "128", "-128", "-129", "255", "256", "32767", "32768", "-32768", "-32769",
		"65535", "65536", "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
		"18446744073709551615", "18446744073709551616", "99999999999999999999", "100000000000000000000",
		"-18446744073709551616", "123456789012345678901234567890",
	}
	for _, lit := range lits {
		for _, bits := range []int{8, 16, 32, 64} {
			n, err := strconv.ParseInt(lit, 10, 64)
			wantInt := err == nil && n >= -1<<(bits-1) && n <= 1<<(bits-1)-1
			if got := intInRange([]byte(lit), false, bits); got != wantInt {
				t.Errorf("intInRange(%s, int%d) = %v, want %v", lit, bits, got, wantInt)
			}
			u, err := strconv.ParseUint(lit, 10, 64)
			wantUint := err == nil && (bits == 64 || u <= 1<<bits-1)
			if got := intInRange([]byte(lit), true, bits); got != wantUint {
				t.Errorf("intInRange(%s, uint%d) = %v, want %v", lit, bits, got, wantUint)
			}
		}
	}
}

func TestFloatInRange(t *testing.T) {
	lits := []string{
		"0", "-0", "0.0", "0e999999999999", "1", "-1.5", "1e38", "3.4028234e38", "3.4028235e38", "3.4028236e38",
		"3.5e38", "-3.5e38", "1e39", "340282356779733661637539395458142568447", "340282356779733661637539395458142568448",
		"1e308", "1.7976931348623157e308", "1.7976931348623159e308", "1e309", "-1e309", "1e-400", "1e-46",
		"0.0000000000000000000000000000000000000000001e84", "100000000000000000000000000000000000000e0",
		"1e+38", "10e37", "10e38", "0.1e39", "0.1e40", "1e99999999999999999999", "1e-99999999999999999999",
		"123456789012345678901234567890123456789012345678901234567890", "0.000123e-10", "1E2",
	}
	for _, lit := range lits {
		for _, bits := range []int{32, 64} {
			_, err := strconv.ParseFloat(lit, bits)
			if err != nil && !errors.Is(err, strconv.ErrRange) {
				t.Fatalf("bad test literal %s: %v", lit, err)
			}
			if got, want := floatInRange([]byte(lit), bits), err == nil; got != want {
				t.Errorf("floatInRange(%s, %d) = %v, want %v", lit, bits, got, want)
			}
		}
	}
	if !floatInRange([]byte(strconv.FormatFloat(math.MaxFloat64, 'g', -1, 64)), 64) {
		t.Error("MaxFloat64 out of range")
	}
}

func TestUnescape(t *testing.T) {
	inputs := []string{
		`plain`, `a\"b`, `\\\/\b\f\n\r\t`, `\u0041\u00e9\u20AC`, `\ud83d\ude00x`, `\u0000`, `é\u00e9`, ``,
	}
	for _, in := range inputs {
		var want string
		if err := json.Unmarshal([]byte(`"`+in+`"`), &want); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if got := string(unescape([]byte(in))); got != want {
			t.Errorf("unescape(%s) = %q, want %q", in, got, want)
		}
	}
	// Malformed input (never produced by the scanner) must not panic.
	for _, in := range []string{`\`, `\u`, `\u12`, `\ud800`, `\ud800\u`, `\ud800\uzzzz`, `\uzzzz`} {
		unescape([]byte(in))
	}
}

func TestEqualFold(t *testing.T) {
	words := []string{
		"", "a", "A", "ab", "AB", "aB", "name", "NAME", "Name", "nam", "names", "k", "K", "\u212a", "\u212aey", "KEY",
		"s", "S", "\u017f", "ß", "ẞ", "σ", "ς", "Σ", "ı", "i", "I", "İ", "é", "É", "e", "Ǆ", "ǅ", "ǆ", "ΐ", "ΐ", "a\u212a",
	}
	for _, a := range words {
		for _, b := range words {
			if got, want := equalFold([]byte(a), b), strings.EqualFold(a, b); got != want {
				t.Errorf("equalFold(%q, %q) = %v, strings.EqualFold says %v", a, b, got, want)
			}
		}
	}
	// All single runes against their upper and lower case forms.
	for r := rune(0); r < 0x2000; r++ {
		a := string(r)
		for _, b := range []string{strings.ToUpper(a), strings.ToLower(a), "x", string(r + 1)} {
			if !utf8.ValidString(b) {
				continue
			}
			if got, want := equalFold([]byte(a), b), strings.EqualFold(a, b); got != want {
				t.Errorf("equalFold(%q, %q) = %v, strings.EqualFold says %v", a, b, got, want)
			}
		}
	}
}
