package m8fx_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/m8fx/kit/dbmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/m8fx"
	"github.com/m8fx/kit/phase"
	"github.com/m8fx/kit/settingsmod"
)

// journal is what a test's own components and validators write to.
type journal struct {
	mu    sync.Mutex
	lines []string
}

func (j *journal) add(format string, args ...any) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.lines = append(j.lines, fmt.Sprintf(format, args...))
}

func (j *journal) all() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.lines)
}

// cache is a service component with a plain fx.Lifecycle hook (no phase).
type cache struct{ started bool }

// broker is a service component put in the Resources phase with phase.In.
type broker struct{ started bool }

// hookOrderParts are the options that TestHookOrderEveryPermutation lists
// in every order.
func hookOrderParts(j *journal) map[string]fx.Option {
	return map[string]fx.Option{
		"m8fx": m8fx.Module,
		"db":   dbmod.Module,
		"broker": fx.Module("broker",
			phase.In(phase.Resources),
			fx.Provide(func(lc fx.Lifecycle) *broker {
				b := &broker{}
				lc.Append(fx.StartStopHook(func() { b.started = true }, func() { b.started = false }))
				return b
			}),
			fx.Invoke(func(*broker) {}),
		),
		// A validator on the database, the HTTP server and the ready flag.
		"validateDB": m8fx.AsStartupValidator(func(db *dbmod.DB, srv *httpmod.Server, ready *healthmod.Readiness, b *broker) m8fx.StartupValidator {
			return func(ctx context.Context) error {
				if !db.Started() {
					return errors.New("database not started")
				}
				if !b.started {
					return errors.New("broker not started")
				}
				if ready.Ready() {
					return errors.New("ready before the validators")
				}
				conn, err := net.Dial("tcp", srv.Addr().String())
				if err != nil {
					return fmt.Errorf("not listening: %w", err)
				}
				j.add("validateDB")
				return conn.Close()
			}
		}),
		// A validator on a component whose hook is on fx.Lifecycle itself.
		"validateCache": m8fx.AsStartupValidator(func(c *cache) m8fx.StartupValidator {
			return func(context.Context) error {
				if !c.started {
					return errors.New("cache not started")
				}
				j.add("validateCache")
				return nil
			}
		}),
		"cache": fx.Provide(func(lc fx.Lifecycle) *cache {
			c := &cache{}
			lc.Append(fx.StartStopHook(func() { c.started = true; j.add("cache start") }, func() { j.add("cache stop") }))
			return c
		}),
	}
}

// permutations returns every order of names.
func permutations(names []string) [][]string {
	if len(names) <= 1 {
		return [][]string{slices.Clone(names)}
	}
	var out [][]string
	for i := range names {
		rest := slices.Concat(names[:i], names[i+1:])
		for _, p := range permutations(rest) {
			out = append(out, append([]string{names[i]}, p...))
		}
	}
	return out
}

// TestHookOrderEveryPermutation lists the bundle, dbmod, a Resources-phase
// module, two validators and a plain component in every order, and checks
// the hooks that ran (the phase recorder) and what the validators saw: the
// phases start Resources, Auth, Serve, Ready and stop in reverse; the
// validators run in registration order, after their dependencies started.
func TestHookOrderEveryPermutation(t *testing.T) {
	env := fxtest_helpers.DefaultEnv()
	env["SELECTED_DB"] = string(dbmod.Sqlite)
	env["DB_DATABASE"] = ":memory:"
	env["LOG_LEVEL"] = "info"
	names := []string{"m8fx", "db", "broker", "validateDB", "validateCache", "cache"}
	for _, order := range permutations(names) {
		j := &journal{}
		parts := hookOrderParts(j)
		rec, recOpt := fxtest_helpers.RecordHooks()
		opts := []fx.Option{fx.NopLogger, fx.Replace(settingsmod.MapSource(env)), fx.Decorate(zap.NewNop), recOpt}
		for _, n := range order {
			opts = append(opts, parts[n])
		}
		app := fx.New(opts...)
		if err := app.Start(context.Background()); err != nil {
			t.Fatalf("%v: start: %v", order, err)
		}
		if err := app.Stop(context.Background()); err != nil {
			t.Fatalf("%v: stop: %v", order, err)
		}
		starts := rec.Events()
		var phases []phase.Phase
		for _, e := range starts {
			if e.Stage == phase.Starting {
				phases = append(phases, e.Phase)
			}
		}
		if !slices.IsSorted(phases) {
			t.Fatalf("%v: start order %v", order, rec.Order(phase.Starting))
		}
		wantStart := []string{"auth:authmod.provideValidator", "serve:httpmod.registerServer", "ready:m8fx.registerLifecycle"}
		got := rec.Order(phase.Starting)
		if len(got) != 5 || !slices.Contains(got[:2], "resources:dbmod.newModuleDB") || !strings.HasPrefix(got[0], "resources:") ||
			!strings.HasPrefix(got[1], "resources:") || !slices.Equal(got[2:], wantStart) {
			t.Fatalf("%v: start order %v", order, got)
		}
		stop := rec.Order(phase.Stopping)
		wantStop := slices.Clone(got)
		slices.Reverse(wantStop)
		if !slices.Equal(stop, wantStop) {
			t.Fatalf("%v: stop order %v, want %v", order, stop, wantStop)
		}
		lines := j.all()
		wantValidators := []string{"validateDB", "validateCache"}
		if slices.Index(order, "validateCache") < slices.Index(order, "validateDB") {
			wantValidators = []string{"validateCache", "validateDB"}
		}
		want := slices.Concat([]string{"cache start"}, wantValidators, []string{"cache stop"})
		if !slices.Equal(lines, want) {
			t.Fatalf("%v: journal %v, want %v", order, lines, want)
		}
	}
}
