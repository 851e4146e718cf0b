package m8fx

import (
	"fmt"
	"os"

	"go.uber.org/fx/fxevent"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/m8fx/kit/settingsmod"
)

// NewLogger builds the service logger from the settings: JSON outside
// ENVIRONMENT=local and console in local (LOG_FORMAT overrides), at LOG_LEVEL,
// writing to stderr. Every entry carries the service name and environment.
func NewLogger(s *settingsmod.Settings) (*zap.Logger, error) {
	level, err := zapcore.ParseLevel(s.LogLevel)
	if err != nil {
		return nil, fmt.Errorf("m8fx: LOG_LEVEL: %w", err)
	}
	var enc zapcore.Encoder
	if s.EffectiveLogFormat() == "console" {
		cfg := zap.NewDevelopmentEncoderConfig()
		cfg.EncodeLevel = zapcore.CapitalLevelEncoder
		enc = zapcore.NewConsoleEncoder(cfg)
	} else {
		cfg := zap.NewProductionEncoderConfig()
		cfg.EncodeTime = zapcore.ISO8601TimeEncoder
		enc = zapcore.NewJSONEncoder(cfg)
	}
	core := zapcore.NewCore(enc, zapcore.Lock(os.Stderr), level)
	return zap.New(core, zap.AddCaller(), zap.AddStacktrace(zapcore.ErrorLevel)).With(
		zap.String("service", s.ProjectName),
		zap.String("environment", s.Environment),
	), nil
}

// newZapEventLogger sends fx's own events through zap at debug level; fx
// errors keep error level.
func newZapEventLogger(log *zap.Logger) fxevent.Logger {
	l := &fxevent.ZapLogger{Logger: log.Named("fx")}
	l.UseLogLevel(zapcore.DebugLevel)
	l.UseErrorLevel(zapcore.ErrorLevel)
	return l
}
