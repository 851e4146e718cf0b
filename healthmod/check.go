package healthmod

import "context"

// Check is one health check.
//
// Check must honour ctx: the [Runner] gives each check its own deadline
// ([Config].Timeout) and, when the deadline passes, reports the check as
// failed and stops waiting for it. A check that ignores ctx keeps its
// goroutine (and whatever it holds) alive until it returns on its own.
//
// The runner fills in Result.Name (from Name) and Result.LatencyMS itself, and
// turns a panic inside Check into a fail result.
type Check interface {
	// Name identifies the check in reports; it should be stable and unique.
	Name() string
	// Check probes the dependency.
	Check(ctx context.Context) Result
}

// NewCheck adapts a function that returns an error: nil means [StatusOK], an
// error means [StatusFail] with the error's message (scrubbed of credentials,
// see [Scrub]). A nil fn yields a check that always fails.
func NewCheck(name string, fn func(ctx context.Context) error) Check {
	return errCheck{name: name, fn: fn}
}

// NewCheckFunc adapts a function that builds the whole [Result]; use it to
// report [StatusDegraded], [StatusUnknown] or metadata. A nil fn yields a
// check that always fails.
func NewCheckFunc(name string, fn func(ctx context.Context) Result) Check {
	return funcCheck{name: name, fn: fn}
}

// errNoFunc is the error of a check built from a nil function.
const errNoFunc = "health check has no function"

type errCheck struct {
	name string
	fn   func(ctx context.Context) error
}

func (c errCheck) Name() string { return c.name }

func (c errCheck) Check(ctx context.Context) Result {
	if c.fn == nil {
		return Result{Name: c.name, Status: StatusFail, Error: errNoFunc}
	}
	if err := c.fn(ctx); err != nil {
		return Result{Name: c.name, Status: StatusFail, Error: Scrub(err.Error())}
	}
	return Result{Name: c.name, Status: StatusOK}
}

type funcCheck struct {
	name string
	fn   func(ctx context.Context) Result
}

func (c funcCheck) Name() string { return c.name }

func (c funcCheck) Check(ctx context.Context) Result {
	if c.fn == nil {
		return Result{Name: c.name, Status: StatusFail, Error: errNoFunc}
	}
	res := c.fn(ctx)
	res.Name = c.name
	return res
}
