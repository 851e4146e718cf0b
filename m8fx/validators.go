package m8fx

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"go.uber.org/fx"
)

// StartupValidator checks a precondition after every OnStart hook of the kit
// ran (database connected, JWKS fetched, HTTP listening) and before the ready
// flag flips. An error aborts start with that error.
type StartupValidator func(ctx context.Context) error

// validatorSeq numbers registrations so that validators run in the order in
// which AsStartupValidator was called, whatever order fx hands values over in.
var validatorSeq atomic.Uint64

// AsStartupValidator registers a startup validator. ctor is either the
// validator itself, a func(context.Context) error, or an fx constructor whose
// result is a [StartupValidator] (so the validator can take dependencies):
//
//	fx.New(
//		m8fx.Module,
//		m8fx.AsStartupValidator(func(db *bun.DB) m8fx.StartupValidator {
//			return func(ctx context.Context) error { return checkSchema(ctx, db) }
//		}),
//	)
//
// Validators run in registration order. Unlike the AsXxx helpers that go
// inside fx.Provide, this returns a complete fx.Option, because keeping the
// registration order needs more than one annotated constructor.
func AsStartupValidator(ctor any) fx.Option {
	switch fn := ctor.(type) {
	case StartupValidator:
		ctor = func() StartupValidator { return fn }
	case func(context.Context) error:
		ctor = func() StartupValidator { return fn }
	}
	seq := validatorSeq.Add(1)
	name := fmt.Sprintf(`name:"m8fx.startup_validator.%d"`, seq)
	return fx.Options(
		fx.Provide(fx.Private, fx.Annotate(ctor, fx.ResultTags(name))),
		fx.Invoke(fx.Annotate(
			func(r *validatorRegistry, v StartupValidator) { r.add(seq, v) },
			fx.ParamTags(``, name),
		)),
	)
}

type registeredValidator struct {
	seq uint64
	fn  StartupValidator
}

// validatorRegistry holds one app's validators.
type validatorRegistry struct {
	mu   sync.Mutex
	list []registeredValidator
}

func newValidatorRegistry() *validatorRegistry { return &validatorRegistry{} }

func (r *validatorRegistry) add(seq uint64, fn StartupValidator) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.list = append(r.list, registeredValidator{seq: seq, fn: fn})
}

// run calls every validator in registration order and stops at the first
// error, naming the failing validator by its position.
func (r *validatorRegistry) run(ctx context.Context) error {
	r.mu.Lock()
	list := slices.Clone(r.list)
	r.mu.Unlock()
	slices.SortFunc(list, func(a, b registeredValidator) int { return cmp.Compare(a.seq, b.seq) })
	for i, v := range list {
		if v.fn == nil {
			return fmt.Errorf("startup validator %d of %d is nil", i+1, len(list))
		}
		if err := v.fn(ctx); err != nil {
			return fmt.Errorf("startup validator %d of %d failed: %w", i+1, len(list), err)
		}
	}
	return nil
}
