package m8fx

import (
	"context"
	"time"

	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/phase"
	"github.com/m8fx/kit/settingsmod"
)

// Readiness is the per-app ready flag (one per fx app, never a global).
type Readiness = healthmod.Readiness

type lifecycleParams struct {
	fx.In

	Lifecycle fx.Lifecycle
	Hooks     *phase.Hooks
	Settings  *settingsmod.Settings
	Logger    *zap.Logger
	Readiness *healthmod.Readiness
	// Server and Validators are here for the graph: once they are built,
	// so is every component that a route or a startup validator depends on,
	// and the hooks those components append to fx.Lifecycle outside any
	// phase come before the Serve and Ready phases installed below.
	Server     *httpmod.Server
	Validators *validatorRegistry
	Registered []validatorRegistration `group:"m8fx.startup_validators"`
}

// newAppHooks returns the app's phased hooks and installs the Resources and
// Auth phases as an fx hook; the logger module builds it first, so that hook
// is the app's first.
func newAppHooks(lc fx.Lifecycle) *phase.Hooks {
	h := phase.New()
	h.Install(lc, phase.Resources, phase.Auth)
	return h
}

// attachLogger sends fx's events, and a debug line per phased hook run, to
// the app's logger.
func attachLogger(l *eventLogger, log *zap.Logger, h *phase.Hooks) {
	l.attach(log)
	hooks := log.Named("lifecycle")
	h.Observe(func(e phase.Event) {
		if !hooks.Core().Enabled(zap.DebugLevel) {
			return
		}
		fields := []zap.Field{zap.Stringer("phase", e.Phase), zap.String("caller", e.Caller), zap.Duration("duration", e.Duration)}
		if e.Err != nil {
			fields = append(fields, zap.Error(e.Err))
		}
		hooks.Debug("hook "+e.Stage.String(), fields...)
	})
}

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

// registerLifecycle appends to the Ready phase the hook that, on start, runs
// the configuration health check ([CheckConfig]), then the startup
// validators, and then flips the ready flag, and on stop clears
// the flag and waits the drain delay before the HTTP server (Serve phase,
// stopped after Ready) shuts down; then it installs the Serve and Ready
// phases as an fx hook.
func registerLifecycle(p lifecycleParams) {
	drain := p.Settings.ShutdownDrain()
	p.Hooks.Append(phase.Ready, fx.Hook{
		OnStart: func(ctx context.Context) error {
			findings := CheckConfig(p.Settings)
			for _, f := range findings {
				if !f.Fatal {
					p.Logger.Warn("configuration: "+f.Variable+" "+f.Message, zap.String("variable", f.Variable))
				}
			}
			if err := fatalFindings(findings); err != nil {
				return err
			}
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
	p.Hooks.Install(p.Lifecycle, phase.Serve, phase.Ready)
}
