// Package strictjson scans the members of a JSON object the way a strict
// token validator needs: it finds every member of the top-level object
// without decoding the values, and detects member names that encoding/json
// would treat as the same (case-insensitive, after unescaping), so that
// {"sub":"a","SUB":"b"} cannot smuggle a second value past a decoder that
// keeps one of them.
//
// The scanner checks member names fully and values only as far as needed
// to delimit them; a caller that does not parse a value itself checks it
// with [Valid], so that the members it decodes by hand and those it skips
// are held to encoding/json's grammar (and to valid UTF-8). The scanner
// never recurses, so deep nesting cannot exhaust the stack, and for objects
// of up to 32 members it compares names in a fixed array instead of a map.
package strictjson
