package strictjson

import (
	"bytes"
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
// raw value. It stops at the first error of fn and returns it; malformed
// input is [ErrNotObject].
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
		end := scanString(data, i)
		if end < 0 {
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
// and false when raw is not a valid string literal.
func String(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		if !utf8.Valid(inner) {
			return "", false
		}
		return string(inner), true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
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

// scanString returns the index just past the string literal starting at
// data[i] == '"', or -1 if it is unterminated.
func scanString(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// skipValue returns the index just past the JSON value starting at data[i],
// or -1 if it is truncated or empty.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		return scanString(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end := scanString(data, j)
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
