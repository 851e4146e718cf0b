package tracemod

import (
	"bytes"
	"context"
	"testing"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/m8fx/kit/settingsmod"
)

func TestModule(t *testing.T) {
	tests := []struct {
		name    string
		s       *settingsmod.Settings
		decor   bool
		enabled bool
	}{
		{name: "off", s: &settingsmod.Settings{ProjectName: "svc"}},
		{name: "console", s: &settingsmod.Settings{ProjectName: "svc", OtelTracesExporter: "console"}, enabled: true},
		{name: "recorder", s: &settingsmod.Settings{ProjectName: "svc"}, decor: true, enabled: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tr *Tracing
			rec := tracetest.NewSpanRecorder()
			opts := []fx.Option{fx.NopLogger, fx.Supply(tt.s), Module, fx.Populate(&tr)}
			// The console exporter writes to a buffer, not the test output.
			opts = append(opts, fx.Decorate(func(c Config) Config {
				c.Console = &bytes.Buffer{}
				if tt.decor {
					c.SpanProcessors = append(c.SpanProcessors, rec)
				}
				return c
			}))
			app := fxtest.New(t, opts...)
			app.RequireStart()
			if tr.Enabled() != tt.enabled {
				t.Errorf("enabled %v, want %v", tr.Enabled(), tt.enabled)
			}
			_, span := tr.Tracer("t").Start(context.Background(), "x")
			span.End()
			app.RequireStop()
			if tt.decor && len(rec.Ended()) != 1 {
				t.Errorf("recorder got %d spans", len(rec.Ended()))
			}
		})
	}
}
