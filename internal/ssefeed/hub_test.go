package ssefeed

import (
	"strconv"
	"testing"
	"time"
)

func TestHubResume(t *testing.T) {
	h := NewHub(time.Unix(0, 42))
	var ids []string
	for i := range RingSize + 2 {
		ids = append(ids, h.Publish("session-revoked", []byte(`{"n":`+strconv.Itoa(i)+"}")))
	}
	if ids[0] != "42-1" {
		t.Fatalf("first id %q", ids[0])
	}
	tests := []struct {
		name   string
		lastID string
		gap    bool
		replay int
	}{
		{"no id", "", false, 0},
		{"the last id", ids[len(ids)-1], false, 0},
		{"two back", ids[len(ids)-3], false, 2},
		{"the oldest kept event's predecessor", ids[1], false, RingSize},
		{"evicted", ids[0], true, 0},
		{"another epoch", "7-3", true, 0},
		{"from the future", "42-99999", true, 0},
		{"malformed", "garbage", true, 0},
		{"negative", "42--1", true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, leave, ok := h.Subscribe(tc.lastID, time.Second)
			defer leave()
			if !ok || f.Gap != tc.gap || len(f.Replay) != tc.replay {
				t.Fatalf("ok %v gap %v replay %d, want gap %v replay %d", ok, f.Gap, len(f.Replay), tc.gap, tc.replay)
			}
		})
	}
	h.MarkGap()
	if f, leave, _ := h.Subscribe(ids[len(ids)-1], time.Second); !f.Gap {
		t.Error("an id before MarkGap resumed")
	} else {
		leave()
	}
	next := h.Publish("user-deleted", []byte("a\nb"))
	f, leave, _ := h.Subscribe(ids[len(ids)-1], time.Second)
	leave()
	if !f.Gap {
		t.Error("MarkGap did not hold for later subscriptions")
	}
	f, leave, _ = h.Subscribe(next, time.Second)
	leave()
	if f.Gap {
		t.Error("an id after MarkGap did not resume")
	}
}

func TestHubFanOutCutAndClose(t *testing.T) {
	h := NewHub(time.Now())
	f, leave, _ := h.Subscribe("", time.Second)
	defer leave()
	slow, leaveSlow, _ := h.Subscribe("", time.Second)
	defer leaveSlow()
	if h.Connections() != 2 {
		t.Fatalf("connections %d", h.Connections())
	}
	id := h.Publish("user-deleted", []byte("line1\nline2"))
	if got := string(<-f.Frames); got != "id: "+id+"\nevent: user-deleted\ndata: line1\ndata: line2\n\n" {
		t.Fatalf("frame %q", got)
	}
	for range QueueSize { // slow overflows (QueueSize+1 frames); f, which took one, is full
		h.Publish("x", []byte("{}"))
	}
	select {
	case <-slow.Cut:
	default:
		t.Fatal("a reader whose queue is full was not cut")
	}
	if h.Connections() != 1 {
		t.Errorf("connections after the cut %d, want 1", h.Connections())
	}
	if n := h.CutAll(); n != 1 {
		t.Errorf("CutAll cut %d, want 1", n)
	}
	select {
	case <-f.Cut:
	default:
		t.Error("CutAll did not cut f")
	}
	h.Close()
	h.Close()
	if _, _, ok := h.Subscribe("", time.Second); ok {
		t.Error("subscribed to a closed hub")
	}
	select {
	case <-f.Done:
	default:
		t.Error("Close did not end the feeds")
	}
}
