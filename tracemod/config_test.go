package tracemod

import (
	"testing"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/m8fx/kit/settingsmod"
)

func TestConfigFromSettings(t *testing.T) {
	if _, err := ConfigFromSettings(nil); err == nil {
		t.Error("nil settings accepted")
	}
	if _, err := ConfigFromSettings(&settingsmod.Settings{OtelTracesSamplerArg: "x"}); err == nil {
		t.Error("a bad sampler arg in hand-built settings accepted")
	}
	cfg, err := ConfigFromSettings(&settingsmod.Settings{ProjectName: "svc", OtelExporterOTLPEndpoint: "http://127.0.0.1:4318"})
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Settings.Enabled || cfg.Settings.Endpoint != "http://127.0.0.1:4318/v1/traces" || cfg.Settings.ServiceName != "svc" {
		t.Errorf("config %+v", cfg.Settings)
	}
}

func TestConfigEnabled(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want bool
	}{
		{"zero", Config{}, false},
		{"settings", Config{Settings: settingsmod.TracingSettings{Enabled: true}}, true},
		{"exporter", Config{SpanExporter: tracetest.NewInMemoryExporter()}, true},
		{"processor", Config{SpanProcessors: []sdkProcessor{tracetest.NewSpanRecorder()}}, true},
	}
	for _, tt := range tests {
		if got := tt.cfg.enabled(); got != tt.want {
			t.Errorf("%s: enabled() = %v, want %v", tt.name, got, tt.want)
		}
	}
}
