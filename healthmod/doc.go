// Package healthmod is the health subsystem of an m8fx service: checks,
// a concurrent runner with per-check timeouts and a short cache, credential
// scrubbing, the ready flag and the HTTP endpoints.
//
// # Checks
//
// A [Check] has a Name and a Check(ctx) method returning a [Result]. Build one
// from a function with [NewCheck] (error -> fail) or [NewCheckFunc] (full
// result), or implement the interface on a type that holds a client. Register
// it with [AsCheck]:
//
//	healthmod.AsCheck(func(c *redis.Client) healthmod.Check {
//		return healthmod.NewCheck("redis", func(ctx context.Context) error {
//			return c.Ping(ctx).Err()
//		})
//	})
//
// Checks must honour ctx: each runs under its own deadline ([Config].Timeout,
// 500ms by default); one that has not returned by then is reported as fail
// with error "timeout 500ms" and the runner no longer waits for it. A panic
// in a check is reported as fail with error "panic: <value>".
//
// # Aggregation
//
// [Aggregate] folds the results: any fail -> fail; under [PolicyStrict] any
// unknown -> fail; any unknown -> unknown; any degraded -> degraded; else ok.
// The endpoints answer 503 iff the aggregate is fail.
//
// # Scrubbing
//
// Error messages and string meta values pass through [Scrub], which replaces
// URL credentials with "***:***" (and password= values with "***"). Meta keys
// that name secrets (secret, password, passwd, token, api_key, access_key,
// private_key, credential, dsn as whole parts of the key) get the value
// "REDACTED"; see [ScrubMeta].
//
// # Endpoints
//
// Mounted under API_PREFIX:
//
//	GET /health/ and /health  503 {"status":"initializing","ready":false} until ready,
//	                          503 {"status":"draining","ready":false} while draining,
//	                          then {"status":"<aggregate>"} (503 iff fail), or the
//	                          detail body for authorised callers
//	GET /health/live          200 {"status":"ok"}; never runs checks
//	GET /health/ready         503 until ready and while draining, else like /health/
//
// Every answer is JSON with Cache-Control: no-store. The detail body
// {"status","checks","service","version","m8fx"} is shown when
// [Config].DetailPublic is set, when [Config].DetailAuthorizer returns true,
// or when the X-Internal-Token header equals HEALTH_DETAIL_CREDENTIAL (or
// PRIVATE_API_SECRET when that is unset), compared in constant time. A wrong
// token simply gets the public body.
//
// # Configuration
//
// [Module] provides [Config] from the settings ([ConfigFromSettings]); override it at
// the root of the app:
//
//	fx.Decorate(func(c healthmod.Config) healthmod.Config {
//		c.Policy = healthmod.PolicyStrict
//		c.CacheTTL = 0
//		return c
//	})
//
// # Readiness
//
// Each app gets its own [Readiness] (Starting -> Ready -> Draining); the m8fx
// lifecycle marks it ready after the startup validators and draining when the
// app stops.
package healthmod
