package settingsmod

import (
	"strings"
	"testing"
)

func TestOTelRules(t *testing.T) {
	runRuleCases(t, []ruleCase{
		{name: "exporter enum", set: map[string]string{"OTEL_TRACES_EXPORTER": "jaeger"}, env: "OTEL_TRACES_EXPORTER", msg: `otlp, console, none, got "jaeger"`},
		{name: "exporter otlp", set: map[string]string{"OTEL_TRACES_EXPORTER": "otlp"}},
		{name: "exporter none", set: map[string]string{"OTEL_TRACES_EXPORTER": "none"}},
		{name: "protocol enum", set: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"}, env: "OTEL_EXPORTER_OTLP_PROTOCOL", msg: "http/protobuf, grpc"},
		{name: "protocol grpc", set: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}},
		{name: "sampler enum", set: map[string]string{"OTEL_TRACES_SAMPLER": "sometimes"}, env: "OTEL_TRACES_SAMPLER", msg: "parentbased_traceidratio"},
		{name: "sampler always_off", set: map[string]string{"OTEL_TRACES_SAMPLER": "always_off"}},
		{name: "sampler arg not a number", set: map[string]string{"OTEL_TRACES_SAMPLER_ARG": "half"}, env: "OTEL_TRACES_SAMPLER_ARG", msg: `between 0 and 1, got "half"`},
		{name: "sampler arg above 1", set: map[string]string{"OTEL_TRACES_SAMPLER_ARG": "1.5"}, env: "OTEL_TRACES_SAMPLER_ARG", msg: "between 0 and 1"},
		{name: "sampler arg negative", set: map[string]string{"OTEL_TRACES_SAMPLER_ARG": "-0.1"}, env: "OTEL_TRACES_SAMPLER_ARG", msg: "between 0 and 1"},
		{name: "sampler arg 0.25", set: map[string]string{"OTEL_TRACES_SAMPLER_ARG": "0.25"}},
		{name: "endpoint scheme", set: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "localhost:4318"}, env: "OTEL_EXPORTER_OTLP_ENDPOINT", msg: "http://"},
		{name: "endpoint user info", set: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://u:p@collector:4318"}, env: "OTEL_EXPORTER_OTLP_ENDPOINT", msg: "user info"},
		{name: "traces endpoint query", set: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces?x=1"}, env: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", msg: "query"},
		{name: "endpoint ok", set: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"}},
		{name: "headers malformed", set: map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "api-key=s3cr3t,oops"}, env: "OTEL_EXPORTER_OTLP_HEADERS", msg: "entry 2 is not key=value"},
		{name: "headers bad escape", set: map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "api-key=%zz"}, env: "OTEL_EXPORTER_OTLP_HEADERS", msg: "percent-encoded"},
		{name: "headers ok", set: map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "api-key=s3cr3t,x-tenant=a%20b"}},
		{name: "resource attributes malformed", set: map[string]string{"OTEL_RESOURCE_ATTRIBUTES": "=x"}, env: "OTEL_RESOURCE_ATTRIBUTES", msg: "entry 1"},
		{name: "resource attributes ok", set: map[string]string{"OTEL_RESOURCE_ATTRIBUTES": "team=items,k8s.namespace.name=prod"}},
		{name: "captured header Authorization", set: map[string]string{"OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS": "x-tenant,authorization"},
			env: "OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS", msg: "must not list Authorization"},
		{name: "captured header X-API-Key", set: map[string]string{"OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS": "X-API-Key"},
			env: "OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS", msg: "must not list X-Api-Key"},
		{name: "captured header Cookie", set: map[string]string{"OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS": "cookie"},
			env: "OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS", msg: "must not list Cookie"},
		{name: "captured header X-Internal-Token", set: map[string]string{"OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS": "x-internal-token"},
			env: "OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS", msg: "must not list X-Internal-Token"},
		{name: "captured header not a token", set: map[string]string{"OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS": "x tenant"},
			env: "OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS", msg: "header names"},
		{name: "captured headers ok", set: map[string]string{"OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS": "X-Tenant, user-agent"}},
	})
}

// TestOTelProblemsInOneError: every bad OTEL_* value is a problem of the one
// boot error, and the headers' value (credentials) is never shown.
func TestOTelProblemsInOneError(t *testing.T) {
	_, err := Load(MapSource(withEnv(map[string]string{
		"OTEL_TRACES_EXPORTER":        "zipkin",
		"OTEL_EXPORTER_OTLP_PROTOCOL": "udp",
		"OTEL_TRACES_SAMPLER_ARG":     "2",
		"OTEL_EXPORTER_OTLP_HEADERS":  "authorization-s3cr3t",
		"OTEL_EXPORTER_OTLP_ENDPOINT": "ftp://collector",
	})))
	ps := problemsOf(t, err)
	for _, env := range []string{"OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_TRACES_SAMPLER_ARG", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_ENDPOINT"} {
		if !findProblem(ps, env, "") {
			t.Errorf("no problem for %s in %v", env, err)
		}
	}
	if strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("the error shows the headers' value: %v", err)
	}
}
