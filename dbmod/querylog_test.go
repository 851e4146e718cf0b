package dbmod_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/fxtest_helpers"
)

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

// TestQueryLogErrorCodes: outside ENVIRONMENT=local a failed query logs the
// engine's error code (SQLSTATE, MySQL error number), never its message;
// a raw query logs its own verb.
func TestQueryLogErrorCodes(t *testing.T) {
	eachServer(t, func(t *testing.T, kind, dsn string) {
		cfg := startDB(t, serverSettings(kind, dsn, fxtest_helpers.UniqueTablesPrefix())).Config()
		cfg.LogQueries, cfg.LogQueryText = true, false
		core, logs := observer.New(zapcore.DebugLevel)
		db, err := dbmod.New(cfg, zap.New(core))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Bun().NewRaw("DELETE FROM no_such_table_bound_secret").Exec(context.Background()); err == nil {
			t.Fatal("query on a missing table succeeded")
		}
		entries := logs.FilterMessage("query").All()
		if len(entries) == 0 {
			t.Fatal("no query entry")
		}
		got := entries[len(entries)-1].ContextMap()
		want := map[string]string{"Postgres": "SQLSTATE 42P01", "Mysql": "MySQL 1146"}[kind]
		if got["error_code"] != want || got["operation"] != "DELETE" || got["error"] != nil || got["query"] != nil {
			t.Fatalf("failed query entry %v, want error_code %q and operation DELETE only", got, want)
		}
	})
}
