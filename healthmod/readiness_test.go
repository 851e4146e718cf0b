package healthmod

import (
	"sync"
	"testing"
)

func TestReadinessTransitions(t *testing.T) {
	tests := []struct {
		name  string
		steps []func(*Readiness)
		want  ReadyState
	}{
		{"new", nil, Starting},
		{"ready", []func(*Readiness){(*Readiness).MarkReady}, Ready},
		{"ready twice", []func(*Readiness){(*Readiness).MarkReady, (*Readiness).MarkReady}, Ready},
		{"ready then draining", []func(*Readiness){(*Readiness).MarkReady, (*Readiness).MarkDraining}, Draining},
		{"draining before ready", []func(*Readiness){(*Readiness).MarkDraining}, Draining},
		{"draining is final", []func(*Readiness){(*Readiness).MarkReady, (*Readiness).MarkDraining, (*Readiness).MarkReady}, Draining},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []*Readiness{NewReadiness(), new(Readiness)} {
				for _, step := range tt.steps {
					step(r)
				}
				if got := r.State(); got != tt.want {
					t.Errorf("State() = %v, want %v", got, tt.want)
				}
				if got := r.Ready(); got != (tt.want == Ready) {
					t.Errorf("Ready() = %v in state %v", got, tt.want)
				}
			}
		})
	}
}

func TestReadinessNilIsStarting(t *testing.T) {
	var r *Readiness
	r.MarkReady()
	r.MarkDraining()
	if r.State() != Starting || r.Ready() {
		t.Errorf("nil Readiness: State %v Ready %v", r.State(), r.Ready())
	}
}

func TestReadinessInstancesAreIndependent(t *testing.T) {
	a, b := NewReadiness(), NewReadiness()
	a.MarkReady()
	if b.State() != Starting {
		t.Errorf("b = %v after a.MarkReady", b.State())
	}
}

func TestReadinessConcurrent(t *testing.T) {
	r := NewReadiness()
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			r.MarkReady()
			_ = r.State()
			_ = r.Ready()
		})
	}
	wg.Wait()
	if !r.Ready() {
		t.Fatal("not ready")
	}
}

func TestReadyStateString(t *testing.T) {
	tests := []struct {
		in   ReadyState
		want string
	}{
		{Starting, "starting"},
		{Ready, "ready"},
		{Draining, "draining"},
		{ReadyState(7), "ReadyState(7)"},
		{ReadyState(-1), "ReadyState(-1)"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}
