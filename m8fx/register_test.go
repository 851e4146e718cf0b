package m8fx_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"

	"go.uber.org/fx"

	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/m8fx"
	"github.com/m8fx/kit/phase"
)

// TestValidatorsRunInRegistrationOrder: fx value groups are shuffled, yet
// validators run exactly in the order they were registered. Several rounds
// make a shuffled implementation fail.
func TestValidatorsRunInRegistrationOrder(t *testing.T) {
	for round := 0; round < 5; round++ {
		var got []int
		var opts []fx.Option
		for i := 1; i <= 6; i++ {
			opts = append(opts, m8fx.AsStartupValidator(func(context.Context) error {
				got = append(got, i)
				return nil
			}))
		}
		fxtest_helpers.New(t, fxtest_helpers.WithOptions(opts...))
		if fmt.Sprint(got) != "[1 2 3 4 5 6]" {
			t.Fatalf("round %d: order %v", round, got)
		}
	}
}

// TestValidatorsInModulesRunAfterTheirParents: fx provides a module's values
// after its parent's, and validators follow that order.
func TestValidatorsInModulesRunAfterTheirParents(t *testing.T) {
	var got []string
	v := func(n string) fx.Option {
		return m8fx.AsStartupValidator(func(context.Context) error { got = append(got, n); return nil })
	}
	fxtest_helpers.New(t, fxtest_helpers.WithOptions(v("root1"), fx.Module("child", v("child1"), v("child2")), v("root2")))
	if fmt.Sprint(got) != "[root1 root2 child1 child2]" {
		t.Fatalf("order %v", got)
	}
}

// beforeReadyComponent stands for a kit component (a DB pool) whose
// constructor appends an OnStart hook.
type beforeReadyComponent struct{ started atomic.Bool }

func newBeforeReadyComponent(lc fx.Lifecycle) *beforeReadyComponent {
	c := &beforeReadyComponent{}
	lc.Append(fx.StartHook(func() { c.started.Store(true) }))
	return c
}

// TestValidatorsRunAfterStartHooksBeforeReady: when validators run, the HTTP
// server already listens and components of the Resources phase have started, and
// the ready flag has not flipped yet. Validators can take dependencies.
func TestValidatorsRunAfterStartHooksBeforeReady(t *testing.T) {
	var checked atomic.Bool
	validator := func(srv *httpmod.Server, ready *healthmod.Readiness, comp *beforeReadyComponent) m8fx.StartupValidator {
		return func(ctx context.Context) error {
			checked.Store(true)
			if ready.Ready() {
				return errors.New("ready flag set before validators ran")
			}
			if !comp.started.Load() {
				return errors.New("Resources component not started before validators")
			}
			conn, err := net.Dial("tcp", srv.Addr().String())
			if err != nil {
				return fmt.Errorf("HTTP server not listening yet: %w", err)
			}
			return conn.Close()
		}
	}
	var ready *healthmod.Readiness
	fxtest_helpers.New(t,
		fxtest_helpers.WithOptions(
			fx.Module("component", phase.In(phase.Resources), fx.Provide(newBeforeReadyComponent)),
			m8fx.AsStartupValidator(validator),
		),
		fxtest_helpers.Populate(&ready),
	)
	if !checked.Load() {
		t.Fatal("validator did not run")
	}
	if !ready.Ready() {
		t.Fatal("ready flag not set after start")
	}
}

func TestValidatorErrorAbortsStart(t *testing.T) {
	errSchema := errors.New("schema version 3 expected, found 2")
	var second atomic.Bool
	var ready *healthmod.Readiness
	app := fxtest_helpers.New(t,
		fxtest_helpers.NoStart(),
		fxtest_helpers.Populate(&ready),
		fxtest_helpers.WithOptions(
			m8fx.AsStartupValidator(func(context.Context) error { return errSchema }),
			m8fx.AsStartupValidator(func(context.Context) error { second.Store(true); return nil }),
		),
	)
	err := app.StartErr(context.Background())
	if !errors.Is(err, errSchema) {
		t.Fatalf("start error = %v, want the validator's error", err)
	}
	if !strings.Contains(err.Error(), "startup validator 1 of 2 failed") {
		t.Fatalf("error does not name the validator: %v", err)
	}
	if second.Load() {
		t.Fatal("validators after a failing one must not run")
	}
	if ready.Ready() {
		t.Fatal("ready flag set although start failed")
	}
}

// TestValidatorPanicIsAStartError: a panicking validator fails start with an
// error (one boot line), not a crash of the start goroutine.
func TestValidatorPanicIsAStartError(t *testing.T) {
	app := fxtest_helpers.New(t, fxtest_helpers.NoStart(), fxtest_helpers.WithOptions(
		m8fx.AsStartupValidator(func(context.Context) error { panic("schema table missing") }),
	))
	err := app.StartErr(context.Background())
	if err == nil || !strings.Contains(err.Error(), "startup validator 1 of 1 failed: it panicked: schema table missing") {
		t.Fatalf("start error = %v", err)
	}
}

func TestAsStartupValidatorForms(t *testing.T) {
	var calls atomic.Int32
	count := func(context.Context) error { calls.Add(1); return nil }
	fxtest_helpers.New(t, fxtest_helpers.WithOptions(
		m8fx.AsStartupValidator(count),
		m8fx.AsStartupValidator(m8fx.StartupValidator(count)),
		m8fx.AsStartupValidator(func() m8fx.StartupValidator { return count }),
		m8fx.AsStartupValidator(func() (m8fx.StartupValidator, error) { return count, nil }),
	))
	if calls.Load() != 4 {
		t.Fatalf("%d validators ran, want 4", calls.Load())
	}
}

// startedComponent has an OnStart hook on fx.Lifecycle, in no phase.
type startedComponent struct{ started atomic.Bool }

// TestValidatorDependenciesStartFirst: the OnStart hook of a validator's
// dependency runs before the validator, even outside any phase.
func TestValidatorDependenciesStartFirst(t *testing.T) {
	newComponent := func(lc fx.Lifecycle) *startedComponent {
		c := &startedComponent{}
		lc.Append(fx.StartHook(func() { c.started.Store(true) }))
		return c
	}
	var ran atomic.Bool
	fxtest_helpers.New(t, fxtest_helpers.WithOptions(
		fx.Provide(newComponent),
		m8fx.AsStartupValidator(func(c *startedComponent) m8fx.StartupValidator {
			return func(context.Context) error {
				ran.Store(true)
				if !c.started.Load() {
					return errors.New("validator ran before its dependency started")
				}
				return nil
			}
		}),
	))
	if !ran.Load() {
		t.Fatal("validator did not run")
	}
}
