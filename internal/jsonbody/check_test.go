package jsonbody

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

type owner struct {
	Email string `json:"email"`
}

type item struct {
	Name        string          `json:"name"`
	Description *string         `json:"description"`
	Price       float64         `json:"price"`
	Qty         int8            `json:"qty,omitempty"`
	Count       uint16          `json:"count,omitempty"`
	Small       float32         `json:"small,omitempty"`
	Active      bool            `json:"active,omitempty"`
	Tags        []string        `json:"tags,omitempty"`
	Dims        [3]int          `json:"dims,omitzero"`
	Attrs       map[string]int  `json:"attrs,omitempty"`
	At          time.Time       `json:"at,omitzero"`
	ID          uuid.UUID       `json:"id,omitzero"`
	Blob        []byte          `json:"blob,omitempty"`
	Owner       *owner          `json:"owner,omitempty"`
	Extra       any             `json:"extra,omitempty"`
	Raw         json.RawMessage `json:"raw,omitempty"`
	Num         json.Number     `json:"num,omitempty"`
}

type present struct {
	Tags []string `json:"tags"`
	Any  any      `json:"any"`
	P    *int     `json:"p"`
}

type folded struct {
	Key string `json:"key"`
}

var messages = map[string]string{
	"missing":                "Field required",
	"extra_forbidden":        "Extra inputs are not permitted",
	"bool_type":              "Input should be a valid boolean",
	"int_type":               "Input should be a valid integer",
	"int_from_float":         "Input should be a valid integer, got a number with a fractional part",
	"int_parsing_size":       "Input should be a valid integer, the number is out of range",
	"float_type":             "Input should be a valid number",
	"float_parsing":          "Input should be a finite number",
	"string_type":            "Input should be a valid string",
	"datetime_parsing":       "Input should be a valid datetime (RFC 3339)",
	"uuid_parsing":           "Input should be a valid UUID",
	"bytes_invalid_encoding": "Data should be valid base64",
	"model_type":             "Input should be a valid dictionary or object to extract fields from",
	"dict_type":              "Input should be a valid dictionary",
	"list_type":              "Input should be a valid list",
}

// prob is a problem of type typ at loc with pydantic's message.
func prob(typ string, loc ...any) Problem {
	if loc == nil {
		loc = []any{}
	}
	return Problem{Type: typ, Loc: loc, Msg: messages[typ]}
}

// invalid is the json_invalid problem at offset off.
func invalid(off int, reason string) []Problem {
	return []Problem{{Type: "json_invalid", Loc: []any{off}, Msg: "JSON decode error", Ctx: map[string]any{"error": reason}}}
}

func folding(loc ...any) Problem {
	p := prob("extra_forbidden", loc...)
	p.Msg = "Extra inputs are not permitted (member names are case-sensitive)"
	return p
}

func ps(p ...Problem) []Problem { return p }

type checkCase struct {
	name string
	typ  reflect.Type // nil: Check with a nil node (any value)
	body string
	opt  Options
	want []Problem
}

var (
	tItem    = reflect.TypeFor[item]()
	tPresent = reflect.TypeFor[present]()
	tFolded  = reflect.TypeFor[folded]()
)

func TestCheckTypes(t *testing.T) {
	tooShort := prob("too_short", "dims")
	tooShort.Msg, tooShort.Ctx = "List should have at least 3 items", map[string]any{"min_length": 3}
	tooLong := prob("too_long", "dims")
	tooLong.Msg, tooLong.Ctx = "List should have at most 3 items", map[string]any{"max_length": 3}

	runCheckCases(t, []checkCase{
		{"valid minimal", tItem, `{"name":"Lamp","price":1}`, Options{}, nil},
		{"valid full", tItem, ` {"name":"Lamp","description":"A desk lamp","price":12.5e1,"qty":-128,"count":65535,
			"small":-3.4e38,"active":true,"tags":["a","\u00e9"],"dims":[1,2,3],"attrs":{"x":1,"y":-2},
			"at":"2024-02-29T23:59:59.123456789+14:00","id":"0190A1B2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
			"blob":"aGVsbG8=\r\n","owner":{"email":"a@b.c"},"extra":{"k":[1,null,true,"s",{}]},
			"raw":{"anything":[1e999]},"num":-0.5e-3} `, Options{}, nil},
		{"all missing", tItem, `{}`, Options{}, ps(prob("missing", "name"), prob("missing", "price"))},
		{"three wrong fields", tItem, `{"name":1,"price":"1","active":"yes"}`, Options{},
			ps(prob("string_type", "name"), prob("float_type", "price"), prob("bool_type", "active"))},
		{"max problems", tItem, `{"name":1,"price":"1","active":"yes"}`, Options{MaxProblems: 2},
			ps(prob("string_type", "name"), prob("float_type", "price"))},
		{"root not an object", tItem, `[]`, Options{}, ps(prob("model_type"))},
		{"root null", tItem, `null`, Options{}, ps(prob("model_type"))},
		{"root string", tItem, `"x"`, Options{}, ps(prob("model_type"))},

		{"bool_type number", tItem, `{"name":"a","price":1,"active":1}`, Options{}, ps(prob("bool_type", "active"))},
		{"bool_type null", tItem, `{"name":"a","price":1,"active":null}`, Options{}, ps(prob("bool_type", "active"))},
		{"int_from_float 1.0", tItem, `{"name":"a","price":1,"qty":1.0}`, Options{}, ps(prob("int_from_float", "qty"))},
		{"int_from_float 1e2", tItem, `{"name":"a","price":1,"qty":1e2}`, Options{}, ps(prob("int_from_float", "qty"))},
		{"int_from_float 1E0", tItem, `{"name":"a","price":1,"count":1E0}`, Options{}, ps(prob("int_from_float", "count"))},
		{"int_parsing_size 128", tItem, `{"name":"a","price":1,"qty":128}`, Options{}, ps(prob("int_parsing_size", "qty"))},
		{"int_parsing_size -129", tItem, `{"name":"a","price":1,"qty":-129}`, Options{}, ps(prob("int_parsing_size", "qty"))},
		{"int_parsing_size huge", tItem, `{"name":"a","price":1,"qty":123456789012345678901234567890}`, Options{}, ps(prob("int_parsing_size", "qty"))},
		{"int_parsing_size 65536", tItem, `{"name":"a","price":1,"count":65536}`, Options{}, ps(prob("int_parsing_size", "count"))},
		{"int_parsing_size negative uint", tItem, `{"name":"a","price":1,"count":-1}`, Options{}, ps(prob("int_parsing_size", "count"))},
		{"int_parsing_size -0 uint", tItem, `{"name":"a","price":1,"count":-0}`, Options{}, ps(prob("int_parsing_size", "count"))},
		{"int -0 signed", tItem, `{"name":"a","price":1,"qty":-0}`, Options{}, nil},
		{"int_type string", tItem, `{"name":"a","price":1,"qty":"1"}`, Options{}, ps(prob("int_type", "qty"))},
		{"int_type null", tItem, `{"name":"a","price":1,"count":null}`, Options{}, ps(prob("int_type", "count"))},
		{"float_type bool", tItem, `{"name":"a","price":true}`, Options{}, ps(prob("float_type", "price"))},
		{"float_parsing float32", tItem, `{"name":"a","price":1,"small":3.5e38}`, Options{}, ps(prob("float_parsing", "small"))},
		{"float_parsing float64", tItem, `{"name":"a","price":-1e309}`, Options{}, ps(prob("float_parsing", "price"))},
		{"float tiny", tItem, `{"name":"a","price":1e-400,"small":1e-50}`, Options{}, nil},
		{"float long mantissa", tItem, `{"name":"a","price":0.000000000000000000000000000000000000000000000000000000001234567890123456789e330}`, Options{}, nil},
		{"json.Number out of range", tItem, `{"name":"a","price":1,"num":1e400}`, Options{}, ps(prob("float_parsing", "num"))},
		{"json.Number string", tItem, `{"name":"a","price":1,"num":"1"}`, Options{}, ps(prob("float_type", "num"))},
		{"string_type number", tItem, `{"name":1,"price":1}`, Options{}, ps(prob("string_type", "name"))},
		{"string_type null", tItem, `{"name":null,"price":1}`, Options{}, ps(prob("string_type", "name"))},
		{"string_type object", tItem, `{"name":{"a":[1]},"price":1}`, Options{}, ps(prob("string_type", "name"))},
		{"nullable pointer", tItem, `{"name":"a","description":null,"price":1}`, Options{}, nil},
		{"datetime_parsing", tItem, `{"name":"a","price":1,"at":"yesterday"}`, Options{}, ps(prob("datetime_parsing", "at"))},
		{"datetime_parsing date only", tItem, `{"name":"a","price":1,"at":"2024-01-01"}`, Options{}, ps(prob("datetime_parsing", "at"))},
		{"datetime_parsing no zone", tItem, `{"name":"a","price":1,"at":"2024-01-01T00:00:00"}`, Options{}, ps(prob("datetime_parsing", "at"))},
		{"datetime_parsing escaped", tItem, `{"name":"a","price":1,"at":"2024-01-01T00:00:00\u005a"}`, Options{}, ps(prob("datetime_parsing", "at"))},
		{"datetime_parsing null", tItem, `{"name":"a","price":1,"at":null}`, Options{}, ps(prob("string_type", "at"))},
		{"datetime_parsing lower case", tItem, `{"name":"a","price":1,"at":"2024-01-01t00:00:00z"}`, Options{}, ps(prob("datetime_parsing", "at"))},
		{"datetime_parsing leap second", tItem, `{"name":"a","price":1,"at":"2016-12-31T23:59:60Z"}`, Options{}, ps(prob("datetime_parsing", "at"))},
		{"datetime_parsing comma fraction ok", tItem, `{"name":"a","price":1,"at":"2016-12-31T23:59:59,5Z"}`, Options{}, nil},
		{"uuid_parsing braces", tItem, `{"name":"a","price":1,"id":"{0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b}"}`, Options{}, ps(prob("uuid_parsing", "id"))},
		{"uuid_parsing urn", tItem, `{"name":"a","price":1,"id":"urn:uuid:0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}`, Options{}, ps(prob("uuid_parsing", "id"))},
		{"uuid_parsing no hyphens", tItem, `{"name":"a","price":1,"id":"0190a1b2c3d47e5f8a9b0c1d2e3f4a5b"}`, Options{}, ps(prob("uuid_parsing", "id"))},
		{"uuid_parsing bad hex", tItem, `{"name":"a","price":1,"id":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5g"}`, Options{}, ps(prob("uuid_parsing", "id"))},
		{"uuid escaped", tItem, `{"name":"a","price":1,"id":"0190a1b2\u002dc3d4-7e5f-8a9b-0c1d2e3f4a5b"}`, Options{}, nil},
		{"bytes_invalid_encoding", tItem, `{"name":"a","price":1,"blob":"aGVsbG8"}`, Options{}, ps(prob("bytes_invalid_encoding", "blob"))},
		{"bytes_invalid_encoding url alphabet", tItem, `{"name":"a","price":1,"blob":"-_8="}`, Options{}, ps(prob("bytes_invalid_encoding", "blob"))},
		{"bytes_invalid_encoding array", tItem, `{"name":"a","price":1,"blob":[1,2]}`, Options{}, ps(prob("string_type", "blob"))},
		{"bytes escaped newline", tItem, `{"name":"a","price":1,"blob":"aGVs\nbG8="}`, Options{}, nil},
		{"model_type", tItem, `{"name":"a","price":1,"owner":"me"}`, Options{}, ps(prob("model_type", "owner"))},
		{"nested missing", tItem, `{"name":"a","price":1,"owner":{}}`, Options{}, ps(prob("missing", "owner", "email"))},
		{"nested type", tItem, `{"name":"a","price":1,"owner":{"email":null}}`, Options{}, ps(prob("string_type", "owner", "email"))},
		{"dict_type", tItem, `{"name":"a","price":1,"attrs":[]}`, Options{}, ps(prob("dict_type", "attrs"))},
		{"map values", tItem, `{"name":"a","price":1,"attrs":{"k":"v","l":1,"m":2.5}}`, Options{},
			ps(prob("int_type", "attrs", "k"), prob("int_from_float", "attrs", "m"))},
		{"list_type", tItem, `{"name":"a","price":1,"tags":{}}`, Options{}, ps(prob("list_type", "tags"))},
		{"list items", tItem, `{"name":"a","price":1,"tags":["x",1,"y",null]}`, Options{},
			ps(prob("string_type", "tags", 1), prob("string_type", "tags", 3))},
		{"slice null", tItem, `{"name":"a","price":1,"tags":null,"attrs":null,"blob":null}`, Options{}, nil},
		{"too_short", tItem, `{"name":"a","price":1,"dims":[1,2]}`, Options{}, ps(tooShort)},
		{"too_short empty", tItem, `{"name":"a","price":1,"dims":[]}`, Options{}, ps(tooShort)},
		{"too_long", tItem, `{"name":"a","price":1,"dims":[1,2,3,"extra items are not type checked"]}`, Options{}, ps(tooLong)},
		{"fixed array items", tItem, `{"name":"a","price":1,"dims":[1,"2",3]}`, Options{}, ps(prob("int_type", "dims", 1))},
		{"fixed array null", tItem, `{"name":"a","price":1,"dims":null}`, Options{}, ps(prob("list_type", "dims"))},
		{"any accepts anything", tItem, `{"name":"a","price":1,"extra":[{"a":{"b":[true,false,null,-1.5e3,""]}}]}`, Options{}, nil},
		{"any number out of float64 range", tItem, `{"name":"a","price":1,"extra":{"a":[1e400]}}`, Options{}, ps(prob("float_parsing", "extra", "a", 0))},
		{"raw number out of range", tItem, `{"name":"a","price":1,"raw":[1e400]}`, Options{}, nil},

		{"unknown ignored", tItem, `{"name":"a","price":1,"zzz":{"deep":[1]}}`, Options{}, nil},
		{"unknown rejected", tItem, `{"name":"a","price":1,"zzz":{"deep":[1]},"yyy":2}`, Options{RejectUnknown: true},
			ps(prob("extra_forbidden", "zzz"), prob("extra_forbidden", "yyy"))},
		{"unknown rejected nested", tItem, `{"name":"a","price":1,"owner":{"email":"e","x":1}}`, Options{RejectUnknown: true},
			ps(prob("extra_forbidden", "owner", "x"))},
		{"unknown value not type checked", tItem, `{"name":"a","price":1,"zzz":1e999}`, Options{}, nil},
		{"case folded", tItem, `{"Name":"a","PRICE":1}`, Options{},
			ps(folding("Name"), folding("PRICE"), prob("missing", "name"), prob("missing", "price"))},
		{"case folded with exact", tItem, `{"name":"a","price":1,"NAME":"b"}`, Options{RejectUnknown: true}, ps(folding("NAME"))},
		{"case folded kelvin escaped", tFolded, `{"\u212aey":"x"}`, Options{}, ps(folding("\u212aey"), prob("missing", "key"))},
		{"case folded kelvin raw", tFolded, "{\"\u212aEY\":\"x\",\"key\":\"y\"}", Options{}, ps(folding("\u212aEY"))},
		{"dotless i is not a fold", tFolded, `{"\u0131ey":"x","key":"y"}`, Options{}, nil},
		{"escaped member name", tItem, `{"n\u0061me":"a","\u0070rice":1}`, Options{}, nil},

		{"null counts as present", tPresent, `{"tags":null,"any":null}`, Options{}, nil},
		{"required nullable missing", tPresent, `{}`, Options{}, ps(prob("missing", "tags"), prob("missing", "any"))},
	})
}

func TestCheckGrammar(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	var many strings.Builder // 20 distinct members, then a duplicate of member 18
	many.WriteString("{")
	for i := range 20 {
		fmt.Fprintf(&many, `"k%02d":%d,`, i, i)
	}
	manyOff := many.Len()
	many.WriteString(`"k18":0}`)

	runCheckCases(t, []checkCase{
		{"empty", nil, ``, Options{}, invalid(0, "unexpected end of input")},
		{"only whitespace", nil, " \t\r\n", Options{}, invalid(4, "unexpected end of input")},
		{"truncated object", nil, `{"a":`, Options{}, invalid(5, "unexpected end of input")},
		{"truncated member", nil, `{"a":1`, Options{}, invalid(6, "unexpected end of input")},
		{"truncated array", nil, `[`, Options{}, invalid(1, "unexpected end of input")},
		{"truncated string", nil, `"abc`, Options{}, invalid(4, "unexpected end of input")},
		{"truncated escape", nil, `"\u12`, Options{}, invalid(5, "unexpected end of input")},
		{"truncated literal", nil, `tru`, Options{}, invalid(3, "unexpected end of input")},
		{"trailing junk", nil, `{"a":1} junk`, Options{}, invalid(8, "trailing data after the JSON value")},
		{"two values", nil, `{"a":1}{"a":2}`, Options{}, invalid(7, "trailing data after the JSON value")},
		{"leading zero", nil, `01`, Options{}, invalid(1, "trailing data after the JSON value")},
		{"trailing whitespace ok", nil, " {\"a\":[1, 2.5e-3, -0, true, false, null, \"\"]} \n", Options{}, nil},
		{"duplicate", nil, `{"a":1,"a":2}`, Options{}, invalid(7, `duplicate member "a"`)},
		{"duplicate via escape", nil, `{"a":1,"\u0061":2}`, Options{}, invalid(7, `duplicate member "a"`)},
		{"duplicate field", tItem, `{"name":"a","price":1,"name":"b"}`, Options{}, invalid(22, `duplicate member "name"`)},
		{"duplicate field via escape", tItem, `{"name":"a","price":1,"n\u0061me":"b"}`, Options{}, invalid(22, `duplicate member "name"`)},
		{"duplicate unknown", tItem, `{"name":"a","x":1,"price":1,"x":2}`, Options{}, invalid(28, `duplicate member "x"`)},
		{"duplicate case folded", tItem, `{"NAME":"a","NAME":"b"}`, Options{}, invalid(12, `duplicate member "NAME"`)},
		{"duplicate in map", tItem, `{"name":"a","price":1,"attrs":{"k":1,"k":2}}`, Options{}, invalid(37, `duplicate member "k"`)},
		{"duplicate after many members", nil, many.String(), Options{}, invalid(manyOff, `duplicate member "k18"`)},
		{"distinct case is not duplicate", nil, `{"a":1,"A":2}`, Options{}, nil},
		{"problems dropped on grammar error", tItem, `{"name":1,`, Options{}, invalid(10, "unexpected end of input")},
		{"invalid UTF-8 in string", nil, "[\"a\xffb\"]", Options{}, invalid(3, "invalid UTF-8")},
		{"invalid UTF-8 in member name", tItem, "{\"na\xc3\":1}", Options{}, invalid(4, "invalid UTF-8")},
		{"invalid UTF-8 outside strings", nil, "[\xff]", Options{}, invalid(1, "invalid UTF-8")},
		{"encoded surrogate", nil, "\"\xed\xa0\x80\"", Options{}, invalid(1, "invalid UTF-8")},
		{"overlong encoding", nil, "\"\xc0\xaf\"", Options{}, invalid(1, "invalid UTF-8")},
		{"valid non-ASCII outside strings", nil, "[\u00e9]", Options{}, invalid(1, "invalid character")},
		{"byte order mark", nil, "\ufeff{}", Options{}, invalid(0, "invalid character")},
		{"lone high surrogate", nil, `["\ud800"]`, Options{}, invalid(2, `unpaired surrogate in \u escape`)},
		{"lone low surrogate", nil, `["\udc00"]`, Options{}, invalid(2, `unpaired surrogate in \u escape`)},
		{"high surrogate then BMP", nil, `["\ud800\u0041"]`, Options{}, invalid(2, `unpaired surrogate in \u escape`)},
		{"high surrogate then text", nil, `["\uD800x"]`, Options{}, invalid(2, `unpaired surrogate in \u escape`)},
		{"two high surrogates", nil, `["\ud800\ud800"]`, Options{}, invalid(2, `unpaired surrogate in \u escape`)},
		{"surrogate pair", nil, `["\ud83d\ude00","\uD83D\uDE00"]`, Options{}, nil},
		{"surrogate in member name", tItem, `{"\udfff":1}`, Options{}, invalid(2, `unpaired surrogate in \u escape`)},
		{"control character", nil, "[\"a\nb\"]", Options{}, invalid(3, "control character in string")},
		{"NUL in string", nil, "\"\x00\"", Options{}, invalid(1, "control character in string")},
		{"escaped control characters", nil, `"\u0000\b\f\n\r\t\"\\\/"`, Options{}, nil},
		{"bad escape", nil, `["\x"]`, Options{}, invalid(2, "invalid escape in string")},
		{"bad unicode escape", nil, `["\u12g4"]`, Options{}, invalid(2, "invalid escape in string")},
		{"single quotes", nil, `['a']`, Options{}, invalid(1, "invalid character")},
		{"bad literal", nil, `[trUe]`, Options{}, invalid(3, "invalid character")},
		{"NaN", nil, `NaN`, Options{}, invalid(0, "invalid character")},
		{"plus sign", nil, `+1`, Options{}, invalid(0, "invalid character")},
		{"minus alone", nil, `-`, Options{}, invalid(1, "unexpected end of input")},
		{"minus letter", nil, `-a`, Options{}, invalid(1, "invalid character")},
		{"dot without digits", nil, `1.`, Options{}, invalid(2, "unexpected end of input")},
		{"dot then exponent", nil, `1.e5`, Options{}, invalid(2, "invalid character")},
		{"leading dot", nil, `.5`, Options{}, invalid(0, "invalid character")},
		{"exponent without digits", nil, `1e+`, Options{}, invalid(3, "unexpected end of input")},
		{"hex number", nil, `0x1`, Options{}, invalid(1, "trailing data after the JSON value")},
		{"trailing comma array", nil, `[1,]`, Options{}, invalid(3, "invalid character")},
		{"missing comma", nil, `[1 2]`, Options{}, invalid(3, "invalid character")},
		{"trailing comma object", nil, `{"a":1,}`, Options{}, invalid(7, "invalid character")},
		{"missing colon", nil, `{"a" 1}`, Options{}, invalid(5, "invalid character")},
		{"unquoted name", nil, `{a:1}`, Options{}, invalid(1, "invalid character")},
		{"comment", nil, `[1 /* x */]`, Options{}, invalid(3, "invalid character")},
		{"depth limit ok", nil, deep(64), Options{}, nil},
		{"depth limit exceeded", nil, deep(65), Options{}, invalid(64, "nesting too deep")},
		{"depth option", nil, `[[[]]]`, Options{MaxDepth: 2}, invalid(2, "nesting too deep")},
		{"depth option objects", nil, `{"a":{"b":{}}}`, Options{MaxDepth: 2}, invalid(10, "nesting too deep")},
		{"depth option ok", nil, `{"a":[{}]}`, Options{MaxDepth: 3}, nil},
		{"depth of encoding/json", nil, deep(10000), Options{MaxDepth: 1 << 20}, nil},
		{"depth beyond encoding/json", nil, deep(10001), Options{MaxDepth: 1 << 20}, invalid(10000, "nesting too deep")},
		{"depth counts skipped values", tItem, `{"name":"a","price":1,"zzz":[[[]]]}`, Options{MaxDepth: 3}, invalid(30, "nesting too deep")},
	})
}

func runCheckCases(t *testing.T, cases []checkCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			var n *Node
			if tt.typ != nil {
				var err error
				if n, err = Compile(tt.typ); err != nil {
					t.Fatal(err)
				}
			}
			got := Check([]byte(tt.body), n, tt.opt)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Check(%q)\n got %s\nwant %s", tt.body, fmtProblems(got), fmtProblems(tt.want))
			}
			for _, p := range got {
				if p.Type != "json_invalid" && len(tt.body) > 2 && strings.Contains(p.Msg, tt.body) {
					t.Errorf("message %q contains the input", p.Msg)
				}
			}
			if got != nil || tt.typ == nil {
				return
			}
			// No problems: encoding/json must decode the body.
			if !json.Valid([]byte(tt.body)) {
				t.Errorf("json.Valid(%q) = false", tt.body)
			}
			v := reflect.New(tt.typ)
			if err := json.Unmarshal([]byte(tt.body), v.Interface()); err != nil {
				t.Errorf("json.Unmarshal: %v", err)
			}
		})
	}
}

func fmtProblems(ps []Problem) string {
	if ps == nil {
		return "nil"
	}
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "\n\t{%s %#v %q %v}", p.Type, p.Loc, p.Msg, p.Ctx)
	}
	return b.String()
}

func TestCheckNilForNoProblems(t *testing.T) {
	n, err := Compile(tItem)
	if err != nil {
		t.Fatal(err)
	}
	if got := Check([]byte(`{"name":"a","price":1}`), n, Options{}); got != nil {
		t.Errorf("got %#v, want nil", got)
	}
	got := Check([]byte(`[]`), n, Options{})
	if len(got) != 1 || got[0].Loc == nil || len(got[0].Loc) != 0 {
		t.Errorf("root Loc: got %#v, want an empty non-nil slice", got)
	}
}

// TestCheckManyFields covers objects beyond the bitmask (64 fields) and
// the linear lookup (8 fields).
func TestCheckManyFields(t *testing.T) {
	var sf []reflect.StructField
	for i := range 70 {
		sf = append(sf, reflect.StructField{
			Name: fmt.Sprintf("F%d", i),
			Type: reflect.TypeFor[int](),
		})
	}
	typ := reflect.StructOf(sf)
	n, err := Compile(typ)
	if err != nil {
		t.Fatal(err)
	}
	body := func(skip int, extra string) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range 70 {
			if i != skip {
				fmt.Fprintf(&b, `"F%d":%d,`, i, i)
			}
		}
		b.WriteString(extra)
		b.WriteString(`"f1":1}`)
		return b.String()
	}
	got := Check([]byte(body(65, "")), n, Options{})
	want := ps(folding("f1"), prob("missing", "F65"))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %s\nwant %s", fmtProblems(got), fmtProblems(want))
	}
	b := body(-1, `"F66":"dup",`)
	got = Check([]byte(b), n, Options{})
	if want := invalid(strings.Index(b, `"F66":"dup"`), `duplicate member "F66"`); !reflect.DeepEqual(got, want) {
		t.Errorf("got %s\nwant %s", fmtProblems(got), fmtProblems(want))
	}

	// A hand-built node with many fields and no index map works too.
	hand := &Node{Kind: Object}
	for i := range 12 {
		hand.Fields = append(hand.Fields, Field{Name: fmt.Sprintf("f%d", i), Required: i%2 == 0, Node: &Node{Kind: Bool}})
	}
	got = Check([]byte(`{"f0":true,"f2":false,"f4":true,"f6":true,"f8":true,"f11":1}`), hand, Options{})
	want = ps(prob("bool_type", "f11"), prob("missing", "f10"))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %s\nwant %s", fmtProblems(got), fmtProblems(want))
	}
}

// TestCheckHandBuiltNodes makes sure odd nodes never panic.
func TestCheckHandBuiltNodes(t *testing.T) {
	nodes := []*Node{
		nil,
		{},
		{Kind: Object},
		{Kind: Object, Fields: []Field{{Name: "a", Required: true}}},
		{Kind: Array},
		{Kind: Array, Len: -1},
		{Kind: Map},
		{Kind: Int},
		{Kind: Uint, Bits: 99},
		{Kind: Float},
		{Kind: String, Format: "unknown"},
		{Kind: Kind(200)},
	}
	bodies := []string{`{"a":[1,{"b":null}]}`, `[1,"x",null]`, `1`, `-1.5e999`, `"s"`, `null`, `true`, `{"a":1,"a":2}`, `[`}
	for _, n := range nodes {
		for _, b := range bodies {
			Check([]byte(b), n, Options{RejectUnknown: true})
		}
	}
	got := Check([]byte(`{"a":1}`), &Node{Kind: Object, Fields: []Field{{Name: "a", Required: true}}}, Options{})
	if got != nil {
		t.Errorf("nil Field.Node is Any: got %s", fmtProblems(got))
	}
	got = Check([]byte(`[1,2]`), &Node{Kind: Array}, Options{})
	tooLong := prob("too_long")
	tooLong.Msg, tooLong.Ctx = "List should have at most 0 items", map[string]any{"max_length": 0}
	if want := ps(tooLong); !reflect.DeepEqual(got, want) {
		t.Errorf("Len 0 is a zero-length Go array: got %s", fmtProblems(got))
	}
	got = Check([]byte(`[]`), &Node{Kind: Array, Len: 1}, Options{})
	tooShort := prob("too_short")
	tooShort.Msg, tooShort.Ctx = "List should have at least 1 item", map[string]any{"min_length": 1}
	if want := ps(tooShort); !reflect.DeepEqual(got, want) {
		t.Errorf("got %s", fmtProblems(got))
	}
}

type fuzzAddress struct {
	Street string   `json:"street"`
	Zip    *int32   `json:"zip"`
	Lines  []string `json:"lines,omitempty"`
}

type FuzzBase struct {
	Version uint8 `json:"v,omitempty"`
}

type fuzzBody struct {
	FuzzBase
	Name  string              `json:"name"`
	Count int8                `json:"count"`
	Big   uint64              `json:"big,omitempty"`
	Score float32             `json:"score,omitempty"`
	Ratio float64             `json:"ratio,omitempty"`
	OK    *bool               `json:"ok"`
	At    time.Time           `json:"at"`
	When  *time.Time          `json:"when,omitempty"`
	ID    uuid.UUID           `json:"id"`
	IDs   []uuid.UUID         `json:"ids,omitempty"`
	Addr  fuzzAddress         `json:"addr"`
	Prev  *fuzzAddress        `json:"prev,omitempty"`
	Grid  [2][2]uint8         `json:"grid,omitzero"`
	Items []fuzzItem          `json:"items"`
	Meta  map[string]*int16   `json:"meta,omitempty"`
	Extra any                 `json:"extra,omitempty"`
	Raw   json.RawMessage     `json:"raw,omitempty"`
	Blob  []byte              `json:"blob,omitempty"`
	Kids  []fuzzBody          `json:"kids,omitempty"`
	Index map[string]fuzzBody `json:"index,omitempty"`
	Num   json.Number         `json:"num,omitempty"`
}

type fuzzItem struct {
	SKU   string  `json:"sku"`
	Qty   uint16  `json:"qty"`
	Price float64 `json:"price"`
	Note  *string `json:"note,omitempty"`
}

var fuzzSeeds = []string{
	`{"name":"a","count":1,"ok":true,"at":"2024-01-02T03:04:05Z","id":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","addr":{"street":"s","zip":12345},"items":[]}`,
	`{"v":2,"name":"a","count":-128,"big":18446744073709551615,"score":1.5,"ratio":-2e300,"ok":null,
	  "at":"2024-02-29T23:59:59.999999999+01:00","when":null,"id":"0190A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B",
	  "ids":["00000000-0000-0000-0000-000000000000"],"addr":{"street":"","zip":null,"lines":["x"]},
	  "prev":{"street":"p","zip":-2147483648},"grid":[[0,255],[1,2]],
	  "items":[{"sku":"k","qty":65535,"price":0.1,"note":"n"}],"meta":{"a":1,"b":null},
	  "extra":{"x":[1,"y",null,true,{"z":-0.0}]},"raw":[1e999],"blob":"AAEC","num":12,
	  "kids":[{"name":"k","count":0,"ok":false,"at":"2000-01-01T00:00:00Z","id":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","addr":{"street":"","zip":1},"items":null}]}`,
	`{"name":"a"}`,
	`{"name":1,"count":1.5,"ok":"no","at":"x","id":"y","addr":[],"items":{}}`,
	`{"name":"a","name":"b"}`,
	`{"NAME":"a"}`,
	`{"name":"\ud800"}`,
	"{\"name\":\"\xff\"}",
	`{"name":"a"} x`,
	`{"grid":[[1,2,3]]}`,
	`{"extra":1e400}`,
	`[]`, `null`, `""`, `{`, ``, `{"kids":[{"kids":[{"kids":[{}]}]}]}`,
}

// fuzzLoose has only optional members, so that mutated inputs often pass
// Check and exercise the json.Unmarshal side of the contract.
type fuzzLoose struct {
	I  int8                  `json:"i,omitempty"`
	U  *uint32               `json:"u,omitempty"`
	F  float32               `json:"f,omitempty"`
	S  string                `json:"s,omitempty"`
	B  bool                  `json:"b,omitempty"`
	T  *time.Time            `json:"t,omitempty"`
	ID *uuid.UUID            `json:"id,omitempty"`
	X  []byte                `json:"x,omitempty"`
	A  [2]*int16             `json:"a,omitzero"`
	L  []fuzzLoose           `json:"l,omitempty"`
	M  map[string]*fuzzLoose `json:"m,omitempty"`
	Y  any                   `json:"y,omitempty"`
	R  json.RawMessage       `json:"r,omitempty"`
	N  json.Number           `json:"n,omitempty"`
	P  *fuzzLoose            `json:"p,omitempty"`
}

// FuzzCheck checks the contract of Check against encoding/json: no panic;
// no problems means json.Valid and json.Unmarshal succeed (also with
// DisallowUnknownFields under RejectUnknown); invalid JSON is a problem.
func FuzzCheck(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	for _, s := range []string{
		`{"i":-1,"u":4000000000,"f":1.5,"s":"\u00e9","b":true,"t":"2024-01-02T03:04:05Z","id":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}`,
		// Inputs on the edge of the contract: each is refused by Check and
		// would make json.Unmarshal fail (or mangle data) if accepted.
		`{"t":"2024-01-02T03:04:05\u005a"}`,
		`{"u":-0}`, `{"i":128}`, `{"i":1.0}`, `{"f":3.5e38}`, `{"y":[1e400]}`, `{"n":"1"}`,
		`{"x":"AAE"}`, `{"x":"AA\nE="}`, `{"id":"0190a1b20c3d47e5f8a9b0c1d2e3f4a5b"}`,
		`{"id":"0190a1b2\u002dc3d4-7e5f-8a9b-0c1d2e3f4a5b"}`, `{"a":[1,2,3]}`, `{"a":[1]}`,
		`{"S":"x"}`, `{"\u212a":1}`, `{"s":"\udc00"}`, `{"s":1,"s":2}`, `{"l":[{"b":null}]}`,
		`{"x":"AAE=","a":[1,null],"l":[{"s":"x"},{}],"m":{"k":{"i":1},"n":null},"y":[1,{"z":null}],"r":{"a":1},"n":-1.5e3,"p":{"p":null}}`,
	} {
		f.Add([]byte(s))
	}
	n, err := Compile(reflect.TypeFor[fuzzBody]())
	if err != nil {
		f.Fatal(err)
	}
	loose, err := Compile(reflect.TypeFor[fuzzLoose]())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if Check(data, loose, Options{}) == nil {
			var v fuzzLoose
			if err := json.Unmarshal(data, &v); err != nil {
				t.Fatalf("no problems for fuzzLoose but json.Unmarshal: %v", err)
			}
		}
		orig := bytes.Clone(data)
		problems := Check(data, n, Options{})
		if !bytes.Equal(orig, data) {
			t.Fatal("Check modified its input")
		}
		valid := json.Valid(data)
		if !valid && problems == nil {
			t.Fatalf("json.Valid is false but Check found no problem")
		}
		for _, p := range problems {
			if p.Type == "json_invalid" && len(problems) != 1 {
				t.Fatalf("json_invalid among other problems: %v", problems)
			}
		}
		if problems == nil {
			var v fuzzBody
			if err := json.Unmarshal(data, &v); err != nil {
				t.Fatalf("no problems but json.Unmarshal: %v", err)
			}
		}
		strict := Check(data, n, Options{RejectUnknown: true})
		if strict == nil {
			if problems != nil {
				t.Fatalf("RejectUnknown found fewer problems: %v", problems)
			}
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields()
			var v fuzzBody
			if err := dec.Decode(&v); err != nil {
				t.Fatalf("no problems with RejectUnknown but Decode: %v", err)
			}
		}
		untyped := Check(data, nil, Options{})
		if typedOK := problems == nil || problems[0].Type != "json_invalid"; (untyped == nil) != typedOK {
			t.Fatalf("grammar verdict differs: nil node %v, typed %v", untyped, problems)
		}
	})
}

var (
	benchSmall  = []byte(`{"name":"Lamp","description":"A desk lamp"}`)
	benchNested = []byte(`{"name":"Lamp","count":3,"ok":true,"at":"2024-01-02T03:04:05Z",
		"id":"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","addr":{"street":"Main St 1","zip":12345,"lines":["a","b"]},
		"grid":[[1,2],[3,4]],"items":[{"sku":"A-1","qty":2,"price":9.99},{"sku":"B-2","qty":1,"price":19.5,"note":"gift"}],
		"meta":{"a":1,"b":2},"extra":{"k":[1,"v",null]}}`)
)

type smallBody struct {
	Name        string  `json:"name"`
	Description *string `json:"description"`
}

func BenchmarkCheckSmall(b *testing.B) {
	n, err := Compile(reflect.TypeFor[smallBody]())
	if err != nil {
		b.Fatal(err)
	}
	if p := Check(benchSmall, n, Options{}); p != nil {
		b.Fatal(p)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(benchSmall)))
	for b.Loop() {
		Check(benchSmall, n, Options{})
	}
}

func BenchmarkCheckNested(b *testing.B) {
	n, err := Compile(reflect.TypeFor[fuzzBody]())
	if err != nil {
		b.Fatal(err)
	}
	if p := Check(benchNested, n, Options{}); p != nil {
		b.Fatal(p)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(benchNested)))
	for b.Loop() {
		Check(benchNested, n, Options{})
	}
}

// BenchmarkUnmarshalSmall is the encoding/json decode that follows Check,
// for comparison.
func BenchmarkUnmarshalSmall(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchSmall)))
	for b.Loop() {
		var v smallBody
		if err := json.Unmarshal(benchSmall, &v); err != nil {
			b.Fatal(err)
		}
	}
}
