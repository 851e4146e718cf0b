package ssefeed

import (
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limits of a [Hub], as fa-auth-m8 has them.
const (
	RingSize  = 256 // events kept for Last-Event-ID resumes
	QueueSize = 64  // frames queued per connection before it is cut as slow
)

// Hub fans events out to the open streams and keeps the last RingSize for
// resumes. Event ids are "<epoch>-<seq>", the epoch being the hub's start
// in Unix nanoseconds: a restarted issuer has another epoch, so a client
// resuming across the restart gets a gap.
type Hub struct {
	epoch string
	done  chan struct{}

	mu     sync.Mutex
	seq    int64 // the last event's sequence number
	ring   []ringEvent
	gapSeq int64 // ids up to this sequence number are unresumable (MarkGap)
	conns  map[*conn]struct{}
	closed bool
}

type ringEvent struct {
	seq   int64
	frame []byte
}

type conn struct {
	frames chan []byte
	cut    chan struct{}
}

// NewHub returns a hub whose epoch is started.
func NewHub(started time.Time) *Hub {
	return &Hub{
		epoch: strconv.FormatInt(started.UnixNano(), 10),
		done:  make(chan struct{}),
		conns: map[*conn]struct{}{},
	}
}

// Publish frames an event (each line of data a data: line), keeps it for
// resumes and queues it on every open stream; a stream whose queue is full
// is cut, as the issuer disconnects a slow reader. It returns the event id.
func (h *Hub) Publish(eventType string, data []byte) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	id := h.epoch + "-" + strconv.FormatInt(h.seq, 10)
	var b strings.Builder
	b.WriteString("id: " + id + "\nevent: " + eventType + "\n")
	for line := range strings.SplitSeq(string(data), "\n") {
		b.WriteString("data: " + line + "\n")
	}
	b.WriteString("\n")
	frame := []byte(b.String())
	h.ring = append(h.ring, ringEvent{seq: h.seq, frame: frame})
	if len(h.ring) > RingSize {
		h.ring = slices.Clone(h.ring[len(h.ring)-RingSize:])
	}
	for c := range h.conns {
		select {
		case c.frames <- frame:
		default:
			h.cutLocked(c)
		}
	}
	return id
}

func (h *Hub) cutLocked(c *conn) {
	if _, open := h.conns[c]; open {
		delete(h.conns, c)
		close(c.cut)
	}
}

// Subscribe opens a stream for a client that presented lastID ("" for
// none) and returns its feed for [Serve], and the function that closes the
// stream (call it when Serve returns). The feed replays the events after
// lastID, or starts with a gap when lastID cannot be resumed: malformed,
// of another epoch, unknown, evicted from the ring, or marked by MarkGap.
// ok is false once the hub is closed.
func (h *Hub) Subscribe(lastID string, heartbeat time.Duration) (f Feed, leave func(), ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return Feed{}, func() {}, false
	}
	c := &conn{frames: make(chan []byte, QueueSize), cut: make(chan struct{})}
	h.conns[c] = struct{}{}
	f = Feed{Frames: c.frames, Cut: c.cut, Done: h.done, Heartbeat: heartbeat}
	f.Replay, f.Gap = h.resumeLocked(lastID)
	return f, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.conns, c)
	}, true
}

func (h *Hub) resumeLocked(lastID string) (replay [][]byte, gap bool) {
	if lastID == "" {
		return nil, false
	}
	epoch, seqText, found := strings.Cut(lastID, "-")
	n, err := strconv.ParseInt(seqText, 10, 64)
	switch {
	case !found || err != nil || epoch != h.epoch || n < 0 || n > h.seq:
		return nil, true
	case n <= h.gapSeq:
		return nil, true
	case n+1 < h.seq+1-int64(len(h.ring)): // the next event was evicted
		return nil, true
	}
	for _, e := range h.ring {
		if e.seq > n {
			replay = append(replay, e.frame)
		}
	}
	return replay, false
}

// MarkGap makes every event id published so far unresumable, as if the
// ring had overflowed. Open streams are not affected.
func (h *Hub) MarkGap() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.gapSeq = h.seq
}

// CutAll cuts every open stream mid-body and returns how many were cut.
func (h *Hub) CutAll() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := len(h.conns)
	for c := range h.conns {
		h.cutLocked(c)
	}
	return n
}

// Connections returns the number of open streams.
func (h *Hub) Connections() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns)
}

// Close ends every open stream cleanly and refuses new ones.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
}
