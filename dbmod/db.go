package dbmod

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"
	"go.uber.org/zap"
)

// DB is the service's database: a database/sql pool and the *bun.DB over it.
//
// It exists because bun must not be built before the server answers: bun's
// MySQL dialect asks the server for its version when the *bun.DB is created
// and picks features (RETURNING, CTEs) from the answer. So the fx graph holds
// a *DB from construction on (routes, checks and repositories take it as a
// dependency), while the pool is opened, waited for and wrapped in bun only in
// [DB.Start], which the module runs in its OnStart hook. Construction does no
// I/O and starts no goroutine.
//
// Lifecycle: [New] → [DB.Start] (or [DB.WaitReady] alone) → queries →
// [DB.Close]. A DB is safe for concurrent use.
type DB struct {
	cfg Config
	log *zap.Logger

	mu     sync.Mutex
	sql    *sql.DB
	redact redactor
	closed bool

	bun atomic.Pointer[bun.DB]

	// migrating holds a token while a SQLite migration of this DB runs
	// (see lockSqlite); a channel, so that waiting honours ctx.
	migrating chan struct{}
}

// ErrNotStarted is the panic value of [DB.Bun] and [DB.SQL] and the error of
// [DB.Ping] before the database was started.
var ErrNotStarted = errors.New("dbmod: the database is not started yet (it connects in the app's OnStart; use it from handlers, startup validators or OnStart hooks appended after dbmod's)")

// errClosed is returned by Start and WaitReady after Close.
var errClosed = errors.New("dbmod: the database is closed")

// New returns a DB for cfg without connecting. log may be nil.
func New(cfg Config, log *zap.Logger) (*DB, error) {
	switch cfg.Kind {
	case Postgres, Mysql, Sqlite:
	default:
		return nil, fmt.Errorf("dbmod: unknown database kind %q (want Postgres, Mysql or Sqlite)", cfg.Kind)
	}
	if log == nil {
		log = zap.NewNop()
	}
	return &DB{cfg: cfg, log: log, migrating: make(chan struct{}, 1)}, nil
}

// StartPolicy is the wait [DB.Start] uses: attempts every 100ms, backing off
// to 1s, each bounded by ConnectTimeout, all of them within ConnectTimeout
// (DB_CONNECT_TIMEOUT_SECONDS). With ConnectTimeout 0 only the context bounds
// the wait (fx's start timeout, 15s by default); Start then fails at once on
// a context without a deadline rather than wait forever.
func (c Config) StartPolicy() WaitPolicy {
	return WaitPolicy{
		Interval:          100 * time.Millisecond,
		MaxInterval:       time.Second,
		PerAttemptTimeout: c.ConnectTimeout,
		Deadline:          c.ConnectTimeout,
		Target:            c.Target,
	}
}

// pool opens the database/sql pool on first use (opening does not dial).
func (d *DB) pool() (*sql.DB, redactor, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil, redactor{}, errClosed
	}
	if d.sql == nil {
		db, secrets, err := openPool(d.cfg, d.log)
		if err != nil {
			return nil, redactor{}, err
		}
		d.sql, d.redact = db, newRedactor(secrets...)
	}
	return d.sql, d.redact, nil
}

// WaitReady opens the pool if needed and waits for the database like the
// package-level [WaitReady], with Target and Logger defaulted from the DB and
// the configured password removed from every message. It does not build bun:
// the m8fx prestart command uses it alone.
func (d *DB) WaitReady(ctx context.Context, p WaitPolicy) error {
	db, redact, err := d.pool()
	if err != nil {
		return err
	}
	if p.Target == "" {
		p.Target = d.cfg.Target
	}
	if p.Logger == nil {
		p.Logger = d.log
	}
	return waitReady(ctx, db, p, redact)
}

// Start connects: it waits for the database with [Config.StartPolicy], then
// builds the *bun.DB (dialect feature detection happens here, against a
// server that answers) and installs the debug query hook when configured. On
// failure the pool is closed again and the error says which database did not
// answer, without credentials. Start after a successful Start does nothing;
// after [DB.Close] it fails.
func (d *DB) Start(ctx context.Context) error {
	if d.isClosed() {
		return errClosed
	}
	if d.Started() {
		return nil
	}
	if err := d.WaitReady(ctx, d.cfg.StartPolicy()); err != nil {
		d.reset()
		return err
	}
	sqldb, redact, err := d.pool()
	if err != nil {
		return err
	}
	b := bun.NewDB(sqldb, dialectFor(d.cfg.Kind))
	if d.cfg.LogQueries {
		b = b.WithQueryHook(queryLogger{log: d.log, text: d.cfg.LogQueryText, redact: redact})
	}
	for _, h := range d.cfg.QueryHooks {
		b = b.WithQueryHook(h)
	}
	d.bun.Store(b)
	d.log.Info("database connected", zap.String("kind", string(d.cfg.Kind)), zap.String("target", d.cfg.Target),
		zap.Int("max_open_conns", d.cfg.MaxOpenConns), zap.Duration("conn_max_lifetime", d.cfg.ConnMaxLifetime))
	return nil
}

// reset closes a pool that failed to start, so that Start can be tried again.
func (d *DB) reset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.sql != nil {
		_ = d.sql.Close()
		d.sql = nil
	}
}

// Close closes the pool: idle connections are closed at once, connections in
// use when they are returned. It is the "pool dispose" of the app's stop, run
// after the HTTP server has shut down. Close is idempotent; a closed DB cannot
// be started again.
func (d *DB) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	if d.sql == nil {
		return nil
	}
	if err := d.sql.Close(); err != nil {
		return fmt.Errorf("dbmod: closing the pool of %s: %s", d.cfg.Target, d.redact.String(err.Error()))
	}
	d.log.Info("database pool closed", zap.String("target", d.cfg.Target))
	return nil
}

func (d *DB) isClosed() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.closed
}

// Started reports whether [DB.Start] succeeded (and so [DB.Bun] may be called).
func (d *DB) Started() bool { return d.bun.Load() != nil }

// Bun returns the *bun.DB. It panics with [ErrNotStarted] before [DB.Start]
// succeeded: in an fx app that means before the app's OnStart, when no request
// is served yet, so only a constructor that queries the database can see the
// panic (move the query into an OnStart hook or a startup validator).
func (d *DB) Bun() *bun.DB {
	b := d.bun.Load()
	if b == nil {
		panic(ErrNotStarted)
	}
	return b
}

// SQL returns the database/sql pool under bun (for drivers' own features or
// libraries that want a *sql.DB). It panics with [ErrNotStarted] before
// [DB.Start] or [DB.WaitReady] opened the pool.
func (d *DB) SQL() *sql.DB {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.sql == nil {
		panic(ErrNotStarted)
	}
	return d.sql
}

// sqlOrNil is SQL without the panic.
func (d *DB) sqlOrNil() *sql.DB {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sql
}

// RunInTx runs fn in a transaction: committed when fn returns nil, rolled back
// when it returns an error or panics (the panic goes on). It is bun's RunInTx,
// bound to ctx: when ctx ends (the request's deadline, the client gone), the
// running query is cancelled and the transaction rolled back, never committed.
// fn's error comes back unchanged, except that an error meaning the database
// is unavailable ([IsUnavailable]: refused or broken connection, deadline,
// exhausted pool) comes back marked ([MarkUnavailable]; errors.Is and
// errors.As still find the cause), so that a route answers it 503 with
// Retry-After. Inside fn use tx, never the DB: an in-memory SQLite database
// has a single connection, which the transaction holds.
func (d *DB) RunInTx(ctx context.Context, opts *sql.TxOptions, fn func(ctx context.Context, tx bun.Tx) error) error {
	return MarkUnavailable(d.Bun().RunInTx(ctx, opts, fn))
}

// Ping runs SELECT 1 through the pool. Its error names the target and holds no
// credentials.
func (d *DB) Ping(ctx context.Context) error {
	db := d.sqlOrNil()
	if db == nil || !d.Started() {
		return ErrNotStarted
	}
	if err := selectOne(ctx, db, 0); err != nil {
		return fmt.Errorf("dbmod: %s: %s", d.cfg.Target, d.redactor().String(err.Error()))
	}
	return nil
}

func (d *DB) redactor() redactor {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.redact
}

// Table returns name with the TABLES_PREFIX ([Config.Table]). Use it with
// bun's ModelTableExpr or bun.Ident:
//
//	db.Bun().NewSelect().Model(&items).ModelTableExpr("? AS item", bun.Ident(db.Table("items")))
func (d *DB) Table(name string) string { return d.cfg.Table(name) }

// Kind returns the database engine.
func (d *DB) Kind() Kind { return d.cfg.Kind }

// Config returns the configuration (its DSN prints as ***).
func (d *DB) Config() Config { return d.cfg }
