// Package jsonbody is a strict, schema-driven, single-pass checker for JSON
// request bodies. It runs before encoding/json.Unmarshal decodes the same
// bytes into a Go value, refuses everything encoding/json would silently
// accept or mangle, and reports every type-level problem of the body at
// once, in pydantic/FastAPI vocabulary (Problem.Type "missing",
// "int_type", ...), so that the HTTP layer can answer with one 422 that
// lists all of them. Compile turns a Go type into a Node following
// encoding/json's rules; Check scans a body against it. When Check reports
// no problems, json.Unmarshal of the same bytes into the compiled type
// succeeds.
//
// Grammar. The body must be exactly one RFC 8259 value, with optional
// whitespace around it. Any violation is reported alone, as a single
// "json_invalid" problem whose Loc is the byte offset and whose
// Ctx["error"] says why; type problems found before it are dropped, since
// a body that is not JSON has no meaningful types.
//
// Invalid UTF-8. encoding/json replaces invalid UTF-8 in strings by U+FFFD
// without a word, so the value the handler sees is not the one the client
// sent. Check refuses invalid UTF-8 anywhere in the body.
//
// Unpaired surrogates. A \uD800 escape without its low half (or a lone low
// half) is also turned into U+FFFD by encoding/json. Check refuses it.
//
// Duplicate members. encoding/json keeps the last of two members with the
// same name, so {"role":"user","role":"admin"} means what the last writer
// wants, and two parsers may disagree on it. Check refuses two members of
// one object whose decoded names are byte-identical ("a" and "\u0061" are
// the same name).
//
// Trailing data. json.Unmarshal refuses it, but json.Decoder stops after
// the first value and leaves the rest unread, so {"a":1}{"a":2} or
// {"a":1} junk can slip through; Check always refuses data after the value.
//
// Nesting depth. Deeply nested bodies cost stack and time for nothing;
// Check refuses nesting beyond Options.MaxDepth (64 by default, at most
// encoding/json's own limit of 10000).
//
// Case-insensitive member names. encoding/json assigns "NAME" or "Name"
// to the field named "name" when no exact match exists. Check reports such
// members as "extra_forbidden" (member names are case-sensitive) whatever
// Options.RejectUnknown says, so that clients learn the real name instead
// of depending on a quirk.
//
// Unknown members. They are ignored by default, like encoding/json does,
// but still checked for grammar, UTF-8 and duplicates; with
// Options.RejectUnknown they are "extra_forbidden".
//
// Integers. encoding/json refuses 1.0 and 1e2 for integer fields and
// numbers out of range for the field size; Check reports them as
// "int_from_float" and "int_parsing_size" (a negative number, even -0, is
// out of range for an unsigned field), and other JSON types as "int_type".
//
// Floats. Numbers that overflow the field's float32 or float64 are
// "float_parsing"; other JSON types are "float_type". Numbers decoded into
// an interface{} become float64, so they must fit a float64 too.
//
// Nulls. encoding/json silently ignores null for a non-pointer string,
// number, bool, struct or Go array, leaving the zero value in place. Check
// accepts null only where the Go type can hold it (pointers, slices, maps,
// interfaces) and otherwise reports the type problem of the expected kind.
// A null member counts as present for "missing".
//
// Missing members. A field is required unless it is a pointer, has the
// omitempty or omitzero json option, has a default:"..." struct tag, or is
// promoted through an embedded struct pointer. Each required field absent
// from its object is a "missing" problem, reported after the other
// problems of that object.
//
// Fixed-length arrays. For a Go array, encoding/json drops extra items and
// zero-fills missing ones; Check reports "too_long" and "too_short".
//
// Formats. time.Time must be an RFC 3339 date-time ("datetime_parsing"),
// written without escapes because time.Time's decoder does not unescape;
// uuid.UUID must be the canonical 8-4-4-4-12 form ("uuid_parsing"), not the
// braced, urn: or hyphen-less forms uuid.Parse also takes; []byte must be
// standard base64 ("bytes_invalid_encoding").
//
// Limits of the contract. Values of types with their own UnmarshalJSON or
// UnmarshalText are only checked for their JSON type; those methods may
// still refuse them. The ",string" tag option is not supported: Compile
// refuses it.
package jsonbody
