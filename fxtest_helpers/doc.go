// Package fxtest_helpers builds m8fx apps for tests: settings from an in-code
// map, an observable logger, in-process HTTP through the real engine, and
// one-line overrides of any dependency.
//
//	app := fxtest_helpers.New(t,
//		fxtest_helpers.WithSetting("API_PREFIX", "/v1"),
//		fxtest_helpers.WithOptions(httpmod.AsRoutes(NewRoutes)),
//	)
//	rec := app.Get("/v1/health/")
//
// The app is started before New returns and stopped when the test ends.
package fxtest_helpers
