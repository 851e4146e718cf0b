package m8fx

import (
	"context"
	"fmt"

	"go.uber.org/fx"
)

// AsStartupValidator registers a startup validator. ctor is either the
// validator itself, a func(context.Context) error, or an fx constructor whose
// result is a [StartupValidator] (so the validator can take dependencies):
//
//	fx.New(
//		m8fx.Module, dbmod.Module,
//		m8fx.AsStartupValidator(func(db *dbmod.DB) m8fx.StartupValidator {
//			return func(ctx context.Context) error { return checkSchema(ctx, db.Bun()) }
//		}),
//	)
//
// Validators run in registration order; the validators registered inside an
// fx.Module run after the ones of its parent, since fx provides a module's
// values after its parent's. Unlike the AsXxx helpers that go
// inside fx.Provide, this returns a complete fx.Option, because keeping the
// registration order needs more than one annotated constructor.
func AsStartupValidator(ctor any) fx.Option {
	switch fn := ctor.(type) {
	case StartupValidator:
		ctor = func() StartupValidator { return fn }
	case func(context.Context) error:
		ctor = func() StartupValidator { return fn }
	}
	// A name of this registration's own: the address of a value that the
	// options below keep alive, so no counter is shared between apps.
	token := new(byte)
	name := fmt.Sprintf(`name:"m8fx.startup_validator.%p"`, token)
	return fx.Options(
		fx.Provide(fx.Private, fx.Annotate(ctor, fx.ResultTags(name))),
		// Registered as a BeforeReady component: the kit builds it (and so
		// the validator's dependencies, whose OnStart hooks then come first)
		// before its own hooks, and the validator joins this app's registry.
		fx.Provide(fx.Annotate(
			// dig calls a group's providers in the order they were given
			// (only the slice it hands over is shuffled), so the registry
			// numbers validators in registration order.
			func(r *validatorRegistry, v StartupValidator) beforeReady {
				_ = token
				r.add(v)
				return beforeReady{}
			},
			fx.ParamTags(``, name),
			fx.ResultTags(`group:"m8fx.before_ready"`),
		)),
	)
}

// BeforeReady makes the start hook of a component of type T run before the
// startup validators and the ready flag, by constructing T before the kit
// appends its ready hook. Kit modules outside the bundle (dbmod) use it for
// the value whose constructor appends their OnStart hook; services can use it
// the same way:
//
//	m8fx.BeforeReady[*kafka.Consumer]()
func BeforeReady[T any]() fx.Option {
	return fx.Provide(fx.Annotate(
		func(T) beforeReady { return beforeReady{} },
		fx.ResultTags(`group:"m8fx.before_ready"`),
	))
}
