package tracemod

import (
	"context"
	"sync"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.uber.org/zap"
)

// quietExporter keeps export failures off the request path and out of
// otel's global error handler: a failed export is logged at most once per
// interval (with the number of failures since the last line) and reported
// to the batch processor as a success, so nothing else handles it. The
// spans of a failed export are lost, as they would be anyway.
type quietExporter struct {
	sdktrace.SpanExporter
	log      *zap.Logger
	interval time.Duration
	now      func() time.Time

	mu       sync.Mutex
	last     time.Time // when the last failure was logged
	failures int       // failures since then, not logged yet
}

func newQuietExporter(e sdktrace.SpanExporter, log *zap.Logger, interval time.Duration) *quietExporter {
	return &quietExporter{SpanExporter: e, log: log, interval: interval, now: time.Now}
}

// ExportSpans exports spans and swallows the error after reporting it.
func (q *quietExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if err := q.SpanExporter.ExportSpans(ctx, spans); err != nil {
		q.report(err, len(spans))
	}
	return nil
}

// report logs err unless a failure was logged less than an interval ago.
func (q *quietExporter) report(err error, spans int) {
	q.mu.Lock()
	q.failures++
	now := q.now()
	if !q.last.IsZero() && now.Sub(q.last) < q.interval {
		q.mu.Unlock()
		return
	}
	n := q.failures
	q.failures, q.last = 0, now
	q.mu.Unlock()
	q.log.Warn("trace export failed; spans dropped (logged once per interval)",
		zap.Error(err), zap.Int("failures", n), zap.Int("spans", spans), zap.Duration("interval", q.interval))
}
