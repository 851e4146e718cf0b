package httpmod

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"

	"github.com/m8fx/kit/openapi"
)

// ValidationError is the body of every 422 answer, FastAPI's shape: every
// problem of the request in one answer.
//
//	{"detail":[{"type":"string_too_long","loc":["body","name"],"msg":"String should have at most 255 characters","ctx":{"max_length":255}}]}
type ValidationError struct {
	Detail []Problem `json:"detail"`
}

// OpenAPISchema makes ValidationError the document's HTTPValidationError
// component.
func (ValidationError) OpenAPISchema() *openapi.Schema { return openapi.ValidationErrorBody() }

// OpenAPISchema makes ErrorBody the document's HTTPError component.
func (ErrorBody) OpenAPISchema() *openapi.Schema { return openapi.ErrorBody() }

// Problem is one problem of a request.
type Problem struct {
	// Type is the kind of problem in pydantic's vocabulary: missing,
	// string_too_short, string_too_long, string_type, string_pattern_mismatch,
	// int_parsing, int_type, greater_than_equal, less_than_equal, enum,
	// uuid_parsing, json_invalid, model_type, extra_forbidden, ...
	Type string `json:"type"`
	// Loc is where: "body", "query", "path" or "header", then the field
	// name and array indices.
	Loc []any `json:"loc"`
	// Msg is a message for humans; it never repeats the input.
	Msg string `json:"msg"`
	// Ctx is the limit that was not met, e.g. {"max_length": 255}.
	Ctx map[string]any `json:"ctx,omitempty"`
}

// newValidator returns the app's validator: go-playground/validator with
// JSON and parameter names in its namespaces and the runtime-limit rules
// max_of and min_of.
func newValidator(limits map[string]int64) *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(sf reflect.StructField) string {
		name := locName(sf)
		if name == "-" {
			return ""
		}
		return name
	})
	limitRule := func(max bool) validator.Func {
		return func(fl validator.FieldLevel) bool {
			n, ok := limits[fl.Param()]
			if !ok {
				return false
			}
			var got float64
			f := fl.Field()
			switch f.Kind() {
			case reflect.String:
				got = float64(utf8.RuneCountInString(f.String()))
			case reflect.Slice, reflect.Map, reflect.Array:
				got = float64(f.Len())
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				got = float64(f.Int())
			case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
				got = float64(f.Uint())
			case reflect.Float32, reflect.Float64:
				got = f.Float()
			default:
				return false
			}
			if max {
				return got <= float64(n)
			}
			return got >= float64(n)
		}
	}
	// The names are fixed and valid: registration cannot fail.
	_ = v.RegisterValidation("max_of", limitRule(true))
	_ = v.RegisterValidation("min_of", limitRule(false))
	return v
}

// ruleProblems turns the validator's errors on the input into problems,
// leaving out the fields in skip (their values did not parse).
func (p *inputPlan) ruleProblems(err error, limits map[string]int64, skip func(loc []any) bool, out []Problem) []Problem {
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return append(out, Problem{Type: "value_error", Loc: []any{}, Msg: "Value error, the input could not be validated"})
	}
	for _, fe := range ves {
		loc := p.locOf(fe)
		if skip(loc) {
			continue
		}
		out = append(out, problemOf(fe, loc, limits))
	}
	return out
}

// locOf is the 422 location of a validator error.
func (p *inputPlan) locOf(fe validator.FieldError) []any {
	// StructNamespace: In.Limit or In.Body.Tags[0]; Namespace: the same with
	// the names of the tag name function.
	_, goPath, _ := strings.Cut(fe.StructNamespace(), ".")
	top, _, _ := strings.Cut(goPath, ".")
	top, _, _ = strings.Cut(top, "[")
	if pp, ok := p.byField[top]; ok {
		loc := pp.loc()
		if _, idx, ok := strings.Cut(fe.Namespace(), "["); ok {
			if n, err := strconv.Atoi(strings.TrimSuffix(idx, "]")); err == nil {
				loc = append(loc, n)
			}
		}
		return loc
	}
	_, rest, _ := strings.Cut(fe.Namespace(), ".")
	_, rest, _ = strings.Cut(rest, ".") // drop "body"
	loc := []any{"body"}
	if rest == "" {
		return loc
	}
	for seg := range strings.SplitSeq(rest, ".") {
		for seg != "" {
			open := strings.IndexByte(seg, '[')
			if open < 0 {
				loc = append(loc, seg)
				break
			}
			if open > 0 {
				loc = append(loc, seg[:open])
			}
			end := strings.IndexByte(seg[open:], ']')
			if end < 0 {
				loc = append(loc, seg[open:])
				break
			}
			key := seg[open+1 : open+end]
			if n, err := strconv.Atoi(key); err == nil {
				loc = append(loc, n)
			} else {
				loc = append(loc, key)
			}
			seg = seg[open+end+1:]
		}
	}
	return loc
}

// problemOf maps one validator error to pydantic's vocabulary.
func problemOf(fe validator.FieldError, loc []any, limits map[string]int64) Problem {
	tag, param := fe.Tag(), fe.Param()
	if tag == "max_of" || tag == "min_of" {
		param = strconv.FormatInt(limits[param], 10)
		tag = strings.TrimSuffix(tag, "_of")
	}
	kind := fe.Kind()
	isString := kind == reflect.String
	isList := kind == reflect.Slice || kind == reflect.Array || kind == reflect.Map
	n, _ := strconv.ParseFloat(param, 64)
	size := int(n)
	switch tag {
	case "len":
		tooShort := true
		if v := reflect.ValueOf(fe.Value()); v.IsValid() {
			switch {
			case isString:
				tooShort = utf8.RuneCountInString(v.String()) < size
			case isList:
				tooShort = v.Len() < size
			}
		}
		if tooShort {
			tag = "min"
		} else {
			tag = "max"
		}
	case "gt":
		if isString || isList {
			tag, size = "min", size+1
		}
	case "lt":
		if isString || isList {
			tag, size = "max", size-1
		}
	}
	switch tag {
	case "min", "gte":
		switch {
		case isString:
			return Problem{Type: "string_too_short", Loc: loc, Msg: "String should have at least " + count(size, "character"), Ctx: map[string]any{"min_length": size}}
		case isList:
			return Problem{Type: "too_short", Loc: loc, Msg: "List should have at least " + count(size, "item"), Ctx: map[string]any{"min_length": size}}
		}
		return Problem{Type: "greater_than_equal", Loc: loc, Msg: "Input should be greater than or equal to " + param, Ctx: map[string]any{"ge": number(param)}}
	case "max", "lte":
		switch {
		case isString:
			return Problem{Type: "string_too_long", Loc: loc, Msg: "String should have at most " + count(size, "character"), Ctx: map[string]any{"max_length": size}}
		case isList:
			return Problem{Type: "too_long", Loc: loc, Msg: "List should have at most " + count(size, "item"), Ctx: map[string]any{"max_length": size}}
		}
		return Problem{Type: "less_than_equal", Loc: loc, Msg: "Input should be less than or equal to " + param, Ctx: map[string]any{"le": number(param)}}
	case "gt":
		return Problem{Type: "greater_than", Loc: loc, Msg: "Input should be greater than " + param, Ctx: map[string]any{"gt": number(param)}}
	case "lt":
		return Problem{Type: "less_than", Loc: loc, Msg: "Input should be less than " + param, Ctx: map[string]any{"lt": number(param)}}
	case "oneof":
		expected := quoteList(strings.Fields(param))
		return Problem{Type: "enum", Loc: loc, Msg: "Input should be " + expected, Ctx: map[string]any{"expected": expected}}
	case "email":
		return Problem{Type: "value_error", Loc: loc, Msg: "value is not a valid email address"}
	case "uuid", "uuid4", "uuid_rfc4122", "uuid4_rfc4122":
		return Problem{Type: "uuid_parsing", Loc: loc, Msg: "Input should be a valid UUID"}
	case "url", "uri", "http_url":
		return Problem{Type: "url_parsing", Loc: loc, Msg: "Input should be a valid URL"}
	}
	return Problem{Type: "value_error", Loc: loc, Msg: "Value error, the " + tag + " rule is not met"}
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// number is a rule's parameter as a JSON number.
func number(s string) any {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f
	}
	return s
}

// quoteList writes 'a', 'b' or 'c' (pydantic's enum message).
func quoteList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = "'" + v + "'"
	}
	if len(q) <= 1 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// patternProblems checks the pattern fields of v (a struct value) and
// appends the mismatches.
func (p *inputPlan) patternProblems(v reflect.Value, loc []any, out []Problem) []Problem {
	fields, ok := p.patterns[v.Type()]
	if !ok {
		return out
	}
	for _, pf := range fields {
		fv := v.Field(pf.index)
		floc := append(append([]any(nil), loc...), pf.name)
		if v.Type() == p.typ {
			floc = p.topLoc(pf)
		}
		out = p.walkPattern(fv, pf, floc, out)
	}
	return out
}

// topLoc is the location of a top-level field of the input.
func (p *inputPlan) topLoc(pf patternField) []any {
	name := p.typ.Field(pf.index).Name
	if pp, ok := p.byField[name]; ok {
		return pp.loc()
	}
	return []any{"body"}
}

func (p *inputPlan) walkPattern(fv reflect.Value, pf patternField, loc []any, out []Problem) []Problem {
	switch fv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if fv.IsNil() {
			return out
		}
		return p.walkPattern(fv.Elem(), pf, loc, out)
	case reflect.Slice, reflect.Array:
		for i := range fv.Len() {
			out = p.walkPattern(fv.Index(i), pf, append(append([]any(nil), loc...), i), out)
		}
		return out
	case reflect.Map:
		iter := fv.MapRange()
		for iter.Next() {
			out = p.walkPattern(iter.Value(), pf, append(append([]any(nil), loc...), iter.Key().String()), out)
		}
		return out
	case reflect.String:
		if pf.re != nil && !pf.re.MatchString(fv.String()) {
			out = append(out, Problem{Type: "string_pattern_mismatch", Loc: loc, Msg: "String should match pattern '" + pf.re.String() + "'", Ctx: map[string]any{"pattern": pf.re.String()}})
		}
		return out
	case reflect.Struct:
		return p.patternProblems(fv, loc, out)
	}
	return out
}
