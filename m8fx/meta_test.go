package m8fx_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/m8fx"
	"github.com/m8fx/kit/settingsmod"
)

// TestMetaRoutesInTheBundle: m8fx.Module serves /meta and /ping under
// API_PREFIX with the settings' values.
func TestMetaRoutesInTheBundle(t *testing.T) {
	app := fxtest_helpers.New(t, fxtest_helpers.WithEnv(map[string]string{
		"PROJECT_NAME":     "items",
		"SERVICE_VERSION":  "1.4.2",
		"API_VERSION":      "v2",
		"CONTRACT_NAME":    "items-contract",
		"CONTRACT_VERSION": "3.1.0",
		"CONTRACT_RANGE":   ">=3.0.0 <4.0.0",
	}))

	rec := app.Get("/api/meta")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/meta: %d %s", rec.Code, rec.Body)
	}
	want := `{"service":"items","version":"1.4.2","api_version":"v2","contract":{"name":"items-contract","version":"3.1.0","range":">=3.0.0 <4.0.0"}}`
	if !sameJSON(t, rec.Body.String(), want) {
		t.Errorf("body %s\nwant %s", rec.Body, want)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "public, max-age=300" {
		t.Errorf("Cache-Control %q", cc)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	// HEAD answers like GET, Cache-Control included.
	head := app.Do(httptest.NewRequest(http.MethodHead, "/api/meta", nil))
	if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("Cache-Control") != "public, max-age=300" {
		t.Errorf("HEAD /api/meta: %d %v, %d bytes", head.Code, head.Header(), head.Body.Len())
	}

	ping := app.Get("/api/ping")
	if ping.Code != http.StatusOK || ping.Body.String() != `{"status":"ok"}` {
		t.Errorf("GET /api/ping: %d %s", ping.Code, ping.Body)
	}
	if cc := ping.Header().Get("Cache-Control"); cc == "public, max-age=300" {
		t.Errorf("/ping is cached publicly: %q", cc)
	}
}

// TestMetaDefaultsAndOmittedFields: unset versions are left out of the
// JSON (never a boot error), API_VERSION defaults to v1 and CONTRACT_NAME
// to PROJECT_NAME.
func TestMetaDefaultsAndOmittedFields(t *testing.T) {
	app := fxtest_helpers.New(t, fxtest_helpers.WithSetting("PROJECT_NAME", "items"))
	body := decodeObject(t, app.Get("/api/meta"))
	if body["service"] != "items" || body["api_version"] != "v1" || body["version"] != "0.0.0-dev" {
		t.Errorf("body %v", body)
	}
	contract, _ := body["contract"].(map[string]any)
	if len(contract) != 1 || contract["name"] != "items" {
		t.Errorf("contract %v, want only the name (version and range left out)", contract)
	}

	// A service that clears its version: the key is left out too.
	app = fxtest_helpers.New(t, fxtest_helpers.Decorate(func(c m8fx.MetaConfig) m8fx.MetaConfig {
		c.Version = ""
		return c
	}))
	if body := decodeObject(t, app.Get("/api/meta")); hasKey(body, "version") {
		t.Errorf("empty version not left out: %v", body)
	}
}

// TestMetaRoutesWithoutFx: NewMetaRoutes serves on a plain router from a
// MetaConfig, with the same defaults.
func TestMetaRoutesWithoutFx(t *testing.T) {
	engine := gin.New()
	table := httpmod.NewRouteTable(httpmod.RouteTableConfig{})
	m8fx.NewMetaRoutes(m8fx.MetaConfig{Service: "svc", ContractRange: "^2"}).
		Register(httpmod.NewRouter(engine.Group("/v"), table))
	if err := table.Err(); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	engine.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v/meta", nil))
	want := `{"service":"svc","api_version":"v1","contract":{"name":"svc","range":"^2"}}`
	if rec.Code != http.StatusOK || rec.Body.String() != want || rec.Header().Get("Cache-Control") != m8fx.MetaCacheControl {
		t.Errorf("GET /v/meta: %d %v %s\nwant %s", rec.Code, rec.Header(), rec.Body, want)
	}
}

func TestMetaConfigFromSettings(t *testing.T) {
	if got, want := m8fx.MetaConfigFromSettings(nil), (m8fx.MetaConfig{APIVersion: "v1"}); got != want {
		t.Errorf("nil settings: %+v, want %+v", got, want)
	}
	s := &settingsmod.Settings{ProjectName: "p", ServiceVersion: "1", ContractVersion: "2", ContractRange: "~2"}
	want := m8fx.MetaConfig{Service: "p", Version: "1", APIVersion: "v1", ContractName: "p", ContractVersion: "2", ContractRange: "~2"}
	if got := m8fx.MetaConfigFromSettings(s); got != want {
		t.Errorf("%+v, want %+v", got, want)
	}
	s.APIVersion, s.ContractName = "v3", "c"
	if got := m8fx.MetaConfigFromSettings(s); got.APIVersion != "v3" || got.ContractName != "c" {
		t.Errorf("%+v", got)
	}
}

// TestMetaRoutesYieldToTheService: a service that declares its own GET
// {API_PREFIX}/ping keeps it (no "declared twice" at start); /meta stays
// the kit's.
func TestMetaRoutesYieldToTheService(t *testing.T) {
	app := fxtest_helpers.New(t, fxtest_helpers.WithOptions(httpmod.AsRoutes(func() httpmod.Routes {
		return httpmod.RoutesFunc(func(r *httpmod.Router) {
			httpmod.Handle(r, http.MethodGet, "/ping", func(c *gin.Context) { c.String(http.StatusOK, "pong") })
		})
	})))
	if rec := app.Get("/api/ping"); rec.Code != http.StatusOK || rec.Body.String() != "pong" {
		t.Errorf("GET /api/ping: %d %s, want the service's pong", rec.Code, rec.Body)
	}
	if rec := app.Get("/api/meta"); rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != m8fx.MetaCacheControl {
		t.Errorf("GET /api/meta: %d %v", rec.Code, rec.Header())
	}
}

// TestMetaRoutesIgnoreReadiness: both routes answer before the app is
// ready (here: never started), while /health says initializing.
func TestMetaRoutesIgnoreReadiness(t *testing.T) {
	app := fxtest_helpers.New(t, fxtest_helpers.NoStart())
	if rec := app.Get("/api/health"); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("health before start: %d", rec.Code)
	}
	for _, path := range []string{"/api/meta", "/api/ping"} {
		if rec := app.Get(path); rec.Code != http.StatusOK {
			t.Errorf("GET %s before start: %d %s", path, rec.Code, rec.Body)
		}
	}
}

// TestMetaRoutesDocumented: both operations are in the OpenAPI document
// under the tag meta, with a summary, public, answering their typed bodies.
func TestMetaRoutesDocumented(t *testing.T) {
	app := fxtest_helpers.New(t)
	rec := app.Get("/api/openapi.json")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api/openapi.json: %d", rec.Code)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Summary   string                     `json:"summary"`
			Tags      []string                   `json:"tags"`
			Security  *[]any                     `json:"security"`
			Responses map[string]json.RawMessage `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Required   []string                   `json:"required"`
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for path, schema := range map[string]string{"/api/meta": "MetaBody", "/api/ping": "PingBody"} {
		op, ok := doc.Paths[path]["get"]
		if !ok {
			t.Errorf("%s: no GET operation in the document", path)
			continue
		}
		if !slices.Equal(op.Tags, []string{"meta"}) || op.Summary == "" {
			t.Errorf("%s: tags %v, summary %q", path, op.Tags, op.Summary)
		}
		if op.Security == nil || len(*op.Security) != 0 {
			t.Errorf("%s: security %v, want [] (public)", path, op.Security)
		}
		if ok200 := string(op.Responses["200"]); !strings.Contains(ok200, "#/components/schemas/"+schema) {
			t.Errorf("%s: 200 is %s, want a %s", path, ok200, schema)
		}
	}
	meta := doc.Components.Schemas["MetaBody"]
	if slices.Contains(meta.Required, "version") || !slices.Contains(meta.Required, "service") || !slices.Contains(meta.Required, "contract") {
		t.Errorf("MetaBody required %v", meta.Required)
	}
	contract := doc.Components.Schemas["MetaContract"]
	if !slices.Equal(contract.Required, []string{"name"}) || len(contract.Properties) != 3 {
		t.Errorf("MetaContract required %v, properties %d", contract.Required, len(contract.Properties))
	}
}

// TestRequireContract: with the option, a missing CONTRACT_VERSION fails
// the boot with one line naming it; a set one (or one decorated in) boots.
func TestRequireContract(t *testing.T) {
	err := fxtest_helpers.BuildErr(t, fxtest_helpers.WithOptions(m8fx.RequireContract()))
	if err == nil {
		t.Fatal("built without CONTRACT_VERSION")
	}
	if msg := err.Error(); !strings.Contains(msg, "CONTRACT_VERSION") || strings.Contains(msg, "\n") {
		t.Errorf("boot error %q: want one line naming CONTRACT_VERSION", msg)
	}

	app := fxtest_helpers.New(t, fxtest_helpers.WithSetting("CONTRACT_VERSION", "1.0.0"),
		fxtest_helpers.WithOptions(m8fx.RequireContract()))
	if body := decodeObject(t, app.Get("/api/meta")); body["contract"].(map[string]any)["version"] != "1.0.0" {
		t.Errorf("body %v", body)
	}

	fxtest_helpers.New(t, fxtest_helpers.WithOptions(m8fx.RequireContract()),
		fxtest_helpers.Decorate(func(c m8fx.MetaConfig) m8fx.MetaConfig {
			c.ContractVersion = "2.0.0"
			return c
		}))
}

func decodeObject(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	return out
}

// sameJSON reports whether two JSON texts hold the same value (the engine
// writes < and > as \u003c and \u003e).
func sameJSON(t *testing.T, a, b string) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal([]byte(a), &va); err != nil {
		t.Fatalf("%v: %s", err, a)
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	return reflect.DeepEqual(va, vb)
}

func hasKey(m map[string]any, k string) bool { _, ok := m[k]; return ok }
