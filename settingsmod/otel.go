package settingsmod

import (
	"errors"
	"fmt"
	"net/textproto"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Values of the OTEL_* settings.
const (
	// TracesExporterOTLP, TracesExporterConsole and TracesExporterNone are
	// the values of OTEL_TRACES_EXPORTER.
	TracesExporterOTLP    = "otlp"
	TracesExporterConsole = "console"
	TracesExporterNone    = "none"
	// OTLPProtocolHTTP and OTLPProtocolGRPC are the values of
	// OTEL_EXPORTER_OTLP_PROTOCOL.
	OTLPProtocolHTTP = "http/protobuf"
	OTLPProtocolGRPC = "grpc"
)

// Samplers are the values of OTEL_TRACES_SAMPLER.
var samplers = []string{
	"always_on", "always_off", "traceidratio",
	"parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio",
}

var (
	tracesExporters = []string{TracesExporterOTLP, TracesExporterConsole, TracesExporterNone}
	otlpProtocols   = []string{OTLPProtocolHTTP, OTLPProtocolGRPC}
)

// forbiddenTraceHeaders are request headers that carry credentials: they
// are never recorded on a span, whatever
// OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS lists.
var forbiddenTraceHeaders = []string{
	"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Internal-Token", "X-Api-Key",
}

// TracingSettings are the OTEL_* settings, parsed and defaulted (see
// [Settings.Tracing]).
type TracingSettings struct {
	// Enabled is false when OTEL_SDK_DISABLED=true, OTEL_TRACES_EXPORTER=none,
	// or when neither OTEL_TRACES_EXPORTER nor an OTLP endpoint is set.
	Enabled bool
	// Exporter is "otlp" or "console" when Enabled.
	Exporter string
	// Protocol is "http/protobuf" or "grpc".
	Protocol string
	// Endpoint is the URL spans are sent to: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
	// as it is, or OTEL_EXPORTER_OTLP_ENDPOINT with "/v1/traces" appended
	// (http/protobuf) or as it is (grpc); "" leaves the exporter's default
	// (localhost:4318 or localhost:4317).
	Endpoint string
	// Headers are sent with every export (OTEL_EXPORTER_OTLP_HEADERS). They
	// usually hold credentials: never log them.
	Headers map[string]string
	// Sampler is an OTEL_TRACES_SAMPLER name; SamplerArg its ratio (1 when
	// OTEL_TRACES_SAMPLER_ARG is unset).
	Sampler    string
	SamplerArg float64
	// ServiceName is OTEL_SERVICE_NAME, else PROJECT_NAME.
	ServiceName string
	// ServiceVersion is SERVICE_VERSION; Environment is ENVIRONMENT
	// (deployment.environment.name).
	ServiceVersion string
	Environment    string
	// ResourceAttributes are the OTEL_RESOURCE_ATTRIBUTES pairs in order.
	ResourceAttributes [][2]string
	// RequestHeaders are the canonical names of the request headers recorded
	// on server spans (OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS).
	RequestHeaders []string
	// StatementText allows the SQL text on database spans: ENVIRONMENT=local
	// only.
	StatementText bool
}

// Tracing returns the tracing settings. The settings were validated when
// they were loaded, so the parse errors that checkOTel reports cannot
// happen here; a hand-built Settings with bad values gets them as an error.
func (s *Settings) Tracing() (TracingSettings, error) {
	t := TracingSettings{
		Protocol:       cmpOr(s.OtelExporterOTLPProtocol, OTLPProtocolHTTP),
		Sampler:        cmpOr(s.OtelTracesSampler, "parentbased_traceidratio"),
		SamplerArg:     1,
		ServiceName:    cmpOr(strings.TrimSpace(s.OtelServiceName), s.ProjectName),
		ServiceVersion: s.ServiceVersion,
		Environment:    s.Environment,
		RequestHeaders: canonicalHeaders(s.OtelHTTPServerRequestHeaders),
		StatementText:  s.IsLocal(),
	}
	var errs []error
	if s.OtelTracesSamplerArg != "" {
		f, err := parseSamplerArg(s.OtelTracesSamplerArg)
		if err != nil {
			errs = append(errs, fmt.Errorf("OTEL_TRACES_SAMPLER_ARG %w", err))
		}
		t.SamplerArg = f
	}
	h, err := parseKeyValues(s.OtelExporterOTLPHeaders.Value())
	if err != nil {
		errs = append(errs, fmt.Errorf("OTEL_EXPORTER_OTLP_HEADERS %w", err))
	}
	if len(h) > 0 {
		t.Headers = make(map[string]string, len(h))
		for _, kv := range h {
			t.Headers[kv[0]] = kv[1]
		}
	}
	if t.ResourceAttributes, err = parseKeyValues(s.OtelResourceAttributes); err != nil {
		errs = append(errs, fmt.Errorf("OTEL_RESOURCE_ATTRIBUTES %w", err))
	}
	switch {
	case s.OtelExporterOTLPTracesEndpoint != "":
		t.Endpoint = s.OtelExporterOTLPTracesEndpoint
	case s.OtelExporterOTLPEndpoint != "" && t.Protocol == OTLPProtocolHTTP:
		t.Endpoint = strings.TrimSuffix(s.OtelExporterOTLPEndpoint, "/") + "/v1/traces"
	default:
		t.Endpoint = s.OtelExporterOTLPEndpoint
	}
	t.Exporter = s.OtelTracesExporter
	if t.Exporter == "" && (s.OtelExporterOTLPEndpoint != "" || s.OtelExporterOTLPTracesEndpoint != "") {
		t.Exporter = TracesExporterOTLP
	}
	t.Enabled = !s.OtelSDKDisabled && t.Exporter != "" && t.Exporter != TracesExporterNone
	if !t.Enabled {
		t.Exporter = TracesExporterNone
	}
	return t, errors.Join(errs...)
}

func cmpOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// canonicalHeaders returns the canonical forms of names, without
// duplicates and without the credential headers.
func canonicalHeaders(names []string) []string {
	var out []string
	for _, n := range names {
		c := textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(n))
		if c != "" && !slices.Contains(forbiddenTraceHeaders, c) && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// parseSamplerArg parses a sampling ratio in [0, 1].
func parseSamplerArg(raw string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil || f < 0 || f > 1 {
		return 0, errors.New("must be a number between 0 and 1")
	}
	return f, nil
}

// parseKeyValues parses the W3C-Baggage-like list of the OTEL_* key-value
// settings: "key1=value1,key2=value2", values percent-encoded. Its errors
// name the position of the bad entry, never its content (headers hold
// credentials).
func parseKeyValues(raw string) ([][2]string, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	var out [][2]string
	for i, item := range strings.Split(raw, ",") {
		k, v, ok := strings.Cut(item, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" || strings.ContainsAny(k, " \t\"") {
			return nil, fmt.Errorf("entry %d is not key=value (a comma-separated list of key=value, values percent-encoded)", i+1)
		}
		val, err := url.PathUnescape(strings.TrimSpace(v))
		if err != nil {
			return nil, fmt.Errorf("entry %d has a value that is not percent-encoded", i+1)
		}
		out = append(out, [2]string{k, val})
	}
	return out, nil
}
