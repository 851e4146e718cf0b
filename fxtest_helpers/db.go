package fxtest_helpers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/m8fx/kit/dbmod"
)

// Environment variables that point tests at real database servers
// . .ci/run sets all three.
const (
	// PostgresDSNEnv holds a PostgreSQL URL, e.g.
	// postgres://postgres@127.0.0.1:5432/m8fx_test?sslmode=disable.
	PostgresDSNEnv = "M8FX_TEST_POSTGRES_DSN"
	// MysqlDSNEnv holds a MySQL/MariaDB DSN, e.g.
	// root@tcp(127.0.0.1:3306)/m8fx_test?parseTime=true.
	MysqlDSNEnv = "M8FX_TEST_MYSQL_DSN"
	// RequireDBEnv, when "1", turns the skip of a test whose DSN is unset
	// into a failure.
	RequireDBEnv = "M8FX_REQUIRE_DB"
)

// dropTimeout bounds the removal of a test's tables at stop.
const dropTimeout = 10 * time.Second

// DatabaseDSN returns the DSN of the test server for selectedDB ("Postgres"
// or "Mysql") from [PostgresDSNEnv] or [MysqlDSNEnv]. When it is unset the
// test is skipped, or fails when M8FX_REQUIRE_DB=1.
func DatabaseDSN(t testing.TB, selectedDB string) string {
	t.Helper()
	var env string
	switch dbmod.Kind(selectedDB) {
	case dbmod.Postgres:
		env = PostgresDSNEnv
	case dbmod.Mysql:
		env = MysqlDSNEnv
	default:
		t.Fatalf("fxtest_helpers: DatabaseDSN(%q): want Postgres or Mysql", selectedDB)
	}
	dsn := os.Getenv(env)
	if dsn == "" {
		if os.Getenv(RequireDBEnv) == "1" {
			t.Fatalf("fxtest_helpers: %s is not set and %s=1", env, RequireDBEnv)
		}
		t.Skipf("fxtest_helpers: %s is not set", env)
	}
	return dsn
}

// WithSQLite adds dbmod.Module on a private in-memory SQLite database
// (SELECTED_DB=Sqlite, DB_DATABASE=:memory:, no DATABASE_URL): each app gets
// its own empty database, gone when the app stops.
func WithSQLite() Option {
	return func(c *config) {
		c.env["SELECTED_DB"] = string(dbmod.Sqlite)
		c.env["DB_DATABASE"] = ":memory:"
		c.env["DATABASE_URL"] = ""
		c.options = append(c.options, dbmod.Module)
	}
}

// WithDatabase adds dbmod.Module on a real server: SELECTED_DB=selectedDB
// and DATABASE_URL=dsn (any form dbmod accepts; see [DatabaseDSN]).
//
// TABLES_PREFIX is set to a fresh [UniqueTablesPrefix], so tests running in
// parallel (in this package or others) never see each other's tables, and
// every table under that prefix is dropped when the app stops. A test that
// sets TABLES_PREFIX itself afterwards (WithSetting) keeps its tables.
func WithDatabase(selectedDB, dsn string) Option {
	prefix := UniqueTablesPrefix()
	return func(c *config) {
		c.env["SELECTED_DB"] = selectedDB
		c.env["DATABASE_URL"] = dsn
		c.env["TABLES_PREFIX"] = prefix
		c.options = append(c.options, dbmod.Module, fx.Invoke(func(lc fx.Lifecycle, db *dbmod.DB, log *zap.Logger) {
			if db.Config().TablesPrefix != prefix {
				return
			}
			lc.Append(fx.StopHook(func(ctx context.Context) {
				ctx, cancel := context.WithTimeout(ctx, dropTimeout)
				defer cancel()
				if err := DropPrefixedTables(ctx, db, prefix); err != nil {
					log.Warn("fxtest_helpers: dropping the test tables failed", zap.String("prefix", prefix), zap.Error(err))
				}
			}))
		}))
	}
}

// UniqueTablesPrefix returns a TABLES_PREFIX no other test uses:
// "m8fxt_" and 12 random hex digits.
func UniqueTablesPrefix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "m8fxt_" + hex.EncodeToString(b)
}

// DropPrefixedTables drops every table of db's database whose name starts
// with prefix + "_" (what [dbmod.DB.Table] makes of prefix). db must be
// started; it does nothing when it is not.
func DropPrefixedTables(ctx context.Context, db *dbmod.DB, prefix string) error {
	if prefix == "" {
		return errors.New("fxtest_helpers: refusing to drop tables with an empty prefix")
	}
	if !db.Started() {
		return nil
	}
	var query string
	switch db.Kind() {
	case dbmod.Postgres:
		query = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
	case dbmod.Mysql:
		query = "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"
	default:
		query = "SELECT name FROM sqlite_master WHERE type = 'table'"
	}
	var names []string
	if err := db.Bun().NewRaw(query).Scan(ctx, &names); err != nil {
		return fmt.Errorf("listing tables: %w", err)
	}
	var errs []error
	for _, name := range names {
		if !strings.HasPrefix(name, prefix+"_") {
			continue
		}
		if _, err := db.Bun().NewRaw("DROP TABLE IF EXISTS ?", bun.Ident(name)).Exec(ctx); err != nil {
			errs = append(errs, fmt.Errorf("dropping %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}
