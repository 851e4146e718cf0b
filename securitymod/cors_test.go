package securitymod_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/securitymod"
	"github.com/m8fx/kit/settingsmod"
)

// varyHas reports whether the Vary header lists token.
func varyHas(h http.Header, token string) bool {
	for _, v := range h.Values("Vary") {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// corsCase is one request and what its CORS headers must be.
type corsCase struct {
	name    string
	method  string
	path    string
	headers []string
	code    int
	detail  string // expected error detail, if any
	acao    string // expected Access-Control-Allow-Origin ("" = absent)
}

func checkCORS(t *testing.T, app *fxtest_helpers.App, tt corsCase) *httptest.ResponseRecorder {
	t.Helper()
	rec := request(app, tt.method, tt.path, "", tt.headers...)
	h := rec.Header()
	if rec.Code != tt.code {
		t.Errorf("status %d, want %d (body %s)", rec.Code, tt.code, rec.Body.String())
	}
	if tt.detail != "" && detail(t, rec) != tt.detail {
		t.Errorf("body %s, want detail %q", rec.Body.String(), tt.detail)
	}
	if got := h.Get("Access-Control-Allow-Origin"); got != tt.acao {
		t.Errorf("Access-Control-Allow-Origin %q, want %q", got, tt.acao)
	}
	if got := h.Values("Access-Control-Allow-Origin"); len(got) > 1 || slices.Contains(got, "*") {
		t.Errorf("Access-Control-Allow-Origin %q: never * nor repeated", got)
	}
	if !varyHas(h, "Origin") {
		t.Errorf("Vary %q lacks Origin", h.Values("Vary"))
	}
	wantCreds := ""
	if tt.acao != "" {
		wantCreds = "true"
	}
	if got := h.Get("Access-Control-Allow-Credentials"); got != wantCreds {
		t.Errorf("Access-Control-Allow-Credentials %q, want %q", got, wantCreds)
	}
	return rec
}

func TestCORSRequests(t *testing.T) {
	app := newApp(t, nil)
	tests := []corsCase{
		{name: "allowed origin", method: "GET", path: "/api/ok", headers: []string{"Origin", adminOrigin}, code: 200, acao: adminOrigin},
		{name: "frontend host origin", method: "GET", path: "/api/ok", headers: []string{"Origin", frontendOrigin}, code: 200, acao: frontendOrigin},
		{name: "allowed origin POST", method: "POST", path: "/api/ok", headers: []string{"Origin", adminOrigin}, code: 200, acao: adminOrigin},
		{name: "no origin", method: "GET", path: "/api/ok", code: 200},
		{name: "disallowed origin is served without CORS headers", method: "GET", path: "/api/ok", headers: []string{"Origin", evilOrigin}, code: 200},
		{name: "disallowed origin POST", method: "POST", path: "/api/ok", headers: []string{"Origin", evilOrigin}, code: 200},
		{name: "match is exact: case", method: "GET", path: "/api/ok", headers: []string{"Origin", strings.ToUpper(adminOrigin)}, code: 200},
		{name: "match is exact: subdomain", method: "GET", path: "/api/ok", headers: []string{"Origin", "https://x.admin.example.com"}, code: 200},
		{name: "match is exact: port", method: "GET", path: "/api/ok", headers: []string{"Origin", adminOrigin + ":8443"}, code: 200},
		{name: "match is exact: scheme", method: "GET", path: "/api/ok", headers: []string{"Origin", "http://admin.example.com"}, code: 200},
		{name: "match is exact: path is not an origin", method: "GET", path: "/api/ok", headers: []string{"Origin", frontendOrigin + "/welcome"}, code: 200},
		{name: "null origin", method: "GET", path: "/api/ok", headers: []string{"Origin", "null"}, code: 200},
		{name: "allowed origin on 401", method: "GET", path: "/api/private", headers: []string{"Origin", adminOrigin}, code: 401, detail: "Not authenticated", acao: adminOrigin},
		{name: "allowed origin on 404", method: "GET", path: "/api/nothing", headers: []string{"Origin", adminOrigin}, code: 404, detail: "Not Found", acao: adminOrigin},
		{name: "allowed origin on 405", method: "DELETE", path: "/api/ok", headers: []string{"Origin", adminOrigin}, code: 405, detail: "Method Not Allowed", acao: adminOrigin},
		{name: "allowed origin on 500", method: "GET", path: "/api/boom", headers: []string{"Origin", adminOrigin}, code: 500, detail: "Internal Server Error", acao: adminOrigin},
		{name: "no origin on 401", method: "GET", path: "/api/private", code: 401},
		{name: "no origin on 404", method: "GET", path: "/api/nothing", code: 404},
		{name: "no origin on 500", method: "GET", path: "/api/boom", code: 500},
		{name: "disallowed origin on 404", method: "GET", path: "/api/nothing", headers: []string{"Origin", evilOrigin}, code: 404},
		{name: "health route", method: "GET", path: "/api/health/live", headers: []string{"Origin", adminOrigin}, code: 200, acao: adminOrigin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := checkCORS(t, app, tt)
			if tt.acao != "" && rec.Header().Get("Access-Control-Expose-Headers") != "X-Request-Id" {
				t.Errorf("Access-Control-Expose-Headers %q", rec.Header().Get("Access-Control-Expose-Headers"))
			}
			if tt.acao == "" && rec.Header().Get("Access-Control-Expose-Headers") != "" {
				t.Errorf("Access-Control-Expose-Headers on a non-CORS answer")
			}
		})
	}
}

func TestCORSPreflight(t *testing.T) {
	app := newApp(t, nil)
	preflight := func(origin string) []string {
		return []string{
			"Origin", origin,
			"Access-Control-Request-Method", "POST",
			"Access-Control-Request-Headers", "authorization,content-type",
		}
	}
	tests := []corsCase{
		{name: "allowed", method: "OPTIONS", path: "/api/ok", headers: preflight(adminOrigin), code: 204, acao: adminOrigin},
		{name: "allowed, frontend", method: "OPTIONS", path: "/api/ok", headers: preflight(frontendOrigin), code: 204, acao: frontendOrigin},
		{name: "allowed, unknown path", method: "OPTIONS", path: "/api/nothing", headers: preflight(adminOrigin), code: 204, acao: adminOrigin},
		{name: "refused", method: "OPTIONS", path: "/api/ok", headers: preflight(evilOrigin), code: 403, detail: securitymod.DetailDisallowedOrigin},
		{name: "refused, unknown path", method: "OPTIONS", path: "/api/nothing", headers: preflight(evilOrigin), code: 403, detail: securitymod.DetailDisallowedOrigin},
		{name: "refused, null origin", method: "OPTIONS", path: "/api/ok", headers: preflight("null"), code: 403, detail: securitymod.DetailDisallowedOrigin},
		{name: "OPTIONS without preflight headers, disallowed origin", method: "OPTIONS", path: "/api/ok", headers: []string{"Origin", evilOrigin}, code: 405},
		{name: "OPTIONS without origin", method: "OPTIONS", path: "/api/ok", headers: []string{"Access-Control-Request-Method", "POST"}, code: 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := checkCORS(t, app, tt)
			h := rec.Header()
			if tt.code != http.StatusNoContent {
				if h.Get("Access-Control-Allow-Methods") != "" || h.Get("Access-Control-Max-Age") != "" {
					t.Errorf("preflight headers on a refused or non-preflight answer: %v", h)
				}
				return
			}
			want := map[string]string{
				"Access-Control-Allow-Methods": "GET,POST,PUT,PATCH,DELETE,OPTIONS",
				"Access-Control-Allow-Headers": "Authorization,Content-Type,X-Requested-With,X-Request-Id",
				"Access-Control-Max-Age":       "3600",
			}
			for name, v := range want {
				if got := h.Get(name); got != v {
					t.Errorf("%s = %q, want %q", name, got, v)
				}
			}
			for _, tok := range []string{"Access-Control-Request-Method", "Access-Control-Request-Headers"} {
				if !varyHas(h, tok) {
					t.Errorf("Vary %q lacks %s", h.Values("Vary"), tok)
				}
			}
			if rec.Body.Len() != 0 {
				t.Errorf("preflight body %q", rec.Body.String())
			}
		})
	}
}

func TestCORSKeepsHandlerVary(t *testing.T) {
	routes := httpmod.RoutesFunc(func(r *httpmod.Router) {
		httpmod.Handle(r, http.MethodGet, "/gz", func(c *gin.Context) {
			c.Writer.Header().Add("Vary", "Accept-Encoding")
			c.String(http.StatusOK, "x")
		})
	})
	e := engineWith(t, &settingsmod.Settings{BackendCORSOrigins: []string{adminOrigin}}, routes)
	for _, origin := range []string{"", adminOrigin, evilOrigin} {
		rec := serveEngine(e, "GET", "/gz", "Origin", origin)
		if !varyHas(rec.Header(), "Origin") || !varyHas(rec.Header(), "Accept-Encoding") {
			t.Errorf("origin %q: Vary %q", origin, rec.Header().Values("Vary"))
		}
	}
	// The shared Vary value of one response is never changed by another's Add.
	again := serveEngine(e, "GET", "/gz", "Origin", adminOrigin)
	if got := again.Header().Values("Vary"); len(got) != 2 {
		t.Errorf("Vary after repeated requests: %q", got)
	}
}

func TestNewCORSWithoutFx(t *testing.T) {
	tests := []struct {
		name     string
		settings *settingsmod.Settings
		origin   string
		acao     string
	}{
		{"no allowed origin at all", &settingsmod.Settings{}, adminOrigin, ""},
		{"origin from FRONTEND_HOST only", &settingsmod.Settings{FrontendHost: "https://app.example.com/x"}, frontendOrigin, frontendOrigin},
		{"normalised origins", &settingsmod.Settings{BackendCORSOrigins: []string{"HTTPS://Admin.Example.com:443/"}}, adminOrigin, adminOrigin},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := engineWith(t, tt.settings, okRoute())
			rec := serveEngine(e, "GET", "/ok", "Origin", tt.origin)
			if rec.Code != 200 || rec.Header().Get("Access-Control-Allow-Origin") != tt.acao || !varyHas(rec.Header(), "Origin") {
				t.Errorf("code %d headers %v", rec.Code, rec.Header())
			}
			pre := serveEngine(e, "OPTIONS", "/ok", "Origin", tt.origin, "Access-Control-Request-Method", "GET")
			wantCode := http.StatusForbidden
			if tt.acao != "" {
				wantCode = http.StatusNoContent
			}
			if pre.Code != wantCode {
				t.Errorf("preflight %d, want %d", pre.Code, wantCode)
			}
		})
	}
}

func TestNewCORSRejectsWildcardOrigins(t *testing.T) {
	_, err := securitymod.NewCORS(securitymod.CORSConfig{AllowedOrigins: []string{adminOrigin, "https://*.example.com"}})
	if err == nil || err.Error() != `securitymod: CORS origin "https://*.example.com": wildcards are not supported, list each origin` {
		t.Fatalf("NewCORS = %v", err)
	}
	err = fxtest_helpers.BuildErr(t, fxtest_helpers.WithSetting("BACKEND_CORS_ORIGINS", "https://*.example.com"))
	if err == nil || !strings.Contains(err.Error(), "https://*.example.com") {
		t.Fatalf("BuildErr = %v", err)
	}
}

func TestCORSMiddlewareSlot(t *testing.T) {
	m, err := securitymod.NewCORS(securitymod.CORSConfig{})
	if err != nil || m.Name != securitymod.NameCORS || m.Priority != httpmod.PriorityCORS || m.Handler == nil {
		t.Fatalf("NewCORS = %+v, %v", m, err)
	}
}

// TestCORSConfigFromSettings: the allowed origins are the settings'
// AllowedOrigins (BACKEND_CORS_ORIGINS normalised, plus the origin of
// FRONTEND_HOST), in a slice of the config's own.
func TestCORSConfigFromSettings(t *testing.T) {
	s := &settingsmod.Settings{FrontendHost: frontendOrigin + "/welcome", BackendCORSOrigins: []string{"HTTPS://Admin.Example.com:443/"}}
	cfg := securitymod.CORSConfigFromSettings(s)
	if !slices.Equal(cfg.AllowedOrigins, s.AllowedOrigins()) || !slices.Contains(cfg.AllowedOrigins, adminOrigin) ||
		!slices.Contains(cfg.AllowedOrigins, frontendOrigin) {
		t.Fatalf("AllowedOrigins %q, settings %q", cfg.AllowedOrigins, s.AllowedOrigins())
	}
	cfg.AllowedOrigins[0] = evilOrigin
	if slices.Contains(s.AllowedOrigins(), evilOrigin) {
		t.Fatal("changing the config changed the settings")
	}
	if got := securitymod.CORSConfigFromSettings(&settingsmod.Settings{}); len(got.AllowedOrigins) != 0 {
		t.Fatalf("no origins: %q", got.AllowedOrigins)
	}
}

// TestCORSWithoutSettings: a CORSConfig filled in directly allows exactly
// its origins.
func TestCORSWithoutSettings(t *testing.T) {
	m, err := securitymod.NewCORS(securitymod.CORSConfig{AllowedOrigins: []string{adminOrigin}})
	if err != nil {
		t.Fatal(err)
	}
	e, err := httpmod.NewEngine(httpmod.EngineParams{
		Settings: &settingsmod.Settings{}, Logger: zap.NewNop(), Routes: []httpmod.Routes{okRoute()}, Middleware: []httpmod.Middleware{m},
	})
	if err != nil {
		t.Fatal(err)
	}
	for origin, acao := range map[string]string{adminOrigin: adminOrigin, frontendOrigin: ""} {
		if got := serveEngine(e, "GET", "/ok", "Origin", origin).Header().Get("Access-Control-Allow-Origin"); got != acao {
			t.Errorf("origin %s: Access-Control-Allow-Origin %q, want %q", origin, got, acao)
		}
	}
}

// okRoute mounts GET /ok.
func okRoute() httpmod.RoutesFunc {
	return func(r *httpmod.Router) {
		httpmod.Handle(r, http.MethodGet, "/ok", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	}
}

// engineWith builds an engine without fx: the three securitymod middleware
// configured from s (API_PREFIX empty) and routes.
func engineWith(t *testing.T, s *settingsmod.Settings, routes httpmod.Routes) http.Handler {
	t.Helper()
	var mw []httpmod.Middleware
	for _, ctor := range []func(*settingsmod.Settings) (httpmod.Middleware, error){
		func(s *settingsmod.Settings) (httpmod.Middleware, error) {
			return securitymod.NewSecurityHeaders(securitymod.HeadersConfigFromSettings(s))
		},
		func(s *settingsmod.Settings) (httpmod.Middleware, error) {
			return securitymod.NewTrustedHosts(securitymod.TrustedHostsConfigFromSettings(s))
		},
		func(s *settingsmod.Settings) (httpmod.Middleware, error) {
			return securitymod.NewCORS(securitymod.CORSConfigFromSettings(s))
		},
	} {
		m, err := ctor(s)
		if err != nil {
			t.Fatal(err)
		}
		mw = append(mw, m)
	}
	e, err := httpmod.NewEngine(httpmod.EngineParams{
		Settings: s, Logger: zap.NewNop(), Routes: []httpmod.Routes{routes}, Middleware: mw,
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// serveEngine serves one request; header pairs with an empty value are
// skipped.
func serveEngine(h http.Handler, method, path string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] != "" {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}
