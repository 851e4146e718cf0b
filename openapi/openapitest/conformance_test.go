package openapitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// thingsDoc is the document of the fixture service: a guarded POST
// /things/ and a public GET /things/{id}, in the kit's conventions.
const thingsDoc = `{
  "openapi": "3.1.0",
  "info": {"title": "Things", "version": "1.0.0"},
  "paths": {
    "/things/": {
      "post": {
        "summary": "Create a thing",
        "security": [{"bearerAuth": []}],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingCreate"}}}},
        "responses": {
          "201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
          "401": {"description": "Unauthorized",
                  "headers": {"WWW-Authenticate": {"required": true, "schema": {"type": "string"}}},
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
          "403": {"description": "Forbidden", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
          "422": {"description": "Validation Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}}
        }
      }
    },
    "/things/{id}": {
      "get": {
        "summary": "Read a thing",
        "security": [],
        "parameters": [
          {"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}},
          {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}}
        ],
        "responses": {
          "200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
          "404": {"description": "Not Found", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
          "422": {"description": "Validation Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}}
        }
      }
    },
    "/info": {
      "get": {"security": [], "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}}}
    }
  },
  "components": {
    "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
    "schemas": {
      "ThingCreate": {
        "type": "object",
        "required": ["name"],
        "properties": {
          "name": {"type": "string", "minLength": 1, "maxLength": 10},
          "size": {"type": "integer", "minimum": 1, "maximum": 5},
          "color": {"type": "string", "enum": ["red", "green"]},
          "tags": {"type": "array", "maxItems": 2, "items": {"type": "string", "maxLength": 5}}
        }
      },
      "Thing": {
        "type": "object",
        "required": ["id", "name"],
        "properties": {
          "id": {"type": "integer"},
          "name": {"type": "string"},
          "size": {"type": ["integer", "null"]},
          "color": {"type": ["string", "null"]},
          "tags": {"type": "array", "items": {"type": "string"}}
        }
      },
      "HTTPError": {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}}},
      "ValidationProblem": {
        "type": "object",
        "required": ["type", "loc", "msg"],
        "properties": {
          "type": {"type": "string"},
          "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
          "msg": {"type": "string"},
          "ctx": {"type": "object"}
        }
      },
      "HTTPValidationError": {
        "type": "object",
        "required": ["detail"],
        "properties": {"detail": {"type": "array", "items": {"$ref": "#/components/schemas/ValidationProblem"}}}
      }
    }
  }
}`

// fixtureToken is the bearer token the fixture's POST /things/ wants.
const fixtureToken = "Bearer writer"

// fixture is the things service, written by hand with net/http; its zero
// value implements the document exactly, each field is a bug.
type fixture struct {
	nameMax         int  // the longest name accepted, in characters (0: 10)
	nameBytes       bool // count the name's length in bytes
	sizeUnchecked   bool // no maximum for size
	badLimitStatus  int  // the status of an invalid limit (0: 422)
	undocumentedGet bool // GET answers 200 with a body that lacks "name"

	mu       sync.Mutex
	requests int
	ids      []string // the ids GET was asked for
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// problem is one entry of the kit's 422 body.
type problem struct {
	Type string         `json:"type"`
	Loc  []any          `json:"loc"`
	Msg  string         `json:"msg"`
	Ctx  map[string]any `json:"ctx,omitempty"`
}

func refuse(w http.ResponseWriter, status int, problems ...problem) {
	writeJSON(w, status, map[string]any{"detail": problems})
}

func (f *fixture) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /things/", f.create)
	mux.HandleFunc("GET /things/{id}", f.read)
	mux.HandleFunc("GET /info", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, map[string]any{}) })
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests++
		f.mu.Unlock()
		mux.ServeHTTP(w, r)
	})
}

func (f *fixture) create(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != fixtureToken {
		w.Header().Set("WWW-Authenticate", "Bearer")
		writeJSON(w, http.StatusUnauthorized, map[string]string{"detail": "Not authenticated"})
		return
	}
	dec := json.NewDecoder(r.Body)
	dec.UseNumber()
	var body any
	if err := dec.Decode(&body); err != nil {
		refuse(w, 422, problem{Type: "json_invalid", Loc: []any{"body"}, Msg: err.Error()})
		return
	}
	obj, ok := body.(map[string]any)
	if !ok {
		refuse(w, 422, problem{Type: "model_attributes_type", Loc: []any{"body"}, Msg: "Input should be an object"})
		return
	}
	var problems []problem
	bad := func(typ, field, msg string, ctx map[string]any) {
		problems = append(problems, problem{Type: typ, Loc: []any{"body", field}, Msg: msg, Ctx: ctx})
	}
	nameMax := f.nameMax
	if nameMax == 0 {
		nameMax = 10
	}
	name, isString := obj["name"].(string)
	switch {
	case obj["name"] == nil:
		bad("missing", "name", "Field required", nil)
	case !isString:
		bad("string_type", "name", "Input should be a valid string", nil)
	default:
		n := utf8.RuneCountInString(name)
		if f.nameBytes {
			n = len(name)
		}
		if n < 1 {
			bad("string_too_short", "name", "String should have at least 1 character", map[string]any{"min_length": 1})
		}
		if n > nameMax {
			bad("string_too_long", "name", "String should have at most 10 characters", map[string]any{"max_length": 10})
		}
	}
	if v, present := obj["size"]; present {
		n, isNum := v.(json.Number)
		size, err := strconv.ParseInt(n.String(), 10, 64)
		switch {
		case !isNum || err != nil:
			bad("int_type", "size", "Input should be a valid integer", nil)
		case size < 1:
			bad("greater_than_equal", "size", "Input should be greater than or equal to 1", map[string]any{"ge": 1})
		case size > 5 && !f.sizeUnchecked:
			bad("less_than_equal", "size", "Input should be less than or equal to 5", map[string]any{"le": 5})
		}
	}
	if v, present := obj["color"]; present && v != "red" && v != "green" {
		bad("enum", "color", "Input should be 'red' or 'green'", nil)
	}
	if v, present := obj["tags"]; present {
		tags, isArray := v.([]any)
		if !isArray {
			bad("list_type", "tags", "Input should be a valid list", nil)
		} else if len(tags) > 2 {
			bad("too_long", "tags", "List should have at most 2 items", map[string]any{"max_length": 2})
		}
		for i, tag := range tags {
			if s, ok := tag.(string); !ok || utf8.RuneCountInString(s) > 5 {
				problems = append(problems, problem{Type: "string_too_long", Loc: []any{"body", "tags", i}, Msg: "String should be a string of at most 5 characters"})
			}
		}
	}
	if len(problems) > 0 {
		refuse(w, 422, problems...)
		return
	}
	obj["id"] = 1
	writeJSON(w, http.StatusCreated, obj)
}

func (f *fixture) read(w http.ResponseWriter, r *http.Request) {
	var problems []problem
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		problems = append(problems, problem{Type: "int_parsing", Loc: []any{"path", "id"}, Msg: "Input should be a valid integer of at least 1"})
	}
	limitStatus := 422
	if q := r.URL.Query(); q.Has("limit") {
		limit, err := strconv.ParseInt(q.Get("limit"), 10, 64)
		if err != nil || limit < 1 || limit > 100 {
			problems = append(problems, problem{Type: "int_parsing", Loc: []any{"query", "limit"}, Msg: "Input should be a valid integer from 1 to 100"})
			if f.badLimitStatus != 0 {
				limitStatus = f.badLimitStatus
			}
		}
	}
	if len(problems) > 0 {
		refuse(w, limitStatus, problems...)
		return
	}
	f.mu.Lock()
	f.ids = append(f.ids, r.PathValue("id"))
	f.mu.Unlock()
	switch {
	case f.undocumentedGet:
		writeJSON(w, http.StatusOK, map[string]any{"id": id})
	case id == 7:
		writeJSON(w, http.StatusOK, map[string]any{"id": 7, "name": "seven", "size": nil})
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"detail": "Thing not found"})
	}
}

// recorder is a testing.TB that keeps what Errorf reports instead of
// failing the test.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) text() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.errors, "\n")
}

func writerHeader(method, path string) http.Header {
	if method == http.MethodPost {
		return http.Header{"Authorization": {fixtureToken}}
	}
	return nil
}

func TestConformancePassesOnACorrectServer(t *testing.T) {
	f := &fixture{}
	Conformance(t, f.handler(), []byte(thingsDoc), ConformanceOptions{Header: writerHeader})
	t.Logf("%d requests", f.requests)
	if f.requests == 0 || f.requests > 2*maxRequests {
		t.Errorf("%d requests for 2 operations", f.requests)
	}
}

func TestConformanceUsesPathValues(t *testing.T) {
	f := &fixture{}
	Conformance(t, f.handler(), []byte(thingsDoc), ConformanceOptions{
		Header: writerHeader,
		PathValues: func(method, path, param string) string {
			if method != "GET" || path != "/things/{id}" || param != "id" {
				t.Errorf("PathValues(%q, %q, %q)", method, path, param)
			}
			return "7"
		},
	})
	if len(f.ids) == 0 || f.ids[0] != "7" {
		t.Errorf("GET was asked for %v, want 7 first (the baseline)", f.ids)
	}
}

func TestConformanceFailsOnAWrongServer(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    *fixture
		want []string // each a part of one reported line
	}{
		{"accepts 11 characters", &fixture{nameMax: 11}, []string{
			"openapitest: POST /things/ body.name: string of 11 characters (maxLength 10): document refuses, server accepted (201)",
		}},
		{"refuses 10 characters", &fixture{nameMax: 9}, []string{
			"openapitest: POST /things/ body.name: string of 10 characters (maxLength 10): document accepts, server refused (422)",
		}},
		{"counts bytes", &fixture{nameBytes: true}, []string{
			`openapitest: POST /things/ body.name: string of 10 characters ending in "é" (maxLength 10): document accepts, server refused (422)`,
		}},
		{"does not check the size maximum", &fixture{sizeUnchecked: true}, []string{
			"openapitest: POST /things/ body.size: 6 (maximum 5): document refuses, server accepted (201)",
		}},
		{"answers 400 for a bad limit", &fixture{badLimitStatus: 400}, []string{
			"openapitest: GET /things/{id} query.limit: 0 (minimum 1): document refuses, server answered 400, not 422",
			"openapitest: GET /things/{id} query.limit: 101 (maximum 100): document refuses, server answered 400, not 422",
			`openapitest: GET /things/{id} query.limit: "abc" (type integer): document refuses, server answered 400, not 422`,
			// 400 is not a documented status either
			"openapitest: GET /things/{id} query.limit: 0 (minimum 1): the 400 response does not match the document",
		}},
		{"answers an undocumented body", &fixture{undocumentedGet: true}, []string{
			"openapitest: GET /things/{id} baseline request: the 200 response does not match the document",
			"missing property 'name'",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			Conformance(rec, tc.f.handler(), []byte(thingsDoc), ConformanceOptions{Header: writerHeader})
			got := rec.text()
			if got == "" {
				t.Fatal("Conformance passed a wrong server")
			}
			t.Logf("the reports:\n%s", got)
			for _, want := range tc.want {
				if !strings.Contains(got, want) {
					t.Errorf("no report contains\n\t%s\ngot:\n%s", want, got)
				}
			}
			for _, line := range rec.errors {
				if strings.Contains(line, "\n") {
					t.Errorf("a report of more than one line: %q", line)
				}
			}
		})
	}
}

func TestConformanceReportsAWrongHeaderOption(t *testing.T) {
	rec := &recorder{TB: t}
	f := &fixture{}
	Conformance(rec, f.handler(), []byte(thingsDoc), ConformanceOptions{})
	got := rec.text()
	want := "openapitest: POST /things/ baseline request: the server answered 401: the helper's setup is wrong, not the server: ConformanceOptions.Header"
	if !strings.Contains(got, want) || len(rec.errors) != 1 {
		t.Errorf("want one report with\n\t%s\ngot:\n%s", want, got)
	}
}

func TestConformanceSkip(t *testing.T) {
	f := &fixture{}
	var asked []string
	Conformance(t, f.handler(), []byte(thingsDoc), ConformanceOptions{Skip: func(method, path string) bool {
		asked = append(asked, method+" "+path)
		return true
	}})
	if f.requests != 0 {
		t.Errorf("%d requests with every operation skipped", f.requests)
	}
	if strings.Join(asked, ",") != "POST /things/,GET /things/{id}" {
		t.Errorf("Skip was asked about %v (operations without parameters or body are not run)", asked)
	}
}

func TestConformanceReportsAnUnusableDocument(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"not JSON", `{`, "openapitest:"},
		{"no valid request", `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a":{"post":{
			"requestBody":{"required":true,"content":{"application/json":{"schema":{"type":"string","minLength":3,"maxLength":2}}}},
			"responses":{"200":{"description":"ok"}}}}}}`,
			"openapitest: POST /a baseline request: cannot derive a request the document accepts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			Conformance(rec, http.NotFoundHandler(), []byte(tc.doc), ConformanceOptions{})
			if got := rec.text(); !strings.Contains(got, tc.want) {
				t.Errorf("want %q, got:\n%s", tc.want, got)
			}
		})
	}
}

func TestConformanceCapsRequestsAndReports(t *testing.T) {
	// 40 string properties: far more variants than one operation may send,
	// to a server that refuses exactly what the document accepts.
	var props, required []string
	for i := range 40 {
		props = append(props, fmt.Sprintf(`"p%02d":{"type":"string","maxLength":3}`, i))
		required = append(required, fmt.Sprintf(`"p%02d"`, i))
	}
	doc := `{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a":{"post":{
		"requestBody":{"required":true,"content":{"application/json":{"schema":{"type":"object",
		"required":[` + strings.Join(required, ",") + `],"properties":{` + strings.Join(props, ",") + `}}}}},
		"responses":{"200":{"description":"ok"},"422":{"description":"invalid"}}}}}}`
	rv, err := NewResponseValidator([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	requests := 0
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		if ok, _ := rv.v.ValidateHttpRequestSync(r); ok {
			w.WriteHeader(422)
		}
	})
	rec := &recorder{TB: t}
	Conformance(rec, h, []byte(doc), ConformanceOptions{})
	if requests != maxRequests {
		t.Errorf("%d requests, want %d", requests, maxRequests)
	}
	if len(rec.errors) != maxReports+1 || !strings.Contains(rec.errors[maxReports], "more disagreements are not shown") {
		t.Errorf("%d reports, want %d and a last one saying more are not shown:\n%s", len(rec.errors), maxReports+1, rec.text())
	}
}

func TestOperations(t *testing.T) {
	doc := `{"paths":{"/b/{id}":{"parameters":[{"name":"id","in":"path","schema":{"type":"string"}},{"$ref":"#/components/parameters/Q"}],
		"delete":{"parameters":[{"name":"q","in":"query","required":true,"schema":{"type":"integer"}},{"name":"c","in":"cookie","schema":{"type":"string"}}]},
		"put":{"requestBody":{"$ref":"#/components/requestBodies/B"}}},
		"/a":{"post":{"requestBody":{"content":{"text/plain":{"schema":{"type":"string"}}}}}}},
		"components":{"parameters":{"Q":{"name":"q","in":"query","schema":{"type":"string"}}},
		"requestBodies":{"B":{"content":{"application/problem+json":{"schema":{"type":"object"}}}}}}}`
	var root any
	if err := json.Unmarshal([]byte(doc), &root); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, op := range operations(schemas{root: root}) {
		s := op.method + " " + op.path
		for _, p := range op.params {
			s += fmt.Sprintf(" %s.%s(required=%v)", p.in, p.name, p.required)
		}
		if op.body != nil {
			s += " body " + op.body.mediaType
		}
		got = append(got, s)
	}
	want := []string{
		"POST /a",
		"PUT /b/{id} path.id(required=true) query.q(required=false) body application/problem+json",
		"DELETE /b/{id} path.id(required=true) query.q(required=true)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestConformanceSendsWhatItSays(t *testing.T) {
	// The requests of the fixture, as the server saw them.
	var mu sync.Mutex
	var seen []string
	f := &fixture{}
	inner := f.handler()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.RequestURI()+" "+string(body))
		mu.Unlock()
		inner.ServeHTTP(w, r)
	})
	Conformance(t, h, []byte(thingsDoc), ConformanceOptions{Header: writerHeader})
	all := strings.Join(seen, "\n")
	for _, want := range []string{
		`GET /things/1 `,             // the baseline: id from minimum, no optional query
		`GET /things/1?limit=101 `,   // one change at a time
		`GET /things/abc `,           // integer path text
		`GET /things/1?limit=1.5 `,   // integer query text
		`POST /things/ {"name":"a"}`, // the baseline body: required properties only
		`POST /things/ {"name":"aaaaaaaaaaa"}`,
		`POST /things/ {"name":"aaaaaaaaaé"}`,
		`POST /things/ {}`,
		`POST /things/ {"name":"a","size":0}`,
		`POST /things/ {"name":"a","size":"1"}`,
		`POST /things/ {"name":"a","size":1.5}`,
		`POST /things/ {"name":null}`,
		`POST /things/ {"color":"green","name":"a"}`,
		`POST /things/ {"color":"zz-not-a-member","name":"a"}`,
		`POST /things/ {"name":"a","tags":["a","a","a"]}`,
		`POST /things/ {"name":"a","tags":["aaaaaa"]}`,
		`POST /things/ {"name":"a","tags":{}}`,
		`POST /things/ []`,
		"POST /things/ ", // the empty body
	} {
		if !strings.Contains(all+"\n", want+"\n") {
			t.Errorf("no request %q among:\n%s", want, all)
		}
	}
}

// widgetsDoc uses what thingsDoc does not: allOf, a nullable $ref, const,
// exclusive number bounds, arrays of objects, a patterned path parameter,
// a required header and an enum query parameter.
const widgetsDoc = `{
  "openapi": "3.1.0",
  "info": {"title": "Widgets", "version": "1.0.0"},
  "paths": {
    "/widgets/{code}": {
      "parameters": [{"name": "code", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 4}}],
      "put": {
        "parameters": [
          {"name": "mode", "in": "query", "required": true, "schema": {"type": "string", "enum": ["fast", "slow"]}},
          {"name": "ratio", "in": "query", "schema": {"type": "number", "exclusiveMinimum": 0, "maximum": 1}},
          {"name": "X-Batch", "in": "header", "required": true, "schema": {"type": "string", "minLength": 2, "maxLength": 8}}
        ],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}}},
        "responses": {"204": {"description": "Stored"}, "422": {"description": "Invalid",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}}}
      }
    }
  },
  "components": {
    "schemas": {
      "Base": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "minLength": 2, "maxLength": 5}}},
      "Widget": {"allOf": [{"$ref": "#/components/schemas/Base"}, {
        "type": "object",
        "required": ["parts", "kind"],
        "properties": {
          "kind": {"const": "w"},
          "owner": {"anyOf": [{"$ref": "#/components/schemas/Owner"}, {"type": "null"}]},
          "parts": {"type": "array", "minItems": 1, "maxItems": 2, "items": {"$ref": "#/components/schemas/Part"}},
          "weight": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10},
          "note": {"type": ["string", "null"], "maxLength": 3}
        }
      }]},
      "Owner": {"type": "object", "required": ["email"], "properties": {"email": {"type": "string", "format": "email", "maxLength": 20}}},
      "Part": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer", "minimum": -3, "maximum": 3}}},
      "HTTPValidationError": {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "array"}}}
    }
  }
}`

// TestConformanceAgreesWithJSONSchema runs Conformance on a server that
// checks the body with santhosh-tekuri/jsonschema (JSON Schema 2020-12),
// not libopenapi-validator, and its parameters by hand: every verdict of
// the document must be the same.
func TestConformanceAgreesWithJSONSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	root, err := jsonschema.UnmarshalJSON(strings.NewReader(widgetsDoc))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddResource("widgets.json", root); err != nil {
		t.Fatal(err)
	}
	widget, err := c.Compile("widgets.json#/components/schemas/Widget")
	if err != nil {
		t.Fatal(err)
	}
	code := regexp.MustCompile(`^[a-z]+$`)
	requests := 0
	h := http.NewServeMux()
	h.HandleFunc("PUT /widgets/{code}", func(w http.ResponseWriter, r *http.Request) {
		requests++
		var problems []problem
		bad := func(loc ...any) { problems = append(problems, problem{Type: "invalid", Loc: loc, Msg: "invalid"}) }
		if c := r.PathValue("code"); !code.MatchString(c) || utf8.RuneCountInString(c) > 4 {
			bad("path", "code")
		}
		if m := r.URL.Query().Get("mode"); m != "fast" && m != "slow" {
			bad("query", "mode")
		}
		if q := r.URL.Query(); q.Has("ratio") {
			if f, err := strconv.ParseFloat(q.Get("ratio"), 64); err != nil || f <= 0 || f > 1 {
				bad("query", "ratio")
			}
		}
		if n := len(r.Header.Get("X-Batch")); n < 2 || n > 8 {
			bad("header", "X-Batch")
		}
		body, err := jsonschema.UnmarshalJSON(r.Body)
		if err != nil || widget.Validate(body) != nil {
			bad("body")
		}
		if len(problems) > 0 {
			refuse(w, 422, problems...)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	Conformance(t, h, []byte(widgetsDoc), ConformanceOptions{})
	t.Logf("%d requests", requests)
	if requests < 40 {
		t.Errorf("only %d requests", requests)
	}
}
