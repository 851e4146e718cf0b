package main

import (
	"context"
	"runtime"

	"github.com/m8fx/kit/healthmod"
)

// maxGoroutines is where the example's runtime check reports degraded.
const maxGoroutines = 10_000

// NewRuntimeCheck reports the goroutine count, degraded above maxGoroutines:
// a cheap signal of a leak under load.
func NewRuntimeCheck() healthmod.Check {
	return healthmod.NewCheckFunc("runtime", func(context.Context) healthmod.Result {
		n := runtime.NumGoroutine()
		r := healthmod.ResultFromBool("runtime", true)
		if n > maxGoroutines {
			r.Status = healthmod.StatusDegraded
		}
		r.Meta = map[string]any{"goroutines": n}
		return r
	})
}
