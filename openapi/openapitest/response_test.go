package openapitest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// moreDoc has what thingsDoc lacks: a response without content, a status
// range and a default response.
const moreDoc = `{
  "openapi": "3.1.0",
  "info": {"title": "More", "version": "1.0.0"},
  "paths": {
    "/things/{id}": {
      "delete": {
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
        "responses": {
          "204": {"description": "Deleted"},
          "4XX": {"description": "Client error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
          "default": {"description": "Other", "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}}
        }
      }
    }
  },
  "components": {"schemas": {"HTTPError": {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}}}}}
}`

func mustValidator(t *testing.T, doc string) *ResponseValidator {
	t.Helper()
	v, err := NewResponseValidator([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func jsonHeader(more ...string) http.Header {
	h := http.Header{"Content-Type": {"application/json"}}
	for i := 0; i+1 < len(more); i += 2 {
		h.Set(more[i], more[i+1])
	}
	return h
}

func TestCheck(t *testing.T) {
	things, more := mustValidator(t, thingsDoc), mustValidator(t, moreDoc)
	for _, tc := range []struct {
		name        string
		v           *ResponseValidator
		method, url string
		status      int
		header      http.Header
		body        string
		want        []string // nil: no error
	}{
		{"a documented response", things, "GET", "/things/7", 200, jsonHeader(), `{"id":7,"name":"seven","size":null}`, nil},
		{"a media type with parameters", things, "GET", "/things/7", 200, http.Header{"Content-Type": {"application/json; charset=utf-8"}}, `{"id":7,"name":"seven"}`, nil},
		{"a documented error", things, "GET", "/things/8", 404, jsonHeader(), `{"detail":"Thing not found"}`, nil},
		{"a created thing", things, "POST", "/things/", 201, jsonHeader(), `{"id":1,"name":"a","tags":["x"]}`, nil},
		{"a required header present", things, "POST", "/things/", 401, jsonHeader("WWW-Authenticate", "Bearer"), `{"detail":"Not authenticated"}`, nil},

		{"an undocumented status", things, "GET", "/things/7", 418, jsonHeader(), `{"detail":"teapot"}`,
			[]string{"openapitest: GET /things/7 answered 418: status 418 is not documented (and there is no default response)"}},
		{"a wrong body type", things, "GET", "/things/7", 200, jsonHeader(), `["seven"]`,
			[]string{"the body does not match the schema", "got array, want object"}},
		{"a missing property", things, "GET", "/things/7", 200, jsonHeader(), `{"id":7}`,
			[]string{"the body does not match the schema", "missing property 'name'"}},
		{"a wrong property type", things, "GET", "/things/7", 200, jsonHeader(), `{"id":"7","name":"seven"}`,
			[]string{"$.id: got string, want integer"}},
		{"not JSON", things, "GET", "/things/7", 200, jsonHeader(), `{"id":`, []string{"cannot be decoded"}},
		{"no body", things, "GET", "/things/7", 200, jsonHeader(), ``, []string{"missing"}},
		{"an extra media type", things, "GET", "/things/7", 200, http.Header{"Content-Type": {"text/plain"}}, `seven`,
			[]string{`Content-Type "text/plain" is not a documented media type of status 200 (documented: application/json)`}},
		{"no Content-Type", things, "GET", "/things/7", 200, nil, `{"id":7,"name":"seven"}`,
			[]string{`Content-Type "" is not a documented media type`}},
		{"a missing required header", things, "POST", "/things/", 401, jsonHeader(), `{"detail":"Not authenticated"}`,
			[]string{"WWW-Authenticate"}},
		{"an undocumented method", things, "DELETE", "/things/7", 204, nil, ``, []string{"the operation is not documented"}},
		{"an undocumented path", things, "GET", "/nothing", 404, jsonHeader(), `{"detail":"Not Found"}`, []string{"the operation is not documented"}},
		{"every problem", things, "GET", "/things/7", 200, jsonHeader(), `{"id":"7","size":"x"}`,
			[]string{"missing property 'name'", "$.id: got string, want integer", "$.size: got string, want null or integer"}},

		{"HEAD like GET", things, "HEAD", "/things/7", 200, jsonHeader(), ``, nil},
		{"HEAD without Content-Type", things, "HEAD", "/things/7", 200, nil, ``, nil},
		{"HEAD with the body a recorder kept", things, "HEAD", "/things/7", 200, jsonHeader(), `{"id":7,"name":"seven"}`, nil},
		{"HEAD with an undocumented status", things, "HEAD", "/things/7", 418, nil, ``, []string{"status 418 is not documented"}},
		{"HEAD with an extra media type", things, "HEAD", "/things/7", 200, http.Header{"Content-Type": {"text/html"}}, ``,
			[]string{`Content-Type "text/html" is not a documented media type`}},

		{"a response without content", more, "DELETE", "/things/7", 204, nil, ``, nil},
		{"a body where none is documented", more, "DELETE", "/things/7", 204, jsonHeader(), `{}`,
			[]string{`status 204 is documented without content, but the response has a body of 2 bytes (Content-Type "application/json")`}},
		{"a status range", more, "DELETE", "/things/7", 409, jsonHeader(), `{"detail":"conflict"}`, nil},
		{"a status range's schema", more, "DELETE", "/things/7", 409, jsonHeader(), `{}`, []string{"missing property 'detail'"}},
		{"the default response", more, "DELETE", "/things/7", 503, jsonHeader("Retry-After", "5"), `{"detail":"busy"}`, nil},
		{"the default response's schema", more, "DELETE", "/things/7", 503, jsonHeader(), `{"detail":5}`, []string{"got number, want string"}},
		{"the default response's headers", more, "DELETE", "/things/7", 503, jsonHeader("Retry-After", "soon"), `{"detail":"busy"}`, []string{"header 'retry-after' failed to validate (got string, want integer)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.url, nil)
			err := tc.v.Check(req, tc.status, tc.header, []byte(tc.body))
			if tc.want == nil {
				if err != nil {
					t.Errorf("a conforming response: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the error lacks %q:\n%v", want, err)
				}
			}
		})
	}
}

func TestNewResponseValidatorRefusesABadDocument(t *testing.T) {
	for _, doc := range []string{``, `{"swagger":"2.0","info":{"title":"t","version":"1"},"paths":{}}`, `[1,2]`} {
		if _, err := NewResponseValidator([]byte(doc)); err == nil || !strings.HasPrefix(err.Error(), "openapitest: ") {
			t.Errorf("%q: %v", doc, err)
		}
	}
}

func TestHandler(t *testing.T) {
	v := mustValidator(t, thingsDoc)
	long := `{"id":7,"name":"` + strings.Repeat("n", 1000) + `"}`
	mux := http.NewServeMux()
	mux.HandleFunc("GET /things/7", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]any{"id": 7, "name": "seven"})
	})
	mux.HandleFunc("GET /things/8", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot) // no body, no Content-Type
	})
	mux.HandleFunc("GET /things/9", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"id":9,"name":"nine"}`) // implicit 200, sniffed text/plain
	})
	mux.HandleFunc("GET /things/10", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"10",`)
		w.(http.Flusher).Flush()
		_, _ = io.WriteString(w, `"name":"ten"}`)
	})
	mux.HandleFunc("GET /things/11", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		_, _ = io.WriteString(w, long[:len(long)-2]+`",`) // not JSON
	})
	for _, tc := range []struct {
		url  string
		want []string
	}{
		{"/things/7", nil},
		{"/things/8", []string{"openapitest: GET /things/8 answered 418: status 418 is not documented", "\tbody: "}},
		{"/things/9", []string{`Content-Type "text/plain; charset=utf-8" is not a documented media type`, `body: {"id":9,"name":"nine"}`}},
		{"/things/10", []string{"$.id: got string, want integer", `body: {"id":"10","name":"ten"}`}},
		{"/things/11", []string{"cannot be decoded", "body: " + long[:bodyExcerpt] + " … (1018 bytes)"}},
	} {
		t.Run(tc.url, func(t *testing.T) {
			rec := &recorder{TB: t}
			w := httptest.NewRecorder()
			v.Handler(rec, mux).ServeHTTP(w, httptest.NewRequest("GET", tc.url, nil))
			direct := httptest.NewRecorder()
			mux.ServeHTTP(direct, httptest.NewRequest("GET", tc.url, nil))
			if w.Code != direct.Code || w.Body.String() != direct.Body.String() || w.Header().Get("Content-Type") != direct.Header().Get("Content-Type") {
				t.Errorf("the wrapped handler answered %d %q %q, the handler %d %q %q", w.Code, w.Header(), w.Body, direct.Code, direct.Header(), direct.Body)
			}
			got := rec.text()
			if tc.want == nil {
				if got != "" {
					t.Errorf("a conforming response was reported: %s", got)
				}
				return
			}
			if len(rec.errors) != 1 {
				t.Errorf("%d reports, want 1:\n%s", len(rec.errors), got)
			}
			for _, want := range tc.want {
				if !strings.Contains(got, want) {
					t.Errorf("the report lacks %q:\n%s", want, got)
				}
			}
		})
	}
}

func TestHandlerPassesResponseControllerThrough(t *testing.T) {
	v := mustValidator(t, thingsDoc)
	h := v.Handler(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":7,`)
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("Flush through the wrapper: %v", err)
		}
		_, _ = io.WriteString(w, `"name":"seven"}`)
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/things/7", nil))
	if !w.Flushed {
		t.Error("the flush did not reach the ResponseWriter")
	}
}

func TestTransport(t *testing.T) {
	v := mustValidator(t, thingsDoc)
	f := &fixture{undocumentedGet: true}
	srv := httptest.NewServer(f.handler())
	defer srv.Close()
	rec := &recorder{TB: t}
	client := &http.Client{Transport: v.Transport(rec, nil)}

	get := func(path string) string {
		t.Helper()
		resp, err := client.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if body := get("/things/0"); !strings.Contains(body, "int_parsing") {
		t.Errorf("the client read %q", body)
	}
	if got := rec.text(); got != "" {
		t.Errorf("a conforming 422 was reported: %s", got)
	}
	if body := get("/things/3"); body != "{\"id\":3}\n" {
		t.Errorf("the client read %q", body)
	}
	got := rec.text()
	for _, want := range []string{"openapitest: GET /things/3 answered 200: the body does not match the schema", "missing property 'name'", `body: {"id":3}`} {
		if !strings.Contains(got, want) {
			t.Errorf("the report lacks %q:\n%s", want, got)
		}
	}

	rec.errors = nil
	resp, err := (&http.Client{Transport: v.Transport(rec, failing{})}).Get(srv.URL + "/things/3")
	if err == nil || resp != nil || rec.text() != "" {
		t.Errorf("a failing transport: %v %v, reports %q", resp, err, rec.text())
	}
}

type failing struct{}

func (failing) RoundTrip(*http.Request) (*http.Response, error) { return nil, io.ErrUnexpectedEOF }

func TestHandlerIsSafeForConcurrentUse(t *testing.T) {
	v := mustValidator(t, thingsDoc)
	rec := &recorder{TB: t}
	h := v.Handler(rec, (&fixture{undocumentedGet: true}).handler())
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/things/"+strconv.Itoa(i+1), nil))
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/things/0", nil))
		}()
	}
	wg.Wait()
	if len(rec.errors) != 8 {
		t.Errorf("%d reports, want 8 (one per undocumented 200):\n%s", len(rec.errors), rec.text())
	}
}
