package m8fx

import (
	"go.uber.org/fx"

	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/settingsmod"
)

// Module is the m8fx bundle: settings, logger (also used for fx's own events),
// health, HTTP and the start/stop lifecycle (startup validators, ready flag,
// drain). Databases stay opt-in (dbmod.Module).
//
//	fx.New(m8fx.Module, fx.Provide(httpmod.AsRoutes(NewRoutes))).Run()
var Module = fx.Options(
	fx.WithLogger(newEventLogger),
	fx.Module("m8fx",
		settingsmod.Module,
		fx.Provide(NewLogger, newValidatorRegistry),
		healthmod.Module,
		httpmod.Module,
		fx.Invoke(registerLifecycle),
	),
)
