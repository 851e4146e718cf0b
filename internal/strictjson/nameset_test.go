package strictjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestNameSetMatchesEncodingJSON: two member names count as duplicates
// exactly when encoding/json would decode both into the same struct field.
func TestNameSetMatchesEncodingJSON(t *testing.T) {
	type probe struct {
		Field string `json:"sub"`
	}
	for _, a := range foldNames {
		for _, b := range foldNames {
			doc := `{"` + a + `":"1","` + b + `":"2"}`
			var p probe
			if err := json.Unmarshal([]byte(doc), &p); err != nil {
				t.Fatal(err)
			}
			var sa, sb string
			_ = json.Unmarshal([]byte(`"`+a+`"`), &sa)
			_ = json.Unmarshal([]byte(`"`+b+`"`), &sb)
			want := bytes.EqualFold([]byte(sa), []byte(sb))
			err := UniqueMembers([]byte(doc))
			if got := err != nil; got != want {
				t.Errorf("%s vs %s: duplicate=%v, encoding/json fold says %v", a, b, got, want)
			}
		}
	}
}

// foldNames are member names whose folding matters (also fuzz seeds).
var foldNames = []string{
	`sub`, `SUB`, `Sub`, `ſub`, `\u0073ub`, `\u017fub`, `su\u0062`, `SUB `, `sub2`, `süb`, `sUb`, `s\u0055b`,
	`kid`, `\u212aid`, `Kid`, `KİD`, `sub\u0000`,
}

// TestNameSetManyMembers: duplicate detection also works past the
// allocation-free array (map mode), and many distinct names are fine.
func TestNameSetManyMembers(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, `"m%d":%d,`, i, i)
	}
	distinct := b.String() + `"last":0}`
	if err := UniqueMembers([]byte(distinct)); err != nil {
		t.Fatalf("distinct names rejected: %v", err)
	}
	for _, dup := range []string{`"M5":1`, `"m150":1`, `"LAST":1`} {
		doc := b.String() + dup + `,"last":0}`
		if dup == `"LAST":1` {
			doc = b.String() + `"last":0,"LAST":1}`
		}
		if err := UniqueMembers([]byte(doc)); err == nil {
			t.Errorf("duplicate %s not found among 200 members", dup)
		}
	}
}

// TestNameSetRandomAgainstReference compares with a decoder-based
// reference on random objects.
func TestNameSetRandomAgainstReference(t *testing.T) {
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
		got := UniqueMembers([]byte(b.String())) != nil
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

// TestNameSetSmallObjectsAllocateOnce: up to 32 short names, Add works in
// the set's own array (the only allocation is the set itself, which escapes
// because its buffer points into its array).
func TestNameSetSmallObjectsAllocateOnce(t *testing.T) {
	names := make([][]byte, 32)
	for i := range names {
		names[i] = []byte(fmt.Sprintf("name%02d", i))
	}
	allocs := testing.AllocsPerRun(100, func() {
		var s NameSet
		for _, n := range names {
			if !s.Add(n) {
				t.Fatal("distinct name refused")
			}
		}
	})
	if allocs > 1 {
		t.Fatalf("%v allocations for 32 names", allocs)
	}
}
