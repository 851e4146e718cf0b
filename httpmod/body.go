package httpmod

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/internal/jsonbody"
)

// The answers to a body that is not read at all.
const (
	detailBodyTooLarge     = "Request body too large"
	detailUnsupportedMedia = "Unsupported media type: the request body must be application/json"
)

// errBodyTooLarge and errUnsupportedMedia stop binding before any problem is
// collected (new values each time: the kit keeps no mutable package state).
func errBodyTooLarge() error { return Error(http.StatusRequestEntityTooLarge, detailBodyTooLarge) }

func errUnsupportedMedia() error {
	return Error(http.StatusUnsupportedMediaType, detailUnsupportedMedia)
}

// bindBody reads, checks and decodes the JSON body into in's Body field. A
// body too large or of another media type is an error (413, 415); anything
// else wrong with it is a problem (422).
func (p *inputPlan) bindBody(c *gin.Context, in reflect.Value, limit int64, rejectUnknown bool, problems []Problem) ([]Problem, error) {
	bp := p.body
	data, err := readBody(c.Request, limit)
	if err != nil {
		return problems, err
	}
	if len(data) == 0 {
		if !bp.ptr {
			problems = append(problems, Problem{Type: "missing", Loc: []any{"body"}, Msg: "Field required"})
		}
		return problems, nil
	}
	if !jsonMediaType(c.GetHeader("Content-Type")) {
		return problems, errUnsupportedMedia()
	}
	if found := jsonbody.Check(data, bp.node, jsonbody.Options{RejectUnknown: rejectUnknown}); len(found) > 0 {
		for _, f := range found {
			problems = append(problems, Problem{Type: f.Type, Loc: append([]any{"body"}, f.Loc...), Msg: f.Msg, Ctx: f.Ctx})
		}
		return problems, nil
	}
	target := in.Field(bp.field)
	if bp.ptr {
		target.Set(reflect.New(bp.elem))
		target = target.Elem()
	}
	if bp.defaults.IsValid() {
		target.Set(bp.defaults)
	}
	if err := json.Unmarshal(data, target.Addr().Interface()); err != nil {
		// The checker accepted what the decoder refuses: a custom
		// UnmarshalJSON said no. Report it without echoing the input.
		problems = append(problems, Problem{Type: "value_error", Loc: []any{"body"}, Msg: "Value error, the body could not be decoded"})
	}
	return problems, nil
}

// readBody reads at most limit bytes of the request body.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if r.ContentLength > limit {
		return nil, errBodyTooLarge()
	}
	var data []byte
	var err error
	if r.ContentLength > 0 {
		data = make([]byte, r.ContentLength)
		_, err = io.ReadFull(r.Body, data)
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, Error(http.StatusBadRequest, "The request body is shorter than its Content-Length")
		}
	} else {
		data, err = io.ReadAll(io.LimitReader(r.Body, limit+1))
		if err == nil && int64(len(data)) > limit {
			return nil, errBodyTooLarge()
		}
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, errBodyTooLarge()
		}
		return nil, Error(http.StatusBadRequest, "The request body could not be read")
	}
	return data, nil
}

// jsonMediaType reports whether a Content-Type is application/json, with
// no parameter but charset=utf-8.
func jsonMediaType(ct string) bool {
	if ct == "application/json" {
		return true
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return false
	}
	for k, v := range params {
		if k != "charset" || !strings.EqualFold(v, "utf-8") {
			return false
		}
	}
	return true
}
