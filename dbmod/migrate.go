package dbmod

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	"github.com/uptrace/bun/migrate"
	"go.uber.org/zap"
)

// StartAndMigrate connects ([DB.Start]) and then applies each set of
// migrations in order ([DB.Migrate]); nil sets are skipped. When a migration
// fails the pool is closed again and the DB cannot be used. It is what
// [Module] runs at start; services that build a [DB] without fx call it the
// same way.
func (d *DB) StartAndMigrate(ctx context.Context, sets ...*migrate.Migrations) error {
	if err := d.Start(ctx); err != nil {
		return err
	}
	for _, ms := range sets {
		if ms == nil {
			continue
		}
		if err := d.Migrate(ctx, ms); err != nil {
			// Nobody stops a start that failed: close here.
			_ = d.Close()
			return err
		}
	}
	return nil
}

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
// one connection of the pool (so DB_MAX_OPEN_CONNS must not be 1). On SQLite
// the migrations of one DB never overlap; for a file, every DB value and
// process that migrates it also takes an OS lock (flock) on
// <file>.migrate.lock, a file left beside the database, and bun's lock table
// (a row that a process killed while migrating leaves behind: delete it from
// <prefix>_bun_migration_locks). A private in-memory database needs nothing
// more: no other DB sees it. Waiting for the lock is bounded by ctx.
//
// bun names each migration after its file (see [RegisterMigration] for the
// rule); register Go migrations with [RegisterMigration] and SQL files with
// [DiscoverMigrations], which report a badly named file as an error (bun's
// MustRegister panics).
//
// Call it after [DB.Start]. [DB.StartAndMigrate] does both, as the module
// does in its OnStart hook for every set registered with [AsMigrations].
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

// migrationNameRule is bun's naming rule for migration files, as dbmod's
// errors state it.
const migrationNameRule = `YYYYMMDDHHMMSS_name.go (Go) or YYYYMMDDHHMMSS_name.up.sql and .down.sql (SQL), ` +
	`name in lower-case letters, digits, "_" and "-", e.g. 20240101120000_create_items.up.sql`

// migrationFileRE is bun v1.3.0's rule (fnameRE in
// github.com/uptrace/bun/migrate/migrations.go), applied to the file's base
// name: 1 to 14 digits (the migration's name, which orders it), "_", a
// comment of lower-case letters, digits, "_" and "-", then a ".".
var migrationFileRE = regexp.MustCompile(`^(\d{1,14})_([0-9a-z_\-]+)\.`)

// migrationName is bun's name and comment of the migration in file, or an
// error naming the file and the rule.
func migrationName(file string) (name, comment string, err error) {
	m := migrationFileRE.FindStringSubmatch(filepath.Base(file))
	if m == nil {
		return "", "", fmt.Errorf("dbmod: migration file %s: bad name: bun names migrations after their files, "+
			"which must be named %s", file, migrationNameRule)
	}
	return m[1], m[2], nil
}

// registered returns the migrations of ms by name.
func registered(ms *migrate.Migrations) map[string]migrate.Migration {
	out := map[string]migrate.Migration{}
	for _, m := range ms.Sorted() {
		out[m.Name] = m
	}
	return out
}

// RegisterMigration adds up and down to ms as the Go migration of the file
// that calls it, like bun's Migrations.Register, but returns an error naming
// the file and the rule when bun would refuse the file's name (where bun's
// MustRegister panics).
//
// The rule is bun's (v1.3.0, package migrate), on the file's base name:
//
//   - it starts with 1 to 14 digits: the migration's name, its key in the
//     history table. Migrations run in the order of their names compared as
//     strings ("10" before "9"), so use a UTC timestamp of exactly 14
//     digits, YYYYMMDDHHMMSS;
//   - then "_" and the comment: at least one lower-case ASCII letter, digit,
//     "_" or "-", up to the first ".";
//   - then ".go" for a Go migration; SQL migrations end in ".up.sql" and
//     ".down.sql" (".tx.up.sql" and ".tx.down.sql" run in a transaction),
//     see [DiscoverMigrations].
//
// So 20240101120000_create_items.go and 20240101120000_create_items.up.sql
// are accepted; create_items.go (no number), 20240101120000_CreateItems.go
// (upper case), 20240101120000-create_items.go (no "_"),
// 20240101120000_.go (no comment) and 202401011200001_x.go (15 digits) are
// refused. Each name belongs to one migration: a name already in ms is an
// error too (bun would keep both).
//
//	// 20261127000001_create_items.go
//	func createItems(ms *migrate.Migrations) error {
//		return dbmod.RegisterMigration(ms, up, down)
//	}
//
// down may be nil (a rollback then skips the migration). Like migrations
// added with Migrations.Add, these run without the BeforeMigration and
// AfterMigration hooks of bun's migrator ([DB.Migrate] sets none).
func RegisterMigration(ms *migrate.Migrations, up, down migrate.MigrationFunc) error {
	_, file, _, ok := runtime.Caller(1)
	if !ok {
		return fmt.Errorf("dbmod: RegisterMigration: cannot tell the calling file")
	}
	if ms == nil {
		return fmt.Errorf("dbmod: migration file %s: the *migrate.Migrations is nil", file)
	}
	if up == nil {
		return fmt.Errorf("dbmod: migration file %s: the up function is nil", file)
	}
	name, comment, err := migrationName(file)
	if err != nil {
		return err
	}
	if prev, ok := registered(ms)[name]; ok {
		return fmt.Errorf("dbmod: migration file %s: migration %s is already registered (comment %q): "+
			"each migration needs a name of its own", file, name, prev.Comment)
	}
	ms.Add(migrate.Migration{Name: name, Comment: comment, Up: goMigration(up), Down: goMigration(down)})
	return nil
}

// goMigration is fn as the function of a migrate.Migration (nil for nil).
func goMigration(fn migrate.MigrationFunc) func(context.Context, *migrate.Migrator, *migrate.Migration) error {
	if fn == nil {
		return nil
	}
	return func(ctx context.Context, m *migrate.Migrator, _ *migrate.Migration) error { return fn(ctx, m.DB()) }
}

// DiscoverMigrations adds to ms the SQL migrations of fsys (the files ending
// in .up.sql and .down.sql, in every directory, like bun's
// Migrations.Discover; other files are ignored) and returns an error naming
// the first file whose name bun would refuse, with the rule (see
// [RegisterMigration]): 20240101120000_create_items.up.sql and
// 20240101120000_create_items.down.sql are the two halves of migration
// 20240101120000, comment create_items. Two files of one name with another
// comment, or a name that ms already holds, are errors too.
//
//	//go:embed migrations/*.sql
//	var sqlFiles embed.FS
//
//	if err := dbmod.DiscoverMigrations(ms, sqlFiles); err != nil { return nil, err }
func DiscoverMigrations(ms *migrate.Migrations, fsys fs.FS) error {
	if ms == nil || fsys == nil {
		return fmt.Errorf("dbmod: DiscoverMigrations: the *migrate.Migrations or the fs.FS is nil")
	}
	before := registered(ms)
	var walkErr error
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			walkErr = err
			return err
		}
		if d.IsDir() || !(strings.HasSuffix(p, ".up.sql") || strings.HasSuffix(p, ".down.sql")) {
			return nil
		}
		name, _, err := migrationName(p)
		if err != nil {
			return err
		}
		if prev, ok := before[name]; ok {
			return fmt.Errorf("dbmod: migration file %s: migration %s is already registered (comment %q): "+
				"each migration needs a name of its own", p, name, prev.Comment)
		}
		return nil
	})
	if walkErr != nil {
		return fmt.Errorf("dbmod: discovering SQL migrations: %w", walkErr)
	}
	if err != nil {
		return err
	}
	// Discover into a set of its own, so that ms is unchanged on error.
	found := migrate.NewMigrations()
	if err := found.Discover(fsys); err != nil {
		return fmt.Errorf("dbmod: discovering SQL migrations: %w", err)
	}
	for _, m := range found.Sorted() {
		ms.Add(m)
	}
	return nil
}
