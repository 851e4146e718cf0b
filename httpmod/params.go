package httpmod

import (
	"fmt"
	"math"
	"net/textproto"
	"reflect"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
)

// scalarParser parses one parameter value; on failure it returns the
// problem type (pydantic's vocabulary) and an invalid value.
type scalarParser func(s string) (reflect.Value, string)

// parserFor returns the parser of parameter values of type t.
func parserFor(t reflect.Type) (scalarParser, error) {
	switch {
	case t == timeType:
		return func(s string) (reflect.Value, string) {
			v, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return reflect.Value{}, "datetime_parsing"
			}
			return reflect.ValueOf(v), ""
		}, nil
	case t == uuidType:
		return func(s string) (reflect.Value, string) {
			if len(s) != 36 {
				return reflect.Value{}, "uuid_parsing"
			}
			v, err := uuid.Parse(s)
			if err != nil {
				return reflect.Value{}, "uuid_parsing"
			}
			return reflect.ValueOf(v), ""
		}, nil
	case reflect.PointerTo(t).Implements(textUnmarshalerType) && t.Kind() != reflect.String:
		return func(s string) (reflect.Value, string) {
			v := reflect.New(t)
			if err := v.Interface().(interface{ UnmarshalText([]byte) error }).UnmarshalText([]byte(s)); err != nil {
				return reflect.Value{}, "value_error"
			}
			return v.Elem(), ""
		}, nil
	}
	switch t.Kind() {
	case reflect.String:
		return func(s string) (reflect.Value, string) { return reflect.ValueOf(s).Convert(t), "" }, nil
	case reflect.Bool:
		return func(s string) (reflect.Value, string) {
			b, err := strconv.ParseBool(s)
			if err != nil {
				return reflect.Value{}, "bool_parsing"
			}
			return reflect.ValueOf(b).Convert(t), ""
		}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		bits := t.Bits()
		return func(s string) (reflect.Value, string) {
			n, err := strconv.ParseInt(s, 10, bits)
			if err != nil {
				return reflect.Value{}, intProblem(err)
			}
			v := reflect.New(t).Elem()
			v.SetInt(n)
			return v, ""
		}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		bits := t.Bits()
		return func(s string) (reflect.Value, string) {
			n, err := strconv.ParseUint(s, 10, bits)
			if err != nil {
				return reflect.Value{}, intProblem(err)
			}
			v := reflect.New(t).Elem()
			v.SetUint(n)
			return v, ""
		}, nil
	case reflect.Float32, reflect.Float64:
		bits := t.Bits()
		return func(s string) (reflect.Value, string) {
			f, err := strconv.ParseFloat(s, bits)
			if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
				return reflect.Value{}, "float_parsing"
			}
			v := reflect.New(t).Elem()
			v.SetFloat(f)
			return v, ""
		}, nil
	}
	return nil, fmt.Errorf("parameters of type %s are not supported (string, bool, integers, floats, uuid.UUID, time.Time, encoding.TextUnmarshaler)", t)
}

func intProblem(err error) string {
	if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
		return "int_parsing_size"
	}
	return "int_parsing"
}

// bindParams sets the parameters of in (a pointer to the input struct) from
// the request and returns the problems.
func (p *inputPlan) bindParams(c *gin.Context, in reflect.Value, problems []Problem) []Problem {
	var query map[string][]string
	for i := range p.params {
		pp := &p.params[i]
		var values []string
		switch pp.in {
		case "path":
			if v, ok := c.Params.Get(pp.name); ok {
				values = []string{v}
			}
		case "query":
			if query == nil {
				query = c.Request.URL.Query()
			}
			values = query[pp.name]
		case "header":
			values = c.Request.Header[textproto.CanonicalMIMEHeaderKey(pp.name)]
		}
		f := in.Field(pp.field)
		switch {
		case len(values) == 0:
			switch {
			case pp.dflt.IsValid():
				f.Set(pp.dflt)
			case pp.required:
				problems = append(problems, Problem{Type: "missing", Loc: pp.loc(), Msg: "Field required"})
			}
		case pp.slice:
			s := reflect.MakeSlice(f.Type(), 0, len(values))
			for j, raw := range values {
				v, kind := pp.parse(raw)
				if kind != "" {
					problems = append(problems, parseProblem(kind, []any{pp.in, pp.name, j}))
					continue
				}
				s = reflect.Append(s, v)
			}
			f.Set(s)
		case len(values) > 1:
			problems = append(problems, Problem{Type: "value_error", Loc: pp.loc(), Msg: "Expected one value, got " + strconv.Itoa(len(values))})
		default:
			v, kind := pp.parse(values[0])
			if kind != "" {
				problems = append(problems, parseProblem(kind, pp.loc()))
				continue
			}
			if pp.ptr {
				ptr := reflect.New(pp.scalar)
				ptr.Elem().Set(v)
				f.Set(ptr)
			} else {
				f.Set(v)
			}
		}
	}
	return problems
}

// parseProblem is the problem of a parameter value that does not parse.
func parseProblem(kind string, loc []any) Problem {
	var msg string
	switch kind {
	case "datetime_parsing":
		msg = "Input should be a valid datetime (RFC 3339)"
	case "uuid_parsing":
		msg = "Input should be a valid UUID"
	case "bool_parsing":
		msg = "Input should be a valid boolean, unable to interpret input"
	case "int_parsing":
		msg = "Input should be a valid integer, unable to parse string as an integer"
	case "int_parsing_size":
		msg = "Input should be a valid integer, the number is out of range"
	case "float_parsing":
		msg = "Input should be a valid number, unable to parse string as a number"
	default:
		msg = "Value error, the value could not be parsed"
	}
	return Problem{Type: kind, Loc: loc, Msg: msg}
}
