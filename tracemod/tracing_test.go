package tracemod

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/m8fx/kit/settingsmod"
)

func TestNewOff(t *testing.T) {
	for _, tr := range []*Tracing{nil, mustNew(t, Config{})} {
		if tr.Enabled() {
			t.Error("enabled without exporter")
		}
		_, span := tr.Tracer("x").Start(t.Context(), "op")
		if span.IsRecording() {
			t.Error("a no-op tracer records")
		}
		span.End()
		if err := tr.ForceFlush(t.Context()); err != nil {
			t.Error(err)
		}
		if err := tr.Shutdown(t.Context()); err != nil {
			t.Error(err)
		}
		if tr.Propagator() == nil || len(tr.Describe()) != 1 {
			t.Error("propagator or description missing")
		}
	}
}

func mustNew(t *testing.T, cfg Config) *Tracing {
	t.Helper()
	tr, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tr.Shutdown(context.Background()) })
	return tr
}

// TestNewExports: spans reach the exporter at flush, with the resource; an
// inbound traceparent is continued through the propagator.
func TestNewExports(t *testing.T) {
	exp := tracetest.NewInMemoryExporter()
	tr := mustNew(t, Config{SpanExporter: exp, Settings: settingsmod.TracingSettings{Sampler: "parentbased_traceidratio", SamplerArg: 0, ServiceName: "svc"}})
	if !tr.Enabled() {
		t.Fatal("not enabled with an exporter")
	}
	carrier := propagation.MapCarrier{"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "baggage": "tenant=a"}
	ctx := tr.Propagator().Extract(t.Context(), carrier)
	_, span := tr.Tracer("test").Start(ctx, "op")
	span.End()
	// Ratio 0, no parent: not sampled.
	_, unsampled := tr.Tracer("test").Start(t.Context(), "dropped")
	unsampled.End()
	if err := tr.ForceFlush(t.Context()); err != nil {
		t.Fatal(err)
	}
	spans := exp.GetSpans()
	if len(spans) != 1 || spans[0].Name != "op" || spans[0].SpanContext.TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Fatalf("exported %v", spans)
	}
	if got, _ := spans[0].Resource.Set().Value("service.name"); got.AsString() != "svc" {
		t.Errorf("resource service.name %q", got.AsString())
	}
	out := propagation.MapCarrier{}
	tr.Propagator().Inject(ctx, out)
	if out["baggage"] != "tenant=a" || !strings.HasPrefix(out["traceparent"], "00-4bf92f3577b34da6a3ce929d0e0e4736-") {
		t.Errorf("injected %v", out)
	}
}

func TestNewConsole(t *testing.T) {
	var buf bytes.Buffer
	tr := mustNew(t, Config{Console: &buf, Settings: settingsmod.TracingSettings{Enabled: true, Exporter: "console", Sampler: "always_on"}})
	_, span := tr.Tracer("test").Start(t.Context(), "printed")
	span.End()
	if err := tr.Shutdown(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"Name":"printed"`) {
		t.Errorf("console output %q", buf.String())
	}
}

// TestShutdownBounded: a collector on loopback that never answers does not
// hold the stop past the shutdown share.
func TestShutdownBounded(t *testing.T) {
	hang := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(hang)
	tr := mustNew(t, Config{ShutdownTimeout: 200 * time.Millisecond, Settings: settingsmod.TracingSettings{
		Enabled: true, Exporter: "otlp", Protocol: "http/protobuf", Endpoint: srv.URL + "/v1/traces", Sampler: "always_on"}})
	_, span := tr.Tracer("test").Start(t.Context(), "lost")
	span.End()
	start := time.Now()
	if err := tr.Shutdown(t.Context()); err == nil {
		t.Error("no error for a shutdown cut short")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("shutdown took %v", d)
	}
}

// TestExportFailuresQuiet: a collector on loopback that refuses every
// export gives one warning per interval, however many exports fail.
func TestExportFailuresQuiet(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, "bad request", http.StatusBadRequest) // not retried
	}))
	defer srv.Close()
	core, logs := observer.New(zap.WarnLevel)
	tr := mustNew(t, Config{Logger: zap.New(core), Settings: settingsmod.TracingSettings{
		Enabled: true, Exporter: "otlp", Protocol: "http/protobuf", Endpoint: srv.URL + "/v1/traces", Sampler: "always_on"}})
	for range 4 {
		_, span := tr.Tracer("test").Start(t.Context(), "refused")
		span.End()
		if err := tr.ForceFlush(t.Context()); err != nil {
			t.Fatalf("flush returned the export failure: %v", err)
		}
	}
	if calls.Load() != 4 {
		t.Fatalf("%d exports, want 4", calls.Load())
	}
	if n := logs.FilterMessageSnippet("trace export failed").Len(); n != 1 {
		t.Errorf("%d warnings for 4 failed exports, want 1", n)
	}
}
