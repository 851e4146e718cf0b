package phase_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"go.uber.org/fx"

	"github.com/m8fx/kit/phase"
)

// trace records hook runs as "name start" / "name stop".
type trace struct{ lines []string }

func (tr *trace) hook(name string, startErr error) fx.Hook {
	return fx.Hook{
		OnStart: func(context.Context) error { tr.lines = append(tr.lines, name+" start"); return startErr },
		OnStop:  func(context.Context) error { tr.lines = append(tr.lines, name+" stop"); return nil },
	}
}

func TestStartRunsPhasesInOrderAndStopReverses(t *testing.T) {
	tr := &trace{}
	h := phase.New()
	// Appended out of phase order: the phase decides, then append order.
	h.Append(phase.Ready, tr.hook("ready", nil))
	h.Append(phase.Serve, tr.hook("http", nil))
	h.Append(phase.Resources, tr.hook("db", nil))
	h.Append(phase.Auth, tr.hook("jwks", nil))
	h.Append(phase.Resources, tr.hook("broker", nil))
	if err := h.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := h.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := "db start,broker start,jwks start,http start,ready start,ready stop,http stop,jwks stop,broker stop,db stop"
	if got := strings.Join(tr.lines, ","); got != want {
		t.Fatalf("order %s, want %s", got, want)
	}
}

func TestStartFailureStopsWhatThisCallStarted(t *testing.T) {
	tr := &trace{}
	h := phase.New()
	boom := errors.New("boom")
	h.Append(phase.Resources, tr.hook("db", nil))
	h.Append(phase.Auth, tr.hook("jwks", boom))
	h.Append(phase.Serve, tr.hook("http", nil))
	err := h.Start(context.Background())
	if !errors.Is(err, boom) {
		t.Fatalf("Start = %v, want boom", err)
	}
	// The failed hook is not stopped (it did not start); db is; http never ran.
	if got := strings.Join(tr.lines, ","); got != "db start,jwks start,db stop" {
		t.Fatalf("order %s", got)
	}
	// Nothing is left to stop.
	tr.lines = nil
	if err := h.Stop(context.Background()); err != nil || len(tr.lines) != 0 {
		t.Fatalf("Stop after a failed start: %v, ran %v", err, tr.lines)
	}
}

func TestStartAndStopBySubsetOfPhases(t *testing.T) {
	tr := &trace{}
	h := phase.New()
	h.Append(phase.Resources, tr.hook("db", nil))
	h.Append(phase.Serve, tr.hook("http", nil))
	ctx := context.Background()
	if err := h.Start(ctx, phase.Resources, phase.Auth); err != nil {
		t.Fatal(err)
	}
	if err := h.Start(ctx, phase.Serve, phase.Ready); err != nil {
		t.Fatal(err)
	}
	if err := h.Stop(ctx, phase.Serve, phase.Ready); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tr.lines, ","); got != "db start,http start,http stop" {
		t.Fatalf("after the first stop: %s", got)
	}
	if err := h.Stop(ctx, phase.Resources, phase.Auth); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tr.lines, ","); got != "db start,http start,http stop,db stop" {
		t.Fatalf("order %s", got)
	}
}

func TestStopRunsEveryHookAndJoinsErrors(t *testing.T) {
	h := phase.New()
	var ran []string
	e1, e2 := errors.New("first"), errors.New("second")
	for _, x := range []struct {
		name string
		err  error
	}{{"a", e1}, {"b", nil}, {"c", e2}} {
		h.Append(phase.Resources, fx.StopHook(func() error { ran = append(ran, x.name); return x.err }))
	}
	if err := h.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	err := h.Stop(context.Background())
	if !errors.Is(err, e1) || !errors.Is(err, e2) {
		t.Fatalf("Stop = %v, want both errors", err)
	}
	if !slices.Equal(ran, []string{"c", "b", "a"}) {
		t.Fatalf("stop order %v", ran)
	}
}

func TestMisuseIsAnErrorNotAPanic(t *testing.T) {
	tests := []struct {
		name  string
		apply func(h *phase.Hooks)
		want  string
	}{
		{"unknown phase", func(h *phase.Hooks) { h.Append(phase.Phase(9), fx.Hook{}) }, "unknown phase(9)"},
		{"unknown phase through Lifecycle", func(h *phase.Hooks) { h.Lifecycle(phase.Phase(-1)).Append(fx.Hook{}) }, "unknown phase(-1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := phase.New()
			tt.apply(h)
			err := h.Start(context.Background())
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "phase_test.") {
				t.Fatalf("Start = %v, want an error naming %q and the caller", err, tt.want)
			}
		})
	}
	t.Run("append after the phase started", func(t *testing.T) {
		h := phase.New()
		ctx := context.Background()
		if err := h.Start(ctx, phase.Resources); err != nil {
			t.Fatal(err)
		}
		h.Append(phase.Resources, fx.StartHook(func() { t.Error("late hook ran") }))
		err := h.Stop(ctx)
		if err == nil || !strings.Contains(err.Error(), "after it started") {
			t.Fatalf("Stop = %v, want the late append reported", err)
		}
	})
}

func TestObserveReportsEveryRunWithItsCaller(t *testing.T) {
	h := phase.New()
	var events []phase.Event
	h.Observe(func(e phase.Event) { events = append(events, e) })
	boom := errors.New("boom")
	appendDB(h)
	h.Lifecycle(phase.Auth).Append(fx.StartHook(func() error { return boom }))
	_ = h.Start(context.Background())
	if len(events) != 3 {
		t.Fatalf("events %+v, want start db, failed start auth, stop db", events)
	}
	if e := events[0]; e.Phase != phase.Resources || e.Stage != phase.Starting || !strings.HasSuffix(e.Caller, "phase_test.appendDB") || e.Err != nil {
		t.Errorf("first event %+v", e)
	}
	if e := events[1]; e.Phase != phase.Auth || !errors.Is(e.Err, boom) || !strings.Contains(e.Caller, "TestObserveReportsEveryRunWithItsCaller") {
		t.Errorf("second event %+v", e)
	}
	if e := events[2]; e.Stage != phase.Stopping || e.Phase != phase.Resources {
		t.Errorf("third event %+v", e)
	}
}

func appendDB(h *phase.Hooks) {
	h.Append(phase.Resources, fx.StartStopHook(func() {}, func() {}))
}
