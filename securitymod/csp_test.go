package securitymod_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/m8fx/kit/securitymod"
)

func TestOverrideCSP(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"production: the page policy replaces the default", map[string]string{"ENVIRONMENT": "production"}, securitymod.DocsCSP},
		{"local: nothing to override", map[string]string{"ENVIRONMENT": "local"}, ""},
		{"headers disabled: nothing to override", map[string]string{"ENVIRONMENT": "production", "SECURITY_HEADERS_ENABLED": "false"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newApp(t, tt.env)
			rec := app.Get("/api/page")
			if rec.Code != http.StatusOK || rec.Header().Get(securitymod.HeaderCSP) != tt.want {
				t.Fatalf("code %d CSP %q, want %q", rec.Code, rec.Header().Values(securitymod.HeaderCSP), tt.want)
			}
			// Other routes keep the configured policy.
			if tt.want != "" && app.Get("/api/ok").Header().Get(securitymod.HeaderCSP) != defaultCSP {
				t.Fatal("the override leaked to another route")
			}
		})
	}
}

func TestDocsCSPLetsPagesRenderOffline(t *testing.T) {
	for _, directive := range []string{
		"default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self'",
		"font-src 'self'", "connect-src 'self'", "frame-ancestors 'none'",
	} {
		if !strings.Contains(securitymod.DocsCSP, directive) {
			t.Errorf("DocsCSP lacks %q: %s", directive, securitymod.DocsCSP)
		}
	}
	if strings.Contains(securitymod.DocsCSP, "http") || strings.Contains(securitymod.DocsCSP, "unsafe-eval") ||
		strings.Contains(securitymod.DocsCSP, "script-src 'self' 'unsafe-inline'") {
		t.Errorf("DocsCSP allows remote or inline scripts: %s", securitymod.DocsCSP)
	}
}

func TestHeaderCSPIsCanonical(t *testing.T) {
	if http.CanonicalHeaderKey(securitymod.HeaderCSP) != securitymod.HeaderCSP {
		t.Fatalf("%q is not canonical", securitymod.HeaderCSP)
	}
}
