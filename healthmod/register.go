package healthmod

import "go.uber.org/fx"

// checksGroup is the value group that collects the app's checks.
const checksGroup = `group:"m8fx.healthmod.checks"`

// AsCheck annotates a constructor whose result implements [Check] so that the
// check joins the app's health checks. Give the option to fx.New or to an fx.Module:
//
//	healthmod.AsCheck(NewRedisCheck)
//
// The constructor may return a concrete type or [Check] itself, optionally
// with an error.
func AsCheck(ctor any) fx.Option {
	return fx.Provide(fx.Annotate(ctor, fx.As(new(Check)), fx.ResultTags(checksGroup)))
}

// checksGroupFlatten receives a constructor's []Check one by one.
const checksGroupFlatten = `group:"m8fx.healthmod.checks,flatten"`

// AsChecks annotates a constructor returning []Check: each element joins the
// app's health checks, and an empty slice adds none. Modules use it for
// checks that exist only in some configurations (the auth module's "jwks"
// check exists only when JWKS_URI is set):
//
//	healthmod.AsChecks(func(v *Validator) []healthmod.Check { ... })
func AsChecks(ctor any) fx.Option {
	return fx.Provide(fx.Annotate(ctor, fx.ResultTags(checksGroupFlatten)))
}
