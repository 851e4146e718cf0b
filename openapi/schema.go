package openapi

import (
	"encoding"
	"encoding/json"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// SchemaProvider is implemented by types that describe themselves (a decimal
// type written as a string, say). The builder calls it on the zero value;
// value or pointer receivers both work.
type SchemaProvider interface {
	OpenAPISchema() *Schema
}

// Schemas builds JSON Schemas from Go types by reflection and collects the
// named struct types as component schemas, referenced with $ref. The zero
// value is not usable; call [NewSchemas].
//
// The mapping follows encoding/json:
//
//   - field names from `json` tags; `json:"-"` and unexported fields are
//     left out; embedded structs without a name are flattened;
//   - a property is required unless its tag has omitempty or omitzero or its
//     type is a pointer; a `binding` or `validate` tag with "required" makes
//     it required in any case;
//   - bool, integers (int64 for int, minimum 0 for unsigned), floats and
//     strings map to their JSON types; []byte is a base64 string; slices and
//     arrays are arrays; maps are objects with additionalProperties;
//     interfaces are any value ({});
//   - pointers are nullable (type [T, "null"], or anyOf with a $ref);
//   - time.Time is a date-time string, uuid.UUID a uuid string,
//     json.RawMessage any value, other encoding.TextMarshaler types strings,
//     other json.Marshaler types any value, and a [SchemaProvider] says for
//     itself;
//   - the tags `doc:"..."` (description), `example:"..."` and
//     `enum:"a,b,c"` annotate a field, and the validator rules of `binding`
//     and `validate` tags become keywords: required, min, max, len, gt, gte,
//     lt, lte, oneof, email, uuid, url, max_of/min_of (runtime limits, see
//     [Schemas.Limits]); the rules after "dive" apply to the items of an
//     array; a `pattern:"regexp"` tag is the pattern keyword and a
//     `default:"v"` tag the default (and makes the property optional).
//
// A named struct becomes the component schema of its type name; generic
// instances drop package paths (Page[Item] is "Page_Item"); a second type
// with the same name is qualified by its package name.
type Schemas struct {
	byType map[reflect.Type]string
	byName map[string]reflect.Type
	defs   map[string]*Schema

	// Limits resolves the runtime limits of the rules max_of=name and
	// min_of=name (values known only once the settings are read); nil
	// resolves none, and such rules then add no keyword.
	Limits func(name string) (int64, bool)
}

// NewSchemas returns an empty builder.
func NewSchemas() *Schemas {
	return &Schemas{
		byType: map[reflect.Type]string{},
		byName: map[string]reflect.Type{},
		defs:   map[string]*Schema{},
	}
}

// For returns the schema of v's type: v is a value of the type (Item{},
// []Item(nil), &Item{}), a reflect.Type, or a *Schema returned as it is. A
// nil v yields nil.
func (s *Schemas) For(v any) *Schema {
	switch x := v.(type) {
	case nil:
		return nil
	case *Schema:
		return x
	case reflect.Type:
		return s.typeSchema(x)
	}
	return s.typeSchema(reflect.TypeOf(v))
}

// Components returns the component schemas collected so far, by name.
func (s *Schemas) Components() map[string]*Schema { return maps.Clone(s.defs) }

// Add registers a hand-written component schema under name and returns a
// reference to it.
func (s *Schemas) Add(name string, schema *Schema) *Schema {
	s.defs[name] = schema
	return RefTo(name)
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	uuidType        = reflect.TypeFor[uuid.UUID]()
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
	providerType    = reflect.TypeFor[SchemaProvider]()
	jsonMarshaler   = reflect.TypeFor[json.Marshaler]()
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
	nullType        = "null"
	packagePathExpr = regexp.MustCompile(`(?:[\w.\-]+/)*[\w\-]+\.`)
	nameCharExpr    = regexp.MustCompile(`[^A-Za-z0-9._-]+`)
)

func implements(t, iface reflect.Type) bool {
	return t.Implements(iface) || (t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(iface))
}

func (s *Schemas) typeSchema(t reflect.Type) *Schema {
	switch {
	case implements(t, providerType):
		return providerSchema(t)
	case t == timeType:
		return &Schema{Type: Types{"string"}, Format: "date-time"}
	case t == uuidType:
		return &Schema{Type: Types{"string"}, Format: "uuid"}
	case t == rawMessageType:
		return &Schema{}
	}
	if t.Kind() == reflect.Pointer {
		return nullable(s.typeSchema(t.Elem()))
	}
	switch {
	case implements(t, jsonMarshaler):
		return &Schema{}
	case implements(t, textMarshaler):
		return &Schema{Type: Types{"string"}}
	}
	switch t.Kind() {
	case reflect.Bool:
		return &Schema{Type: Types{"boolean"}}
	case reflect.Int, reflect.Int64:
		return &Schema{Type: Types{"integer"}, Format: "int64"}
	case reflect.Int8, reflect.Int16, reflect.Int32:
		return &Schema{Type: Types{"integer"}, Format: "int32"}
	case reflect.Uint, reflect.Uint64, reflect.Uintptr:
		return &Schema{Type: Types{"integer"}, Format: "int64", Minimum: ptr(0.0)}
	case reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return &Schema{Type: Types{"integer"}, Format: "int32", Minimum: ptr(0.0)}
	case reflect.Float32:
		return &Schema{Type: Types{"number"}, Format: "float"}
	case reflect.Float64:
		return &Schema{Type: Types{"number"}, Format: "double"}
	case reflect.String:
		return &Schema{Type: Types{"string"}}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 && !implements(t.Elem(), jsonMarshaler) && !implements(t.Elem(), textMarshaler) {
			return &Schema{Type: Types{"string"}, ContentEncoding: "base64"}
		}
		return &Schema{Type: Types{"array"}, Items: s.typeSchema(t.Elem())}
	case reflect.Array:
		n := t.Len()
		return &Schema{Type: Types{"array"}, Items: s.typeSchema(t.Elem()), MinItems: &n, MaxItems: &n}
	case reflect.Map:
		return &Schema{Type: Types{"object"}, AdditionalProperties: s.typeSchema(t.Elem())}
	case reflect.Struct:
		if t.Name() == "" {
			return s.structSchema(t)
		}
		return RefTo(s.component(t))
	}
	return &Schema{} // interfaces: any value
}

// providerSchema calls OpenAPISchema on the zero value of t (or of *t).
func providerSchema(t reflect.Type) *Schema {
	var v reflect.Value
	if t.Implements(providerType) {
		v = reflect.Zero(t)
		if t.Kind() == reflect.Pointer {
			v = reflect.New(t.Elem())
		}
	} else {
		v = reflect.New(t)
	}
	if sch := v.Interface().(SchemaProvider).OpenAPISchema(); sch != nil {
		return sch
	}
	return &Schema{}
}

// component registers the named struct t (once) and returns its name.
func (s *Schemas) component(t reflect.Type) string {
	if name, ok := s.byType[t]; ok {
		return name
	}
	name := s.freeName(t)
	s.byType[t] = name
	s.byName[name] = t
	s.defs[name] = &Schema{} // placeholder: recursive types refer to it meanwhile
	s.defs[name] = s.structSchema(t)
	return name
}

func (s *Schemas) freeName(t reflect.Type) string {
	base := componentName(t.Name())
	if _, taken := s.byName[base]; !taken {
		return base
	}
	pkg := t.PkgPath()
	pkg = pkg[strings.LastIndex(pkg, "/")+1:]
	qualified := nameCharExpr.ReplaceAllString(pkg, "_") + "." + base
	name := qualified
	for i := 2; ; i++ {
		if _, taken := s.byName[name]; !taken {
			return name
		}
		name = qualified + strconv.Itoa(i)
	}
}

// componentName turns a Go type name into a component name: package paths
// of generic arguments are dropped and other characters than
// [A-Za-z0-9._-] become "_".
func componentName(goName string) string {
	n := packagePathExpr.ReplaceAllString(goName, "")
	n = strings.Trim(nameCharExpr.ReplaceAllString(n, "_"), "_")
	if n == "" {
		return "Object"
	}
	return n
}

func (s *Schemas) structSchema(t reflect.Type) *Schema {
	obj := &Schema{Type: Types{"object"}, Properties: map[string]*Schema{}}
	for _, f := range jsonFields(t) {
		sch := s.fieldSchema(f)
		if sch == nil {
			continue
		}
		obj.Properties[f.name] = sch
		if f.required {
			obj.Required = append(obj.Required, f.name)
		}
	}
	return obj
}

// field is one JSON property of a struct.
type field struct {
	name     string
	sf       reflect.StructField
	asString bool
	required bool
	dflt     string // gin's form:"name,default=v"
}

// jsonFields lists t's JSON properties in field order, embedded structs
// flattened (an outer field wins over a promoted one of the same name).
func jsonFields(t reflect.Type) []field {
	return taggedFields(t, "json", true)
}

// taggedFields lists the fields of t named by tag (json, form or uri);
// untagged exported fields keep their Go name only when keepUntagged.
func taggedFields(t reflect.Type, tag string, keepUntagged bool) []field {
	var out, promoted []field
	seen := map[string]bool{}
	for i := range t.NumField() {
		sf := t.Field(i)
		raw := sf.Tag.Get(tag)
		if raw == "-" {
			continue
		}
		name, opts, hasTag := parseTag(raw)
		if sf.Anonymous && name == "" {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				promoted = append(promoted, taggedFields(et, tag, keepUntagged)...)
				continue
			}
		}
		if !sf.IsExported() || (!hasTag && !keepUntagged) {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if unsupported(sf.Type) {
			continue
		}
		f := field{name: name, sf: sf}
		for o := range strings.SplitSeq(opts, ",") {
			if d, ok := strings.CutPrefix(o, "default="); ok {
				f.dflt = d
			}
		}
		omit := hasOpt(opts, "omitempty") || hasOpt(opts, "omitzero") || sf.Type.Kind() == reflect.Pointer
		f.required = !omit
		if hasOpt(opts, "string") {
			switch kind(sf.Type) {
			case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
				reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
				reflect.Float32, reflect.Float64, reflect.String:
				f.asString = true
			}
		}
		if rules := validationRules(sf); slices.Contains(rules, "required") {
			f.required = true
		}
		if d, ok := sf.Tag.Lookup("default"); ok {
			f.dflt, f.required = d, false
		}
		seen[name] = true
		out = append(out, f)
	}
	for _, f := range promoted {
		if !seen[f.name] {
			seen[f.name] = true
			out = append(out, f)
		}
	}
	return out
}

func parseTag(tag string) (name, opts string, ok bool) {
	if tag == "" {
		return "", "", false
	}
	name, opts, _ = strings.Cut(tag, ",")
	return name, opts, true
}

func hasOpt(opts, opt string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == opt {
			return true
		}
	}
	return false
}

// kind is t's kind through pointers.
func kind(t reflect.Type) reflect.Kind {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind()
}

// unsupported: types encoding/json cannot write.
func unsupported(t reflect.Type) bool {
	switch kind(t) {
	case reflect.Chan, reflect.Func, reflect.Complex64, reflect.Complex128, reflect.UnsafePointer:
		return true
	}
	return false
}

func (s *Schemas) fieldSchema(f field) *Schema {
	var sch *Schema
	if f.asString {
		sch = &Schema{Type: Types{"string"}}
		if f.sf.Type.Kind() == reflect.Pointer {
			sch = nullable(sch)
		}
	} else {
		sch = s.typeSchema(f.sf.Type)
	}
	sch = clone(sch)
	tag := f.sf.Tag
	if d := tag.Get("doc"); d != "" {
		sch.Description = d
	}
	s.annotate(sch, f.sf)
	if f.dflt != "" {
		sch.Default = typedValue(sch, f.dflt)
	}
	return sch
}

// annotate applies the enum and example tags and the validator rules of sf
// to sch.
func (s *Schemas) annotate(sch *Schema, sf reflect.StructField) {
	if e, ok := sf.Tag.Lookup("enum"); ok {
		sch.Enum = nil
		for v := range strings.SplitSeq(e, ",") {
			sch.Enum = append(sch.Enum, typedValue(sch, strings.TrimSpace(v)))
		}
	}
	if ex, ok := sf.Tag.Lookup("example"); ok {
		sch.Examples = []any{typedValue(sch, ex)}
	}
	s.applyRules(sch, sf.Tag.Get("binding"))
	s.applyRules(sch, sf.Tag.Get("validate"))
	if p, ok := sf.Tag.Lookup("pattern"); ok {
		target := sch
		if hasType(sch, "array") && sch.Items != nil {
			// a pattern on a []string field applies to its items
			sch.Items = clone(sch.Items)
			target = sch.Items
		}
		target.Pattern = p
	}
}

// typedValue parses a tag value as a JSON value of sch's type (numbers and
// booleans), falling back to the string.
func typedValue(sch *Schema, v string) any {
	for _, t := range sch.Type {
		switch t {
		case "integer":
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				return n
			}
		case "number":
			if n, err := strconv.ParseFloat(v, 64); err == nil {
				return n
			}
		case "boolean":
			if b, err := strconv.ParseBool(v); err == nil {
				return b
			}
		}
	}
	return v
}

// validationRules returns the rules of the binding and validate tags up to
// "dive" (later rules apply to elements).
func validationRules(sf reflect.StructField) []string {
	var rules []string
	for _, tag := range []string{"binding", "validate"} {
		for r := range strings.SplitSeq(sf.Tag.Get(tag), ",") {
			r = strings.TrimSpace(r)
			if r == "dive" {
				break
			}
			if r != "" {
				rules = append(rules, r)
			}
		}
	}
	return rules
}

func hasType(sch *Schema, t string) bool { return slices.Contains(sch.Type, t) }

// applyRules turns the validator rules of tag into JSON Schema keywords on
// sch; the rules after "dive" apply to the items of an array.
func (s *Schemas) applyRules(sch *Schema, tag string) {
	own, items, dive := strings.Cut(tag, ",dive")
	if strings.HasPrefix(tag, "dive") {
		own, items, dive = "", strings.TrimPrefix(tag, "dive"), true
	}
	for r := range strings.SplitSeq(own, ",") {
		r = strings.TrimSpace(r)
		name, arg, _ := strings.Cut(r, "=")
		n, numErr := strconv.ParseFloat(arg, 64)
		switch name {
		case "email":
			sch.Format = "email"
		case "uuid", "uuid4", "uuid_rfc4122", "uuid4_rfc4122":
			sch.Format = "uuid"
		case "url", "uri", "http_url":
			sch.Format = "uri"
		case "oneof":
			sch.Enum = nil
			for v := range strings.FieldsSeq(arg) {
				sch.Enum = append(sch.Enum, typedValue(sch, v))
			}
		case "min", "max", "len", "gt", "gte", "lt", "lte":
			if numErr == nil {
				sizeRule(sch, name, n)
			}
		case "max_of", "min_of":
			if s.Limits == nil {
				continue
			}
			if v, ok := s.Limits(arg); ok {
				sizeRule(sch, strings.TrimSuffix(name, "_of"), float64(v))
			}
		}
	}
	if dive && hasType(sch, "array") && sch.Items != nil {
		sch.Items = clone(sch.Items)
		s.applyRules(sch.Items, strings.TrimPrefix(items, ","))
	}
}

func sizeRule(sch *Schema, rule string, n float64) {
	switch {
	case hasType(sch, "string"):
		lengthRule(&sch.MinLength, &sch.MaxLength, rule, int(n))
	case hasType(sch, "object"):
		// minProperties is not modelled
	case hasType(sch, "array"):
		lengthRule(&sch.MinItems, &sch.MaxItems, rule, int(n))
	case hasType(sch, "integer") || hasType(sch, "number"):
		switch rule {
		case "min", "gte":
			sch.Minimum = &n
		case "max", "lte":
			sch.Maximum = &n
		case "gt":
			sch.ExclusiveMinimum = &n
		case "lt":
			sch.ExclusiveMaximum = &n
		case "len":
			sch.Minimum, sch.Maximum = &n, ptr(n)
		}
	}
}

// lengthRule applies a size rule to the bounds of a length (minLength and
// maxLength, or minItems and maxItems): gt and lt are the next whole
// lengths, and lt=0 (no length is below 0) adds no keyword.
func lengthRule(lo, hi **int, rule string, i int) {
	switch rule {
	case "min", "gte":
		*lo = &i
	case "max", "lte":
		*hi = &i
	case "gt":
		*lo = ptr(i + 1)
	case "lt":
		if i > 0 {
			*hi = ptr(i - 1)
		}
	case "len":
		*lo, *hi = &i, ptr(i)
	}
}

// nullable returns a schema that also admits null.
func nullable(inner *Schema) *Schema {
	switch {
	case inner.Ref != "":
		return &Schema{AnyOf: []*Schema{inner, {Type: Types{nullType}}}}
	case len(inner.Type) == 0:
		return inner // any value already admits null
	case hasType(inner, nullType):
		return inner
	}
	out := clone(inner)
	out.Type = append(slices.Clone(inner.Type), nullType)
	return out
}

// clone is a shallow copy (nested schemas are shared and never mutated).
func clone(s *Schema) *Schema {
	c := *s
	return &c
}

func ptr[T any](v T) *T { return &v }

// parameters lists the parameters of struct value v from its tag fields
// (form for query, uri for path).
func (s *Schemas) parameters(v any, in, tag string) []Parameter {
	if v == nil {
		return nil
	}
	t, ok := v.(reflect.Type)
	if !ok {
		t = reflect.TypeOf(v)
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []Parameter
	for _, f := range taggedFields(t, tag, false) {
		ft := f.sf.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		sch := clone(s.typeSchema(ft))
		s.annotate(sch, f.sf)
		if f.dflt != "" {
			sch.Default = typedValue(sch, f.dflt)
		}
		required := in == "path" || slices.Contains(validationRules(f.sf), "required")
		out = append(out, Parameter{
			Name: f.name, In: in, Required: required,
			Description: f.sf.Tag.Get("doc"), Schema: sch,
		})
	}
	return out
}

// InputBodyField is the name of the input struct field that holds a typed
// route's JSON request body.
const InputBodyField = "Body"

// Input documents a typed route's input struct v (a value or reflect.Type):
// its fields tagged `path:"name"`, `query:"name"` and `header:"Name"` are
// parameters (a path parameter is always required; another is required
// unless it is a pointer, a slice (every value sent, none allowed) or has a
// `default:"v"` tag), and its field named
// Body is the JSON request body (required unless it is a pointer). The
// `doc`, `example`, `enum`, `default`, `pattern` and `validate` tags
// annotate each parameter's schema as they do struct properties.
func (s *Schemas) Input(v any) (params []Parameter, body *Schema, bodyRequired bool) {
	t, ok := v.(reflect.Type)
	if !ok {
		t = reflect.TypeOf(v)
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil, nil, false
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		if sf.Name == InputBodyField {
			body = s.For(sf.Type)
			bodyRequired = sf.Type.Kind() != reflect.Pointer
			continue
		}
		for _, in := range []string{"path", "query", "header"} {
			name, ok := sf.Tag.Lookup(in)
			if !ok {
				continue
			}
			ft := sf.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			sch := clone(s.typeSchema(ft))
			s.annotate(sch, sf)
			dflt, hasDefault := sf.Tag.Lookup("default")
			if hasDefault {
				sch.Default = typedValue(sch, dflt)
			}
			repeated := sf.Type.Kind() == reflect.Slice && sf.Type.Elem().Kind() != reflect.Uint8
			params = append(params, Parameter{
				Name:        name,
				In:          in,
				Required:    in == "path" || (sf.Type.Kind() != reflect.Pointer && !repeated && !hasDefault),
				Description: sf.Tag.Get("doc"),
				Schema:      sch,
			})
		}
	}
	return params, body, bodyRequired
}
