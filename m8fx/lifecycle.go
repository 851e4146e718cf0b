package m8fx

import (
	"context"
	"time"

	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/settingsmod"
)

// Readiness is the per-app ready flag (one per fx app, never a global).
type Readiness = healthmod.Readiness

type lifecycleParams struct {
	fx.In

	Lifecycle  fx.Lifecycle
	Settings   *settingsmod.Settings
	Logger     *zap.Logger
	Readiness  *healthmod.Readiness
	Validators *validatorRegistry
	// BeforeReady forces the construction of every kit component that
	// appends OnStart hooks (see BeforeReady), so that this hook is appended
	// after theirs: fx runs OnStart hooks in append order and OnStop hooks in
	// reverse.
	BeforeReady []beforeReady `group:"m8fx.before_ready"`
}

// beforeReady marks a component whose OnStart hook must run before the
// startup validators (the database pool, for instance).
type beforeReady struct{}

// drainDelay is the drain to wait at stop: the configured one, but never
// more than half of the time left before ctx's deadline, so that the HTTP
// shutdown and the hooks after it (auth clients, database pool) always keep
// time to run.
func drainDelay(ctx context.Context, drain time.Duration) time.Duration {
	if deadline, ok := ctx.Deadline(); ok {
		if budget := time.Until(deadline) / 2; drain > budget {
			return max(budget, 0)
		}
	}
	return drain
}

// forceBeforeReady constructs the components marked with BeforeReady.
func forceBeforeReady(struct {
	fx.In
	Components []beforeReady `group:"m8fx.before_ready"`
}) {
}

// registerLifecycle appends the hook that, on start, runs the startup
// validators and then flips the ready flag, and on stop clears the flag and
// waits the drain delay before the HTTP server (whose hook was appended
// earlier, so it stops later) shuts down.
func registerLifecycle(p lifecycleParams) {
	drain := p.Settings.ShutdownDrain()
	p.Lifecycle.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			if err := p.Validators.run(ctx); err != nil {
				return err
			}
			p.Readiness.MarkReady()
			p.Logger.Info("service ready", zap.String("version", p.Settings.ServiceVersion), zap.String("m8fx", Version))
			return nil
		},
		OnStop: func(ctx context.Context) error {
			p.Readiness.MarkDraining()
			delay := drainDelay(ctx, drain)
			if delay < drain {
				p.Logger.Warn("SHUTDOWN_DRAIN_SECONDS shortened to leave the graceful shutdown half of the stop timeout",
					zap.Duration("drain", drain), zap.Duration("delay", delay))
			}
			if delay <= 0 {
				return nil
			}
			p.Logger.Info("draining before shutdown", zap.Duration("delay", delay))
			t := time.NewTimer(delay)
			defer t.Stop()
			select {
			case <-t.C:
			case <-ctx.Done():
			}
			return nil
		},
	})
}
