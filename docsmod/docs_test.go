package docsmod_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"

	"github.com/m8fx/kit/docsmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/openapi"
	"github.com/m8fx/kit/openapi/openapitest"
	"github.com/m8fx/kit/securitymod"
	"github.com/m8fx/kit/settingsmod"
)

// docsBaseEnv is valid in every environment, production included.
func docsBaseEnv() map[string]string {
	return map[string]string{
		"PROJECT_NAME":           "Docs Test",
		"SERVICE_VERSION":        "2.3.4",
		"FRONTEND_HOST":          "https://app.example.com",
		"BACKEND_CORS_ORIGINS":   "https://admin.example.com",
		"SHUTDOWN_DRAIN_SECONDS": "0",
	}
}

type testItem struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type testItemCreate struct {
	Name string `json:"name" validate:"max=80"`
}

type testItemPath struct {
	ID string `uri:"id" validate:"uuid"`
}

func ok(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"ok": true}) }

// docsTestOptions: routes declared with httpmod.Route and httpmod.Handle,
// raw gin routes under API_PREFIX and at the root described with Describe
// and DescribeRoot, and one raw route nobody describes.
func docsTestOptions() []fx.Option {
	return []fx.Option{
		fx.Provide(httpmod.AsRoutes(func() httpmod.Routes {
			return httpmod.RoutesFunc(func(r *httpmod.Router) {
				g := r.Group("/items", httpmod.Doc{Tags: []string{"items"}})
				httpmod.Route(g, http.MethodPost, "/", func(_ context.Context, in *testCreate) (*testItem, error) {
					return &testItem{Name: in.Body.Name}, nil
				}, httpmod.Status(http.StatusCreated), httpmod.Doc{Summary: "Create an item"})
				httpmod.Handle(g, http.MethodGet, "/", ok, httpmod.Doc{Summary: "List items"},
					httpmod.Responds(http.StatusOK, "The items", []testItem{}))
				r.Gin().GET("/items/:id", ok)
				r.Gin().GET("/admin/stats", ok)
			})
		})),
		fx.Provide(httpmod.AsRootRoutes(func() httpmod.Routes {
			return httpmod.RoutesFunc(func(r *httpmod.Router) { r.Gin().GET("/version", ok) })
		})),
		docsmod.Describe("GET", "/items/{id}", openapi.Operation{
			Summary: "Read an item", Tags: []string{"items"}, PathParams: testItemPath{},
			Responses: map[int]openapi.Response{200: {Body: testItem{}}, 404: {Body: openapi.ErrorBody()}},
		}),
		docsmod.DescribeRoot("GET", "/version", openapi.Operation{Summary: "Version", Tags: []string{"meta"}}),
	}
}

type testCreate struct {
	Body testItemCreate
}

func newDocsApp(t *testing.T, env map[string]string, opts ...fx.Option) *fxtest_helpers.App {
	t.Helper()
	all := docsBaseEnv()
	maps.Copy(all, env)
	return fxtest_helpers.New(t, fxtest_helpers.WithEnv(all),
		fxtest_helpers.WithOptions(append(docsTestOptions(), opts...)...))
}

func getJSON(t *testing.T, app *fxtest_helpers.App, path string) (map[string]any, []byte) {
	t.Helper()
	rec := app.Get(path)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
	}
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("GET %s: not JSON: %v", path, err)
	}
	return m, rec.Body.Bytes()
}

func TestDocsOnOffPerEnvironmentAndSetting(t *testing.T) {
	type want struct{ openAPI, swagger, redoc bool }
	all, none := want{true, true, true}, want{}
	tests := []struct {
		name string
		env  map[string]string
		want want
	}{
		{"local: all on by default", map[string]string{"ENVIRONMENT": "local"}, all},
		{"development", map[string]string{"ENVIRONMENT": "development"}, all},
		{"staging", map[string]string{"ENVIRONMENT": "staging"}, all},
		{"production: all off", map[string]string{"ENVIRONMENT": "production"}, none},
		{"production: the SET_* flags do not reopen", map[string]string{
			"ENVIRONMENT": "production", "SET_OPEN_API": "true", "SET_DOCS": "true", "SET_REDOC": "true",
		}, none},
		{"strict production mode: all off", map[string]string{"ENVIRONMENT": "staging", "STRICT_PRODUCTION_MODE": "true"}, none},
		{"production + SERVE_DOCS_IN_PRODUCTION", map[string]string{"ENVIRONMENT": "production", "SERVE_DOCS_IN_PRODUCTION": "true"}, all},
		{"production + SERVE_DOCS_IN_PRODUCTION, SET_DOCS=false", map[string]string{
			"ENVIRONMENT": "production", "SERVE_DOCS_IN_PRODUCTION": "true", "SET_DOCS": "false",
		}, want{true, false, true}},
		{"SET_OPEN_API=false: the UIs need the document", map[string]string{"SET_OPEN_API": "false"}, none},
		{"SET_DOCS=false", map[string]string{"SET_DOCS": "false"}, want{true, false, true}},
		{"SET_REDOC=false", map[string]string{"SET_REDOC": "false"}, want{true, true, false}},
		{"SET_DOCS=false, SET_REDOC=false", map[string]string{"SET_DOCS": "false", "SET_REDOC": "false"}, want{true, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var docs *docsmod.Docs
			app := newDocsApp(t, tt.env, fx.Populate(&docs))
			o, s, r := docs.Enabled()
			if (want{o, s, r}) != tt.want {
				t.Errorf("Enabled() = %v %v %v, want %+v", o, s, r, tt.want)
			}
			for _, c := range []struct {
				path string
				on   bool
			}{
				{"/api/openapi.json", tt.want.openAPI},
				{"/api/docs", tt.want.swagger},
				{"/api/docs/assets/swagger-ui/swagger-ui-bundle.js", tt.want.swagger},
				{"/api/docs/assets/swagger-init.js", tt.want.swagger},
				{"/api/redoc", tt.want.redoc},
				{"/api/docs/assets/redoc/redoc.standalone.js", tt.want.redoc},
			} {
				rec := app.Get(c.path)
				switch {
				case c.on && rec.Code != http.StatusOK:
					t.Errorf("GET %s: %d, want 200", c.path, rec.Code)
				case !c.on && (rec.Code != http.StatusNotFound || rec.Body.String() != `{"detail":"Not Found"}`):
					t.Errorf("GET %s: %d %s, want the plain 404", c.path, rec.Code, rec.Body)
				}
			}
			// The service's own routes are there either way.
			if rec := app.Get("/api/items/"); rec.Code != http.StatusOK {
				t.Errorf("items: %d", rec.Code)
			}
		})
	}
}

func TestOpenAPIDocumentOfTheRoutes(t *testing.T) {
	app := newDocsApp(t, nil)
	doc, raw := getJSON(t, app, "/api/openapi.json")
	if err := openapitest.Validate(raw); err != nil {
		t.Fatal(err)
	}
	paths := doc["paths"].(map[string]any)
	op := func(path, method string) map[string]any {
		t.Helper()
		item, _ := paths[path].(map[string]any)
		o, ok := item[method].(map[string]any)
		if !ok {
			t.Fatalf("%s %s is not documented (paths %v)", method, path, paths)
		}
		return o
	}
	if o := op("/api/items/", "post"); o["summary"] != "Create an item" || toJSON(o["security"]) != "[]" ||
		o["responses"].(map[string]any)["422"] == nil || o["responses"].(map[string]any)["201"] == nil {
		t.Errorf("declared typed route: %v", o)
	}
	if o := op("/api/items/", "get"); o["summary"] != "List items" || o["responses"].(map[string]any)["200"] == nil {
		t.Errorf("declared plain route: %v", o)
	}
	if o := op("/api/items/{id}", "get"); o["summary"] != "Read an item" {
		t.Errorf("described raw route: %v", o)
	}
	if o := op("/version", "get"); o["summary"] != "Version" {
		t.Errorf("described root route: %v", o)
	}
	if o := op("/api/admin/stats", "get"); o["summary"] != nil {
		t.Errorf("undescribed raw route: %v", o)
	}
	for _, hidden := range []string{"/api/openapi.json", "/api/docs", "/api/redoc"} {
		if _, ok := paths[hidden]; ok {
			t.Errorf("docs route %s is in the document", hidden)
		}
	}
	for path, item := range paths {
		if _, ok := item.(map[string]any)["head"]; ok {
			t.Errorf("%s: HEAD twin documented", path)
		}
	}
	if servers := toJSON(doc["servers"]); servers != `[{"description":"This service","url":"/"}]` {
		t.Errorf("servers %s", servers)
	}
}

func TestDescribeMustMatchARawRoute(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  fx.Option
		want string
	}{
		{"no such route", docsmod.Describe("GET", "/nowhere", openapi.Operation{Summary: "a typo"}), "GET /api/nowhere matches no route"},
		{"a declared route", docsmod.Describe("POST", "/items/", openapi.Operation{Summary: "again"}), "POST /api/items/ is declared with httpmod.Route or httpmod.Handle"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			all := docsBaseEnv()
			err := fxtest_helpers.BuildErr(t, fxtest_helpers.WithEnv(all), fxtest_helpers.WithOptions(append(docsTestOptions(), tc.opt)...))
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v, want one line with %q", err, tc.want)
			}
		})
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
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
}

var (
	attrURL   = regexp.MustCompile(`(?i)\b(?:src|href|data-openapi-url|spec-url)="([^"]*)"`)
	anyScheme = regexp.MustCompile(`(?i)https?://|//[a-z0-9.-]+\.[a-z]{2,}`)
)

func TestDocsPagesAreOffline(t *testing.T) {
	app := newDocsApp(t, map[string]string{"PROJECT_NAME": "Items <beta>"})
	for _, tc := range []struct{ path, title string }{
		{"/api/docs", "<title>Items &lt;beta&gt; - Swagger UI</title>"},
		{"/api/redoc", "<title>Items &lt;beta&gt; - ReDoc</title>"},
	} {
		rec := app.Get(tc.path)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
			t.Fatalf("GET %s: %d %q", tc.path, rec.Code, rec.Header().Get("Content-Type"))
		}
		page := rec.Body.String()
		if !strings.Contains(page, tc.title) {
			t.Errorf("%s: title missing:\n%s", tc.path, page)
		}
		if got := rec.Header().Get("Content-Security-Policy"); got != securitymod.DocsCSP {
			t.Errorf("%s: CSP %q", tc.path, got)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" || rec.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("%s: headers %v", tc.path, rec.Header())
		}
		// No reference to another host, no inline script.
		if m := anyScheme.FindAllString(page, -1); len(m) > 0 {
			t.Errorf("%s references other hosts: %v", tc.path, m)
		}
		if strings.Contains(page, "<script>") || regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]+</script>`).MatchString(page) {
			t.Errorf("%s has an inline script", tc.path)
		}
		urls := attrURL.FindAllStringSubmatch(page, -1)
		if len(urls) < 2 {
			t.Fatalf("%s: no asset references found", tc.path)
		}
		for _, u := range urls {
			ref := u[1]
			if ref == "data:," {
				continue
			}
			if !strings.HasPrefix(ref, "/api/") {
				t.Errorf("%s: %s is not a local path", tc.path, ref)
				continue
			}
			if rec := app.Get(ref); rec.Code != http.StatusOK {
				t.Errorf("%s: %s answers %d", tc.path, ref, rec.Code)
			}
		}
	}
	// HEAD works for the pages.
	req := httptest.NewRequest(http.MethodHead, "/api/docs", nil)
	if rec := app.Do(req); rec.Code != http.StatusOK {
		t.Errorf("HEAD /api/docs: %d", rec.Code)
	}
}

func TestDocsAssets(t *testing.T) {
	app := newDocsApp(t, nil)
	for _, tc := range []struct{ name, file, ctype string }{
		{"swagger-ui/swagger-ui-bundle.js", "docsassets/swagger-ui/swagger-ui-bundle.js", "text/javascript; charset=utf-8"},
		{"swagger-ui/swagger-ui.css", "docsassets/swagger-ui/swagger-ui.css", "text/css; charset=utf-8"},
		{"swagger-init.js", "docsassets/swagger-init.js", "text/javascript; charset=utf-8"},
		{"redoc/redoc.standalone.js", "docsassets/redoc/redoc.standalone.js", "text/javascript; charset=utf-8"},
		{"swagger-ui/LICENSE", "docsassets/swagger-ui/LICENSE", "text/plain; charset=utf-8"},
		{"redoc/LICENSE", "docsassets/redoc/LICENSE", "text/plain; charset=utf-8"},
	} {
		want, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		path := "/api/docs/assets/" + tc.name
		rec := app.Get(path)
		h := rec.Header()
		if rec.Code != http.StatusOK || h.Get("Content-Type") != tc.ctype || !bytes.Equal(rec.Body.Bytes(), want) {
			t.Errorf("GET %s: %d %q, %d bytes (want %d)", path, rec.Code, h.Get("Content-Type"), rec.Body.Len(), len(want))
			continue
		}
		etag := h.Get("ETag")
		if h.Get("Cache-Control") != "public, max-age=86400" || len(etag) < 10 || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("Content-Encoding") != "" {
			t.Errorf("GET %s: headers %v", path, h)
		}
		if rec := app.Get(path, "If-None-Match", etag); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("GET %s with If-None-Match: %d, %d bytes", path, rec.Code, rec.Body.Len())
		}
		if rec := app.Get(path, "If-None-Match", `"other"`); rec.Code != http.StatusOK {
			t.Errorf("GET %s with another ETag: %d", path, rec.Code)
		}
		gz := app.Get(path, "Accept-Encoding", "br, gzip;q=0.8")
		if len(want) > 4096 {
			if gz.Header().Get("Content-Encoding") != "gzip" || gz.Header().Get("Vary") != "Accept-Encoding" || gz.Body.Len() >= len(want) {
				t.Errorf("GET %s gzip: %v, %d bytes", path, gz.Header(), gz.Body.Len())
				continue
			}
			zr, err := gzip.NewReader(gz.Body)
			if err != nil {
				t.Fatal(err)
			}
			plain, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(plain, want) {
				t.Errorf("GET %s gzip: the body does not decompress to the file (%v)", path, err)
			}
		}
		if rec := app.Get(path, "Accept-Encoding", "gzip;q=0"); rec.Header().Get("Content-Encoding") != "" {
			t.Errorf("GET %s: gzip sent although refused", path)
		}
	}
	for _, path := range []string{
		"/api/docs/assets/nope.js", "/api/docs/assets/", "/api/docs/assets/README.md",
		"/api/docs/assets/%2e%2e/docs.go", "/api/docs/assets/swagger-ui/swagger-ui.css.map",
	} {
		if rec := app.Get(path); rec.Code != http.StatusNotFound || rec.Body.String() != `{"detail":"Not Found"}` {
			t.Errorf("GET %s: %d %s", path, rec.Code, rec.Body)
		}
	}
	// No asset refers to a source map or anything else that would 404 on load.
	if rec := app.Get("/api/docs/assets/swagger-ui/swagger-ui-bundle.js"); strings.Contains(rec.Body.String(), "cdn.") {
		t.Log("note: the Swagger UI bundle mentions a CDN host (not loaded by the page)")
	}
	if rec := app.Get("/api/docs/assets/redoc/redoc.standalone.js"); strings.Contains(rec.Body.String(), "cdn.redoc.ly") {
		t.Error("the ReDoc bundle still loads its logo from cdn.redoc.ly (see docsassets/README.md for the patch)")
	}
}

func TestDocsInProductionKeepTheirCSP(t *testing.T) {
	app := newDocsApp(t, map[string]string{"ENVIRONMENT": "production", "SERVE_DOCS_IN_PRODUCTION": "true"})
	for _, path := range []string{"/api/docs", "/api/redoc"} {
		rec := app.Get(path)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Security-Policy") != securitymod.DocsCSP {
			t.Errorf("GET %s: %d CSP %q", path, rec.Code, rec.Header().Values("Content-Security-Policy"))
		}
		if rec.Header().Get("X-Frame-Options") != "DENY" {
			t.Errorf("GET %s: the production headers are gone: %v", path, rec.Header())
		}
	}
	// Other routes keep the strict production policy.
	if csp := app.Get("/api/items/").Header().Get("Content-Security-Policy"); csp == securitymod.DocsCSP || csp == "" {
		t.Errorf("items CSP %q", csp)
	}
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

func TestCustomOpenAPIDocumentErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []fx.Option
		want string
	}{
		{"not JSON", []fx.Option{docsmod.OpenAPIDocument([]byte(`{"openapi":`))}, "custom OpenAPI document"},
		{"no openapi field", []fx.Option{docsmod.OpenAPIDocument([]byte(`{"swagger":"2.0"}`))}, "custom OpenAPI document"},
		{"two documents", []fx.Option{
			docsmod.OpenAPIDocument([]byte(`{"openapi":"3.1.0"}`)), docsmod.OpenAPIDocument([]byte(`{"openapi":"3.1.0"}`)),
		}, "more than one custom OpenAPI document"},
		{"customizer error", []fx.Option{docsmod.CustomizeOpenAPI(func(*openapi.Document) error { return errors.New("boom") })}, "boom"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := docsBaseEnv()
			err := fxtest_helpers.BuildErr(t, fxtest_helpers.WithEnv(env), fxtest_helpers.WithOptions(append(docsTestOptions(), tc.opts...)...))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestCustomizeAndConfigureTheDocument(t *testing.T) {
	app := newDocsApp(t, nil,
		docsmod.CustomizeOpenAPI(func(d *openapi.Document) error {
			d.Servers = []openapi.Server{{URL: "https://api.example.com", Description: "production"}}
			return nil
		}),
		fx.Decorate(func(c docsmod.DocsConfig) docsmod.DocsConfig {
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
	if first := doc["tags"].([]any)[0].(map[string]any); first["name"] != "meta" || first["description"] != "About the service" {
		t.Errorf("declared tags come first: %v", doc["tags"])
	}
	if page := app.Get("/api/redoc").Body.String(); !strings.Contains(page, "<title>Renamed - ReDoc</title>") {
		t.Errorf("page title: %s", page)
	}
}

func TestDocsWithoutAnEngine(t *testing.T) {
	s := &settingsmod.Settings{Environment: "local", APIPrefix: "/api", SetOpenAPI: true}
	d := docsmod.NewDocs(s, docsmod.DocsConfig{}, nil, nil)
	if _, err := d.Document(); !errors.Is(err, docsmod.ErrDocsNotAttached) {
		t.Fatalf("Document(): %v", err)
	}
	if _, err := d.JSON(); !errors.Is(err, docsmod.ErrDocsNotAttached) {
		t.Fatalf("JSON(): %v", err)
	}
	if o, sw, r := d.Enabled(); !o || sw || r {
		t.Fatalf("Enabled() %v %v %v", o, sw, r)
	}
}
