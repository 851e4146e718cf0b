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
// Validators run in the phase.Ready phase, after the databases, the auth
// clients and the HTTP listen, in registration order; the validators
// registered inside an fx.Module run after the ones of its parent, since fx
// provides a module's values after its parent's. A validator's dependencies
// are built before the Serve and Ready phases are installed, so their own
// fx.Lifecycle hooks have run when it is called.
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
		fx.Provide(fx.Annotate(
			// dig calls a group's providers in the order they were given
			// (only the slice it hands over is shuffled), so the registry
			// numbers validators in registration order.
			func(r *validatorRegistry, v StartupValidator) validatorRegistration {
				_ = token
				r.add(v)
				return validatorRegistration{}
			},
			fx.ParamTags(``, name),
			fx.ResultTags(`group:"m8fx.startup_validators"`),
		)),
	)
}

// validatorRegistration is what the registration of a validator provides:
// the lifecycle hook asks for the group, which builds every validator.
type validatorRegistration struct{}
