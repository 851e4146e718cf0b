package phase_test

import (
	"context"
	"fmt"

	"go.uber.org/fx"

	"github.com/m8fx/kit/phase"
)

// Hooks used without fx: the phase decides the order, not the append order.
func ExampleHooks() {
	h := phase.New()
	h.Append(phase.Serve, fx.StartStopHook(
		func() { fmt.Println("listen") },
		func() { fmt.Println("shut down") },
	))
	h.Append(phase.Resources, fx.StartStopHook(
		func() { fmt.Println("connect") },
		func() { fmt.Println("close pool") },
	))
	ctx := context.Background()
	if err := h.Start(ctx); err != nil {
		fmt.Println(err)
	}
	if err := h.Stop(ctx); err != nil {
		fmt.Println(err)
	}
	// Output:
	// connect
	// listen
	// shut down
	// close pool
}

// In places a whole module in a phase; its constructors use fx.Lifecycle as
// usual.
func ExampleIn() {
	type consumer struct{}
	newConsumer := func(lc fx.Lifecycle) *consumer {
		lc.Append(fx.StartHook(func() { fmt.Println("consumer connected") }))
		return &consumer{}
	}
	app := fx.New(fx.NopLogger,
		fx.Provide(func(lc fx.Lifecycle) *phase.Hooks {
			h := phase.New()
			h.Install(lc, phase.All()...)
			return h
		}),
		fx.Module("queue", phase.In(phase.Resources), fx.Provide(newConsumer), fx.Invoke(func(*consumer) {})),
	)
	if err := app.Start(context.Background()); err != nil {
		fmt.Println(err)
	}
	_ = app.Stop(context.Background())
	// Output:
	// consumer connected
}
