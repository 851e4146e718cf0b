package docsmod_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"

	"github.com/m8fx/kit/docsmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/openapi"
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
	Name  string `json:"name" validate:"max=80"`
	Notes string `json:"notes,omitempty" validate:"max_of=notes_len"`
}

type testCreate struct {
	Body testItemCreate
}

type testItemPath struct {
	ID string `uri:"id" validate:"uuid"`
}

type testGetInput struct {
	ID string `path:"id" validate:"uuid"`
}

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode) // no route listing on stdout
	os.Exit(m.Run())
}

func ok(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"ok": true}) }

// keyGuard is a route guard as authmod's are: it admits requests with an
// X-Key header and documents its security requirement, its scheme, an
// extension and its 401.
type keyGuard struct{}

func (g keyGuard) ConfigureRoute(c *httpmod.RouteConfig) { c.Guards = append(c.Guards, g) }

func (keyGuard) GuardHandler() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.GetHeader("X-Key") == "" {
			httpmod.AbortWithDetail(c, http.StatusUnauthorized, "Not authenticated")
			return
		}
		c.Next()
	}
}

func (keyGuard) GuardDoc() openapi.Operation {
	return openapi.Operation{
		Description:     "Needs an X-Key header.",
		Security:        []openapi.SecurityReq{{"keyAuth": {}}},
		SecuritySchemes: map[string]openapi.SecurityScheme{"keyAuth": {Type: "apiKey", In: "header", Name: "X-Key"}},
		Extensions:      map[string]any{"x-test-guard": "key"},
		Responses:       map[int]openapi.Response{http.StatusUnauthorized: {Description: "No key", Body: httpmod.ErrorBody{}}},
	}
}

// docsTestOptions: routes declared with httpmod.Route and httpmod.Handle
// (one guarded, one with an alias, one HEAD declared by hand), raw gin
// routes under API_PREFIX and at the root described with Describe and
// DescribeRoot, one raw route nobody describes, and a runtime limit.
func docsTestOptions() []fx.Option {
	return []fx.Option{
		httpmod.AsLimit(func() httpmod.Limit { return httpmod.Limit{Name: "notes_len", Value: 500} }),
		httpmod.AsRoutes(func() httpmod.Routes {
			return httpmod.RoutesFunc(func(r *httpmod.Router) {
				g := r.Group("/items", httpmod.Doc{Tags: []string{"items"}})
				httpmod.Route(g, http.MethodPost, "/", func(_ context.Context, in *testCreate) (*testItem, error) {
					return &testItem{Name: in.Body.Name}, nil
				}, httpmod.Status(http.StatusCreated), httpmod.Doc{Summary: "Create an item"})
				httpmod.Handle(g, http.MethodGet, "/", ok, httpmod.Doc{Summary: "List items"},
					httpmod.Responds(http.StatusOK, "The items", []testItem{}), httpmod.Alias(""))
				httpmod.Route(g, http.MethodDelete, "/:id", func(context.Context, *testGetInput) (*httpmod.NoContent, error) {
					return &httpmod.NoContent{}, nil
				}, keyGuard{}, httpmod.Status(http.StatusNoContent), httpmod.Doc{Summary: "Delete an item"},
					httpmod.Responds(http.StatusNotFound, "No such item", nil))
				httpmod.Handle(r, http.MethodHead, "/ping", func(c *gin.Context) { c.Status(http.StatusNoContent) },
					httpmod.Doc{Summary: "Ping"})
				httpmod.Handle(r, http.MethodGet, "/ping", ok, httpmod.Doc{Summary: "Ping with a body"})
				r.Gin().GET("/items/:id", ok)
				r.Gin().GET("/admin/stats", ok)
			})
		}),
		httpmod.AsRootRoutes(func() httpmod.Routes {
			return httpmod.RoutesFunc(func(r *httpmod.Router) { r.Gin().GET("/version", ok) })
		}),
		docsmod.Describe("GET", "/items/{id}", openapi.Operation{
			Summary: "Read an item", Tags: []string{"items"}, PathParams: testItemPath{},
			Responses: map[int]openapi.Response{200: {Body: testItem{}}, 404: {Body: openapi.ErrorBody()}},
		}),
		// A second description of the same raw route merges with the first.
		docsmod.Describe("GET", "/items/:id", openapi.Operation{Description: "By id.", Deprecated: true}),
		docsmod.DescribeRoot("GET", "/version", openapi.Operation{Summary: "Version", Tags: []string{"meta"}}),
	}
}

func newDocsApp(t *testing.T, env map[string]string, opts ...fx.Option) *fxtest_helpers.App {
	t.Helper()
	all := docsBaseEnv()
	maps.Copy(all, env)
	return fxtest_helpers.New(t, fxtest_helpers.WithEnv(all),
		fxtest_helpers.WithOptions(append(docsTestOptions(), opts...)...))
}

func docsBuildErr(t *testing.T, env map[string]string, opts ...fx.Option) error {
	t.Helper()
	all := docsBaseEnv()
	maps.Copy(all, env)
	return fxtest_helpers.BuildErr(t, fxtest_helpers.WithEnv(all),
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

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestModuleStartErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		opts []fx.Option
		want string
	}{
		{"not JSON", nil, []fx.Option{docsmod.OpenAPIDocument([]byte(`{"openapi":`))}, "custom OpenAPI document"},
		{"no openapi field", nil, []fx.Option{docsmod.OpenAPIDocument([]byte(`{"swagger":"2.0"}`))}, "custom OpenAPI document"},
		{"an invalid custom document fails with the docs off too", map[string]string{"ENVIRONMENT": "production"},
			[]fx.Option{docsmod.OpenAPIDocument([]byte(`[]`))}, "custom OpenAPI document"},
		{"two documents", nil, []fx.Option{
			docsmod.OpenAPIDocument([]byte(`{"openapi":"3.1.0"}`)), docsmod.OpenAPIDocument([]byte(`{"openapi":"3.1.0"}`)),
		}, "docsmod: more than one custom OpenAPI document"},
		{"customizer error", nil, []fx.Option{docsmod.CustomizeOpenAPI(func(*openapi.Document) error { return errors.New("boom") })},
			"docsmod: customizing the OpenAPI document: boom"},
		{"a Config customizer error", nil, []fx.Option{fx.Decorate(func(c docsmod.Config) docsmod.Config {
			c.Customize = func(*openapi.Document) error { return errors.New("bang") }
			return c
		})}, "bang"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := docsBuildErr(t, tc.env, tc.opts...)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v, want one line with %q", err, tc.want)
			}
		})
	}
}

func TestModuleCustomizersDoNotRunWhenTheDocumentIsOff(t *testing.T) {
	called := false
	app := newDocsApp(t, map[string]string{"SET_OPEN_API": "false"}, docsmod.CustomizeOpenAPI(func(*openapi.Document) error {
		called = true
		return errors.New("not called")
	}))
	if called {
		t.Error("a customizer ran for a document that is not served")
	}
	if rec := app.Get("/api/openapi.json"); rec.Code != http.StatusNotFound {
		t.Errorf("openapi.json: %d", rec.Code)
	}
}

// Describe paths are relative to API_PREFIX, DescribeRoot paths to the
// engine root.
func TestModuleDescribePaths(t *testing.T) {
	app := fxtest_helpers.New(t, fxtest_helpers.WithEnv(docsBaseEnv()), fxtest_helpers.WithSetting("API_PREFIX", "/v2"),
		fxtest_helpers.WithOptions(
			httpmod.AsRoutes(func() httpmod.Routes {
				return httpmod.RoutesFunc(func(r *httpmod.Router) {
					r.Gin().GET("/a/:x", ok)
					r.Gin().GET("/b", ok)
				})
			}),
			httpmod.AsRootRoutes(func() httpmod.Routes {
				return httpmod.RoutesFunc(func(r *httpmod.Router) { r.Gin().GET("/c", ok) })
			}),
			docsmod.Describe("GET", "/a/{x}", openapi.Operation{Summary: "A"}),
			docsmod.DescribeRoot("GET", "/v2/b", openapi.Operation{Summary: "B"}),
			docsmod.DescribeRoot("get", "/c", openapi.Operation{Summary: "C"}),
		))
	doc, _ := getJSON(t, app, "/v2/openapi.json")
	paths := doc["paths"].(map[string]any)
	for path, summary := range map[string]string{"/v2/a/{x}": "A", "/v2/b": "B", "/c": "C"} {
		item, _ := paths[path].(map[string]any)
		op, _ := item["get"].(map[string]any)
		if op["summary"] != summary {
			t.Errorf("GET %s: %v", path, op)
		}
	}
	if rec := app.Get("/v2/docs"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `data-openapi-url="/v2/openapi.json"`) {
		t.Errorf("docs page under the prefix: %d", rec.Code)
	}
}

func TestModuleDocsConfig(t *testing.T) {
	var cfg docsmod.Config
	var docs *docsmod.Docs
	app := newDocsApp(t, nil, fx.Populate(&cfg, &docs))
	if cfg.Info.Title != "Docs Test" || cfg.Info.Version != "2.3.4" || len(cfg.Servers) != 1 || cfg.Servers[0].URL != "/" {
		t.Errorf("config %+v", cfg)
	}
	if o, s, r := docs.Enabled(); !o || !s || !r {
		t.Errorf("Enabled() %v %v %v", o, s, r)
	}
	if rec := app.Get("/api/openapi.json"); rec.Code != http.StatusOK {
		t.Errorf("openapi.json: %d", rec.Code)
	}
}
