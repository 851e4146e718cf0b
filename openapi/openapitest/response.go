package openapitest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/config"
	vErrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/helpers"
	"github.com/pb33f/libopenapi-validator/paths"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/orderedmap"
)

// bodyExcerpt is how much of a response body a failure report shows.
const bodyExcerpt = 512

// ResponseValidator checks responses against an OpenAPI 3.1 document. It is
// safe for concurrent use.
type ResponseValidator struct {
	model *v3.Document
	v     validator.Validator
}

// NewResponseValidator parses doc (the document's JSON) with libopenapi. The
// error says why doc cannot be used: it is not an OpenAPI 3 document, or its
// model cannot be built (an unresolved $ref, ...).
func NewResponseValidator(doc []byte) (*ResponseValidator, error) {
	d, err := libopenapi.NewDocument(doc)
	if err != nil {
		return nil, fmt.Errorf("openapitest: reading the OpenAPI document: %w", err)
	}
	m, err := d.BuildV3Model()
	if err != nil {
		return nil, fmt.Errorf("openapitest: building the OpenAPI model: %w", err)
	}
	// Security is the server's business (401/403), not a schema question:
	// the request checks Conformance makes through this validator leave it
	// out; response checks never look at it.
	v := validator.NewValidatorFromV3Model(&m.Model, config.WithoutSecurityValidation())
	return &ResponseValidator{model: &m.Model, v: v}, nil
}

// Check returns an error describing every way the response differs from the
// document: the operation (method + path template matched against the
// request path) is not documented, the status is not documented (and there
// is no "default"), the Content-Type is not a documented media type, or the
// body does not match the schema of that status and media type. HEAD
// requests are checked against the GET operation's status and headers with
// an empty body allowed.
//
// Documented response headers are checked as well (required ones present,
// values matching their schemas), and a body on a response the document
// describes without content is reported. The body of a HEAD response is
// ignored: net/http discards it.
func (v *ResponseValidator) Check(req *http.Request, status int, header http.Header, body []byte) error {
	problems := v.problems(req, status, header, body)
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("openapitest: %s %s answered %d: %s", req.Method, req.URL.Path, status, strings.Join(problems, "; "))
}

// problems lists the ways the response differs from the document, each on
// one line.
func (v *ResponseValidator) problems(req *http.Request, status int, header http.Header, body []byte) []string {
	if header == nil {
		header = http.Header{}
	}
	head := req.Method == http.MethodHead
	if head {
		body = nil
	}
	resp := &http.Response{
		StatusCode: status,
		Status:     strconv.Itoa(status) + " " + http.StatusText(status),
		Header:     header,
		Body:       http.NoBody,
		Request:    req,
	}
	if len(body) > 0 {
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
	}
	var problems []string
	if ok, errs := v.v.ValidateHttpResponse(req, resp); !ok {
		for _, e := range errs {
			switch {
			case e.ValidationType == helpers.PathValidation:
				problems = append(problems, "the operation is not documented: "+e.Message)
			case e.ValidationSubType == helpers.ResponseBodyResponseCode:
				problems = append(problems, fmt.Sprintf("status %d is not documented (and there is no default response)", status))
			case e.ValidationSubType == helpers.RequestBodyContentType:
				if head && header.Get("Content-Type") == "" {
					continue // HEAD without a body need not say what the body would be
				}
				problems = append(problems, fmt.Sprintf("Content-Type %q is not a documented media type of status %d (documented: %s)",
					header.Get("Content-Type"), status, strings.Join(v.mediaTypes(req, status), ", ")))
			case e.ValidationType == helpers.ResponseBodyValidation && e.ValidationSubType == helpers.Schema && len(e.SchemaValidationErrors) > 0:
				problems = append(problems, "the body does not match the schema: "+describeFailures(e))
			default:
				problems = append(problems, describeError(e))
			}
		}
	}
	if len(body) > 0 {
		if r := v.documentedResponse(req, status); r != nil && orderedmap.Len(r.Content) == 0 {
			problems = append(problems, fmt.Sprintf("status %d is documented without content, but the response has a body of %d bytes (Content-Type %q)",
				status, len(body), header.Get("Content-Type")))
		}
	}
	return problems
}

// documentedResponse is the response object of the document for the
// request's operation and status (exact code, then range, then default), or
// nil.
func (v *ResponseValidator) documentedResponse(req *http.Request, status int) *v3.Response {
	item, errs, _ := paths.FindPath(req, v.model, nil)
	if item == nil || len(errs) > 0 {
		return nil
	}
	op := helpers.ExtractOperation(req, item)
	if op == nil || op.Responses == nil {
		return nil
	}
	if op.Responses.Codes != nil {
		if r := op.Responses.Codes.GetOrZero(strconv.Itoa(status)); r != nil {
			return r
		}
		if r := op.Responses.Codes.GetOrZero(strconv.Itoa(status/100) + "XX"); r != nil {
			return r
		}
	}
	return op.Responses.Default
}

// mediaTypes lists the documented media types of the request's operation
// and status.
func (v *ResponseValidator) mediaTypes(req *http.Request, status int) []string {
	var out []string
	if r := v.documentedResponse(req, status); r != nil {
		for mt := range r.Content.KeysFromOldest() {
			out = append(out, mt)
		}
	}
	if len(out) == 0 {
		return []string{"none"}
	}
	return out
}

// describeError writes one libopenapi-validator error on one line: its
// message, then its schema failures, else its reason.
func describeError(e *vErrors.ValidationError) string {
	if fails := describeFailures(e); fails != "" {
		return e.Message + " (" + fails + ")"
	}
	if e.Reason != "" && !strings.Contains(e.Message, e.Reason) {
		return e.Message + " (" + e.Reason + ")"
	}
	return e.Message
}

// describeFailures writes the schema failures of e as "<field path>:
// <reason>", comma-separated.
func describeFailures(e *vErrors.ValidationError) string {
	var fails []string
	for _, f := range e.SchemaValidationErrors {
		if f == nil {
			continue
		}
		if f.FieldPath != "" && f.FieldPath != "$" {
			fails = append(fails, f.FieldPath+": "+f.Reason)
		} else {
			fails = append(fails, f.Reason)
		}
	}
	return strings.Join(fails, ", ")
}

// report writes a failed check with t.Errorf: the problems, then the first
// bodyExcerpt bytes of the body.
func report(t testing.TB, err error, body []byte) {
	t.Helper()
	excerpt, more := body, ""
	if len(excerpt) > bodyExcerpt {
		excerpt, more = excerpt[:bodyExcerpt], fmt.Sprintf(" … (%d bytes)", len(body))
	}
	t.Errorf("%v\n\tbody: %s%s", err, excerpt, more)
}

// Handler wraps h so that every response it writes is checked; failures are
// reported with t.Errorf (method, path, status, the problems, and the first
// 512 bytes of the body). The response still reaches the client unchanged.
// The headers checked are those at the time of the first WriteHeader or
// Write; a Content-Type the handler leaves unset is sniffed from the body as
// net/http does.
func (v *ResponseValidator) Handler(t testing.TB, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw := &recordingWriter{ResponseWriter: w}
		h.ServeHTTP(rw, r)
		if rw.hijacked {
			return
		}
		if rw.header == nil {
			rw.snapshot(http.StatusOK, nil)
		}
		if err := v.Check(r, rw.status, rw.header, rw.body.Bytes()); err != nil {
			report(t, err, rw.body.Bytes())
		}
	})
}

// recordingWriter passes a response through to the client and keeps a copy.
type recordingWriter struct {
	http.ResponseWriter
	status   int
	header   http.Header // the headers when the status was written
	hijacked bool
	body     bytes.Buffer
}

func (w *recordingWriter) snapshot(status int, firstWrite []byte) {
	w.status = status
	w.header = w.ResponseWriter.Header().Clone()
	if w.header.Get("Content-Type") == "" && len(firstWrite) > 0 && w.header.Get("Content-Encoding") == "" {
		w.header.Set("Content-Type", http.DetectContentType(firstWrite))
	}
}

func (w *recordingWriter) WriteHeader(status int) {
	if w.header == nil && status >= 200 { // 1xx are informational: the final status comes later
		w.snapshot(status, nil)
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	if w.header == nil {
		w.snapshot(http.StatusOK, p)
	}
	w.body.Write(p)
	return w.ResponseWriter.Write(p)
}

// Flush lets streaming handlers flush through the wrapper.
func (w *recordingWriter) Flush() {
	if w.header == nil {
		w.snapshot(http.StatusOK, nil)
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack is passed through; a hijacked connection is not checked.
func (w *recordingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if hj, ok := w.ResponseWriter.(http.Hijacker); ok {
		w.hijacked = true
		return hj.Hijack()
	}
	return nil, nil, errors.New("openapitest: the ResponseWriter does not implement http.Hijacker")
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Transport is the same for an http.Client talking to a real server: every
// response that passes through it is checked (the body is read in full and
// handed on unchanged) and failures are reported with t.Errorf. A nil next
// is http.DefaultTransport.
func (v *ResponseValidator) Transport(t testing.TB, next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return roundTripper(func(req *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(req)
		if err != nil {
			return resp, err
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		if err != nil {
			t.Errorf("openapitest: %s %s: reading the response body: %v", req.Method, req.URL.Path, err)
			return resp, nil
		}
		if err := v.Check(req, resp.StatusCode, resp.Header, body); err != nil {
			report(t, err, body)
		}
		return resp, nil
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
