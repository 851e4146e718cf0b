package dbmod

import (
	"context"

	"github.com/uptrace/bun/migrate"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/m8fx"
	"github.com/m8fx/kit/settingsmod"
)

// Module gives an m8fx app its database:
//
//   - [Config] from the settings ([ConfigFromSettings]: DB_* are validated
//     here, so apps without dbmod never need them);
//
//   - *[DB], connected in OnStart (bounded by DB_CONNECT_TIMEOUT_SECONDS),
//     then migrated with every set registered by [AsMigrations], all before
//     the HTTP server listens and before the startup validators run; closed
//     in OnStop after the HTTP server has shut down;
//
//   - the "database" health check ([NewHealthCheck]; [WithoutHealthCheck]
//     removes it);
//
//   - the pool statistics collector ([NewStatsCollector]) for /metrics.
//
//     fx.New(m8fx.Module, dbmod.Module, fx.Provide(httpmod.AsRoutes(NewItemRoutes)))
var Module = fx.Module("db",
	fx.Provide(
		NewConfig,
		newModuleDB,
		healthmod.AsChecks(moduleChecks),
		httpmod.AsCollector(NewStatsCollector),
	),
	m8fx.BeforeReady[*DB](),
	// Builds the DB (and appends its hook) when this module's invokes run,
	// if nothing needed it earlier (m8fx.Module builds BeforeReady
	// components before its own hooks, so the order holds either way).
	fx.Invoke(func(*DB) {}),
)

// NewConfig is [ConfigFromSettings] as the module's constructor. Change the
// result with fx.Decorate(func(c dbmod.Config) dbmod.Config { ... }).
func NewConfig(s *settingsmod.Settings) (Config, error) { return ConfigFromSettings(s) }

type moduleDBParams struct {
	fx.In

	Lifecycle  fx.Lifecycle
	Config     Config
	Logger     *zap.Logger
	Migrations []*migrate.Migrations `group:"m8fx.dbmod.migrations"`
}

// newModuleDB builds the DB and appends its hook. m8fx.Module constructs the
// BeforeReady components (this *DB) before the auth module and the HTTP
// server append theirs, whatever the order of the options, so the pool
// starts first and, fx stopping hooks in reverse order, closes last: after
// the HTTP shutdown and the auth clients.
func newModuleDB(p moduleDBParams) (*DB, error) {
	db, err := New(p.Config, p.Logger.Named("db"))
	if err != nil {
		return nil, err
	}
	p.Lifecycle.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			if err := db.Start(ctx); err != nil {
				return err
			}
			for _, ms := range p.Migrations {
				if ms == nil {
					continue
				}
				if err := db.Migrate(ctx, ms); err != nil {
					// fx does not stop a hook whose start failed.
					_ = db.Close()
					return err
				}
			}
			return nil
		},
		OnStop: func(context.Context) error { return db.Close() },
	})
	return db, nil
}

// healthCheckOff, when in the graph, removes the "database" check.
type healthCheckOff struct{}

type moduleChecksParams struct {
	fx.In

	DB  *DB
	Off *healthCheckOff `optional:"true"`
}

// moduleChecks returns the "database" check unless [WithoutHealthCheck] was
// given. It takes *DB either way, which is what builds the DB before the HTTP
// server (see newModuleDB).
func moduleChecks(p moduleChecksParams) []healthmod.Check {
	if p.Off != nil {
		return nil
	}
	return []healthmod.Check{NewHealthCheck(p.DB)}
}
