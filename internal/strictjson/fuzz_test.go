package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

// FuzzUniqueMembers checks the scanner against encoding/json on arbitrary
// input. Whatever the input: no panic, and the only errors are ErrNotObject
// and ErrDuplicateMember. For every document encoding/json accepts as an
// object, the scanner finds exactly its members (no false refusal), and
// reports a duplicate exactly when two decoded names are equal under
// encoding/json's case folding.
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
	f.Fuzz(func(t *testing.T, doc string) {
		err := UniqueMembers([]byte(doc))
		if err != nil && !errors.Is(err, ErrNotObject) && !errors.Is(err, ErrDuplicateMember) {
			t.Fatalf("unexpected error %v", err)
		}
		names, isObject := decodedNames(doc)
		if !isObject {
			return
		}
		var scanned int
		if serr := Members([]byte(doc), func(_, _ []byte) error { scanned++; return nil }); serr != nil {
			t.Fatalf("valid object refused: %v", serr)
		}
		if scanned != len(names) {
			t.Fatalf("found %d members, encoding/json %d", scanned, len(names))
		}
		want := false
		for i := range names {
			for j := range i {
				if bytes.EqualFold([]byte(names[i]), []byte(names[j])) {
					want = true
				}
			}
		}
		if got := errors.Is(err, ErrDuplicateMember); got != want {
			t.Fatalf("duplicate=%v, encoding/json fold says %v (names %q)", got, want, names)
		}
	})
}

// decodedNames returns the decoded member names of doc when encoding/json
// accepts doc as a single object.
func decodedNames(doc string) ([]string, bool) {
	var raw map[string]json.RawMessage
	if json.Unmarshal([]byte(doc), &raw) != nil || raw == nil {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(doc)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	var names []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		name, ok := tok.(string)
		if !ok {
			return nil, false
		}
		names = append(names, name)
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, false
		}
	}
	return names, true
}
