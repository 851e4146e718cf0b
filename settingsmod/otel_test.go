package settingsmod

import (
	"reflect"
	"testing"
)

func TestTracing(t *testing.T) {
	tests := []struct {
		name string
		set  map[string]string
		want TracingSettings
	}{
		{name: "nothing set: off", set: nil,
			want: TracingSettings{Exporter: "none", Protocol: "http/protobuf"}},
		{name: "endpoint only: otlp over http", set: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/"},
			want: TracingSettings{Enabled: true, Exporter: "otlp", Protocol: "http/protobuf", Endpoint: "http://collector:4318/v1/traces"}},
		{name: "traces endpoint as it is", set: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://a:4318", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://b:4318/custom"},
			want: TracingSettings{Enabled: true, Exporter: "otlp", Protocol: "http/protobuf", Endpoint: "http://b:4318/custom"}},
		{name: "grpc endpoint as it is", set: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
			want: TracingSettings{Enabled: true, Exporter: "otlp", Protocol: "grpc", Endpoint: "http://collector:4317"}},
		{name: "exporter without endpoint", set: map[string]string{"OTEL_TRACES_EXPORTER": "console"},
			want: TracingSettings{Enabled: true, Exporter: "console", Protocol: "http/protobuf"}},
		{name: "none wins over an endpoint", set: map[string]string{"OTEL_TRACES_EXPORTER": "none", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"},
			want: TracingSettings{Exporter: "none", Protocol: "http/protobuf", Endpoint: "http://c:4318/v1/traces"}},
		{name: "SDK disabled", set: map[string]string{"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "otlp"},
			want: TracingSettings{Exporter: "none", Protocol: "http/protobuf"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustLoad(t, withEnv(tt.set))
			got, err := s.Tracing()
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Sampler, tt.want.SamplerArg = "parentbased_traceidratio", 1
			tt.want.ServiceName, tt.want.ServiceVersion, tt.want.Environment = s.ProjectName, s.ServiceVersion, s.Environment
			tt.want.StatementText = s.IsLocal()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Tracing() =\n%+v, want\n%+v", got, tt.want)
			}
		})
	}
}

func TestTracingValues(t *testing.T) {
	s := mustLoad(t, withEnv(map[string]string{
		"OTEL_TRACES_EXPORTER":                                     "otlp",
		"OTEL_SERVICE_NAME":                                        "items",
		"OTEL_TRACES_SAMPLER":                                      "traceidratio",
		"OTEL_TRACES_SAMPLER_ARG":                                  "0.5",
		"OTEL_EXPORTER_OTLP_HEADERS":                               "api-key=abc%3D%3D, x-tenant = t1",
		"OTEL_RESOURCE_ATTRIBUTES":                                 "team=items,region=eu%2Dwest",
		"OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS": "x-tenant,X-Tenant, user-agent",
	}))
	got, err := s.Tracing()
	if err != nil {
		t.Fatal(err)
	}
	if got.ServiceName != "items" || got.Sampler != "traceidratio" || got.SamplerArg != 0.5 {
		t.Errorf("service/sampler: %+v", got)
	}
	if want := map[string]string{"api-key": "abc==", "x-tenant": "t1"}; !reflect.DeepEqual(got.Headers, want) {
		t.Errorf("Headers = %v, want %v", got.Headers, want)
	}
	if want := [][2]string{{"team", "items"}, {"region", "eu-west"}}; !reflect.DeepEqual(got.ResourceAttributes, want) {
		t.Errorf("ResourceAttributes = %v, want %v", got.ResourceAttributes, want)
	}
	if want := []string{"X-Tenant", "User-Agent"}; !reflect.DeepEqual(got.RequestHeaders, want) {
		t.Errorf("RequestHeaders = %v, want %v", got.RequestHeaders, want)
	}
}

// TestTracingHandBuilt: a Settings built without Load reports bad values as
// an error instead of using them.
func TestTracingHandBuilt(t *testing.T) {
	s := &Settings{OtelTracesSamplerArg: "x", OtelResourceAttributes: "novalue", OtelHTTPServerRequestHeaders: []string{"Authorization"}}
	got, err := s.Tracing()
	if err == nil {
		t.Fatal("no error for a bad sampler arg and resource attributes")
	}
	if len(got.RequestHeaders) != 0 {
		t.Errorf("Authorization kept in RequestHeaders: %v", got.RequestHeaders)
	}
}
