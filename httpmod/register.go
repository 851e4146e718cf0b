package httpmod

import (
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/fx"
)

const (
	routesGroup     = `group:"m8fx.httpmod.routes"`
	rootRoutesGroup = `group:"m8fx.httpmod.root_routes"`
	middlewareGroup = `group:"m8fx.httpmod.middleware"`
)

// AsRoutes annotates a constructor whose result implements [Routes] so that
// its routes are mounted under API_PREFIX. Give the option to fx.New or to an fx.Module:
//
//	httpmod.AsRoutes(items.NewRoutes)
func AsRoutes(ctor any) fx.Option {
	return fx.Provide(fx.Annotate(ctor, fx.As(new(Routes)), fx.ResultTags(routesGroup)))
}

// AsRootRoutes is [AsRoutes] for routes mounted at the engine root, outside
// API_PREFIX (the kit uses it for /metrics).
func AsRootRoutes(ctor any) fx.Option {
	return fx.Provide(fx.Annotate(ctor, fx.As(new(Routes)), fx.ResultTags(rootRoutesGroup)))
}

// AsMiddleware annotates a constructor returning a [Middleware] so that it is
// installed in the engine at its declared [Middleware.Priority].
//
//	httpmod.AsMiddleware(NewTenantMiddleware)
func AsMiddleware(ctor any) fx.Option {
	return fx.Provide(fx.Annotate(ctor, fx.ResultTags(middlewareGroup)))
}

// Limit is a runtime limit that input rules refer to by name
// (validate:"max_of=name"): its value usually comes from the settings, and
// the OpenAPI document shows it.
type Limit struct {
	Name  string
	Value int64
}

// AsLimit annotates a constructor returning a [Limit] so that typed routes'
// max_of/min_of rules can use it:
//
//	httpmod.AsLimit(func(s *NotesSettings) httpmod.Limit {
//		return httpmod.Limit{Name: "notes_max_len", Value: s.NotesMaxLen}
//	})
func AsLimit(ctor any) fx.Option {
	return fx.Provide(fx.Annotate(ctor, fx.ResultTags(`group:"m8fx.httpmod.limits"`)))
}

// collectorsGroup collects Prometheus collectors for the app's registry.
const collectorsGroup = `group:"m8fx.httpmod.collectors"`

// AsCollector annotates a constructor returning a prometheus.Collector so
// that it is registered on the app's own registry (served at /metrics when
// METRICS_ENABLED=true; ignored otherwise):
//
//	httpmod.AsCollector(NewQueueDepthGauge)
func AsCollector(ctor any) fx.Option {
	return fx.Provide(fx.Annotate(ctor, fx.As(new(prometheus.Collector)), fx.ResultTags(collectorsGroup)))
}
