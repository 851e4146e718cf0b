package m8fx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/m8fx/kit/settingsmod"
)

func TestEventLoggerBuffersUntilAttached(t *testing.T) {
	tests := []struct {
		name      string
		quiet     bool
		wantLevel zapcore.Level // of the failed invoke
	}{
		{"fx.New", false, zapcore.ErrorLevel},
		{"m8fx.Run", true, zapcore.DebugLevel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			l := &eventLogger{stderr: &stderr, quiet: tt.quiet}
			l.LogEvent(&fxevent.Provided{ConstructorName: "a", OutputTypeNames: []string{"A"}})
			l.LogEvent(&fxevent.Provided{ConstructorName: "b", OutputTypeNames: []string{"B"}})

			core, logs := observer.New(zapcore.DebugLevel)
			l.attach(zap.New(core))
			if logs.Len() != 2 {
				t.Fatalf("replayed %d events, want 2", logs.Len())
			}
			l.LogEvent(&fxevent.Invoked{FunctionName: "f", Err: errors.New("boom")})
			if logs.Len() != 3 || logs.All()[2].Level != tt.wantLevel {
				t.Fatalf("event after attach not forwarded at %s: %v", tt.wantLevel, logs.All())
			}
			if stderr.Len() != 0 {
				t.Fatalf("stderr written although a logger was attached: %q", stderr.String())
			}
		})
	}
}

func TestEventLoggerBootErrorBeforeAttach(t *testing.T) {
	boot := errors.New("invalid settings (2 problems):\n  - A: bad\n  - B: worse")
	tests := []struct {
		name  string
		quiet bool
		want  string
	}{
		{"reported once, on one line", false, "m8fx: cannot build the app: invalid settings (2 problems): A: bad; B: worse\n"},
		{"quiet under m8fx.Run", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			l := &eventLogger{stderr: &stderr, quiet: tt.quiet}
			l.LogEvent(&fxevent.Provided{ConstructorName: "settings", Err: boot})
			l.LogEvent(&fxevent.Invoked{FunctionName: "f", Err: boot})
			l.LogEvent(&fxevent.Started{Err: boot})
			if stderr.String() != tt.want {
				t.Fatalf("stderr = %q, want %q", stderr.String(), tt.want)
			}
		})
	}
}

// TestPlainFxBadSettingsOneLine: with fx.New(...) (not m8fx.Run), bad
// settings still produce one clear line instead of fx's dump.
func TestPlainFxBadSettingsOneLine(t *testing.T) {
	env := validEnv()
	env["API_PREFIX"] = "api/"
	var stderr bytes.Buffer
	app := fx.New(Module, fx.Replace(settingsmod.MapSource(env)),
		fx.Decorate(func(l *eventLogger) *eventLogger { l.stderr = &stderr; return l }))
	if app.Err() == nil {
		t.Fatal("bad settings accepted")
	}
	out := stderr.String()
	if !strings.HasPrefix(out, "m8fx: cannot build the app: invalid settings") || !strings.Contains(out, "API_PREFIX") ||
		strings.Count(out, "\n") != 1 || strings.Contains(out, "could not build arguments") {
		t.Fatalf("stderr = %q", out)
	}
}

// TestFxEventLogger: each fx event is one entry without fx's traces; every
// event is debug except the error that ends a build, start or stop, which is
// at the error level asked for (error for NewFxEventLogger, debug under
// m8fx.Run, which reports it itself).
func TestFxEventLogger(t *testing.T) {
	boom := errors.New("boom")
	trace := []string{"main.main\n\t/src/main.go:10", "runtime.main\n\t/go/proc.go:1"}
	tests := []struct {
		name     string
		event    fxevent.Event
		msgs     []string // the entries' messages, in order
		terminal bool     // logged at the error level asked for
	}{
		{"provided", &fxevent.Provided{ConstructorName: "c", OutputTypeNames: []string{"A", "B"}, StackTrace: trace, ModuleTrace: trace, ModuleName: "m"},
			[]string{"provided", "provided"}, false},
		{"provide failed", &fxevent.Provided{ConstructorName: "c", StackTrace: trace, Err: boom},
			[]string{"error encountered while applying options"}, true},
		{"supplied", &fxevent.Supplied{TypeName: "T", StackTrace: trace}, []string{"supplied"}, false},
		{"supply failed", &fxevent.Supplied{TypeName: "T", StackTrace: trace, Err: boom},
			[]string{"error encountered while applying options"}, true},
		{"decorated", &fxevent.Decorated{DecoratorName: "d", OutputTypeNames: []string{"A"}, StackTrace: trace}, []string{"decorated"}, false},
		{"decorate failed", &fxevent.Decorated{DecoratorName: "d", StackTrace: trace, Err: boom},
			[]string{"error encountered while applying options"}, true},
		{"replaced", &fxevent.Replaced{OutputTypeNames: []string{"A"}, StackTrace: trace}, []string{"replaced"}, false},
		{"replace failed", &fxevent.Replaced{StackTrace: trace, Err: boom}, []string{"error encountered while replacing"}, true},
		{"before run", &fxevent.BeforeRun{Name: "c", Kind: "provide"}, []string{"before run"}, false},
		{"run", &fxevent.Run{Name: "c", Kind: "provide", Runtime: time.Millisecond}, []string{"run"}, false},
		{"constructor failed", &fxevent.Run{Name: "c", Kind: "provide", Err: boom}, []string{"error returned"}, false},
		{"invoking", &fxevent.Invoking{FunctionName: "f"}, []string{"invoking"}, false},
		{"invoked", &fxevent.Invoked{FunctionName: "f", Trace: "main.main\n\t/src/main.go:10"}, nil, false},
		{"invoke failed", &fxevent.Invoked{FunctionName: "f", Trace: "main.main\n\t/src/main.go:10", Err: boom},
			[]string{"invoke failed"}, true},
		{"hook executing", &fxevent.OnStartExecuting{FunctionName: "h", CallerName: "c"}, []string{"OnStart hook executing"}, false},
		{"hook executed", &fxevent.OnStartExecuted{FunctionName: "h", CallerName: "c"}, []string{"OnStart hook executed"}, false},
		{"hook failed", &fxevent.OnStartExecuted{FunctionName: "h", CallerName: "c", Err: boom}, []string{"OnStart hook failed"}, false},
		{"stop hook executing", &fxevent.OnStopExecuting{FunctionName: "h", CallerName: "c"}, []string{"OnStop hook executing"}, false},
		{"stop hook executed", &fxevent.OnStopExecuted{FunctionName: "h", CallerName: "c"}, []string{"OnStop hook executed"}, false},
		{"stop hook failed", &fxevent.OnStopExecuted{FunctionName: "h", CallerName: "c", Err: boom}, []string{"OnStop hook failed"}, false},
		{"rolling back", &fxevent.RollingBack{StartErr: boom}, []string{"start failed, rolling back"}, false},
		{"rolled back", &fxevent.RolledBack{}, nil, false},
		{"rollback failed", &fxevent.RolledBack{Err: boom}, []string{"rollback failed"}, true},
		{"started", &fxevent.Started{}, []string{"started"}, false},
		{"start failed", &fxevent.Started{Err: boom}, []string{"start failed"}, true},
		{"signal", &fxevent.Stopping{Signal: os.Interrupt}, []string{"received signal"}, false},
		{"stopped", &fxevent.Stopped{}, nil, false},
		{"stop failed", &fxevent.Stopped{Err: boom}, []string{"stop failed"}, true},
		{"logger", &fxevent.LoggerInitialized{ConstructorName: "l"}, []string{"initialized custom fxevent.Logger"}, false},
		{"logger failed", &fxevent.LoggerInitialized{Err: boom}, []string{"custom logger initialization failed"}, true},
	}
	for _, errLevel := range []zapcore.Level{zapcore.ErrorLevel, zapcore.DebugLevel} {
		for _, tt := range tests {
			t.Run(errLevel.String()+"/"+tt.name, func(t *testing.T) {
				core, logs := observer.New(zapcore.DebugLevel)
				newFxEventLogger(zap.New(core, zap.AddCaller()), errLevel).LogEvent(tt.event)
				var msgs []string
				for _, e := range logs.All() {
					msgs = append(msgs, e.Message)
					want := zapcore.DebugLevel
					if tt.terminal {
						want = errLevel
					}
					if e.Level != want {
						t.Errorf("%q at %s, want %s", e.Message, e.Level, want)
					}
					if e.LoggerName != "fx" || e.Caller.Defined || e.Stack != "" {
						t.Errorf("%q: logger %q, caller %v, stack %q", e.Message, e.LoggerName, e.Caller, e.Stack)
					}
					for _, f := range e.Context {
						switch f.Key {
						case "stacktrace", "moduletrace", "stack":
							t.Errorf("%q has fx's %s field", e.Message, f.Key)
						case "error":
							if _, verbose := f.Interface.(fmt.Formatter); verbose {
								t.Errorf("%q: error field formats itself (zap would add errorVerbose)", e.Message)
							}
						}
					}
				}
				if strings.Join(msgs, "|") != strings.Join(tt.msgs, "|") {
					t.Errorf("messages %q, want %q", msgs, tt.msgs)
				}
			})
		}
	}
}

// TestNewFxEventLoggerErrorLevel: the exported logger puts the ending error at
// error level, one entry, with the error's message.
func TestNewFxEventLoggerErrorLevel(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	l := NewFxEventLogger(zap.New(core))
	l.LogEvent(&fxevent.OnStartExecuted{FunctionName: "h", Err: errTest})
	l.LogEvent(&fxevent.RollingBack{StartErr: errTest})
	l.LogEvent(&fxevent.Started{Err: errTest})
	errs := logs.FilterLevelExact(zapcore.ErrorLevel).All()
	if len(errs) != 1 || errs[0].Message != "start failed" || errs[0].ContextMap()["error"] != errTest.Error() {
		t.Fatalf("error entries %v, want one start failed", errs)
	}
}

var errTest = errors.New("invoke failed")

// TestPlainFxStartFailureOneErrorEntry: with fx.New(...) (not m8fx.Run), a
// failed start is one ERROR entry of fx's, without a stack; under m8fx.Run
// (quietBoot) none: Run prints the error itself.
func TestPlainFxStartFailureOneErrorEntry(t *testing.T) {
	tests := []struct {
		name  string
		quiet bool
		want  int
	}{
		{"fx.New", false, 1},
		{"m8fx.Run", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			core, logs := observer.New(zapcore.DebugLevel)
			opts := []fx.Option{Module, fx.Replace(settingsmod.MapSource(validEnv())),
				fx.Decorate(func() *zap.Logger { return zap.New(core) }),
				AsStartupValidator(func(context.Context) error { return errors.New("schema missing") })}
			if tt.quiet {
				opts = append(opts, fx.Supply(&quietBoot{}))
			}
			app := fx.New(opts...)
			if err := app.Err(); err != nil {
				t.Fatal(err)
			}
			if err := app.Start(context.Background()); err == nil {
				t.Fatal("started")
			}
			fxErrors := logs.FilterLoggerName("fx").FilterLevelExact(zapcore.ErrorLevel).All()
			if len(fxErrors) != tt.want {
				t.Fatalf("%d fx ERROR entries, want %d: %v", len(fxErrors), tt.want, fxErrors)
			}
			for _, e := range logs.All() {
				if e.Level >= zapcore.ErrorLevel && e.LoggerName != "fx" {
					t.Errorf("ERROR entry besides fx's: %q", e.Message)
				}
			}
			if tt.want == 1 && (fxErrors[0].Message != "start failed" ||
				!strings.Contains(fxErrors[0].ContextMap()["error"].(string), "schema missing")) {
				t.Errorf("entry %q %v", fxErrors[0].Message, fxErrors[0].ContextMap())
			}
			if logs.FilterMessage("OnStart hook failed").FilterLevelExact(zapcore.DebugLevel).Len() != 1 {
				t.Error("the failed hook is not logged at debug")
			}
		})
	}
}
