package fxtest_helpers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"

	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/m8fx"
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
		httpmod.AsRoutes(greetRoutes),
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

// logRecorder is a testing.TB whose Log lines are kept instead of printed.
type logRecorder struct {
	testing.TB
	mu    sync.Mutex
	lines []string
}

func (r *logRecorder) Log(args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, fmt.Sprint(args...))
}

// fxLines are the recorded lines written by fx's event logger.
func (r *logRecorder) fxLines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, l := range r.lines {
		if strings.Contains(l, "\tfx\t") {
			out = append(out, l)
		}
	}
	return out
}

// TestFxEventsInTestLog: the test log gets fx's events only with
// WithFxEvents, one line each without fx's stack traces; otherwise only the
// fx error that ends a build or start, on one line. App.Logs has every event
// either way.
func TestFxEventsInTestLog(t *testing.T) {
	failingValidator := WithOptions(m8fx.AsStartupValidator(func(context.Context) error { return errors.New("schema missing") }))
	tests := []struct {
		name       string
		opts       []Option
		build      func(t testing.TB, opts ...Option) *App // nil: the build fails
		startErr   bool
		wantFx     []string // messages of the fx lines in the test log (all of them when want all)
		wantAll    bool     // every fx event in the test log
		wantInLogs bool     // App.Logs holds fx's events
	}{
		{name: "quiet by default", build: New, wantInLogs: true},
		{name: "WithFxEvents", opts: []Option{WithFxEvents()}, build: New, wantAll: true, wantInLogs: true},
		{name: "failed build", opts: []Option{WithOptions(fx.Invoke(func(*bytes.Reader) {}))}, wantFx: []string{"invoke failed"}},
		{name: "failed start", opts: []Option{NoStart(), failingValidator}, build: New, startErr: true,
			wantFx: []string{"start failed"}, wantInLogs: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &logRecorder{TB: t}
			var app *App
			if tt.build == nil {
				if err := BuildErr(rec, tt.opts...); err == nil {
					t.Fatal("the app built")
				}
			} else {
				app = tt.build(rec, tt.opts...)
				app.Get("/api/health/live")
				if tt.startErr {
					if err := app.StartErr(context.Background()); err == nil {
						t.Fatal("the app started")
					}
				}
			}
			lines := rec.fxLines()
			for _, l := range lines {
				if strings.Contains(l, "\n") || strings.Contains(l, "stacktrace") || strings.Contains(l, "moduletrace") {
					t.Errorf("fx line with a trace or on several lines: %q", l)
				}
			}
			if tt.wantAll {
				if len(lines) < 10 || !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, "\tprovided\t") }) {
					t.Errorf("fx's events not in the test log: %q", lines)
				}
			} else {
				var msgs []string
				for _, l := range lines {
					if !strings.Contains(l, "\tERROR\tfx\t") {
						t.Errorf("fx line below ERROR in the test log: %q", l)
					}
					msg, _, _ := strings.Cut(strings.SplitN(l, "\tfx\t", 2)[1], "\t")
					msgs = append(msgs, msg)
				}
				if !slices.Equal(msgs, tt.wantFx) {
					t.Errorf("fx lines %q, want messages %q", lines, tt.wantFx)
				}
			}
			if app != nil && tt.wantInLogs {
				if n := app.Logs.FilterLoggerName("fx").FilterMessage("provided").Len(); n == 0 {
					t.Error("App.Logs has no fx events")
				}
				if app.Logs.FilterMessage("http request").Len() != 1 {
					t.Error("App.Logs lost the app's own logs")
				}
			}
		})
	}
}
