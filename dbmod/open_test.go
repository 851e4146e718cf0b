package dbmod

import (
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// TestOpenPoolAppliesKnobs: openPool dials nothing, applies the pool knobs
// and returns the DSN's password for redaction.
func TestOpenPoolAppliesKnobs(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		secrets []string
	}{
		{"postgres", Config{Kind: Postgres, DSN: "postgres://u:" + "pg-secret" + "@127.0.0.1:1/app", Target: "127.0.0.1:1/app"}, []string{"pg-secret"}},
		{"mysql", Config{Kind: Mysql, DSN: "u:my-secret@tcp(127.0.0.1:1)/app", Target: "127.0.0.1:1/app"}, []string{"my-secret"}},
		{"sqlite", Config{Kind: Sqlite, DSN: "file::memory:", Target: ":memory:"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.MaxOpenConns, cfg.MaxIdleConns, cfg.ConnMaxLifetime, cfg.ConnectTimeout = 3, 2, time.Minute, time.Second
			db, secrets, err := openPool(cfg, zap.NewNop())
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if got := db.Stats().MaxOpenConnections; got != 3 {
				t.Fatalf("MaxOpenConnections %d, want 3", got)
			}
			if db.Stats().OpenConnections != 0 {
				t.Fatal("openPool connected")
			}
			if strings.Join(secrets, ",") != strings.Join(tt.secrets, ",") {
				t.Fatalf("secrets %q, want %q", secrets, tt.secrets)
			}
		})
	}
}

// TestOpenPoolErrors: a DSN that does not parse is an error naming the
// target, never quoting the DSN.
func TestOpenPoolErrors(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{Kind: Postgres, DSN: "host=h port=x password=open-secret", Target: "h/app"}, "dbmod: PostgreSQL connection string for h/app does not parse"},
		{Config{Kind: Mysql, DSN: "open-secret@nonsense(", Target: "h/app"}, "dbmod: MySQL DSN for h/app does not parse"},
		{Config{Kind: "Oracle", DSN: "open-secret"}, `dbmod: unknown database kind "Oracle"`},
	}
	for _, tt := range tests {
		db, _, err := openPool(tt.cfg, zap.NewNop())
		if err == nil {
			_ = db.Close()
			t.Fatalf("%s: opened", tt.cfg.Kind)
		}
		if err.Error() != tt.want && !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "open-secret") {
			t.Errorf("%s: error %q, want %q", tt.cfg.Kind, err, tt.want)
		}
	}
}

func TestDialectFor(t *testing.T) {
	for kind, want := range map[Kind]string{Postgres: "pg", Mysql: "mysql", Sqlite: "sqlite"} {
		if got := dialectFor(kind).Name().String(); got != want {
			t.Errorf("dialectFor(%s) = %s, want %s", kind, got, want)
		}
	}
}

// TestMysqlLogger: go-sql-driver's messages become zap warnings.
func TestMysqlLogger(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	mysqlLogger{log: zap.New(core)}.Print("closing bad idle connection: ", "EOF")
	entries := logs.All()
	if len(entries) != 1 || entries[0].Level != zapcore.WarnLevel || entries[0].Message != "mysql driver" ||
		entries[0].ContextMap()["message"] != "closing bad idle connection: EOF" {
		t.Fatalf("entries %v", entries)
	}
}
