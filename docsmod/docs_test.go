package docsmod_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/m8fx/kit/docsmod"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/openapi"
	"github.com/m8fx/kit/openapi/openapitest"
	"github.com/m8fx/kit/settingsmod"
)

// docOperations lists "METHOD path" of every operation of a decoded document.
func docOperations(d *openapi.Document) []string {
	var ops []string
	for p, item := range d.Paths {
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"} {
			if item.Operation(m) != nil {
				ops = append(ops, m+" "+p)
			}
		}
	}
	slices.Sort(ops)
	return ops
}

func TestOpenAPIDocumentOfTheRouteTable(t *testing.T) {
	app := newDocsApp(t, nil)
	_, raw := getJSON(t, app, "/api/openapi.json")
	if err := openapitest.Validate(raw); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	var d openapi.Document
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	if d.OpenAPI != "3.1.0" || d.Info.Title != "Docs Test" || d.Info.Version != "2.3.4" {
		t.Errorf("header %s %+v", d.OpenAPI, d.Info)
	}
	if toJSON(d.Servers) != `[{"url":"/","description":"This service"}]` {
		t.Errorf("servers %s", toJSON(d.Servers))
	}

	// Every route once: declared, raw, the kit's own; not the docs routes,
	// the HEAD twins of GET routes or the aliases (/api/items, /api/health/).
	want := []string{
		"DELETE /api/items/{id}", "GET /api/admin/stats", "GET /api/health", "GET /api/health/live", "GET /api/health/ready",
		"GET /api/items/", "GET /api/items/{id}", "GET /api/meta", "GET /api/ping", "HEAD /api/ping", "POST /api/items/", "GET /version",
	}
	slices.Sort(want)
	if got := docOperations(&d); !slices.Equal(got, want) {
		t.Errorf("operations:\n got %v\nwant %v", got, want)
	}

	get := func(method, path string) *openapi.OperationObject {
		t.Helper()
		item := d.Paths[path]
		op := item.Operation(method)
		if op == nil {
			t.Fatalf("%s %s missing", method, path)
		}
		return op
	}
	for _, tc := range []struct {
		name, method, path string
		check              func(t *testing.T, op *openapi.OperationObject)
	}{
		{"typed route: body, answers, public", "POST", "/api/items/", func(t *testing.T, op *openapi.OperationObject) {
			if op.Summary != "Create an item" || !slices.Equal(op.Tags, []string{"items"}) || !op.Public || len(op.Security) != 0 {
				t.Errorf("%+v", op)
			}
			if b := op.RequestBody; b == nil || !b.Required || b.Content["application/json"].Schema.Ref != "#/components/schemas/testItemCreate" {
				t.Errorf("request body %s", toJSON(b))
			}
			for _, status := range []string{"201", "413", "415", "422", "500"} {
				if _, ok := op.Responses[status]; !ok {
					t.Errorf("no %s: %v", status, op.Responses)
				}
			}
			if ref := op.Responses["422"].Content["application/json"].Schema.Ref; ref != "#/components/schemas/HTTPValidationError" {
				t.Errorf("422 %s", ref)
			}
		}},
		{"plain route with Responds", "GET", "/api/items/", func(t *testing.T, op *openapi.OperationObject) {
			if op.Summary != "List items" || !op.Public || op.Responses["200"].Description != "The items" {
				t.Errorf("%+v", op)
			}
		}},
		{"guarded route: the guard's security, scheme, extension and answers", "DELETE", "/api/items/{id}", func(t *testing.T, op *openapi.OperationObject) {
			if op.Public || toJSON(op.Security) != `[{"keyAuth":[]}]` || op.Extensions["x-test-guard"] != "key" {
				t.Errorf("security %s public %v extensions %v", toJSON(op.Security), op.Public, op.Extensions)
			}
			if op.Description != "Needs an X-Key header." {
				t.Errorf("description %q", op.Description)
			}
			for status, desc := range map[string]string{"204": "Successful Response", "401": "No key", "404": "No such item"} {
				if op.Responses[status].Description != desc {
					t.Errorf("%s: %+v", status, op.Responses[status])
				}
			}
			if p := op.Parameters; len(p) != 1 || p[0].Name != "id" || p[0].In != "path" || p[0].Schema.Format != "uuid" {
				t.Errorf("parameters %s", toJSON(p))
			}
		}},
		{"a HEAD declared by hand is documented", "HEAD", "/api/ping", func(t *testing.T, op *openapi.OperationObject) {
			if op.Summary != "Ping" {
				t.Errorf("%+v", op)
			}
		}},
		{"described raw route: two descriptions merged", "GET", "/api/items/{id}", func(t *testing.T, op *openapi.OperationObject) {
			if op.Summary != "Read an item" || op.Description != "By id." || !op.Deprecated {
				t.Errorf("%+v", op)
			}
			if p := op.Parameters; len(p) != 1 || p[0].Name != "id" || !p[0].Required || p[0].Schema.Format != "uuid" {
				t.Errorf("parameters %s", toJSON(p))
			}
			if op.Public || op.Security != nil {
				t.Errorf("a raw route has security %s", toJSON(op.Security))
			}
		}},
		{"described root route", "GET", "/version", func(t *testing.T, op *openapi.OperationObject) {
			if op.Summary != "Version" || !slices.Equal(op.Tags, []string{"meta"}) {
				t.Errorf("%+v", op)
			}
		}},
		{"undescribed raw route: method and path only", "GET", "/api/admin/stats", func(t *testing.T, op *openapi.OperationObject) {
			if op.Summary != "" || op.Public || len(op.Responses) != 1 || op.Responses["200"].Description != "Successful Response" {
				t.Errorf("%+v", op)
			}
		}},
		{"the kit's routes document themselves", "GET", "/api/health/live", func(t *testing.T, op *openapi.OperationObject) {
			if op.Summary != "Liveness probe" || !slices.Equal(op.Tags, []string{"health"}) || !op.Public {
				t.Errorf("%+v", op)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.check(t, get(tc.method, tc.path)) })
	}

	// Components: the Go types, the kit's bodies, the guard's scheme, and
	// the runtime limit of the table in the rule max_of=notes_len.
	for _, name := range []string{"testItem", "testItemCreate", "HTTPError", "HTTPValidationError", "ValidationError"} {
		if d.Components.Schemas[name] == nil {
			t.Errorf("component %s missing", name)
		}
	}
	if notes := d.Components.Schemas["testItemCreate"].Properties["notes"]; notes == nil || notes.MaxLength == nil || *notes.MaxLength != 500 {
		t.Errorf("notes %s", toJSON(notes))
	}
	if _, ok := d.Components.Schemas["ErrorBody"]; ok {
		t.Error("httpmod.ErrorBody became its own component")
	}
	if s := d.Components.SecuritySchemes; len(s) != 1 || s["keyAuth"].Type != "apiKey" || s["keyAuth"].Name != "X-Key" {
		t.Errorf("security schemes %s", toJSON(s))
	}

	// Tags: the service's first, the kit's after them with their descriptions.
	var tags []string
	for _, tag := range d.Tags {
		tags = append(tags, tag.Name)
		if (tag.Name == "health" || tag.Name == "meta") && tag.Description == "" {
			t.Errorf("kit tag %s without a description", tag.Name)
		}
	}
	if strings.Join(tags, ",") != "items,health,meta" {
		t.Errorf("tags %v", tags)
	}
}

func TestOpenAPIDocumentServesWhatItLists(t *testing.T) {
	app := newDocsApp(t, nil)
	for _, tc := range []struct {
		method, path string
		header       []string
		status       int
	}{
		{http.MethodGet, "/api/items", nil, http.StatusOK}, // the alias
		{http.MethodHead, "/api/items/", nil, http.StatusOK},
		{http.MethodHead, "/api/items", nil, http.StatusOK},
		{http.MethodHead, "/api/ping", nil, http.StatusNoContent},
		{http.MethodGet, "/api/ping", nil, http.StatusOK},
		{http.MethodDelete, "/api/items/0b9b4c2e-7c4b-4d35-9d2a-1f0e3c1b2a10", nil, http.StatusUnauthorized},
		{http.MethodDelete, "/api/items/0b9b4c2e-7c4b-4d35-9d2a-1f0e3c1b2a10", []string{"X-Key", "k"}, http.StatusNoContent},
	} {
		req, _ := http.NewRequest(tc.method, tc.path, nil)
		for i := 0; i+1 < len(tc.header); i += 2 {
			req.Header.Set(tc.header[i], tc.header[i+1])
		}
		if rec := app.Do(req); rec.Code != tc.status {
			t.Errorf("%s %s: %d %s, want %d", tc.method, tc.path, rec.Code, rec.Body, tc.status)
		}
	}
}

func TestDescribeMustMatchARawRoute(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		opts []fx.Option
		want []string
	}{
		{"a typo fails even where the document is off", map[string]string{"SET_OPEN_API": "false"},
			[]fx.Option{docsmod.Describe("GET", "/nowhere", openapi.Operation{Summary: "a typo"})},
			[]string{"GET /api/nowhere matches no route"}},
		{"no such route", nil, []fx.Option{docsmod.Describe("GET", "/nowhere", openapi.Operation{Summary: "a typo"})},
			[]string{"GET /api/nowhere matches no route"}},
		{"no such method", nil, []fx.Option{docsmod.Describe("PUT", "/items/:id", openapi.Operation{})},
			[]string{"PUT /api/items/:id matches no route"}},
		{"a root path given to Describe", nil, []fx.Option{docsmod.Describe("GET", "/version", openapi.Operation{})},
			[]string{"GET /api/version matches no route"}},
		{"a declared typed route", nil, []fx.Option{docsmod.Describe("POST", "/items/", openapi.Operation{Summary: "again"})},
			[]string{"POST /api/items/ is declared with httpmod.Route or httpmod.Handle: its documentation belongs in the declaration"}},
		{"a declared plain route, in OpenAPI syntax", nil, []fx.Option{docsmod.Describe("delete", "/items/{id}", openapi.Operation{})},
			[]string{"DELETE /api/items/{id} is declared with httpmod.Route or httpmod.Handle"}},
		{"a kit route", nil, []fx.Option{docsmod.Describe("GET", "/health/live", openapi.Operation{})},
			[]string{"GET /api/health/live is declared"}},
		{"a docs route", nil, []fx.Option{docsmod.Describe("GET", "/openapi.json", openapi.Operation{})},
			[]string{"GET /api/openapi.json is declared"}},
		{"a HEAD twin", nil, []fx.Option{docsmod.Describe("HEAD", "/items/", openapi.Operation{})},
			[]string{"HEAD /api/items/"}},
		{"every problem in one error", nil, []fx.Option{
			docsmod.Describe("GET", "/nowhere", openapi.Operation{}),
			docsmod.Describe("POST", "/items/", openapi.Operation{}),
			docsmod.DescribeRoot("GET", "/gone", openapi.Operation{}),
		}, []string{"docsmod: OpenAPI description: ", "GET /api/nowhere matches no route", "POST /api/items/ is declared", "GET /gone matches no route"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := docsBuildErr(t, tc.env, tc.opts...)
			if err == nil {
				t.Fatal("the app started")
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("the error is not one line: %q", msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q, want %q", msg, w)
				}
			}
		})
	}
}

func TestOpenAPIDocumentFollowsLateRoutes(t *testing.T) {
	app := newDocsApp(t, nil, fx.Invoke(func(e *gin.Engine) {
		e.GET("/api/late", ok) // after the docs read the engine's routes
	}))
	doc, _ := getJSON(t, app, "/api/openapi.json")
	if _, ok := doc["paths"].(map[string]any)["/api/late"]; !ok {
		t.Fatal("a route added after the docs attached is missing")
	}
}

func TestDocsDescribeAfterAttach(t *testing.T) {
	t.Run("a raw route", func(t *testing.T) {
		var docs *docsmod.Docs
		app := newDocsApp(t, nil, fx.Populate(&docs))
		docs.Describe("GET", "/api/admin/stats", openapi.Operation{Summary: "Changed"})
		doc, _ := getJSON(t, app, "/api/openapi.json")
		if s := doc["paths"].(map[string]any)["/api/admin/stats"].(map[string]any)["get"].(map[string]any)["summary"]; s != "Changed" {
			t.Fatalf("summary %v", s)
		}
		generated, err := docs.Document()
		if err != nil || generated.Paths["/api/admin/stats"].Get.Summary != "Changed" {
			t.Fatalf("Document(): %v", err)
		}
	})
	t.Run("a declared route", func(t *testing.T) {
		var docs *docsmod.Docs
		app := newDocsApp(t, nil, fx.Populate(&docs))
		docs.Describe("POST", "/api/items/", openapi.Operation{Summary: "Changed"})
		const want = "docsmod: OpenAPI description: POST /api/items/ is declared"
		if _, err := docs.JSON(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("JSON(): %v", err)
		}
		if _, err := docs.Document(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Document(): %v", err)
		}
		// The route answers a logged 500 rather than a wrong document.
		rec := app.Get("/api/openapi.json")
		if rec.Code != http.StatusInternalServerError || rec.Body.String() != `{"detail":"Internal Server Error"}` {
			t.Errorf("openapi.json: %d %s", rec.Code, rec.Body)
		}
		if n := app.Logs.FilterMessage("openapi: building the document").Len(); n != 1 {
			t.Errorf("%d error lines", n)
		}
	})
}

func TestCustomOpenAPIDocument(t *testing.T) {
	custom := `{"openapi":"3.1.0","info":{"title":"Hand-written","version":"9"},"paths":{}}`
	var docs *docsmod.Docs
	app := newDocsApp(t, nil, docsmod.OpenAPIDocument([]byte(custom)), fx.Populate(&docs))
	rec := app.Get("/api/openapi.json")
	if rec.Code != http.StatusOK || rec.Body.String() != custom || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("%d %q %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	// The generated document stays available.
	if d, err := docs.Document(); err != nil || d.Paths["/api/items/"].Get == nil {
		t.Fatalf("Document(): %v", err)
	}
	// The UIs load the custom document.
	if rec := app.Get("/api/docs"); !strings.Contains(rec.Body.String(), `data-openapi-url="/api/openapi.json"`) {
		t.Errorf("docs page %s", rec.Body)
	}
}

func TestCustomizeAndConfigureTheDocument(t *testing.T) {
	app := newDocsApp(t, nil,
		docsmod.CustomizeOpenAPI(func(d *openapi.Document) error {
			d.Servers = []openapi.Server{{URL: "https://api.example.com", Description: "production"}}
			return nil
		}),
		docsmod.CustomizeOpenAPI(func(d *openapi.Document) error {
			d.Paths["/api/admin/stats"].Get.Extensions = map[string]any{"x-internal": true}
			return nil
		}),
		fx.Decorate(func(c docsmod.Config) docsmod.Config {
			c.Info.Title = "Renamed"
			c.Info.Description = "The test API."
			c.Tags = []openapi.Tag{{Name: "meta", Description: "About the service"}}
			return c
		}),
	)
	doc, raw := getJSON(t, app, "/api/openapi.json")
	if err := openapitest.Validate(raw); err != nil {
		t.Fatal(err)
	}
	info := doc["info"].(map[string]any)
	if info["title"] != "Renamed" || info["description"] != "The test API." {
		t.Errorf("info %v", info)
	}
	if servers := doc["servers"].([]any); len(servers) != 1 || servers[0].(map[string]any)["url"] != "https://api.example.com" {
		t.Errorf("servers %v", servers)
	}
	// A kit tag the service declares keeps its place and description.
	if tags := toJSON(doc["tags"]); !strings.HasPrefix(tags, `[{"description":"About the service","name":"meta"},{"name":"items"},{"description":`) {
		t.Errorf("tags %s", tags)
	}
	if x := doc["paths"].(map[string]any)["/api/admin/stats"].(map[string]any)["get"].(map[string]any)["x-internal"]; x != true {
		t.Errorf("extension from a customizer: %v", x)
	}
	if page := app.Get("/api/redoc").Body.String(); !strings.Contains(page, "<title>Renamed - ReDoc</title>") {
		t.Errorf("page title: %s", page)
	}
}

func TestDocsWithoutAnEngine(t *testing.T) {
	s := &settingsmod.Settings{Environment: "local", APIPrefix: "/api", SetOpenAPI: true}
	d := docsmod.New(docsmod.ConfigFromSettings(s), nil, nil)
	if _, err := d.Document(); !errors.Is(err, docsmod.ErrNotAttached) {
		t.Fatalf("Document(): %v", err)
	}
	if _, err := d.JSON(); !errors.Is(err, docsmod.ErrNotAttached) {
		t.Fatalf("JSON(): %v", err)
	}
	if o, sw, r := d.Enabled(); !o || sw || r {
		t.Fatalf("Enabled() %v %v %v", o, sw, r)
	}
}

// Without the fx module: an engine built from a route table, and the docs
// attached to it.
func TestDocsAttachWithoutFx(t *testing.T) {
	gin.SetMode(gin.TestMode)
	s := &settingsmod.Settings{Environment: "local", APIPrefix: "/api", SetOpenAPI: true, SetDocs: true, ProjectName: "Bare"}
	table := httpmod.NewRouteTable(httpmod.RouteTableConfig{})
	docs := docsmod.New(docsmod.ConfigFromSettings(s), table, nil)
	routes := httpmod.RoutesFunc(func(r *httpmod.Router) {
		httpmod.Handle(r, http.MethodGet, "/a", ok, httpmod.Doc{Summary: "A"})
		r.Gin().GET("/raw", ok)
	})
	e, err := httpmod.NewEngine(httpmod.EngineParams{Settings: s, Logger: zap.NewNop(), Table: table, Routes: []httpmod.Routes{routes, docs}})
	if err != nil {
		t.Fatal(err)
	}
	docs.Describe("GET", "/api/raw", openapi.Operation{Summary: "Raw"})
	if err := docs.Attach(e); err != nil {
		t.Fatal(err)
	}
	body, err := docs.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if err := openapitest.Validate(body); err != nil {
		t.Fatal(err)
	}
	var d openapi.Document
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	if got := docOperations(&d); !slices.Equal(got, []string{"GET /api/a", "GET /api/raw"}) {
		t.Errorf("operations %v", got)
	}
	if d.Paths["/api/a"].Get.Summary != "A" || d.Paths["/api/raw"].Get.Summary != "Raw" || d.Info.Title != "Bare" {
		t.Errorf("document %s", body)
	}
	// A description added later that matches nothing: JSON fails, Attach too.
	docs.Describe("GET", "/api/none", openapi.Operation{})
	if _, err := docs.JSON(); err == nil || !strings.Contains(err.Error(), "GET /api/none matches no route") {
		t.Errorf("JSON(): %v", err)
	}
	if err := docs.Attach(e); err == nil {
		t.Error("Attach accepted an unmatched description")
	}
}

func TestConfigFromSettings(t *testing.T) {
	cfg := docsmod.ConfigFromSettings(&settingsmod.Settings{ProjectName: "P", ServiceVersion: "1.2.3"})
	if cfg.Info != (openapi.Info{Title: "P", Version: "1.2.3"}) {
		t.Errorf("info %+v", cfg.Info)
	}
	if len(cfg.Servers) != 1 || cfg.Servers[0].URL != "/" {
		t.Errorf("servers %+v", cfg.Servers)
	}
	if cfg.Document != nil || cfg.Customize != nil || cfg.Tags != nil {
		t.Errorf("config %+v", cfg)
	}
}
