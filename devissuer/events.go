package devissuer

import (
	"encoding/json"
	"net/http"

	"github.com/m8fx/kit/internal/ssefeed"
)

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
	feed, leave, ok := s.hub.Subscribe(r.Header.Get("Last-Event-ID"), s.cfg.Heartbeat)
	if !ok {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"detail": "Service Unavailable"})
		return
	}
	defer leave()
	ssefeed.Serve(w, r, feed)
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
	return s.hub.Publish(eventType, env)
}

// StreamConnections returns the number of open event streams.
func (s *Server) StreamConnections() int { return s.hub.Connections() }
