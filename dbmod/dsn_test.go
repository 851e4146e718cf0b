package dbmod

import (
	"errors"
	"strings"
	"testing"

	"github.com/m8fx/kit/settingsmod"
)

func TestSchemeKind(t *testing.T) {
	tests := []struct {
		raw  string
		want Kind
	}{
		{"postgres://u@h/db", Postgres},
		{"  POSTGRESQL://u@h/db", Postgres},
		{"mysql://u@h/db", Mysql},
		{"MariaDB://u@h/db", Mysql},
		{"file:app.db", Sqlite},
		{"sqlite:///app.db", Sqlite},
		{"u:pw@tcp(h:3306)/db", ""}, // a go-sql-driver DSN has no scheme
		{"host=h dbname=db", ""},
		{"./data/app.db", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := schemeKind(tt.raw); got != tt.want {
			t.Errorf("schemeKind(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestCheckScheme(t *testing.T) {
	if err := checkScheme("postgres://u:pw@h/db", Postgres); err != nil {
		t.Fatalf("matching scheme refused: %v", err)
	}
	if err := checkScheme("app.db", Postgres); err != nil {
		t.Fatalf("no scheme refused: %v", err)
	}
	err := checkScheme("mysql://u:secret-pw@h/db", Postgres)
	var ve *settingsmod.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Env != "DATABASE_URL" {
		t.Fatalf("mismatch: want one DATABASE_URL problem, got %v", err)
	}
	msg := ve.Problems[0].Message
	if !strings.Contains(msg, "is a Mysql URL but SELECTED_DB=Postgres: set SELECTED_DB=Mysql") || strings.Contains(err.Error(), "secret-pw") {
		t.Fatalf("message %q", msg)
	}
}

func TestHostPort(t *testing.T) {
	tests := []struct {
		host string
		port int
		want string
	}{
		{"db", 5432, "db:5432"},
		{"::1", 3306, "[::1]:3306"},
		{"/var/run/postgresql", 0, "/var/run/postgresql"},
	}
	for _, tt := range tests {
		if got := hostPort(tt.host, tt.port); got != tt.want {
			t.Errorf("hostPort(%q, %d) = %q, want %q", tt.host, tt.port, got, tt.want)
		}
	}
}
