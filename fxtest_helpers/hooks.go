package fxtest_helpers

import (
	"strings"
	"sync"

	"go.uber.org/fx"

	"github.com/m8fx/kit/phase"
)

// HookRecorder records every phased hook that an app runs (see package
// phase), in the order they ran, so that a test checks the lifecycle order
// against the hooks themselves.
type HookRecorder struct {
	mu     sync.Mutex
	events []phase.Event
}

// RecordHooks returns a recorder and the fx option that attaches it to the
// app's *phase.Hooks; give the option to [WithOptions] or to fx.New.
func RecordHooks() (*HookRecorder, fx.Option) {
	r := &HookRecorder{}
	return r, fx.Invoke(func(h *phase.Hooks) { h.Observe(r.record) })
}

func (r *HookRecorder) record(e phase.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

// Events returns the recorded runs, oldest first.
func (r *HookRecorder) Events() []phase.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]phase.Event(nil), r.events...)
}

// Order lists the runs of one stage as "phase:caller", the caller without its
// import path ("resources:dbmod.newModuleDB"), oldest first.
func (r *HookRecorder) Order(stage phase.Stage) []string {
	var out []string
	for _, e := range r.Events() {
		if e.Stage != stage {
			continue
		}
		caller := e.Caller
		if i := strings.LastIndex(caller, "/"); i >= 0 {
			caller = caller[i+1:]
		}
		out = append(out, e.Phase.String()+":"+caller)
	}
	return out
}
