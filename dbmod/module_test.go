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
