package m8fx

import (
	"time"

	"go.uber.org/fx"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/docsmod"
	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/securitymod"
	"github.com/m8fx/kit/settingsmod"
	"github.com/m8fx/kit/tracemod"
)

// defaultStopTimeout bounds the whole stop: up to 60 s of drain and 30 s of
// graceful shutdown.
const defaultStopTimeout = 90 * time.Second

// Module is the m8fx bundle: settings, logger (also used for fx's own events),
// tracing (tracemod), health, authentication (token validation, roles, guards, revocation), HTTP
// (with metrics, CORS, trusted hosts, security headers and the API docs) and
// the start/stop lifecycle (startup validators, ready flag, drain). Databases
// stay opt-in (dbmod.Module), in any position among the options.
//
// Hook order comes from the phases of package phase, whatever order the
// options are listed in: start runs the Resources phase (dbmod's pool), then
// Auth (JWKS first fetch), then Serve (the HTTP listen), then Ready (the
// startup validators in registration order, then the ready flag); stop runs
// in reverse. The app's *phase.Hooks is in the graph for services' own
// modules (phase.In).
//
//	fx.New(m8fx.Module, httpmod.AsRoutes(NewRoutes)).Run()
var Module = fx.Options(
	// Room for the longest drain (SHUTDOWN_DRAIN_SECONDS <= 60) plus the
	// graceful shutdown; a later fx.StopTimeout overrides it, and the drain
	// then shrinks to half of what is left (see drainDelay).
	fx.StopTimeout(defaultStopTimeout),
	fx.Provide(fx.Private, newEventLoggerHolder),
	fx.WithLogger(provideEventLogger),
	fx.Module("m8fx",
		// First child module: its invoke runs before any other kit invoke,
		// so fx events reach zap as soon as the settings allow it.
		fx.Module("logger",
			fx.Provide(newModuleLogger),
			fx.Invoke(attachLogger),
		),
		settingsmod.Module,
		fx.Provide(newAppHooks, newValidatorRegistry),
		// Tracing: the provider that the HTTP, auth and database
		// instrumentation take (off, and installing nothing, without an
		// OTEL_* exporter or endpoint).
		tracemod.Module,
		healthmod.Module,
		metaModule, // GET {API_PREFIX}/meta and /ping
		authmod.Module,
		httpmod.Module,
		docsmod.Module,
		httpmod.MetricsModule,
		securitymod.Module,
		// After docsmod attached: every route is registered by now.
		fx.Invoke(logRoutes),
		fx.Invoke(registerLifecycle),
	),
)
