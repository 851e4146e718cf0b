package m8fx

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// StartupValidator checks a precondition after every OnStart hook of the kit
// ran (database connected, JWKS fetched, HTTP listening) and before the ready
// flag flips. An error aborts start with that error.
type StartupValidator func(ctx context.Context) error

// validatorRegistry holds one app's validators, in registration order.
type validatorRegistry struct {
	mu   sync.Mutex
	list []StartupValidator
}

func newValidatorRegistry() *validatorRegistry { return &validatorRegistry{} }

// add registers fn after the validators registered so far.
func (r *validatorRegistry) add(fn StartupValidator) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, fn)
}

// run calls every validator in registration order and stops at the first
// error, naming the failing validator by its position.
func (r *validatorRegistry) run(ctx context.Context) error {
	r.mu.Lock()
	list := slices.Clone(r.list)
	r.mu.Unlock()
	for i, fn := range list {
		if fn == nil {
			return fmt.Errorf("startup validator %d of %d is nil", i+1, len(list))
		}
		if err := call(ctx, fn); err != nil {
			return fmt.Errorf("startup validator %d of %d failed: %w", i+1, len(list), err)
		}
	}
	return nil
}

// call runs fn, turning a panic into an error: fx runs start hooks on
// another goroutine, where a panic would end the process with a goroutine
// dump instead of the one boot line.
func call(ctx context.Context, fn StartupValidator) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("it panicked: %v", r)
		}
	}()
	return fn(ctx)
}
