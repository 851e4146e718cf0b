package fxtest_helpers_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"go.uber.org/fx"

	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/phase"
)

var errListen = errors.New("address in use")

// The hooks' callers are these functions, so that Order names them.
func appendPool(h *phase.Hooks) {
	h.Append(phase.Resources, fx.StartStopHook(func() {}, func() {}))
}

func appendListen(h *phase.Hooks, err error) {
	h.Append(phase.Serve, fx.StartStopHook(func() error { return err }, func() {}))
}

func appendReady(h *phase.Hooks) { h.Append(phase.Ready, fx.StartHook(func() {})) }

// recorded attaches two recorders to h through an fx app, as a test app
// does with the option.
func recorded(t *testing.T, h *phase.Hooks) (*fxtest_helpers.HookRecorder, *fxtest_helpers.HookRecorder) {
	t.Helper()
	rec, opt := fxtest_helpers.RecordHooks()
	other, otherOpt := fxtest_helpers.RecordHooks()
	if err := fx.New(fx.NopLogger, fx.Supply(h), opt, otherOpt).Err(); err != nil {
		t.Fatal(err)
	}
	return rec, other
}

func TestHookRecorderOrder(t *testing.T) {
	h := phase.New()
	appendReady(h) // phases order the runs, not the appends
	appendListen(h, nil)
	appendPool(h)
	rec, other := recorded(t, h)
	if len(rec.Events()) != 0 {
		t.Fatalf("events before start: %v", rec.Events())
	}
	if err := h.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := h.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		stage phase.Stage
		want  string
	}{
		{phase.Starting, "resources:fxtest_helpers_test.appendPool,serve:fxtest_helpers_test.appendListen,ready:fxtest_helpers_test.appendReady"},
		{phase.Stopping, "serve:fxtest_helpers_test.appendListen,resources:fxtest_helpers_test.appendPool"}, // the ready hook has no OnStop
	}
	for _, tt := range tests {
		for name, r := range map[string]*fxtest_helpers.HookRecorder{"rec": rec, "other": other} {
			if got := strings.Join(r.Order(tt.stage), ","); got != tt.want {
				t.Errorf("%s: Order(%s) = %s, want %s", name, tt.stage, got, tt.want)
			}
		}
	}

	events := rec.Events()
	if len(events) != 5 || events[0].Caller != "github.com/m8fx/kit/fxtest_helpers_test.appendPool" {
		t.Fatalf("Events() = %+v, want 5 runs with full caller names", events)
	}
	events[0].Caller = "changed"
	if rec.Events()[0].Caller == "changed" {
		t.Error("Events() returned the recorder's own slice")
	}
}

// TestHookRecorderKeepsAFailedStart: a failing hook is recorded with its
// error, then the rollback of the hooks started before it.
func TestHookRecorderKeepsAFailedStart(t *testing.T) {
	h := phase.New()
	appendPool(h)
	appendListen(h, errListen)
	appendReady(h)
	rec, _ := recorded(t, h)
	if err := h.Start(context.Background()); !errors.Is(err, errListen) {
		t.Fatalf("Start() = %v", err)
	}
	if got := strings.Join(rec.Order(phase.Starting), ","); got != "resources:fxtest_helpers_test.appendPool,serve:fxtest_helpers_test.appendListen" {
		t.Errorf("start runs %s", got)
	}
	if got := strings.Join(rec.Order(phase.Stopping), ","); got != "resources:fxtest_helpers_test.appendPool" {
		t.Errorf("stop runs %s, want the rollback of the pool", got)
	}
	var errs []error
	for _, e := range rec.Events() {
		errs = append(errs, e.Err)
	}
	if len(errs) != 3 || errs[0] != nil || !errors.Is(errs[1], errListen) || errs[2] != nil {
		t.Fatalf("recorded errors %v, want only the listen hook's", errs)
	}
}
