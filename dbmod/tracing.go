package dbmod

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/uptrace/bun"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/m8fx/kit/tracemod"
)

// TracerName is the instrumentation scope of the database spans.
const TracerName = "github.com/m8fx/kit/dbmod"

// TracingHookConfig configures [NewTracingHook].
type TracingHookConfig struct {
	// Kind is the engine (db.system.name).
	Kind Kind
	// Name is the database name (db.namespace); "" leaves it out.
	Name string
	// StatementText records db.query.text, and only for queries whose
	// values are bound separately (placeholders kept, arguments never
	// recorded); bun's query builder writes the values into the text, so
	// its queries never carry the text. The module sets it in
	// ENVIRONMENT=local only.
	StatementText bool
}

// NewTracingHook returns the bun query hook that records each query as a
// client span, a child of the span in the query's context: queries run
// outside a recording span (migrations, health checks, background jobs
// without a span) record nothing. The span is named "<operation> <table>"
// ("SELECT app_items") and has db.system.name, db.operation.name,
// db.collection.name and db.namespace; a failed query (other than
// sql.ErrNoRows) sets the error status with the engine's error code, never
// its message (which may quote values).
func NewTracingHook(tp trace.TracerProvider, cfg TracingHookConfig) bun.QueryHook {
	h := &tracingHook{tracer: tp.Tracer(TracerName), text: cfg.StatementText}
	h.base = append(h.base, dbSystem(cfg.Kind))
	if cfg.Name != "" {
		h.base = append(h.base, semconv.DBNamespace(cfg.Name))
	}
	return h
}

// dbSpanKey holds, in the query event's Stash, the span BeforeQuery
// started, so AfterQuery never ends a span it did not start.
type dbSpanKey struct{}

type tracingHook struct {
	tracer trace.Tracer
	base   []attribute.KeyValue
	text   bool
}

var _ bun.QueryHook = (*tracingHook)(nil)

func dbSystem(k Kind) attribute.KeyValue {
	switch k {
	case Postgres:
		return semconv.DBSystemNamePostgreSQL
	case Mysql:
		return semconv.DBSystemNameMySQL
	case Sqlite:
		return semconv.DBSystemNameSQLite
	}
	return semconv.DBSystemNameKey.String(strings.ToLower(string(k)))
}

// BeforeQuery starts the query's span under a recording parent.
func (h *tracingHook) BeforeQuery(ctx context.Context, e *bun.QueryEvent) context.Context {
	if !trace.SpanFromContext(ctx).IsRecording() {
		return ctx
	}
	op := operation(e)
	table := tableOf(e)
	name := op
	if table != "" {
		name += " " + table
	}
	attrs := make([]attribute.KeyValue, 0, len(h.base)+3)
	attrs = append(attrs, h.base...)
	attrs = append(attrs, semconv.DBOperationName(op))
	if table != "" {
		attrs = append(attrs, semconv.DBCollectionName(table))
	}
	if h.text && e.IQuery == nil && e.QueryTemplate != "" {
		attrs = append(attrs, semconv.DBQueryText(e.QueryTemplate))
	}
	_, span := h.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...),
		trace.WithTimestamp(e.StartTime))
	// The span goes in the event, not in the context: bun runs a
	// transaction's queries in the context that BEGIN's hooks returned,
	// which would make them children of BEGIN's ended span.
	if e.Stash == nil {
		e.Stash = make(map[any]any, 1)
	}
	e.Stash[dbSpanKey{}] = span
	return ctx
}

// AfterQuery ends the span that BeforeQuery started.
func (h *tracingHook) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	span, ok := e.Stash[dbSpanKey{}].(trace.Span)
	if !ok {
		return
	}
	if e.Err != nil && !errors.Is(e.Err, sql.ErrNoRows) {
		code := errorCode(e.Err)
		span.SetAttributes(semconv.ErrorTypeKey.String(code))
		span.SetStatus(codes.Error, code)
	}
	span.End()
}

// tableOf is the table of a builder query ("" for raw queries).
func tableOf(e *bun.QueryEvent) string {
	q, ok := e.IQuery.(interface{ GetTableName() string })
	if !ok || q == nil {
		return ""
	}
	name := strings.Trim(q.GetTableName(), "\"`")
	if len(name) > 64 || strings.ContainsAny(name, " (),") {
		return "" // an expression, not a table name
	}
	return name
}

// tracingHookFor is the module's tracing hook: statement text as the
// tracing settings allow it (ENVIRONMENT=local only).
func tracingHookFor(t *tracemod.Tracing, cfg Config) bun.QueryHook {
	return NewTracingHook(t.TracerProvider(), TracingHookConfig{Kind: cfg.Kind, Name: cfg.Name, StatementText: t.Settings().StatementText})
}
