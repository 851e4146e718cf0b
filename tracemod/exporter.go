package tracemod

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/m8fx/kit/settingsmod"
)

// newExporter builds the exporter of the settings. The OTLP/HTTP exporter
// gets an HTTP client of its own (returned, so that its idle connections
// are closed at shutdown); the SDK still reads the OTEL_EXPORTER_OTLP_*
// variables that the settings do not cover (timeout, compression,
// certificates) from the process environment.
func newExporter(cfg Config) (sdktrace.SpanExporter, *http.Client, error) {
	s := cfg.Settings
	switch s.Exporter {
	case settingsmod.TracesExporterConsole:
		w := cfg.Console
		if w == nil {
			w = os.Stdout
		}
		e, err := stdouttrace.New(stdouttrace.WithWriter(w))
		if err != nil {
			return nil, nil, fmt.Errorf("tracemod: console exporter: %w", err)
		}
		return e, nil, nil
	case settingsmod.TracesExporterOTLP:
	default:
		return nil, nil, fmt.Errorf("tracemod: unknown exporter %q", s.Exporter)
	}
	if s.Protocol == settingsmod.OTLPProtocolGRPC {
		opts := []otlptracegrpc.Option{}
		if s.Endpoint != "" {
			opts = append(opts, otlptracegrpc.WithEndpointURL(s.Endpoint))
		}
		if len(s.Headers) > 0 {
			opts = append(opts, otlptracegrpc.WithHeaders(s.Headers))
		}
		// The gRPC client connects lazily: New never dials.
		e, err := otlptracegrpc.New(context.Background(), opts...)
		if err != nil {
			return nil, nil, fmt.Errorf("tracemod: OTLP/gRPC exporter: %w", err)
		}
		return e, nil, nil
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.MaxIdleConnsPerHost = 2
	client := &http.Client{Transport: base}
	opts := []otlptracehttp.Option{otlptracehttp.WithHTTPClient(client)}
	if s.Endpoint != "" {
		opts = append(opts, otlptracehttp.WithEndpointURL(s.Endpoint))
		if u, err := url.Parse(s.Endpoint); err == nil && u.Scheme == "http" {
			opts = append(opts, otlptracehttp.WithInsecure())
		}
	}
	if len(s.Headers) > 0 {
		opts = append(opts, otlptracehttp.WithHeaders(s.Headers))
	}
	e, err := otlptracehttp.New(context.Background(), opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("tracemod: OTLP/HTTP exporter: %w", err)
	}
	return e, client, nil
}
