package dbmod

import (
	"net"
	"strconv"
	"strings"
)

// schemeKind is the engine a DATABASE_URL names by its scheme, or "" when it
// has none that dbmod recognises (a go-sql-driver DSN, a SQLite path).
func schemeKind(raw string) Kind {
	lower := strings.ToLower(strings.TrimSpace(raw))
	switch {
	case strings.HasPrefix(lower, "postgres://"), strings.HasPrefix(lower, "postgresql://"):
		return Postgres
	case strings.HasPrefix(lower, "mysql://"), strings.HasPrefix(lower, "mariadb://"):
		return Mysql
	case strings.HasPrefix(lower, "file:"), strings.HasPrefix(lower, "sqlite:"):
		return Sqlite
	}
	return ""
}

// checkScheme refuses a DATABASE_URL whose scheme names another engine than
// SELECTED_DB, instead of failing later with a driver error. The message never
// contains the URL.
func checkScheme(raw string, want Kind) error {
	if got := schemeKind(raw); got != "" && got != want {
		return settingsProblem("DATABASE_URL", "is a %s URL but SELECTED_DB=%s: set SELECTED_DB=%s or change DATABASE_URL", got, want, got)
	}
	return nil
}

// hostPort joins a host and a port for display ("db:5432", "[::1]:3306").
func hostPort(host string, port int) string {
	if port == 0 {
		return host
	}
	return net.JoinHostPort(host, strconv.Itoa(port))
}
