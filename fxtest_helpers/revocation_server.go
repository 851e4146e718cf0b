package fxtest_helpers

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
)

// RevocationPath is the path of the fake jti-status endpoint (the
// fa-auth-m8 path).
const RevocationPath = "/user/private/v1/jti-status"

// RevocationServer is a fake fa-auth-m8 jti-status endpoint for stateful
// token mode. It checks what the kit sends (POST, X-Internal-Token, the
// schema-2 JSON body) and answers like the auth service: {"active": false}
// for revoked jtis, {"active": true, "user_id": <expected_user_id>, ...}
// otherwise. Setters switch it into failure modes. It is closed when the
// test ends and is safe for concurrent use.
type RevocationServer struct {
	t      testing.TB
	srv    *httptest.Server
	secret string

	calls atomic.Int64

	mu       sync.Mutex
	revoked  map[string]bool
	down     bool
	drop     bool
	garbage  bool
	mismatch bool
	delay    time.Duration
	hold     chan struct{} // non-nil while requests are held
	waiting  int
	problems []string
	last     *RevocationRequest
}

// RevocationRequest is a request body the server received.
type RevocationRequest struct {
	JTI            string `json:"jti"`
	ExpectedUserID string `json:"expected_user_id"`
	SchemaVersion  string `json:"schema_version"`
}

// NewRevocationServer starts a fake jti-status server with a random
// PRIVATE_API_SECRET.
func NewRevocationServer(t testing.TB) *RevocationServer {
	t.Helper()
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	s := &RevocationServer{t: t, secret: hex.EncodeToString(b), revoked: map[string]bool{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		s.release()
		s.srv.Close()
	})
	return s
}

// URL returns the INTROSPECTION_URL.
func (s *RevocationServer) URL() string { return s.srv.URL + RevocationPath }

// Secret returns the PRIVATE_API_SECRET the server expects.
func (s *RevocationServer) Secret() string { return s.secret }

// Env returns TOKEN_MODE=stateful, INTROSPECTION_URL and PRIVATE_API_SECRET.
func (s *RevocationServer) Env() map[string]string {
	return map[string]string{
		"TOKEN_MODE":         "stateful",
		"INTROSPECTION_URL":  s.URL(),
		"PRIVATE_API_SECRET": s.secret,
	}
}

// Revoke marks jti as revoked.
func (s *RevocationServer) Revoke(jti string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked[jti] = true
}

// Calls returns how many requests reached the server (of any kind).
func (s *RevocationServer) Calls() int { return int(s.calls.Load()) }

// SetDown makes the server answer 503 (true) or answer normally (false).
func (s *RevocationServer) SetDown(down bool) { s.set(func() { s.down = down }) }

// SetDrop makes the server close connections without answering.
func (s *RevocationServer) SetDrop(drop bool) { s.set(func() { s.drop = drop }) }

// SetDelay delays every answer by d (cut short when the client gives up).
func (s *RevocationServer) SetDelay(d time.Duration) { s.set(func() { s.delay = d }) }

// SetGarbage makes the server answer 200 with a body that is not JSON.
func (s *RevocationServer) SetGarbage(garbage bool) { s.set(func() { s.garbage = garbage }) }

// SetMismatch makes the server answer active with a user_id that is not the
// expected one.
func (s *RevocationServer) SetMismatch(mismatch bool) { s.set(func() { s.mismatch = mismatch }) }

// Hold makes requests wait, from now on, until the returned release is called
// (or the client gives up, or the test ends). release may be called more
// than once.
func (s *RevocationServer) Hold() (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hold == nil {
		s.hold = make(chan struct{})
	}
	return s.release
}

// Waiting returns how many requests are held by [RevocationServer.Hold].
func (s *RevocationServer) Waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waiting
}

func (s *RevocationServer) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hold != nil {
		close(s.hold)
		s.hold = nil
	}
}

// ProtocolErrors returns what was wrong in the requests the server refused
// (wrong method, missing or wrong X-Internal-Token, bad body).
func (s *RevocationServer) ProtocolErrors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.problems...)
}

// LastRequest returns the last well-formed request body (nil if none).
func (s *RevocationServer) LastRequest() *RevocationRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == nil {
		return nil
	}
	r := *s.last
	return &r
}

func (s *RevocationServer) set(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

func (s *RevocationServer) serve(w http.ResponseWriter, r *http.Request) {
	s.calls.Add(1)
	// Read the body first: only then does net/http notice a client that
	// hangs up (and cancel r.Context()) while the request is held or delayed.
	data, readErr := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	s.mu.Lock()
	hold, delay := s.hold, s.delay
	if hold != nil {
		s.waiting++
	}
	s.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-r.Context().Done():
		}
		s.mu.Lock()
		s.waiting--
		s.mu.Unlock()
	}
	if delay > 0 {
		timer := time.NewTimer(delay)
		select {
		case <-timer.C:
		case <-r.Context().Done():
			timer.Stop()
			return
		}
	}

	s.mu.Lock()
	down, drop, garbage, mismatch := s.down, s.drop, s.garbage, s.mismatch
	s.mu.Unlock()
	switch {
	case drop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	case down:
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"detail": "Service Unavailable"})
		return
	}

	req, status, problem := s.parse(r, data, readErr)
	if problem != "" {
		s.mu.Lock()
		s.problems = append(s.problems, problem)
		s.mu.Unlock()
		writeJSON(w, status, map[string]any{"detail": problem})
		return
	}
	s.mu.Lock()
	s.last = req
	revoked := s.revoked[req.JTI]
	s.mu.Unlock()

	switch {
	case garbage:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "<html>502 Bad Gateway</html>")
	case revoked:
		writeJSON(w, http.StatusOK, map[string]any{"active": false})
	case mismatch:
		writeJSON(w, http.StatusOK, map[string]any{"active": true, "user_id": uuid.NewString(), "jti": req.JTI})
	default:
		writeJSON(w, http.StatusOK, map[string]any{
			"active": true, "user_id": req.ExpectedUserID, "jti": req.JTI, "token_type": "access",
		})
	}
}

// parse checks the request like the auth service does.
func (s *RevocationServer) parse(r *http.Request, data []byte, readErr error) (*RevocationRequest, int, string) {
	if r.Method != http.MethodPost {
		return nil, http.StatusMethodNotAllowed, "method must be POST, got " + r.Method
	}
	if r.URL.Path != RevocationPath {
		return nil, http.StatusNotFound, "unknown path " + r.URL.Path
	}
	got := r.Header.Get("X-Internal-Token")
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(s.secret)) != 1 {
		return nil, http.StatusUnauthorized, "missing or wrong X-Internal-Token"
	}
	if readErr != nil {
		return nil, http.StatusBadRequest, "unreadable body"
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var req RevocationRequest
	if err := dec.Decode(&req); err != nil {
		return nil, http.StatusUnprocessableEntity, fmt.Sprintf("body is not the schema-2 JSON object: %v", err)
	}
	switch {
	case req.JTI == "":
		return nil, http.StatusUnprocessableEntity, `body has no "jti"`
	case req.ExpectedUserID == "":
		return nil, http.StatusUnprocessableEntity, `body has no "expected_user_id"`
	case req.SchemaVersion != "2":
		return nil, http.StatusUnprocessableEntity, fmt.Sprintf(`"schema_version" must be "2", got %q`, req.SchemaVersion)
	}
	return &req, 0, ""
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
