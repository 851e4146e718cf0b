package fxtest_helpers

import (
	"slices"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.uber.org/fx"

	"github.com/m8fx/kit/tracemod"
)

// SpanRecorder keeps the spans of an app in memory (tracetest's recorder,
// called synchronously as spans end), so a test asserts them in one line:
//
//	rec := fxtest_helpers.NewSpanRecorder()
//	app := fxtest_helpers.New(t, fxtest_helpers.RecordSpans(rec), ...)
//	app.Get("/api/items/1")
//	rec.Require(t, "GET /api/items/:id", attribute.Int("http.response.status_code", 200))
type SpanRecorder struct {
	rec *tracetest.SpanRecorder
}

// NewSpanRecorder returns an empty recorder.
func NewSpanRecorder() *SpanRecorder { return &SpanRecorder{rec: tracetest.NewSpanRecorder()} }

// Processor returns the recorder as a span processor, for a Tracing built
// without the helpers (tracemod.Config.SpanProcessors).
func (r *SpanRecorder) Processor() sdktrace.SpanProcessor { return r.rec }

// RecordSpans turns the app's tracing on (whatever the OTEL_* settings say)
// and records every span in rec. The settings' exporter, if any, still
// gets the spans too.
func RecordSpans(rec *SpanRecorder) Option {
	return WithOptions(fx.Decorate(func(c tracemod.Config) tracemod.Config {
		c.SpanProcessors = append(slices.Clone(c.SpanProcessors), rec.rec)
		return c
	}))
}

// Ended returns the spans ended so far, in the order they ended.
func (r *SpanRecorder) Ended() []sdktrace.ReadOnlySpan { return r.rec.Ended() }

// Names returns the names of the spans ended so far, in order.
func (r *SpanRecorder) Names() []string {
	var names []string
	for _, s := range r.rec.Ended() {
		names = append(names, s.Name())
	}
	return names
}

// Find returns the last ended span named name that has every attribute of
// attrs (same key, same value).
func (r *SpanRecorder) Find(name string, attrs ...attribute.KeyValue) (sdktrace.ReadOnlySpan, bool) {
	ended := r.rec.Ended()
	for i := len(ended) - 1; i >= 0; i-- {
		if s := ended[i]; s.Name() == name && hasAttributes(s, attrs) {
			return s, true
		}
	}
	return nil, false
}

// Require returns the span that [SpanRecorder.Find] finds, or fails the test
// with the names of the spans that did end.
func (r *SpanRecorder) Require(t testing.TB, name string, attrs ...attribute.KeyValue) sdktrace.ReadOnlySpan {
	t.Helper()
	s, ok := r.Find(name, attrs...)
	if !ok {
		t.Fatalf("no ended span %q with %v; ended: %s", name, attrs, strings.Join(r.Names(), ", "))
	}
	return s
}

// Reset forgets the spans ended so far.
func (r *SpanRecorder) Reset() { r.rec.Reset() }

func hasAttributes(s sdktrace.ReadOnlySpan, want []attribute.KeyValue) bool {
	have := s.Attributes()
	for _, w := range want {
		if !slices.ContainsFunc(have, func(kv attribute.KeyValue) bool { return kv.Key == w.Key && kv.Value == w.Value }) {
			return false
		}
	}
	return true
}
