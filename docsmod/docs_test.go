package docsmod_test

import (
	"bytes"
	"compress/gzip"
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

	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/openapi"
	"github.com/m8fx/kit/openapi/openapitest"
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
	Name string `json:"name" binding:"required,max=80"`
}

type testItemPath struct {
	ID string `uri:"id" binding:"uuid"`
}

func ok(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"ok": true}) }

// docsTestOptions: a route set under API_PREFIX and at the root, described
// with every mechanism (Describe, DescribeRoot, Docs.DescribeIn).
func docsTestOptions() []fx.Option {
	return []fx.Option{
		fx.Provide(httpmod.AsRoutes(func() httpmod.Routes {
			return httpmod.RoutesFunc(func(r gin.IRouter) {
				r.GET("/items/", ok)
				r.POST("/items/", ok)   // guarded by RequireWriter in a real service
				r.GET("/items/:id", ok) // guarded by RequireUser
				r.DELETE("/items/:id", ok)
				r.GET("/admin/stats", ok)
			})
		})),
		fx.Provide(httpmod.AsRoutes(func(d *httpmod.Docs) httpmod.Routes {
			return httpmod.RoutesFunc(func(r gin.IRouter) {
				g := r.Group("/things")
				g.GET("/:thing", ok)
				d.DescribeIn(g, "GET", "/:thing", openapi.Operation{Summary: "Read a thing", Tags: []string{"things"}})
			})
		})),
		fx.Provide(httpmod.AsRootRoutes(func() httpmod.Routes {
			return httpmod.RoutesFunc(func(r gin.IRouter) { r.GET("/version", ok) })
		})),
		httpmod.Describe("GET", "/items/", openapi.Operation{
			Summary: "List items", Tags: []string{"items"},
			Responses: map[int]openapi.Response{200: {Body: []testItem{}}},
		}),
		httpmod.Describe("POST", "/items/", openapi.Operation{
			Summary: "Create an item", Tags: []string{"items"}, Role: "writer", Body: testItemCreate{},
			Responses: map[int]openapi.Response{201: {Body: testItem{}}},
		}),
		httpmod.Describe("GET", "/items/{id}", openapi.Operation{
			Summary: "Read an item", Tags: []string{"items"}, Security: true, PathParams: testItemPath{},
			Responses: map[int]openapi.Response{200: {Body: testItem{}}, 404: {Body: openapi.ErrorBody()}},
		}),
		httpmod.Describe("DELETE", "/items/:id", openapi.Operation{Summary: "Delete an item", Tags: []string{"items"}}),
		// A second party (an auth integration) adds the guard of the same route.
		httpmod.Describe("DELETE", "/items/:id", openapi.Operation{Role: "admin"}),
		httpmod.Describe("GET", "/admin/stats", openapi.Operation{
			Summary: "Statistics", Superuser: true,
			Responses: map[int]openapi.Response{200: {}, 409: {Body: httpmod.ErrorBody{}}},
		}),
		httpmod.DescribeRoot("GET", "/version", openapi.Operation{Summary: "Version", Tags: []string{"meta"}}),
		httpmod.Describe("GET", "/nowhere", openapi.Operation{Summary: "a typo"}),
	}
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
			var docs *httpmod.Docs
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
		t.Fatalf("%v\n%s", err, raw)
	}
	if doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi %v", doc["openapi"])
	}
	if info := doc["info"].(map[string]any); info["title"] != "Docs Test" || info["version"] != "2.3.4" {
		t.Errorf("info %v", info)
	}
	var d openapi.Document
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}

	// Every route of the engine, in OpenAPI syntax; the docs routes are not.
	var ops []string
	for p, item := range d.Paths {
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"} {
			if item.Operation(m) != nil {
				ops = append(ops, m+" "+p)
			}
		}
	}
	want := []string{
		"GET /api/items/", "POST /api/items/", "GET /api/items/{id}", "DELETE /api/items/{id}",
		"GET /api/admin/stats", "GET /api/things/{thing}", "GET /version",
		"GET /api/health/", "GET /api/health/live", "GET /api/health/ready", // "/api/health" is the same route: hidden
	}
	if !sameStrings(ops, want) {
		t.Errorf("operations:\n got %v\nwant %v", ops, want)
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
	// Path parameters, typed by PathParams or strings.
	if p := get("GET", "/api/items/{id}").Parameters; len(p) != 1 || p[0].Name != "id" || p[0].In != "path" || !p[0].Required || p[0].Schema.Format != "uuid" {
		t.Errorf("GET item params %+v", p)
	}
	if p := get("GET", "/api/things/{thing}").Parameters; len(p) != 1 || p[0].Name != "thing" || p[0].Schema.Type[0] != "string" {
		t.Errorf("thing params %+v", p)
	}
	// Security and roles.
	for _, tc := range []struct{ method, path, role, text string }{
		{"POST", "/api/items/", "writer", "with role `writer` or higher"},
		{"GET", "/api/items/{id}", "", "of an active user."},
		{"DELETE", "/api/items/{id}", "admin", "with role `admin` or higher"},
		{"GET", "/api/admin/stats", "superadmin", "superuser (role `superadmin` and `is_superuser=true`)"},
	} {
		op := get(tc.method, tc.path)
		if len(op.Security) != 1 || op.Security[0]["bearerAuth"] == nil {
			t.Errorf("%s %s: security %v", tc.method, tc.path, op.Security)
		}
		if op.RequiredRole != tc.role || !strings.Contains(op.Description, tc.text) {
			t.Errorf("%s %s: role %q, description %q", tc.method, tc.path, op.RequiredRole, op.Description)
		}
		if _, ok := op.Responses["401"]; !ok {
			t.Errorf("%s %s: no 401", tc.method, tc.path)
		}
	}
	for _, op := range []*openapi.OperationObject{get("GET", "/api/items/"), get("GET", "/version"), get("GET", "/api/health/")} {
		if len(op.Security) != 0 {
			t.Errorf("%s: unexpected security", op.OperationID)
		}
	}
	if s := d.Components.SecuritySchemes["bearerAuth"]; s.Type != "http" || s.Scheme != "bearer" || s.BearerFormat != "JWT" {
		t.Errorf("bearerAuth %+v", s)
	}
	// Schemas from the Go types.
	if body := get("POST", "/api/items/").RequestBody; body == nil || body.Content["application/json"].Schema.Ref != "#/components/schemas/testItemCreate" {
		t.Errorf("request body %+v", body)
	}
	if c := d.Components.Schemas["testItemCreate"]; c == nil || c.Properties["name"].MaxLength == nil || *c.Properties["name"].MaxLength != 80 {
		t.Errorf("testItemCreate %+v", c)
	}
	// httpmod.ErrorBody is the shared HTTPError component.
	if ref := get("GET", "/api/admin/stats").Responses["409"].Content["application/json"].Schema.Ref; ref != "#/components/schemas/HTTPError" {
		t.Errorf("ErrorBody: %s", ref)
	}
	if _, ok := d.Components.Schemas["ErrorBody"]; ok {
		t.Error("httpmod.ErrorBody became its own component")
	}
	// Summaries and tags: the service's first, the kit's health tag last.
	if get("GET", "/api/things/{thing}").Summary != "Read a thing" || get("GET", "/version").Summary != "Version" {
		t.Error("DescribeIn / DescribeRoot summaries missing")
	}
	if get("GET", "/api/health/live").Summary != "Liveness probe" {
		t.Error("the kit's health routes are not described")
	}
	var tags []string
	for _, tag := range d.Tags {
		tags = append(tags, tag.Name)
	}
	if strings.Join(tags, ",") != "items,things,meta,health" {
		t.Errorf("tags %v", tags)
	}

	// The description of a route that does not exist is logged.
	found := false
	for _, e := range app.Logs.FilterMessage("openapi: a description matches no registered route").All() {
		if e.ContextMap()["path"] == "/api/nowhere" {
			found = true
		}
	}
	if !found {
		t.Error("no warning for the unmatched description")
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
	var docs *httpmod.Docs
	app := newDocsApp(t, nil, fx.Populate(&docs))
	docs.Describe("GET", "/api/items/", openapi.Operation{Summary: "Changed"})
	doc, _ := getJSON(t, app, "/api/openapi.json")
	if s := doc["paths"].(map[string]any)["/api/items/"].(map[string]any)["get"].(map[string]any)["summary"]; s != "Changed" {
		t.Fatalf("summary %v", s)
	}
	generated, err := docs.Document()
	if err != nil || generated.Paths["/api/items/"].Get.Summary != "Changed" {
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
		if got := rec.Header().Get("Content-Security-Policy"); got != httpmod.DocsContentSecurityPolicy {
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
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Security-Policy") != httpmod.DocsContentSecurityPolicy {
			t.Errorf("GET %s: %d CSP %q", path, rec.Code, rec.Header().Values("Content-Security-Policy"))
		}
		if rec.Header().Get("X-Frame-Options") != "DENY" {
			t.Errorf("GET %s: the production headers are gone: %v", path, rec.Header())
		}
	}
	// Other routes keep the strict production policy.
	if csp := app.Get("/api/items/").Header().Get("Content-Security-Policy"); csp == httpmod.DocsContentSecurityPolicy || csp == "" {
		t.Errorf("items CSP %q", csp)
	}
}

func TestCustomOpenAPIDocument(t *testing.T) {
	custom := `{"openapi":"3.1.0","info":{"title":"Hand-written","version":"9"},"paths":{}}`
	var docs *httpmod.Docs
	app := newDocsApp(t, nil, httpmod.OpenAPIDocument([]byte(custom)), fx.Populate(&docs))
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
		{"not JSON", []fx.Option{httpmod.OpenAPIDocument([]byte(`{"openapi":`))}, "custom OpenAPI document"},
		{"no openapi field", []fx.Option{httpmod.OpenAPIDocument([]byte(`{"swagger":"2.0"}`))}, "custom OpenAPI document"},
		{"two documents", []fx.Option{
			httpmod.OpenAPIDocument([]byte(`{"openapi":"3.1.0"}`)), httpmod.OpenAPIDocument([]byte(`{"openapi":"3.1.0"}`)),
		}, "more than one custom OpenAPI document"},
		{"customizer error", []fx.Option{httpmod.CustomizeOpenAPI(func(*openapi.Document) error { return errors.New("boom") })}, "boom"},
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
		httpmod.CustomizeOpenAPI(func(d *openapi.Document) error {
			d.Servers = []openapi.Server{{URL: "https://api.example.com", Description: "production"}}
			return nil
		}),
		fx.Decorate(func(c httpmod.DocsConfig) httpmod.DocsConfig {
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
	d := httpmod.NewDocs(s, httpmod.DocsConfig{}, nil)
	if _, err := d.Document(); !errors.Is(err, httpmod.ErrDocsNotAttached) {
		t.Fatalf("Document(): %v", err)
	}
	if _, err := d.JSON(); !errors.Is(err, httpmod.ErrDocsNotAttached) {
		t.Fatalf("JSON(): %v", err)
	}
	if o, sw, r := d.Enabled(); !o || sw || r {
		t.Fatalf("Enabled() %v %v %v", o, sw, r)
	}
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	count := map[string]int{}
	for _, s := range a {
		count[s]++
	}
	for _, s := range b {
		count[s]--
	}
	for _, n := range count {
		if n != 0 {
			return false
		}
	}
	return true
}
