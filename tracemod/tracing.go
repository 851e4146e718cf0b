package tracemod

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
	"go.uber.org/zap"

	"github.com/m8fx/kit/settingsmod"
)

// Tracing is an app's tracer provider and propagator. A nil *Tracing is
// valid and off, like the one [New] returns when the settings turn tracing
// off. Its methods are safe for concurrent use.
type Tracing struct {
	provider   trace.TracerProvider
	sdk        *sdktrace.TracerProvider // nil when off
	propagator propagation.TextMapPropagator
	client     *http.Client // the OTLP/HTTP exporter's, nil otherwise
	log        *zap.Logger
	timeout    time.Duration
	settings   Config
}

// New builds the Tracing of cfg. With tracing off it returns a no-op
// Tracing (no exporter, no goroutine). Building an exporter never connects:
// an unreachable collector shows up as logged export failures, not here.
func New(cfg Config) (*Tracing, error) {
	log := cfg.Logger
	if log == nil {
		log = zap.NewNop()
	}
	t := &Tracing{
		provider:   noop.NewTracerProvider(),
		propagator: propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
		log:        log.Named("tracing"),
		timeout:    cfg.ShutdownTimeout,
		settings:   cfg,
	}
	if t.timeout <= 0 {
		t.timeout = DefaultShutdownTimeout
	}
	if !cfg.enabled() {
		return t, nil
	}
	sampler, err := newSampler(cfg.Settings.Sampler, cfg.Settings.SamplerArg)
	if err != nil {
		return nil, err
	}
	opts := []sdktrace.TracerProviderOption{
		sdktrace.WithSampler(sampler),
		sdktrace.WithResource(newResource(cfg.Settings)),
	}
	exporter := cfg.SpanExporter
	if exporter == nil && cfg.Settings.Enabled {
		if exporter, t.client, err = newExporter(cfg); err != nil {
			return nil, err
		}
	}
	if exporter != nil {
		interval := cfg.ErrorInterval
		if interval <= 0 {
			interval = DefaultErrorInterval
		}
		opts = append(opts, sdktrace.WithBatcher(newQuietExporter(exporter, t.log, interval)))
	}
	for _, p := range cfg.SpanProcessors {
		opts = append(opts, sdktrace.WithSpanProcessor(p))
	}
	t.sdk = sdktrace.NewTracerProvider(opts...)
	t.provider = t.sdk
	return t, nil
}

// Enabled reports whether spans are recorded and exported. Instrumentation
// installs nothing when it is false.
func (t *Tracing) Enabled() bool { return t != nil && t.sdk != nil }

// TracerProvider returns the provider: the SDK's when on, a no-op one when
// off.
func (t *Tracing) TracerProvider() trace.TracerProvider {
	if t == nil {
		return noop.NewTracerProvider()
	}
	return t.provider
}

// Tracer returns the provider's tracer of the instrumentation scope name.
func (t *Tracing) Tracer(name string) trace.Tracer {
	return t.TracerProvider().Tracer(name)
}

// Propagator returns the W3C Trace Context and Baggage propagator.
func (t *Tracing) Propagator() propagation.TextMapPropagator {
	if t == nil {
		return propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
	}
	return t.propagator
}

// Settings returns the tracing settings t was built with (the zero value
// for a nil Tracing): the instrumentation reads the captured request headers
// and whether SQL text may go on spans there.
func (t *Tracing) Settings() settingsmod.TracingSettings {
	if t == nil {
		return settingsmod.TracingSettings{}
	}
	return t.settings.Settings
}

// Describe returns the fields of the "tracing" start line: never the
// export headers.
func (t *Tracing) Describe() []zap.Field {
	if !t.Enabled() {
		return []zap.Field{zap.Bool("enabled", false)}
	}
	s := t.settings.Settings
	fields := []zap.Field{zap.Bool("enabled", true), zap.String("sampler", s.Sampler), zap.Float64("sampler_arg", s.SamplerArg),
		zap.String("service", s.ServiceName)}
	if t.settings.SpanExporter == nil && s.Enabled {
		fields = append(fields, zap.String("exporter", s.Exporter))
		if s.Exporter == "otlp" {
			fields = append(fields, zap.String("protocol", s.Protocol), zap.String("endpoint", s.Endpoint))
		}
	}
	return fields
}

// ForceFlush exports the spans ended so far (no-op when off).
func (t *Tracing) ForceFlush(ctx context.Context) error {
	if !t.Enabled() {
		return nil
	}
	if err := t.sdk.ForceFlush(ctx); err != nil {
		return fmt.Errorf("tracemod: flush: %w", err)
	}
	return nil
}

// Shutdown flushes the spans and stops the provider, within
// [Config.ShutdownTimeout] and never more than half of what is left of
// ctx, so the hooks after it keep their time. Spans still unexported then
// are dropped, with a warning; the error is returned only for a caller
// that wants it (the module's stop hook logs it and goes on). Shutdown is
// idempotent.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if !t.Enabled() {
		return nil
	}
	budget := t.timeout
	if deadline, ok := ctx.Deadline(); ok {
		budget = min(budget, time.Until(deadline)/2)
	}
	sctx, cancel := context.WithTimeout(ctx, max(budget, 0))
	defer cancel()
	err := t.sdk.Shutdown(sctx)
	if t.client != nil {
		t.client.CloseIdleConnections()
	}
	if err != nil {
		return fmt.Errorf("tracemod: shutdown within %v: %w", budget, err)
	}
	return nil
}
