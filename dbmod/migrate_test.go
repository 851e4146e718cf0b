package dbmod_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
	"go.uber.org/fx"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/m8fx"
	"github.com/m8fx/kit/settingsmod"
)

// testMigrations creates <prefix>_gadgets with a plain CREATE TABLE (no IF
// NOT EXISTS), slowly: if two runs overlapped, the second would fail. ran
// counts the executions of the up function.
func testMigrations(prefix string, ran *atomic.Int32) *migrate.Migrations {
	ms := migrate.NewMigrations()
	ms.Add(migrate.Migration{
		Name:    "20260101000001",
		Comment: "create_gadgets",
		Up: func(ctx context.Context, m *migrate.Migrator, _ *migrate.Migration) error {
			ran.Add(1)
			time.Sleep(200 * time.Millisecond)
			_, err := m.DB().NewRaw("CREATE TABLE ? (id INTEGER PRIMARY KEY, name VARCHAR(50))", bun.Ident(prefix+"_gadgets")).Exec(ctx)
			return err
		},
	})
	ms.Add(migrate.Migration{
		Name:    "20260101000002",
		Comment: "add_gadget",
		Up: func(ctx context.Context, m *migrate.Migrator, _ *migrate.Migration) error {
			_, err := m.DB().NewRaw("INSERT INTO ? (id, name) VALUES (1, 'one')", bun.Ident(prefix+"_gadgets")).Exec(ctx)
			return err
		},
	})
	return ms
}

// checkMigrated: the table holds one row and the history two entries.
func checkMigrated(t *testing.T, db *dbmod.DB) {
	t.Helper()
	ctx := context.Background()
	var rows, history int
	if err := db.Bun().NewRaw("SELECT count(*) FROM ?", bun.Ident(db.Table("gadgets"))).Scan(ctx, &rows); err != nil {
		t.Fatal(err)
	}
	if err := db.Bun().NewRaw("SELECT count(*) FROM ?", bun.Ident(db.Table(dbmod.MigrationsTable))).Scan(ctx, &history); err != nil {
		t.Fatal(err)
	}
	if rows != 1 || history != 2 {
		t.Fatalf("%d gadget rows and %d history rows, want 1 and 2", rows, history)
	}
}

// migrationCases are the databases the migration tests run on: a SQLite file
// always, the servers when their DSNs are set.
func migrationCases(t *testing.T, fn func(t *testing.T, open func(prefix string) *dbmod.DB)) {
	t.Run("Sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "migrations.db")
		fn(t, func(prefix string) *dbmod.DB {
			return startDB(t, &settingsmod.Settings{SelectedDB: "Sqlite", DBDatabase: path, TablesPrefix: prefix,
				DBMaxOpenConns: 5, DBMaxIdleConns: 2, DBConnectTimeoutSeconds: 5})
		})
	})
	eachServer(t, func(t *testing.T, kind, dsn string) {
		fn(t, func(prefix string) *dbmod.DB {
			db := startDB(t, serverSettings(kind, dsn, prefix))
			t.Cleanup(func() {
				if err := fxtest_helpers.DropPrefixedTables(context.Background(), db, prefix); err != nil {
					t.Error(err)
				}
			})
			return db
		})
	})
}

// TestMigrateTwice: a second run (a restart) applies nothing.
func TestMigrateTwice(t *testing.T) {
	migrationCases(t, func(t *testing.T, open func(string) *dbmod.DB) {
		prefix := fxtest_helpers.UniqueTablesPrefix()
		var ran atomic.Int32
		for range 2 {
			db := open(prefix)
			if err := db.Migrate(context.Background(), testMigrations(prefix, &ran)); err != nil {
				t.Fatal(err)
			}
			checkMigrated(t, db)
		}
		if ran.Load() != 1 {
			t.Fatalf("the first migration ran %d times, want 1", ran.Load())
		}
	})
}

// TestConcurrentMigrations: two replicas (two pools) migrating at the same
// time both succeed, and every migration runs exactly once.
func TestConcurrentMigrations(t *testing.T) {
	migrationCases(t, func(t *testing.T, open func(string) *dbmod.DB) {
		prefix := fxtest_helpers.UniqueTablesPrefix()
		var ran atomic.Int32
		dbs := []*dbmod.DB{open(prefix), open(prefix), open(prefix)}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		var wg sync.WaitGroup
		for _, db := range dbs {
			wg.Go(func() {
				if err := db.Migrate(ctx, testMigrations(prefix, &ran)); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if ran.Load() != 1 {
			t.Fatalf("the first migration ran %d times, want 1", ran.Load())
		}
		checkMigrated(t, dbs[0])
	})
}

// TestModuleMigratesAtStart: migrations registered with AsMigrations are
// applied in OnStart, before the startup validators.
func TestModuleMigratesAtStart(t *testing.T) {
	var ran atomic.Int32
	var sawTable bool
	var db *dbmod.DB
	fxtest_helpers.New(t,
		fxtest_helpers.WithSQLite(),
		fxtest_helpers.WithOptions(
			fx.Provide(dbmod.AsMigrations(func(c dbmod.Config) *migrate.Migrations { return testMigrations(c.TablesPrefix, &ran) })),
			m8fx.AsStartupValidator(func(d *dbmod.DB) m8fx.StartupValidator {
				return func(ctx context.Context) error {
					var n int
					err := d.Bun().NewRaw("SELECT count(*) FROM ?", bun.Ident(d.Table("gadgets"))).Scan(ctx, &n)
					sawTable = err == nil && n == 1
					return err
				}
			}),
		),
		fxtest_helpers.Populate(&db),
	)
	if !sawTable || ran.Load() != 1 {
		t.Fatalf("validator saw the migrated table: %v; migration ran %d times", sawTable, ran.Load())
	}
	checkMigrated(t, db)
}

// TestMigrateLockNeedsTwoConnections: on a server, the lock holds one
// connection, so a pool of one is refused with a clear error.
func TestMigrateLockNeedsTwoConnections(t *testing.T) {
	eachServer(t, func(t *testing.T, kind, dsn string) {
		s := serverSettings(kind, dsn, fxtest_helpers.UniqueTablesPrefix())
		s.DBMaxOpenConns = 1
		db := startDB(t, s)
		var ran atomic.Int32
		err := db.Migrate(context.Background(), testMigrations(s.TablesPrefix, &ran))
		if err == nil || !strings.Contains(err.Error(), "DB_MAX_OPEN_CONNS") {
			t.Fatalf("Migrate with one connection: %v", err)
		}
	})
}
