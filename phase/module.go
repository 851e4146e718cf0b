package phase

import "go.uber.org/fx"

// In puts the module it is given to into phase p: the fx.Lifecycle that the
// module's constructors and invokes receive appends to p of the app's
// [Hooks]. In an app without *Hooks in its graph (a module tested on its own,
// without the m8fx bundle), the module gets fx's own fx.Lifecycle and fx's
// order.
//
//	fx.Module("db", phase.In(phase.Resources), fx.Provide(NewPool))
func In(p Phase) fx.Option {
	return fx.Decorate(func(d struct {
		fx.In
		Lifecycle fx.Lifecycle
		Hooks     *Hooks `optional:"true"`
	}) fx.Lifecycle {
		if d.Hooks == nil {
			return d.Lifecycle
		}
		return d.Hooks.Lifecycle(p)
	})
}
