package tracemod_test

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/m8fx/kit/settingsmod"
	"github.com/m8fx/kit/tracemod"
)

// Tracing without fx: settings to Config to Tracing, a span, then the
// shutdown that flushes it.
func ExampleNew() {
	s := &settingsmod.Settings{ProjectName: "items"} // no OTEL_* exporter: off
	cfg, err := tracemod.ConfigFromSettings(s)
	if err != nil {
		fmt.Println(err)
		return
	}
	off, _ := tracemod.New(cfg)
	fmt.Println("from settings:", off.Enabled())

	exp := tracetest.NewInMemoryExporter()
	cfg.SpanExporter = exp
	tr, err := tracemod.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, span := tr.Tracer("example").Start(context.Background(), "work")
	span.End()
	_ = tr.ForceFlush(context.Background())
	fmt.Println("with an exporter:", tr.Enabled(), len(exp.GetSpans()), exp.GetSpans()[0].Name)
	_ = tr.Shutdown(context.Background())
	// Output:
	// from settings: false
	// with an exporter: true 1 work
}
