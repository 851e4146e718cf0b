package healthmod

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/internal/version"
	"github.com/m8fx/kit/settingsmod"
)

// server is a gin engine with the handler mounted under /api.
type server struct {
	engine    *gin.Engine
	readiness *Readiness
	handler   *Handler
}

func newServer(cfg Config, s *settingsmod.Settings, checks ...Check) *server {
	rd := NewReadiness()
	h := NewHandler(HandlerParams{Settings: s, Config: cfg, Runner: NewRunner(cfg, checks), Readiness: rd})
	engine := gin.New()
	mustRegister(h, engine.Group("/api"))
	return &server{engine: engine, readiness: rd, handler: h}
}

// mustRegister declares the handler's routes on g into a fresh route table
// and panics on a declaration error; it returns the table.
func mustRegister(h *Handler, g *gin.RouterGroup) *httpmod.RouteTable {
	table := httpmod.NewRouteTable(httpmod.RouteTableConfig{})
	h.Register(httpmod.NewRouter(g, table))
	if err := table.Err(); err != nil {
		panic(err)
	}
	return table
}

func (s *server) get(t *testing.T, path string, header http.Header) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for k, vs := range header {
		req.Header[k] = vs
	}
	rec := httptest.NewRecorder()
	s.engine.ServeHTTP(rec, req)
	if got := rec.Header().Get("Cache-Control"); got != "no-store" {
		t.Errorf("%s: Cache-Control = %q, want no-store", path, got)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: Content-Type = %q", path, ct)
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("%s: body %q: %v", path, rec.Body.String(), err)
	}
	return rec, body
}

func noCacheCfg() Config {
	cfg := DefaultConfig()
	cfg.CacheTTL = 0
	cfg.Timeout = 5 * time.Second
	cfg.ServiceName = "Item Service"
	cfg.ServiceVersion = "1.0.0"
	return cfg
}

func tokenHeader(v string) http.Header { return http.Header{InternalTokenHeader: {v}} }

func TestHealthNotReady(t *testing.T) {
	tests := []struct {
		name     string
		prepare  func(*Readiness)
		paths    []string
		wantBody map[string]any
	}{
		{"starting", func(*Readiness) {}, []string{"/api/health/", "/api/health", "/api/health/ready"},
			map[string]any{"status": "initializing", "ready": false}},
		// While draining only readiness says 503; /health/ keeps reporting
		// (TestHealthWhileDraining).
		{"draining", func(r *Readiness) { r.MarkReady(); r.MarkDraining() }, []string{"/api/health/ready"},
			map[string]any{"status": "draining", "ready": false}},
	}
	for _, tt := range tests {
		for _, path := range tt.paths {
			t.Run(tt.name+" "+path, func(t *testing.T) {
				c := statusCheck("db", StatusOK)
				cfg := noCacheCfg()
				cfg.DetailPublic = true // detail never shows before ready
				s := newServer(cfg, nil, c)
				tt.prepare(s.readiness)
				rec, body := s.get(t, path, nil)
				if rec.Code != http.StatusServiceUnavailable {
					t.Errorf("code = %d, want 503", rec.Code)
				}
				if !reflect.DeepEqual(body, tt.wantBody) {
					t.Errorf("body = %v, want %v", body, tt.wantBody)
				}
				if c.calls.Load() != 0 {
					t.Error("checks ran before ready")
				}
			})
		}
	}
}

// TestHealthWhileDraining: during the drain the service still serves, so
// /health/ keeps answering the report (only readiness turns to
// 503).
func TestHealthWhileDraining(t *testing.T) {
	c := statusCheck("db", StatusOK)
	s := newServer(noCacheCfg(), nil, c)
	s.readiness.MarkReady()
	s.readiness.MarkDraining()
	for _, path := range []string{"/api/health/", "/api/health"} {
		rec, body := s.get(t, path, nil)
		if rec.Code != http.StatusOK || body["status"] != "ok" {
			t.Errorf("%s while draining: %d %v, want 200 ok", path, rec.Code, body)
		}
	}
	if c.calls.Load() == 0 {
		t.Error("checks did not run while draining")
	}
}

func TestHealthPublicAnswer(t *testing.T) {
	tests := []struct {
		name     string
		policy   Policy
		status   Status
		wantCode int
		wantBody string
	}{
		{"ok", PolicyLenient, StatusOK, 200, "ok"},
		{"degraded", PolicyLenient, StatusDegraded, 200, "degraded"},
		{"unknown lenient", PolicyLenient, StatusUnknown, 200, "unknown"},
		{"unknown strict", PolicyStrict, StatusUnknown, 503, "fail"},
		{"fail", PolicyLenient, StatusFail, 503, "fail"},
	}
	for _, tt := range tests {
		for _, path := range []string{"/api/health/", "/api/health", "/api/health/ready"} {
			t.Run(tt.name+" "+path, func(t *testing.T) {
				cfg := noCacheCfg()
				cfg.Policy = tt.policy
				s := newServer(cfg, nil, statusCheck("db", tt.status), statusCheck("cache", StatusOK))
				s.readiness.MarkReady()
				rec, body := s.get(t, path, nil)
				if rec.Code != tt.wantCode {
					t.Errorf("code = %d, want %d", rec.Code, tt.wantCode)
				}
				if want := map[string]any{"status": tt.wantBody}; !reflect.DeepEqual(body, want) {
					t.Errorf("body = %v, want %v", body, want)
				}
			})
		}
	}
}

func TestHealthBothPathsAnswerWithoutRedirect(t *testing.T) {
	s := newServer(noCacheCfg(), nil)
	s.readiness.MarkReady()
	for _, path := range []string{"/api/health", "/api/health/"} {
		rec, _ := s.get(t, path, nil)
		if rec.Code != http.StatusOK || rec.Header().Get("Location") != "" {
			t.Errorf("%s: code %d, Location %q", path, rec.Code, rec.Header().Get("Location"))
		}
	}
}

func TestHealthDetailAuthorisation(t *testing.T) {
	const hdc, pas = "health-cred", "private-secret"
	both := &settingsmod.Settings{HealthDetailCredential: hdc, PrivateAPISecret: pas}
	onlyPrivate := &settingsmod.Settings{PrivateAPISecret: pas}
	neither := &settingsmod.Settings{}
	allow := func(*http.Request) bool { return true }
	deny := func(*http.Request) bool { return false }
	byHeader := func(r *http.Request) bool { return r.Header.Get("X-From") == "mesh" }
	boom := func(*http.Request) bool { panic("authorizer bug") }

	tests := []struct {
		name       string
		settings   *settingsmod.Settings
		public     bool
		authorizer func(*http.Request) bool
		header     http.Header
		wantDetail bool
	}{
		{"no credential sent", both, false, nil, nil, false},
		{"health credential", both, false, nil, tokenHeader(hdc), true},
		{"private secret when a health credential is set", both, false, nil, tokenHeader(pas), false},
		{"private secret when no health credential", onlyPrivate, false, nil, tokenHeader(pas), true},
		{"wrong token", both, false, nil, tokenHeader("guess"), false},
		{"wrong token, private only", onlyPrivate, false, nil, tokenHeader("guess"), false},
		{"empty token, nothing configured", neither, false, nil, tokenHeader(""), false},
		{"any token, nothing configured", neither, false, nil, tokenHeader("x"), false},
		{"nil settings", nil, false, nil, tokenHeader(""), false},
		{"detail public", neither, true, nil, nil, true},
		{"authorizer grants", neither, false, allow, nil, true},
		{"authorizer denies", neither, false, deny, nil, false},
		{"authorizer denies, token grants", both, false, deny, tokenHeader(hdc), true},
		{"authorizer looks at the request", neither, false, byHeader, http.Header{"X-From": {"mesh"}}, true},
		{"authorizer looks at the request, other", neither, false, byHeader, http.Header{"X-From": {"web"}}, false},
		{"panicking authorizer denies", neither, false, boom, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := noCacheCfg()
			cfg.DetailPublic = tt.public
			cfg.DetailAuthorizer = tt.authorizer
			s := newServer(cfg, tt.settings, statusCheck("db", StatusOK))
			s.readiness.MarkReady()
			for _, path := range []string{"/api/health/", "/api/health"} {
				rec, body := s.get(t, path, tt.header)
				if rec.Code != http.StatusOK {
					t.Errorf("%s: code = %d, want 200", path, rec.Code)
				}
				_, detail := body["checks"]
				if detail != tt.wantDetail {
					t.Errorf("%s: detail = %v, want %v (body %v)", path, detail, tt.wantDetail, body)
				}
				if !tt.wantDetail && len(body) != 1 {
					t.Errorf("%s: public body has extra fields: %v", path, body)
				}
				for _, v := range tt.header[InternalTokenHeader] {
					if v != "" && strings.Contains(rec.Body.String(), v) {
						t.Errorf("%s: body echoes the token", path)
					}
				}
			}
		})
	}
}

func TestHealthDetailBody(t *testing.T) {
	cfg := noCacheCfg()
	cfg.DetailPublic = true
	db := NewCheck("database", func(context.Context) error {
		return errors.New("dial postgres://app:p%40ss@db:5432/x failed")
	})
	s := newServer(cfg, nil, db, statusCheck("cache", StatusDegraded))
	s.readiness.MarkReady()
	rec, body := s.get(t, "/api/health/", nil)
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("code = %d, want 503", rec.Code)
	}
	if body["status"] != "fail" || body["service"] != "Item Service" || body["version"] != "1.0.0" || body["m8fx"] != version.Kit {
		t.Errorf("body = %v", body)
	}
	if len(body) != 5 {
		t.Errorf("detail body keys = %v, want status checks service version m8fx", body)
	}
	checks, _ := body["checks"].([]any)
	if len(checks) != 2 {
		t.Fatalf("checks = %v", body["checks"])
	}
	cache, dbRes := checks[0].(map[string]any), checks[1].(map[string]any)
	if cache["name"] != "cache" || cache["status"] != "degraded" || cache["ok"] != false || cache["error"] != nil {
		t.Errorf("cache = %v", cache)
	}
	if _, ok := cache["latency_ms"].(float64); !ok {
		t.Errorf("cache latency_ms = %v", cache["latency_ms"])
	}
	if dbRes["name"] != "database" || dbRes["status"] != "fail" || dbRes["error"] != "dial postgres://***:***@db:5432/x failed" {
		t.Errorf("database = %v", dbRes)
	}
	if strings.Contains(rec.Body.String(), "p%40ss") {
		t.Error("body leaks the password")
	}
}

func TestHealthDetailWithoutChecksIsEmptyList(t *testing.T) {
	cfg := noCacheCfg()
	cfg.DetailPublic = true
	s := newServer(cfg, nil)
	s.readiness.MarkReady()
	rec, body := s.get(t, "/api/health/", nil)
	if rec.Code != http.StatusOK || body["status"] != "ok" {
		t.Fatalf("code %d body %v", rec.Code, body)
	}
	if checks, ok := body["checks"].([]any); !ok || len(checks) != 0 {
		t.Errorf("checks = %#v, want []", body["checks"])
	}
}

func TestReadyNeverShowsDetail(t *testing.T) {
	cfg := noCacheCfg()
	cfg.DetailPublic = true
	s := newServer(cfg, &settingsmod.Settings{PrivateAPISecret: "p"}, statusCheck("db", StatusOK))
	s.readiness.MarkReady()
	rec, body := s.get(t, "/api/health/ready", tokenHeader("p"))
	if rec.Code != 200 || !reflect.DeepEqual(body, map[string]any{"status": "ok"}) {
		t.Errorf("code %d body %v", rec.Code, body)
	}
}

func TestLive(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(*Readiness)
	}{
		{"starting", func(*Readiness) {}},
		{"ready", (*Readiness).MarkReady},
		{"draining", (*Readiness).MarkDraining},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := statusCheck("db", StatusFail)
			s := newServer(noCacheCfg(), nil, c)
			tt.prepare(s.readiness)
			rec, body := s.get(t, "/api/health/live", nil)
			if rec.Code != http.StatusOK || !reflect.DeepEqual(body, map[string]any{"status": "ok"}) {
				t.Errorf("code %d body %v", rec.Code, body)
			}
			if c.calls.Load() != 0 {
				t.Error("live ran the checks")
			}
		})
	}
}

func TestHandlerUsesRunnerCache(t *testing.T) {
	cfg := noCacheCfg()
	cfg.CacheTTL = time.Hour
	c := statusCheck("db", StatusOK)
	s := newServer(cfg, nil, c)
	s.readiness.MarkReady()
	for _, p := range []string{"/api/health/", "/api/health", "/api/health/ready"} {
		s.get(t, p, nil)
	}
	if got := c.calls.Load(); got != 1 {
		t.Errorf("checks ran %d times, want 1", got)
	}
}

func TestRegisterAtRoot(t *testing.T) {
	h := NewHandler(HandlerParams{Config: noCacheCfg(), Readiness: NewReadiness()})
	engine := gin.New()
	mustRegister(h, &engine.RouterGroup)
	for _, p := range []string{"/health", "/health/", "/health/live", "/health/ready"} {
		rec := httptest.NewRecorder()
		engine.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		if rec.Code == http.StatusNotFound || rec.Code/100 == 3 {
			t.Errorf("%s: code %d", p, rec.Code)
		}
	}
}

func TestNewHandlerZeroParams(t *testing.T) {
	h := NewHandler(HandlerParams{})
	engine := gin.New()
	mustRegister(h, engine.Group("/api"))
	s := &server{engine: engine, handler: h}
	rec, body := s.get(t, "/api/health/", tokenHeader(""))
	if rec.Code != http.StatusServiceUnavailable || body["status"] != "initializing" {
		t.Errorf("code %d body %v", rec.Code, body)
	}
	rec, _ = s.get(t, "/api/health/live", nil)
	if rec.Code != http.StatusOK {
		t.Errorf("live code %d", rec.Code)
	}
}

func TestStatusCode(t *testing.T) {
	tests := []struct {
		in   Status
		want int
	}{
		{StatusOK, 200}, {StatusDegraded, 200}, {StatusUnknown, 200}, {StatusFail, 503}, {"", 200},
	}
	for _, tt := range tests {
		if got := statusCode(tt.in); got != tt.want {
			t.Errorf("statusCode(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// TestRegisterDeclaresDocumentedRoutes: the handler declares its routes
// through the router, so each is documented (tag health, public, its
// answers with the report body); /health/ is an alias of /health (served,
// not listed in the document), and every GET has a HEAD twin.
func TestRegisterDeclaresDocumentedRoutes(t *testing.T) {
	h := NewHandler(HandlerParams{Config: noCacheCfg(), Readiness: NewReadiness()})
	table := mustRegister(h, gin.New().Group("/api"))
	type key struct{ method, path string }
	got := map[key]httpmod.DeclaredRoute{}
	for _, r := range table.Routes() {
		got[key{r.Method, r.Path}] = r
	}
	tests := []struct {
		path     string
		aliasOf  string
		statuses []int
	}{
		{"/api/health", "", []int{http.StatusOK, http.StatusServiceUnavailable}},
		{"/api/health/", "/api/health", []int{http.StatusOK, http.StatusServiceUnavailable}},
		{"/api/health/live", "", []int{http.StatusOK}},
		{"/api/health/ready", "", []int{http.StatusOK, http.StatusServiceUnavailable}},
	}
	if len(got) != 2*len(tests) {
		t.Errorf("declared %d routes, want %d: %v", len(got), 2*len(tests), table.Routes())
	}
	for _, tt := range tests {
		get, ok := got[key{http.MethodGet, tt.path}]
		if !ok {
			t.Errorf("GET %s not declared", tt.path)
			continue
		}
		if get.HEADOf || get.AliasOf != tt.aliasOf {
			t.Errorf("GET %s: HEADOf %v AliasOf %q, want false %q", tt.path, get.HEADOf, get.AliasOf, tt.aliasOf)
		}
		op := get.Operation
		if !reflect.DeepEqual(op.Tags, []string{"health"}) || op.Summary == "" || !op.Public || op.Hidden {
			t.Errorf("GET %s: tags %v summary %q public %v hidden %v", tt.path, op.Tags, op.Summary, op.Public, op.Hidden)
		}
		for _, st := range tt.statuses {
			resp, ok := op.Responses[st]
			if !ok || resp.Description == "" {
				t.Errorf("GET %s: response %d not documented: %+v", tt.path, st, op.Responses)
				continue
			}
			if _, ok := resp.Body.(ReportBody); !ok {
				t.Errorf("GET %s: response %d body %T, want ReportBody", tt.path, st, resp.Body)
			}
		}
		if head, ok := got[key{http.MethodHead, tt.path}]; !ok || !head.HEADOf || head.AliasOf != tt.aliasOf {
			t.Errorf("HEAD %s: declared %v, HEADOf %v, AliasOf %q", tt.path, ok, head.HEADOf, head.AliasOf)
		}
	}
}

// TestHealthAnswersHEAD: HEAD answers like GET (status, headers,
// Content-Length) without a body.
func TestHealthAnswersHEAD(t *testing.T) {
	s := newServer(noCacheCfg(), nil)
	for _, ready := range []bool{false, true} {
		if ready {
			s.readiness.MarkReady()
		}
		for _, p := range []string{"/api/health/", "/api/health", "/api/health/live", "/api/health/ready"} {
			get := httptest.NewRecorder()
			s.engine.ServeHTTP(get, httptest.NewRequest(http.MethodGet, p, nil))
			head := httptest.NewRecorder()
			s.engine.ServeHTTP(head, httptest.NewRequest(http.MethodHead, p, nil))
			if head.Code != get.Code {
				t.Errorf("ready=%v HEAD %s: code %d, GET %d", ready, p, head.Code, get.Code)
			}
			if head.Body.Len() != 0 {
				t.Errorf("ready=%v HEAD %s: body %q", ready, p, head.Body.String())
			}
			for _, hdr := range []string{"Cache-Control", "Content-Type"} {
				if head.Header().Get(hdr) != get.Header().Get(hdr) {
					t.Errorf("ready=%v HEAD %s: %s = %q, GET %q", ready, p, hdr, head.Header().Get(hdr), get.Header().Get(hdr))
				}
			}
			if want := strconv.Itoa(get.Body.Len()); head.Header().Get("Content-Length") != want {
				t.Errorf("ready=%v HEAD %s: Content-Length = %q, want %s", ready, p, head.Header().Get("Content-Length"), want)
			}
		}
	}
}
