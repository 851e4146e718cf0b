package settingsmod

// ValidateDatabase checks the DB_* settings; the database module calls it,
// [Load] does not, so services without a database need none of them.
//
// SELECTED_DB must be Mysql, Postgres or Sqlite. Unless DATABASE_URL is set:
// Postgres and Mysql need DB_HOST, DB_PORT (1-65535), DB_DATABASE and
// DB_USER; Sqlite needs DB_DATABASE (a file path or ":memory:"). The pool
// settings must not be negative. A failure is a *[ValidationError].
func (s *Settings) ValidateDatabase() error {
	var ps problems
	ps.oneOf("SELECTED_DB", s.SelectedDB, databases)
	if !s.DatabaseURL.IsSet() {
		switch s.SelectedDB {
		case dbPostgres, dbMysql:
			when := "when SELECTED_DB=" + s.SelectedDB + " and DATABASE_URL is unset"
			ps.required("DB_HOST", s.DBHost, "the database host "+when)
			if s.DBPort < 1 || s.DBPort > 65535 {
				ps.add("DB_PORT", "must be a port between 1 and 65535 %s, got %d", when, s.DBPort)
			}
			ps.required("DB_DATABASE", s.DBDatabase, "the database name "+when)
			ps.required("DB_USER", s.DBUser, "the database user "+when)
		case dbSqlite:
			ps.required("DB_DATABASE", s.DBDatabase,
				`the SQLite file path, or ":memory:", when SELECTED_DB=Sqlite and DATABASE_URL is unset`)
		}
	}
	ps.atLeast("DB_MAX_OPEN_CONNS", s.DBMaxOpenConns, 0)
	ps.atLeast("DB_MAX_IDLE_CONNS", s.DBMaxIdleConns, 0)
	ps.atLeast("DB_CONN_MAX_LIFETIME_SECONDS", s.DBConnMaxLifetimeSeconds, 0)
	ps.atLeast("DB_CONN_MAX_IDLE_TIME_SECONDS", s.DBConnMaxIdleTimeSeconds, 0)
	ps.atLeast("DB_CONNECT_TIMEOUT_SECONDS", s.DBConnectTimeoutSeconds, 0)
	if len(ps) > 0 {
		return newValidationError(ps)
	}
	return nil
}
