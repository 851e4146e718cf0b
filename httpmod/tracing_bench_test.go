package httpmod

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.uber.org/zap"

	"github.com/m8fx/kit/settingsmod"
	"github.com/m8fx/kit/tracemod"
)

// discardExporter drops every span, so the sampled benchmark measures the
// span's creation and its batching, not an export.
type discardExporter struct{}

func (discardExporter) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discardExporter) Shutdown(context.Context) error                             { return nil }

// benchTracingEngine is the kit's engine (request id, [tracing], recovery,
// access log at a disabled level, metrics with exemplars when tracing is
// on) with GET /api/items/:id.
func benchTracingEngine(b *testing.B, tr *tracemod.Tracing) http.Handler {
	m, err := NewMetrics(MetricsConfigFromSettings(metricsSettings("all")))
	if err != nil {
		b.Fatal(err)
	}
	var opts []MetricsOption
	if tr.Enabled() {
		opts = append(opts, WithTraceExemplars())
	}
	mw, err := NewMetricsMiddleware(m, opts...)
	if err != nil {
		b.Fatal(err)
	}
	e, err := NewEngine(EngineParams{Settings: testSettings(), Logger: zap.NewNop(), Tracing: tr, Middleware: []Middleware{mw},
		Routes: routes(func(r *Router) {
			Handle(r, http.MethodGet, "/items/:id", func(c *gin.Context) { c.Status(http.StatusOK) })
		})})
	if err != nil {
		b.Fatal(err)
	}
	return e
}

func benchTracing(b *testing.B, cfg *tracemod.Config) *tracemod.Tracing {
	if cfg == nil {
		return nil
	}
	tr, err := tracemod.New(*cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = tr.Shutdown(context.Background()) })
	return tr
}

// BenchmarkTracing measures a request through the kit's engine: without
// tracing (no Tracing in the graph), with tracing off (settings without
// exporter: nothing installed), on with sampling 0, and on with every
// request sampled (spans batched to an exporter that drops them). The cost
// of tracing is the difference to "none".
//
//	go test -run '^$' -bench BenchmarkTracing -benchmem -count 5 ./httpmod/
func BenchmarkTracing(b *testing.B) {
	ratio := func(r float64) *tracemod.Config {
		return &tracemod.Config{SpanExporter: discardExporter{}, Settings: settingsmod.TracingSettings{Sampler: "parentbased_traceidratio", SamplerArg: r}}
	}
	cases := []struct {
		name string
		cfg  *tracemod.Config
	}{
		{"none", nil},
		{"off", &tracemod.Config{}},
		{"on-ratio0", ratio(0)},
		{"on-sampled", ratio(1)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			h := benchTracingEngine(b, benchTracing(b, c.cfg))
			req := httptest.NewRequest(http.MethodGet, "/api/items/42", nil)
			w := &discardWriter{h: http.Header{}}
			h.ServeHTTP(w, req)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				h.ServeHTTP(w, req)
			}
		})
	}
}
