package openapitest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/m8fx/kit/openapi/openapitest"
)

// doc documents one operation: POST /notes/ with a note of at most 5
// characters, answered 201 or 422.
const doc = `{
  "openapi": "3.1.0",
  "info": {"title": "Notes", "version": "1.0.0"},
  "paths": {"/notes/": {"post": {
    "requestBody": {"required": true, "content": {"application/json": {"schema": {
      "type": "object", "required": ["text"], "properties": {"text": {"type": "string", "maxLength": 5}}}}}},
    "responses": {
      "201": {"description": "Created", "content": {"application/json": {"schema": {
        "type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}}}},
      "422": {"description": "Validation Error", "content": {"application/json": {"schema": {"type": "object"}}}}
    }
  }}}
}`

// notes is a server with a bug: it counts bytes, not characters.
func notes(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Text *string `json:"text"`
	}
	w.Header().Set("Content-Type", "application/json")
	if json.NewDecoder(r.Body).Decode(&in) != nil || in.Text == nil || len(*in.Text) > 5 {
		w.WriteHeader(http.StatusUnprocessableEntity)
		fmt.Fprint(w, `{"detail":[]}`)
		return
	}
	w.WriteHeader(http.StatusCreated)
	fmt.Fprint(w, `{"id":1}`)
}

// printer is a testing.TB that prints what Errorf reports, for the example
// (a test passes its *testing.T).
type printer struct{ testing.TB }

func (printer) Helper()                           {}
func (printer) Errorf(format string, args ...any) { fmt.Printf(format+"\n", args...) }

func ExampleConformance() {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /notes/", notes)

	openapitest.Conformance(printer{}, mux, []byte(doc), openapitest.ConformanceOptions{})
	// Output:
	// openapitest: POST /notes/ body.text: string of 5 characters ending in "é" (maxLength 5): document accepts, server refused (422): {"detail":[]}
}

func ExampleResponseValidator_Check() {
	v, err := openapitest.NewResponseValidator([]byte(doc))
	if err != nil {
		panic(err)
	}
	req := httptest.NewRequest("POST", "/notes/", strings.NewReader(`{"text":"hi"}`))
	json := http.Header{"Content-Type": {"application/json"}}

	fmt.Println(v.Check(req, 201, json, []byte(`{"id":1}`)))
	fmt.Println(v.Check(req, 200, json, []byte(`{"id":1}`)))
	fmt.Println(v.Check(req, 201, json, []byte(`{"id":"one"}`)))
	fmt.Println(v.Check(req, 201, http.Header{"Content-Type": {"text/plain"}}, []byte(`one`)))
	// Output:
	// <nil>
	// openapitest: POST /notes/ answered 200: status 200 is not documented (and there is no default response)
	// openapitest: POST /notes/ answered 201: the body does not match the schema: $.id: got string, want integer
	// openapitest: POST /notes/ answered 201: Content-Type "text/plain" is not a documented media type of status 201 (documented: application/json)
}
