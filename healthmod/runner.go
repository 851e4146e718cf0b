package healthmod

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// Runner runs the health checks and caches the report.
//
//   - All checks run concurrently, each under its own deadline
//     (context.WithTimeout(cfg.Timeout)). A check that has not returned by
//     then is reported as fail with error "timeout <Timeout>" (e.g.
//     "timeout 500ms") and the runner stops waiting for it; its goroutine
//     lives on until the check returns, so checks must honour ctx.
//   - A panicking check is reported as fail with error "panic: <value>".
//   - The runner sets each result's Name to the check's Name(), measures
//     LatencyMS, maps an undefined status to unknown and scrubs Error and
//     Meta ([Scrub], [ScrubMeta]).
//   - Results are sorted by name (stable: checks with equal names keep their
//     registration order).
//   - A report is reused for cfg.CacheTTL. Concurrent calls of Run that find
//     no fresh report share one execution, also when the cache is disabled
//     (CacheTTL 0).
//
// The checks do not see the cancellation or deadline of the ctx given to Run
// (only its values): one execution serves every concurrent caller, and it is
// bounded by Timeout anyway.
//
// A Runner is safe for concurrent use.
type Runner struct {
	policy  Policy
	timeout time.Duration
	ttl     time.Duration
	checks  []namedCheck

	flight singleflight.Group

	mu      sync.Mutex
	cached  Report
	expires time.Time
	fresh   bool

	// waiting counts callers blocked on a shared execution (test hook).
	waiting atomic.Int64
	// beforeWait, when set, runs in runOne just before it waits for the
	// check (test hook).
	beforeWait func(done <-chan outcome)
}

type namedCheck struct {
	name  string
	check Check
}

// NewRunner returns a Runner for checks under cfg. Nil checks are ignored;
// checks is not retained.
func NewRunner(cfg Config, checks []Check) *Runner {
	r := &Runner{
		policy:  cfg.Policy,
		timeout: cfg.timeout(),
		ttl:     cfg.cacheTTL(),
	}
	for _, c := range checks {
		if c == nil {
			continue
		}
		r.checks = append(r.checks, namedCheck{name: checkName(c), check: c})
	}
	slices.SortStableFunc(r.checks, func(a, b namedCheck) int { return cmp.Compare(a.name, b.name) })
	return r
}

// checkName calls c.Name, turning a panic into an empty name.
func checkName(c Check) (name string) {
	defer func() {
		if recover() != nil {
			name = ""
		}
	}()
	return c.Name()
}

// Run returns the current report: the cached one while it is fresh,
// otherwise the result of running every check (shared with concurrent
// callers). The returned report is the caller's own copy.
func (r *Runner) Run(ctx context.Context) Report {
	if r == nil {
		return Report{Status: StatusOK, Checks: []Result{}}
	}
	if rep, ok := r.fromCache(); ok {
		return rep
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ch := r.flight.DoChan("run", func() (any, error) {
		if rep, ok := r.fromCache(); ok {
			return rep, nil
		}
		rep := r.execute(context.WithoutCancel(ctx))
		r.store(rep)
		return rep, nil
	})
	r.waiting.Add(1)
	res := <-ch
	r.waiting.Add(-1)
	return res.Val.(Report).clone()
}

func (r *Runner) fromCache() (Report, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.fresh || !time.Now().Before(r.expires) {
		return Report{}, false
	}
	return r.cached.clone(), true
}

func (r *Runner) store(rep Report) {
	if r.ttl <= 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cached = rep
	r.expires = time.Now().Add(r.ttl)
	r.fresh = true
}

// execute runs every check concurrently and waits for all of them (each is
// bounded by the timeout).
func (r *Runner) execute(parent context.Context) Report {
	results := make([]Result, len(r.checks))
	var wg sync.WaitGroup
	for i, nc := range r.checks {
		wg.Go(func() { results[i] = r.runOne(parent, nc) })
	}
	wg.Wait()
	return Report{Status: Aggregate(r.policy, results), Checks: results}
}

// outcome is what a check's goroutine hands back to the runner.
type outcome struct {
	res     Result
	expired bool // the deadline had passed when the check returned
}

// runOne runs one check under its own deadline and returns its finished
// result. It returns at the deadline at the latest; the check's goroutine
// then finishes on its own and its outcome lands in a buffered channel.
func (r *Runner) runOne(parent context.Context, nc namedCheck) Result {
	ctx, cancel := context.WithTimeout(parent, r.timeout)
	defer cancel()

	start := time.Now()
	done := make(chan outcome, 1)
	go func() {
		var out outcome
		defer func() {
			if v := recover(); v != nil {
				out.res = Result{Status: StatusFail, Error: fmt.Sprintf("panic: %v", v)}
			}
			out.expired = ctx.Err() != nil
			done <- out
		}()
		out.res = nc.check.Check(ctx)
	}()

	if r.beforeWait != nil {
		r.beforeWait(done)
	}
	var res Result
	select {
	case out := <-done:
		res = out.res
		if out.expired {
			res = r.timeoutResult()
		}
	case <-ctx.Done():
		res = r.timeoutResult()
	}
	elapsed := time.Since(start)

	res.Name = nc.name
	res.Status = res.Status.normalize()
	res.LatencyMS = math.Round(float64(elapsed)/float64(time.Microsecond)) / 1000
	res.Error = Scrub(res.Error)
	res.Meta = ScrubMeta(res.Meta)
	return res
}

func (r *Runner) timeoutResult() Result {
	return Result{Status: StatusFail, Error: "timeout " + r.timeout.String()}
}

// clone returns a copy of rep whose slice and meta maps are not shared.
// Checks is never nil, so that JSON shows [] for no checks.
func (rep Report) clone() Report {
	out := Report{Status: rep.Status, Checks: make([]Result, len(rep.Checks))}
	for i, res := range rep.Checks {
		// ScrubMeta copies recursively; on already scrubbed meta it changes
		// nothing else.
		res.Meta = ScrubMeta(res.Meta)
		out.Checks[i] = res
	}
	return out
}
