package tracemod

import (
	"bytes"
	"strings"
	"testing"

	"github.com/m8fx/kit/settingsmod"
)

func TestNewExporter(t *testing.T) {
	tests := []struct {
		name       string
		s          settingsmod.TracingSettings
		wantClient bool
		wantErr    string
	}{
		{name: "otlp http", s: settingsmod.TracingSettings{Exporter: "otlp", Protocol: "http/protobuf", Endpoint: "http://127.0.0.1:1/v1/traces", Headers: map[string]string{"api-key": "k"}}, wantClient: true},
		{name: "otlp http default endpoint", s: settingsmod.TracingSettings{Exporter: "otlp", Protocol: "http/protobuf"}, wantClient: true},
		{name: "otlp grpc", s: settingsmod.TracingSettings{Exporter: "otlp", Protocol: "grpc", Endpoint: "http://127.0.0.1:1"}},
		{name: "console", s: settingsmod.TracingSettings{Exporter: "console"}},
		{name: "unknown", s: settingsmod.TracingSettings{Exporter: "zipkin"}, wantErr: "unknown exporter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, client, err := newExporter(Config{Settings: tt.s, Console: &bytes.Buffer{}})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (client != nil) != tt.wantClient {
				t.Errorf("own HTTP client %v, want %v", client != nil, tt.wantClient)
			}
			if err := e.Shutdown(t.Context()); err != nil {
				t.Errorf("shutdown: %v", err)
			}
		})
	}
}
