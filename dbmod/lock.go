package dbmod

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"hash/fnv"
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

// migrateLockSuffix names the OS lock file of a SQLite database: the
// migrations of app.db are serialized by a flock on app.db.migrate.lock,
// which stays beside the database.
const migrateLockSuffix = ".migrate.lock"

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

// lockSqlite serializes the migrations of a SQLite database, in three
// layers:
//
//   - the DB's own semaphore: the migrations of one DB value never overlap,
//     and that is all a private in-memory database needs (it lives in the
//     DB's single connection, so no other DB can see it);
//   - for a file, an OS lock (flock) on the file beside it named
//     <file>.migrate.lock ([migrateLockSuffix]): it serializes every DB value
//     and every process that migrates that file, in this process or
//     another, and the OS releases it when a process dies;
//   - for a file or a shared-cache in-memory database, bun's lock table,
//     which also covers a migrator that does not take the OS lock.
func (d *DB) lockSqlite(ctx context.Context, m *migrate.Migrator) (func(), error) {
	select {
	case d.migrating <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for another migration of this DB: %w", ctx.Err())
	}
	release := func() { <-d.migrating }
	target, private := d.cfg.sqliteTarget()
	if private {
		return release, nil
	}
	if target != sqliteMemoryTarget {
		unlockFile, err := lockFile(ctx, target+migrateLockSuffix)
		if err != nil {
			release()
			return nil, err
		}
		releaseDB := release
		release = func() {
			unlockFile()
			releaseDB()
		}
	}
	if err := d.lockTable(ctx, m); err != nil {
		release()
		return nil, err
	}
	return func() {
		defer release()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unlockTimeout)
		defer cancel()
		if err := m.Unlock(ctx); err != nil {
			d.log.Warn("releasing the migrations lock failed", zap.String("target", d.cfg.Target),
				zap.String("table", d.Table(MigrationLocksTable)), zap.String("error", d.redactor().String(err.Error())))
		}
	}, nil
}

// lockTable takes bun's lock-table row, retrying until ctx is done.
func (d *DB) lockTable(ctx context.Context, m *migrate.Migrator) error {
	if err := m.Init(ctx); err != nil {
		return err
	}
	for {
		err := m.Lock(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("another process holds the migrations lock (a row in %s; delete it if no migration is running): %w",
				d.Table(MigrationLocksTable), err)
		}
		_ = sleep(ctx, lockRetry) // when ctx is done, the next try ends the loop
	}
}

// sleep waits for d or until ctx is done, and returns ctx's error then.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
