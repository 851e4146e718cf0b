package dbmod

import "go.uber.org/fx"

// migrationsGroup collects the *migrate.Migrations the module applies at start.
const migrationsGroup = `group:"m8fx.dbmod.migrations"`

// AsMigrations annotates a constructor returning a *migrate.Migrations
// (github.com/uptrace/bun/migrate) so that the module applies it in its
// OnStart hook, right after connecting (see [DB.Migrate]). Give the
// option to fx.New or to an fx.Module; the constructor may take [Config] (for the TABLES_PREFIX) or
// anything else except *DB:
//
//	dbmod.AsMigrations(func(c dbmod.Config) *migrate.Migrations {
//		return migrations.New(c.TablesPrefix)
//	})
func AsMigrations(ctor any) fx.Option {
	return fx.Provide(fx.Annotate(ctor, fx.ResultTags(migrationsGroup)))
}

// WithoutHealthCheck removes the "database" health check that [Module]
// registers, for services that report their database some other way:
//
//	fx.New(m8fx.Module, dbmod.Module, dbmod.WithoutHealthCheck())
func WithoutHealthCheck() fx.Option {
	return fx.Supply(&healthCheckOff{})
}
