package dbmod

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"

	"github.com/m8fx/kit/settingsmod"
)

// specialPassword has every character that breaks a naively built URL or DSN.
const specialPassword = `p@ss:w/rd%#?&= '"(x)`

// dbSettings returns database settings with the defaults of the env tags
// (pool knobs), overridden by kv pairs.
func dbSettings(t *testing.T, kv ...string) *settingsmod.Settings {
	t.Helper()
	env := map[string]string{
		"ENVIRONMENT": "local", "DOMAIN": "localhost", "PROJECT_NAME": "t", "STACK_NAME": "t", "API_PREFIX": "/api",
		"BACKEND_HOST": "http://localhost:8000", "FRONTEND_HOST": "http://localhost:3000",
		"TOKEN_MODE": "stateless", "ACCESS_TOKEN_ALGORITHM": "HS256", "ACCESS_SECRET_KEY": "test-only-hs256-secret-0123456789abcdef",
		"TOKEN_STRICT_VALIDATION": "false", "EVENT_SIGNING_ENABLED": "false",
	}
	for i := 0; i+1 < len(kv); i += 2 {
		env[kv[i]] = kv[i+1]
	}
	s, err := settingsmod.Load(settingsmod.MapSource(env))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

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

func TestMysqlAssembly(t *testing.T) {
	s := dbSettings(t, "SELECTED_DB", "Mysql", "DB_HOST", "::1", "DB_PORT", "3307",
		"DB_DATABASE", "app", "DB_USER", "app", "DB_PASSWORD", specialPassword, "DB_CONNECT_TIMEOUT_SECONDS", "3",
		"DB_CONN_MAX_LIFETIME_SECONDS", "3600")
	cfg, err := ConfigFromSettings(s)
	if err != nil {
		t.Fatal(err)
	}
	mc, err := mysql.ParseDSN(cfg.DSN.Value())
	if err != nil {
		t.Fatalf("assembled DSN does not parse: %v", err)
	}
	if mc.Passwd != specialPassword || mc.User != "app" || mc.Addr != "[::1]:3307" || mc.DBName != "app" {
		t.Fatalf("round trip: %q %q %q %q", mc.User, mc.Passwd, mc.Addr, mc.DBName)
	}
	if !mc.ParseTime || mc.Loc != time.UTC || mc.Timeout != 3*time.Second || mc.ReadTimeout != MysqlIOTimeout || mc.WriteTimeout != MysqlIOTimeout {
		t.Fatalf("driver options: parseTime %v loc %v timeout %s read %s write %s", mc.ParseTime, mc.Loc, mc.Timeout, mc.ReadTimeout, mc.WriteTimeout)
	}
	if cfg.ConnMaxLifetime != MysqlMaxConnLifetime || cfg.ConnMaxLifetime >= 5*time.Minute {
		t.Fatalf("MySQL lifetime %s not capped", cfg.ConnMaxLifetime)
	}
	if cfg.Target != "[::1]:3307/app" {
		t.Fatalf("target %q", cfg.Target)
	}
}

func TestMysqlLifetimeCap(t *testing.T) {
	tests := []struct {
		setting string
		want    time.Duration
	}{
		{"0", MysqlMaxConnLifetime}, // unlimited is not allowed
		{"60", time.Minute},
		{"240", 4 * time.Minute},
		{"299", MysqlMaxConnLifetime},
	}
	for _, tt := range tests {
		s := dbSettings(t, "SELECTED_DB", "Mysql", "DATABASE_URL", "u@tcp(db:3306)/app", "DB_CONN_MAX_LIFETIME_SECONDS", tt.setting)
		cfg, err := ConfigFromSettings(s)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.ConnMaxLifetime != tt.want {
			t.Errorf("DB_CONN_MAX_LIFETIME_SECONDS=%s: lifetime %s, want %s", tt.setting, cfg.ConnMaxLifetime, tt.want)
		}
	}
}

func TestDatabaseURLForms(t *testing.T) {
	tests := []struct {
		name, selected, url string
		target, nameLabel   string
		check               func(t *testing.T, cfg Config)
	}{
		{name: "postgres URL", selected: "Postgres", url: "postgres://u:pw@pg:5432/app?sslmode=require",
			target: "pg:5432/app", nameLabel: "app"},
		{name: "postgresql URL", selected: "Postgres", url: "postgresql://u@pg/app", target: "pg:5432/app", nameLabel: "app"},
		{name: "postgres keyword/value", selected: "Postgres", url: "host=pg port=6000 dbname=app user=u password=pw",
			target: "pg:6000/app", nameLabel: "app"},
		{name: "mysql driver DSN", selected: "Mysql", url: "u:pw@tcp(my:3306)/app?tls=false", target: "my:3306/app", nameLabel: "app",
			check: func(t *testing.T, cfg Config) {
				mc, err := mysql.ParseDSN(cfg.DSN.Value())
				if err != nil || !mc.ParseTime || mc.ReadTimeout != MysqlIOTimeout {
					t.Fatalf("parseTime/timeouts not forced: %v %+v", err, mc)
				}
			}},
		{name: "mysql URL", selected: "Mysql", url: (&url.URL{Scheme: "mysql", User: url.UserPassword("u", specialPassword), Host: "my", Path: "/app", RawQuery: "readTimeout=5s"}).String(),
			target: "my:3306/app", nameLabel: "app",
			check: func(t *testing.T, cfg Config) {
				mc, err := mysql.ParseDSN(cfg.DSN.Value())
				if err != nil || mc.Passwd != specialPassword || mc.ReadTimeout != 5*time.Second {
					t.Fatalf("mysql URL: %v password %q readTimeout %s", err, mc.Passwd, mc.ReadTimeout)
				}
			}},
		{name: "sqlite path", selected: "Sqlite", url: "data/app.db", target: "data/app.db", nameLabel: "app.db"},
		{name: "sqlite memory", selected: "Sqlite", url: ":memory:", target: ":memory:", nameLabel: "memory",
			check: func(t *testing.T, cfg Config) {
				if cfg.MaxOpenConns != 1 || cfg.MaxIdleConns != 1 || cfg.ConnMaxLifetime != 0 || cfg.ConnMaxIdleTime != 0 {
					t.Fatalf("in-memory pool must be one connection forever: %+v", cfg)
				}
			}},
		{name: "sqlite file URI", selected: "Sqlite", url: "file:/tmp/x%3fy.db?_pragma=journal_mode(DELETE)", target: "/tmp/x?y.db", nameLabel: "x?y.db",
			check: func(t *testing.T, cfg Config) {
				if strings.Contains(cfg.DSN.Value(), "WAL") {
					t.Fatalf("the user's journal_mode was overridden: %s", cfg.DSN.Value())
				}
			}},
		{name: "sqlalchemy relative", selected: "Sqlite", url: "sqlite:///app.db", target: "app.db", nameLabel: "app.db"},
		{name: "sqlalchemy absolute", selected: "Sqlite", url: "sqlite:////var/app.db", target: "/var/app.db", nameLabel: "app.db"},
		{name: "sqlalchemy memory", selected: "Sqlite", url: "sqlite://", target: ":memory:", nameLabel: "memory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// DB_* values that DATABASE_URL must win over.
			s := dbSettings(t, "SELECTED_DB", tt.selected, "DATABASE_URL", tt.url, "DB_HOST", "ignored", "DB_DATABASE", "ignored.db")
			cfg, err := ConfigFromSettings(s)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Kind != Kind(tt.selected) || cfg.Target != tt.target || cfg.Name != tt.nameLabel {
				t.Fatalf("kind %s target %q name %q", cfg.Kind, cfg.Target, cfg.Name)
			}
			if tt.check != nil {
				tt.check(t, cfg)
			}
		})
	}
}

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

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		kv   []string
		env  string
		msg  string
	}{
		{"postgres URL with Sqlite", []string{"SELECTED_DB", "Sqlite", "DATABASE_URL", "postgres://u:" + specialPassword + "@h/db"}, "DATABASE_URL", "is a Postgres URL but SELECTED_DB=Sqlite"},
		{"mysql URL with Postgres", []string{"SELECTED_DB", "Postgres", "DATABASE_URL", "mysql://u:pw@h/db"}, "DATABASE_URL", "is a Mysql URL but SELECTED_DB=Postgres"},
		{"sqlite URI with Mysql", []string{"SELECTED_DB", "Mysql", "DATABASE_URL", "file:app.db"}, "DATABASE_URL", "is a Sqlite URL"},
		{"bad mysql DSN", []string{"SELECTED_DB", "Mysql", "DATABASE_URL", "pw-" + specialPassword}, "DATABASE_URL", "is not a MySQL DSN"},
		{"bad postgres DSN", []string{"SELECTED_DB", "Postgres", "DATABASE_URL", "host=h port=notaport password=" + specialPassword}, "DATABASE_URL", "valid PostgreSQL connection string"},
		{"bad sqlalchemy form", []string{"SELECTED_DB", "Sqlite", "DATABASE_URL", "sqlite:app.db"}, "DATABASE_URL", `sqlite:///`},
		{"missing DB_HOST", []string{"SELECTED_DB", "Postgres", "DB_PORT", "5432", "DB_DATABASE", "d", "DB_USER", "u", "DB_PASSWORD", specialPassword}, "DB_HOST", "required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ConfigFromSettings(dbSettings(t, tt.kv...))
			var ve *settingsmod.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want a *settingsmod.ValidationError, got %v", err)
			}
			found := false
			for _, p := range ve.Problems {
				if p.Env == tt.env && strings.Contains(p.Message, tt.msg) {
					found = true
				}
			}
			if !found {
				t.Fatalf("want %s: %s, got %v", tt.env, tt.msg, err)
			}
			if strings.Contains(err.Error(), "w/rd") {
				t.Fatalf("error shows the password: %v", err)
			}
		})
	}
}

func TestRedactor(t *testing.T) {
	r := newRedactor(specialPassword, "")
	tests := []string{
		"auth failed for password " + specialPassword,
		"dial postgres://u:" + url.QueryEscape(specialPassword) + "@db:5432/app: refused",
		"path " + url.PathEscape(specialPassword),
		"host=db password=hunter2 user=u",
	}
	for _, msg := range tests {
		got := r.String(msg)
		if strings.Contains(got, "w/rd") || strings.Contains(got, "w%2Frd") || strings.Contains(got, "hunter2") {
			t.Errorf("redact(%q) = %q", msg, got)
		}
	}
	if got := newRedactor("x").String("x marks the spot"); got != "x marks the spot" {
		t.Errorf("a one-character password blanked text: %q", got)
	}
}
