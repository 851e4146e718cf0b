package fxtest_helpers_test

import (
	"context"
	"fmt"
	"regexp"
	"runtime"
	"testing"

	"github.com/uptrace/bun"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/settingsmod"
)

func TestWithSQLite(t *testing.T) {
	var db *dbmod.DB
	fxtest_helpers.New(t, fxtest_helpers.WithSQLite(), fxtest_helpers.Populate(&db))
	if db.Kind() != dbmod.Sqlite || db.Config().Target != ":memory:" || !db.Started() {
		t.Fatalf("kind %s target %s started %v", db.Kind(), db.Config().Target, db.Started())
	}
	var one int
	if err := db.Bun().QueryRowContext(context.Background(), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("SELECT 1: %d %v", one, err)
	}
}

// tableExists reports whether the server has the table, through a DB of
// its own.
func tableExists(t *testing.T, kind, dsn, table string) bool {
	t.Helper()
	cfg, err := dbmod.ConfigFromSettings(&settingsmod.Settings{SelectedDB: kind, DatabaseURL: settingsmod.Secret(dsn),
		DBMaxOpenConns: 2, DBConnectTimeoutSeconds: 5})
	if err != nil {
		t.Fatal(err)
	}
	db, _ := dbmod.New(cfg, nil)
	defer db.Close()
	if err := db.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err = db.Bun().NewRaw("SELECT 1 FROM ? WHERE 1 = 0", bun.Ident(table)).Exec(context.Background())
	return err == nil
}

// TestWithDatabase: a unique prefix per app, and its tables dropped at stop
// unless the test chose the prefix itself.
func TestWithDatabase(t *testing.T) {
	for _, kind := range []string{"Postgres", "Mysql"} {
		t.Run(kind, func(t *testing.T) {
			dsn := fxtest_helpers.DatabaseDSN(t, kind)
			create := func(db *dbmod.DB) string {
				table := db.Table("things")
				if _, err := db.Bun().NewRaw("CREATE TABLE ? (id INTEGER)", bun.Ident(table)).Exec(context.Background()); err != nil {
					t.Fatal(err)
				}
				return table
			}

			var a, b *dbmod.DB
			appA := fxtest_helpers.New(t, fxtest_helpers.WithDatabase(kind, dsn), fxtest_helpers.Populate(&a))
			fxtest_helpers.New(t, fxtest_helpers.WithDatabase(kind, dsn), fxtest_helpers.Populate(&b))
			if a.Config().TablesPrefix == b.Config().TablesPrefix {
				t.Fatal("two apps share a table prefix")
			}
			table := create(a)
			appA.Stop(t)
			if tableExists(t, kind, dsn, table) {
				t.Fatalf("%s survived the app's stop", table)
			}

			prefix := fxtest_helpers.UniqueTablesPrefix()
			var c *dbmod.DB
			appC := fxtest_helpers.New(t, fxtest_helpers.WithDatabase(kind, dsn), fxtest_helpers.WithSetting("TABLES_PREFIX", prefix),
				fxtest_helpers.Populate(&c))
			kept := create(c)
			appC.Stop(t)
			if !tableExists(t, kind, dsn, kept) {
				t.Fatalf("%s (explicit prefix) was dropped", kept)
			}
			var d *dbmod.DB
			fxtest_helpers.New(t, fxtest_helpers.WithDatabase(kind, dsn), fxtest_helpers.Populate(&d))
			if err := fxtest_helpers.DropPrefixedTables(context.Background(), d, prefix); err != nil {
				t.Fatal(err)
			}
			if tableExists(t, kind, dsn, kept) {
				t.Fatalf("DropPrefixedTables left %s", kept)
			}
		})
	}
}

func TestDropPrefixedTablesRefusesEmptyPrefix(t *testing.T) {
	var db *dbmod.DB
	fxtest_helpers.New(t, fxtest_helpers.WithSQLite(), fxtest_helpers.Populate(&db))
	if err := fxtest_helpers.DropPrefixedTables(context.Background(), db, ""); err == nil {
		t.Fatal("empty prefix accepted")
	}
}

func TestUniqueTablesPrefix(t *testing.T) {
	re := regexp.MustCompile(`^m8fxt_[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 100 {
		p := fxtest_helpers.UniqueTablesPrefix()
		if !re.MatchString(p) || seen[p] {
			t.Fatalf("prefix %q (duplicate: %v)", p, seen[p])
		}
		seen[p] = true
	}
}

// recordingTB records how DatabaseDSN ends a test.
type recordingTB struct {
	testing.TB
	outcome string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Skipf(format string, args ...any) {
	r.outcome = "skip: " + fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (r *recordingTB) Fatalf(format string, args ...any) {
	r.outcome = "fatal: " + fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestDatabaseDSN(t *testing.T) {
	run := func(fn func(tb testing.TB) string) (string, string) {
		r := &recordingTB{}
		var dsn string
		done := make(chan struct{})
		go func() {
			defer close(done)
			dsn = fn(r)
		}()
		<-done
		return dsn, r.outcome
	}
	t.Setenv(fxtest_helpers.PostgresDSNEnv, "postgres://u@h/db")
	t.Setenv(fxtest_helpers.MysqlDSNEnv, "")
	t.Setenv(fxtest_helpers.RequireDBEnv, "")
	if dsn, outcome := run(func(tb testing.TB) string { return fxtest_helpers.DatabaseDSN(tb, "Postgres") }); dsn != "postgres://u@h/db" || outcome != "" {
		t.Fatalf("set: %q %q", dsn, outcome)
	}
	if _, outcome := run(func(tb testing.TB) string { return fxtest_helpers.DatabaseDSN(tb, "Mysql") }); outcome != "skip: fxtest_helpers: M8FX_TEST_MYSQL_DSN is not set" {
		t.Fatalf("unset: %q", outcome)
	}
	t.Setenv(fxtest_helpers.RequireDBEnv, "1")
	if _, outcome := run(func(tb testing.TB) string { return fxtest_helpers.DatabaseDSN(tb, "Mysql") }); outcome != "fatal: fxtest_helpers: M8FX_TEST_MYSQL_DSN is not set and M8FX_REQUIRE_DB=1" {
		t.Fatalf("unset and required: %q", outcome)
	}
	if _, outcome := run(func(tb testing.TB) string { return fxtest_helpers.DatabaseDSN(tb, "Oracle") }); outcome == "" {
		t.Fatal("unknown kind accepted")
	}
}
