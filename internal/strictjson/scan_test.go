package strictjson

import (
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
