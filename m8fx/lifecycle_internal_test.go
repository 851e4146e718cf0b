package m8fx

import (
	"context"
	"testing"
	"time"
)

func TestDrainDelay(t *testing.T) {
	withDeadline := func(d time.Duration) context.Context {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		t.Cleanup(cancel)
		return ctx
	}
	tests := []struct {
		name     string
		ctx      context.Context
		drain    time.Duration
		min, max time.Duration
	}{
		{"no deadline", context.Background(), 5 * time.Second, 5 * time.Second, 5 * time.Second},
		{"fits in half the budget", withDeadline(time.Minute), 5 * time.Second, 5 * time.Second, 5 * time.Second},
		{"shortened to half the budget", withDeadline(10 * time.Second), 30 * time.Second, 4 * time.Second, 5 * time.Second},
		{"deadline passed", withDeadline(-time.Second), 5 * time.Second, 0, 0},
		{"no drain", withDeadline(time.Minute), 0, 0, 0},
	}
	for _, tt := range tests {
		if got := drainDelay(tt.ctx, tt.drain); got < tt.min || got > tt.max {
			t.Errorf("%s: drainDelay = %s, want in [%s, %s]", tt.name, got, tt.min, tt.max)
		}
	}
}
