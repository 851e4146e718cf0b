package healthmod

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/goleak"
)

// TestMain fails the package when a goroutine outlives the tests, including
// the goroutines of timed-out checks (the fakes below end when their release
// channel closes, which t.Cleanup does).
func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	goleak.VerifyTestMain(m)
}

// Shared fakes for the runner, handler and module tests.

// fakeCheck counts its calls and runs fn (ok when fn is nil).
type fakeCheck struct {
	name  string
	calls atomic.Int64
	fn    func(ctx context.Context) Result
}

func (c *fakeCheck) Name() string { return c.name }

func (c *fakeCheck) Check(ctx context.Context) Result {
	c.calls.Add(1)
	if c.fn == nil {
		return Result{Status: StatusOK}
	}
	return c.fn(ctx)
}

func statusCheck(name string, s Status) *fakeCheck {
	return &fakeCheck{name: name, fn: func(context.Context) Result { return Result{Status: s} }}
}

// release returns a channel that is closed when the test ends, so that fakes
// blocked on it finish before goleak looks.
func release(t *testing.T) chan struct{} {
	t.Helper()
	ch := make(chan struct{})
	t.Cleanup(func() { close(ch) })
	return ch
}

// slowIgnoringCtx blocks until done is closed, whatever ctx says; finished is
// set when it returns.
func slowIgnoringCtx(name string, done <-chan struct{}, finished *atomic.Bool) *fakeCheck {
	return &fakeCheck{name: name, fn: func(context.Context) Result {
		<-done
		if finished != nil {
			finished.Store(true)
		}
		return Result{Status: StatusOK}
	}}
}

// slowHonouringCtx blocks until its deadline (or done) and returns the
// context's error.
func slowHonouringCtx(name string, done <-chan struct{}) *fakeCheck {
	return &fakeCheck{name: name, fn: func(ctx context.Context) Result {
		select {
		case <-ctx.Done():
			return Result{Status: StatusFail, Error: ctx.Err().Error()}
		case <-done:
			return Result{Status: StatusOK}
		}
	}}
}

func panicking(name string, v any) *fakeCheck {
	return &fakeCheck{name: name, fn: func(context.Context) Result { panic(v) }}
}
