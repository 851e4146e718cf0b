package dbmod_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/m8fx/kit/dbmod"
)

// TestSqlitePragmasOnEveryConnection: WAL, busy_timeout and foreign_keys
// hold on every connection of the pool, not just the first one (they are DSN
// parameters the driver runs on each new connection).
func TestSqlitePragmasOnEveryConnection(t *testing.T) {
	db := startSqlite(t, filepath.Join(t.TempDir(), "pragmas.db"))
	ctx := context.Background()
	const n = 4
	conns := make([]*sql.Conn, n) // held together, so they are n distinct connections
	for i := range conns {
		c, err := db.SQL().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	if open := db.SQL().Stats().OpenConnections; open < n {
		t.Fatalf("%d open connections, want at least %d", open, n)
	}
	for i, c := range conns {
		var mode string
		var busy, fk int
		if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" || busy != int(dbmod.SqliteBusyTimeout.Milliseconds()) || fk != 1 {
			t.Errorf("connection %d: journal_mode=%s busy_timeout=%d foreign_keys=%d, want wal %d 1",
				i, mode, busy, fk, dbmod.SqliteBusyTimeout.Milliseconds())
		}
	}
}

// TestSqliteMemoryIsOneDatabase: ":memory:" keeps a single connection, so
// every query sees the same database.
func TestSqliteMemoryIsOneDatabase(t *testing.T) {
	db := startSqlite(t, ":memory:")
	ctx := context.Background()
	if _, err := db.Bun().ExecContext(ctx, "CREATE TABLE t_kv (k TEXT PRIMARY KEY, v TEXT)"); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if _, err := db.Bun().ExecContext(ctx, "INSERT INTO t_kv VALUES (?, ?)", fmt.Sprint(i), "v"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var count int
	if err := db.Bun().QueryRowContext(ctx, "SELECT count(*) FROM t_kv").Scan(&count); err != nil {
		t.Fatal(err)
	}
	if count != 8 || db.SQL().Stats().MaxOpenConnections != 1 {
		t.Fatalf("count %d, max open %d; want 8 and 1", count, db.SQL().Stats().MaxOpenConnections)
	}
}

type counter struct {
	bun.BaseModel `bun:"table:t_counters"`
	ID            int64 `bun:"id,pk,autoincrement"`
	Worker        int   `bun:"worker,notnull"`
}

// TestSqliteConcurrentWriters: writers on several connections wait for each
// other (busy_timeout, BEGIN IMMEDIATE) instead of failing with SQLITE_BUSY.
func TestSqliteConcurrentWriters(t *testing.T) {
	db := startSqlite(t, filepath.Join(t.TempDir(), "writers.db"))
	ctx := context.Background()
	if _, err := db.Bun().NewCreateTable().Model((*counter)(nil)).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	const workers, each = 4, 25
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for range each {
				err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
					var n int
					if err := tx.NewSelect().Model((*counter)(nil)).ColumnExpr("count(*)").Scan(ctx, &n); err != nil {
						return err
					}
					_, err := tx.NewInsert().Model(&counter{Worker: w}).Exec(ctx)
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	n, err := db.Bun().NewSelect().Model((*counter)(nil)).Count(ctx)
	if err != nil || n != workers*each {
		t.Fatalf("count %d (%v), want %d", n, err, workers*each)
	}
}
