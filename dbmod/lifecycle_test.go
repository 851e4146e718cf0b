package dbmod_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/httpmod"
)

// logIndex returns the position of the first entry with message msg.
func logIndex(t *testing.T, app *fxtest_helpers.App, msg string) int {
	t.Helper()
	for i, e := range app.Logs.All() {
		if e.Message == msg {
			return i
		}
	}
	t.Fatalf("no log entry %q", msg)
	return -1
}

// TestStartAndStopOrder: the pool connects before the HTTP
// server listens and before the ready flag; at stop it closes after the HTTP
// server has shut down. Checked with and without the health check and with a
// route that uses the database.
func TestStartAndStopOrder(t *testing.T) {
	usesDB := func(db *dbmod.DB) httpmod.Routes {
		return httpmod.RoutesFunc(func(r *httpmod.Router) {
			httpmod.Handle(r, http.MethodGet, "/ping-db", func(c *gin.Context) {
				if err := db.Ping(c); err != nil {
					c.Status(http.StatusServiceUnavailable)
					return
				}
				c.Status(http.StatusNoContent)
			})
		})
	}
	tests := []struct {
		name string
		opts []fxtest_helpers.Option
	}{
		{"module only", nil},
		{"without health check", []fxtest_helpers.Option{fxtest_helpers.WithOptions(dbmod.WithoutHealthCheck())}},
		{"route using the DB", []fxtest_helpers.Option{fxtest_helpers.WithOptions(httpmod.AsRoutes(usesDB))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := fxtest_helpers.New(t, append(tt.opts, fxtest_helpers.WithSQLite())...)
			app.Stop(t)
			connected := logIndex(t, app, "database connected")
			listening := logIndex(t, app, "http server listening")
			ready := logIndex(t, app, "service ready")
			httpStopped := logIndex(t, app, "http server stopped")
			closed := logIndex(t, app, "database pool closed")
			if !(connected < listening && listening < ready && httpStopped < closed) {
				t.Fatalf("order: connected %d listening %d ready %d http stopped %d pool closed %d",
					connected, listening, ready, httpStopped, closed)
			}
		})
	}
}

// TestStartFailsOnUnreachableDatabase: start is bounded by
// DB_CONNECT_TIMEOUT_SECONDS, fails with the target in the error and no
// password, leaves no goroutine behind (goleak in TestMain), and the HTTP
// server never listened.
func TestStartFailsOnUnreachableDatabase(t *testing.T) {
	addr := closedPort(t)
	host, port, _ := net.SplitHostPort(addr)
	app := fxtest_helpers.New(t, fxtest_helpers.NoStart(), fxtest_helpers.WithOptions(dbmod.Module),
		fxtest_helpers.WithEnv(map[string]string{"SELECTED_DB": "Postgres", "DB_HOST": host, "DB_PORT": port,
			"DB_DATABASE": "app", "DB_USER": "app", "DB_PASSWORD": specialPassword, "DB_CONNECT_TIMEOUT_SECONDS": "1"}))
	err := app.StartErr(context.Background())
	if err == nil || !strings.Contains(err.Error(), addr+"/app not ready") || strings.Contains(err.Error(), "w/rd") {
		t.Fatalf("start error: %v", err)
	}
	for _, e := range app.Logs.All() {
		if e.Message == "http server listening" {
			t.Fatal("the HTTP server listened although the database was unreachable")
		}
		if strings.Contains(fmt.Sprint(e.Message, e.ContextMap()), "w/rd") {
			t.Fatalf("a log entry shows the password: %s %v", e.Message, e.ContextMap())
		}
	}
}

// TestInvalidDatabaseSettingsFailBuild: DB_* problems fail the build with
// the settings error, naming the variable.
func TestInvalidDatabaseSettingsFailBuild(t *testing.T) {
	err := fxtest_helpers.BuildErr(t, fxtest_helpers.WithOptions(dbmod.Module),
		fxtest_helpers.WithEnv(map[string]string{"SELECTED_DB": "Mysql", "DB_HOST": "db", "DB_PORT": "3306", "DB_USER": "u"}))
	if err == nil || !strings.Contains(err.Error(), "DB_DATABASE") {
		t.Fatalf("build error: %v", err)
	}
	// Apps without dbmod never need DB_* settings.
	if err := fxtest_helpers.BuildErr(t, fxtest_helpers.WithSetting("SELECTED_DB", "Mysql")); err != nil {
		t.Fatalf("app without dbmod: %v", err)
	}
}

// TestQueryLogging: the debug hook logs operations; the SQL text, which
// carries the bound values, only when LogQueryText is set.
func TestQueryLogging(t *testing.T) {
	tests := []struct {
		name           string
		queries, text  bool
		wantEntries    bool
		wantValueShown bool
	}{
		{"off", false, false, false, false},
		{"operations only", true, false, true, false},
		{"with text (local)", true, true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := startSqlite(t, ":memory:").Config()
			cfg.LogQueries, cfg.LogQueryText = tt.queries, tt.text
			core, logs := observer.New(zapcore.DebugLevel)
			db, _ := dbmod.New(cfg, zap.New(core))
			defer db.Close()
			if err := db.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			var s string
			if err := db.Bun().NewRaw("SELECT ?", "bound-secret-value").Scan(context.Background(), &s); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Bun().NewRaw("SELECT * FROM no_such_table_bound_secret").Exec(context.Background()); err == nil {
				t.Fatal("query on a missing table succeeded")
			}
			entries := logs.FilterMessage("query").All()
			if (len(entries) > 0) != tt.wantEntries {
				t.Fatalf("%d query entries", len(entries))
			}
			if tt.wantEntries {
				failed := entries[len(entries)-1].ContextMap()
				if tt.text && !strings.Contains(fmt.Sprint(failed["error"]), "no such table") ||
					!tt.text && (failed["error_code"] != "SQLite 1" || failed["error"] != nil) {
					t.Fatalf("failed query entry %v", failed)
				}
				entries = entries[:len(entries)-1]
			}
			shown := false
			for _, e := range entries {
				if e.Level != zapcore.DebugLevel || e.ContextMap()["operation"] != "SELECT" {
					t.Fatalf("entry %v", e.ContextMap())
				}
				shown = shown || strings.Contains(fmt.Sprint(e.ContextMap()), "bound-secret-value")
			}
			if shown != tt.wantValueShown {
				t.Fatalf("bound value shown: %v, want %v", shown, tt.wantValueShown)
			}
		})
	}
}

// TestStatsCollector: nothing before the pool opens, the pool statistics
// labelled with the database name after.
func TestStatsCollector(t *testing.T) {
	cfg := startSqlite(t, ":memory:").Config()
	db, _ := dbmod.New(cfg, nil)
	defer db.Close()
	reg := prometheus.NewRegistry()
	if err := reg.Register(dbmod.NewStatsCollector(db)); err != nil {
		t.Fatal(err)
	}
	if mfs, err := reg.Gather(); err != nil || len(mfs) != 0 {
		t.Fatalf("before start: %d families (%v)", len(mfs), err)
	}
	if err := db.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, mf := range mfs {
		if mf.GetName() == "go_sql_max_open_connections" {
			found = true
			m := mf.GetMetric()[0]
			if m.GetGauge().GetValue() != 1 || m.GetLabel()[0].GetValue() != "memory" {
				t.Fatalf("go_sql_max_open_connections = %v", m)
			}
		}
	}
	if !found {
		t.Fatal("no go_sql_max_open_connections")
	}
}

// TestPoolMetricsServed: with METRICS_ENABLED=true the pool statistics are on
// /metrics.
func TestPoolMetricsServed(t *testing.T) {
	app := fxtest_helpers.New(t, fxtest_helpers.WithSQLite(), fxtest_helpers.WithSetting("METRICS_ENABLED", "true"))
	rec := app.Get("/metrics")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `go_sql_open_connections{db_name="memory"}`) {
		t.Fatalf("/metrics: %d\n%s", rec.Code, rec.Body)
	}
}

// TestWithoutHealthCheck: the option removes the "database" check.
func TestWithoutHealthCheck(t *testing.T) {
	app := fxtest_helpers.New(t, append(healthOptions(), fxtest_helpers.WithSQLite(),
		fxtest_helpers.WithOptions(dbmod.WithoutHealthCheck()))...)
	if _, status, _ := dbHealth(t, app); status != "" {
		t.Fatalf("database check present: %q", status)
	}
}

// TestDecorateConfig: apps change the Config with fx.Decorate at the root.
func TestDecorateConfig(t *testing.T) {
	var db *dbmod.DB
	fxtest_helpers.New(t, fxtest_helpers.WithSQLite(), fxtest_helpers.Populate(&db),
		fxtest_helpers.Decorate(func(c dbmod.Config) dbmod.Config {
			c.TablesPrefix = "decorated"
			c.ConnectTimeout = 2 * time.Second
			return c
		}))
	if db.Table("x") != "decorated_x" {
		t.Fatalf("Table = %s", db.Table("x"))
	}
}
