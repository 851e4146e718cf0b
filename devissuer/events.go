package devissuer

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/m8fx/kit/internal/ssefeed"
)

// Event stream limits, as fa-auth-m8 has them.
const (
	eventRingSize   = 256 // events kept for Last-Event-ID resumes
	streamQueueSize = 64  // frames queued per connection before it is cut
)

// hub fans events out to the open streams and keeps the last ones for
// resumes. Event ids are <boot epoch ns>-<seq>: a restarted issuer has a new
// epoch, so a consumer resuming across the restart gets a gap.
type hub struct {
	epoch string

	mu     sync.Mutex
	seq    int64
	ring   []ringEvent
	conns  map[*streamConn]struct{}
	closed bool
	done   chan struct{}
}

type ringEvent struct {
	seq   int64
	frame []byte
}

type streamConn struct {
	frames chan []byte
	cut    chan struct{}
}

func newHub(now func() time.Time) *hub {
	return &hub{
		epoch: strconv.FormatInt(now().UnixNano(), 10),
		conns: map[*streamConn]struct{}{},
		done:  make(chan struct{}),
	}
}

// publish frames an event, keeps it for resumes and queues it on every
// open connection (a connection whose queue is full is cut, as the issuer
// disconnects a slow reader). It returns the event id.
func (h *hub) publish(eventType string, data []byte) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.seq++
	id := h.epoch + "-" + strconv.FormatInt(h.seq, 10)
	frame := []byte("id: " + id + "\nevent: " + eventType + "\ndata: " + string(data) + "\n\n")
	h.ring = append(h.ring, ringEvent{seq: h.seq, frame: frame})
	if len(h.ring) > eventRingSize {
		h.ring = slices.Clone(h.ring[len(h.ring)-eventRingSize:])
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

func (h *hub) cutLocked(c *streamConn) {
	if _, open := h.conns[c]; open {
		delete(h.conns, c)
		close(c.cut)
	}
}

// cutAll cuts every open connection.
func (h *hub) cutAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.conns {
		h.cutLocked(c)
	}
}

// connections returns the number of open streams.
func (h *hub) connections() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns)
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
}

// open registers a connection resuming after lastID: the frames to replay,
// and whether a gap must be sent first (lastID malformed, of another
// epoch, or older than the ring). ok is false once the hub is closed.
func (h *hub) open(lastID string) (c *streamConn, replay [][]byte, gap, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, nil, false, false
	}
	c = &streamConn{frames: make(chan []byte, streamQueueSize), cut: make(chan struct{})}
	h.conns[c] = struct{}{}
	if lastID == "" {
		return c, nil, false, true
	}
	epoch, seqText, found := strings.Cut(lastID, "-")
	n, err := strconv.ParseInt(seqText, 10, 64)
	oldest := h.seq + 1 - int64(len(h.ring)) // seq of the oldest kept event
	if !found || err != nil || epoch != h.epoch || n < 0 || n > h.seq || n+1 < oldest {
		return c, nil, true, true
	}
	for _, e := range h.ring {
		if e.seq > n {
			replay = append(replay, e.frame)
		}
	}
	return c, replay, false, true
}

func (h *hub) leave(c *streamConn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.conns, c)
}

// serveEventStream is the SSE stream of auth events.
func (s *Server) serveEventStream(w http.ResponseWriter, r *http.Request) {
	if _, ref := s.authorize(r, ScopeEventStream); ref != nil {
		s.refuse(w, r, ref)
		return
	}
	if _, ok := s.fault(FaultStreamDrop); ok {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"detail": "Service Unavailable"})
		return
	}
	c, replay, gap, ok := s.hub.open(r.Header.Get("Last-Event-ID"))
	if !ok {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"detail": "Service Unavailable"})
		return
	}
	defer s.hub.leave(c)
	ssefeed.Serve(w, r, ssefeed.Feed{Gap: gap, Replay: replay, Frames: c.frames, Cut: c.cut, Done: s.hub.done, Heartbeat: s.cfg.Heartbeat})
}

// emit signs payload into the envelope and publishes it.
func (s *Server) emit(eventType string, payload map[string]any) string {
	raw, err := json.Marshal(payload)
	if err != nil {
		panic(err) // the payloads are built here from strings and integers
	}
	sig, err := s.signer.SignJSON(raw)
	if err != nil {
		panic(err)
	}
	env, err := json.Marshal(map[string]any{"payload": json.RawMessage(raw), "sig": sig})
	if err != nil {
		panic(err)
	}
	return s.hub.publish(eventType, env)
}

// StreamConnections returns the number of open event streams.
func (s *Server) StreamConnections() int { return s.hub.connections() }
