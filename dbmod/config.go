package dbmod

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/m8fx/kit/settingsmod"
)

// Kind is the database engine, spelled like SELECTED_DB.
type Kind string

// The engines dbmod drives.
const (
	Postgres Kind = "Postgres" // PostgreSQL via pgx (stdlib) and bun's pgdialect
	Mysql    Kind = "Mysql"    // MySQL or MariaDB via go-sql-driver/mysql and bun's mysqldialect
	Sqlite   Kind = "Sqlite"   // embedded SQLite via modernc.org/sqlite (pure Go) and bun's sqlitedialect
)

// Pool and driver limits that are not settings.
const (
	// MysqlMaxConnLifetime caps ConnMaxLifetime for MySQL/MariaDB: servers,
	// proxies and firewalls drop idle connections (wait_timeout, NAT
	// timeouts), so connections are recycled well before 5 minutes. An unset
	// (0) or longer lifetime becomes this value.
	MysqlMaxConnLifetime = 4 * time.Minute
	// MysqlIOTimeout is the readTimeout and writeTimeout set on MySQL
	// connections when the DSN does not set them: a server that stops
	// answering fails the query instead of hanging it forever.
	MysqlIOTimeout = 30 * time.Second
	// SqliteBusyTimeout is how long a SQLite connection waits for a lock held
	// by another connection before failing with SQLITE_BUSY.
	SqliteBusyTimeout = 5 * time.Second
)

// Config is everything dbmod needs to open and run a pool. The module builds
// it from the settings with [ConfigFromSettings]; code outside fx (the m8fx
// prestart command, tests) can do the same. It never prints the DSN: DSN is a
// [settingsmod.Secret].
type Config struct {
	// Kind selects the driver and the bun dialect.
	Kind Kind
	// DSN is the connection string in the driver's own format: a postgres://
	// URL (or pgx keyword/value string), a go-sql-driver DSN, or a SQLite
	// name ("file:" URI). It holds the password.
	DSN settingsmod.Secret
	// Target says where the database is without credentials
	// ("127.0.0.1:5432/app", "itemsvc.db", ":memory:"); logs and errors use it.
	Target string
	// Name is the database name (the file's base name for SQLite, "memory"
	// for an in-memory one); it labels the pool metrics (db_name).
	Name string
	// TablesPrefix is TABLES_PREFIX; see [DB.Table].
	TablesPrefix string
	// Pool knobs (database/sql semantics: 0 means unlimited for
	// MaxOpenConns, ConnMaxLifetime and ConnMaxIdleTime, and no idle
	// connection kept for MaxIdleConns).
	MaxOpenConns    int
	MaxIdleConns    int
	ConnMaxLifetime time.Duration
	ConnMaxIdleTime time.Duration
	// ConnectTimeout bounds each connection attempt and the whole wait of
	// [DB.Start]; 0 leaves both to the caller's context.
	ConnectTimeout time.Duration
	// LogQueries installs a bun query hook that logs every query at debug
	// level: operation, duration, error. The module sets it when
	// LOG_LEVEL=debug.
	LogQueries bool
	// LogQueryText adds the SQL text to those entries. bun interpolates bound
	// values into the text, so the module sets it only in ENVIRONMENT=local.
	LogQueryText bool
	// QueryHooks are added to the bun DB after the query logger, e.g.
	// [NewTracingHook] (the module adds it when tracing is on).
	QueryHooks []bun.QueryHook
}

// Table returns name with the TABLES_PREFIX: "app_items" for "items" with
// TABLES_PREFIX=app, name alone when the prefix is empty. Migrations built
// from the Config (see [AsMigrations]) use it to name their tables.
func (c Config) Table(name string) string {
	if c.TablesPrefix == "" {
		return name
	}
	return c.TablesPrefix + "_" + name
}

// memory reports whether the config names an in-memory SQLite database,
// which lives as long as its single connection.
func (c Config) memory() bool {
	if c.Kind != Sqlite {
		return false
	}
	target, _ := c.sqliteTarget()
	return target == sqliteMemoryTarget
}

// sqliteTarget is what a SQLite config designates, read from its DSN: the
// database file's path, or ":memory:" for an in-memory database. private
// reports an in-memory database of its own (not a shared-cache one, which
// other connections of the process may open). A DSN that does not parse
// counts as naming Target.
func (c Config) sqliteTarget() (target string, private bool) {
	dsn, target, err := buildSqliteDSN(strings.TrimSpace(c.DSN.Value()))
	if err != nil {
		return c.Target, c.Target == sqliteMemoryTarget
	}
	if target != sqliteMemoryTarget {
		return target, false
	}
	_, query, _ := strings.Cut(dsn, "?")
	params, _ := url.ParseQuery(query) // buildSqliteDSN parsed it
	return target, params.Get("cache") != "shared"
}

// ConfigFromSettings validates the DB_* settings ([settingsmod.Settings.ValidateDatabase])
// and builds the [Config]:
//
//   - DATABASE_URL, when set, is the connection string (its accepted forms
//     depend on SELECTED_DB, see the package documentation); otherwise the DSN
//     is assembled from DB_HOST, DB_PORT, DB_DATABASE, DB_USER and
//     DB_PASSWORD, escaping every part, so any character is allowed in the
//     password;
//   - the pool knobs come from DB_MAX_OPEN_CONNS, DB_MAX_IDLE_CONNS,
//     DB_CONN_MAX_LIFETIME_SECONDS (capped at [MysqlMaxConnLifetime] for
//     MySQL), DB_CONN_MAX_IDLE_TIME_SECONDS and DB_CONNECT_TIMEOUT_SECONDS; an
//     in-memory SQLite database always gets exactly one connection that never
//     expires;
//   - query logging follows LOG_LEVEL=debug, query text ENVIRONMENT=local.
//
// A failure is a *[settingsmod.ValidationError] naming the variables at
// fault; it never contains DATABASE_URL or DB_PASSWORD.
func ConfigFromSettings(s *settingsmod.Settings) (Config, error) {
	if err := s.ValidateDatabase(); err != nil {
		return Config{}, err
	}
	cfg := Config{
		Kind:            Kind(s.SelectedDB),
		TablesPrefix:    s.TablesPrefix,
		MaxOpenConns:    s.DBMaxOpenConns,
		MaxIdleConns:    s.DBMaxIdleConns,
		ConnMaxLifetime: time.Duration(s.DBConnMaxLifetimeSeconds) * time.Second,
		ConnMaxIdleTime: time.Duration(s.DBConnMaxIdleTimeSeconds) * time.Second,
		ConnectTimeout:  time.Duration(s.DBConnectTimeoutSeconds) * time.Second,
		LogQueries:      s.LogLevel == "debug",
		LogQueryText:    s.LogLevel == "debug" && s.IsLocal(),
	}
	var err error
	switch cfg.Kind {
	case Postgres:
		err = postgresDSN(s, &cfg)
	case Mysql:
		err = mysqlDSN(s, &cfg)
	case Sqlite:
		err = sqliteDSN(s, &cfg)
	default: // ValidateDatabase already refused it
		err = fmt.Errorf("dbmod: unknown SELECTED_DB %q", s.SelectedDB)
	}
	if err != nil {
		return Config{}, err
	}
	cfg.applyKindLimits()
	return cfg, nil
}

// applyKindLimits enforces the pool rules that depend on the engine.
func (c *Config) applyKindLimits() {
	switch {
	case c.Kind == Mysql:
		if c.ConnMaxLifetime <= 0 || c.ConnMaxLifetime > MysqlMaxConnLifetime {
			c.ConnMaxLifetime = MysqlMaxConnLifetime
		}
	case c.memory():
		// Every connection to ":memory:" is a database of its own: keep
		// exactly one, forever.
		c.MaxOpenConns, c.MaxIdleConns = 1, 1
		c.ConnMaxLifetime, c.ConnMaxIdleTime = 0, 0
	}
}

// settingsProblem is a one-problem *settingsmod.ValidationError.
func settingsProblem(env, format string, args ...any) error {
	return &settingsmod.ValidationError{Problems: []settingsmod.Problem{{Env: env, Message: fmt.Sprintf(format, args...)}}}
}
