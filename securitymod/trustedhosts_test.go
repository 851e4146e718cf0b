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

func TestTrustedHosts(t *testing.T) {
	const hosts = "api.example.com, *.svc.example.com, 10.0.0.7, [2001:db8::1]"
	tests := []struct {
		name  string
		env   map[string]string
		path  string
		host  string
		allow bool
	}{
		{"exact", nil, "/api/ok", "api.example.com", true},
		{"exact with port", nil, "/api/ok", "api.example.com:8443", true},
		{"case-insensitive", nil, "/api/ok", "API.Example.COM", true},
		{"trailing dot", nil, "/api/ok", "api.example.com.", true},
		{"other host", nil, "/api/ok", "evil.example.net", false},
		{"suffix trick", nil, "/api/ok", "api.example.com.evil.net", false},
		{"prefix trick", nil, "/api/ok", "evilapi.example.com", false},
		{"subdomain of an exact host", nil, "/api/ok", "x.api.example.com", false},
		{"wildcard: subdomain", nil, "/api/ok", "items.svc.example.com", true},
		{"wildcard: deeper subdomain", nil, "/api/ok", "a.b.svc.example.com:80", true},
		{"wildcard: not the bare domain", nil, "/api/ok", "svc.example.com", false},
		{"wildcard: not a look-alike", nil, "/api/ok", "evilsvc.example.com", false},
		{"IPv4", nil, "/api/ok", "10.0.0.7:8000", true},
		{"other IPv4", nil, "/api/ok", "10.0.0.8", false},
		{"IPv6 with port", nil, "/api/ok", "[2001:db8::1]:8000", true},
		{"IPv6 without port", nil, "/api/ok", "[2001:db8::1]", true},
		{"IPv6, other spelling", nil, "/api/ok", "[2001:DB8:0::1]", true},
		{"other IPv6", nil, "/api/ok", "[2001:db8::2]:8000", false},
		{"bad port", nil, "/api/ok", "api.example.com:x", false},
		{"empty host", nil, "/api/ok", "", false},
		{"refused on 404 paths too", nil, "/api/nothing", "evil.example.net", false},
		{"probe live exempt", nil, "/api/health/live", "10.42.0.12:8000", true},
		{"probe ready exempt", nil, "/api/health/ready", "10.42.0.12:8000", true},
		{"health is not exempt", nil, "/api/health/", "10.42.0.12:8000", false},
		{"health without slash is not exempt", nil, "/api/health", "10.42.0.12:8000", false},
		{"probe path outside API_PREFIX is not exempt", nil, "/health/live", "10.42.0.12:8000", false},
		{"probes not exempt when disabled", map[string]string{"TRUSTED_HOSTS_EXEMPT_PROBES": "false"},
			"/api/health/live", "10.42.0.12:8000", false},
		{"probes exempt under another API_PREFIX", map[string]string{"API_PREFIX": "/v1/items"},
			"/v1/items/health/ready", "10.42.0.12", true},
		{"star allows every host", map[string]string{"ALLOWED_HOSTS": "*"}, "/api/ok", "anything.example.org", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"ALLOWED_HOSTS": hosts}
			for k, v := range tt.env {
				env[k] = v
			}
			app := newApp(t, env)
			rec := request(app, "GET", tt.path, tt.host)
			if tt.allow {
				if rec.Code == http.StatusBadRequest {
					t.Fatalf("host %q refused: %s", tt.host, rec.Body.String())
				}
				return
			}
			if rec.Code != http.StatusBadRequest || detail(t, rec) != securitymod.DetailInvalidHost ||
				!strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
				t.Fatalf("host %q: %d %s, want 400 %q", tt.host, rec.Code, rec.Body.String(), securitymod.DetailInvalidHost)
			}
		})
	}
}

func TestTrustedHostsEmptyListAllowsEveryHost(t *testing.T) {
	app := newApp(t, map[string]string{"ALLOWED_HOSTS": ""})
	for _, host := range []string{"api.example.com", "evil.example.net", "10.0.0.1:8000", "[::1]:8000"} {
		if rec := request(app, "GET", "/api/ok", host); rec.Code != http.StatusOK {
			t.Errorf("host %q: %d", host, rec.Code)
		}
	}
}

func TestTrustedHostsOverTheNetwork(t *testing.T) {
	app := newApp(t, map[string]string{"ALLOWED_HOSTS": "localhost"})
	port := app.URL[strings.LastIndexByte(app.URL, ':'):]
	tests := []struct {
		url  string
		code int
	}{
		{"http://localhost" + port + "/api/ok", http.StatusOK},
		{app.URL + "/api/ok", http.StatusBadRequest}, // Host is 127.0.0.1:port
		{app.URL + "/api/health/live", http.StatusOK},
	}
	for _, tt := range tests {
		resp, err := http.Get(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.code {
			t.Errorf("GET %s: %d, want %d", tt.url, resp.StatusCode, tt.code)
		}
	}
}

func TestTrustedHostsRejectsMalformedItems(t *testing.T) {
	for _, item := range []string{"https://api.example.com", "api.example.com/x", "*example.com", "a.*.example.com", "*.", "api example.com"} {
		t.Run(item, func(t *testing.T) {
			_, err := securitymod.NewTrustedHosts(securitymod.TrustedHostsConfig{AllowedHosts: []string{"ok.example.com", item}})
			if err == nil || !strings.Contains(err.Error(), "ALLOWED_HOSTS") || !strings.Contains(err.Error(), item) {
				t.Fatalf("NewTrustedHosts(%q) = %v", item, err)
			}
		})
	}
	err := fxtest_helpers.BuildErr(t, fxtest_helpers.WithSetting("ALLOWED_HOSTS", "https://api.example.com"))
	if err == nil || !strings.Contains(err.Error(), "ALLOWED_HOSTS") {
		t.Fatalf("BuildErr = %v", err)
	}
}

func TestNewTrustedHostsWithoutFx(t *testing.T) {
	routes := httpmod.RoutesFunc(func(r *httpmod.Router) {
		for _, p := range []string{"/ok", "/health/live", "/health/ready"} {
			httpmod.Handle(r, http.MethodGet, p, func(c *gin.Context) { c.String(http.StatusOK, "ok") })
		}
	})
	tests := []struct {
		name   string
		exempt bool
		path   string
		code   int
	}{
		{"refused", true, "/ok", http.StatusBadRequest},
		{"live exempt (empty API_PREFIX)", true, "/health/live", http.StatusOK},
		{"ready exempt (empty API_PREFIX)", true, "/health/ready", http.StatusOK},
		{"no exemption", false, "/health/live", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &settingsmod.Settings{AllowedHosts: []string{"api.example.com"}, TrustedHostsExemptProbes: tt.exempt}
			req := httptest.NewRequest("GET", tt.path, nil)
			req.Host = "10.0.0.1:8000"
			rec := httptest.NewRecorder()
			engineWith(t, s, routes).ServeHTTP(rec, req)
			if rec.Code != tt.code {
				t.Fatalf("%d, want %d", rec.Code, tt.code)
			}
		})
	}
}

func TestTrustedHostsMiddlewareSlot(t *testing.T) {
	m, err := securitymod.NewTrustedHosts(securitymod.TrustedHostsConfig{AllowedHosts: []string{"api.example.com"}})
	if err != nil || m.Name != securitymod.NameTrustedHosts || m.Priority != httpmod.PriorityTrustedHosts || m.Handler == nil {
		t.Fatalf("NewTrustedHosts = %+v, %v", m, err)
	}
}

func TestTrustedHostsConfigFromSettings(t *testing.T) {
	s := &settingsmod.Settings{AllowedHosts: []string{"api.example.com", "*.internal"}, TrustedHostsExemptProbes: true, APIPrefix: "/v1"}
	cfg := securitymod.TrustedHostsConfigFromSettings(s)
	if !slices.Equal(cfg.AllowedHosts, s.AllowedHosts) || !cfg.ExemptProbes || cfg.APIPrefix != "/v1" {
		t.Fatalf("TrustedHostsConfigFromSettings = %+v", cfg)
	}
	cfg.AllowedHosts[0] = "evil.example.net"
	if s.AllowedHosts[0] != "api.example.com" {
		t.Fatal("changing the config changed the settings")
	}
}

// TestTrustedHostsProbesUnderPrefix: the exempt probes are under APIPrefix,
// and only there.
func TestTrustedHostsProbesUnderPrefix(t *testing.T) {
	m, err := securitymod.NewTrustedHosts(securitymod.TrustedHostsConfig{AllowedHosts: []string{"api.example.com"}, ExemptProbes: true, APIPrefix: "/v1"})
	if err != nil {
		t.Fatal(err)
	}
	routes := httpmod.RoutesFunc(func(r *httpmod.Router) {
		httpmod.Handle(r, http.MethodGet, "/health/live", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	})
	root := httpmod.RoutesFunc(func(r *httpmod.Router) {
		httpmod.Handle(r, http.MethodGet, "/health/live", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	})
	e, err := httpmod.NewEngine(httpmod.EngineParams{
		Settings: &settingsmod.Settings{APIPrefix: "/v1"}, Logger: zap.NewNop(),
		Routes: []httpmod.Routes{routes}, RootRoutes: []httpmod.Routes{root}, Middleware: []httpmod.Middleware{m},
	})
	if err != nil {
		t.Fatal(err)
	}
	for path, code := range map[string]int{"/v1/health/live": http.StatusOK, "/health/live": http.StatusBadRequest} {
		req := httptest.NewRequest("GET", path, nil)
		req.Host = "10.0.0.1"
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != code {
			t.Errorf("%s from the pod IP: %d, want %d", path, rec.Code, code)
		}
	}
}
