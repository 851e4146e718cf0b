package tracemod

import (
	"context"

	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/m8fx/kit/phase"
	"github.com/m8fx/kit/settingsmod"
)

// Module provides the app's [Config] ([ConfigFromSettings]) and [*Tracing]
// (m8fx.Module includes it). Its hook is in the phase.Auth phase: the
// provider is built with the graph (so it exists before any phase starts),
// logs one "tracing" line at start, and is flushed and shut down at stop
// after the HTTP shutdown and before the database pool closes. The auth
// clients depend on the Tracing, so its hook is the first of the Auth
// phase and stops last in it. With tracing off there is no hook. Tests change the Config with fx.Decorate
// (fxtest_helpers.RecordSpans does).
var Module = fx.Module("tracing",
	phase.In(phase.Auth),
	fx.Provide(provideConfig, provideTracing),
)

func provideConfig(s *settingsmod.Settings) (Config, error) { return ConfigFromSettings(s) }

// tracingParams are the inputs of the module's Tracing.
type tracingParams struct {
	fx.In

	Lifecycle fx.Lifecycle
	Config    Config
	Logger    *zap.Logger `optional:"true"`
}

func provideTracing(p tracingParams) (*Tracing, error) {
	cfg := p.Config
	if cfg.Logger == nil {
		cfg.Logger = p.Logger
	}
	t, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if !t.Enabled() {
		return t, nil // nothing to start or stop
	}
	p.Lifecycle.Append(fx.Hook{
		OnStart: func(context.Context) error {
			t.log.Info("tracing", t.Describe()...)
			return nil
		},
		OnStop: func(ctx context.Context) error {
			if err := t.Shutdown(ctx); err != nil {
				// Never fail or hold up the stop for spans.
				t.log.Warn("tracing shutdown incomplete; unexported spans dropped", zap.Error(err))
			}
			return nil
		},
	})
	return t, nil
}
