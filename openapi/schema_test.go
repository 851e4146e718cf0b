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
		"name", "count", "small", "unsigned", "ratio", "float", "on", "tags", "fixed", "attrs", "blob", "any",
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

func TestTypesJSON(t *testing.T) {
	for _, tc := range []struct {
		in   Types
		json string
	}{
		{Types{"string"}, `"string"`},
		{Types{"string", "null"}, `["string","null"]`},
	} {
		if got := toJSON(t, tc.in); got != tc.json {
			t.Errorf("marshal %v = %s", tc.in, got)
		}
		var back Types
		if err := json.Unmarshal([]byte(tc.json), &back); err != nil || !reflect.DeepEqual(back, tc.in) {
			t.Errorf("unmarshal %s = %v (%v)", tc.json, back, err)
		}
	}
	var bad Types
	if err := json.Unmarshal([]byte(`3`), &bad); err == nil {
		t.Error("a number unmarshalled as Types")
	}
}
