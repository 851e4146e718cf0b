package jsonbody

import (
	"encoding/json"
	"net"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/google/uuid"
)

// fieldSummary is the part of a Field the naming tests compare.
type fieldSummary struct {
	Name     string
	Required bool
	Kind     Kind
	Nullable bool
}

func summarize(n *Node) []fieldSummary {
	var out []fieldSummary
	for _, f := range n.Fields {
		out = append(out, fieldSummary{f.Name, f.Required, f.Node.Kind, f.Node.Nullable})
	}
	return out
}

type naming struct {
	Plain   int
	Tagged  int `json:"tagged"`
	Skipped int `json:"-"`
	//lint:ignore SA5008 the name "-" is what is being tested
	Dash int `json:"-,"`
	Opt  int `json:",omitempty"`
	//lint:ignore SA5008 an invalid tag name is what is being tested
	BadTag   int            `json:"a\\b"`
	Spaces   int            `json:"with space"`
	_        int            // unexported: ignored
	Ptr      *int           `json:"ptr"`
	Zero     int            `json:"zero,omitzero"`
	Def      int            `json:"def" default:"3"`
	Iface    any            `json:"iface"`
	Slice    []int          `json:"slice"`
	Map      map[string]int `json:"map"`
	OptSlice []int          `json:"optSlice,omitempty"`
}

type Base struct {
	ID   int `json:"id"`
	Name string
}

type Other struct {
	Name  string
	Extra int
}

type embedConflict struct {
	Base   // Name at depth 1 ...
	*Other // ... and Name at depth 1 again: both dropped
	Own    int
}

type embedShallow struct {
	Base
	Name int // depth 0 wins over Base.Name
}

type TaggedV struct {
	V int `json:"V"`
}

type UntaggedV struct {
	V int
}

type embedTagWins struct {
	UntaggedV
	TaggedV // tagged V wins at equal depth
}

type Num int

type inner struct {
	A int `json:"a"`
}

type embedMisc struct {
	Num                 // embedded non-struct: a normal field "Num"
	Base  `json:"base"` // named embedded struct: a normal field
	inner               // unexported embedded struct: its exported fields
	Other `json:"-"`    // skipped
}

type Shared struct {
	P int
	Q string
}

type Left struct{ Shared }
type Right struct{ Shared }

type embedTwice struct {
	Left      // Shared via Left ...
	Right     // ... and via Right at the same depth: P and Q both dropped
	Top   int `json:"top"`
}

type deepPtr struct {
	*Base // fields promoted through a pointer are not required
}

func TestCompileFields(t *testing.T) {
	tests := []struct {
		name string
		typ  reflect.Type
		want []fieldSummary
	}{
		{"naming", reflect.TypeFor[naming](), []fieldSummary{
			{"Plain", true, Int, false},
			{"tagged", true, Int, false},
			{"-", true, Int, false},
			{"Opt", false, Int, false},
			{"BadTag", true, Int, false},
			{"with space", true, Int, false},
			{"ptr", false, Int, true},
			{"zero", false, Int, false},
			{"def", false, Int, false},
			{"iface", true, Any, true},
			{"slice", true, Array, true},
			{"map", true, Map, true},
			{"optSlice", false, Array, true},
		}},
		{"conflict", reflect.TypeFor[embedConflict](), []fieldSummary{
			{"id", true, Int, false},
			{"Extra", false, Int, false},
			{"Own", true, Int, false},
		}},
		{"shallow wins", reflect.TypeFor[embedShallow](), []fieldSummary{
			{"id", true, Int, false},
			{"Name", true, Int, false},
		}},
		{"tagged wins", reflect.TypeFor[embedTagWins](), []fieldSummary{
			{"V", true, Int, false},
		}},
		{"misc", reflect.TypeFor[embedMisc](), []fieldSummary{
			{"Num", true, Int, false},
			{"base", true, Object, false},
			{"a", true, Int, false},
		}},
		{"embedded twice", reflect.TypeFor[embedTwice](), []fieldSummary{
			{"top", true, Int, false},
		}},
		{"through pointer", reflect.TypeFor[deepPtr](), []fieldSummary{
			{"id", false, Int, false},
			{"Name", false, String, false},
		}},
		{"pointer to struct", reflect.TypeFor[*Base](), []fieldSummary{
			{"id", true, Int, false},
			{"Name", true, String, false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Compile(tt.typ)
			if err != nil {
				t.Fatal(err)
			}
			if n.Kind != Object {
				t.Fatalf("kind %v, want object", n.Kind)
			}
			if got := summarize(n); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("fields\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestCompileFieldsMatchEncodingJSON cross-checks the member names with the
// ones json.Marshal writes for a fully populated value.
func TestCompileFieldsMatchEncodingJSON(t *testing.T) {
	values := []any{
		naming{}, embedConflict{Other: &Other{}}, embedShallow{}, embedTagWins{},
		embedMisc{}, embedTwice{}, deepPtr{Base: &Base{}},
	}
	for _, v := range values {
		n, err := Compile(reflect.TypeOf(v))
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		for _, f := range n.Fields {
			_, ok := m[f.Name]
			delete(m, f.Name)
			if !ok && f.Required {
				t.Errorf("%T: field %q not written by encoding/json", v, f.Name)
			}
		}
		for name := range m {
			t.Errorf("%T: encoding/json writes %q, Compile has no such field", v, name)
		}
	}
}

type unmarshalerValue struct{}

func (unmarshalerValue) UnmarshalJSON([]byte) error { return nil }

type unmarshalerPtr struct{ X int }

func (*unmarshalerPtr) UnmarshalJSON([]byte) error { return nil }

type textPtr struct{ X int }

func (*textPtr) UnmarshalText([]byte) error { return nil }

type Key string

func TestCompileTypes(t *testing.T) {
	tests := []struct {
		name string
		typ  reflect.Type
		want Node
	}{
		{"bool", reflect.TypeFor[bool](), Node{Kind: Bool}},
		{"int", reflect.TypeFor[int](), Node{Kind: Int, Bits: 64}},
		{"int8", reflect.TypeFor[int8](), Node{Kind: Int, Bits: 8}},
		{"uint16", reflect.TypeFor[uint16](), Node{Kind: Uint, Bits: 16}},
		{"uintptr", reflect.TypeFor[uintptr](), Node{Kind: Uint, Bits: 64}},
		{"float32", reflect.TypeFor[float32](), Node{Kind: Float, Bits: 32}},
		{"string", reflect.TypeFor[string](), Node{Kind: String}},
		{"named string", reflect.TypeFor[Key](), Node{Kind: String}},
		{"*string", reflect.TypeFor[*string](), Node{Kind: String, Nullable: true}},
		{"**int", reflect.TypeFor[**int](), Node{Kind: Int, Bits: 64, Nullable: true}},
		{"time", reflect.TypeFor[time.Time](), Node{Kind: String, Format: "date-time"}},
		{"*time", reflect.TypeFor[*time.Time](), Node{Kind: String, Format: "date-time", Nullable: true}},
		{"uuid", reflect.TypeFor[uuid.UUID](), Node{Kind: String, Format: "uuid"}},
		{"[]byte", reflect.TypeFor[[]byte](), Node{Kind: String, Format: "byte", Nullable: true}},
		{"raw", reflect.TypeFor[json.RawMessage](), Node{Kind: Any, Nullable: true}},
		{"number", reflect.TypeFor[json.Number](), Node{Kind: Float, Bits: 64}},
		{"unmarshaler value receiver", reflect.TypeFor[unmarshalerValue](), Node{Kind: Any, Nullable: true}},
		{"unmarshaler pointer receiver", reflect.TypeFor[unmarshalerPtr](), Node{Kind: Any, Nullable: true}},
		{"text unmarshaler", reflect.TypeFor[textPtr](), Node{Kind: String}},
		{"net.IP", reflect.TypeFor[net.IP](), Node{Kind: String, Nullable: true}},
		{"any", reflect.TypeFor[any](), Node{Kind: Any, Nullable: true, goAny: true}},
		{"[]int", reflect.TypeFor[[]int](), Node{Kind: Array, Nullable: true, Len: -1, Elem: &Node{Kind: Int, Bits: 64}}},
		{"[2]uint8", reflect.TypeFor[[2]uint8](), Node{Kind: Array, Len: 2, Elem: &Node{Kind: Uint, Bits: 8}}},
		{"[]*bool", reflect.TypeFor[[]*bool](), Node{Kind: Array, Nullable: true, Len: -1, Elem: &Node{Kind: Bool, Nullable: true}}},
		{"map", reflect.TypeFor[map[Key]string](), Node{Kind: Map, Nullable: true, Elem: &Node{Kind: String}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Compile(tt.typ)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*n, tt.want) {
				t.Errorf("got %+v, want %+v", *n, tt.want)
			}
		})
	}
}

type stringOpt struct {
	N int `json:"n,string"`
}

type nestedStringOpt struct {
	Items []stringOpt `json:"items"`
}

type chanField struct {
	C chan int
}

type funcField struct {
	F func()
}

type complexField struct {
	Z complex128 `json:"z"`
}

type unsafeField struct {
	P unsafe.Pointer
}

type intKeys struct {
	M map[int]string `json:"m"`
}

type ifaceField struct {
	R interface{ Read([]byte) (int, error) }
}

type unexportedPtrEmbed struct {
	*inner
}

type unexportedPtrTagged struct {
	*inner `json:"in"`
}

type unexportedPtrNoFields struct {
	//lint:ignore U1000 only its presence matters
	*hidden // contributes no field: fine
	X       int
}

//lint:ignore U1000 only its presence matters
type hidden struct{ _ int } // no exported field

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		typ  reflect.Type
		want []string // substrings of the error
	}{
		{"string option", reflect.TypeFor[stringOpt](), []string{
			`jsonbody: field jsonbody.stringOpt.N: the ",string" option is not supported`}},
		{"nested string option", reflect.TypeFor[nestedStringOpt](), []string{
			`field jsonbody.nestedStringOpt.Items[].N:`, `",string"`}},
		{"chan", reflect.TypeFor[chanField](), []string{"field jsonbody.chanField.C (type chan int)", "cannot decode"}},
		{"func", reflect.TypeFor[funcField](), []string{"field jsonbody.funcField.F (type func())"}},
		{"complex", reflect.TypeFor[complexField](), []string{"field jsonbody.complexField.Z (type complex128)"}},
		{"unsafe", reflect.TypeFor[unsafeField](), []string{"field jsonbody.unsafeField.P (type unsafe.Pointer)"}},
		{"root chan", reflect.TypeFor[chan int](), []string{"jsonbody: type chan int:"}},
		{"int map keys", reflect.TypeFor[intKeys](), []string{"field jsonbody.intKeys.M (type map[int]string)", "string kind"}},
		{"non-empty interface", reflect.TypeFor[ifaceField](), []string{"field jsonbody.ifaceField.R", "empty interface"}},
		{"embedded pointer to unexported", reflect.TypeFor[unexportedPtrEmbed](), []string{"field jsonbody.unexportedPtrEmbed.inner.A", "unexported"}},
		{"tagged embedded pointer to unexported", reflect.TypeFor[unexportedPtrTagged](), []string{"field jsonbody.unexportedPtrTagged.inner", "unexported"}},
		{"nil", nil, []string{"nil"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Compile(tt.typ)
			if err == nil {
				t.Fatalf("no error, node %+v", n)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
	if _, err := Compile(reflect.TypeFor[unexportedPtrNoFields]()); err != nil {
		t.Errorf("unexportedPtrNoFields: %v", err)
	}
}

type Tree struct {
	Val   int              `json:"val"`
	Kids  []Tree           `json:"kids"`
	Left  *Tree            `json:"left"`
	Index map[string]*Tree `json:"index,omitempty"`
}

type mutualA struct {
	B *mutualB `json:"b"`
}

type mutualB struct {
	A []mutualA `json:"a"`
}

func TestCompileRecursive(t *testing.T) {
	n, err := Compile(reflect.TypeFor[Tree]())
	if err != nil {
		t.Fatal(err)
	}
	if kids := n.Fields[1].Node; kids.Kind != Array || kids.Elem != n {
		t.Errorf("kids: %+v, want an array of the root node", kids)
	}
	left := n.Fields[2].Node
	if left.Kind != Object || !left.Nullable || left.Fields[2].Node != left {
		t.Errorf("left: %+v, want a nullable object pointing to itself", left)
	}
	if idx := n.Fields[3].Node; idx.Kind != Map || idx.Elem != left {
		t.Errorf("index: %+v, want a map of the nullable node", idx)
	}
	if _, err := Compile(reflect.TypeFor[mutualA]()); err != nil {
		t.Fatal(err)
	}
	body := []byte(`{"val":1,"kids":[{"val":2,"kids":[],"left":null}],"left":{"val":3,"kids":null,"left":null}}`)
	if p := Check(body, n, Options{}); p != nil {
		t.Errorf("problems: %+v", p)
	}
	body = []byte(`{"val":1,"kids":[{"val":"x","kids":[]}],"left":{"val":2}}`)
	want := []Problem{
		{Type: "int_type", Loc: []any{"kids", 0, "val"}, Msg: "Input should be a valid integer"},
		{Type: "missing", Loc: []any{"left", "kids"}, Msg: "Field required"},
	}
	if p := Check(body, n, Options{}); !reflect.DeepEqual(p, want) {
		t.Errorf("problems\n got %+v\nwant %+v", p, want)
	}
}

type manyFields struct {
	F0, F1, F2, F3, F4, F5, F6, F7, F8, F9 int
}

func TestCompileIndex(t *testing.T) {
	small, err := Compile(reflect.TypeFor[Base]())
	if err != nil {
		t.Fatal(err)
	}
	if small.index != nil {
		t.Error("small struct has an index map")
	}
	big, err := Compile(reflect.TypeFor[manyFields]())
	if err != nil {
		t.Fatal(err)
	}
	if len(big.index) != 10 || big.index["F7"] != 7 {
		t.Errorf("index = %v", big.index)
	}
}
