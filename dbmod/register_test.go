package dbmod_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/m8fx"
)

// TestModuleMigratesAtStart: migrations registered with AsMigrations are
// applied in OnStart, before the startup validators.
func TestModuleMigratesAtStart(t *testing.T) {
	var ran atomic.Int32
	var sawTable bool
	var db *dbmod.DB
	fxtest_helpers.New(t,
		fxtest_helpers.WithSQLite(),
		fxtest_helpers.WithOptions(
			dbmod.AsMigrations(func(c dbmod.Config) *migrate.Migrations { return testMigrations(c.TablesPrefix, &ran) }),
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

// TestWithoutHealthCheck: the option removes the "database" check.
func TestWithoutHealthCheck(t *testing.T) {
	app := fxtest_helpers.New(t, append(healthOptions(), fxtest_helpers.WithSQLite(),
		fxtest_helpers.WithOptions(dbmod.WithoutHealthCheck()))...)
	if _, status, _ := dbHealth(t, app); status != "" {
		t.Fatalf("database check present: %q", status)
	}
}

// TestAsMigrationsSeveralSets: every set registered with AsMigrations is
// applied at start; the constructors may take the Config.
func TestAsMigrationsSeveralSets(t *testing.T) {
	var o overlap
	var db *dbmod.DB
	fxtest_helpers.New(t,
		fxtest_helpers.WithSQLite(),
		fxtest_helpers.WithOptions(
			dbmod.AsMigrations(func() *migrate.Migrations { return o.migrations("20260101000001", 0) }),
			dbmod.AsMigrations(func(c dbmod.Config) *migrate.Migrations {
				if c.Kind != dbmod.Sqlite {
					t.Errorf("Config %+v", c)
				}
				return o.migrations("20260101000002", 0)
			}),
		),
		fxtest_helpers.Populate(&db),
	)
	var history int
	if err := db.Bun().NewRaw("SELECT count(*) FROM ?", bun.Ident(db.Table(dbmod.MigrationsTable))).Scan(context.Background(), &history); err != nil {
		t.Fatal(err)
	}
	if o.runs.Load() != 2 || history != 2 {
		t.Fatalf("%d migrations ran, %d in the history; want 2 and 2", o.runs.Load(), history)
	}
}
