package healthmod

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fastCfg has a short timeout and no cache.
func fastCfg(timeout time.Duration) Config {
	return Config{Timeout: timeout, Policy: PolicyLenient}
}

// renamingCheck returns a result with a different name than its Name().
type renamingCheck struct{}

func (renamingCheck) Name() string { return "real" }
func (renamingCheck) Check(context.Context) Result {
	return Result{Name: "fake", Status: StatusOK, LatencyMS: 999999}
}

// panickyName panics in Name.
type panickyName struct{}

func (panickyName) Name() string                 { panic("no name") }
func (panickyName) Check(context.Context) Result { return Result{Status: StatusOK} }

type want struct {
	name   string
	status Status
	err    string
}

func TestRunnerResults(t *testing.T) {
	const timeout = 20 * time.Millisecond
	tests := []struct {
		name   string
		policy Policy
		checks func(t *testing.T) []Check
		want   []want
		agg    Status
	}{
		{"no checks", PolicyLenient, func(*testing.T) []Check { return nil }, []want{}, StatusOK},
		{"nil checks ignored", PolicyLenient,
			func(*testing.T) []Check { return []Check{nil, statusCheck("a", StatusOK), nil} },
			[]want{{"a", StatusOK, ""}}, StatusOK},
		{"fast ok", PolicyLenient,
			func(*testing.T) []Check { return []Check{statusCheck("fast", StatusOK)} },
			[]want{{"fast", StatusOK, ""}}, StatusOK},
		{"error with DSN is scrubbed", PolicyLenient,
			func(*testing.T) []Check {
				return []Check{NewCheck("db", func(context.Context) error {
					return errors.New("dial postgres://app:p%40ss@db:5432/x failed")
				})}
			},
			[]want{{"db", StatusFail, "dial postgres://***:***@db:5432/x failed"}}, StatusFail},
		{"error set by a custom check is scrubbed", PolicyLenient,
			func(*testing.T) []Check {
				return []Check{&fakeCheck{name: "r", fn: func(context.Context) Result {
					return Result{Status: StatusFail, Error: "redis://:pw@cache:6379 refused"}
				}}}
			},
			[]want{{"r", StatusFail, "redis://***:***@cache:6379 refused"}}, StatusFail},
		{"degraded", PolicyLenient,
			func(*testing.T) []Check { return []Check{statusCheck("a", StatusOK), statusCheck("b", StatusDegraded)} },
			[]want{{"a", StatusOK, ""}, {"b", StatusDegraded, ""}}, StatusDegraded},
		{"unknown lenient", PolicyLenient,
			func(*testing.T) []Check { return []Check{statusCheck("u", StatusUnknown)} },
			[]want{{"u", StatusUnknown, ""}}, StatusUnknown},
		{"unknown strict", PolicyStrict,
			func(*testing.T) []Check { return []Check{statusCheck("u", StatusUnknown)} },
			[]want{{"u", StatusUnknown, ""}}, StatusFail},
		{"undefined status becomes unknown", PolicyLenient,
			func(*testing.T) []Check { return []Check{statusCheck("e", ""), statusCheck("h", "healthy")} },
			[]want{{"e", StatusUnknown, ""}, {"h", StatusUnknown, ""}}, StatusUnknown},
		{"panic", PolicyLenient,
			func(*testing.T) []Check { return []Check{panicking("p", "boom"), statusCheck("q", StatusOK)} },
			[]want{{"p", StatusFail, "panic: boom"}, {"q", StatusOK, ""}}, StatusFail},
		{"panic with an error value carrying a DSN", PolicyLenient,
			func(*testing.T) []Check { return []Check{panicking("p", errors.New("mysql://root:pw@m/db"))} },
			[]want{{"p", StatusFail, "panic: mysql://***:***@m/db"}}, StatusFail},
		{"slow check honouring ctx times out", PolicyLenient,
			func(t *testing.T) []Check { return []Check{slowHonouringCtx("slow", release(t))} },
			[]want{{"slow", StatusFail, "timeout 20ms"}}, StatusFail},
		{"slow check ignoring ctx times out", PolicyLenient,
			func(t *testing.T) []Check { return []Check{slowIgnoringCtx("stuck", release(t), nil)} },
			[]want{{"stuck", StatusFail, "timeout 20ms"}}, StatusFail},
		{"name comes from Name()", PolicyLenient,
			func(*testing.T) []Check { return []Check{renamingCheck{}} },
			[]want{{"real", StatusOK, ""}}, StatusOK},
		{"panicking Name()", PolicyLenient,
			func(*testing.T) []Check { return []Check{panickyName{}} },
			[]want{{"", StatusOK, ""}}, StatusOK},
		{"sorted by name", PolicyLenient,
			func(*testing.T) []Check {
				return []Check{statusCheck("cache", StatusOK), statusCheck("api", StatusOK), statusCheck("broker", StatusOK)}
			},
			[]want{{"api", StatusOK, ""}, {"broker", StatusOK, ""}, {"cache", StatusOK, ""}}, StatusOK},
		{"equal names keep registration order", PolicyLenient,
			func(*testing.T) []Check {
				return []Check{statusCheck("z", StatusOK), statusCheck("dup", StatusDegraded), statusCheck("a", StatusOK),
					statusCheck("dup", StatusUnknown), statusCheck("dup", StatusOK)}
			},
			[]want{{"a", StatusOK, ""}, {"dup", StatusDegraded, ""}, {"dup", StatusUnknown, ""}, {"dup", StatusOK, ""}, {"z", StatusOK, ""}},
			StatusUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := fastCfg(timeout)
			cfg.Policy = tt.policy
			rep := NewRunner(cfg, tt.checks(t)).Run(context.Background())
			if rep.Status != tt.agg {
				t.Errorf("aggregate = %q, want %q", rep.Status, tt.agg)
			}
			if rep.Checks == nil {
				t.Fatal("Checks is nil")
			}
			got := make([]want, len(rep.Checks))
			for i, r := range rep.Checks {
				got[i] = want{r.Name, r.Status, r.Error}
				if r.LatencyMS < 0 || r.LatencyMS == 999999 {
					t.Errorf("%s: LatencyMS = %v, not measured by the runner", r.Name, r.LatencyMS)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("results\n got  %v\n want %v", got, tt.want)
			}
		})
	}
}

func TestRunnerTimeoutMessageUsesConfiguredTimeout(t *testing.T) {
	for _, d := range []time.Duration{15 * time.Millisecond, 30 * time.Millisecond} {
		rep := NewRunner(fastCfg(d), []Check{slowHonouringCtx("s", release(t))}).Run(context.Background())
		if want := "timeout " + d.String(); rep.Checks[0].Error != want {
			t.Errorf("error = %q, want %q", rep.Checks[0].Error, want)
		}
		if rep.Checks[0].LatencyMS < float64(d)/float64(time.Millisecond) {
			t.Errorf("latency %vms below the timeout %v", rep.Checks[0].LatencyMS, d)
		}
	}
}

func TestRunnerDoesNotWaitForTimedOutCheck(t *testing.T) {
	var finished atomic.Bool
	stuck := slowIgnoringCtx("stuck", release(t), &finished)
	rep := NewRunner(fastCfg(20*time.Millisecond), []Check{stuck}).Run(context.Background())
	if finished.Load() {
		t.Fatal("Run waited for the stuck check")
	}
	if rep.Checks[0].Error != "timeout 20ms" {
		t.Errorf("error = %q", rep.Checks[0].Error)
	}
}

func TestRunnerLateResultIsATimeout(t *testing.T) {
	// The runner reaches its select only after the deadline has passed and
	// the check has already handed back its own (late) result; the result
	// must still be the timeout, not the check's answer.
	const n = 16
	checks := make([]Check, n)
	for i := range checks {
		checks[i] = &fakeCheck{name: fmt.Sprint("late", i), fn: func(ctx context.Context) Result {
			<-ctx.Done()
			return Result{Status: StatusOK}
		}}
	}
	r := NewRunner(fastCfg(20*time.Millisecond), checks)
	r.beforeWait = func(done <-chan outcome) {
		for len(done) == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	for _, res := range r.Run(context.Background()).Checks {
		if res.Status != StatusFail || res.Error != "timeout 20ms" {
			t.Errorf("%s: %q %q, want fail \"timeout 20ms\"", res.Name, res.Status, res.Error)
		}
	}
}

func TestRunnerRunsChecksConcurrently(t *testing.T) {
	// Each check waits until all of them have started; run one after the
	// other, the first would time out.
	const n = 6
	var started sync.WaitGroup
	started.Add(n)
	all := make(chan struct{})
	go func() { started.Wait(); close(all) }()
	checks := make([]Check, n)
	for i := range checks {
		checks[i] = &fakeCheck{name: fmt.Sprint("c", i), fn: func(ctx context.Context) Result {
			started.Done()
			select {
			case <-all:
				return Result{Status: StatusOK}
			case <-ctx.Done():
				return Result{Status: StatusFail}
			}
		}}
	}
	rep := NewRunner(fastCfg(5*time.Second), checks).Run(context.Background())
	if rep.Status != StatusOK {
		t.Fatalf("checks did not run concurrently: %+v", rep)
	}
}

func TestRunnerEachCheckHasItsOwnDeadline(t *testing.T) {
	var deadlines sync.Map
	mk := func(name string) Check {
		return &fakeCheck{name: name, fn: func(ctx context.Context) Result {
			d, ok := ctx.Deadline()
			if !ok {
				return Result{Status: StatusFail, Error: "no deadline"}
			}
			deadlines.Store(name, d)
			return Result{Status: StatusOK}
		}}
	}
	start := time.Now()
	rep := NewRunner(fastCfg(time.Minute), []Check{mk("a"), mk("b")}).Run(context.Background())
	if rep.Status != StatusOK {
		t.Fatalf("report %+v", rep)
	}
	deadlines.Range(func(k, v any) bool {
		if d := v.(time.Time).Sub(start); d < 59*time.Second {
			t.Errorf("%v: deadline %v after start, want about 1m", k, d)
		}
		return true
	})
}

func TestRunnerMeasuresLatency(t *testing.T) {
	sleepy := &fakeCheck{name: "sleepy", fn: func(context.Context) Result {
		time.Sleep(15 * time.Millisecond)
		return Result{Status: StatusOK, LatencyMS: 0.001}
	}}
	rep := NewRunner(fastCfg(5*time.Second), []Check{sleepy}).Run(context.Background())
	if got := rep.Checks[0].LatencyMS; got < 15 {
		t.Errorf("LatencyMS = %v, want >= 15", got)
	}
}

func TestRunnerScrubsMeta(t *testing.T) {
	meta := map[string]any{"db_password": "pw", "url": "postgres://u:p@db/x", "pool": 4}
	c := &fakeCheck{name: "db", fn: func(context.Context) Result { return Result{Status: StatusOK, Meta: meta} }}
	rep := NewRunner(fastCfg(time.Second), []Check{c}).Run(context.Background())
	want := map[string]any{"db_password": Redacted, "url": "postgres://***:***@db/x", "pool": 4}
	if !reflect.DeepEqual(rep.Checks[0].Meta, want) {
		t.Errorf("meta = %v, want %v", rep.Checks[0].Meta, want)
	}
	if meta["db_password"] != "pw" {
		t.Error("the check's own meta was modified")
	}
}

func TestRunnerIgnoresCallerCancellationButKeepsValues(t *testing.T) {
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "v"))
	cancel()
	c := &fakeCheck{name: "c", fn: func(ctx context.Context) Result {
		if ctx.Err() != nil {
			return Result{Status: StatusFail, Error: ctx.Err().Error()}
		}
		if ctx.Value(ctxKey{}) != "v" {
			return Result{Status: StatusFail, Error: "value lost"}
		}
		return Result{Status: StatusOK}
	}}
	rep := NewRunner(fastCfg(time.Second), []Check{c}).Run(ctx)
	if rep.Status != StatusOK {
		t.Errorf("report %+v", rep.Checks)
	}
}

func TestRunnerNilContextAndNilRunner(t *testing.T) {
	var nilCtx context.Context
	rep := NewRunner(fastCfg(time.Second), []Check{statusCheck("a", StatusOK)}).Run(nilCtx)
	if rep.Status != StatusOK {
		t.Errorf("nil ctx: %+v", rep)
	}
	var r *Runner
	if rep := r.Run(context.Background()); rep.Status != StatusOK || rep.Checks == nil || len(rep.Checks) != 0 {
		t.Errorf("nil runner: %+v", rep)
	}
}

func TestRunnerCache(t *testing.T) {
	tests := []struct {
		name      string
		ttl       time.Duration
		runs      int
		wantCalls int64
	}{
		{"cached within TTL", time.Hour, 3, 1},
		{"TTL 0 disables the cache", 0, 3, 3},
		{"negative TTL disables the cache", -time.Second, 2, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := statusCheck("c", StatusOK)
			r := NewRunner(Config{Timeout: time.Second, CacheTTL: tt.ttl}, []Check{c})
			for range tt.runs {
				if rep := r.Run(context.Background()); rep.Status != StatusOK {
					t.Fatalf("report %+v", rep)
				}
			}
			if got := c.calls.Load(); got != tt.wantCalls {
				t.Errorf("check called %d times, want %d", got, tt.wantCalls)
			}
		})
	}
}

func TestRunnerCacheExpires(t *testing.T) {
	c := statusCheck("c", StatusOK)
	r := NewRunner(Config{Timeout: time.Second, CacheTTL: 20 * time.Millisecond}, []Check{c})
	r.Run(context.Background())
	r.Run(context.Background())
	if got := c.calls.Load(); got != 1 {
		t.Fatalf("calls = %d before expiry, want 1", got)
	}
	time.Sleep(60 * time.Millisecond)
	r.Run(context.Background())
	if got := c.calls.Load(); got != 2 {
		t.Errorf("calls = %d after expiry, want 2", got)
	}
}

func TestRunnerCachedReportIsACopy(t *testing.T) {
	c := &fakeCheck{name: "c", fn: func(context.Context) Result {
		return Result{Status: StatusOK, Meta: map[string]any{"k": "v", "n": map[string]any{"x": "y"}}}
	}}
	r := NewRunner(Config{Timeout: time.Second, CacheTTL: time.Hour}, []Check{c})
	first := r.Run(context.Background())
	first.Checks[0].Status = StatusFail
	first.Checks[0].Meta["k"] = "changed"
	first.Checks[0].Meta["n"].(map[string]any)["x"] = "changed"
	first.Checks = append(first.Checks, Result{Name: "extra"})

	second := r.Run(context.Background())
	if c.calls.Load() != 1 {
		t.Fatalf("calls = %d, want 1 (cache)", c.calls.Load())
	}
	want := map[string]any{"k": "v", "n": map[string]any{"x": "y"}}
	if len(second.Checks) != 1 || second.Checks[0].Status != StatusOK || !reflect.DeepEqual(second.Checks[0].Meta, want) {
		t.Errorf("cached report was changed through a caller's copy: %+v", second.Checks)
	}
}

func TestRunnerCoalescesConcurrentCallers(t *testing.T) {
	tests := []struct {
		name string
		ttl  time.Duration
	}{
		{"with cache", time.Hour},
		{"without cache", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const callers = 8
			gate := make(chan struct{})
			c := &fakeCheck{name: "c", fn: func(ctx context.Context) Result {
				select {
				case <-gate:
					return Result{Status: StatusDegraded}
				case <-ctx.Done():
					return Result{Status: StatusFail}
				}
			}}
			r := NewRunner(Config{Timeout: 10 * time.Second, CacheTTL: tt.ttl}, []Check{c})

			var wg sync.WaitGroup
			reports := make([]Report, callers)
			for i := range callers {
				wg.Go(func() { reports[i] = r.Run(context.Background()) })
			}
			// Wait until every caller is blocked on the (single, gated)
			// execution, then let it finish.
			deadline := time.Now().Add(5 * time.Second)
			for r.waiting.Load() != callers {
				if time.Now().After(deadline) {
					close(gate)
					wg.Wait()
					t.Fatalf("only %d callers waiting", r.waiting.Load())
				}
				time.Sleep(time.Millisecond)
			}
			close(gate)
			wg.Wait()

			if got := c.calls.Load(); got != 1 {
				t.Errorf("%d concurrent callers caused %d check calls, want 1", callers, got)
			}
			for i, rep := range reports {
				if rep.Status != StatusDegraded {
					t.Errorf("caller %d got %q", i, rep.Status)
				}
			}
			// A later call runs again only without cache.
			r.Run(context.Background())
			want := int64(1)
			if tt.ttl == 0 {
				want = 2
			}
			if got := c.calls.Load(); got != want {
				t.Errorf("after a later Run: %d calls, want %d", got, want)
			}
		})
	}
}

func TestRunnerConcurrentUseIsRaceFree(t *testing.T) {
	checks := []Check{statusCheck("a", StatusOK), statusCheck("b", StatusDegraded)}
	r := NewRunner(Config{Timeout: time.Second, CacheTTL: time.Millisecond}, checks)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			for range 20 {
				if rep := r.Run(context.Background()); rep.Status != StatusDegraded || len(rep.Checks) != 2 {
					t.Errorf("report %+v", rep)
					return
				}
			}
		})
	}
	wg.Wait()
}
