package openapi

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// toJSON renders v as compact JSON for comparisons.
func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type money int64

func (money) OpenAPISchema() *Schema {
	return &Schema{Type: Types{"string"}, Pattern: `^\d+\.\d{2}$`}
}

type level int

func (l level) MarshalText() ([]byte, error) { return []byte("x"), nil }

type opaque struct{}

func (opaque) MarshalJSON() ([]byte, error) { return []byte(`1`), nil }

type Base struct {
	ID        uuid.UUID `json:"id"`
	CreatedAt time.Time `json:"created_at"`
}

type Everything struct {
	Base
	Name      string            `json:"name" binding:"required,min=1,max=80" doc:"Display name" example:"Widget"`
	Note      string            `json:"note,omitempty"`
	Count     int               `json:"count" validate:"gte=0,lte=100"`
	Small     int32             `json:"small"`
	Unsigned  uint              `json:"unsigned"`
	Ratio     float64           `json:"ratio" example:"0.5"`
	Float     float32           `json:"float"`
	On        bool              `json:"on"`
	Tags      []string          `json:"tags" binding:"max=5,dive,min=1"`
	Code      string            `json:"code" pattern:"^[A-Z]{3}$"`
	Labels    []string          `json:"labels,omitempty" pattern:"^[a-z]+$"`
	Page      int               `json:"page" default:"1" validate:"min=1"`
	Fixed     [2]int            `json:"fixed"`
	Attrs     map[string]int    `json:"attrs"`
	Blob      []byte            `json:"blob"`
	Any       any               `json:"any"`
	Raw       json.RawMessage   `json:"raw"`
	Price     money             `json:"price"`
	Level     level             `json:"level"`
	Opaque    opaque            `json:"opaque"`
	Maybe     *string           `json:"maybe"`
	Parent    *Base             `json:"parent"`
	Status    string            `json:"status" enum:"draft,published"`
	Kind      string            `json:"kind" binding:"oneof=a b"`
	Email     string            `json:"email" binding:"omitempty,email"`
	Quoted    int64             `json:"quoted,string"`
	Skipped   string            `json:"-"`
	NoTag     string            // no tag: the Go name is the JSON name
	Ch        chan int          `json:"ch"`
	Fn        func()            `json:"fn"`
	Inline    struct{ A int }   `json:"inline"`
	hidden    string            // unexported: never written
	Nested    map[string][]Base `json:"nested"`
	Duration  time.Duration     `json:"duration"`
	OmitZero  time.Time         `json:"omit_zero,omitzero"`
	PtrStruct *Everything       `json:"self,omitempty"`
}

func TestSchemaOfAStruct(t *testing.T) {
	s := NewSchemas()
	ref := s.For(Everything{hidden: "not in the schema"})
	if ref.Ref != "#/components/schemas/Everything" {
		t.Fatalf("ref %+v", ref)
	}
	comps := s.Components()
	obj := comps["Everything"]
	if obj == nil || !reflect.DeepEqual(obj.Type, Types{"object"}) {
		t.Fatalf("component %+v", obj)
	}
	want := map[string]string{
		"id":         `{"type":"string","format":"uuid"}`,
		"created_at": `{"type":"string","format":"date-time"}`,
		"name":       `{"type":"string","description":"Display name","examples":["Widget"],"minLength":1,"maxLength":80}`,
		"note":       `{"type":"string"}`,
		"count":      `{"type":"integer","format":"int64","minimum":0,"maximum":100}`,
		"small":      `{"type":"integer","format":"int32"}`,
		"unsigned":   `{"type":"integer","format":"int64","minimum":0}`,
		"ratio":      `{"type":"number","format":"double","examples":[0.5]}`,
		"float":      `{"type":"number","format":"float"}`,
		"on":         `{"type":"boolean"}`,
		"tags":       `{"type":"array","items":{"type":"string","minLength":1},"maxItems":5}`,
		"code":       `{"type":"string","pattern":"^[A-Z]{3}$"}`,
		"labels":     `{"type":"array","items":{"type":"string","pattern":"^[a-z]+$"}}`,
		"page":       `{"type":"integer","format":"int64","default":1,"minimum":1}`,
		"fixed":      `{"type":"array","items":{"type":"integer","format":"int64"},"minItems":2,"maxItems":2}`,
		"attrs":      `{"type":"object","additionalProperties":{"type":"integer","format":"int64"}}`,
		"blob":       `{"type":"string","contentEncoding":"base64"}`,
		"any":        `{}`,
		"raw":        `{}`,
		"price":      `{"type":"string","pattern":"^\\d+\\.\\d{2}$"}`,
		"level":      `{"type":"string"}`,
		"opaque":     `{}`,
		"maybe":      `{"type":["string","null"]}`,
		"parent":     `{"anyOf":[{"$ref":"#/components/schemas/Base"},{"type":"null"}]}`,
		"status":     `{"type":"string","enum":["draft","published"]}`,
		"kind":       `{"type":"string","enum":["a","b"]}`,
		"email":      `{"type":"string","format":"email"}`,
		"quoted":     `{"type":"string"}`,
		"NoTag":      `{"type":"string"}`,
		"inline":     `{"type":"object","properties":{"A":{"type":"integer","format":"int64"}},"required":["A"]}`,
		"nested":     `{"type":"object","additionalProperties":{"type":"array","items":{"$ref":"#/components/schemas/Base"}}}`,
		"duration":   `{"type":"integer","format":"int64"}`,
		"omit_zero":  `{"type":"string","format":"date-time"}`,
		"self":       `{"anyOf":[{"$ref":"#/components/schemas/Everything"},{"type":"null"}]}`,
	}
	for name, w := range want {
		got, ok := obj.Properties[name]
		if !ok {
			t.Errorf("property %q missing", name)
			continue
		}
		if g := toJSON(t, got); g != w {
			t.Errorf("property %q:\n got %s\nwant %s", name, g, w)
		}
	}
	for name := range obj.Properties {
		if _, ok := want[name]; !ok {
			t.Errorf("unexpected property %q", name)
		}
	}
	wantRequired := []string{
		"name", "count", "small", "unsigned", "ratio", "float", "on", "tags", "code", "fixed", "attrs", "blob", "any",
		"raw", "price", "level", "opaque", "status", "kind", "email", "quoted", "NoTag", "inline", "nested",
		"duration", "id", "created_at",
	}
	if !reflect.DeepEqual(obj.Required, wantRequired) {
		t.Errorf("required:\n got %v\nwant %v", obj.Required, wantRequired)
	}
	if _, ok := comps["Base"]; !ok {
		t.Error("Base is not a component")
	}
}

func TestSchemaForNonStructs(t *testing.T) {
	s := NewSchemas()
	for _, tc := range []struct {
		v    any
		want string
	}{
		{nil, `null`},
		{[]Base(nil), `{"type":"array","items":{"$ref":"#/components/schemas/Base"}}`},
		{&Base{}, `{"anyOf":[{"$ref":"#/components/schemas/Base"},{"type":"null"}]}`},
		{map[string]string{}, `{"type":"object","additionalProperties":{"type":"string"}}`},
		{"", `{"type":"string"}`},
		{reflect.TypeFor[int](), `{"type":"integer","format":"int64"}`},
		{&Schema{Type: Types{"string"}, Format: "binary"}, `{"type":"string","format":"binary"}`},
	} {
		if got := toJSON(t, s.For(tc.v)); got != tc.want {
			t.Errorf("For(%T) = %s, want %s", tc.v, got, tc.want)
		}
	}
}

type Node struct {
	Name     string `json:"name"`
	Children []Node `json:"children,omitempty"`
	Next     *Node  `json:"next,omitempty"`
}

func TestSchemaRecursiveType(t *testing.T) {
	s := NewSchemas()
	if got := toJSON(t, s.For(Node{})); got != `{"$ref":"#/components/schemas/Node"}` {
		t.Fatal(got)
	}
	got := toJSON(t, s.Components()["Node"])
	want := `{"type":"object","properties":{"children":{"type":"array","items":{"$ref":"#/components/schemas/Node"}},` +
		`"name":{"type":"string"},"next":{"anyOf":[{"$ref":"#/components/schemas/Node"},{"type":"null"}]}},"required":["name"]}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

type Page[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

func TestSchemaComponentNames(t *testing.T) {
	s := NewSchemas()
	if got := s.For(Page[Base]{}).Ref; got != "#/components/schemas/Page_Base" {
		t.Errorf("generic name: %s", got)
	}
	// Another type named Base (declared in this function) gets a qualified name.
	type Base struct {
		Other bool `json:"other"`
	}
	if got := s.For(Base{}).Ref; got != "#/components/schemas/openapi.Base" {
		t.Errorf("second Base: %s", got)
	}
	// The first Base keeps its name.
	if got := s.For(Page[Base]{}).Ref; !strings.HasPrefix(got, "#/components/schemas/Page_Base") {
		t.Errorf("generic of the local Base: %s", got)
	}
	if got := componentName("Page[github.com/m8fx/kit/x.Item,map[string]*x.Other]"); got != "Page_Item_map_string_Other" {
		t.Errorf("componentName: %s", got)
	}
}

func TestSchemasAdd(t *testing.T) {
	s := NewSchemas()
	ref := s.Add("Custom", &Schema{Type: Types{"string"}})
	if ref.Ref != "#/components/schemas/Custom" || s.Components()["Custom"] == nil {
		t.Fatalf("%+v %v", ref, s.Components())
	}
}

// propertyOf returns the schema of the one property of a struct with one
// field of type typ, json tag "f" plus opts (",omitempty", ...) and the
// other tags tag, and whether the property is required.
func propertyOf(t *testing.T, s *Schemas, typ reflect.Type, opts, tag string) (*Schema, bool) {
	t.Helper()
	st := reflect.StructOf([]reflect.StructField{{Name: "F", Type: typ, Tag: reflect.StructTag(`json:"f` + opts + `" ` + tag)}})
	obj := s.For(st)
	if obj == nil || obj.Properties["f"] == nil {
		t.Fatalf("no property f in %s", toJSON(t, obj))
	}
	return obj.Properties["f"], len(obj.Required) == 1
}

var (
	stringT   = reflect.TypeFor[string]()
	stringPT  = reflect.TypeFor[*string]()
	stringsT  = reflect.TypeFor[[]string]()
	stringsST = reflect.TypeFor[[][]string]()
	intT      = reflect.TypeFor[int]()
	intsT     = reflect.TypeFor[[]int]()
	uintT     = reflect.TypeFor[uint]()
	floatT    = reflect.TypeFor[float64]()
	mapT      = reflect.TypeFor[map[string]int]()
)

func TestValidationRules(t *testing.T) {
	limits := map[string]int64{"name_len": 255, "min_qty": 2, "tags": 10}
	for _, tc := range []struct {
		name string
		typ  reflect.Type
		tag  string
		want string
	}{
		// Strings: lengths.
		{"string min max", stringT, `validate:"min=1,max=80"`, `{"type":"string","minLength":1,"maxLength":80}`},
		{"string gte lte", stringT, `validate:"gte=2,lte=9"`, `{"type":"string","minLength":2,"maxLength":9}`},
		{"string gt lt", stringT, `validate:"gt=2,lt=10"`, `{"type":"string","minLength":3,"maxLength":9}`},
		{"string len", stringT, `validate:"len=3"`, `{"type":"string","minLength":3,"maxLength":3}`},
		{"nullable string", stringPT, `validate:"omitnil,max=5"`, `{"type":["string","null"],"maxLength":5}`},
		{"binding tags too", stringT, `binding:"max=3"`, `{"type":"string","maxLength":3}`},
		{"omitempty is no keyword", stringT, `validate:"omitempty,max=5"`, `{"type":"string","maxLength":5}`},
		{"a non-numeric argument is ignored", stringT, `validate:"max=x"`, `{"type":"string"}`},
		{"unknown rules are ignored", stringT, `validate:"alphanum,startswith=a"`, `{"type":"string"}`},
		// Formats and enums.
		{"email", stringT, `validate:"email"`, `{"type":"string","format":"email"}`},
		{"uuid4", stringT, `validate:"uuid4"`, `{"type":"string","format":"uuid"}`},
		{"url", stringT, `validate:"url"`, `{"type":"string","format":"uri"}`},
		{"http_url", stringT, `validate:"http_url"`, `{"type":"string","format":"uri"}`},
		{"oneof strings", stringT, `validate:"oneof=a b c"`, `{"type":"string","enum":["a","b","c"]}`},
		{"oneof integers", intT, `validate:"oneof=1 2 3"`, `{"type":"integer","format":"int64","enum":[1,2,3]}`},
		{"enum tag", floatT, `enum:"0.5, 1"`, `{"type":"number","format":"double","enum":[0.5,1]}`},
		// Arrays: item counts.
		{"array min max", stringsT, `validate:"min=1,max=3"`, `{"type":"array","items":{"type":"string"},"minItems":1,"maxItems":3}`},
		{"array gt lt", stringsT, `validate:"gt=0,lt=4"`, `{"type":"array","items":{"type":"string"},"minItems":1,"maxItems":3}`},
		{"array len", stringsT, `validate:"len=2"`, `{"type":"array","items":{"type":"string"},"minItems":2,"maxItems":2}`},
		// Numbers: bounds.
		{"int min max", intT, `validate:"min=1,max=100"`, `{"type":"integer","format":"int64","minimum":1,"maximum":100}`},
		{"int gt lt", intT, `validate:"gt=0,lt=10"`, `{"type":"integer","format":"int64","exclusiveMinimum":0,"exclusiveMaximum":10}`},
		{"int len", intT, `validate:"len=5"`, `{"type":"integer","format":"int64","minimum":5,"maximum":5}`},
		{"float gte lte", floatT, `validate:"gte=0.5,lte=1.5"`, `{"type":"number","format":"double","minimum":0.5,"maximum":1.5}`},
		{"uint min replaces the 0 minimum", uintT, `validate:"min=1"`, `{"type":"integer","format":"int64","minimum":1}`},
		// Maps: minProperties is not modelled.
		{"map min", mapT, `validate:"min=1"`, `{"type":"object","additionalProperties":{"type":"integer","format":"int64"}}`},
		// dive: the rules after it apply to the items.
		{"dive", stringsT, `validate:"dive,min=1,max=10"`, `{"type":"array","items":{"type":"string","minLength":1,"maxLength":10}}`},
		{"own rules and dive", stringsT, `validate:"max=5,dive,oneof=x y"`, `{"type":"array","items":{"type":"string","enum":["x","y"]},"maxItems":5}`},
		{"dive on numbers", intsT, `validate:"dive,gt=0"`, `{"type":"array","items":{"type":"integer","format":"int64","exclusiveMinimum":0}}`},
		{"nested dive", stringsST, `validate:"min=1,dive,max=2,dive,len=4"`,
			`{"type":"array","items":{"type":"array","items":{"type":"string","minLength":4,"maxLength":4},"maxItems":2},"minItems":1}`},
		{"dive on a non-array is ignored", stringT, `validate:"max=3,dive,min=1"`, `{"type":"string","maxLength":3}`},
		// pattern.
		{"pattern", stringT, `pattern:"^[a-z]+$"`, `{"type":"string","pattern":"^[a-z]+$"}`},
		{"pattern of a nullable string", stringPT, `pattern:"^\\d+$"`, `{"type":["string","null"],"pattern":"^\\d+$"}`},
		{"pattern of a slice applies to its items", stringsT, `pattern:"^x" validate:"max=2"`,
			`{"type":"array","items":{"type":"string","pattern":"^x"},"maxItems":2}`},
		// max_of / min_of: runtime limits.
		{"max_of", stringT, `validate:"max_of=name_len"`, `{"type":"string","maxLength":255}`},
		{"min_of on a number", intT, `validate:"min_of=min_qty"`, `{"type":"integer","format":"int64","minimum":2}`},
		{"max_of on an array", stringsT, `validate:"max_of=tags"`, `{"type":"array","items":{"type":"string"},"maxItems":10}`},
		{"max_of after dive", stringsT, `validate:"dive,max_of=name_len"`, `{"type":"array","items":{"type":"string","maxLength":255}}`},
		{"an unknown limit adds nothing", stringT, `validate:"max_of=nope"`, `{"type":"string"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSchemas()
			s.Limits = func(name string) (int64, bool) {
				v, ok := limits[name]
				return v, ok
			}
			got, _ := propertyOf(t, s, tc.typ, "", tc.tag)
			if g := toJSON(t, got); g != tc.want {
				t.Errorf("\n got %s\nwant %s", g, tc.want)
			}
		})
	}
}

func TestValidationRulesWithoutLimits(t *testing.T) {
	got, _ := propertyOf(t, NewSchemas(), stringT, "", `validate:"min=1,max_of=name_len"`)
	if g := toJSON(t, got); g != `{"type":"string","minLength":1}` {
		t.Errorf("got %s", g)
	}
}

func TestRequiredAndDefaults(t *testing.T) {
	for _, tc := range []struct {
		name     string
		typ      reflect.Type
		opts     string // json tag options
		tag      string
		required bool
		want     string
	}{
		{"a value", stringT, "", ``, true, `{"type":"string"}`},
		{"omitempty", stringT, ",omitempty", ``, false, `{"type":"string"}`},
		{"omitzero", intT, ",omitzero", ``, false, `{"type":"integer","format":"int64"}`},
		{"a pointer", stringPT, "", ``, false, `{"type":["string","null"]}`},
		{"a pointer with required", stringPT, "", `validate:"required"`, true, `{"type":["string","null"]}`},
		{"omitempty with binding required", stringT, ",omitempty", `binding:"required"`, true, `{"type":"string"}`},
		{"required after dive does not count", stringsT, ",omitempty", `validate:"dive,required"`, false, `{"type":"array","items":{"type":"string"}}`},
		{"a default", intT, "", `default:"3"`, false, `{"type":"integer","format":"int64","default":3}`},
		{"a default wins over required", intT, "", `default:"3" binding:"required"`, false, `{"type":"integer","format":"int64","default":3}`},
		{"a boolean default", reflect.TypeFor[bool](), "", `default:"true"`, false, `{"type":"boolean","default":true}`},
		{"a number default", floatT, "", `default:"0.25"`, false, `{"type":"number","format":"double","default":0.25}`},
		{"a string default", stringT, "", `default:"draft"`, false, `{"type":"string","default":"draft"}`},
		{"a default that is not of the type stays a string", intT, "", `default:"many"`, false, `{"type":"integer","format":"int64","default":"many"}`},
		{"doc and example", intT, "", `doc:"How many" example:"7"`, true, `{"type":"integer","format":"int64","description":"How many","examples":[7]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, required := propertyOf(t, NewSchemas(), tc.typ, tc.opts, tc.tag)
			if required != tc.required {
				t.Errorf("required %v, want %v", required, tc.required)
			}
			if g := toJSON(t, got); g != tc.want {
				t.Errorf("\n got %s\nwant %s", g, tc.want)
			}
		})
	}
}

func TestSchemasInput(t *testing.T) {
	type body struct {
		Name string `json:"name" validate:"max=10"`
	}
	type all struct {
		ID     uuid.UUID  `path:"id" doc:"The id"`
		Slug   *string    `path:"slug"` // a path parameter is required anyway
		Page   int        `query:"page" default:"1" validate:"min=1"`
		Size   int        `query:"size" validate:"min=1,max=50"`
		Since  *time.Time `query:"since"`
		Sort   string     `query:"sort" default:"name" validate:"oneof=name date"`
		Kind   string     `query:"kind" enum:"a,b" example:"a"`
		Tenant string     `header:"X-Tenant" pattern:"^[a-z]+$" validate:"max=20"`
		Lang   *string    `header:"Accept-Language"`
		Note   string     // no tag: not a parameter
		//lint:ignore U1000 the test checks that unexported fields are left out
		hidden string `query:"hidden"`
		Body   body
	}
	s := NewSchemas()
	params, bodySchema, bodyRequired := s.Input(all{})
	want := []string{
		`{"name":"id","in":"path","description":"The id","required":true,"schema":{"type":"string","format":"uuid"}}`,
		`{"name":"slug","in":"path","required":true,"schema":{"type":"string"}}`,
		`{"name":"page","in":"query","schema":{"type":"integer","format":"int64","default":1,"minimum":1}}`,
		`{"name":"size","in":"query","required":true,"schema":{"type":"integer","format":"int64","minimum":1,"maximum":50}}`,
		`{"name":"since","in":"query","schema":{"type":"string","format":"date-time"}}`,
		`{"name":"sort","in":"query","schema":{"type":"string","enum":["name","date"],"default":"name"}}`,
		`{"name":"kind","in":"query","required":true,"schema":{"type":"string","enum":["a","b"],"examples":["a"]}}`,
		`{"name":"X-Tenant","in":"header","required":true,"schema":{"type":"string","maxLength":20,"pattern":"^[a-z]+$"}}`,
		`{"name":"Accept-Language","in":"header","schema":{"type":"string"}}`,
	}
	if len(params) != len(want) {
		t.Fatalf("parameters: %s", toJSON(t, params))
	}
	for i := range want {
		if got := toJSON(t, params[i]); got != want[i] {
			t.Errorf("parameter %d:\n got %s\nwant %s", i, got, want[i])
		}
	}
	if bodySchema == nil || bodySchema.Ref != "#/components/schemas/body" || !bodyRequired {
		t.Errorf("body %s required=%v", toJSON(t, bodySchema), bodyRequired)
	}
	if c := toJSON(t, s.Components()["body"]); c != `{"type":"object","properties":{"name":{"type":"string","maxLength":10}},"required":["name"]}` {
		t.Errorf("body component %s", c)
	}
}

func TestSchemasInputBodies(t *testing.T) {
	type body struct {
		N int `json:"n"`
	}
	type valueBody struct{ Body body }
	type pointerBody struct{ Body *body }
	type listBody struct{ Body []body }
	type noBody struct {
		Q string `query:"q"`
	}
	for _, tc := range []struct {
		name     string
		in       any
		params   int
		body     string // "" = no body
		required bool
	}{
		{"a value body is required", valueBody{}, 0, `{"$ref":"#/components/schemas/body"}`, true},
		{"a pointer body is optional", pointerBody{}, 0, `{"anyOf":[{"$ref":"#/components/schemas/body"},{"type":"null"}]}`, false},
		{"a list body", listBody{}, 0, `{"type":"array","items":{"$ref":"#/components/schemas/body"}}`, true},
		{"no body", noBody{}, 1, "", false},
		{"a pointer to the input", &valueBody{}, 0, `{"$ref":"#/components/schemas/body"}`, true},
		{"a reflect.Type", reflect.TypeFor[pointerBody](), 0, `{"anyOf":[{"$ref":"#/components/schemas/body"},{"type":"null"}]}`, false},
		{"not a struct", 42, 0, "", false},
		{"nil", nil, 0, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			params, b, required := NewSchemas().Input(tc.in)
			if len(params) != tc.params {
				t.Errorf("parameters %s", toJSON(t, params))
			}
			switch {
			case tc.body == "" && b != nil:
				t.Errorf("body %s", toJSON(t, b))
			case tc.body != "" && toJSON(t, b) != tc.body:
				t.Errorf("body %s, want %s", toJSON(t, b), tc.body)
			}
			if required != tc.required {
				t.Errorf("body required %v, want %v", required, tc.required)
			}
		})
	}
}

// httpmod binds a slice query or header parameter as every value sent, and
// an absent one as an empty slice: it is optional (httpmod/input.go,
// compileParam: required = path || (!ptr && !slice && !default)).
func TestSchemasInputSliceParameterIsOptional(t *testing.T) {
	type in struct {
		Tags []string `query:"tag" validate:"max=5"`
		Via  []string `header:"Via"`
	}
	params, _, _ := NewSchemas().Input(in{})
	if len(params) != 2 {
		t.Fatalf("parameters %s", toJSON(t, params))
	}
	if got := toJSON(t, params[0].Schema); got != `{"type":"array","items":{"type":"string"},"maxItems":5}` {
		t.Errorf("schema %s", got)
	}
	for _, p := range params {
		if p.Required {
			t.Errorf("the slice parameter %s %q is documented as required", p.In, p.Name)
		}
	}
}
