package phase

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"go.uber.org/fx"
)

// Stage tells whether an [Event] reports a start or a stop.
type Stage int

const (
	// Starting is the run of a hook's OnStart.
	Starting Stage = iota
	// Stopping is the run of a hook's OnStop.
	Stopping
)

// String is "start" or "stop".
func (s Stage) String() string {
	if s == Stopping {
		return "stop"
	}
	return "start"
}

// Event reports one run of a hook.
type Event struct {
	Phase Phase
	Stage Stage
	// Caller is the function that appended the hook
	// ("github.com/m8fx/kit/dbmod.newModuleDB").
	Caller string
	// Duration is how long the hook ran.
	Duration time.Duration
	// Err is what the hook returned.
	Err error
}

type hook struct {
	phase  Phase
	caller string
	fx.Hook
}

// Hooks is one app's phased hooks. The zero value is not usable; call [New].
// Its methods are safe for concurrent use.
type Hooks struct {
	mu       sync.Mutex
	byPhase  [numPhases][]*hook
	started  []*hook // in start order
	running  [numPhases]bool
	observer []func(Event)
	misuse   []error // appends that cannot run, reported by Start and Stop
}

// New returns an empty set of hooks.
func New() *Hooks { return &Hooks{} }

// Append adds hk to phase p, after the hooks appended to p so far. Append
// from constructors, as with fx.Lifecycle: a hook appended to a phase that
// already started, or to an unknown phase, never runs, and the next Start or
// Stop returns an error naming the function that appended it.
func (h *Hooks) Append(p Phase, hk fx.Hook) {
	h.append(p, hk, callerName(2))
}

func (h *Hooks) append(p Phase, hk fx.Hook, caller string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !p.valid() {
		h.misuse = append(h.misuse, fmt.Errorf("phase: %s appended a hook to unknown %v", shortName(caller), p))
		return
	}
	if h.running[p] {
		h.misuse = append(h.misuse, fmt.Errorf("phase: %s appended a hook to the %v phase after it started; it never runs", shortName(caller), p))
		return
	}
	h.byPhase[p] = append(h.byPhase[p], &hook{phase: p, caller: caller, Hook: hk})
}

// Lifecycle returns an fx.Lifecycle whose Append adds to phase p, as
// [Hooks.Append] does. [In] gives it to a whole module.
func (h *Hooks) Lifecycle(p Phase) fx.Lifecycle {
	return phaseLifecycle{hooks: h, phase: p}
}

// Observe calls fn after every hook run, from the goroutine that runs the
// hooks.
func (h *Hooks) Observe(fn func(Event)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.observer = append(h.observer, fn)
}

// Start runs the OnStart hooks of the given phases (every phase when none is
// given), phase by phase in the order given and, within a phase, in append
// order. When a hook fails, the hooks that this call started are stopped in
// reverse order and the hook's error is returned as it is (the [Event]
// names the phase and the caller).
func (h *Hooks) Start(ctx context.Context, phases ...Phase) error {
	if len(phases) == 0 {
		phases = All()
	}
	if err := h.takeMisuse(); err != nil {
		return err
	}
	mark := h.startedCount()
	for _, p := range phases {
		if !p.valid() {
			return fmt.Errorf("phase: start of unknown %v", p)
		}
		h.mu.Lock()
		h.running[p] = true
		list := append([]*hook(nil), h.byPhase[p]...)
		h.mu.Unlock()
		for _, hk := range list {
			if hk.OnStart != nil {
				begin := time.Now()
				err := hk.OnStart(ctx)
				h.notify(Event{Phase: p, Stage: Starting, Caller: hk.caller, Duration: time.Since(begin), Err: err})
				if err != nil {
					return errors.Join(err, h.stopFrom(ctx, mark))
				}
			}
			h.mu.Lock()
			h.started = append(h.started, hk)
			h.mu.Unlock()
		}
	}
	return nil
}

// Stop runs the OnStop hooks of the started hooks of the given phases (every
// phase when none is given) in the reverse of their start order. Every hook
// runs even when an earlier one fails; the errors are joined.
func (h *Hooks) Stop(ctx context.Context, phases ...Phase) error {
	if len(phases) == 0 {
		phases = All()
	}
	var in [numPhases]bool
	for _, p := range phases {
		if p.valid() {
			in[p] = true
		}
	}
	h.mu.Lock()
	var todo []*hook
	kept := h.started[:0:0]
	for _, hk := range h.started {
		if in[hk.phase] {
			todo = append(todo, hk)
		} else {
			kept = append(kept, hk)
		}
	}
	h.started = kept
	for _, p := range phases {
		if p.valid() {
			h.running[p] = false
		}
	}
	h.mu.Unlock()
	return errors.Join(h.stopList(ctx, todo), h.takeMisuse())
}

func (h *Hooks) takeMisuse() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	err := errors.Join(h.misuse...)
	h.misuse = nil
	return err
}

func (h *Hooks) startedCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.started)
}

// stopFrom stops the hooks started after the first mark ones.
func (h *Hooks) stopFrom(ctx context.Context, mark int) error {
	h.mu.Lock()
	todo := append([]*hook(nil), h.started[mark:]...)
	h.started = h.started[:mark]
	h.mu.Unlock()
	return h.stopList(ctx, todo)
}

func (h *Hooks) stopList(ctx context.Context, todo []*hook) error {
	var errs []error
	for i := len(todo) - 1; i >= 0; i-- {
		hk := todo[i]
		if hk.OnStop == nil {
			continue
		}
		begin := time.Now()
		err := hk.OnStop(ctx)
		h.notify(Event{Phase: hk.phase, Stage: Stopping, Caller: hk.caller, Duration: time.Since(begin), Err: err})
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (h *Hooks) notify(e Event) {
	h.mu.Lock()
	obs := append([]func(Event){}, h.observer...)
	h.mu.Unlock()
	for _, fn := range obs {
		fn(e)
	}
}

// Install appends to lc one fx hook that starts the given phases in order
// and stops them in reverse. The m8fx bundle installs Resources and Auth when
// it builds the Hooks, and Serve and Ready once the HTTP server and the
// startup validators exist.
func (h *Hooks) Install(lc fx.Lifecycle, phases ...Phase) {
	ps := append([]Phase(nil), phases...)
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) error { return h.Start(ctx, ps...) },
		OnStop:  func(ctx context.Context) error { return h.Stop(ctx, ps...) },
	})
}

type phaseLifecycle struct {
	hooks *Hooks
	phase Phase
}

func (l phaseLifecycle) Append(hk fx.Hook) { l.hooks.append(l.phase, hk, callerName(2)) }

// callerName is the function skip frames above callerName's caller; frames
// of fx and dig (an fx.Lifecycle reached through fx's own wrappers) are
// passed over.
func callerName(skip int) string {
	pcs := make([]uintptr, 8)
	n := runtime.Callers(skip+1, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	first := ""
	for {
		f, more := frames.Next()
		if first == "" {
			first = f.Function
		}
		if !strings.HasPrefix(f.Function, "go.uber.org/") {
			return f.Function
		}
		if !more {
			return first
		}
	}
}

// shortName drops the import path of a function name:
// "github.com/m8fx/kit/dbmod.newModuleDB" is "dbmod.newModuleDB".
func shortName(fn string) string {
	if i := strings.LastIndex(fn, "/"); i >= 0 {
		return fn[i+1:]
	}
	return fn
}
