package m8fx

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

type validatorCtxKey struct{}

func TestValidatorRegistryRun(t *testing.T) {
	errSchema := errors.New("schema missing")
	var calls []string
	ok := func(name string) StartupValidator {
		return func(ctx context.Context) error {
			if ctx.Value(validatorCtxKey{}) != "start" {
				return fmt.Errorf("%s did not get the start context", name)
			}
			calls = append(calls, name)
			return nil
		}
	}
	tests := []struct {
		name      string
		list      []StartupValidator
		wantErr   string
		wantCalls string
	}{
		{name: "none", wantCalls: ""},
		{name: "all pass, in order", list: []StartupValidator{ok("a"), ok("b"), ok("c")}, wantCalls: "a,b,c"},
		{name: "the first error stops the run", list: []StartupValidator{ok("a"), func(context.Context) error { return errSchema }, ok("c")},
			wantErr: "startup validator 2 of 3 failed: schema missing", wantCalls: "a"},
		{name: "a nil validator", list: []StartupValidator{ok("a"), nil, ok("c")},
			wantErr: "startup validator 2 of 3 is nil", wantCalls: "a"},
		{name: "a panic with an error value", list: []StartupValidator{func(context.Context) error { panic(errSchema) }},
			wantErr: "startup validator 1 of 1 failed: it panicked: schema missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls = nil
			r := newValidatorRegistry()
			for _, v := range tt.list {
				r.add(v)
			}
			err := r.run(context.WithValue(context.Background(), validatorCtxKey{}, "start"))
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Errorf("run() = %q, want %q", got, tt.wantErr)
			}
			if strings.Join(calls, ",") != tt.wantCalls {
				t.Errorf("ran %v, want %q", calls, tt.wantCalls)
			}
		})
	}
}

// TestValidatorRegistryErrorKeepsTheCause: the validator's error stays in
// the chain (errors.Is), not only in the text.
func TestValidatorRegistryErrorKeepsTheCause(t *testing.T) {
	r := newValidatorRegistry()
	r.add(func(context.Context) error { return fmt.Errorf("checking: %w", context.DeadlineExceeded) })
	if err := r.run(context.Background()); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("run() = %v, want it to wrap the validator's error", err)
	}
}

// TestValidatorRegistryConcurrentAdd: registrations from several goroutines
// all run, and a validator may register another one without deadlocking
// (the newcomer waits for the next run).
func TestValidatorRegistryConcurrentAdd(t *testing.T) {
	r := newValidatorRegistry()
	var mu sync.Mutex
	ran := 0
	count := func(context.Context) error { mu.Lock(); ran++; mu.Unlock(); return nil }
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() { r.add(count) })
	}
	wg.Wait()
	r.add(func(context.Context) error { r.add(count); return nil })
	if err := r.run(context.Background()); err != nil || ran != 10 {
		t.Fatalf("first run: err %v, %d validators ran, want 10", err, ran)
	}
	ran = 0
	if err := r.run(context.Background()); err != nil || ran != 11 {
		t.Fatalf("second run: err %v, %d ran, want 11 (with the one added during the first run)", err, ran)
	}
}
