package settingsmod

import (
	"strings"
	"testing"
)

func TestValidateDatabase(t *testing.T) {
	pg := map[string]string{"SELECTED_DB": "Postgres", "DB_HOST": "db", "DB_PORT": "5432", "DB_DATABASE": "app", "DB_USER": "app"}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name     string
		set      map[string]string
		mutate   func(*Settings)
		env, msg string
	}{
		{name: "sqlite needs DB_DATABASE", set: nil, env: "DB_DATABASE", msg: `":memory:"`},
		{name: "sqlite memory", set: map[string]string{"DB_DATABASE": ":memory:"}},
		{name: "sqlite with DATABASE_URL", set: map[string]string{"DATABASE_URL": "file:app.db"}},
		{name: "SELECTED_DB enum", mutate: func(s *Settings) { s.SelectedDB = "postgres" }, env: "SELECTED_DB", msg: "Mysql, Postgres, Sqlite"},
		{name: "postgres ok", set: pg},
		{name: "mysql ok", set: with(pg, "SELECTED_DB", "Mysql", "DB_PORT", "3306")},
		{name: "postgres needs DB_HOST", set: with(pg, "DB_HOST", ""), env: "DB_HOST", msg: "SELECTED_DB=Postgres"},
		{name: "postgres needs DB_PORT", set: with(pg, "DB_PORT", ""), env: "DB_PORT", msg: "between 1 and 65535"},
		{name: "DB_PORT range", set: with(pg, "DB_PORT", "70000"), env: "DB_PORT", msg: "between 1 and 65535"},
		{name: "postgres needs DB_DATABASE", set: with(pg, "DB_DATABASE", ""), env: "DB_DATABASE", msg: "is required"},
		{name: "mysql needs DB_USER", set: with(pg, "SELECTED_DB", "Mysql", "DB_USER", ""), env: "DB_USER", msg: "SELECTED_DB=Mysql"},
		{name: "DATABASE_URL replaces DB_*", set: map[string]string{"SELECTED_DB": "Postgres", "DATABASE_URL": "postgres://db/app"}},
		{name: "max open conns", set: with(pg, "DB_MAX_OPEN_CONNS", "-1"), env: "DB_MAX_OPEN_CONNS", msg: "at least 0"},
		{name: "max idle conns", set: with(pg, "DB_MAX_IDLE_CONNS", "-1"), env: "DB_MAX_IDLE_CONNS", msg: "at least 0"},
		{name: "conn max lifetime", set: with(pg, "DB_CONN_MAX_LIFETIME_SECONDS", "-1"), env: "DB_CONN_MAX_LIFETIME_SECONDS", msg: "at least 0"},
		{name: "conn max idle time", set: with(pg, "DB_CONN_MAX_IDLE_TIME_SECONDS", "-1"), env: "DB_CONN_MAX_IDLE_TIME_SECONDS", msg: "at least 0"},
		{name: "connect timeout", set: with(pg, "DB_CONNECT_TIMEOUT_SECONDS", "-1"), env: "DB_CONNECT_TIMEOUT_SECONDS", msg: "at least 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustLoad(t, withEnv(tc.set)) // Load itself never checks DB_*
			if tc.mutate != nil {
				tc.mutate(s)
			}
			err := s.ValidateDatabase()
			if tc.env == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if ps := problemsOf(t, err); !findProblem(ps, tc.env, tc.msg) {
				t.Fatalf("want %s: %s, got %v", tc.env, tc.msg, err)
			}
		})
	}
}

func TestLoadDoesNotCheckDatabase(t *testing.T) {
	s := mustLoad(t, withEnv(map[string]string{"SELECTED_DB": "Postgres"}))
	if err := s.ValidateDatabase(); err == nil || !strings.Contains(err.Error(), "DB_HOST") {
		t.Fatalf("want DB_HOST problem from ValidateDatabase, got %v", err)
	}
}
