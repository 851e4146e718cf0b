package m8fx

import (
	"errors"
	"testing"

	"go.uber.org/fx/fxevent"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/m8fx/kit/settingsmod"
)

func TestNewLogger(t *testing.T) {
	tests := []struct {
		env, format, level string
		wantDebug          bool
		wantErr            bool
	}{
		{env: "local", level: "debug", wantDebug: true},
		{env: "production", level: "info"},
		{env: "production", format: "console", level: "warn"},
		{env: "local", level: "loud", wantErr: true},
	}
	for _, tt := range tests {
		s := &settingsmod.Settings{Environment: tt.env, LogFormat: tt.format, LogLevel: tt.level, ProjectName: "svc"}
		l, err := NewLogger(s)
		if tt.wantErr {
			if err == nil {
				t.Errorf("%+v: want error", tt)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%+v: %v", tt, err)
		}
		if got := l.Core().Enabled(zapcore.DebugLevel); got != tt.wantDebug {
			t.Errorf("%+v: debug enabled = %v", tt, got)
		}
	}
}

// TestEventLoggerLevels: fx's own events are debug; errors stay errors.
func TestEventLoggerLevels(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	l := newZapEventLogger(zap.New(core))
	l.LogEvent(&fxevent.Provided{ConstructorName: "ctor", OutputTypeNames: []string{"T"}})
	l.LogEvent(&fxevent.Invoked{FunctionName: "f", Err: errTest})
	all := logs.All()
	if len(all) != 2 {
		t.Fatalf("got %d entries", len(all))
	}
	if all[0].Level != zapcore.DebugLevel {
		t.Errorf("provided event at %s, want debug", all[0].Level)
	}
	if all[1].Level != zapcore.ErrorLevel {
		t.Errorf("invoke error at %s, want error", all[1].Level)
	}
}

var errTest = errors.New("invoke failed")
