package dbmod

import (
	"net"
	"net/url"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/m8fx/kit/settingsmod"
)

// postgresDSN fills cfg.DSN, Target and Name for SELECTED_DB=Postgres.
//
// DATABASE_URL may be a postgres:// or postgresql:// URL or a keyword/value
// string ("host=db user=app dbname=app sslmode=require"), anything
// pgx.ParseConfig accepts. Otherwise the URL is assembled with net/url, so
// the user, password and database name are percent-encoded and may contain
// any character; connect_timeout comes from DB_CONNECT_TIMEOUT_SECONDS.
func postgresDSN(s *settingsmod.Settings, cfg *Config) error {
	raw := s.DatabaseURL.Value()
	if raw == "" {
		u := url.URL{
			Scheme: "postgres",
			User:   url.User(s.DBUser),
			Host:   net.JoinHostPort(s.DBHost, strconv.Itoa(s.DBPort)),
			Path:   "/" + s.DBDatabase,
		}
		if s.DBPassword.IsSet() {
			u.User = url.UserPassword(s.DBUser, s.DBPassword.Value())
		}
		if s.DBConnectTimeoutSeconds > 0 {
			u.RawQuery = url.Values{"connect_timeout": {strconv.Itoa(s.DBConnectTimeoutSeconds)}}.Encode()
		}
		raw = u.String()
	} else if err := checkScheme(raw, Postgres); err != nil {
		return err
	}
	pc, err := pgx.ParseConfig(raw)
	if err != nil {
		// pgx's message may quote the string; never echo it.
		return settingsProblem(sourceVar(s, "DB_HOST"), "does not give a valid PostgreSQL connection string (postgres://user:password@host:5432/database?sslmode=require, or keyword/value pairs)")
	}
	cfg.DSN = settingsmod.Secret(raw)
	cfg.Target = hostPort(pc.Host, int(pc.Port)) + "/" + pc.Database
	cfg.Name = pc.Database
	return nil
}

// sourceVar names the variable a DSN problem comes from: DATABASE_URL when it
// is set, else fallback (one of the DB_* variables).
func sourceVar(s *settingsmod.Settings, fallback string) string {
	if s.DatabaseURL.IsSet() {
		return "DATABASE_URL"
	}
	return fallback
}
