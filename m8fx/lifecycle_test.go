package m8fx_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"

	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/phase"
)

func decodeBody(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("body %q: %v", b, err)
	}
	return m
}

// TestReadyFlagLifecycle: initializing before start, ready after, draining
// after stop began.
func TestReadyFlagLifecycle(t *testing.T) {
	var ready *healthmod.Readiness
	app := fxtest_helpers.New(t, fxtest_helpers.NoStart(), fxtest_helpers.Populate(&ready))

	rec := app.Get("/api/health/")
	if rec.Code != http.StatusServiceUnavailable || rec.Body.String() != `{"ready":false,"status":"initializing"}` {
		t.Fatalf("before start: %d %s", rec.Code, rec.Body)
	}
	app.Start(t)
	if rec := app.Get("/api/health/"); rec.Code != http.StatusOK {
		t.Fatalf("after start: %d %s", rec.Code, rec.Body)
	}
	app.Stop(t)
	if ready.Ready() {
		t.Fatal("still ready after stop")
	}
	rec = app.Get("/api/health/ready")
	if rec.Code != http.StatusServiceUnavailable || decodeBody(t, rec.Body.Bytes())["status"] != "draining" {
		t.Fatalf("after stop: %d %s", rec.Code, rec.Body)
	}
}

// TestTwoAppsHaveSeparateReadyFlags: two apps in one process never share
// their ready flag.
func TestTwoAppsHaveSeparateReadyFlags(t *testing.T) {
	var r1, r2 *healthmod.Readiness
	a1 := fxtest_helpers.New(t, fxtest_helpers.Populate(&r1))
	a2 := fxtest_helpers.New(t, fxtest_helpers.NoStart(), fxtest_helpers.Populate(&r2))
	if r1 == r2 {
		t.Fatal("both apps got the same Readiness")
	}
	if !r1.Ready() || r2.Ready() {
		t.Fatalf("ready: app1 %v app2 %v, want true false", r1.Ready(), r2.Ready())
	}
	if a1.Get("/api/health/ready").Code != 200 || a2.Get("/api/health/ready").Code != 503 {
		t.Fatal("readiness endpoints do not reflect their own app")
	}
}

func TestListenFailureFailsStart(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	app := fxtest_helpers.New(t, fxtest_helpers.NoStart(), fxtest_helpers.WithSetting("HTTP_ADDR", ln.Addr().String()))
	err = app.StartErr(context.Background())
	if err == nil || !strings.Contains(err.Error(), "HTTP_ADDR") || !strings.Contains(err.Error(), "address already in use") {
		t.Fatalf("start error = %v", err)
	}
}

// TestGracefulDrain: at stop the ready flag clears first (readiness answers
// 503 while the server still serves during the drain delay), and a request
// in flight when stop begins completes with 200.
func TestGracefulDrain(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	slow := func() httpmod.Routes {
		return httpmod.RoutesFunc(func(r *httpmod.Router) {
			httpmod.Handle(r, http.MethodGet, "/slow", func(c *gin.Context) {
				close(entered)
				<-release
				c.String(http.StatusOK, "finished")
			})
		})
	}
	app := fxtest_helpers.New(t,
		fxtest_helpers.WithSetting("SHUTDOWN_DRAIN_SECONDS", "1"),
		fxtest_helpers.WithOptions(httpmod.AsRoutes(slow)),
	)

	type result struct {
		code int
		body string
		err  error
	}
	inflight := make(chan result, 1)
	go func() {
		resp, err := http.Get(app.URL + "/api/slow")
		if err != nil {
			inflight <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		inflight <- result{resp.StatusCode, string(b), err}
	}()
	<-entered

	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		app.Stop(t)
	}()

	// During the drain the server still answers, and readiness says 503.
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get(app.URL + "/api/health/ready")
		if err != nil {
			t.Fatalf("server stopped answering during the drain: %v", err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable {
			if decodeBody(t, b)["status"] != "draining" {
				t.Fatalf("readiness body during drain: %s", b)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("readiness never turned 503 after stop began")
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(release)
	r := <-inflight
	if r.err != nil || r.code != http.StatusOK || r.body != "finished" {
		t.Fatalf("in-flight request failed: %+v", r)
	}
	<-stopped
}

// TestHookOrderStateful checks the kit's own hooks through the phase
// recorder: the auth module starts (JWKS first fetch) before the HTTP server
// listens, the ready hook runs last; on stop the ready flag clears first, the
// HTTP server shuts down next, and the auth clients close after it.
func TestHookOrderStateful(t *testing.T) {
	rev := fxtest_helpers.NewRevocationServer(t)
	rec, recOpt := fxtest_helpers.RecordHooks()
	app := fxtest_helpers.New(t, fxtest_helpers.WithEnv(rev.Env()), fxtest_helpers.WithSetting("TOKEN_MODE", "stateful"),
		fxtest_helpers.WithOptions(recOpt))
	app.Stop(t)
	start := strings.Join(rec.Order(phase.Starting), ",")
	if want := "auth:authmod.provideValidator,serve:httpmod.registerServer,ready:m8fx.registerLifecycle"; start != want {
		t.Errorf("start order %q, want %q", start, want)
	}
	stop := strings.Join(rec.Order(phase.Stopping), ",")
	if want := "ready:m8fx.registerLifecycle,serve:httpmod.registerServer,auth:authmod.provideRevocationChecker,auth:authmod.provideValidator"; stop != want {
		t.Errorf("stop order %q, want %q", stop, want)
	}
}

// TestResourcesComponentListedAfterTheBundle: a component in the Resources
// phase (a DB pool) starts before the auth module and the HTTP server and
// stops after them, even when its options come after m8fx.Module.
func TestResourcesComponentListedAfterTheBundle(t *testing.T) {
	var events []string
	type pool struct{}
	newPool := func(lc fx.Lifecycle) *pool {
		lc.Append(fx.StartStopHook(
			func() { events = append(events, "pool start") },
			func() { events = append(events, "pool stop") },
		))
		return &pool{}
	}
	rev := fxtest_helpers.NewRevocationServer(t)
	rec, recOpt := fxtest_helpers.RecordHooks()
	app := fxtest_helpers.New(t,
		fxtest_helpers.WithEnv(rev.Env()),
		fxtest_helpers.WithOptions(recOpt, fx.Module("pool", phase.In(phase.Resources), fx.Provide(newPool), fx.Invoke(func(*pool) {}))),
	)
	app.Stop(t)
	var got []string
	for _, e := range rec.Events() {
		got = append(got, e.Phase.String()+" "+e.Stage.String())
	}
	want := "resources start,auth start,serve start,ready start,ready stop,serve stop,auth stop,auth stop,resources stop"
	if strings.Join(got, ",") != want {
		t.Fatalf("hook order %s, want %s", strings.Join(got, ","), want)
	}
	if strings.Join(events, ",") != "pool start,pool stop" {
		t.Fatalf("pool hooks: %v", events)
	}
}

// TestDrainLongerThanStopTimeout: a drain longer than the stop timeout is
// shortened, so the HTTP server still shuts down gracefully and stop succeeds.
func TestDrainLongerThanStopTimeout(t *testing.T) {
	app := fxtest_helpers.New(t,
		fxtest_helpers.WithSetting("SHUTDOWN_DRAIN_SECONDS", "30"),
		fxtest_helpers.WithOptions(fx.StopTimeout(2*time.Second)),
	)
	app.Stop(t)
	if app.Logs.FilterMessage("http server stopped").Len() != 1 {
		t.Fatal("the HTTP server was not shut down")
	}
	if app.Logs.FilterMessage("SHUTDOWN_DRAIN_SECONDS shortened to leave the graceful shutdown half of the stop timeout").Len() != 1 {
		t.Fatal("no warning about the shortened drain")
	}
}
