// Package tracemod is the OpenTelemetry tracing of an m8fx app, built on the
// OpenTelemetry Go SDK and its contrib instrumentation.
//
// [New] builds a [*Tracing] from a [Config] (usually [ConfigFromSettings],
// the standard OTEL_* variables read by settingsmod): a tracer provider
// with a batch span processor, the exporter (OTLP over HTTP or gRPC, or the
// console), the sampler (parent-based ratio by default) and the W3C Trace
// Context and Baggage propagator. When tracing is off (no exporter and no
// endpoint set, OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED=true) the
// Tracing is a no-op: its provider is trace's no-op provider and
// [Tracing.Enabled] is false, which the kit's HTTP, database and auth
// instrumentation read to install nothing at all.
//
// The other packages receive the Tracing by injection (an optional fx
// dependency, nil meaning off); the package never sets otel's global tracer
// provider, propagator or error handler. Export failures are logged by the
// Tracing's own logger, at most once per [Config.ErrorInterval], and never
// reach a request.
//
// [Module] provides the Config and the Tracing in the phase.Auth phase: the
// provider exists before anything starts and is flushed and shut down at
// stop after the HTTP shutdown and before the database pool closes, within
// a share of the stop budget ([Config.ShutdownTimeout]).
package tracemod
