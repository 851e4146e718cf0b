package dbmod_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun/migrate"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/settingsmod"
)

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

// overlap counts the up functions of its migrations that run at the same
// time.
type overlap struct {
	inside, most, runs atomic.Int32
}

// migrations is a set of one migration, name, whose up function sleeps for
// d while it records the overlap.
func (o *overlap) migrations(name string, d time.Duration) *migrate.Migrations {
	ms := migrate.NewMigrations()
	ms.Add(migrate.Migration{Name: name, Comment: "overlap", Up: func(context.Context, *migrate.Migrator, *migrate.Migration) error {
		o.runs.Add(1)
		n := o.inside.Add(1)
		defer o.inside.Add(-1)
		for cur := o.most.Load(); n > cur && !o.most.CompareAndSwap(cur, n); cur = o.most.Load() {
		}
		time.Sleep(d)
		return nil
	}})
	return ms
}

// migrateAll runs db.Migrate(sets[i]) for every db at once and waits.
func migrateAll(t *testing.T, dbs []*dbmod.DB, sets []*migrate.Migrations) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Go(func() {
			if err := db.Migrate(ctx, sets[i]); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

// TestSqliteFileMigrationsSerialized: DB values of one process that migrate
// one SQLite file at the same time take turns, whatever their
// TABLES_PREFIX: with another prefix bun's lock tables differ, and only the
// lock file beside the database serializes them.
func TestSqliteFileMigrationsSerialized(t *testing.T) {
	for _, samePrefix := range []bool{true, false} {
		t.Run(fmt.Sprintf("same prefix %v", samePrefix), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "serialized.db")
			var o overlap
			var dbs []*dbmod.DB
			var sets []*migrate.Migrations
			for i := range 3 {
				prefix := "p"
				if !samePrefix {
					prefix = fmt.Sprintf("p%d", i)
				}
				dbs = append(dbs, startDB(t, &settingsmod.Settings{SelectedDB: "Sqlite", DBDatabase: path, TablesPrefix: prefix,
					DBMaxOpenConns: 5, DBMaxIdleConns: 2, DBConnectTimeoutSeconds: 5}))
				sets = append(sets, o.migrations(fmt.Sprintf("2026010100000%d", i), 150*time.Millisecond))
			}
			migrateAll(t, dbs, sets)
			if o.runs.Load() != 3 || o.most.Load() != 1 {
				t.Fatalf("%d migrations ran, at most %d at once; want 3, one at a time", o.runs.Load(), o.most.Load())
			}
			if _, err := os.Stat(path + ".migrate.lock"); err != nil {
				t.Fatalf("the lock file beside the database: %v", err)
			}
		})
	}
}

// TestSqliteMemoryMigrationsSerialized: concurrent migrations of one
// in-memory database (one DB value) take turns.
func TestSqliteMemoryMigrationsSerialized(t *testing.T) {
	db := startSqlite(t, ":memory:")
	var o overlap
	migrateAll(t, []*dbmod.DB{db, db, db}, []*migrate.Migrations{
		o.migrations("20260101000001", 100*time.Millisecond),
		o.migrations("20260101000002", 100*time.Millisecond),
		o.migrations("20260101000003", 100*time.Millisecond),
	})
	if o.runs.Load() != 3 || o.most.Load() != 1 {
		t.Fatalf("%d migrations ran, at most %d at once; want 3, one at a time", o.runs.Load(), o.most.Load())
	}
}

// blockingMigrations is a set whose one migration signals entered, then
// waits until release is closed.
func blockingMigrations(entered chan<- struct{}, release <-chan struct{}) *migrate.Migrations {
	ms := migrate.NewMigrations()
	ms.Add(migrate.Migration{Name: "20260101000009", Comment: "block", Up: func(context.Context, *migrate.Migrator, *migrate.Migration) error {
		close(entered)
		<-release
		return nil
	}})
	return ms
}

// TestMigrationsOfOtherDatabasesDoNotWait: dbmod keeps no lock outside the
// DB values, so the migration of one database never waits for the
// migration of another one in the same process.
func TestMigrationsOfOtherDatabasesDoNotWait(t *testing.T) {
	tests := []struct {
		name string
		open func(t *testing.T) (*dbmod.DB, *dbmod.DB)
	}{
		{"two in-memory databases", func(t *testing.T) (*dbmod.DB, *dbmod.DB) {
			return startSqlite(t, ":memory:"), startSqlite(t, ":memory:")
		}},
		{"two files", func(t *testing.T) (*dbmod.DB, *dbmod.DB) {
			dir := t.TempDir()
			return startSqlite(t, filepath.Join(dir, "a.db")), startSqlite(t, filepath.Join(dir, "b.db"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := tt.open(t)
			entered, release := make(chan struct{}), make(chan struct{})
			aDone := make(chan error, 1)
			go func() { aDone <- a.Migrate(context.Background(), blockingMigrations(entered, release)) }()
			<-entered
			var o overlap
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			err := b.Migrate(ctx, o.migrations("20260101000001", 0))
			cancel()
			close(release)
			if aErr := <-aDone; aErr != nil {
				t.Error(aErr)
			}
			if err != nil || o.runs.Load() != 1 {
				t.Fatalf("the second database waited for the first one's migration: %v (ran %d)", err, o.runs.Load())
			}
		})
	}
}

// TestMigrateWaitForOwnDBIsBounded: a migration waiting for another
// migration of the same DB gives up when its ctx is done, with an error
// saying why.
func TestMigrateWaitForOwnDBIsBounded(t *testing.T) {
	db := startSqlite(t, ":memory:")
	entered, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() { done <- db.Migrate(context.Background(), blockingMigrations(entered, release)) }()
	<-entered
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	var o overlap
	err := db.Migrate(ctx, o.migrations("20260101000001", 0))
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err == nil || !strings.Contains(err.Error(), "dbmod: taking the migrations lock on :memory:: waiting for another migration of this DB") ||
		!errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "deadline exceeded") || o.runs.Load() != 0 {
		t.Fatalf("Migrate while the DB migrates: %v (ran %d)", err, o.runs.Load())
	}
}
