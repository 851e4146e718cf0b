package dbmod

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestPostgresAssembly(t *testing.T) {
	s := dbSettings(t, "SELECTED_DB", "Postgres", "DB_HOST", "db.internal", "DB_PORT", "5433",
		"DB_DATABASE", "my app/db", "DB_USER", "app@corp", "DB_PASSWORD", specialPassword, "DB_CONNECT_TIMEOUT_SECONDS", "7")
	cfg, err := ConfigFromSettings(s)
	if err != nil {
		t.Fatal(err)
	}
	pc, err := pgx.ParseConfig(cfg.DSN.Value())
	if err != nil {
		t.Fatalf("assembled DSN does not parse: %v", err)
	}
	if pc.Password != specialPassword || pc.User != "app@corp" || pc.Host != "db.internal" || pc.Port != 5433 ||
		pc.Database != "my app/db" || pc.ConnectTimeout != 7*time.Second {
		t.Fatalf("round trip: user %q password %q host %q port %d db %q timeout %s", pc.User, pc.Password, pc.Host, pc.Port, pc.Database, pc.ConnectTimeout)
	}
	if cfg.Target != "db.internal:5433/my app/db" || cfg.Name != "my app/db" {
		t.Fatalf("target %q name %q", cfg.Target, cfg.Name)
	}
	if cfg.ConnMaxLifetime != 240*time.Second || cfg.MaxOpenConns != 10 || cfg.MaxIdleConns != 5 || cfg.ConnMaxIdleTime != time.Minute {
		t.Fatalf("pool knobs: %+v", cfg)
	}
	if strings.Contains(fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg), "w/rd") {
		t.Fatal("formatting the Config shows the password")
	}
}

func TestPostgresDatabaseURLProblemsNameTheSource(t *testing.T) {
	// A bad assembled URL is blamed on DB_HOST, a bad DATABASE_URL on itself;
	// neither message quotes the string.
	tests := []struct {
		name string
		kv   []string
		env  string
	}{
		{"DATABASE_URL", []string{"SELECTED_DB", "Postgres", "DATABASE_URL", "host=h port=x password=" + specialPassword}, "DATABASE_URL"},
		{"assembled", []string{"SELECTED_DB", "Postgres", "DB_HOST", "h", "DB_PORT", "5432", "DB_DATABASE", "d", "DB_USER", "u",
			"DB_PASSWORD", specialPassword}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ConfigFromSettings(dbSettings(t, tt.kv...))
			if tt.env == "" {
				if err != nil || cfg.Target != "h:5432/d" {
					t.Fatalf("assembled: %v, target %q", err, cfg.Target)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.env) || strings.Contains(err.Error(), "w/rd") {
				t.Fatalf("error %v, want one naming %s without the password", err, tt.env)
			}
		})
	}
}
