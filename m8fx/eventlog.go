package m8fx

import (
	"fmt"
	"io"
	"os"
	"sync"

	"go.uber.org/dig"
	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"
	"go.uber.org/zap"
)

// maxBufferedEvents bounds the fx events kept until the zap logger exists.
const maxBufferedEvents = 512

// eventLogger is fx's event logger for m8fx apps. fx needs it before the
// graph is built, but the zap logger depends on the settings, which may be
// invalid. So events are buffered until the logger is attached (then replayed
// at debug level and forwarded from there on). If the app fails before that,
// the first error is written to stderr as one line with its root cause, so
// that `fx.New(...).Run()` still tells what is wrong; m8fx.Run prints its own
// line and silences this one.
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
	target := newZapEventLogger(log)
	l.mu.Lock()
	defer l.mu.Unlock()
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
		_, _ = fmt.Fprintf(l.stderr, "m8fx: cannot build the app: %v\n", dig.RootCause(err))
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
