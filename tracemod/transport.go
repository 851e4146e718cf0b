package tracemod

import (
	"net/http"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
)

// Transport returns base wrapped in otelhttp's client instrumentation with
// the Tracing's provider and propagator: every request gets a client span
// named "<METHOD> <operation>" (e.g. "GET jti-status") and a traceparent
// header, so the callee's traces join the caller's. With tracing off it
// returns base itself (nil base: http.DefaultTransport). The wrapper keeps
// base's CloseIdleConnections, and records no metrics and no headers.
func (t *Tracing) Transport(base http.RoundTripper, operation string) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	if !t.Enabled() {
		return base
	}
	return &transport{
		RoundTripper: otelhttp.NewTransport(base,
			otelhttp.WithTracerProvider(t.provider),
			otelhttp.WithPropagators(t.propagator),
			otelhttp.WithMeterProvider(metricnoop.NewMeterProvider()),
			otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method + " " + operation }),
		),
		base: base,
	}
}

// transport is otelhttp's transport that also forwards CloseIdleConnections
// to the transport it wraps (otelhttp's does not), so that a client's Close
// still closes its connections.
type transport struct {
	http.RoundTripper
	base http.RoundTripper
}

// CloseIdleConnections closes base's idle connections.
func (t *transport) CloseIdleConnections() {
	if c, ok := t.base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// Unwrap returns the transport that the instrumentation wraps.
func (t *transport) Unwrap() http.RoundTripper { return t.base }
