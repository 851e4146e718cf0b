package httpmod

import (
	"context"
	"sync"
	"time"
)

// deadlineContext bounds its parent by a deadline without arming a timer
// until something waits on Done (database/sql, bun and HTTP clients do): a
// request that never waits never pays for a timer, which is most of what a
// context.WithTimeout costs per request. Deadline and Err are exact at any
// time; Done is closed when the deadline passes, the parent is done, or the
// request is over (release), whichever comes first.
type deadlineContext struct {
	context.Context // the parent
	deadline        time.Time

	mu         sync.Mutex
	done       chan struct{}
	err        error
	timer      *time.Timer
	stopParent func() bool
	after      []*func() // AfterFunc callbacks still waiting
}

// withDeadline returns ctx bounded by d and the function that releases it
// (call it when the request is over).
func withDeadline(parent context.Context, d time.Duration) (*deadlineContext, func()) {
	c := &deadlineContext{Context: parent, deadline: time.Now().Add(d)}
	if pd, ok := parent.Deadline(); ok && pd.Before(c.deadline) {
		c.deadline = pd
	}
	return c, c.release
}

// Deadline is the earlier of the parent's deadline and this one.
func (c *deadlineContext) Deadline() (time.Time, bool) { return c.deadline, true }

// Done arms the timer and the watch of the parent on first use.
func (c *deadlineContext) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done != nil {
		return c.done
	}
	c.done = make(chan struct{})
	if c.err == nil {
		c.err = c.currentErrLocked()
	}
	if c.err != nil {
		close(c.done)
		return c.done
	}
	c.timer = time.AfterFunc(time.Until(c.deadline), func() { c.finish(context.DeadlineExceeded) })
	c.stopParent = context.AfterFunc(c.Context, func() { c.finish(c.Context.Err()) })
	return c.done
}

// Err is the parent's error, DeadlineExceeded once the deadline passed,
// Canceled once the request is over, or nil.
func (c *deadlineContext) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = c.currentErrLocked()
		if c.err != nil && c.done != nil {
			c.closeLocked()
		}
	}
	return c.err
}

// AfterFunc runs f in its own goroutine once c is done, like
// context.AfterFunc. The standard library uses it for the child contexts of
// c (database/sql's, say), so that they need no watching goroutine.
func (c *deadlineContext) AfterFunc(f func()) func() bool {
	c.Done() // arm the watches
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		go f()
		return func() bool { return false }
	}
	fp := &f
	c.after = append(c.after, fp)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		for i, p := range c.after {
			if p == fp {
				c.after = append(c.after[:i], c.after[i+1:]...)
				return true
			}
		}
		return false
	}
}

func (c *deadlineContext) currentErrLocked() error {
	if err := c.Context.Err(); err != nil {
		return err
	}
	if !time.Now().Before(c.deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

func (c *deadlineContext) finish(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
	c.closeLocked()
}

// closeLocked closes done once, stops the watches and starts the AfterFunc
// callbacks.
func (c *deadlineContext) closeLocked() {
	select {
	case <-c.done:
	default:
		close(c.done)
	}
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	if c.stopParent != nil {
		c.stopParent()
		c.stopParent = nil
	}
	for _, f := range c.after {
		go (*f)()
	}
	c.after = nil
}

// release ends the context with the request: what still waits on it is
// released as if cancelled, and its timer stops.
func (c *deadlineContext) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = context.Canceled
	}
	if c.done != nil {
		c.closeLocked()
	}
}
