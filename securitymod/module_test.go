package securitymod_test

import (
	"net/http"
	"testing"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/securitymod"
	"github.com/m8fx/kit/settingsmod"
)

// slots collects what a module contributes to httpmod's middleware group.
type slots struct {
	fx.In

	Middleware []httpmod.Middleware `group:"m8fx.httpmod.middleware"`
}

func TestModuleFillsTheSecuritySlots(t *testing.T) {
	var got slots
	app := fxtest.New(t,
		securitymod.Module,
		fx.Supply(&settingsmod.Settings{AllowedHosts: []string{"api.example.com"}}),
		fx.Populate(&got),
	)
	app.RequireStart().RequireStop()
	want := map[string]int{
		securitymod.NameSecurityHeaders: httpmod.PrioritySecurityHeaders,
		securitymod.NameTrustedHosts:    httpmod.PriorityTrustedHosts,
		securitymod.NameCORS:            httpmod.PriorityCORS,
	}
	if len(got.Middleware) != len(want) {
		t.Fatalf("%d middleware, want %d", len(got.Middleware), len(want))
	}
	for _, m := range got.Middleware {
		if p, ok := want[m.Name]; !ok || p != m.Priority || m.Handler == nil {
			t.Errorf("unexpected middleware %q at %d", m.Name, m.Priority)
		}
	}
}

func TestModuleOrder(t *testing.T) {
	// Security headers run outside the Host check, which runs outside CORS:
	// a preflight from an allowed origin to a refused Host is refused by the
	// Host check (no CORS answer) and still carries the security headers.
	app := newApp(t, map[string]string{"ENVIRONMENT": "production", "ALLOWED_HOSTS": "api.example.com"})
	rec := request(app, "OPTIONS", "/api/ok", "evil.example.net",
		"Origin", adminOrigin, "Access-Control-Request-Method", "GET")
	if rec.Code != http.StatusBadRequest || detail(t, rec) != securitymod.DetailInvalidHost {
		t.Fatalf("%d %s", rec.Code, rec.Body.String())
	}
	if rec.Header().Get("Access-Control-Allow-Origin") != "" || rec.Header().Get(securitymod.HeaderFrameOptions) != "DENY" {
		t.Fatalf("headers %v", rec.Header())
	}
}

// TestModuleConfigsCanBeDecorated: the module builds its layers from the
// configurations in the graph, which an app may change.
func TestModuleConfigsCanBeDecorated(t *testing.T) {
	app := fxtest_helpers.New(t,
		fxtest_helpers.WithEnv(baseEnv()),
		fxtest_helpers.WithOptions(httpmod.AsRoutes(testRoutes)),
		fxtest_helpers.Decorate(func(c securitymod.CORSConfig) securitymod.CORSConfig {
			c.AllowedOrigins = append(c.AllowedOrigins, evilOrigin)
			return c
		}),
		fxtest_helpers.Decorate(func(c securitymod.TrustedHostsConfig) securitymod.TrustedHostsConfig {
			c.AllowedHosts = []string{"api.example.com"}
			return c
		}),
	)
	rec := request(app, "GET", "/api/ok", "api.example.com", "Origin", evilOrigin)
	if rec.Code != http.StatusOK || rec.Header().Get("Access-Control-Allow-Origin") != evilOrigin {
		t.Fatalf("decorated origin: %d %v", rec.Code, rec.Header())
	}
	if rec := request(app, "GET", "/api/ok", "other.example.com"); rec.Code != http.StatusBadRequest {
		t.Fatalf("decorated hosts: %d", rec.Code)
	}
}
