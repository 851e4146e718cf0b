package healthmod

import (
	"go.uber.org/fx"

	"github.com/m8fx/kit/httpmod"
)

// Module provides the health subsystem: [Config] (from the settings), one
// [Readiness] per app, the [Runner] over every check registered with
// [AsCheck], and the [Handler], mounted under API_PREFIX.
//
// It needs *settingsmod.Settings in the graph (m8fx.Module provides it).
var Module = fx.Module("health",
	fx.Provide(
		ConfigFromSettings,
		NewReadiness,
		newGroupRunner,
		NewHandler,
	),
	httpmod.AsRoutes(handlerRoutes),
)

// runnerParams collects the config and the registered checks.
type runnerParams struct {
	fx.In

	Config Config
	Checks []Check `group:"m8fx.healthmod.checks"`
}

func newGroupRunner(p runnerParams) *Runner { return NewRunner(p.Config, p.Checks) }

// handlerRoutes exposes the module's *Handler as httpmod.Routes.
func handlerRoutes(h *Handler) *Handler { return h }
