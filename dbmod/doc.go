// Package dbmod gives an m8fx service its SQL database on
// github.com/uptrace/bun: PostgreSQL, MySQL/MariaDB or embedded SQLite, chosen
// by SELECTED_DB, with a pool tied to the app lifecycle, a "database" health
// check, pool metrics, migrations at start and a wait-for-database helper
// (the Go counterpart of fastapi-m8's create_db_engine and its prestart
// script).
//
//	fx.New(
//		m8fx.Module,
//		dbmod.Module,
//		dbmod.AsMigrations(NewMigrations),
//		httpmod.AsRoutes(NewItemRoutes), // NewItemRoutes(db *dbmod.DB, ...)
//	)
//
// # Why a DB wrapper and not *bun.DB in the graph
//
// bun's MySQL dialect asks the server for its version when the *bun.DB is
// created, to know whether it may use RETURNING (MariaDB) or CTEs (MySQL 8).
// Building bun in a constructor would either query the server while the
// graph is built (unbounded, outside the lifecycle) or detect features
// against a server that is not there. So the graph holds a [*DB] from the
// start, and bun is built in the module's OnStart hook once the server has
// answered: [DB.Bun] is valid from then on (before, it panics with
// [ErrNotStarted]; requests, startup validators and hooks appended later
// always run after it). Construction does no I/O.
//
// # Lifecycle
//
// OnStart: [DB.Start] waits for the database with [WaitReady] (SELECT 1
// every 100ms backing off to 1s, each attempt and the whole wait bounded by
// DB_CONNECT_TIMEOUT_SECONDS), builds bun, then applies every migration set
// registered with [AsMigrations] ([DB.StartAndMigrate]). The module is in the
// phase.Resources phase (see package phase): all of this happens before the
// auth clients start, before the HTTP server listens and before the startup
// validators, wherever dbmod.Module is listed. A failure aborts start with an
// error naming the target (host:port/database), never the password; the
// pool is closed again.
//
// OnStop: [DB.Close] closes the pool last, after the HTTP server has shut
// down and the auth clients have closed.
//
// # Drivers
//
//   - PostgreSQL: github.com/jackc/pgx/v5 through its database/sql adapter
//     (stdlib) and bun's pgdialect. pgx is actively maintained (lib/pq is in
//     maintenance mode), honours context cancellation and deadlines on every
//     network operation (a cancelled request stops waiting at once, a health
//     check cannot hang past its timeout), supports every libpq TLS option
//     (sslmode, sslrootcert, sslcert, ...) and keyword/value DSNs. The database/sql adapter keeps one pool type for all
//     engines (stats, metrics, health).
//   - MySQL and MariaDB: github.com/go-sql-driver/mysql and bun's
//     mysqldialect, always with parseTime=true and loc=UTC, and with
//     explicit timeout (DB_CONNECT_TIMEOUT_SECONDS), readTimeout and
//     writeTimeout ([MysqlIOTimeout]) unless the DSN sets them.
//     ConnMaxLifetime is capped at [MysqlMaxConnLifetime] (4 minutes).
//   - SQLite: modernc.org/sqlite, a pure-Go translation of SQLite (no cgo, so
//     static builds and cross-compiling keep working), and bun's
//     sqlitedialect. busy_timeout ([SqliteBusyTimeout]), foreign_keys, and for
//     files journal_mode=WAL, synchronous=NORMAL and BEGIN IMMEDIATE
//     transactions are DSN parameters, which the driver applies to every new
//     connection of the pool, not only the first. ":memory:" gets exactly one
//     connection that never expires (each connection to ":memory:" is a
//     database of its own); inside [DB.RunInTx] use the transaction, not the
//     DB, or that single connection deadlocks.
//
// # Connection settings
//
// Without DATABASE_URL the DSN is assembled from DB_HOST, DB_PORT,
// DB_DATABASE, DB_USER and DB_PASSWORD with net/url (PostgreSQL) or
// mysql.Config.FormatDSN (MySQL), so a password may hold any character
// (@ : / % # ? & = quotes, spaces). For SQLite DB_DATABASE is the file path
// or ":memory:".
//
// DATABASE_URL replaces that assembly. SELECTED_DB still picks the driver; a
// URL whose scheme names another engine is refused at boot. Accepted forms:
//
//	Postgres  postgres://user:pass@host:5432/db?sslmode=require  (or postgresql://)
//	          host=db port=5432 user=app dbname=app sslmode=require
//	Mysql     user:pass@tcp(host:3306)/db?tls=true              (go-sql-driver DSN)
//	          mysql://user:pass@host:3306/db?tls=true           (or mariadb://; percent-encoded)
//	Sqlite    ./data/app.db, :memory:, file:app.db?mode=rwc, sqlite:///app.db
//
// Pool knobs: DB_MAX_OPEN_CONNS (10), DB_MAX_IDLE_CONNS (5),
// DB_CONN_MAX_LIFETIME_SECONDS (240), DB_CONN_MAX_IDLE_TIME_SECONDS (60) and
// DB_CONNECT_TIMEOUT_SECONDS (5). [ConfigFromSettings] documents the rules;
// apps change the result with fx.Decorate(func(dbmod.Config) dbmod.Config).
//
// # Queries
//
// Use [DB.Bun] and bun's query builders. Tables carry TABLES_PREFIX: name
// them with [DB.Table] and bun.Ident (ModelTableExpr("? AS item",
// bun.Ident(db.Table("items")))); leave the alias out of DELETE queries,
// which MariaDB refuses with one. [DB.RunInTx] is bun's RunInTx (commit on
// nil, rollback on error or panic).
//
// With LOG_LEVEL=debug every query is logged at debug level with its
// operation and duration. bun interpolates bound values into the SQL text,
// and server errors may quote values, so the text and the error message are
// logged only in ENVIRONMENT=local; elsewhere a failure logs the engine's
// error code (SQLSTATE, MySQL error number, SQLite result code) and no value
// ever reaches the logs.
//
// # Health, metrics, waiting
//
// The module registers the "database" check ([NewHealthCheck]: SELECT 1
// within the health timeout, errors scrubbed of credentials);
// [WithoutHealthCheck] removes it. The pool statistics
// ([NewStatsCollector], client_golang's DB stats collector) are served on
// /metrics when METRICS_ENABLED=true.
//
// [WaitReady] retries SELECT 1 with a per-attempt timeout and capped
// backoff until an overall deadline, logging each attempt, and fails with a
// one-line [NotReadyError]. The m8fx command's "prestart" uses it before a
// container starts the service:
//
//	CMD m8fx prestart && exec itemsvc
//
// # Migration files
//
// bun names a migration after its file, by this rule (bun v1.3.0, package
// migrate) on the file's base name: 1 to 14 digits, "_", a comment of
// lower-case letters, digits, "_" and "-", then a "." and the rest:
//
//	20240101120000_create_items.go        a Go migration
//	20240101120000_create_items.up.sql    the up half of a SQL migration
//	20240101120000_create_items.down.sql  its down half
//	20240101120000_create_items.tx.up.sql a SQL migration run in a transaction
//
// The digits are the migration's name in the history table, and migrations
// run in the order of their names compared as strings: use a UTC timestamp
// of 14 digits (YYYYMMDDHHMMSS). bun refuses any other name (create_items.go,
// 20240101120000_CreateItems.up.sql), with a panic in
// Migrations.MustRegister. Register migrations with [RegisterMigration] and
// [DiscoverMigrations] instead: a bad name, or a name used twice, is then an
// error naming the file and the rule, and the app fails at start with that
// one line.
//
// # Migration locks
//
// [DB.Migrate] serializes concurrent migrations: an advisory lock on the
// servers; on SQLite a lock of the DB value and, for a file, a flock on
// <file>.migrate.lock beside it plus bun's lock table. dbmod keeps no state
// outside the DB values, so two apps in one process never wait for each
// other unless they migrate the same database.
package dbmod
