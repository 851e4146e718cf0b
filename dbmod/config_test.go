package dbmod

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

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
