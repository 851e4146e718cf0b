package strictjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestMembers: members are found correctly through nesting, strings with
// brackets, escapes and whitespace; malformed input is an error, never a
// panic.
func TestMembers(t *testing.T) {
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
		err := Members([]byte(tc.in), func(k, v []byte) error {
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
	for _, in := range malformed {
		if err := Members([]byte(in), func(k, v []byte) error { return nil }); !errors.Is(err, ErrNotObject) {
			t.Errorf("%q: %v, want ErrNotObject", in, err)
		}
	}
}

// malformed are documents Members refuses (also fuzz seeds).
var malformed = []string{
	``, ` `, `[]`, `"s"`, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":1`, `{"a":1}x`, `{"a":"`,
	`{"a":[1,2}`, `{a:1}`, `{"a":1 "b":2}`, `{"a\`, `{"a":{"b":"\`, `{"a":1}{"b":2}`,
}

// TestMembersStopsAtCallbackError: the callback's error is returned as is
// and no later member is visited.
func TestMembersStopsAtCallbackError(t *testing.T) {
	stop := errors.New("stop")
	var seen []string
	err := Members([]byte(`{"a":1,"b":2,"c":3}`), func(k, _ []byte) error {
		seen = append(seen, string(k))
		if string(k) == "b" {
			return stop
		}
		return nil
	})
	if err != stop || strings.Join(seen, ",") != "a,b" {
		t.Fatalf("err %v, seen %v", err, seen)
	}
}

// TestMembersDeepNesting: nesting is skipped with a counter, not recursion.
func TestMembersDeepNesting(t *testing.T) {
	deep := `{"a":` + strings.Repeat("[", 1<<20) + strings.Repeat("]", 1<<20) + `}`
	if err := Members([]byte(deep), func(k, v []byte) error { return nil }); err != nil {
		t.Fatalf("deeply nested value: %v", err)
	}
}

func TestUniqueMembers(t *testing.T) {
	for in, want := range map[string]error{
		`{}`:                         nil,
		`{"sub":"a","iss":"b"}`:      nil,
		`{"sub":"a","sub":"b"}`:      ErrDuplicateMember,
		`{"sub":"a","SUB":"b"}`:      ErrDuplicateMember,
		`{"sub":"a","\u017fub":"b"}`: ErrDuplicateMember,
		`{"sub":"a",}`:               ErrNotObject,
		`[]`:                         ErrNotObject,
	} {
		if err := UniqueMembers([]byte(in)); !errors.Is(err, want) || (want == nil) != (err == nil) {
			t.Errorf("UniqueMembers(%s) = %v, want %v", in, err, want)
		}
	}
}

func TestString(t *testing.T) {
	for raw, want := range map[string]string{
		`""`:              "",
		`"RS256"`:         "RS256",
		`"\u0052S256"`:    "RS256",
		`"a\"b"`:          `a"b`,
		`"zoë"`:           "zoë",
		`"\ud83d\ude00"`:  "😀",
		`"tab\there"`:     "tab\there",
		"\"\xff\"":        "\x00invalid",
		`"unterminated`:   "\x00invalid",
		`RS256`:           "\x00invalid",
		`"`:               "\x00invalid",
		`1`:               "\x00invalid",
		`"bad \x escape"`: "\x00invalid",
	} {
		got, ok := String([]byte(raw))
		if want == "\x00invalid" {
			if ok {
				t.Errorf("String(%s) = %q, want invalid", raw, got)
			}
			continue
		}
		if !ok || got != want {
			t.Errorf("String(%s) = %q, %v, want %q", raw, got, ok, want)
		}
	}
}

// TestLiteral: valid is exactly "one JSON string literal with valid UTF-8
// content", plain is "no escapes" (then the value is the bytes between the
// quotes). plain is only meaningful for a valid literal.
func TestLiteral(t *testing.T) {
	for _, tc := range []struct {
		raw          string
		valid, plain bool
	}{
		{`""`, true, true},
		{`"RS256"`, true, true},
		{`"zoë 😀"`, true, true},
		{"\"del\x7f\"", true, true}, // DEL is not a control character for JSON
		{`"\u00e9"`, true, false},
		{`"\u0052S256"`, true, false},
		{`"a\"b"`, true, false},
		{`"\\"`, true, false},
		{`"\/"`, true, false},
		{`"\b\f\n\r\t"`, true, false},
		{`"\ud83d\ude00"`, true, false},
		{`"\ud800"`, true, false}, // a lone surrogate escape is valid JSON (decodes to U+FFFD)
		{`"é\u00e9"`, true, false},
		{`"\u0000"`, true, false},

		// Raw control characters.
		{"\"\x00\"", false, false},
		{"\"a\x01b\"", false, false},
		{"\"tab\there\"", false, false},
		{"\"line\nbreak\"", false, false},
		{"\"\x1f\"", false, false},
		{"\"\\u00e9\x1f\"", false, false}, // with an escape too
		// Invalid UTF-8.
		{"\"\xff\"", false, false},
		{"\"\xc3\"", false, false},             // truncated sequence
		{"\"\xc0\xaf\"", false, false},         // overlong encoding
		{"\"\xed\xa0\x80\"", false, false},     // UTF-8-encoded surrogate
		{"\"\xf4\x90\x80\x80\"", false, false}, // beyond U+10FFFF
		{"\"\\u00e9\xff\"", false, false},      // with an escape too
		{"\"\\\xc3\xa9\"", false, false},       // backslash before a multi-byte rune
		// Bad escapes.
		{`"\x41"`, false, false},
		{`"\u00"`, false, false},
		{`"\u00zz"`, false, false},
		{`"\U00e9"`, false, false},
		{`"\'"`, false, false},
		// Unterminated, not one literal, not a string.
		{`"`, false, false},
		{`"abc`, false, false},
		{`"\"`, false, false},
		{`"abc\`, false, false},
		{`"a"b`, false, false},
		{`"a" `, false, false},
		{` "a"`, false, false},
		{`"a""b"`, false, false},
		{``, false, false},
		{`abc`, false, false},
		{`1`, false, false},
		{`null`, false, false},
		{`'a'`, false, false},
	} {
		valid, plain := Literal([]byte(tc.raw))
		if valid != tc.valid || (valid && plain != tc.plain) {
			t.Errorf("Literal(%q) = %v, %v; want %v, %v", tc.raw, valid, plain, tc.valid, tc.plain)
		}
		// A valid literal is what encoding/json decodes as a string (without
		// replacing anything), and a plain one decodes to its inner bytes.
		var s string
		jerr := json.Unmarshal([]byte(tc.raw), &s)
		if valid && jerr != nil {
			t.Errorf("Literal(%q) valid, encoding/json: %v", tc.raw, jerr)
		}
		if valid && plain && s != tc.raw[1:len(tc.raw)-1] {
			t.Errorf("Literal(%q) plain, but decodes to %q", tc.raw, s)
		}
	}
}

// TestValid: encoding/json's grammar, with invalid UTF-8 refused as well.
func TestValid(t *testing.T) {
	for raw, want := range map[string]bool{
		`null`:                     true,
		`true`:                     true,
		`false`:                    true,
		`0`:                        true,
		`-0`:                       true,
		`-1.5e-3`:                  true,
		`1E+9`:                     true,
		`""`:                       true,
		`"\u00e9\ud800"`:           true,
		`"zoë"`:                    true,
		`[]`:                       true,
		`{}`:                       true,
		`[1,"a",null,{"b":[{}]}]`:  true,
		`{"a":{"b":{"c":[true]}}}`: true,
		` {"a" : 1 } `:             true, // surrounding whitespace, as json.Valid
		"\t[1]\n":                  true,

		``:                 false,
		` `:                false,
		`tru`:              false,
		`nul`:              false,
		`True`:             false,
		`NaN`:              false,
		`Infinity`:         false,
		`01`:               false,
		`0123`:             false,
		`-`:                false,
		`1.`:               false,
		`.5`:               false,
		`+1`:               false,
		`1e`:               false,
		`0x10`:             false,
		`1 2`:              false,
		`[1,]`:             false,
		`[1`:               false,
		`[1}`:              false,
		`{"a":}`:           false,
		`{"a":1,}`:         false,
		`{"a" 1}`:          false,
		`{a:1}`:            false,
		`{"a":1}}`:         false,
		`'a'`:              false,
		`"a`:               false,
		"\"a\x01\"":        false,
		"[\"\t\"]":         false,
		"\"\xff\"":         false,
		"[\"\xc3\"]":       false,
		"{\"\xff\":1}":     false,
		"{\"a\":\"\xff\"}": false,
	} {
		if got := Valid([]byte(raw)); got != want {
			t.Errorf("Valid(%q) = %v, want %v", raw, got, want)
		}
	}
}

// TestMembersNameAndValueChecks: names are held to the string grammar (no
// raw control character, valid escapes, valid UTF-8), values only
// delimited: checking them is the caller's job ([Valid]).
func TestMembersNameAndValueChecks(t *testing.T) {
	for _, doc := range []string{
		"{\"a\x01\":1}", "{\"\x00\":1}", "{\"a\tb\":1}", "{\"\xff\":1}", "{\"\xc3\":1}",
		"{\"\xed\xa0\x80\":1}", "{\"\\u00e9\xff\":1}", `{"\x":1}`, `{"\u12":1}`,
	} {
		err := Members([]byte(doc), func(_, _ []byte) error { t.Errorf("%q: member visited", doc); return nil })
		if !errors.Is(err, ErrNotObject) {
			t.Errorf("%q: %v, want ErrNotObject", doc, err)
		}
	}
	for doc, val := range map[string]string{
		"{\"a\":\"\xff\"}": "\"\xff\"",
		"{\"a\":tru}":      "tru",
		"{\"a\":01}":       "01",
		"{\"a\":[1,]}":     "[1,]",
		"{\"a\":{\"b\":}}": "{\"b\":}",
		"{\"a\":[}}":       "[}",
	} {
		var got []string
		if err := Members([]byte(doc), func(_, v []byte) error { got = append(got, string(v)); return nil }); err != nil {
			t.Errorf("%q: %v", doc, err)
			continue
		}
		if len(got) != 1 || got[0] != val {
			t.Errorf("%q: values %q, want [%q]", doc, got, val)
		}
		if Valid([]byte(val)) {
			t.Errorf("Valid(%q) = true", val)
		}
	}
}
