package dbmod_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/settingsmod"
)

type gadget struct {
	bun.BaseModel `bun:"table:gadgets"`
	ID            int64  `bun:",pk,autoincrement"`
	Name          string `bun:",notnull"`
}

// startTracedSqlite is an in-memory SQLite DB whose queries are traced into
// the returned recorder.
func startTracedSqlite(t *testing.T, text bool) (*dbmod.DB, *tracetest.SpanRecorder, trace.Tracer) {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	s := &settingsmod.Settings{SelectedDB: "Sqlite", DBDatabase: ":memory:", TablesPrefix: "t",
		DBMaxOpenConns: 10, DBMaxIdleConns: 5, DBConnectTimeoutSeconds: 5}
	cfg, err := dbmod.ConfigFromSettings(s)
	if err != nil {
		t.Fatal(err)
	}
	cfg.QueryHooks = append(cfg.QueryHooks, dbmod.NewTracingHook(tp, dbmod.TracingHookConfig{Kind: cfg.Kind, Name: cfg.Name, StatementText: text}))
	db, err := dbmod.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db, rec, tp.Tracer("test")
}

func attrOf(s sdktrace.ReadOnlySpan, key attribute.Key) (string, bool) {
	for _, kv := range s.Attributes() {
		if kv.Key == key {
			return kv.Value.String(), true
		}
	}
	return "", false
}

func TestTracingHook(t *testing.T) {
	for _, text := range []bool{false, true} {
		db, rec, tracer := startTracedSqlite(t, text)
		b := db.Bun()
		ctx := context.Background()
		if _, err := b.NewCreateTable().Model((*gadget)(nil)).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(rec.Ended()); n != 0 {
			t.Fatalf("%d spans for a query outside any span", n)
		}
		ctx, parent := tracer.Start(ctx, "request")
		err := b.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.NewInsert().Model(&gadget{Name: "secret-value"}).Exec(ctx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var got gadget
		if err := b.NewSelect().Model(&got).Where("name = ?", "secret-value").Scan(ctx); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := b.QueryRowContext(ctx, "SELECT count(*) FROM gadgets WHERE name = ?", "secret-value").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if _, err := b.NewSelect().Table("missing").Exec(ctx); err == nil {
			t.Fatal("no error for a missing table")
		}
		parent.End()

		want := []string{"BEGIN", "INSERT gadgets", "COMMIT", "SELECT gadgets", "SELECT", "SELECT missing"}
		ended := rec.Ended()
		if len(ended) != len(want)+1 {
			t.Fatalf("ended %d spans, want %d", len(ended), len(want)+1)
		}
		for i, w := range want {
			s := ended[i]
			if s.Name() != w || s.SpanKind() != trace.SpanKindClient || s.Parent().SpanID() != parent.SpanContext().SpanID() {
				t.Errorf("span %d: %q kind %v parent %v, want %q, a client child of the request", i, s.Name(), s.SpanKind(), s.Parent().SpanID(), w)
			}
			if v, _ := attrOf(s, "db.system.name"); v != "sqlite" {
				t.Errorf("%s: db.system.name %q", w, v)
			}
			for _, kv := range s.Attributes() {
				if v := kv.Value.String(); strings.Contains(v, "secret-value") {
					t.Errorf("%s: attribute %s holds an argument: %q", w, kv.Key, v)
				}
			}
		}
		if v, _ := attrOf(ended[1], "db.collection.name"); v != "gadgets" {
			t.Errorf("INSERT table %q", v)
		}
		if v, _ := attrOf(ended[1], "db.operation.name"); v != "INSERT" {
			t.Errorf("INSERT operation %q", v)
		}
		raw, ok := attrOf(ended[4], "db.query.text")
		if ok != text || (text && raw != "SELECT count(*) FROM gadgets WHERE name = ?") {
			t.Errorf("text=%v: raw query text %q (%v)", text, raw, ok)
		}
		if _, ok := attrOf(ended[1], "db.query.text"); ok {
			t.Error("a builder query (values in the text) has db.query.text")
		}
		if st := ended[5].Status(); st.Code != codes.Error || strings.Contains(st.Description, "missing") {
			t.Errorf("failed query status %v", st)
		}
	}
}
