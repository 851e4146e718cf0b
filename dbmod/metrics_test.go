package dbmod_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/fxtest_helpers"
)

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
