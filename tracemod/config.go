package tracemod

import (
	"fmt"
	"io"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.uber.org/zap"

	"github.com/m8fx/kit/settingsmod"
)

// Defaults of the Config durations.
const (
	DefaultErrorInterval   = time.Minute
	DefaultShutdownTimeout = 5 * time.Second
)

// Config configures [New].
type Config struct {
	// Settings are the OTEL_* settings ([settingsmod.Settings.Tracing]).
	Settings settingsmod.TracingSettings
	// SpanExporter, when set, replaces the exporter of the settings and
	// turns tracing on (tests, custom exporters).
	SpanExporter sdktrace.SpanExporter
	// SpanProcessors are added to the provider and turn tracing on, e.g. an
	// in-memory recorder (fxtest_helpers.SpanRecorder). They are called
	// synchronously on the request path.
	SpanProcessors []sdktrace.SpanProcessor
	// Logger receives the start line and the export failures (nil: none).
	Logger *zap.Logger
	// ErrorInterval is the least time between two logged export failures
	// (0: [DefaultErrorInterval]); the failures in between are counted in
	// the next line.
	ErrorInterval time.Duration
	// ShutdownTimeout bounds the flush and shutdown at stop (0:
	// [DefaultShutdownTimeout]); it is cut to half of what is left of the
	// stop context.
	ShutdownTimeout time.Duration
	// Console is where the console exporter writes (nil: os.Stdout).
	Console io.Writer
}

// ConfigFromSettings returns the Config of s's OTEL_* settings. Logger,
// SpanExporter and SpanProcessors are left for the caller.
func ConfigFromSettings(s *settingsmod.Settings) (Config, error) {
	if s == nil {
		return Config{}, fmt.Errorf("tracemod: nil settings")
	}
	ts, err := s.Tracing()
	if err != nil {
		return Config{}, fmt.Errorf("tracemod: settings: %w", err)
	}
	return Config{Settings: ts}, nil
}

// enabled reports whether c turns tracing on.
func (c Config) enabled() bool {
	return c.Settings.Enabled || c.SpanExporter != nil || len(c.SpanProcessors) > 0
}
