package httpmod

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/m8fx/kit/internal/jsonbody"
	"github.com/m8fx/kit/openapi"
)

// inputPlan is what a typed route knows about its input type, compiled once
// at declaration: where each field comes from, how it is parsed, and which
// rules apply.
type inputPlan struct {
	typ      reflect.Type
	params   []paramPlan
	body     *bodyPlan
	validate bool // some field has validate rules
	patterns map[reflect.Type][]patternField
	byField  map[string]*paramPlan // Go field name -> parameter
}

// empty reports whether the input has neither parameters nor a body.
func (p *inputPlan) empty() bool { return len(p.params) == 0 && p.body == nil }

type paramPlan struct {
	field    int
	in       string // path, query or header
	name     string
	required bool
	ptr      bool // *T: nil when absent
	slice    bool // []T: every value of the name (query and header only)
	scalar   reflect.Type
	parse    scalarParser
	dflt     reflect.Value // the default, already parsed (invalid: none)
}

func (p *paramPlan) loc() []any { return []any{p.in, p.name} }

type bodyPlan struct {
	field    int
	typ      reflect.Type // the Body field's type
	elem     reflect.Type // without the pointer
	ptr      bool
	node     *jsonbody.Node
	defaults reflect.Value // a value of elem with the defaults set (invalid: none)
}

// patternField is a field of a struct type whose strings must match a
// pattern (tag `pattern:"regexp"`), or that leads to such fields.
type patternField struct {
	index int
	name  string // the name in loc
	re    *regexp.Regexp
}

// supportedRules are the validator rules that the document can state: the
// schema builder writes each as a JSON Schema keyword, so what the document
// says is what the validator enforces.
var supportedRules = []string{
	"omitempty", "omitnil", "dive",
	"min", "max", "len", "gt", "gte", "lt", "lte",
	"min_of", "max_of", "oneof",
	"email", "uuid", "uuid4", "uuid_rfc4122", "uuid4_rfc4122", "url", "uri", "http_url",
}

var (
	timeType            = reflect.TypeFor[time.Time]()
	uuidType            = reflect.TypeFor[uuid.UUID]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// compileInput compiles the input type t (a struct) of a route whose path
// has the parameters pathParams.
func compileInput(t reflect.Type, pathParams []string, table *RouteTable) (*inputPlan, error) {
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("input type %s is not a struct", t)
	}
	p := &inputPlan{typ: t, patterns: map[reflect.Type][]patternField{}, byField: map[string]*paramPlan{}}
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	seen := map[string]bool{}
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		if sf.Name == openapi.InputBodyField {
			bp, err := compileBody(i, sf, table)
			if err != nil {
				fail("%w", err)
				continue
			}
			p.body = bp
			continue
		}
		var locs []string
		for _, in := range []string{"path", "query", "header"} {
			if _, ok := sf.Tag.Lookup(in); ok {
				locs = append(locs, in)
			}
		}
		switch len(locs) {
		case 0:
			fail("field %s: an input field needs a path, query or header tag (or is the Body)", sf.Name)
			continue
		case 1:
		default:
			fail("field %s: one of the path, query and header tags, not %s", sf.Name, strings.Join(locs, " and "))
			continue
		}
		pp, err := compileParam(i, sf, locs[0], table)
		if err != nil {
			fail("%w", err)
			continue
		}
		key := pp.in + " " + strings.ToLower(pp.name)
		if seen[key] {
			fail("field %s: a second %s parameter %q", sf.Name, pp.in, pp.name)
			continue
		}
		seen[key] = true
		if pp.in == "path" && !slices.Contains(pathParams, pp.name) {
			fail("field %s: the path has no parameter %q", sf.Name, pp.name)
			continue
		}
		p.params = append(p.params, *pp)
	}
	for _, name := range pathParams {
		if !seen["path "+strings.ToLower(name)] {
			fail("path parameter %q has no field with the tag path:%q", name, name)
		}
	}
	for i := range p.params {
		p.byField[t.Field(p.params[i].field).Name] = &p.params[i]
	}
	p.validate = hasRules(t, map[reflect.Type]bool{})
	if err := collectPatterns(t, p.patterns, map[reflect.Type]bool{}); err != nil {
		fail("%w", err)
	}
	if len(errs) > 0 {
		return nil, joinErrors(errs)
	}
	return p, nil
}

// joinErrors joins errs on one line ("; "), keeping each in the chain for
// errors.Is and errors.As (errors.Join would put them on several lines).
func joinErrors(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	return lineErrors(slices.Clone(errs))
}

// lineErrors is several errors reported on one line.
type lineErrors []error

func (e lineErrors) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

func (e lineErrors) Unwrap() []error { return e }

func compileParam(index int, sf reflect.StructField, in string, table *RouteTable) (*paramPlan, error) {
	name := sf.Tag.Get(in)
	if name == "" || strings.ContainsAny(name, ",;[]. ") {
		return nil, fmt.Errorf("field %s: %s name %q is empty or has one of , ; [ ] . or a space", sf.Name, in, name)
	}
	pp := &paramPlan{field: index, in: in, name: name}
	t := sf.Type
	switch {
	case t.Kind() == reflect.Pointer:
		pp.ptr, t = true, t.Elem()
	case t.Kind() == reflect.Slice && t.Elem().Kind() != reflect.Uint8:
		if in == "path" {
			return nil, fmt.Errorf("field %s: a path parameter holds one value, not a slice", sf.Name)
		}
		pp.slice, t = true, t.Elem()
	}
	parse, err := parserFor(t)
	if err != nil {
		return nil, fmt.Errorf("field %s: %w", sf.Name, err)
	}
	pp.scalar, pp.parse = t, parse
	dflt, hasDefault := sf.Tag.Lookup("default")
	switch {
	case hasDefault && (in == "path" || pp.ptr || pp.slice):
		return nil, fmt.Errorf("field %s: a default is for a single-valued, non-pointer query or header parameter", sf.Name)
	case hasDefault:
		v, kind := parse(dflt)
		if kind != "" {
			return nil, fmt.Errorf("field %s: default %q is not a valid %s", sf.Name, dflt, t)
		}
		pp.dflt = v
	}
	pp.required = in == "path" || (!pp.ptr && !pp.slice && !hasDefault)
	if err := checkRules(sf, !pp.required, table); err != nil {
		return nil, err
	}
	if hasDefault {
		if err := table.validate.Var(pp.dflt.Interface(), sf.Tag.Get("validate")); err != nil {
			return nil, fmt.Errorf("field %s: default %q fails its own rules", sf.Name, dflt)
		}
	}
	return pp, nil
}

func compileBody(index int, sf reflect.StructField, table *RouteTable) (*bodyPlan, error) {
	bp := &bodyPlan{field: index, typ: sf.Type, elem: sf.Type}
	if sf.Type.Kind() == reflect.Pointer {
		bp.ptr, bp.elem = true, sf.Type.Elem()
	}
	if sf.Tag.Get("validate") != "" {
		return nil, errors.New("field Body: rules go on the body type's fields, not on Body itself")
	}
	node, err := jsonbody.Compile(bp.elem)
	if err != nil {
		return nil, fmt.Errorf("body: %w", err)
	}
	bp.node = node
	if err := checkBodyType(bp.elem, table, map[reflect.Type]bool{}); err != nil {
		return nil, fmt.Errorf("body: %w", err)
	}
	if bp.elem.Kind() == reflect.Struct {
		d, has, err := defaultsOf(bp.elem)
		if err != nil {
			return nil, fmt.Errorf("body: %w", err)
		}
		if has {
			bp.defaults = d
		}
	}
	return bp, nil
}

// checkBodyType checks the rules of every field reachable from t and that
// every JSON name can be located in a 422 answer.
func checkBodyType(t reflect.Type, table *RouteTable, seen map[reflect.Type]bool) error {
	t, ok := structOf(t)
	if !ok || seen[t] {
		return nil
	}
	seen[t] = true
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() && !sf.Anonymous {
			continue
		}
		name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if strings.ContainsAny(name, ".[]") {
			return fmt.Errorf("%s.%s: JSON name %q has one of . [ ], which a 422 location cannot name", t.Name(), sf.Name, name)
		}
		optional := sf.Type.Kind() == reflect.Pointer || strings.Contains(","+opts+",", ",omitempty,") ||
			strings.Contains(","+opts+",", ",omitzero,")
		if _, ok := sf.Tag.Lookup("default"); ok {
			optional = true
		}
		if err := checkRules(sf, optional, table); err != nil {
			return fmt.Errorf("type %s: %w", t.Name(), err)
		}
		if err := checkBodyType(sf.Type, table, seen); err != nil {
			return err
		}
	}
	return nil
}

// checkRules refuses validate rules that the document cannot state, the
// "required" rule (presence follows from the type: see [Route]), elements
// with rules that would not be checked, and rules of an optional field that
// its absence would fail.
func checkRules(sf reflect.StructField, optional bool, table *RouteTable) error {
	tag := sf.Tag.Get("validate")
	if b := sf.Tag.Get("binding"); b != "" {
		return fmt.Errorf("field %s: use validate tags, not binding tags (gin's binding is not used)", sf.Name)
	}
	if p, ok := sf.Tag.Lookup("pattern"); ok {
		if _, err := regexp.Compile(p); err != nil {
			return fmt.Errorf("field %s: pattern %q: %w", sf.Name, p, err)
		}
		if elemKind(sf.Type) != reflect.String {
			return fmt.Errorf("field %s: a pattern is for strings (or slices of strings)", sf.Name)
		}
	}
	if tag != "" {
		for r := range strings.SplitSeq(tag, ",") {
			name, arg, _ := strings.Cut(strings.TrimSpace(r), "=")
			switch {
			case name == "required" || strings.HasPrefix(name, "required_"):
				return fmt.Errorf("field %s: rule %q: a field is required unless it is a pointer, has omitempty or a default (use min=1 for a non-empty value)", sf.Name, name)
			case !slices.Contains(supportedRules, name):
				return fmt.Errorf("field %s: rule %q has no JSON Schema equivalent, so the document could not state it (supported: %s)", sf.Name, name, strings.Join(supportedRules, ", "))
			case name == "max_of" || name == "min_of":
				if _, ok := table.Limit(arg); !ok {
					return fmt.Errorf("field %s: rule %s=%s names no runtime limit (httpmod.AsLimit)", sf.Name, name, arg)
				}
			case name == "oneof" && strings.ContainsAny(arg, `'"`):
				return fmt.Errorf("field %s: rule oneof=%s: quoted values are not supported (the document could not state them)", sf.Name, arg)
			case slices.Contains([]string{"min", "max", "len", "gt", "gte", "lt", "lte"}, name):
				if err := checkBound(sf.Type, name, arg); err != nil {
					return fmt.Errorf("field %s: rule %s=%s: %w", sf.Name, name, arg, err)
				}
			}
		}
	}
	if ek := sf.Type; ek.Kind() == reflect.Slice || ek.Kind() == reflect.Array || ek.Kind() == reflect.Map {
		if hasRules(ek.Elem(), map[reflect.Type]bool{}) && !strings.Contains(","+tag+",", ",dive,") && !strings.HasPrefix(tag, "dive") {
			return fmt.Errorf("field %s: its elements have rules that would not be checked: add validate:\"dive\"", sf.Name)
		}
	}
	return checkAbsence(sf, tag, optional, table)
}

// checkAbsence makes sure that a missing optional field and an empty value
// get the answer the document gives them: a pointer's rules must let nil
// through (omitnil); a non-pointer field cannot tell absence from its zero
// value, so its rules (and pattern) must accept that value when it is
// optional, and omitempty may not exempt a zero value that the document
// refuses.
func checkAbsence(sf reflect.StructField, tag string, optional bool, table *RouteTable) error {
	if sf.Type.Kind() == reflect.Pointer {
		if tag != "" && table.validate.Var(reflect.Zero(sf.Type).Interface(), tag) != nil {
			return fmt.Errorf("field %s: it is optional (a pointer) but its rules %q fail when it is absent: start them with omitnil", sf.Name, tag)
		}
		return nil
	}
	absent := reflect.Zero(sf.Type)
	if d, ok := sf.Tag.Lookup("default"); ok {
		if v, err := parseDefault(sf.Type, d); err == nil {
			absent = v
		}
	}
	stripped := stripRule(tag, "omitempty")
	if stripped != tag && stripped != "" && table.validate.Var(reflect.Zero(sf.Type).Interface(), stripped) != nil {
		return fmt.Errorf("field %s: omitempty would let an empty value through although the document refuses it: make the field a pointer (with omitnil)", sf.Name)
	}
	if optional && tag != "" && table.validate.Var(absent.Interface(), tag) != nil {
		return fmt.Errorf("field %s: it is optional but its rules %q fail when it is absent: make it a pointer (with omitnil) or give it a valid default", sf.Name, tag)
	}
	if p, ok := sf.Tag.Lookup("pattern"); ok && optional && absent.Kind() == reflect.String {
		if re := regexp.MustCompile(p); !re.MatchString(absent.String()) {
			return fmt.Errorf("field %s: it is optional but its pattern refuses the value it has when absent: make it a pointer", sf.Name)
		}
	}
	return nil
}

// stripRule removes rule from a validate tag.
func stripRule(tag, rule string) string {
	parts := strings.Split(tag, ",")
	out := make([]string, 0, len(parts))
	for i, p := range parts {
		if strings.TrimSpace(p) == "dive" {
			out = append(out, parts[i:]...) // element rules stay as they are
			break
		}
		if strings.TrimSpace(p) != rule {
			out = append(out, p)
		}
	}
	return strings.Join(out, ",")
}

// checkBound refuses a size rule's argument that the validator would panic
// on or that no value could meet: a length bound must be a whole number of
// at least 0 (lt at least 1), a numeric bound a number.
func checkBound(t reflect.Type, rule, arg string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String, reflect.Slice, reflect.Array, reflect.Map:
		n, err := strconv.Atoi(arg)
		switch {
		case err != nil || n < 0:
			return errors.New("a length bound is a whole number of at least 0")
		case rule == "lt" && n == 0:
			return errors.New("no length is below 0")
		}
	default:
		if _, err := strconv.ParseFloat(arg, 64); err != nil {
			return errors.New("the bound is not a number")
		}
	}
	return nil
}

func elemKind(t reflect.Type) reflect.Kind {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	return t.Kind()
}

// hasRules reports whether t, or a type reachable from it, has fields with
// validate or pattern tags.
func hasRules(t reflect.Type, seen map[reflect.Type]bool) bool {
	t, ok := structOf(t)
	if !ok || seen[t] {
		return false
	}
	seen[t] = true
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Tag.Get("validate") != "" || hasRules(sf.Type, seen) {
			return true
		}
	}
	return false
}

// collectPatterns records, for t and the struct types reachable from it,
// the fields with a pattern or leading to one.
func collectPatterns(t reflect.Type, out map[reflect.Type][]patternField, seen map[reflect.Type]bool) error {
	t, ok := structOf(t)
	if !ok || seen[t] {
		return nil
	}
	seen[t] = true
	var fields []patternField
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name := locName(sf)
		if p, ok := sf.Tag.Lookup("pattern"); ok {
			re, err := regexp.Compile(p)
			if err != nil {
				return fmt.Errorf("field %s: pattern %q: %w", sf.Name, p, err)
			}
			fields = append(fields, patternField{index: i, name: name, re: re})
			continue
		}
		if err := collectPatterns(sf.Type, out, seen); err != nil {
			return err
		}
		if reaches(sf.Type, out) {
			fields = append(fields, patternField{index: i, name: name})
		}
	}
	if len(fields) > 0 {
		out[t] = fields
	}
	return nil
}

func reaches(t reflect.Type, out map[reflect.Type][]patternField) bool {
	t, ok := structOf(t)
	if !ok {
		return false
	}
	_, ok = out[t]
	return ok
}

// structOf is the struct type that t holds (through pointers, slices,
// arrays and maps), if it is one whose fields the input plan walks.
func structOf(t reflect.Type) (reflect.Type, bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	return t, t.Kind() == reflect.Struct && t != timeType
}

// locName is the name of sf in a 422 location: its parameter or JSON name.
func locName(sf reflect.StructField) string {
	for _, tag := range []string{"path", "query", "header"} {
		if v, ok := sf.Tag.Lookup(tag); ok {
			return v
		}
	}
	// The input's own Body field is never named here: locOf and topLoc
	// put "body" in its place, and a nested field called Body is named by
	// its JSON name like any other.
	if name, _, _ := strings.Cut(sf.Tag.Get("json"), ","); name != "" && name != "-" {
		return name
	}
	return sf.Name
}

// defaultsOf returns a value of struct type t with the `default` tags of
// its fields (and of its non-pointer struct fields) set.
func defaultsOf(t reflect.Type) (reflect.Value, bool, error) {
	v := reflect.New(t).Elem()
	has := false
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		if d, ok := sf.Tag.Lookup("default"); ok {
			dv, err := parseDefault(sf.Type, d)
			if err != nil {
				return reflect.Value{}, false, fmt.Errorf("field %s: %w", sf.Name, err)
			}
			v.Field(i).Set(dv)
			has = true
			continue
		}
		if sf.Type.Kind() == reflect.Struct && sf.Type != timeType {
			nested, ok, err := defaultsOf(sf.Type)
			if err != nil {
				return reflect.Value{}, false, err
			}
			if ok {
				v.Field(i).Set(nested)
				has = true
			}
		}
	}
	return v, has, nil
}

// parseDefault parses a body field's default tag: a string's text as it is,
// anything else as its JSON literal.
func parseDefault(t reflect.Type, d string) (reflect.Value, error) {
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Array, reflect.Interface, reflect.Struct:
		if t != timeType && t != uuidType {
			return reflect.Value{}, fmt.Errorf("a default is for a scalar field, not a %s", t)
		}
	}
	v := reflect.New(t)
	lit := d
	if t.Kind() == reflect.String || t == timeType || t == uuidType {
		b, _ := json.Marshal(d)
		lit = string(b)
	}
	if err := json.Unmarshal([]byte(lit), v.Interface()); err != nil {
		return reflect.Value{}, fmt.Errorf("default %q is not a valid %s", d, t)
	}
	return v.Elem(), nil
}
