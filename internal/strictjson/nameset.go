package strictjson

import (
	"bytes"
	"encoding/json"
	"unicode"
	"unicode/utf8"
)

// NameSet detects duplicate member names, comparing them the way
// encoding/json matches names to struct fields (after unescaping, under
// Unicode simple case folding). Up to 32 names (512 bytes of folded names)
// it works in its own fixed array; beyond that it switches to a map. The
// zero value is an empty set.
type NameSet struct {
	// arena holds the folded names; spans[k] is the k-th one. No field
	// points into the set itself, so a NameSet can live on its caller's
	// stack.
	arena [512]byte
	used  int
	spans [32][2]int32
	n     int
	big   map[string]struct{}
}

// Add records the raw (possibly escaped) member name and reports false if an
// equivalent name was already recorded.
func (s *NameSet) Add(name []byte) bool {
	var tmp [128]byte
	folded := appendFoldedName(tmp[:0], name)
	if s.big != nil {
		if _, dup := s.big[string(folded)]; dup {
			return false
		}
		s.big[string(folded)] = struct{}{}
		return true
	}
	for k := 0; k < s.n; k++ {
		sp := s.spans[k]
		if bytes.Equal(s.arena[sp[0]:sp[1]], folded) {
			return false
		}
	}
	if s.n < len(s.spans) && s.used+len(folded) <= len(s.arena) {
		copy(s.arena[s.used:], folded)
		s.spans[s.n] = [2]int32{int32(s.used), int32(s.used + len(folded))}
		s.used += len(folded)
		s.n++
		return true
	}
	// Too many names (or too long) for the array: move everything to a map.
	s.big = make(map[string]struct{}, 2*len(s.spans))
	for k := 0; k < s.n; k++ {
		sp := s.spans[k]
		s.big[string(s.arena[sp[0]:sp[1]])] = struct{}{}
	}
	s.big[string(folded)] = struct{}{}
	return true
}

// AppendFolded appends the folded form of a raw (possibly escaped) JSON
// member name (between its quotes) to dst, exactly as encoding/json folds
// names when it matches them to struct fields: escapes decoded, ASCII
// letters to upper case, other runes to the smallest rune of their
// simple-fold orbit ("sub", "SUB", "\u0073ub" and "\u017fub" all fold to
// "SUB").
func AppendFolded(dst, raw []byte) []byte { return appendFoldedName(dst, raw) }

func appendFoldedName(dst, raw []byte) []byte {
	if bytes.IndexByte(raw, '\\') >= 0 {
		quoted := make([]byte, 0, len(raw)+2)
		quoted = append(quoted, '"')
		quoted = append(quoted, raw...)
		quoted = append(quoted, '"')
		var s string
		if err := json.Unmarshal(quoted, &s); err == nil {
			raw = []byte(s)
		}
		// On error keep the raw bytes: the decoder rejects the document anyway.
	}
	for i := 0; i < len(raw); {
		c := raw[i]
		if c < utf8.RuneSelf {
			if 'a' <= c && c <= 'z' {
				c -= 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(raw[i:])
		dst = utf8.AppendRune(dst, foldRune(r))
		i += n
	}
	return dst
}

// foldRune returns the smallest rune of r's simple-fold orbit.
func foldRune(r rune) rune {
	for {
		r2 := unicode.SimpleFold(r)
		if r2 <= r {
			return r2
		}
		r = r2
	}
}
