package devissuer

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// Fault kinds, for [Server.InjectFault].
const (
	// FaultJTIStatusDown: jti-status closes the connection without an
	// answer (a transport failure for the consumer).
	FaultJTIStatusDown = "jti_status_down"
	// FaultJTIStatusError: jti-status answers 500.
	FaultJTIStatusError = "jti_status_error"
	// FaultJTIStatusSlow: jti-status answers after Fault.Delay.
	FaultJTIStatusSlow = "jti_status_slow"
	// FaultStreamDrop: open event streams are cut, and new ones refused
	// with 503, for the fault's duration.
	FaultStreamDrop = "stream_drop"
	// FaultAPIKeyRateLimit: API-key introspection answers 429 with
	// Retry-After (Fault.RetryAfter seconds, default 1).
	FaultAPIKeyRateLimit = "api_key_rate_limit"
	// FaultAPIKeyError: API-key introspection answers 500.
	FaultAPIKeyError = "api_key_error"
)

// faultKinds are the known kinds.
var faultKinds = []string{FaultJTIStatusDown, FaultJTIStatusError, FaultJTIStatusSlow, FaultStreamDrop, FaultAPIKeyRateLimit, FaultAPIKeyError}

// MaxFaultDuration bounds how long a fault lasts.
const MaxFaultDuration = time.Hour

// Fault is a failure injected for a while.
type Fault struct {
	Kind string `json:"kind"`
	// For is how long the fault lasts (0: 60 s; at most an hour). Over
	// JSON it is seconds.
	For time.Duration `json:"-"`
	// Delay is the delay of FaultJTIStatusSlow (0: 2 s, at most 60 s).
	Delay time.Duration `json:"-"`
	// RetryAfter is the Retry-After of FaultAPIKeyRateLimit, in seconds
	// (0: 1).
	RetryAfter int `json:"retry_after,omitempty"`
	// Until is when the fault ends (set by InjectFault).
	Until time.Time `json:"until"`
}

// faults are the active faults by kind.
type faults map[string]Fault

// InjectFault starts f (replacing an active fault of its kind) and returns
// it with its end time.
func (s *Server) InjectFault(f Fault) (Fault, error) {
	switch {
	case !slices.Contains(faultKinds, f.Kind):
		return Fault{}, fmt.Errorf("fault kind %q: want one of %v", f.Kind, faultKinds)
	case f.For < 0 || f.For > MaxFaultDuration:
		return Fault{}, fmt.Errorf("fault duration %s: want up to %s", f.For, MaxFaultDuration)
	case f.Delay < 0 || f.Delay > time.Minute:
		return Fault{}, fmt.Errorf("fault delay %s: want up to 1m", f.Delay)
	case f.RetryAfter < 0 || f.RetryAfter > 3600:
		return Fault{}, fmt.Errorf("fault retry_after %d: want 0 to 3600 seconds", f.RetryAfter)
	}
	if f.For == 0 {
		f.For = time.Minute
	}
	if f.Kind == FaultJTIStatusSlow && f.Delay == 0 {
		f.Delay = 2 * time.Second
	}
	if f.Kind == FaultAPIKeyRateLimit && f.RetryAfter == 0 {
		f.RetryAfter = 1
	}
	f.Until = s.cfg.Now().Add(f.For)
	s.mu.Lock()
	if s.faults == nil {
		s.faults = faults{}
	}
	s.faults[f.Kind] = f
	s.mu.Unlock()
	if f.Kind == FaultStreamDrop {
		s.hub.CutAll()
	}
	s.cfg.Logger.Sugar().Infof("fault %s injected for %s", f.Kind, f.For)
	return f, nil
}

// ClearFaults ends every active fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
	s.cfg.Logger.Info("faults cleared")
}

// Faults returns the active faults, by kind.
func (s *Server) Faults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	var out []Fault
	for _, f := range s.faults {
		if now.Before(f.Until) {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

// fault returns the active fault of kind.
func (s *Server) fault(kind string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.faults[kind]
	if !ok || !s.cfg.Now().Before(f.Until) {
		return Fault{}, false
	}
	return f, true
}
