package m8fx

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"go.uber.org/dig"
	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// maxBufferedEvents bounds the fx events kept until the zap logger exists.
const maxBufferedEvents = 512

// eventLogger is fx's event logger for m8fx apps. fx needs it before the
// graph is built, but the zap logger depends on the settings, which may be
// invalid. So events are buffered until the logger is attached (then replayed
// and forwarded from there on, see [NewFxEventLogger]). If the app fails
// before that, the first error is written to stderr as one line with its root
// cause, so that `fx.New(...).Run()` still tells what is wrong.
//
// Under m8fx.Run (quietBoot in the graph) nothing is printed before the
// logger is attached, and the error that ends a build, start or stop is
// logged at debug level like every other fx event: Run reports it itself, on
// one line, and a second copy in the logs would only repeat it.
type eventLogger struct {
	mu       sync.Mutex
	target   fxevent.Logger
	buffered []fxevent.Event
	stderr   io.Writer
	quiet    bool
	reported bool
}

// quietBoot, when in the graph, stops eventLogger from printing boot errors
// (m8fx.Run reports them itself).
type quietBoot struct{}

type eventLoggerParams struct {
	fx.In

	Holder *eventLogger
	Quiet  *quietBoot `optional:"true"`
}

func newEventLoggerHolder() *eventLogger { return &eventLogger{stderr: os.Stderr} }

func provideEventLogger(p eventLoggerParams) fxevent.Logger {
	p.Holder.mu.Lock()
	p.Holder.quiet = p.Quiet != nil
	p.Holder.mu.Unlock()
	return p.Holder
}

// attach sends the buffered events and all later ones to log.
func (l *eventLogger) attach(log *zap.Logger) {
	l.mu.Lock()
	defer l.mu.Unlock()
	errLevel := zapcore.ErrorLevel
	if l.quiet {
		errLevel = zapcore.DebugLevel
	}
	target := newFxEventLogger(log, errLevel)
	for _, e := range l.buffered {
		target.LogEvent(e)
	}
	l.buffered = nil
	l.target = target
}

// LogEvent implements fxevent.Logger.
func (l *eventLogger) LogEvent(e fxevent.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.target != nil {
		l.target.LogEvent(e)
		return
	}
	if len(l.buffered) < maxBufferedEvents {
		l.buffered = append(l.buffered, e)
	}
	if err := eventError(e); err != nil && !l.quiet && !l.reported {
		l.reported = true
		_, _ = fmt.Fprintf(l.stderr, "m8fx: cannot build the app: %s\n", oneLine(dig.RootCause(err)))
	}
}

// eventError is the error carried by the fx events that end a boot.
func eventError(e fxevent.Event) error {
	switch ev := e.(type) {
	case *fxevent.Provided:
		return ev.Err
	case *fxevent.Decorated:
		return ev.Err
	case *fxevent.Invoked:
		return ev.Err
	case *fxevent.Started:
		return ev.Err
	case *fxevent.LoggerInitialized:
		return ev.Err
	}
	return nil
}

// NewFxEventLogger returns an fx event logger (for fx.WithLogger) that writes
// fx's own events to log, named "fx", as one line each and without the stack
// traces fx attaches to them: every event at debug level, except the error
// that ends the app's build, start or stop (a failed provide, decorate,
// replace, supply or invoke, a failed start, rollback or stop), at error
// level. An error that is then reported again by a later event (a failed
// constructor or OnStart/OnStop hook, the start error that triggers a
// rollback) stays at debug level, so one failure makes one error line.
//
// m8fx.Module installs such a logger itself (see [Module]); this is for apps
// that build their fx options differently, such as test helpers.
func NewFxEventLogger(log *zap.Logger) fxevent.Logger {
	return newFxEventLogger(log, zapcore.ErrorLevel)
}

func newFxEventLogger(log *zap.Logger, errLevel zapcore.Level) fxevent.Logger {
	return &fxZapLogger{log: log.Named("fx").WithOptions(zap.WithCaller(false)), errLevel: errLevel}
}

// fxZapLogger is [NewFxEventLogger]'s logger. Messages and field names are
// those of fx's own fxevent.ZapLogger, without "stacktrace", "moduletrace"
// and "stack".
type fxZapLogger struct {
	log      *zap.Logger
	errLevel zapcore.Level
}

func (l *fxZapLogger) debug(msg string, fields ...zap.Field) { l.log.Debug(msg, fields...) }

// failed logs the error that ends a build, start or stop.
func (l *fxZapLogger) failed(msg string, err error, fields ...zap.Field) {
	l.log.Log(l.errLevel, msg, append(fields, errorField(err))...)
}

// errorField is the "error" field without zap's "errorVerbose" (dig's
// errors print multi-line with %+v).
func errorField(err error) zap.Field { return zap.Error(plainError{err}) }

func moduleField(name string) zap.Field {
	if name == "" {
		return zap.Skip()
	}
	return zap.String("module", name)
}

// LogEvent implements fxevent.Logger.
func (l *fxZapLogger) LogEvent(event fxevent.Event) {
	switch e := event.(type) {
	case *fxevent.OnStartExecuting:
		l.debug("OnStart hook executing", zap.String("callee", e.FunctionName), zap.String("caller", e.CallerName))
	case *fxevent.OnStartExecuted:
		if e.Err != nil {
			// Started (or RollingBack) reports it.
			l.debug("OnStart hook failed", zap.String("callee", e.FunctionName), zap.String("caller", e.CallerName), errorField(e.Err))
			return
		}
		l.debug("OnStart hook executed", zap.String("callee", e.FunctionName), zap.String("caller", e.CallerName),
			zap.String("runtime", e.Runtime.String()))
	case *fxevent.OnStopExecuting:
		l.debug("OnStop hook executing", zap.String("callee", e.FunctionName), zap.String("caller", e.CallerName))
	case *fxevent.OnStopExecuted:
		if e.Err != nil {
			// Stopped (or RolledBack) reports it.
			l.debug("OnStop hook failed", zap.String("callee", e.FunctionName), zap.String("caller", e.CallerName), errorField(e.Err))
			return
		}
		l.debug("OnStop hook executed", zap.String("callee", e.FunctionName), zap.String("caller", e.CallerName),
			zap.String("runtime", e.Runtime.String()))
	case *fxevent.Supplied:
		if e.Err != nil {
			l.failed("error encountered while applying options", e.Err, zap.String("type", e.TypeName), moduleField(e.ModuleName))
			return
		}
		l.debug("supplied", zap.String("type", e.TypeName), moduleField(e.ModuleName))
	case *fxevent.Provided:
		for _, t := range e.OutputTypeNames {
			l.debug("provided", zap.String("constructor", e.ConstructorName), moduleField(e.ModuleName),
				zap.String("type", t), maybeBool("private", e.Private))
		}
		if e.Err != nil {
			l.failed("error encountered while applying options", e.Err, zap.String("constructor", e.ConstructorName), moduleField(e.ModuleName))
		}
	case *fxevent.Replaced:
		for _, t := range e.OutputTypeNames {
			l.debug("replaced", moduleField(e.ModuleName), zap.String("type", t))
		}
		if e.Err != nil {
			l.failed("error encountered while replacing", e.Err, moduleField(e.ModuleName))
		}
	case *fxevent.Decorated:
		for _, t := range e.OutputTypeNames {
			l.debug("decorated", zap.String("decorator", e.DecoratorName), moduleField(e.ModuleName), zap.String("type", t))
		}
		if e.Err != nil {
			l.failed("error encountered while applying options", e.Err, zap.String("decorator", e.DecoratorName), moduleField(e.ModuleName))
		}
	case *fxevent.BeforeRun:
		l.debug("before run", zap.String("name", e.Name), zap.String("kind", e.Kind), moduleField(e.ModuleName))
	case *fxevent.Run:
		if e.Err != nil {
			// The invoke that needed the value fails with it (Invoked).
			l.debug("error returned", zap.String("name", e.Name), zap.String("kind", e.Kind), moduleField(e.ModuleName), errorField(e.Err))
			return
		}
		l.debug("run", zap.String("name", e.Name), zap.String("kind", e.Kind), zap.String("runtime", e.Runtime.String()),
			moduleField(e.ModuleName))
	case *fxevent.Invoking:
		l.debug("invoking", zap.String("function", e.FunctionName), moduleField(e.ModuleName))
	case *fxevent.Invoked:
		if e.Err != nil {
			l.failed("invoke failed", e.Err, zap.String("function", e.FunctionName), moduleField(e.ModuleName))
		}
	case *fxevent.Stopping:
		l.debug("received signal", zap.String("signal", strings.ToUpper(e.Signal.String())))
	case *fxevent.Stopped:
		if e.Err != nil {
			l.failed("stop failed", e.Err)
		}
	case *fxevent.RollingBack:
		// Started reports the start error once the rollback is done.
		l.debug("start failed, rolling back", errorField(e.StartErr))
	case *fxevent.RolledBack:
		if e.Err != nil {
			l.failed("rollback failed", e.Err)
		}
	case *fxevent.Started:
		if e.Err != nil {
			l.failed("start failed", e.Err)
			return
		}
		l.debug("started")
	case *fxevent.LoggerInitialized:
		if e.Err != nil {
			l.failed("custom logger initialization failed", e.Err)
			return
		}
		l.debug("initialized custom fxevent.Logger", zap.String("function", e.ConstructorName))
	}
}

func maybeBool(name string, b bool) zap.Field {
	if !b {
		return zap.Skip()
	}
	return zap.Bool(name, b)
}
