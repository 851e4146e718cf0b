package jsonbody

import (
	"cmp"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/google/uuid"
)

var (
	timeType            = reflect.TypeFor[time.Time]()
	uuidType            = reflect.TypeFor[uuid.UUID]()
	rawMessageType      = reflect.TypeFor[json.RawMessage]()
	numberType          = reflect.TypeFor[json.Number]()
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

var (
	errStringOption  = errors.New(`the ",string" option is not supported`)
	errUnsupported   = errors.New("encoding/json cannot decode this type")
	errMapKey        = errors.New("map keys must have a string kind")
	errInterface     = errors.New("encoding/json can only decode into an empty interface")
	errUnexportedPtr = errors.New("encoding/json cannot set an embedded pointer to an unexported struct type")
)

// Compile returns the Node of Go type t following encoding/json's rules:
// the node accepts exactly the JSON values that json.Unmarshal decodes into
// a t without error and without silently dropping or mangling data.
//
// Types encoding/json cannot decode (chan, func, complex, unsafe.Pointer,
// non-empty interfaces, maps with non-string keys, embedded pointers to
// unexported structs) and the ",string" tag option are errors naming the Go
// type and the field path.
func Compile(t reflect.Type) (*Node, error) {
	if t == nil {
		return nil, errors.New("jsonbody: Compile of a nil reflect.Type")
	}
	c := compiler{nodes: make(map[nodeKey]*Node)}
	n, err := c.node(t, false, t.String())
	if err != nil {
		return nil, fmt.Errorf("jsonbody: %w", err)
	}
	return n, nil
}

type nodeKey struct {
	t        reflect.Type
	nullable bool
}

// compiler caches nodes per (type, nullability) during one Compile, so that
// recursive types terminate and shared types are compiled once.
type compiler struct {
	nodes map[nodeKey]*Node
}

// node compiles t; path is the Go path of the value ("pkg.T.Items[]") used
// in error messages.
func (c *compiler) node(t reflect.Type, nullable bool, path string) (*Node, error) {
	for t.Kind() == reflect.Pointer {
		t, nullable = t.Elem(), true
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Map, reflect.Interface:
		nullable = true // encoding/json reads null as nil
	}
	key := nodeKey{t, nullable}
	if n, ok := c.nodes[key]; ok {
		return n, nil
	}
	n := &Node{Nullable: nullable}
	c.nodes[key] = n // before recursing: recursive types find it

	pt := reflect.PointerTo(t)
	switch {
	case t == timeType:
		n.Kind, n.Format = String, "date-time"
		return n, nil
	case t == uuidType:
		n.Kind, n.Format = String, "uuid"
		return n, nil
	case t == rawMessageType:
		n.Kind, n.Nullable = Any, true
		return n, nil
	case t == numberType:
		// json.Number takes a number literal (or a string holding one);
		// we accept numbers a float64 can hold.
		n.Kind, n.Bits = Float, 64
		return n, nil
	case t.Kind() != reflect.Interface && pt.Implements(jsonUnmarshalerType):
		n.Kind, n.Nullable = Any, true
		return n, nil
	case t.Kind() != reflect.Interface && pt.Implements(textUnmarshalerType):
		n.Kind = String
		return n, nil
	}

	switch t.Kind() {
	case reflect.Bool:
		n.Kind = Bool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n.Kind, n.Bits = Int, t.Bits()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n.Kind, n.Bits = Uint, t.Bits()
	case reflect.Float32, reflect.Float64:
		n.Kind, n.Bits = Float, t.Bits()
	case reflect.String:
		n.Kind = String
	case reflect.Interface:
		if t.NumMethod() != 0 {
			return nil, typeError(path, t, errInterface)
		}
		n.Kind, n.goAny = Any, true
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			n.Kind, n.Format = String, "byte"
			return n, nil
		}
		elem, err := c.node(t.Elem(), false, path+"[]")
		if err != nil {
			return nil, err
		}
		n.Kind, n.Elem, n.Len = Array, elem, -1
	case reflect.Array:
		elem, err := c.node(t.Elem(), false, path+"[]")
		if err != nil {
			return nil, err
		}
		n.Kind, n.Elem, n.Len = Array, elem, t.Len()
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil, typeError(path, t, errMapKey)
		}
		elem, err := c.node(t.Elem(), false, path+"[key]")
		if err != nil {
			return nil, err
		}
		n.Kind, n.Elem = Map, elem
	case reflect.Struct:
		if err := c.object(n, t, path); err != nil {
			return nil, err
		}
	default: // chan, func, complex, unsafe.Pointer, invalid
		return nil, typeError(path, t, errUnsupported)
	}
	return n, nil
}

func typeError(path string, t reflect.Type, err error) error {
	if path == t.String() {
		return fmt.Errorf("type %s: %w", t, err)
	}
	return fmt.Errorf("field %s (type %s): %w", path, t, err)
}

// object fills n with the fields of struct type t.
func (c *compiler) object(n *Node, t reflect.Type, path string) error {
	n.Kind = Object
	fields := structFields(t)
	n.Fields = make([]Field, 0, len(fields))
	for _, f := range fields {
		fpath := path + "." + f.goPath
		if hasOption(f.opts, "string") {
			return fmt.Errorf("field %s: %w", fpath, errStringOption)
		}
		if f.unexportedPtr != nil {
			return fmt.Errorf("field %s: %w (%s)", fpath, errUnexportedPtr, f.unexportedPtr)
		}
		fn, err := c.node(f.typ, false, fpath)
		if err != nil {
			return err
		}
		_, hasDefault := f.tag.Lookup("default")
		required := f.typ.Kind() != reflect.Pointer &&
			!f.viaPointer &&
			!hasOption(f.opts, "omitempty") &&
			!hasOption(f.opts, "omitzero") &&
			!hasDefault
		n.Fields = append(n.Fields, Field{Name: f.name, Required: required, Node: fn})
	}
	if len(n.Fields) > linearFields {
		n.index = make(map[string]int, len(n.Fields))
		for i := len(n.Fields) - 1; i >= 0; i-- {
			n.index[n.Fields[i].Name] = i
		}
	}
	return nil
}

// structField is one field encoding/json decodes into, after flattening
// embedded structs.
type structField struct {
	name   string
	tagged bool // name comes from the json tag
	index  []int
	typ    reflect.Type
	tag    reflect.StructTag
	opts   string
	goPath string // Go selector path, e.g. "Base.ID"
	// viaPointer: promoted through an embedded pointer (absent when nil).
	viaPointer bool
	// unexportedPtr: the embedded pointer-to-unexported-struct type on the
	// way to this field, which encoding/json cannot allocate.
	unexportedPtr reflect.Type
}

// embedding is a struct type whose fields are promoted into the outer one.
type embedding struct {
	typ           reflect.Type
	index         []int
	goPath        string
	viaPointer    bool
	unexportedPtr reflect.Type
}

// structFields lists the JSON fields of struct type t the way encoding/json
// does: breadth first through embedded structs, then Go's dominance rules
// (shallowest wins, then the tagged one, else all are dropped), in index
// order.
func structFields(t reflect.Type) []structField {
	var fields []structField
	next := []embedding{{typ: t}}
	var count, nextCount map[reflect.Type]int
	visited := make(map[reflect.Type]bool)
	for len(next) > 0 {
		current := next
		next = nil
		count, nextCount = nextCount, make(map[reflect.Type]int)
		for _, e := range current {
			if visited[e.typ] {
				continue
			}
			visited[e.typ] = true
			for i := range e.typ.NumField() {
				sf := e.typ.Field(i)
				if sf.Anonymous {
					base := sf.Type
					if base.Kind() == reflect.Pointer {
						base = base.Elem()
					}
					if !sf.IsExported() && base.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !validTagName(name) {
					name = ""
				}
				index := append(slices.Clip(e.index), i)
				goPath := sf.Name
				if e.goPath != "" {
					goPath = e.goPath + "." + sf.Name
				}
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					f := structField{
						name:          name,
						tagged:        name != "",
						index:         index,
						typ:           sf.Type,
						tag:           sf.Tag,
						opts:          opts,
						goPath:        goPath,
						viaPointer:    e.viaPointer,
						unexportedPtr: e.unexportedPtr,
					}
					if f.name == "" {
						f.name = sf.Name
					}
					if sf.Anonymous && !sf.IsExported() && sf.Type.Kind() == reflect.Pointer && f.unexportedPtr == nil {
						// A tagged embedded pointer to an unexported type:
						// encoding/json panics setting it.
						f.unexportedPtr = sf.Type.Elem()
					}
					fields = append(fields, f)
					if count[e.typ] > 1 {
						// The same type embedded twice at this depth: a
						// second copy makes the dominance step drop both.
						fields = append(fields, f)
					}
					continue
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					ne := embedding{
						typ:           ft,
						index:         index,
						goPath:        goPath,
						viaPointer:    e.viaPointer || sf.Type.Kind() == reflect.Pointer,
						unexportedPtr: e.unexportedPtr,
					}
					if sf.Type.Kind() == reflect.Pointer && !sf.IsExported() && ne.unexportedPtr == nil {
						ne.unexportedPtr = ft
					}
					next = append(next, ne)
				}
			}
		}
	}

	slices.SortFunc(fields, func(a, b structField) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := cmp.Compare(len(a.index), len(b.index)); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return 1
		}
		return slices.Compare(a.index, b.index)
	})
	out := fields[:0]
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].name == fields[i].name {
			j++
		}
		// fields[i:j] share a name, the dominant one first; two at the
		// same depth with the same taggedness cancel each other.
		if j-i == 1 || len(fields[i].index) != len(fields[i+1].index) || fields[i].tagged != fields[i+1].tagged {
			out = append(out, fields[i])
		}
		i = j
	}
	slices.SortFunc(out, func(a, b structField) int { return slices.Compare(a.index, b.index) })
	return out
}

// validTagName reports whether encoding/json accepts s as a member name
// from a json tag (otherwise it falls back to the Go field name).
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", r):
		case unicode.IsLetter(r), unicode.IsDigit(r):
		default:
			return false
		}
	}
	return true
}

// hasOption reports whether the comma-separated tag options contain name.
func hasOption(opts, name string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == name {
			return true
		}
	}
	return false
}
