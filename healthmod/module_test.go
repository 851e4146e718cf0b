package healthmod

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/m8fx/kit/httpmod"
)

// mounted collects the routes the module contributes to httpmod.
type mounted struct {
	fx.In

	Routes []httpmod.Routes `group:"m8fx.httpmod.routes"`
}

func TestModuleProvidesConfigFromSettings(t *testing.T) {
	var cfg Config
	app := fxtest.New(t, Module, fx.Supply(testSettings()), fx.Populate(&cfg))
	app.RequireStart()
	defer app.RequireStop()
	want := DefaultConfig()
	if cfg.ServiceName != "svc" || cfg.ServiceVersion != "1.2.3" || cfg.Timeout != want.Timeout ||
		cfg.Policy != want.Policy || cfg.CacheTTL != want.CacheTTL || cfg.DetailPublic {
		t.Errorf("config = %+v", cfg)
	}
}

func TestModuleConfigDecorate(t *testing.T) {
	var (
		cfg Config
		r   *Runner
		h   *Handler
		rd  *Readiness
	)
	app := fxtest.New(t,
		Module,
		fx.Supply(testSettings()),
		AsCheck(func() Check { return statusCheck("mystery", StatusUnknown) }),
		fx.Decorate(func(c Config) Config {
			c.Policy = PolicyStrict
			c.DetailPublic = true
			c.Timeout = 42 * time.Millisecond
			c.CacheTTL = 0
			c.ServiceName = "decorated"
			return c
		}),
		fx.Populate(&cfg, &r, &h, &rd),
	)
	app.RequireStart()
	defer app.RequireStop()

	if cfg.Policy != PolicyStrict || !cfg.DetailPublic || cfg.ServiceName != "decorated" || cfg.ServiceVersion != "1.2.3" {
		t.Errorf("config = %+v", cfg)
	}
	// The runner and the handler see the decorated config.
	if r.timeout != 42*time.Millisecond || r.ttl != 0 {
		t.Errorf("runner timeout %v ttl %v", r.timeout, r.ttl)
	}
	if rep := r.Run(context.Background()); rep.Status != StatusFail {
		t.Errorf("STRICT + unknown = %q, want fail", rep.Status)
	}
	rd.MarkReady()
	engine := gin.New()
	mustRegister(h, engine.Group("/api"))
	rec := httptest.NewRecorder()
	engine.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/health/", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), `"service":"decorated"`) {
		t.Errorf("code %d body %s", rec.Code, rec.Body.String())
	}
}

func TestModuleReadinessIsPerApp(t *testing.T) {
	newApp := func() (*fxtest.App, *Readiness, *Handler) {
		var (
			rd *Readiness
			h  *Handler
		)
		app := fxtest.New(t, Module, fx.Supply(testSettings()), fx.Populate(&rd, &h))
		app.RequireStart()
		return app, rd, h
	}
	app1, rd1, h1 := newApp()
	defer app1.RequireStop()
	app2, rd2, h2 := newApp()
	defer app2.RequireStop()

	if rd1 == rd2 {
		t.Fatal("two apps share one Readiness")
	}
	rd1.MarkReady()
	if rd2.State() != Starting {
		t.Errorf("app2 state = %v after app1 became ready", rd2.State())
	}
	wantCodes := map[*Handler]int{h1: http.StatusOK, h2: http.StatusServiceUnavailable}
	for h, want := range wantCodes {
		engine := gin.New()
		mustRegister(h, &engine.RouterGroup)
		rec := httptest.NewRecorder()
		engine.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/health/ready", nil))
		if rec.Code != want {
			t.Errorf("ready code = %d, want %d", rec.Code, want)
		}
	}
}

func TestModuleMountsRoutes(t *testing.T) {
	var (
		m  mounted
		rd *Readiness
	)
	app := fxtest.New(t, Module, fx.Supply(testSettings()), fx.Populate(&m, &rd))
	app.RequireStart()
	defer app.RequireStop()
	if len(m.Routes) != 1 {
		t.Fatalf("routes = %d, want 1", len(m.Routes))
	}
	if _, ok := m.Routes[0].(*Handler); !ok {
		t.Fatalf("route is %T, want *Handler", m.Routes[0])
	}
	engine := gin.New()
	table := httpmod.NewRouteTable(httpmod.RouteTableConfig{})
	m.Routes[0].Register(httpmod.NewRouter(engine.Group("/api"), table))
	if err := table.Err(); err != nil {
		t.Fatal(err)
	}
	rd.MarkReady()
	for _, p := range []string{"/api/health/", "/api/health", "/api/health/live", "/api/health/ready"} {
		rec := httptest.NewRecorder()
		engine.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("%s: code %d", p, rec.Code)
		}
	}
}
