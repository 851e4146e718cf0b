package httpmod

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/zap"
)

func TestModuleRouteTable(t *testing.T) {
	tests := []struct {
		name    string
		limits  []Limit
		wantErr string
	}{
		{name: "limits reach the table", limits: []Limit{{Name: "a", Value: 3}, {Name: "b", Value: 0}}},
		{name: "no limits"},
		{name: "a limit without a name", limits: []Limit{{Value: 3}}, wantErr: "httpmod: a runtime limit (httpmod.AsLimit) has no name"},
		{name: "a name twice", limits: []Limit{{Name: "a", Value: 1}, {Name: "a", Value: 2}}, wantErr: `httpmod: runtime limit "a" registered twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSettings()
			s.RequestTimeoutSeconds = 7
			table, err := newModuleRouteTable(routeTableParams{Settings: s, Logger: zap.NewNop(), Limits: tt.limits})
			if tt.wantErr != "" {
				if table != nil || err == nil || err.Error() != tt.wantErr {
					t.Fatalf("got %v, %v; want the error %q", table, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range tt.limits {
				if v, ok := table.Limit(l.Name); !ok || v != l.Value {
					t.Errorf("Limit(%q) = %d, %v; want %d", l.Name, v, ok, l.Value)
				}
			}
			if table.timeout != 7*time.Second {
				t.Errorf("request timeout %s, want REQUEST_TIMEOUT_SECONDS (7s)", table.timeout)
			}
		})
	}
}

// moduleApp builds an app of the module alone (no phase.Hooks: its hook goes
// on fx.Lifecycle).
func moduleApp(t *testing.T, addr string) (*fx.App, *Server) {
	t.Helper()
	s := testSettings()
	s.HTTPAddr = addr
	var srv *Server
	app := fx.New(fx.NopLogger, Module, fx.Supply(s, zap.NewNop()), fx.Populate(&srv))
	if err := app.Err(); err != nil {
		t.Fatal(err)
	}
	return app, srv
}

// TestModuleServesTheEngineAndShutsDownOnServeError: start listens and
// serves the engine, a serve error asks the app to exit with code 1, stop
// closes the listener.
func TestModuleServesTheEngineAndShutsDownOnServeError(t *testing.T) {
	app, srv := moduleApp(t, "127.0.0.1:0")
	ctx := context.Background()
	if err := app.Start(ctx); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := client.Get("http://" + srv.Addr().String() + "/api/nothing")
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusNotFound || res.Header.Get("Content-Type") != "application/json; charset=utf-8" {
		t.Errorf("GET /api/nothing over the network: %d %q, want the engine's JSON 404", res.StatusCode, res.Header.Get("Content-Type"))
	}

	signals := app.Wait()
	srv.mu.Lock()
	onError := srv.onError
	srv.mu.Unlock()
	onError(errors.New("accept: too many open files")) // what serve calls on a serve error
	select {
	case sig := <-signals:
		if sig.ExitCode != 1 {
			t.Errorf("shutdown exit code %d, want 1", sig.ExitCode)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a serve error did not shut the app down")
	}

	if err := app.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if conn, err := net.Dial("tcp", srv.Addr().String()); err == nil {
		_ = conn.Close()
		t.Fatal("still listening after stop")
	}
}

func TestModuleListenErrorFailsStart(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	app, _ := moduleApp(t, taken.Addr().String())
	err = app.Start(context.Background())
	if err == nil || !strings.Contains(err.Error(), `httpmod: cannot listen on HTTP_ADDR "`+taken.Addr().String()+`"`) {
		t.Fatalf("start error %v, want the listen error", err)
	}
}
