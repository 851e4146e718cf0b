package httpmod

import (
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/m8fx/kit/settingsmod"
	"github.com/m8fx/kit/tracemod"
)

// MetricsModule provides the app's [*Metrics] (with every collector
// registered through [AsCollector]) and, when METRICS_ENABLED=true, installs
// [NewMetricsMiddleware] and mounts GET /metrics at the root. When
// METRICS_ENABLED=false neither is installed: /metrics answers 404 and
// requests cost nothing. m8fx.Module includes it.
var MetricsModule = fx.Module("metrics",
	fx.Provide(
		newModuleMetrics,
		fx.Annotate(metricsMiddlewareSlot, fx.ResultTags(flattenGroup(middlewareGroup))),
		fx.Annotate(metricsRoutesSlot, fx.ResultTags(flattenGroup(rootRoutesGroup))),
	),
)

// metricsParams are the inputs of the module's *Metrics.
type metricsParams struct {
	fx.In

	Settings   *settingsmod.Settings
	Collectors []prometheus.Collector `group:"m8fx.httpmod.collectors"`
}

func newModuleMetrics(p metricsParams) (*Metrics, error) {
	return NewMetrics(MetricsConfigFromSettings(p.Settings), p.Collectors...)
}

// metricsSlotParams are the inputs of metricsMiddlewareSlot.
type metricsSlotParams struct {
	fx.In

	Metrics *Metrics
	Tracing *tracemod.Tracing `optional:"true"`
}

// metricsMiddlewareSlot gives the middleware group no entry when metrics are
// off; with tracing on, the durations carry trace exemplars.
func metricsMiddlewareSlot(p metricsSlotParams) ([]Middleware, error) {
	m := p.Metrics
	if !m.Enabled() {
		return nil, nil
	}
	var opts []MetricsOption
	if p.Tracing.Enabled() {
		opts = append(opts, WithTraceExemplars())
	}
	mw, err := NewMetricsMiddleware(m, opts...)
	if err != nil {
		return nil, err
	}
	return []Middleware{mw}, nil
}

// metricsRoutesSlot gives the root routes group no entry when metrics are off.
func metricsRoutesSlot(m *Metrics, log *zap.Logger) []Routes {
	if !m.Enabled() {
		return nil
	}
	return []Routes{NewMetricsRoutes(m, log)}
}

// flattenGroup turns a `group:"name"` tag into `group:"name,flatten"`, for
// constructors that contribute zero or more values.
func flattenGroup(tag string) string { return strings.TrimSuffix(tag, `"`) + `,flatten"` }
