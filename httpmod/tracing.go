package httpmod

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"

	"github.com/m8fx/kit/tracemod"
)

// TracerName is the instrumentation scope of the server spans.
const TracerName = "github.com/m8fx/kit/httpmod"

// NewTracingMiddleware returns the middleware that serves each request in a
// server span (NewEngine installs it right after the request id, only when
// t is enabled). The span continues an inbound W3C traceparent (and
// baggage) and is named by the route template, "GET /api/items/:id", never
// the raw path; requests that matched no route are all named by their
// method alone, and non-standard methods are "HTTP". A recorded span has
// the semantic-convention attributes http.request.method, http.route,
// http.response.status_code, server.address, server.port, url.scheme and
// network.protocol.version, a 5xx sets the error status and error.type,
// and captureHeaders (canonical names, credential headers already refused
// by settingsmod) become http.request.header.<name>. The query string, the
// raw path and every other header are never recorded. The request-scoped
// logger ([Logger]) gets trace_id and span_id fields while the span is
// recording, so the access log line and the handler's lines carry them.
func NewTracingMiddleware(t *tracemod.Tracing, captureHeaders []string) gin.HandlerFunc {
	tracer := t.Tracer(TracerName)
	prop := t.Propagator()
	lower := make([]string, len(captureHeaders))
	for i, h := range captureHeaders {
		lower[i] = strings.ToLower(h)
	}
	return func(c *gin.Context) {
		req := c.Request
		served := req.Context() // the server's, for requestStatus
		ctx := prop.Extract(served, propagation.HeaderCarrier(req.Header))
		ctx, span := tracer.Start(ctx, serverSpanName(req.Method, c.FullPath()), trace.WithSpanKind(trace.SpanKindServer))
		if span.IsRecording() {
			span.SetAttributes(serverAttributes(c, captureHeaders, lower)...)
			if l, ok := ctx.Value(loggerKey).(*zap.Logger); ok {
				sc := span.SpanContext()
				ctx = context.WithValue(ctx, loggerKey, l.With(
					zap.String("trace_id", sc.TraceID().String()), zap.String("span_id", sc.SpanID().String())))
			}
		}
		c.Request = req.WithContext(ctx)
		defer span.End() // also when a panic passes (the recovery is inside)
		c.Next()
		if span.IsRecording() {
			status := requestStatus(c, served)
			span.SetAttributes(semconv.HTTPResponseStatusCode(status))
			if status >= 500 {
				span.SetAttributes(semconv.ErrorTypeKey.String(strconv.Itoa(status)))
				span.SetStatus(codes.Error, "")
			}
		}
	}
}

// serverSpanName is "<METHOD> <route template>", the method alone for an
// unmatched request, and "HTTP" for a non-standard method.
func serverSpanName(method, route string) string {
	m := methodLabel(method)
	if m == MethodOther {
		m = "HTTP"
	}
	if route == "" {
		return m
	}
	return m + " " + route
}

// serverAttributes are the attributes of a recorded server span, known at
// its start.
func serverAttributes(c *gin.Context, headers, lower []string) []attribute.KeyValue {
	req := c.Request
	attrs := make([]attribute.KeyValue, 0, 7+len(headers))
	if m := methodLabel(req.Method); m != MethodOther {
		attrs = append(attrs, semconv.HTTPRequestMethodKey.String(m))
	} else {
		attrs = append(attrs, semconv.HTTPRequestMethodOther)
	}
	if route := c.FullPath(); route != "" {
		attrs = append(attrs, semconv.HTTPRoute(route))
	}
	scheme := "http"
	if req.TLS != nil {
		scheme = "https"
	}
	attrs = append(attrs, semconv.URLScheme(scheme))
	host, port := req.Host, ""
	if h, p, err := net.SplitHostPort(req.Host); err == nil {
		host, port = h, p
	}
	if host != "" {
		attrs = append(attrs, semconv.ServerAddress(host))
	}
	if n, err := strconv.Atoi(port); err == nil && n > 0 {
		attrs = append(attrs, semconv.ServerPort(n))
	}
	switch {
	case req.ProtoMajor == 1 && req.ProtoMinor == 1:
		attrs = append(attrs, semconv.NetworkProtocolVersion("1.1"))
	case req.ProtoMajor == 2:
		attrs = append(attrs, semconv.NetworkProtocolVersion("2"))
	case req.ProtoMajor == 1 && req.ProtoMinor == 0:
		attrs = append(attrs, semconv.NetworkProtocolVersion("1.0"))
	}
	for i, h := range headers {
		if v := req.Header.Values(h); len(v) > 0 {
			attrs = append(attrs, semconv.HTTPRequestHeader(lower[i], v...))
		}
	}
	return attrs
}

// tracingEnabled reports whether NewEngine installs the tracing middleware.
func tracingEnabled(t *tracemod.Tracing) bool { return t.Enabled() }

// traceExemplar returns the exemplar labels of a sampled request, or nil.
func traceExemplar(r *http.Request) prometheus.Labels {
	sc := trace.SpanContextFromContext(r.Context())
	if !sc.IsSampled() {
		return nil
	}
	return prometheus.Labels{"trace_id": sc.TraceID().String(), "span_id": sc.SpanID().String()}
}

// MetricsOption configures [NewMetricsMiddleware].
type MetricsOption func(*httpMetrics)

// WithTraceExemplars attaches the trace id and span id of sampled requests
// to http_request_duration_seconds as Prometheus exemplars (shown in the
// OpenMetrics exposition, Accept: application/openmetrics-text).
// MetricsModule turns it on when tracing is enabled.
func WithTraceExemplars() MetricsOption {
	return func(h *httpMetrics) { h.exemplars = true }
}

// observeDuration records v, with the trace exemplar of a sampled request
// when exemplars are on.
func observeDuration(exemplars bool, o prometheus.Observer, r *http.Request, v float64) {
	if exemplars {
		if labels := traceExemplar(r); labels != nil {
			if eo, ok := o.(prometheus.ExemplarObserver); ok {
				eo.ObserveWithExemplar(v, labels)
				return
			}
		}
	}
	o.Observe(v)
}
