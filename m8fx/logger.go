package m8fx

import (
	"fmt"
	"os"
	"reflect"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/m8fx/kit/settingsmod"
)

// LoggerConfig is what [NewLogger] writes and how.
type LoggerConfig struct {
	// Level is a zap level name: debug, info, warn, error (LOG_LEVEL).
	Level string
	// Console writes human-readable lines instead of JSON (LOG_FORMAT, or
	// ENVIRONMENT=local when LOG_FORMAT is unset).
	Console bool
	// Service and Environment are on every entry (PROJECT_NAME,
	// ENVIRONMENT).
	Service, Environment string
}

// LoggerConfigFromSettings reads LOG_LEVEL, LOG_FORMAT, PROJECT_NAME and
// ENVIRONMENT.
func LoggerConfigFromSettings(s *settingsmod.Settings) LoggerConfig {
	return LoggerConfig{
		Level:       s.LogLevel,
		Console:     s.EffectiveLogFormat() == "console",
		Service:     s.ProjectName,
		Environment: s.Environment,
	}
}

// NewLogger builds the service logger: JSON or console lines at cfg.Level,
// written to stderr. Every entry carries the service name and environment.
//
// An entry is one line. The logger adds no stack traces, at any level: the
// only stack in the logs is the "stack" field of the recovery middleware's
// panic line. Error fields are written as their message (the chain of
// wrapped messages); the "errorVerbose" field zap adds for errors that
// format themselves with %+v (where github.com/pkg/errors and dig put
// stacks and multi-line dumps) is left out.
func NewLogger(cfg LoggerConfig) (*zap.Logger, error) {
	return newLogger(cfg, zapcore.Lock(os.Stderr))
}

// newModuleLogger is the module's logger, from the settings.
func newModuleLogger(s *settingsmod.Settings) (*zap.Logger, error) {
	return NewLogger(LoggerConfigFromSettings(s))
}

// newLogger is NewLogger writing to out.
func newLogger(c LoggerConfig, out zapcore.WriteSyncer) (*zap.Logger, error) {
	level, err := zapcore.ParseLevel(c.Level)
	if err != nil {
		return nil, fmt.Errorf("m8fx: LOG_LEVEL: %w", err)
	}
	var enc zapcore.Encoder
	if c.Console {
		cfg := zap.NewDevelopmentEncoderConfig()
		cfg.EncodeLevel = zapcore.CapitalLevelEncoder
		enc = zapcore.NewConsoleEncoder(cfg)
	} else {
		cfg := zap.NewProductionEncoderConfig()
		cfg.EncodeTime = zapcore.ISO8601TimeEncoder
		enc = zapcore.NewJSONEncoder(cfg)
	}
	return newServiceLogger(zapcore.NewCore(enc, out, level), c), nil
}

// newServiceLogger is NewLogger's logger on core: the options and fields
// every service logger has, whatever it writes to (tests observe it).
func newServiceLogger(core zapcore.Core, c LoggerConfig) *zap.Logger {
	return zap.New(plainErrorCore{core}, zap.AddCaller()).With(
		zap.String("service", c.Service),
		zap.String("environment", c.Environment),
	)
}

// plainErrorCore writes error fields as their message only: see [plainError].
type plainErrorCore struct{ zapcore.Core }

func (c plainErrorCore) With(fields []zapcore.Field) zapcore.Core {
	return plainErrorCore{c.Core.With(plainErrorFields(fields))}
}

func (c plainErrorCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(e.Level) {
		return ce.AddCore(e, c)
	}
	return ce
}

func (c plainErrorCore) Write(e zapcore.Entry, fields []zapcore.Field) error {
	return c.Core.Write(e, plainErrorFields(fields))
}

// plainErrorFields replaces the error of each error field by a [plainError];
// fields is copied only when it holds one.
func plainErrorFields(fields []zapcore.Field) []zapcore.Field {
	var out []zapcore.Field
	for i, f := range fields {
		err, ok := f.Interface.(error)
		if f.Type != zapcore.ErrorType || !ok {
			continue
		}
		if _, done := err.(plainError); done {
			continue
		}
		if out == nil {
			out = append(make([]zapcore.Field, 0, len(fields)), fields...)
		}
		out[i].Interface = plainError{err}
	}
	if out == nil {
		return fields
	}
	return out
}

// plainError hides everything of an error but its message from zap's
// encoder: it is no fmt.Formatter (no "errorVerbose" field, where %+v puts
// stack traces) and has no Errors method (no "errorCauses" array: the
// message already holds every cause).
type plainError struct{ err error }

func (e plainError) Error() (msg string) {
	defer func() {
		if r := recover(); r != nil {
			// zap writes a nil pointer error as "<nil>"; any other panic
			// goes on to zap's encoder, which reports it in the entry.
			if v := reflect.ValueOf(e.err); v.Kind() == reflect.Pointer && v.IsNil() {
				msg = "<nil>"
				return
			}
			panic(r)
		}
	}()
	return e.err.Error()
}
