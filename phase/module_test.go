package phase_test

import (
	"context"
	"strings"
	"testing"

	"go.uber.org/fx"

	"github.com/m8fx/kit/phase"
)

// TestInOrdersModulesByPhase: modules listed against the phase order start
// in phase order; a hook outside any phase keeps fx's own place.
func TestInOrdersModulesByPhase(t *testing.T) {
	tr := &trace{}
	type pool struct{}
	var hooks *phase.Hooks
	app := fx.New(fx.NopLogger,
		fx.Provide(func(lc fx.Lifecycle) *phase.Hooks {
			h := phase.New()
			h.Install(lc, phase.All()...)
			return h
		}),
		fx.Populate(&hooks),
		fx.Module("http", phase.In(phase.Serve),
			fx.Invoke(func(lc fx.Lifecycle) { lc.Append(tr.hook("http", nil)) })),
		fx.Module("db", phase.In(phase.Resources),
			fx.Provide(func(lc fx.Lifecycle) *pool { lc.Append(tr.hook("db", nil)); return &pool{} }),
			fx.Invoke(func(*pool) {})),
		fx.Invoke(func(lc fx.Lifecycle) { lc.Append(tr.hook("plain", nil)) }),
	)
	if err := app.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := app.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := "db start,http start,plain start,plain stop,http stop,db stop"
	if got := strings.Join(tr.lines, ","); got != want {
		t.Fatalf("order %s, want %s", got, want)
	}
}

// TestInWithoutHooksKeepsFxOrder: a module tested without the bundle (no
// *phase.Hooks in the graph) still gets a working fx.Lifecycle.
func TestInWithoutHooksKeepsFxOrder(t *testing.T) {
	tr := &trace{}
	app := fx.New(fx.NopLogger,
		fx.Module("http", phase.In(phase.Serve),
			fx.Invoke(func(lc fx.Lifecycle) { lc.Append(tr.hook("http", nil)) })),
		fx.Module("db", phase.In(phase.Resources),
			fx.Invoke(func(lc fx.Lifecycle) { lc.Append(tr.hook("db", nil)) })),
	)
	if err := app.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := app.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tr.lines, ","); got != "http start,db start,db stop,http stop" {
		t.Fatalf("order %s", got)
	}
}
