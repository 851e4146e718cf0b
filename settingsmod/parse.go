package settingsmod

import (
	"encoding"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
)

// envKeys returns the env key of every field of dst, in declaration order.
func envKeys(dst any, environment map[string]string) ([]string, error) {
	params, err := env.GetFieldParamsWithOptions(dst, env.Options{Environment: environment})
	if err != nil {
		return nil, fmt.Errorf("read env tags of %T: %w", dst, err)
	}
	keys := make([]string, 0, len(params))
	for _, p := range params {
		keys = append(keys, p.Key)
	}
	return keys, nil
}

// parseInto fills dst from environment with caarlos0/env. Values that do not
// parse become Problems naming their env key; any other failure (dst not a
// struct pointer) is returned as an error. A Problem never shows the value.
func parseInto(dst any, environment map[string]string) (problems, error) {
	err := env.ParseWithOptions(dst, env.Options{Environment: environment})
	if err == nil {
		return nil, nil
	}
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return nil, fmt.Errorf("parse %T: %w", dst, err)
	}
	fields := indexFields(reflect.TypeOf(dst))
	var ps problems
	for _, e := range agg.Errors {
		p, ok := fields.problemFor(e, environment)
		if !ok {
			return nil, fmt.Errorf("parse %T: %w", dst, e)
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// problemFor turns one error of the env parser into a Problem.
func (f fieldIndex) problemFor(err error, environment map[string]string) (Problem, bool) {
	var (
		parseErr    env.ParseError
		notSet      env.VarIsNotSetError
		empty       env.EmptyVarError
		fileErr     env.LoadFileContentError
		noParserErr env.NoParserError
	)
	switch {
	case errors.As(err, &parseErr):
		return Problem{f.keyOf(parseErr.Name, parseErr.Type, environment), parseMessage(parseErr.Type, parseErr.Err)}, true
	case errors.As(err, &notSet):
		return Problem{notSet.Key, "is required"}, true
	case errors.As(err, &empty):
		return Problem{empty.Key, "must not be empty"}, true
	case errors.As(err, &fileErr):
		return Problem{fileErr.Key, fmt.Sprintf("cannot read the file it names: %v", fileErr.Err)}, true
	case errors.As(err, &noParserErr):
		return Problem{f.keyOf(noParserErr.Name, noParserErr.Type, environment),
			fmt.Sprintf("has a Go type the loader cannot parse (%s)", noParserErr.Type)}, true
	}
	return Problem{}, false
}

var (
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	durationType        = reflect.TypeFor[time.Duration]()
	urlType             = reflect.TypeFor[url.URL]()
	locationType        = reflect.TypeFor[time.Location]()
)

// parseMessage says what a field of type t expects. It never includes the
// value; only a type's own UnmarshalText error is passed on.
func parseMessage(t reflect.Type, err error) string {
	if t.Kind() == reflect.Slice {
		return "each comma-separated item " + valueMessage(t.Elem(), err)
	}
	if t.Kind() == reflect.Map {
		return "must be a comma-separated list of key:value pairs of the right types"
	}
	return valueMessage(t, err)
}

// valueMessage describes what one value of type t must be.
func valueMessage(t reflect.Type, err error) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case durationType:
		return `must be a duration such as "30s" or "1m30s"`
	case urlType:
		return "must be a valid URL"
	case locationType:
		return `must be a time zone name such as "UTC" or "Europe/Paris"`
	}
	if reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return fmt.Sprintf("is not a valid %s: %v", t, err)
	}
	switch t.Kind() {
	case reflect.Bool:
		return "must be true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "must be an integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "must be a non-negative integer"
	case reflect.Float32, reflect.Float64:
		return "must be a number"
	}
	return fmt.Sprintf("is not a valid %s", t)
}

// field is one env-tagged field found by indexFields.
type field struct {
	typ reflect.Type
	key string
}

// fieldIndex maps Go field names to the env-tagged fields of that name. The
// env parser reports errors by Go field name; this recovers the env key.
type fieldIndex map[string][]field

// indexFields walks t (a pointer to a struct) the way the env parser does:
// exported fields, into nested and embedded structs, adding `envPrefix`.
func indexFields(t reflect.Type) fieldIndex {
	idx := fieldIndex{}
	idx.walk(t, "", map[reflect.Type]bool{})
	return idx
}

func (f fieldIndex) walk(t reflect.Type, prefix string, onPath map[reflect.Type]bool) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || onPath[t] {
		return
	}
	onPath[t] = true
	defer delete(onPath, t)
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		if key, _, _ := strings.Cut(sf.Tag.Get("env"), ","); key != "" && key != "-" {
			f[sf.Name] = append(f[sf.Name], field{typ: sf.Type, key: prefix + key})
		}
		f.walk(sf.Type, prefix+sf.Tag.Get("envPrefix"), onPath)
	}
}

// keyOf returns the env key of the field named name with type t. Should
// nested structs reuse a field name and type, the candidates holding a value
// are named together.
func (f fieldIndex) keyOf(name string, t reflect.Type, environment map[string]string) string {
	var all, set []string
	for _, c := range f[name] {
		if c.typ != t {
			continue
		}
		all = append(all, c.key)
		if environment[c.key] != "" {
			set = append(set, c.key)
		}
	}
	switch {
	case len(set) > 0:
		return strings.Join(set, " or ")
	case len(all) > 0:
		return strings.Join(all, " or ")
	}
	return name // not reachable for fields the parser reports
}
