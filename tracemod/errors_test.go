package tracemod

import (
	"context"
	"errors"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

type failingExporter struct{ *tracetest.InMemoryExporter }

func (failingExporter) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error {
	return errors.New("connection refused")
}

// TestQuietExporter: failures are logged once per interval with the count
// of the ones in between, and never returned to the batch processor.
func TestQuietExporter(t *testing.T) {
	core, logs := observer.New(zap.WarnLevel)
	q := newQuietExporter(failingExporter{tracetest.NewInMemoryExporter()}, zap.New(core), time.Minute)
	now := time.Unix(1000, 0)
	q.now = func() time.Time { return now }
	for range 5 {
		if err := q.ExportSpans(t.Context(), nil); err != nil {
			t.Fatalf("error returned: %v", err)
		}
	}
	if n := logs.Len(); n != 1 {
		t.Fatalf("%d lines for 5 failures within an interval, want 1", n)
	}
	now = now.Add(time.Minute)
	_ = q.ExportSpans(t.Context(), nil)
	entries := logs.All()
	if len(entries) != 2 || entries[1].ContextMap()["failures"] != int64(5) {
		t.Fatalf("after the interval: %v", entries)
	}
}
