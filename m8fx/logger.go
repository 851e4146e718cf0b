package m8fx

import (
	"fmt"
	"os"
	"reflect"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/m8fx/kit/settingsmod"
)

// NewLogger builds the service logger from the settings: JSON outside
// ENVIRONMENT=local and console in local (LOG_FORMAT overrides), at LOG_LEVEL,
// writing to stderr. Every entry carries the service name and environment.
//
// An entry is one line. The logger adds no stack traces, at any level: the
// only stack in the logs is the "stack" field of the recovery middleware's
// panic line. Error fields are written as their message (the chain of
// wrapped messages); the "errorVerbose" field zap adds for errors that
// format themselves with %+v (where github.com/pkg/errors and dig put
// stacks and multi-line dumps) is left out.
func NewLogger(s *settingsmod.Settings) (*zap.Logger, error) {
	return newLogger(s, zapcore.Lock(os.Stderr))
}

// newLogger is NewLogger writing to out.
func newLogger(s *settingsmod.Settings, out zapcore.WriteSyncer) (*zap.Logger, error) {
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
	return newServiceLogger(zapcore.NewCore(enc, out, level), s), nil
}

// newServiceLogger is NewLogger's logger on core: the options and fields
// every service logger has, whatever it writes to (tests observe it).
func newServiceLogger(core zapcore.Core, s *settingsmod.Settings) *zap.Logger {
	return zap.New(plainErrorCore{core}, zap.AddCaller()).With(
		zap.String("service", s.ProjectName),
		zap.String("environment", s.Environment),
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
