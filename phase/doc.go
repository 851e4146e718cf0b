// Package phase orders an app's start and stop hooks by what they are, not
// by which constructor happened to run first.
//
// An m8fx app starts in four phases and stops in the reverse order:
//
//	Resources  connections the rest uses: database pools, brokers
//	Auth       token keys (the JWKS first fetch) and the auth clients
//	Serve      the HTTP listener
//	Ready      the startup validators, in registration order, then the ready flag
//
// Within a phase, hooks start in the order they were appended and stop in the
// reverse order. A module joins a phase with [In]: every constructor and
// invoke of that module that takes an fx.Lifecycle appends to the phase
// instead of to fx's list, so the module's own code stays plain fx:
//
//	var Module = fx.Module("kafka",
//		phase.In(phase.Resources),
//		fx.Provide(NewConsumer), // NewConsumer(lc fx.Lifecycle, ...) as usual
//	)
//
// The m8fx bundle installs the phases as two fx hooks: Resources and Auth
// as the first hook of the app, Serve and Ready as a hook appended once the
// HTTP server and every startup validator are built. A hook that a
// component appends to fx.Lifecycle outside any phase keeps fx's order:
// the components that the routes or the startup validators depend on start
// after Auth and before Serve, and stop after the HTTP server has shut down.
//
// [Hooks] works without fx too: append hooks, then call [Hooks.Start] and
// [Hooks.Stop]. [Hooks.Observe] reports every hook run, which is how the
// kit logs them at debug level and how tests check the order.
package phase
