package httpmod

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/m8fx/kit/settingsmod"
	"github.com/m8fx/kit/tracemod"
)

// newTracing returns an enabled Tracing whose spans end in the recorder.
func newTracing(t testing.TB, sampler string, ratio float64) (*tracemod.Tracing, *tracetest.SpanRecorder) {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tr, err := tracemod.New(tracemod.Config{SpanProcessors: []sdktrace.SpanProcessor{rec},
		Settings: settingsmod.TracingSettings{Sampler: sampler, SamplerArg: ratio}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tr.Shutdown(t.Context()) })
	return tr, rec
}

func spanAttr(s sdktrace.ReadOnlySpan, key string) (attribute.Value, bool) {
	for _, kv := range s.Attributes() {
		if string(kv.Key) == key {
			return kv.Value, true
		}
	}
	return attribute.Value{}, false
}

const inboundTrace = "4bf92f3577b34da6a3ce929d0e0e4736"

func TestTracingMiddlewareSpans(t *testing.T) {
	tr, rec := newTracing(t, "parentbased_traceidratio", 1)
	s := testSettings()
	s.OtelHTTPServerRequestHeaders = []string{"X-Tenant"}
	e, logs := newTestEngine(t, EngineParams{Settings: s, Tracing: tr, Routes: routes(func(r *Router) {
		Handle(r, http.MethodGet, "/items/:id", func(c *gin.Context) { Logger(c, nil).Info("handler line"); c.Status(http.StatusOK) })
		Handle(r, http.MethodGet, "/boom", func(c *gin.Context) { c.Status(http.StatusInternalServerError) })
		Handle(r, http.MethodGet, "/panic", func(*gin.Context) { panic("boom") })
	})})
	tests := []struct {
		name, method, path string
		headers            []string
		wantName           string
		wantRoute          string
		wantStatus         int64
		wantTrace          string
		wantError          bool
	}{
		{name: "template, not the raw path", method: "GET", path: "/api/items/42?token=abc", wantName: "GET /api/items/:id", wantRoute: "/api/items/:id", wantStatus: 200,
			headers: []string{"Authorization", "Bearer secret-token", "X-API-Key", "secret-key", "Cookie", "c=secret-cookie", "X-Tenant", "acme"}},
		{name: "inbound traceparent continued", method: "GET", path: "/api/items/7", wantName: "GET /api/items/:id", wantRoute: "/api/items/:id", wantStatus: 200,
			headers: []string{"traceparent", "00-" + inboundTrace + "-00f067aa0ba902b7-01"}, wantTrace: inboundTrace},
		{name: "unmatched", method: "GET", path: "/nope/1", wantName: "GET", wantStatus: 404},
		{name: "unmatched other", method: "GET", path: "/nope/2", wantName: "GET", wantStatus: 404},
		{name: "unknown method", method: "BREW", path: "/api/items/1", wantName: "HTTP", wantStatus: 405},
		{name: "5xx", method: "GET", path: "/api/boom", wantName: "GET /api/boom", wantRoute: "/api/boom", wantStatus: 500, wantError: true},
		{name: "panic", method: "GET", path: "/api/panic", wantName: "GET /api/panic", wantRoute: "/api/panic", wantStatus: 500, wantError: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec.Reset()
			serve(e, tt.method, tt.path, tt.headers...)
			ended := rec.Ended()
			if len(ended) != 1 {
				t.Fatalf("%d spans ended, want 1", len(ended))
			}
			sp := ended[0]
			if sp.Name() != tt.wantName || sp.SpanKind() != trace.SpanKindServer {
				t.Errorf("span %q kind %v, want %q server", sp.Name(), sp.SpanKind(), tt.wantName)
			}
			if v, _ := spanAttr(sp, "http.route"); v.AsString() != tt.wantRoute {
				t.Errorf("http.route %q, want %q", v.AsString(), tt.wantRoute)
			}
			if v, _ := spanAttr(sp, "http.response.status_code"); v.AsInt64() != tt.wantStatus {
				t.Errorf("status %d, want %d", v.AsInt64(), tt.wantStatus)
			}
			if tt.wantTrace != "" && sp.SpanContext().TraceID().String() != tt.wantTrace {
				t.Errorf("trace %s, want the inbound %s", sp.SpanContext().TraceID(), tt.wantTrace)
			}
			if (sp.Status().Code == codes.Error) != tt.wantError {
				t.Errorf("status %v, want error %v", sp.Status(), tt.wantError)
			}
			for _, kv := range sp.Attributes() {
				v := kv.Value.String()
				for _, secret := range []string{"secret", "token=abc", "?"} {
					if strings.Contains(v, secret) {
						t.Errorf("attribute %s = %q holds %q", kv.Key, v, secret)
					}
				}
				if strings.HasPrefix(string(kv.Key), "http.request.header.") && kv.Key != "http.request.header.x-tenant" {
					t.Errorf("header attribute %s recorded", kv.Key)
				}
			}
		})
	}
	// The access log and the handler's line carry the ids of the span.
	for _, msg := range []string{"http request", "handler line"} {
		entries := logs.FilterMessage(msg).All()
		if len(entries) == 0 || entries[0].ContextMap()["trace_id"] == nil || entries[0].ContextMap()["span_id"] == nil {
			t.Errorf("%q lines without trace_id and span_id: %v", msg, entries)
		}
	}
}

// TestTracingMiddlewareUnsampledParent: a parent-based sampler honours the
// inbound flag: an unsampled traceparent records nothing and logs no ids.
func TestTracingMiddlewareUnsampledParent(t *testing.T) {
	tr, rec := newTracing(t, "parentbased_traceidratio", 1)
	e, logs := newTestEngine(t, EngineParams{Tracing: tr, Routes: routes(func(r *Router) {
		Handle(r, http.MethodGet, "/items/:id", func(c *gin.Context) { c.Status(http.StatusOK) })
	})})
	serve(e, "GET", "/api/items/1", "traceparent", "00-"+inboundTrace+"-00f067aa0ba902b7-00")
	if n := len(rec.Ended()); n != 0 {
		t.Errorf("%d spans recorded for an unsampled parent", n)
	}
	if e := logs.FilterMessage("http request").All(); len(e) != 1 || e[0].ContextMap()["trace_id"] != nil {
		t.Errorf("access log %v", e)
	}
}

// TestTracingOffInstallsNothing: without an enabled Tracing the engine has
// the same handlers as before tracing existed.
func TestTracingOffInstallsNothing(t *testing.T) {
	off, err := tracemod.New(tracemod.Config{})
	if err != nil {
		t.Fatal(err)
	}
	on, _ := newTracing(t, "always_on", 1)
	count := func(tr *tracemod.Tracing) int {
		e, _ := newTestEngine(t, EngineParams{Tracing: tr})
		return len(e.Handlers)
	}
	if a, b, c := count(nil), count(off), count(on); a != b || c != a+1 {
		t.Errorf("handlers: nil %d, off %d, on %d", a, b, c)
	}
}

// TestEngineCapturesTracingHeaders: NewEngine takes the captured request
// headers from the Tracing's settings; an uncaptured header (the bearer
// token) never reaches the span.
func TestEngineCapturesTracingHeaders(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tr, err := tracemod.New(tracemod.Config{SpanProcessors: []sdktrace.SpanProcessor{rec},
		Settings: settingsmod.TracingSettings{Sampler: "always_on", SamplerArg: 1, RequestHeaders: []string{"X-Tenant"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tr.Shutdown(t.Context()) })
	e, _ := newTestEngine(t, EngineParams{Tracing: tr, Routes: routes(func(r *Router) {
		Handle(r, http.MethodGet, "/t", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	})})
	serve(e, http.MethodGet, "/api/t", "X-Tenant", "acme", "Authorization", "Bearer secret-token")
	spans := rec.Ended()
	if len(spans) != 1 {
		t.Fatalf("%d spans", len(spans))
	}
	var tenant bool
	for _, kv := range spans[0].Attributes() {
		if kv.Key == "http.request.header.x-tenant" && strings.Join(kv.Value.AsStringSlice(), ",") == "acme" {
			tenant = true
		}
		if strings.Contains(kv.Value.String(), "secret-token") || strings.Contains(string(kv.Key), "authorization") {
			t.Errorf("attribute %s = %s holds the Authorization header", kv.Key, kv.Value.String())
		}
	}
	if !tenant {
		t.Errorf("no http.request.header.x-tenant = [acme] in %v", spans[0].Attributes())
	}
}

// TestTraceExemplars: with exemplars on, a sampled request's duration
// carries its trace and span ids; an unsampled one none.
func TestTraceExemplars(t *testing.T) {
	tr, rec := newTracing(t, "parentbased_traceidratio", 1)
	m, err := NewMetrics(MetricsConfigFromSettings(metricsSettings("performance")))
	if err != nil {
		t.Fatal(err)
	}
	mw, err := NewMetricsMiddleware(m, WithTraceExemplars())
	if err != nil {
		t.Fatal(err)
	}
	e, _ := newTestEngine(t, EngineParams{Tracing: tr, Middleware: []Middleware{mw}, Routes: routes(func(r *Router) {
		Handle(r, http.MethodGet, "/items/:id", func(c *gin.Context) { c.Status(http.StatusOK) })
	})})
	serve(e, "GET", "/api/items/1", "traceparent", "00-"+inboundTrace+"-00f067aa0ba902b7-00")
	serve(e, "GET", "/api/items/2")
	id := rec.Ended()[0].SpanContext().TraceID().String()
	h := series(gathered(t, m)[m.Name("http_request_duration_seconds")], map[string]string{"method": "GET", "endpoint": "/api/items/:id"})
	if h == nil {
		t.Fatal("no duration series")
	}
	var found int
	for _, b := range h.GetHistogram().GetBucket() {
		if ex := b.GetExemplar(); ex != nil {
			found++
			labels := map[string]string{}
			for _, l := range ex.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["trace_id"] != id || labels["span_id"] == "" {
				t.Errorf("exemplar labels %v, want trace %s", labels, id)
			}
		}
	}
	if found != 1 {
		t.Errorf("%d exemplars, want 1 (the sampled request)", found)
	}
}

func TestServerSpanName(t *testing.T) {
	tests := []struct{ method, route, want string }{
		{"GET", "/api/items/:id", "GET /api/items/:id"},
		{"POST", "", "POST"},
		{"PURGE", "/x", "HTTP /x"},
		{"PURGE", "", "HTTP"},
	}
	for _, tt := range tests {
		if got := serverSpanName(tt.method, tt.route); got != tt.want {
			t.Errorf("serverSpanName(%q, %q) = %q, want %q", tt.method, tt.route, got, tt.want)
		}
	}
}
