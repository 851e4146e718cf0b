package fxtest_helpers

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"

	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/settingsmod"
)

func TestNewUsesInCodeSettingsOnly(t *testing.T) {
	t.Setenv("PROJECT_NAME", "from-process-env")
	t.Setenv("API_PREFIX", "/from-env")
	var s *settingsmod.Settings
	New(t, WithSetting("PROJECT_NAME", "from-map"), Populate(&s))
	if s.ProjectName != "from-map" || s.APIPrefix != "/api" {
		t.Fatalf("settings leaked from the process env: %q %q", s.ProjectName, s.APIPrefix)
	}
}

func TestWithEnvEmptyValueUnsets(t *testing.T) {
	err := BuildErr(t, WithEnv(map[string]string{"DOMAIN": ""}))
	if err == nil || !strings.Contains(err.Error(), "DOMAIN: is required") {
		t.Fatalf("BuildErr = %v, want the missing DOMAIN reported", err)
	}
	if err := BuildErr(t); err != nil {
		t.Fatalf("default env does not build: %v", err)
	}
}

func TestLogsAreObservable(t *testing.T) {
	app := New(t)
	app.Get("/api/health/live")
	if app.Logs.FilterMessage("http request").Len() != 1 {
		t.Fatalf("access log not observed: %v", app.Logs.All())
	}
}

func TestURLServesTheSameApp(t *testing.T) {
	app := New(t)
	resp, err := http.Get(app.URL + "/api/health/live")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("live over the network: %d", resp.StatusCode)
	}
}

type greeter interface{ Greet() string }
type english struct{}

func (english) Greet() string { return "hello" }

type french struct{}

func (french) Greet() string { return "bonjour" }

func TestReplaceAndDecorate(t *testing.T) {
	greetRoutes := func(g greeter) httpmod.Routes {
		return httpmod.RoutesFunc(func(r *httpmod.Router) {
			httpmod.Handle(r, http.MethodGet, "/greet", func(c *gin.Context) { c.String(http.StatusOK, g.Greet()) })
		})
	}
	provide := WithOptions(
		fx.Provide(fx.Annotate(func() english { return english{} }, fx.As(new(greeter)))),
		fx.Provide(httpmod.AsRoutes(greetRoutes)),
	)
	if got := New(t, provide).Get("/api/greet").Body.String(); got != "hello" {
		t.Fatalf("without override: %q", got)
	}
	if got := New(t, provide, Replace[greeter](french{})).Get("/api/greet").Body.String(); got != "bonjour" {
		t.Fatalf("Replace of an interface: %q", got)
	}
	app := New(t, Decorate(func(c healthmod.Config) healthmod.Config { c.DetailPublic = true; return c }))
	if body := app.Get("/api/health/").Body.String(); !strings.Contains(body, `"checks"`) {
		t.Fatalf("Decorate of the health config had no effect: %s", body)
	}
}

func TestStartErr(t *testing.T) {
	app := New(t, NoStart(), WithOptions(fx.Invoke(func(lc fx.Lifecycle) {
		lc.Append(fx.StartHook(func() error { return context.DeadlineExceeded }))
	})))
	if err := app.StartErr(context.Background()); err == nil {
		t.Fatal("StartErr returned nil for a failing start hook")
	}
}
