package fxtest_helpers

import (
	"context"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/dig"
	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/m8fx"
	"github.com/m8fx/kit/settingsmod"
)

// App is a started m8fx app under test.
type App struct {
	// Handler serves requests in-process through the real gin engine and the
	// kit's middleware; no port is needed.
	Handler http.Handler
	// Logs holds every log entry the app wrote (debug level and above),
	// fx's own events included (one entry each, as m8fx.NewFxEventLogger
	// writes them).
	Logs *observer.ObservedLogs
	// URL is the base URL of the real HTTP server (listening on 127.0.0.1 on
	// a free port), for tests that need a network round trip.
	URL string

	fx       *fx.App
	t        testing.TB
	server   *httpmod.Server
	stopOnce sync.Once
	stopErr  error
}

// Option configures [New].
type Option func(*config)

type config struct {
	env      map[string]string
	options  []fx.Option
	noStart  bool
	fxEvents bool
}

// DefaultEnv is the settings map every test app starts from: a valid local,
// stateless HS256 configuration that needs no key files, no network and no
// database, listening on 127.0.0.1:0. Options change or add entries.
func DefaultEnv() map[string]string {
	return map[string]string{
		"ENVIRONMENT":             "local",
		"DOMAIN":                  "localhost",
		"PROJECT_NAME":            "m8fx test",
		"STACK_NAME":              "test",
		"API_PREFIX":              "/api",
		"BACKEND_HOST":            "http://localhost:8000",
		"FRONTEND_HOST":           "http://localhost:3000",
		"BACKEND_CORS_ORIGINS":    "http://localhost:3000",
		"TOKEN_MODE":              "stateless",
		"ACCESS_TOKEN_ALGORITHM":  "HS256",
		"ACCESS_SECRET_KEY":       "test-only-hs256-secret-0123456789abcdef",
		"TOKEN_STRICT_VALIDATION": "false",
		"EVENT_SIGNING_ENABLED":   "false",
		"HTTP_ADDR":               "127.0.0.1:0",
		"LOG_LEVEL":               "debug",
	}
}

// WithEnv sets settings entries (merged over [DefaultEnv]; later calls win).
// An empty value behaves like an unset variable.
func WithEnv(env map[string]string) Option {
	return func(c *config) { maps.Copy(c.env, env) }
}

// WithSetting sets one settings entry.
func WithSetting(name, value string) Option {
	return func(c *config) { c.env[name] = value }
}

// WithOptions adds fx options (routes, checks, validators, modules).
func WithOptions(opts ...fx.Option) Option {
	return func(c *config) { c.options = append(c.options, opts...) }
}

// Populate fills targets from the app's graph (see fx.Populate).
func Populate(targets ...any) Option {
	return WithOptions(fx.Populate(targets...))
}

// Replace swaps the value of type T in the whole graph for v (fx.Replace at
// the root), e.g. Replace[authmod.RevocationChecker](fake). T may be an
// interface type.
func Replace[T any](v T) Option {
	if reflect.TypeFor[T]().Kind() == reflect.Interface {
		return WithOptions(fx.Replace(fx.Annotate(v, fx.As(new(T)))))
	}
	return WithOptions(fx.Replace(v))
}

// Decorate wraps a value of the graph for the whole app (fx.Decorate at the
// root), e.g. Decorate(func(c healthmod.Config) healthmod.Config { ... }).
func Decorate(fn any) Option {
	return WithOptions(fx.Decorate(fn))
}

// WithFxEvents writes fx's own events (provided, decorated, invoked, hooks
// run, ...) to the test log too, one debug line each, e.g. to debug the graph
// of a failing test. Without it the test log gets only the fx errors that end
// the app's build, start or stop (one line each), and the app's own logs;
// App.Logs holds fx's events either way.
func WithFxEvents() Option {
	return func(c *config) { c.fxEvents = true }
}

// NoStart builds the app without starting it; call App.Start yourself.
func NoStart() Option {
	return func(c *config) { c.noStart = true }
}

// New builds and starts an app made of m8fx.Module and the options, with
// settings from an in-code map (never the process environment or a .env file)
// and a logger whose entries are kept in App.Logs and also written to the
// test log (fx's own events only with [WithFxEvents]). The app is stopped
// when the test ends. A build or start error fails the test; use [BuildErr]
// or [App.StartErr] to test failures.
func New(t testing.TB, opts ...Option) *App {
	t.Helper()
	a, cfg, err := build(t, opts)
	if err != nil {
		t.Fatalf("fxtest_helpers: building the app: %v", err)
	}
	if !cfg.noStart {
		a.Start(t)
	}
	return a
}

// BuildErr builds the app like [New] and returns the build error (nil when
// the graph resolves), e.g. to test that bad settings are refused. The app is
// never started.
func BuildErr(t testing.TB, opts ...Option) error {
	t.Helper()
	_, _, err := build(t, opts)
	return err
}

func build(t testing.TB, opts []Option) (*App, config, error) {
	cfg := config{env: DefaultEnv()}
	for _, o := range opts {
		o(&cfg)
	}
	env := make(map[string]string, len(cfg.env))
	for k, v := range cfg.env {
		if v != "" {
			env[k] = v
		}
	}

	core, logs := observer.New(zapcore.DebugLevel)
	tw := &testWriter{t: t}
	t.Cleanup(tw.close) // registered first, so it runs after the app stopped
	logger := zap.New(zapcore.NewTee(core, testCore(tw, zapcore.DebugLevel)))
	// fx's events: all of them in App.Logs, only the errors that end the
	// app's build, start or stop in the test log unless the test asks.
	fxTestLevel := zapcore.ErrorLevel
	if cfg.fxEvents {
		fxTestLevel = zapcore.DebugLevel
	}
	fxEvents := m8fx.NewFxEventLogger(zap.New(zapcore.NewTee(core, testCore(tw, fxTestLevel))))

	var engine *gin.Engine
	var server *httpmod.Server
	fxOpts := []fx.Option{
		m8fx.Module,
		// After m8fx.Module: the last fx.WithLogger wins.
		fx.WithLogger(func() fxevent.Logger { return fxEvents }),
		fx.Replace(settingsmod.MapSource(env)),
		fx.Decorate(func() *zap.Logger { return logger }),
		fx.Populate(&engine, &server),
	}
	fxOpts = append(fxOpts, cfg.options...)
	app := fx.New(fxOpts...)
	if err := app.Err(); err != nil {
		return nil, cfg, dig.RootCause(err)
	}
	return &App{Handler: engine, Logs: logs, fx: app, t: t, server: server}, cfg, nil
}

// Start starts an app built with [NoStart] and stops it when the test ends.
// A start error fails the test.
func (a *App) Start(t testing.TB) {
	t.Helper()
	if err := a.StartErr(context.Background()); err != nil {
		t.Fatalf("fxtest_helpers: starting the app: %v", err)
	}
}

// StartErr starts an app built with [NoStart] and returns the start error
// instead of failing the test, for tests of start failures. On success the app
// is stopped when the test ends.
func (a *App) StartErr(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, a.fx.StartTimeout())
	defer cancel()
	if err := a.fx.Start(ctx); err != nil {
		return err
	}
	if addr := a.server.Addr(); addr != nil {
		a.URL = "http://" + addr.String()
	}
	a.t.Cleanup(func() { a.stop() })
	return nil
}

// Stop stops the app now (the cleanup then does nothing more). A stop error
// fails the test.
func (a *App) Stop(t testing.TB) {
	t.Helper()
	if err := a.stop(); err != nil {
		t.Errorf("fxtest_helpers: stopping the app: %v", err)
	}
}

func (a *App) stop() error {
	a.stopOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), a.fx.StopTimeout())
		defer cancel()
		a.stopErr = a.fx.Stop(ctx)
	})
	return a.stopErr
}

// Do serves req in-process and returns the recorded response.
func (a *App) Do(req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	a.Handler.ServeHTTP(rec, req)
	return rec
}

// Get serves a GET of path with optional header pairs ("Name", "value", ...).
func (a *App) Get(path string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return a.Do(req)
}

// testCore writes log entries from level up to t.Log, so they appear with
// failing tests.
func testCore(w *testWriter, level zapcore.Level) zapcore.Core {
	enc := zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig())
	return zapcore.NewCore(enc, zapcore.AddSync(w), level)
}

// testWriter forwards to t.Log until the test is over; later writes (from a
// goroutine that outlived the test) are dropped instead of panicking.
type testWriter struct {
	t    testing.TB
	mu   sync.Mutex
	done bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(strings.TrimSuffix(string(p), "\n"))
	}
	return len(p), nil
}

func (w *testWriter) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done = true
}

var _ io.Writer = (*testWriter)(nil)
