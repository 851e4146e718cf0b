package healthmod

import (
	"strconv"
	"sync/atomic"
)

// ReadyState is the life-cycle phase that the health endpoints report.
type ReadyState int

const (
	// Starting: the app is booting (constructors, OnStart hooks, startup
	// validators); health answers "initializing" with 503.
	Starting ReadyState = iota
	// Ready: the app serves traffic; health runs the checks.
	Ready
	// Draining: the app is stopping; health answers "draining" with 503 so
	// that load balancers stop routing to it.
	Draining
)

// String returns "starting", "ready", "draining" or "ReadyState(n)".
func (s ReadyState) String() string {
	switch s {
	case Starting:
		return "starting"
	case Ready:
		return "ready"
	case Draining:
		return "draining"
	}
	return "ReadyState(" + strconv.Itoa(int(s)) + ")"
}

// Readiness is the ready flag of one application instance. The module
// provides one per fx app; the m8fx lifecycle marks it ready after the
// startup validators and draining when the app stops.
//
// It is safe for concurrent use and its zero value is usable (Starting).
// Draining is final: MarkReady after MarkDraining does nothing.
type Readiness struct {
	state atomic.Int32
}

// NewReadiness returns a Readiness in the Starting state.
func NewReadiness() *Readiness { return &Readiness{} }

// MarkReady moves Starting to Ready; it does nothing in any other state.
func (r *Readiness) MarkReady() {
	if r == nil {
		return
	}
	r.state.CompareAndSwap(int32(Starting), int32(Ready))
}

// MarkDraining moves any state to Draining.
func (r *Readiness) MarkDraining() {
	if r == nil {
		return
	}
	r.state.Store(int32(Draining))
}

// State returns the current state; a nil Readiness is Starting.
func (r *Readiness) State() ReadyState {
	if r == nil {
		return Starting
	}
	return ReadyState(r.state.Load())
}

// Ready reports whether the state is Ready.
func (r *Readiness) Ready() bool { return r.State() == Ready }
