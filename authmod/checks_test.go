package authmod

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestScanObject: members are found correctly through nesting, strings with
// brackets, escapes and whitespace; malformed input is an error, never a
// panic.
func TestScanObject(t *testing.T) {
	type member struct{ k, v string }
	ok := []struct {
		in   string
		want []member
	}{
		{`{}`, nil},
		{` { } `, nil},
		{`{"a":1}`, []member{{"a", "1"}}},
		{`{"a" : "x}\"{" , "b":[1,{"c":"]"}],"d":{"e":{}},"f":null,"g":-1.5e3}`, []member{
			{"a", `"x}\"{"`}, {"b", `[1,{"c":"]"}]`}, {"d", `{"e":{}}`}, {"f", "null"}, {"g", "-1.5e3"},
		}},
		{"{\n\t\"k\\\"q\":true\r\n}", []member{{`k\"q`, "true"}}},
	}
	for _, tc := range ok {
		var got []member
		err := scanObject([]byte(tc.in), func(k, v []byte) error {
			got = append(got, member{string(k), string(v)})
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Fatalf("%s: got %v want %v", tc.in, got, tc.want)
		}
	}
	for _, in := range []string{
		``, ` `, `[]`, `"s"`, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":1`, `{"a":1}x`, `{"a":"`,
		`{"a":[1,2}`, `{a:1}`, `{"a":1 "b":2}`, `{"a\`, `{"a":{"b":"\`, `{"a":1}{"b":2}`,
	} {
		if err := scanObject([]byte(in), func(k, v []byte) error { return nil }); err == nil {
			t.Errorf("%q: accepted", in)
		}
	}
}

// TestMemberSetMatchesEncodingJSON: two member names count as duplicates
// exactly when encoding/json would decode both into the same struct field.
func TestMemberSetMatchesEncodingJSON(t *testing.T) {
	type probe struct {
		Field string `json:"sub"`
	}
	names := []string{
		`sub`, `SUB`, `Sub`, `ſub`, `\u0073ub`, `\u017fub`, `su\u0062`, `SUB `, `sub2`, `süb`, `sUb`, `s\u0055b`,
		`kid`, `\u212aid`, `Kid`, `KİD`, `sub\u0000`,
	}
	for _, a := range names {
		for _, b := range names {
			doc := `{"` + a + `":"1","` + b + `":"2"}`
			var p probe
			if err := json.Unmarshal([]byte(doc), &p); err != nil {
				t.Fatal(err)
			}
			var sa, sb string
			_ = json.Unmarshal([]byte(`"`+a+`"`), &sa)
			_ = json.Unmarshal([]byte(`"`+b+`"`), &sb)
			want := bytes.EqualFold([]byte(sa), []byte(sb))
			err := checkClaimsJSON([]byte(doc))
			if got := err != nil; got != want {
				t.Errorf("%s vs %s: duplicate=%v, encoding/json fold says %v", a, b, got, want)
			}
		}
	}
}

// TestMemberSetManyMembers: duplicate detection also works past the
// allocation-free array (map mode), and many distinct names are fine.
func TestMemberSetManyMembers(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, `"m%d":%d,`, i, i)
	}
	distinct := b.String() + `"last":0}`
	if err := checkClaimsJSON([]byte(distinct)); err != nil {
		t.Fatalf("distinct names rejected: %v", err)
	}
	for _, dup := range []string{`"M5":1`, `"m150":1`, `"LAST":1`} {
		doc := b.String() + dup + `,"last":0}`
		if dup == `"LAST":1` {
			doc = b.String() + `"last":0,"LAST":1}`
		}
		if err := checkClaimsJSON([]byte(doc)); err == nil {
			t.Errorf("duplicate %s not found among 200 members", dup)
		}
	}
}

// TestMemberSetRandomAgainstReference compares with a decoder-based
// reference on random objects.
func TestMemberSetRandomAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "A", "b", "B", "k", "K", "ſ", "s", "S", "\\u0061", "\\u004b", "é", "É"}
	for i := 0; i < 3000; i++ {
		n := 1 + r.IntN(40)
		var keys []string
		var b strings.Builder
		b.WriteString("{")
		for j := 0; j < n; j++ {
			var kb strings.Builder
			for l := 1 + r.IntN(3); l > 0; l-- {
				kb.WriteString(alphabet[r.IntN(len(alphabet))])
			}
			keys = append(keys, kb.String())
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `"%s":{"x":[%d,"}"]}`, kb.String(), j)
		}
		b.WriteString("}")
		want := false
		var decoded []string
		for _, k := range keys {
			var s string
			if err := json.Unmarshal([]byte(`"`+k+`"`), &s); err != nil {
				t.Fatal(err)
			}
			for _, prev := range decoded {
				if bytes.EqualFold([]byte(prev), []byte(s)) {
					want = true
				}
			}
			decoded = append(decoded, s)
		}
		got := checkClaimsJSON([]byte(b.String())) != nil
		if got != want {
			t.Fatalf("%s: duplicate=%v want %v", b.String(), got, want)
		}
	}
}

// TestFoldRuneMatchesEqualFold: our folding agrees with bytes.EqualFold on
// all of the BMP (the case-insensitive matching of encoding/json).
func TestFoldRuneMatchesEqualFold(t *testing.T) {
	for r := rune(0); r < 0x10000; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		f := foldRune(r)
		if !bytes.EqualFold([]byte(string(r)), []byte(string(f))) {
			t.Fatalf("%U folds to %U, which EqualFold does not match", r, f)
		}
	}
}

// TestCanonicalUUID and TestValidJTI: the claim helpers.
func TestCanonicalUUID(t *testing.T) {
	for s, want := range map[string]bool{
		vtSub:                                    true,
		"00000000-0000-0000-0000-000000000000":   false,
		strings.ToUpper(vtSub):                   false,
		"{" + vtSub + "}":                        false,
		"urn:uuid:" + vtSub:                      false,
		strings.ReplaceAll(vtSub, "-", ""):       false,
		vtSub[:35] + "g":                         false,
		"":                                       false,
		"3f2b7c1e-8a4d-4e6f-9b1a-2c3d4e5f6a7b ":  false,
		"ffffffff-ffff-ffff-ffff-ffffffffffff":   true,
		"3f2b7c1e+8a4d-4e6f-9b1a-2c3d4e5f6a7b":   false,
		"3f2b7c1e-8a4d-4e6f-9b1a-2c3d4e5f6a7":    false,
		"3f2b7c1e-8a4d-4e6f-9b1a-2c3d4e5f6a7b00": false,
	} {
		if got := canonicalUUID(s); got != want {
			t.Errorf("canonicalUUID(%q) = %v", s, got)
		}
	}
}

func TestValidJTI(t *testing.T) {
	for s, want := range map[string]bool{
		"a": true, strings.Repeat("x", 128): true, "3f2b7c1e-8a4d": true, "jti with space": true, "ünï": true,
		"": false, strings.Repeat("x", 129): false, "a\x00b": false, "a\tb": false, "\xff": false, "a\u202eb": false,
	} {
		if got := validJTI(s); got != want {
			t.Errorf("validJTI(%q) = %v", s, got)
		}
	}
}
