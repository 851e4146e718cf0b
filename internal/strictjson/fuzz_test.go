package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzUniqueMembers checks the scanner against encoding/json on arbitrary
// input. Whatever the input: no panic, and the only errors are ErrNotObject
// and ErrDuplicateMember. For every document encoding/json accepts as an
// object, the scanner finds exactly its members (no false refusal), and
// reports a duplicate exactly when two decoded names are equal under
// encoding/json's case folding. The one deliberate difference: a member
// name with invalid UTF-8 (which encoding/json replaces with U+FFFD) is
// refused as ErrNotObject, and only such a name.
//
// Explore with `go test -run '^$' -fuzz FuzzUniqueMembers ./internal/strictjson/`.
func FuzzUniqueMembers(f *testing.F) {
	for _, s := range malformed {
		f.Add(s)
	}
	for _, a := range foldNames {
		f.Add(`{"` + a + `":"1","sub":"2"}`)
	}
	for _, s := range []string{
		`{}`, ` { } `, `{"a":1}`, `{"a" : "x}\"{" , "b":[1,{"c":"]"}],"d":{"e":{}},"f":null,"g":-1.5e3}`,
		"{\n\t\"k\\\"q\":true\r\n}", `{"alg":"RS256","typ":"JWT","kid":"k1"}`, `{"sub":"a","SUB":"b"}`,
		`{"a":"\ud83d\ude00","A":1}`, `{"a":[[[[{}]]]],"b":"]}"}`, `{"\u00e9":1,"\u00c9":2}`,
	} {
		f.Add(s)
	}
	// Names with raw control characters (encoding/json refuses them too) and
	// with invalid UTF-8 (encoding/json replaces it; the scanner refuses it),
	// next to the same bytes in values (only delimited by the scanner).
	for _, s := range []string{
		"{\"a\x01\":1}", "{\"\x00\":1}", "{\"a\tb\":1}", "{\"a\nb\":1,\"A\nB\":2}", "{\"\x1f\":1,\"b\":\"\x1f\"}",
		"{\"\xff\":1}", "{\"\xc3\":1}", "{\"s\xffb\":1,\"S\xffB\":2}", "{\"\xed\xa0\x80\":1}", "{\"\xc0\xaf\":1}",
		"{\"\xef\xbf\xbd\":1,\"\xff\":2}", "{\"\\u00e9\xff\":1}", "{\"a\":\"\xff\",\"b\":[\"\xc3\"]}",
		"{\"a\":1,\"\xff\":{\"\xfe\":2}}", "{\"\\u0000\":1,\"\\u001f\":2}",
		"{\"\":\"\",\"\":\"\",\"\xeb\":\"\"}", "{\"a\":1,\"A\":2,\"\xff\":3}", "{\"\xff\":1,\"a\":2,\"a\":3}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		err := UniqueMembers([]byte(doc))
		if err != nil && !errors.Is(err, ErrNotObject) && !errors.Is(err, ErrDuplicateMember) {
			t.Fatalf("unexpected error %v", err)
		}
		names, rawNames, isObject := decodedNames(doc)
		if !isObject {
			return
		}
		firstBad := -1
		for i, raw := range rawNames {
			if !utf8.ValidString(raw) {
				firstBad = i
				break
			}
		}
		var scanned int
		serr := Members([]byte(doc), func(_, _ []byte) error { scanned++; return nil })
		if firstBad >= 0 {
			// Refused, as not an object, unless a duplicate comes first.
			if !errors.Is(serr, ErrNotObject) || scanned != firstBad {
				t.Fatalf("member %d has invalid UTF-8 (names %q): Members visited %d, %v; want ErrNotObject there", firstBad, rawNames, scanned, serr)
			}
			if errors.Is(err, ErrDuplicateMember) != hasFoldDuplicate(names[:firstBad]) || err == nil {
				t.Fatalf("member %d has invalid UTF-8 (names %q): UniqueMembers %v", firstBad, rawNames, err)
			}
			return
		}
		if serr != nil {
			t.Fatalf("valid object refused: %v", serr)
		}
		if scanned != len(names) {
			t.Fatalf("found %d members, encoding/json %d", scanned, len(names))
		}
		want := hasFoldDuplicate(names)
		if got := errors.Is(err, ErrDuplicateMember); got != want {
			t.Fatalf("duplicate=%v, encoding/json fold says %v (names %q)", got, want, names)
		}
	})
}

// hasFoldDuplicate reports whether two of the decoded names are equal under
// encoding/json's case folding.
func hasFoldDuplicate(names []string) bool {
	for i := range names {
		for j := range i {
			if bytes.EqualFold([]byte(names[i]), []byte(names[j])) {
				return true
			}
		}
	}
	return false
}

// decodedNames returns the decoded member names of doc, and the raw ones
// (between the quotes, escapes intact), when encoding/json accepts doc as a
// single object.
func decodedNames(doc string) (names, rawNames []string, ok bool) {
	var raw map[string]json.RawMessage
	if json.Unmarshal([]byte(doc), &raw) != nil || raw == nil {
		return nil, nil, false
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(doc)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, false
	}
	for dec.More() {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, false
		}
		name, ok := tok.(string)
		if !ok {
			return nil, nil, false
		}
		// Between the previous value and the end of the name there is only
		// whitespace, a comma and the quoted name.
		after := int(dec.InputOffset())
		open := int(before) + strings.IndexByte(doc[before:after], '"')
		if open < int(before) || open >= after-1 || doc[after-1] != '"' {
			panic(fmt.Sprintf("name %q not found in %q", name, doc[before:after]))
		}
		rawName := doc[open+1 : after-1]
		var check string
		if json.Unmarshal([]byte(`"`+rawName+`"`), &check) != nil || check != name {
			panic(fmt.Sprintf("raw name %q does not decode to %q", rawName, name))
		}
		names = append(names, name)
		rawNames = append(rawNames, rawName)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, nil, false
		}
	}
	return names, rawNames, true
}
