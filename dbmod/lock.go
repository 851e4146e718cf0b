package dbmod

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/uptrace/bun/migrate"
	"go.uber.org/zap"
)

// Timing of the migrations lock.
const (
	// lockRetry is the pause between two tries of a lock that does not
	// block by itself (MySQL GET_LOCK with a 1s wait, SQLite's lock table).
	lockRetry = 100 * time.Millisecond
	// unlockTimeout bounds releasing a lock, also when ctx is done.
	unlockTimeout = 5 * time.Second
)

// sqliteMigrations serializes migrations of SQLite databases inside the
// process (an in-memory database has no lock table worth the name, and
// tests open one file from several DBs).
var sqliteMigrations sync.Mutex

// lockMigrations takes the engine's migrations lock and returns its release.
func (d *DB) lockMigrations(ctx context.Context, m *migrate.Migrator) (func(), error) {
	switch d.cfg.Kind {
	case Postgres, Mysql:
		if d.cfg.MaxOpenConns == 1 {
			return nil, errors.New("migrations need DB_MAX_OPEN_CONNS of 0 or at least 2: one connection holds the lock while others migrate")
		}
		return d.lockServer(ctx, d.lockKey())
	default:
		return d.lockSqlite(ctx, m)
	}
}

// lockKey identifies the migrations history (database and table) for the
// server's advisory lock.
func (d *DB) lockKey() uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("m8fx.dbmod.migrate/" + d.cfg.Name + "/" + d.Table(MigrationsTable)))
	return h.Sum64()
}

// lockServer holds a session-level advisory lock on one pooled connection:
// the server releases it if the process dies.
func (d *DB) lockServer(ctx context.Context, key uint64) (func(), error) {
	conn, err := d.SQL().Conn(ctx)
	if err != nil {
		return nil, err
	}
	var lock, unlock func(context.Context) error
	if d.cfg.Kind == Postgres {
		k := int64(key)
		lock = func(ctx context.Context) error {
			_, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", k)
			return err
		}
		unlock = func(ctx context.Context) error {
			_, err := conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", k)
			return err
		}
	} else {
		name := fmt.Sprintf("m8fx_migrate_%016x", key) // GET_LOCK names are at most 64 characters
		lock = func(ctx context.Context) error { return mysqlGetLock(ctx, conn, name) }
		unlock = func(ctx context.Context) error {
			_, err := conn.ExecContext(ctx, "SELECT RELEASE_LOCK(?)", name)
			return err
		}
	}
	if err := lock(ctx); err != nil {
		discard(conn)
		return nil, err
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unlockTimeout)
		defer cancel()
		if err := unlock(ctx); err != nil {
			// Closing the session releases the lock on the server.
			d.log.Warn("releasing the migrations lock failed; dropping its connection",
				zap.String("target", d.cfg.Target), zap.String("error", d.redactor().String(err.Error())))
			discard(conn)
			return
		}
		_ = conn.Close()
	}, nil
}

// mysqlGetLock waits for a MySQL named lock, one second at a time so that ctx
// is honoured between tries.
func mysqlGetLock(ctx context.Context, conn *sql.Conn, name string) error {
	for {
		var got sql.NullInt64
		if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK(?, 1)", name).Scan(&got); err != nil {
			return err
		}
		if got.Valid && got.Int64 == 1 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("waiting for lock %s: %w", name, err)
		}
	}
}

// discard closes conn's driver connection instead of returning it to the
// pool (ending the session and whatever lock it holds).
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}

// lockSqlite takes the in-process mutex and, for a file, bun's lock-table row.
func (d *DB) lockSqlite(ctx context.Context, m *migrate.Migrator) (func(), error) {
	sqliteMigrations.Lock()
	if d.cfg.memory() {
		return sqliteMigrations.Unlock, nil
	}
	if err := m.Init(ctx); err != nil {
		sqliteMigrations.Unlock()
		return nil, err
	}
	for {
		err := m.Lock(ctx)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			sqliteMigrations.Unlock()
			return nil, fmt.Errorf("another process holds the migrations lock (a row in %s; delete it if no migration is running): %w",
				d.Table(MigrationLocksTable), err)
		}
		t := time.NewTimer(lockRetry)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
	return func() {
		defer sqliteMigrations.Unlock()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unlockTimeout)
		defer cancel()
		if err := m.Unlock(ctx); err != nil {
			d.log.Warn("releasing the migrations lock failed", zap.String("target", d.cfg.Target),
				zap.String("table", d.Table(MigrationLocksTable)), zap.String("error", d.redactor().String(err.Error())))
		}
	}, nil
}
