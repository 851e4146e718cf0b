package m8fx

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/m8fx/kit/settingsmod"
)

func TestEventLoggerBuffersUntilAttached(t *testing.T) {
	var stderr bytes.Buffer
	l := &eventLogger{stderr: &stderr}
	l.LogEvent(&fxevent.Provided{ConstructorName: "a", OutputTypeNames: []string{"A"}})
	l.LogEvent(&fxevent.Provided{ConstructorName: "b", OutputTypeNames: []string{"B"}})

	core, logs := observer.New(zapcore.DebugLevel)
	l.attach(zap.New(core))
	if logs.Len() != 2 {
		t.Fatalf("replayed %d events, want 2", logs.Len())
	}
	l.LogEvent(&fxevent.Invoked{FunctionName: "f", Err: errors.New("boom")})
	if logs.Len() != 3 || logs.All()[2].Level != zapcore.ErrorLevel {
		t.Fatalf("event after attach not forwarded at error level: %v", logs.All())
	}
	if stderr.Len() != 0 {
		t.Fatalf("stderr written although a logger was attached: %q", stderr.String())
	}
}

func TestEventLoggerBootErrorBeforeAttach(t *testing.T) {
	boot := errors.New("invalid settings (1 problem)")
	tests := []struct {
		name  string
		quiet bool
		want  string
	}{
		{"reported once", false, "m8fx: cannot build the app: invalid settings (1 problem)\n"},
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

// TestPlainFxRunReportsBadSettings: with fx.New(...) (not m8fx.Run), bad
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
		strings.Count(out, "m8fx:") != 1 || strings.Contains(out, "could not build arguments") {
		t.Fatalf("stderr = %q", out)
	}
}
