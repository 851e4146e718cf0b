package dbmod

import (
	"strings"
	"testing"
)

func TestSqliteDSNParameters(t *testing.T) {
	tests := []struct {
		database string
		want     []string
		absent   []string
	}{
		{"app.db", []string{"file:app.db?", "busy_timeout%285000%29", "journal_mode%28WAL%29", "foreign_keys%281%29", "_txlock=immediate", "synchronous%28NORMAL%29"}, nil},
		{":memory:", []string{"file::memory:?", "busy_timeout", "foreign_keys"}, []string{"WAL", "_txlock"}},
		{"dir #1/a%b.db", []string{"file:dir %231/a%25b.db?"}, nil},
		{"app.db?_busy_timeout=100&_txlock=deferred", []string{"_busy_timeout=100", "_txlock=deferred"}, []string{"busy_timeout%28", "immediate"}},
	}
	for _, tt := range tests {
		cfg, err := ConfigFromSettings(dbSettings(t, "SELECTED_DB", "Sqlite", "DB_DATABASE", tt.database))
		if err != nil {
			t.Fatal(err)
		}
		dsn := cfg.DSN.Value()
		for _, w := range tt.want {
			if !strings.Contains(dsn, w) {
				t.Errorf("%s: DSN %q lacks %q", tt.database, dsn, w)
			}
		}
		for _, a := range tt.absent {
			if strings.Contains(dsn, a) {
				t.Errorf("%s: DSN %q has %q", tt.database, dsn, a)
			}
		}
	}
}

func TestBuildSqliteDSN(t *testing.T) {
	tests := []struct {
		raw, dsnPrefix, target string
		wantErr                string
	}{
		{raw: "app.db", dsnPrefix: "file:app.db?", target: "app.db"},
		{raw: ":memory:", dsnPrefix: "file::memory:?", target: ":memory:"},
		{raw: "file:data/app.db?mode=rwc", dsnPrefix: "file:data/app.db?", target: "data/app.db"},
		{raw: "file://var/app.db", dsnPrefix: "file://var/app.db?", target: "var/app.db"},
		{raw: "file:shared?mode=memory&cache=shared", dsnPrefix: "file:shared?", target: ":memory:"},
		{raw: "file:/tmp/a%20b.db", dsnPrefix: "file:/tmp/a%20b.db?", target: "/tmp/a b.db"},
		{raw: "sqlite:///rel/app.db", dsnPrefix: "file:rel/app.db?", target: "rel/app.db"},
		{raw: "sqlite:////abs/app.db", dsnPrefix: "file:/abs/app.db?", target: "/abs/app.db"},
		{raw: "sqlite://?_pragma=foreign_keys(0)", dsnPrefix: "file::memory:?", target: ":memory:"},
		{raw: "sqlite:app.db", wantErr: `must start with "sqlite:///"`},
		{raw: "sqlite://app.db", wantErr: `must start with "sqlite:///"`},
		{raw: "", wantErr: "names no SQLite file"},
		{raw: "?_txlock=deferred", wantErr: "names no SQLite file"},
		{raw: "app.db?%zz", wantErr: "invalid query string"},
		{raw: "file:app.db?%zz", wantErr: "invalid query string"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			dsn, target, err := buildSqliteDSN(tt.raw)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(dsn, tt.dsnPrefix) || target != tt.target {
				t.Fatalf("dsn %q target %q, want prefix %q and target %q", dsn, target, tt.dsnPrefix, tt.target)
			}
		})
	}
}

// TestSqliteTarget: the database a SQLite config designates comes from its
// DSN, so that a file named "memory" is a file and a shared-cache in-memory
// database is told apart from a private one.
func TestSqliteTarget(t *testing.T) {
	tests := []struct {
		database      string
		target        string
		private, memo bool
	}{
		{"app.db", "app.db", false, false},
		{"data/memory", "data/memory", false, false},
		{":memory:", ":memory:", true, true},
		{"file::memory:?cache=shared", ":memory:", false, true},
		{"file:x?mode=memory", ":memory:", true, true},
	}
	for _, tt := range tests {
		cfg, err := ConfigFromSettings(dbSettings(t, "SELECTED_DB", "Sqlite", "DB_DATABASE", tt.database))
		if err != nil {
			t.Fatal(err)
		}
		target, private := cfg.sqliteTarget()
		if target != tt.target || private != tt.private || cfg.memory() != tt.memo {
			t.Errorf("%s: target %q private %v memory %v, want %q %v %v", tt.database, target, private, cfg.memory(), tt.target, tt.private, tt.memo)
		}
		if wantOne := tt.memo; (cfg.MaxOpenConns == 1) != wantOne {
			t.Errorf("%s: MaxOpenConns %d", tt.database, cfg.MaxOpenConns)
		}
	}
	// A hand-made Config without a DSN dbmod can read falls back to Target.
	if target, private := (Config{Kind: Sqlite, Target: ":memory:"}).sqliteTarget(); target != ":memory:" || !private {
		t.Errorf("no DSN: %q %v", target, private)
	}
}
