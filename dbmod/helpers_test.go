package dbmod_test

import (
	"context"
	"net"
	"strconv"
	"testing"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/settingsmod"
)

// serverKinds are the real engines the tests run against (DSNs from
// M8FX_TEST_POSTGRES_DSN / M8FX_TEST_MYSQL_DSN).
func serverKinds() []string { return []string{"Postgres", "Mysql"} }

// eachServer runs fn as a subtest per server, skipped (or failed under
// M8FX_REQUIRE_DB=1) when the server's DSN is unset.
func eachServer(t *testing.T, fn func(t *testing.T, kind, dsn string)) {
	for _, kind := range serverKinds() {
		t.Run(kind, func(t *testing.T) {
			fn(t, kind, fxtest_helpers.DatabaseDSN(t, kind))
		})
	}
}

// startDB starts a standalone DB from settings and closes it at cleanup.
func startDB(t *testing.T, s *settingsmod.Settings) *dbmod.DB {
	t.Helper()
	cfg, err := dbmod.ConfigFromSettings(s)
	if err != nil {
		t.Fatal(err)
	}
	db, err := dbmod.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// serverSettings are settings for DATABASE_URL=dsn with a table prefix.
func serverSettings(kind, dsn, prefix string) *settingsmod.Settings {
	return &settingsmod.Settings{SelectedDB: kind, DatabaseURL: settingsmod.Secret(dsn), TablesPrefix: prefix,
		DBMaxOpenConns: 5, DBMaxIdleConns: 2, DBConnectTimeoutSeconds: 5}
}

// serverAddr is where a test DSN points.
type serverAddr struct {
	host     string
	port     int
	database string
}

func parseServer(t *testing.T, kind, dsn string) serverAddr {
	t.Helper()
	if kind == "Postgres" {
		pc, err := pgx.ParseConfig(dsn)
		if err != nil {
			t.Fatal(err)
		}
		return serverAddr{pc.Host, int(pc.Port), pc.Database}
	}
	mc, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	host, port, err := net.SplitHostPort(mc.Addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return serverAddr{host, p, mc.DBName}
}

// closedPort returns a local address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// startSqlite starts a DB on database (a path or ":memory:") and closes it
// when the test ends.
func startSqlite(t *testing.T, database string) *dbmod.DB {
	t.Helper()
	s := &settingsmod.Settings{SelectedDB: "Sqlite", DBDatabase: database, TablesPrefix: "t",
		DBMaxOpenConns: 10, DBMaxIdleConns: 5, DBConnectTimeoutSeconds: 5}
	cfg, err := dbmod.ConfigFromSettings(s)
	if err != nil {
		t.Fatal(err)
	}
	db, err := dbmod.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	if err := db.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}
