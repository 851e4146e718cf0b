package strictjson

import (
	"encoding/json"
	"errors"
	"unicode/utf8"
)

var (
	// ErrNotObject: the data is not one JSON object (with optional
	// surrounding whitespace), or its members cannot be found reliably.
	ErrNotObject = errors.New("segment is not a JSON object")
	// ErrDuplicateMember: two member names of the object are the same for
	// encoding/json.
	ErrDuplicateMember = errors.New("duplicate JSON member")
)

// Members walks the members of the top-level JSON object in data and calls
// fn with each member's raw name (between the quotes, escapes intact) and
// raw value. Names are checked to be valid JSON strings (no raw control
// characters, valid escapes, valid UTF-8); values are only delimited, so a
// caller that does not parse a value itself checks it with [Valid]. name and
// value are subslices of data. Members stops at the first error of fn and
// returns it; malformed input is [ErrNotObject].
func Members(data []byte, fn func(name, value []byte) error) error {
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return ErrNotObject
	}
	i = skipWS(data, i+1)
	if i < len(data) && data[i] == '}' {
		return trailingOnly(data, i+1)
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return ErrNotObject
		}
		end, flags := scanStr(data, i)
		if end < 0 || !literalOK(data[i:end], flags) {
			return ErrNotObject
		}
		key := data[i+1 : end-1]
		i = skipWS(data, end)
		if i >= len(data) || data[i] != ':' {
			return ErrNotObject
		}
		i = skipWS(data, i+1)
		vend := skipValue(data, i)
		if vend < 0 {
			return ErrNotObject
		}
		if err := fn(key, data[i:vend]); err != nil {
			return err
		}
		i = skipWS(data, vend)
		if i >= len(data) {
			return ErrNotObject
		}
		switch data[i] {
		case ',':
			i = skipWS(data, i+1)
		case '}':
			return trailingOnly(data, i+1)
		default:
			return ErrNotObject
		}
	}
}

// UniqueMembers checks that data is a JSON object whose member names are
// unique under encoding/json's name matching. It returns nil,
// [ErrNotObject] or [ErrDuplicateMember].
func UniqueMembers(data []byte) error {
	var names NameSet
	return Members(data, func(name, _ []byte) error {
		if !names.Add(name) {
			return ErrDuplicateMember
		}
		return nil
	})
}

// String returns the value of a raw JSON string literal (quotes included),
// and false when raw is not a valid string literal. Invalid UTF-8 is refused
// (encoding/json would replace it with U+FFFD).
func String(raw []byte) (string, bool) {
	valid, plain := Literal(raw)
	if !valid {
		return "", false
	}
	if plain {
		return string(raw[1 : len(raw)-1]), true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// Literal reports whether raw is one valid JSON string literal (quotes
// included) with valid UTF-8 content, and whether it is plain: without
// escapes, so that its value is raw[1:len(raw)-1] as is.
func Literal(raw []byte) (valid, plain bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return false, false
	}
	end, flags := scanStr(raw, 0)
	if end != len(raw) {
		return false, false
	}
	return literalOK(raw, flags), flags&strEscape == 0
}

// Valid reports whether raw is one valid JSON value (encoding/json's
// grammar; invalid UTF-8 inside strings is refused as well).
func Valid(raw []byte) bool {
	return json.Valid(raw) && utf8.Valid(raw)
}

// Classes of the bytes inside a string literal (strClass).
const (
	strPlain   = 0
	strQuote   = 1
	strEscape  = 2
	strControl = 4
	strHigh    = 8
)

// strClass classifies every byte for scanStr; it is never written after
// its initialisation.
var strClass = func() (t [256]uint8) {
	for c := 0; c < 0x20; c++ {
		t[c] = strControl
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = strHigh
	}
	t['"'] = strQuote
	t['\\'] = strEscape
	return t
}()

// scanStr returns the index just past the string literal starting at
// data[i] == '"' (-1 if it is unterminated) and the union of the classes
// of the bytes it holds.
func scanStr(data []byte, i int) (end int, flags uint8) {
	for j := i + 1; j < len(data); j++ {
		c := strClass[data[j]]
		if c == strPlain {
			continue
		}
		switch c {
		case strQuote:
			return j + 1, flags
		case strEscape:
			flags |= strEscape
			j++
		default:
			flags |= c
		}
	}
	return -1, flags
}

// literalOK decides whether the literal lit, scanned with flags, is valid:
// no raw control character, valid escapes, valid UTF-8.
func literalOK(lit []byte, flags uint8) bool {
	switch {
	case flags&strControl != 0:
		return false
	case flags&strEscape != 0:
		return json.Valid(lit) && (flags&strHigh == 0 || utf8.Valid(lit))
	case flags&strHigh != 0:
		return utf8.Valid(lit)
	}
	return true
}

func trailingOnly(data []byte, i int) error {
	if skipWS(data, i) != len(data) {
		return ErrNotObject
	}
	return nil
}

func skipWS(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipValue returns the index just past the JSON value starting at data[i],
// or -1 if it is truncated or empty.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		end, _ := scanStr(data, i)
		return end
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end, _ := scanStr(data, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	default:
		j := i
		for j < len(data) {
			switch data[j] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				if j == i {
					return -1
				}
				return j
			}
			j++
		}
		if j == i {
			return -1
		}
		return j
	}
}
