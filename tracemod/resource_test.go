package tracemod

import (
	"testing"

	"github.com/m8fx/kit/settingsmod"
)

func TestNewResource(t *testing.T) {
	r := newResource(settingsmod.TracingSettings{
		ServiceName: "items", ServiceVersion: "1.2.3", Environment: "staging",
		ResourceAttributes: [][2]string{{"team", "catalog"}, {"service.name", "overridden"}},
	})
	want := map[string]string{"service.name": "items", "service.version": "1.2.3", "deployment.environment.name": "staging", "team": "catalog", "telemetry.sdk.language": "go"}
	got := map[string]string{}
	for _, kv := range r.Attributes() {
		got[string(kv.Key)] = kv.Value.String()
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}
