package fxtest_helpers

import (
	"net/http"
	"slices"
	"sync"
)

// traceparents are the W3C traceparent headers that the jti-status
// endpoint received, in order ("" for a request without one).
type traceparents struct {
	mu   sync.Mutex
	seen []string
}

func (p *traceparents) record(r *http.Request) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seen = append(p.seen, r.Header.Get("traceparent"))
}

// Traceparents returns the traceparent header of every jti-status request
// received so far, in order ("" for a request that had none), so a test
// sees that the consumer's trace reaches the issuer.
func (s *RevocationServer) Traceparents() []string {
	s.traceparents.mu.Lock()
	defer s.traceparents.mu.Unlock()
	return slices.Clone(s.traceparents.seen)
}
