package openapitest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// decoded is doc decoded as Conformance decodes documents.
func decoded(t *testing.T, doc string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func marshal(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(b.String())
}

const componentsDoc = `{"components":{"schemas":{
	"Name": {"type": "string", "minLength": 2, "maxLength": 5},
	"Owner": {"type": "object", "required": ["email"], "properties": {"email": {"type": "string", "format": "email"}}},
	"Alias": {"$ref": "#/components/schemas/Name"},
	"Loop": {"$ref": "#/components/schemas/Loop"},
	"a/b~c": {"type": "boolean"}
}}}`

func TestSample(t *testing.T) {
	d := schemas{root: decoded(t, componentsDoc)}
	for _, tc := range []struct{ schema, want string }{
		{`{"type": "string"}`, `"a"`},
		{`{"type": "string", "minLength": 3}`, `"aaa"`},
		{`{"type": "string", "maxLength": 0}`, `""`},
		{`{"type": "string", "default": "dflt", "examples": ["ex"], "enum": ["dflt", "e"]}`, `"dflt"`},
		{`{"type": "string", "examples": ["ex"], "enum": ["e"]}`, `"ex"`},
		{`{"type": "string", "enum": ["e", "f"]}`, `"e"`},
		{`{"const": 5}`, `5`},
		{`{"type": "string", "format": "uuid"}`, `"3fa85f64-5717-4562-b3fc-2c963f66afa6"`},
		{`{"type": "string", "format": "date-time"}`, `"2024-01-02T03:04:05Z"`},
		{`{"type": "string", "pattern": "^[A-Z]+$"}`, `"A"`},
		{`{"type": "string", "pattern": "^[a-z]+[0-9]$"}`, `"ab1"`},
		{`{"type": "string", "pattern": "^[a-z]+ [a-z]+$"}`, `"a b"`},
		{`{"type": "string", "pattern": "^[a-z]+$", "minLength": 4}`, `"aaaa"`},
		{`{"type": "string", "pattern": "^[0-9]{3}$"}`, `"111"`},
		{`{"type": "integer"}`, `1`},
		{`{"type": "integer", "minimum": 10, "maximum": 20}`, `10`},
		{`{"type": "integer", "minimum": -5}`, `-5`},
		{`{"type": "integer", "maximum": -5}`, `-5`},
		{`{"type": "integer", "exclusiveMinimum": 10}`, `11`},
		{`{"type": "integer", "exclusiveMaximum": 0}`, `-1`},
		{`{"type": "integer", "minimum": 3, "multipleOf": 5}`, `5`},
		{`{"type": "number", "exclusiveMinimum": 0, "maximum": 0.5}`, `0.25`},
		{`{"type": "number", "minimum": 0.5}`, `0.5`},
		{`{"type": "boolean"}`, `true`},
		{`{"type": "null"}`, `null`},
		{`{"type": ["null", "integer"]}`, `1`},
		{`{"anyOf": [{"type": "null"}, {"$ref": "#/components/schemas/Name"}]}`, `"aa"`},
		{`{"$ref": "#/components/schemas/Alias"}`, `"aa"`},
		{`{"$ref": "#/components/schemas/Alias", "maxLength": 1, "minLength": 1}`, `"a"`},
		{`{"$ref": "#/components/schemas/a~1b~0c"}`, `true`},
		{`{"$ref": "#/components/schemas/Loop"}`, `"a"`},
		{`{"$ref": "#/components/schemas/Missing"}`, `"a"`},
		{`{"type": "array", "items": {"type": "integer"}}`, `[1]`},
		{`{"type": "array", "minItems": 2, "items": {"type": "integer"}}`, `[1,1]`},
		{`{"type": "array", "maxItems": 0}`, `[]`},
		{`{"type": "object", "required": ["owner", "n"], "properties": {"owner": {"$ref": "#/components/schemas/Owner"}, "opt": {"type": "string"}}}`,
			`{"n":"a","owner":{"email":"user@example.com"}}`},
		{`{"allOf": [{"$ref": "#/components/schemas/Owner"}, {"required": ["age"], "properties": {"age": {"type": "integer", "minimum": 18}}}]}`,
			`{"age":18,"email":"user@example.com"}`},
		{`{"oneOf": [{"type": "null"}, {"type": "integer", "minimum": 4}]}`, `4`},
		{`{}`, `"a"`},
		{`true`, `"a"`},
	} {
		if got := marshal(t, d.sample(decoded(t, tc.schema))); got != tc.want {
			t.Errorf("sample(%s) = %s, want %s", tc.schema, got, tc.want)
		}
	}
}

func TestFitLengthAndOfLength(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{fitLength("ab", 4, -1), "abbb"},
		{fitLength("abc", 0, 2), "ab"},
		{fitLength("", 2, 5), "aa"},
		{fitLength("éa", 1, 1), "é"},
		{ofLength("ab1", 5, false), "ab111"},
		{ofLength("ab1", 5, true), "ab11é"},
		{ofLength("abc", 1, true), "é"},
		{ofLength("abc", 0, true), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestMutations(t *testing.T) {
	for _, tc := range []struct {
		name, schema, base string
		where              textual
		want               []string // desc = value
	}{
		{"string lengths", `{"type": "string", "minLength": 2, "maxLength": 4}`, `"ab"`, inJSON, []string{
			`string of 4 characters (maxLength 4) = "abbb"`,
			`string of 5 characters (maxLength 4) = "abbbb"`,
			`string of 4 characters ending in "é" (maxLength 4) = "abbé"`,
			`string of 2 characters (minLength 2) = "ab"`,
			`string of 1 characters (minLength 2) = "a"`,
			`string of 1 characters ending in "é" (minLength 2) = "é"`,
			`number 1 (type string) = 1`,
			`null (type string) = null`,
		}},
		{"a path string", `{"type": "string", "minLength": 1}`, `"x"`, inPath, []string{
			`string of 1 characters (minLength 1) = "x"`,
		}},
		{"a header string", `{"type": "string", "maxLength": 3}`, `"x"`, inHeader, []string{
			`string of 3 characters (maxLength 3) = "xxx"`,
			`string of 4 characters (maxLength 3) = "xxxx"`,
		}},
		{"integer bounds", `{"type": "integer", "minimum": 1, "maximum": 5}`, `1`, inJSON, []string{
			`1 (minimum 1) = 1`, `0 (minimum 1) = 0`, `5 (maximum 5) = 5`, `6 (maximum 5) = 6`,
			`string "1" (type integer) = "1"`, `1.5 (type integer) = 1.5`, `null (type integer) = null`,
		}},
		{"exclusive bounds", `{"type": ["number", "null"], "exclusiveMinimum": 0, "exclusiveMaximum": 10}`, `1`, inJSON, []string{
			`0 (exclusiveMinimum 0) = 0`, `1 (exclusiveMinimum 0) = 1`, `10 (exclusiveMaximum 10) = 10`, `9 (exclusiveMaximum 10) = 9`,
			`string "1" (type number) = "1"`, `null (type number, null) = null`,
		}},
		{"a query integer", `{"type": "integer", "maximum": 100}`, `20`, inQuery, []string{
			`100 (maximum 100) = "100"`, `101 (maximum 100) = "101"`, `"abc" (type integer) = "abc"`, `"1.5" (type integer) = "1.5"`,
		}},
		{"a query boolean", `{"type": "boolean"}`, `true`, inQuery, []string{`"abc" (type boolean) = "abc"`}},
		{"an enum", `{"type": "string", "enum": ["red", "green", "blue"]}`, `"red"`, inJSON, []string{
			`number 1 (type string) = 1`,
			`"green" (enum member) = "green"`, `"blue" (enum member) = "blue"`,
			`"zz-not-a-member" (not in enum) = "zz-not-a-member"`, `null (type string) = null`,
		}},
		{"an integer enum in a query", `{"type": "integer", "enum": [1, 2]}`, `1`, inQuery, []string{
			`"abc" (type integer) = "abc"`, `"1.5" (type integer) = "1.5"`,
			`"2" (enum member) = "2"`, `"3" (not in enum) = "3"`,
		}},
		{"array bounds", `{"type": "array", "minItems": 1, "maxItems": 2}`, `["x"]`, inJSON, []string{
			`1 items (minItems 1) = ["x"]`, `0 items (minItems 1) = []`,
			`2 items (maxItems 2) = ["x","x"]`, `3 items (maxItems 2) = ["x","x","x"]`,
			`object (type array) = {}`, `null (type array) = null`,
		}},
		{"a const", `{"const": "w"}`, `"w"`, inJSON, []string{`"zz-not-a-member" (not the const) = "zz-not-a-member"`}},
		{"an object", `{"type": "object"}`, `{}`, inJSON, []string{`array (type object) = []`, `null (type object) = null`}},
		{"any value", `{}`, `"a"`, inJSON, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, m := range mutations(decoded(t, tc.schema).(map[string]any), decoded(t, tc.base), tc.where) {
				got = append(got, m.desc+" = "+marshal(t, m.value))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(got, "\n\t"), strings.Join(tc.want, "\n\t"))
			}
		})
	}
}

func TestBodyVariants(t *testing.T) {
	d := schemas{root: decoded(t, componentsDoc)}
	schema := decoded(t, `{"type": "object", "required": ["name"], "properties": {
		"name": {"$ref": "#/components/schemas/Name"},
		"owner": {"anyOf": [{"$ref": "#/components/schemas/Owner"}, {"type": "null"}]},
		"tags": {"type": "array", "items": {"type": "string", "maxLength": 1}}}}`)
	base := d.sample(schema)
	if got := marshal(t, base); got != `{"name":"aa"}` {
		t.Fatalf("baseline %s", got)
	}
	var got []string
	for _, v := range d.bodyVariants(schema, base) {
		got = append(got, location("body", v.at)+": "+v.m.desc+" = "+marshal(t, v.apply(base)))
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		`body: array (type object) = []`,
		`body: null (type object) = null`,
		`body.name: missing (required) = {}`,
		`body.name: string of 6 characters (maxLength 5) = {"name":"aaaaaa"}`,
		`body.name: string of 1 characters (minLength 2) = {"name":"a"}`,
		`body.owner: null (type object) = {"name":"aa","owner":null}`,
		`body.owner.email: missing (required) = {"name":"aa","owner":{}}`,
		`body.owner.email: number 1 (type string) = {"name":"aa","owner":{"email":1}}`,
		`body.tags: object (type array) = {"name":"aa","tags":{}}`,
		`body.tags[0]: string of 2 characters (maxLength 1) = {"name":"aa","tags":["aa"]}`,
	} {
		if !strings.Contains(all+"\n", want+"\n") {
			t.Errorf("no variant %s among:\n%s", want, all)
		}
	}
	if marshal(t, base) != `{"name":"aa"}` {
		t.Errorf("the variants changed the baseline: %s", marshal(t, base))
	}
}

func TestAssign(t *testing.T) {
	for _, tc := range []struct {
		body   string
		at     []step
		value  any
		absent bool
		want   string
	}{
		{`{"a":1}`, nil, "x", false, `"x"`},
		{`{"a":1}`, []step{"a"}, nil, true, `{}`},
		{`{"a":1}`, []step{"b", "c"}, 2, false, `{"a":1,"b":{"c":2}}`},
		{`{"a":[1,2]}`, []step{"a", 1}, nil, true, `{"a":[1]}`},
		{`{"a":[1]}`, []step{"a", 0, "x"}, true, false, `{"a":[{"x":true}]}`},
		{`{"a":[]}`, []step{"a", 1}, 5, false, `{"a":[null,5]}`},
	} {
		if got := marshal(t, assign(decoded(t, tc.body), tc.at, tc.value, tc.absent)); got != tc.want {
			t.Errorf("assign(%s, %v) = %s, want %s", tc.body, tc.at, got, tc.want)
		}
	}
}

func TestFlattenMergesAllOf(t *testing.T) {
	d := schemas{root: decoded(t, componentsDoc)}
	s := d.flat(decoded(t, `{"allOf": [{"$ref": "#/components/schemas/Owner"}, {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}]}`))
	names, required := properties(s)
	if strings.Join(names, ",") != "email,n" || !required["email"] || !required["n"] || kind(s) != "object" {
		t.Errorf("flat: %v %v %q", names, required, kind(s))
	}
	if d.flat(false) != nil {
		t.Error("the false schema is not nil")
	}
}
