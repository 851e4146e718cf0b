package jsonbody

import "strconv"

// Kind is the expected JSON type of a value.
type Kind uint8

const (
	// Any accepts any JSON value: interface{} fields, json.RawMessage and
	// types implementing json.Unmarshaler (other than the special ones).
	Any Kind = iota
	// Bool is a JSON true or false.
	Bool
	// Int is a signed integer of Bits bits.
	Int
	// Uint is an unsigned integer of Bits bits.
	Uint
	// Float is a number that must fit a float of Bits (32 or 64) bits.
	Float
	// String is a JSON string, optionally of a Format.
	String
	// Object is a Go struct: its members are described by Fields.
	Object
	// Array is a Go slice or array of Elem (Len >= 0: a Go array of exactly
	// Len items; -1: a slice).
	Array
	// Map is a Go map with string keys; Elem is the node of its values.
	Map
)

var kindNames = [...]string{
	Any:    "any",
	Bool:   "bool",
	Int:    "int",
	Uint:   "uint",
	Float:  "float",
	String: "string",
	Object: "object",
	Array:  "array",
	Map:    "map",
}

// String returns the lower-case name of the kind ("object", "int", ...).
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Node is the expected shape of one JSON value.
//
// Nodes are normally built by Compile. A hand-built Node works too; a nil
// Node, a nil Field.Node and a nil Elem all mean Any. Nodes are read-only
// once built and may be shared by concurrent calls to Check.
type Node struct {
	Kind Kind
	// Nullable reports whether JSON null is accepted (Go pointers, slices,
	// maps, interfaces). A slice or map field without a pointer is Nullable
	// too (encoding/json writes nil as null and reads null as nil).
	Nullable bool
	// Bits is the size of an Int, Uint or Float.
	Bits int
	// Format refines a String: "" (any string), "date-time" (time.Time,
	// RFC 3339), "uuid" (uuid.UUID, canonical 8-4-4-4-12 hex, either case)
	// or "byte" ([]byte, standard base64).
	Format string
	// Fields are the members of an Object, in Go field order.
	Fields []Field
	// Elem is the node of the items of an Array or the values of a Map.
	Elem *Node
	// Len is the exact length of a Go array, or -1 for a slice.
	Len int

	// index maps Field.Name to its position; Compile builds it for
	// objects of more than linearFields fields. Nil means linear scan.
	index map[string]int
	// goAny marks an Any that encoding/json decodes into a Go interface
	// value: every number in it becomes a float64, so numbers out of the
	// float64 range make json.Unmarshal fail.
	goAny bool
}

// Field is one member of an Object.
type Field struct {
	// Name is the JSON member name, exactly as encoding/json uses it.
	Name string
	// Required reports whether the member must be present (null counts as
	// present when Node is Nullable).
	Required bool
	Node     *Node
}

// linearFields is the largest number of fields looked up by a linear scan;
// bigger objects get a map built by Compile.
const linearFields = 8
