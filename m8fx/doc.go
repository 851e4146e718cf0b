// Package m8fx bundles the kit: typed settings, a zap logger, health, HTTP and
// the service lifecycle, so that a consumer service is
//
//	func main() {
//		m8fx.Main(
//			m8fx.Module,
//			httpmod.AsRoutes(NewRoutes),
//			healthmod.AsCheck(NewRedisCheck),
//			m8fx.AsStartupValidator(CheckSchema),
//		)
//	}
//
// # Lifecycle
//
// Start: settings are loaded and validated while the graph is built; OnStart
// hooks run (HTTP listen: an address in use fails start); then the startup
// validators run in registration order ([AsStartupValidator]); then the ready
// flag flips. Until then the health endpoints answer 503 "initializing".
//
// Stop (SIGTERM/SIGINT): the ready flag is cleared (readiness answers 503
// "draining"), the kit waits SHUTDOWN_DRAIN_SECONDS (default 0 in local, 5
// elsewhere) so that load balancers stop routing, then the HTTP server shuts
// down gracefully and in-flight requests finish.
//
// # Logging
//
// [NewLogger] writes JSON outside ENVIRONMENT=local and console output in local,
// at LOG_LEVEL, without stack traces (only a recovered panic's line carries
// one). fx's own events go through the same logger, one debug line each; the
// error that ends a build, start or stop is logged once, and under [Run] it
// is only the one stderr line. With LOG_LEVEL=debug the route table is
// logged too, one line per route.
//
// # Running
//
// [Main] and [Run] turn boot errors into one line on stderr and a non-zero exit
// code, and a signal into a clean stop with exit code 0.
package m8fx
