package dbmod

import (
	"context"
	"fmt"

	"github.com/uptrace/bun/migrate"
	"go.uber.org/zap"
)

// Names (before TABLES_PREFIX) of bun's bookkeeping tables.
const (
	MigrationsTable     = "bun_migrations"
	MigrationLocksTable = "bun_migration_locks"
)

// Migrate applies the migrations of ms that are not applied yet, with bun's
// migrator, and logs what it did. It is idempotent: a second run applies
// nothing.
//
// The bookkeeping tables carry the TABLES_PREFIX ("app_bun_migrations"), so
// services sharing a database keep separate histories. A migration is marked
// applied only once it succeeded; write migrations that can run again after
// a partial failure (CREATE TABLE IF NOT EXISTS, ...).
//
// Concurrent calls — two replicas starting together — are serialized by a
// lock that a crashed process cannot leave behind on the servers:
// pg_advisory_lock on PostgreSQL and GET_LOCK on MySQL/MariaDB, both held by
// one connection of the pool (so DB_MAX_OPEN_CONNS must not be 1); on SQLite
// a process-wide mutex plus, for files, bun's lock table (a row that a
// process killed while migrating leaves behind: delete it from
// <prefix>_bun_migration_locks). Waiting for the lock is bounded by ctx.
//
// Call it after [DB.Start]. The module runs Migrate in its OnStart hook, right
// after connecting, for every set registered with [AsMigrations].
func (d *DB) Migrate(ctx context.Context, ms *migrate.Migrations) error {
	m := migrate.NewMigrator(d.Bun(), ms,
		migrate.WithTableName(d.Table(MigrationsTable)),
		migrate.WithLocksTableName(d.Table(MigrationLocksTable)),
		migrate.WithMarkAppliedOnSuccess(true),
	)
	fail := func(what string, err error) error {
		return fmt.Errorf("dbmod: %s on %s: %s", what, d.cfg.Target, d.redactor().String(err.Error()))
	}
	unlock, err := d.lockMigrations(ctx, m)
	if err != nil {
		return fail("taking the migrations lock", err)
	}
	defer unlock()
	if err := m.Init(ctx); err != nil {
		return fail("creating the migrations tables", err)
	}
	group, err := m.Migrate(ctx)
	if err != nil {
		return fail("migrating", err)
	}
	if group.IsZero() {
		d.log.Info("database schema up to date", zap.String("target", d.cfg.Target), zap.String("table", d.Table(MigrationsTable)))
		return nil
	}
	d.log.Info("database migrations applied", zap.String("target", d.cfg.Target),
		zap.Int64("group", group.ID), zap.String("migrations", group.Migrations.String()))
	return nil
}
