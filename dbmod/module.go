package dbmod

import (
	"context"

	"github.com/uptrace/bun/migrate"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/phase"
	"github.com/m8fx/kit/tracemod"
)

// Module gives an m8fx app its database:
//
//   - [Config] from the settings ([ConfigFromSettings]: DB_* are validated
//     here, so apps without dbmod never need them);
//
//   - *[DB], connected in OnStart (bounded by DB_CONNECT_TIMEOUT_SECONDS),
//     then migrated with every set registered by [AsMigrations]
//     ([StartAndMigrate]); the module is in the phase.Resources phase, so
//     this happens before the auth clients start, before the HTTP server
//     listens and before the startup validators run, and the pool closes
//     after all of them have stopped;
//
//   - the "database" health check ([NewHealthCheck]; [WithoutHealthCheck]
//     removes it);
//
//   - the pool statistics collector ([NewStatsCollector]) for /metrics.
//
//     fx.New(m8fx.Module, dbmod.Module, httpmod.AsRoutes(NewItemRoutes))
//
// It needs the app's *phase.Hooks, *settingsmod.Settings and *zap.Logger
// (m8fx.Module provides them).
var Module = fx.Module("db",
	phase.In(phase.Resources),
	fx.Provide(ConfigFromSettings, newModuleDB),
	healthmod.AsChecks(moduleChecks),
	httpmod.AsCollector(NewStatsCollector),
	// The pool is part of the app (connected at start, closed at stop)
	// whether or not a constructor asks for it.
	fx.Invoke(func(*DB) {}),
)

type moduleDBParams struct {
	fx.In

	Lifecycle  fx.Lifecycle
	Config     Config
	Logger     *zap.Logger
	Migrations []*migrate.Migrations `group:"m8fx.dbmod.migrations"`
	// Tracing, when enabled, adds the query spans (see tracingHookFor).
	Tracing *tracemod.Tracing `optional:"true"`
}

// newModuleDB builds the DB and appends its hook (to phase.Resources, see
// Module).
func newModuleDB(p moduleDBParams) (*DB, error) {
	cfg := p.Config
	if p.Tracing.Enabled() {
		cfg.QueryHooks = append(cfg.QueryHooks, tracingHookFor(p.Tracing, cfg))
	}
	db, err := New(cfg, p.Logger.Named("db"))
	if err != nil {
		return nil, err
	}
	p.Lifecycle.Append(fx.Hook{
		OnStart: func(ctx context.Context) error { return db.StartAndMigrate(ctx, p.Migrations...) },
		OnStop:  func(context.Context) error { return db.Close() },
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
// given.
func moduleChecks(p moduleChecksParams) []healthmod.Check {
	if p.Off != nil {
		return nil
	}
	return []healthmod.Check{NewHealthCheck(p.DB)}
}
