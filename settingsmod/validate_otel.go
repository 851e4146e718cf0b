package settingsmod

import (
	"net/textproto"
	"slices"
	"strings"
)

// checkOTel validates the OTEL_* settings; the checks run whether or not
// tracing ends up on, so that a typo is found before it matters.
func (ps *problems) checkOTel(s *Settings) {
	if s.OtelTracesExporter != "" {
		ps.oneOf("OTEL_TRACES_EXPORTER", s.OtelTracesExporter, tracesExporters)
	}
	ps.oneOf("OTEL_EXPORTER_OTLP_PROTOCOL", s.OtelExporterOTLPProtocol, otlpProtocols)
	ps.oneOf("OTEL_TRACES_SAMPLER", s.OtelTracesSampler, samplers)
	if s.OtelTracesSamplerArg != "" {
		if _, err := parseSamplerArg(s.OtelTracesSamplerArg); err != nil {
			ps.add("OTEL_TRACES_SAMPLER_ARG", "%v, got %q", err, s.OtelTracesSamplerArg)
		}
	}
	for _, env := range []struct{ name, value string }{
		{"OTEL_EXPORTER_OTLP_ENDPOINT", s.OtelExporterOTLPEndpoint},
		{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", s.OtelExporterOTLPTracesEndpoint},
	} {
		if env.value != "" {
			ps.otlpEndpoint(env.name, env.value)
		}
	}
	if _, err := parseKeyValues(s.OtelExporterOTLPHeaders.Value()); err != nil {
		ps.add("OTEL_EXPORTER_OTLP_HEADERS", "%v", err) // never the value: it holds credentials
	}
	if _, err := parseKeyValues(s.OtelResourceAttributes); err != nil {
		ps.add("OTEL_RESOURCE_ATTRIBUTES", "%v", err)
	}
	for _, h := range s.OtelHTTPServerRequestHeaders {
		c := textproto.CanonicalMIMEHeaderKey(h)
		if slices.Contains(forbiddenTraceHeaders, c) {
			ps.add("OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS", "must not list %s: it carries credentials, which never go on a span", c)
		} else if !validHeaderName(h) {
			ps.add("OTEL_INSTRUMENTATION_HTTP_SERVER_CAPTURE_REQUEST_HEADERS", "must be a comma-separated list of header names, got %q", h)
		}
	}
}

// otlpEndpoint records a problem when raw is not an http(s) URL without
// user info, query or fragment.
func (ps *problems) otlpEndpoint(env, raw string) {
	u, err := parseHTTPURL(raw)
	switch {
	case err != nil:
		ps.add(env, "%v", err)
	case u.User != nil:
		ps.add(env, "must not contain user info (put credentials in OTEL_EXPORTER_OTLP_HEADERS)")
	case u.RawQuery != "" || u.Fragment != "":
		ps.add(env, "must not have a query or a fragment")
	}
}

// validHeaderName reports whether h is an HTTP token.
func validHeaderName(h string) bool {
	if h == "" {
		return false
	}
	return !strings.ContainsFunc(h, func(r rune) bool {
		return r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r)
	})
}
