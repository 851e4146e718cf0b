package securitymod_test

import (
	"testing"

	"github.com/m8fx/kit/securitymod"
	"github.com/m8fx/kit/settingsmod"
)

const (
	defaultCSP         = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
	defaultReferrer    = "strict-origin-when-cross-origin"
	defaultPermissions = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
	defaultHSTS        = "max-age=31536000; includeSubDomains"
)

// productionHeaders are the headers of a production app with default knobs.
func productionHeaders() map[string]string {
	return map[string]string{
		securitymod.HeaderFrameOptions:       "DENY",
		securitymod.HeaderContentTypeOptions: "nosniff",
		securitymod.HeaderCSP:                defaultCSP,
		securitymod.HeaderReferrerPolicy:     defaultReferrer,
		securitymod.HeaderPermissionsPolicy:  defaultPermissions,
		securitymod.HeaderHSTS:               defaultHSTS,
	}
}

// with returns base with changes applied ("" deletes a header).
func with(base map[string]string, changes map[string]string) map[string]string {
	for k, v := range changes {
		if v == "" {
			delete(base, k)
		} else {
			base[k] = v
		}
	}
	return base
}

var allSecurityHeaders = []string{
	securitymod.HeaderFrameOptions, securitymod.HeaderContentTypeOptions, securitymod.HeaderCSP,
	securitymod.HeaderReferrerPolicy, securitymod.HeaderPermissionsPolicy, securitymod.HeaderHSTS,
}

func TestSecurityHeadersPerEnvironmentAndKnob(t *testing.T) {
	prod := map[string]string{"ENVIRONMENT": "production"}
	tests := []struct {
		name string
		env  map[string]string
		want map[string]string // header -> value; headers not listed must be absent
	}{
		{"local", map[string]string{"ENVIRONMENT": "local"}, nil},
		{"development", map[string]string{"ENVIRONMENT": "development"}, nil},
		{"staging", map[string]string{"ENVIRONMENT": "staging"}, nil},
		{"production", prod, productionHeaders()},
		{"STRICT_PRODUCTION_MODE in local", strict(map[string]string{"ENVIRONMENT": "local"}), productionHeaders()},
		{"STRICT_PRODUCTION_MODE in staging", strict(map[string]string{"ENVIRONMENT": "staging"}), productionHeaders()},
		{"SECURITY_HEADERS_ENABLED=false", map[string]string{"ENVIRONMENT": "production", "SECURITY_HEADERS_ENABLED": "false"}, nil},
		{"SECURITY_HEADERS_ENABLED=false, strict mode", strict(map[string]string{"SECURITY_HEADERS_ENABLED": "false"}), nil},
		{"HSTS_MAX_AGE=0 drops HSTS only", map[string]string{"ENVIRONMENT": "production", "HSTS_MAX_AGE": "0"},
			with(productionHeaders(), map[string]string{securitymod.HeaderHSTS: ""})},
		{"HSTS_MAX_AGE", map[string]string{"ENVIRONMENT": "production", "HSTS_MAX_AGE": "600"},
			with(productionHeaders(), map[string]string{securitymod.HeaderHSTS: "max-age=600; includeSubDomains"})},
		{"HSTS_INCLUDE_SUBDOMAINS=false", map[string]string{"ENVIRONMENT": "production", "HSTS_INCLUDE_SUBDOMAINS": "false"},
			with(productionHeaders(), map[string]string{securitymod.HeaderHSTS: "max-age=31536000"})},
		{"custom policies", map[string]string{
			"ENVIRONMENT":             "production",
			"CONTENT_SECURITY_POLICY": "default-src 'self'",
			"REFERRER_POLICY":         "no-referrer",
			"PERMISSIONS_POLICY":      "camera=(self)",
		}, with(productionHeaders(), map[string]string{
			securitymod.HeaderCSP:               "default-src 'self'",
			securitymod.HeaderReferrerPolicy:    "no-referrer",
			securitymod.HeaderPermissionsPolicy: "camera=(self)",
		})},
	}
	// Every answer carries the headers: success, the Host check's 400, a
	// guard's 401, 404, 405, a panic's 500, a refused and an accepted
	// preflight.
	requests := []struct {
		name, method, path, host string
		headers                  []string
		code                     int
	}{
		{"200", "GET", "/api/ok", "api.example.com", nil, 200},
		{"400 invalid host", "GET", "/api/ok", "evil.example.net", nil, 400},
		{"401", "GET", "/api/private", "api.example.com", nil, 401},
		{"404", "GET", "/api/nothing", "api.example.com", nil, 404},
		{"405", "DELETE", "/api/ok", "api.example.com", nil, 405},
		{"500", "GET", "/api/boom", "api.example.com", nil, 500},
		{"403 refused preflight", "OPTIONS", "/api/ok", "api.example.com",
			[]string{"Origin", evilOrigin, "Access-Control-Request-Method", "GET"}, 403},
		{"204 preflight", "OPTIONS", "/api/ok", "api.example.com",
			[]string{"Origin", adminOrigin, "Access-Control-Request-Method", "GET"}, 204},
		{"exempt probe, any host", "GET", "/api/health/live", "10.1.2.3:8000", nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"ALLOWED_HOSTS": "api.example.com"}
			for k, v := range tt.env {
				env[k] = v
			}
			app := newApp(t, env)
			for _, rq := range requests {
				rec := request(app, rq.method, rq.path, rq.host, rq.headers...)
				if rec.Code != rq.code {
					t.Errorf("%s: status %d, want %d", rq.name, rec.Code, rq.code)
				}
				for _, name := range allSecurityHeaders {
					got, present := rec.Header()[name]
					want, wantPresent := tt.want[name]
					switch {
					case wantPresent && (len(got) != 1 || got[0] != want):
						t.Errorf("%s: %s = %q, want %q", rq.name, name, got, want)
					case !wantPresent && present:
						t.Errorf("%s: %s = %q, want none", rq.name, name, got)
					}
				}
			}
		})
	}
}

func TestNewSecurityHeadersRejectsBadValues(t *testing.T) {
	tests := []struct {
		cfg     securitymod.HeadersConfig
		setting string
	}{
		{securitymod.HeadersConfig{Enabled: true, ContentSecurityPolicy: "default-src 'none'\r\nX-Injected: 1"}, "CONTENT_SECURITY_POLICY"},
		{securitymod.HeadersConfig{Enabled: true, ReferrerPolicy: "no-referrer\n"}, "REFERRER_POLICY"},
		{securitymod.HeadersConfig{Enabled: true, PermissionsPolicy: "camera=()\x00"}, "PERMISSIONS_POLICY"},
	}
	for _, tt := range tests {
		_, err := securitymod.NewSecurityHeaders(tt.cfg)
		if err == nil || err.Error() != "securitymod: "+tt.setting+" is not a valid "+
			map[string]string{"CONTENT_SECURITY_POLICY": "Content-Security-Policy", "REFERRER_POLICY": "Referrer-Policy",
				"PERMISSIONS_POLICY": "Permissions-Policy"}[tt.setting]+" header value" {
			t.Errorf("NewSecurityHeaders = %v, want an error naming %s", err, tt.setting)
		}
		// The same values, not enabled, are not looked at.
		tt.cfg.Enabled = false
		if _, err := securitymod.NewSecurityHeaders(tt.cfg); err != nil {
			t.Errorf("not enabled: %v", err)
		}
	}
}

func TestHeadersConfigFromSettings(t *testing.T) {
	base := settingsmod.Settings{
		SecurityHeadersEnabled: true, HSTSMaxAge: 60, HSTSIncludeSubdomains: true,
		ContentSecurityPolicy: "default-src 'none'", ReferrerPolicy: "no-referrer", PermissionsPolicy: "camera=()",
	}
	tests := []struct {
		name    string
		change  func(*settingsmod.Settings)
		enabled bool
	}{
		{"production", func(s *settingsmod.Settings) { s.Environment = "production" }, true},
		{"strict production mode", func(s *settingsmod.Settings) { s.Environment = "staging"; s.StrictProductionMode = true }, true},
		{"production, disabled", func(s *settingsmod.Settings) { s.Environment = "production"; s.SecurityHeadersEnabled = false }, false},
		{"local", func(s *settingsmod.Settings) { s.Environment = "local" }, false},
		{"staging", func(s *settingsmod.Settings) { s.Environment = "staging" }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base
			tt.change(&s)
			want := securitymod.HeadersConfig{
				Enabled: tt.enabled, ContentSecurityPolicy: "default-src 'none'", ReferrerPolicy: "no-referrer",
				PermissionsPolicy: "camera=()", HSTSMaxAgeSeconds: 60, HSTSIncludeSubdomains: true,
			}
			if got := securitymod.HeadersConfigFromSettings(&s); got != want {
				t.Fatalf("HeadersConfigFromSettings = %+v, want %+v", got, want)
			}
		})
	}
}

func TestNewSecurityHeadersWithoutFx(t *testing.T) {
	s := &settingsmod.Settings{
		Environment: "production", SecurityHeadersEnabled: true, HSTSMaxAge: 10,
		ReferrerPolicy: "no-referrer", // CSP and Permissions-Policy empty: dropped
	}
	m, err := securitymod.NewSecurityHeaders(securitymod.HeadersConfigFromSettings(s))
	if err != nil || m.Name != securitymod.NameSecurityHeaders {
		t.Fatalf("NewSecurityHeaders = %+v, %v", m, err)
	}
	rec := serveEngine(engineWith(t, s, okRoute()), "GET", "/ok")
	want := map[string]string{
		securitymod.HeaderFrameOptions:       "DENY",
		securitymod.HeaderContentTypeOptions: "nosniff",
		securitymod.HeaderReferrerPolicy:     "no-referrer",
		securitymod.HeaderHSTS:               "max-age=10",
		securitymod.HeaderCSP:                "",
		securitymod.HeaderPermissionsPolicy:  "",
	}
	for name, v := range want {
		if got := rec.Header().Get(name); got != v {
			t.Errorf("%s = %q, want %q", name, got, v)
		}
	}
}

// strict returns env under STRICT_PRODUCTION_MODE, with signed events, which
// the configuration health check requires there (the test sets
// ALLOWED_HOSTS).
func strict(env map[string]string) map[string]string {
	env["STRICT_PRODUCTION_MODE"] = "true"
	env["EVENT_SIGNING_ENABLED"] = "true"
	env["EVENT_SIGNING_KEY"] = "test-event-signing-key-0123456789abcdef"
	return env
}
