package ssefeed

import (
	"net/http"
	"time"
)

// Frames the stream sends besides events.
const (
	GapFrame  = "event: gap\ndata: {}\n\n"
	PingFrame = ": ping\n\n"
)

// Feed is what one open stream sends.
type Feed struct {
	// Gap sends GapFrame first (the client's Last-Event-ID cannot be
	// resumed).
	Gap bool
	// Replay are the frames after the client's Last-Event-ID.
	Replay [][]byte
	// Frames are the live frames.
	Frames <-chan []byte
	// Cut, when closed, aborts the connection mid-body (a slow reader, or a
	// fault): the client sees an unexpected end of the stream.
	Cut <-chan struct{}
	// Done, when closed, ends the stream cleanly (the server stops).
	Done <-chan struct{}
	// Heartbeat is the period of PingFrame.
	Heartbeat time.Duration
}

// Serve answers r with the feed until it ends.
func Serve(w http.ResponseWriter, r *http.Request, f Feed) {
	flusher, _ := w.(http.Flusher)
	write := func(frame []byte) bool {
		if _, err := w.Write(frame); err != nil {
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	if flusher != nil {
		flusher.Flush()
	}
	if f.Gap && !write([]byte(GapFrame)) {
		return
	}
	for _, frame := range f.Replay {
		if !write(frame) {
			return
		}
	}
	ticker := time.NewTicker(f.Heartbeat)
	defer ticker.Stop()
	for {
		select {
		case frame := <-f.Frames:
			if !write(frame) {
				return
			}
		case <-ticker.C:
			if !write([]byte(PingFrame)) {
				return
			}
		case <-f.Cut:
			panic(http.ErrAbortHandler) // net/http closes the connection mid-body
		case <-f.Done:
			return
		case <-r.Context().Done():
			return
		}
	}
}
