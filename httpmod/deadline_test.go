package httpmod

import (
	"context"
	"errors"
	"testing"
	"time"
)

// waitDone waits for ch to close, at most 2 s.
func waitDone(t *testing.T, ch <-chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(2 * time.Second):
		t.Fatal("Done was not closed")
	}
}

func TestDeadlineContextBeforeAndAfterItsDeadline(t *testing.T) {
	ctx, release := withDeadline(context.Background(), 30*time.Millisecond)
	defer release()
	if err := ctx.Err(); err != nil {
		t.Fatalf("Err before the deadline = %v", err)
	}
	if d, ok := ctx.Deadline(); !ok || time.Until(d) > 30*time.Millisecond {
		t.Fatalf("Deadline = %v, %v", d, ok)
	}
	waitDone(t, ctx.Done())
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("Err after the deadline = %v", ctx.Err())
	}
}

func TestDeadlineContextErrWithoutDone(t *testing.T) {
	ctx, release := withDeadline(context.Background(), time.Millisecond)
	defer release()
	time.Sleep(5 * time.Millisecond)
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("Err = %v, want DeadlineExceeded without anyone waiting", ctx.Err())
	}
	// Done, asked after the fact, is closed at once.
	waitDone(t, ctx.Done())
}

func TestDeadlineContextFollowsItsParent(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	ctx, release := withDeadline(parent, time.Hour)
	defer release()
	done := ctx.Done()
	cancel()
	waitDone(t, done)
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatalf("Err = %v, want the parent's Canceled", ctx.Err())
	}

	early, cancelEarly := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancelEarly()
	ctx2, release2 := withDeadline(early, time.Hour)
	defer release2()
	if d, _ := ctx2.Deadline(); d.After(time.Now().Add(time.Minute)) {
		t.Fatalf("Deadline %v: the parent's earlier deadline must win", d)
	}
}

func TestDeadlineContextReleaseEndsWaiters(t *testing.T) {
	ctx, release := withDeadline(context.Background(), time.Hour)
	done := ctx.Done()
	release()
	waitDone(t, done)
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatalf("Err after release = %v", ctx.Err())
	}
	release() // twice is fine
}

func TestDeadlineContextChildrenAndAfterFunc(t *testing.T) {
	ctx, release := withDeadline(context.Background(), 20*time.Millisecond)
	defer release()
	child, cancelChild := context.WithCancel(ctx)
	defer cancelChild()
	ran := make(chan struct{})
	context.AfterFunc(ctx, func() { close(ran) })
	stopped := context.AfterFunc(ctx, func() { t.Error("a stopped AfterFunc ran") })
	if !stopped() {
		t.Fatal("stop of a waiting AfterFunc returned false")
	}
	waitDone(t, child.Done())
	waitDone(t, ran)
	if !errors.Is(child.Err(), context.DeadlineExceeded) {
		t.Fatalf("child Err = %v, want the deadline", child.Err())
	}
}

func BenchmarkDeadline(b *testing.B) {
	b.Run("withDeadline", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, release := withDeadline(context.Background(), time.Second)
			release()
		}
	})
	b.Run("context.WithTimeout", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, cancel := context.WithTimeout(context.Background(), time.Second)
			cancel()
		}
	})
}
