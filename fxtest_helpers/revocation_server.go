package fxtest_helpers

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
)

// Paths of the fake fa-auth-m8 private API (the issuer's prefix "/user"
// included, as in deployments).
const (
	// RevocationBasePath is the base of every private route.
	RevocationBasePath = "/user/private/v1"
	// RevocationPath is the jti-status endpoint (INTROSPECTION_URL).
	RevocationPath = RevocationBasePath + "/jti-status"
	// ServiceTokenPath is the service-token exchange endpoint.
	ServiceTokenPath = RevocationBasePath + "/service-token"
	// EventStreamPath is the auth event stream (SSE) endpoint.
	EventStreamPath = RevocationBasePath + "/events/stream"
)

// RevocationServer is a fake of fa-auth-m8's private API, speaking today's
// protocol (reference/fa-auth-m8-protocol.md §2–§4):
//
//   - POST [RevocationPath], the jti-status check of stateful token mode. It
//     checks what the kit sends (POST, the internal-auth headers, the
//     schema-2 JSON body) and answers v2 like the auth service:
//     {"schema_version": "2", "active": false} for revoked tokens,
//     {"schema_version": "2", "active": true, "user_id": <expected_user_id>,
//     "auth_generation": g} otherwise, where g is the user's generation
//     (1 until [RevocationServer.RevokeUser]);
//   - POST [ServiceTokenPath], the service-token exchange (see
//     service_token.go: [RevocationClient], [RevocationServiceTokenTTL]...);
//   - GET [EventStreamPath], the signed auth event stream (see
//     event_stream_server.go: [RevocationServer.Revoke],
//     [RevocationServer.RevokeUser], [RevocationServer.DropStreams]...).
//
// Private calls are authenticated in any of the three modes of §2: legacy
// (X-Internal-Token: [RevocationServer.Secret], unless
// [RevocationRequireClient]), bootstrap (X-Internal-Client and
// X-Internal-Token of a client registered with [RevocationClient]) or a
// service token (Authorization: Bearer, with the route's scope:
// "introspection" for jti-status, "event-stream" for the stream).
//
// The Set* failure modes, [RevocationServer.Hold] and
// [RevocationServer.Calls] concern the jti-status endpoint (and any unknown
// path); the exchange and the stream have their own controls. The server is
// closed when the test ends (or by [RevocationServer.Close]) and is safe
// for concurrent use.
type RevocationServer struct {
	t      testing.TB
	srv    *httptest.Server
	secret string
	cfg    revocationConfig

	calls     atomic.Int64
	exchanges atomic.Int64

	traceparents traceparents // jti-status requests' (revocation_traceparent.go)

	// apiKeyState is the API-key introspection endpoint's (api_key_server.go).
	apiKeyState *apiKeyState

	closing   chan struct{} // closed by Close: stream handlers return
	closeOnce sync.Once

	mu       sync.Mutex
	revoked  map[string]bool
	users    map[string]*revocationUser
	sessions map[session]int64 // (jti, user) -> the generation it was first checked at
	jtiUser  map[string]string // jti -> the user it was last checked or revoked for
	down     bool
	drop     bool
	garbage  bool
	mismatch bool
	delay    time.Duration
	hold     chan struct{} // non-nil while requests are held
	waiting  int
	problems []string
	last     *RevocationRequest
	forced   int // private calls still to answer 401 (ForceUnauthorized)

	tokenKey   []byte                  // signs service tokens (HS256 JWTs, as the issuer's; consumers never parse them)
	tokens     map[string]serviceToken // live service tokens
	lastScopes []string                // scopes of the last well-formed exchange

	stream eventStream // the event stream's state, guarded by mu
}

// revocationUser is the issuer-side state of one user.
type revocationUser struct {
	generation int64
	deleted    bool
}

// session is a jti as checked for one user.
type session struct{ jti, user string }

// RevocationRequest is a request body the server received.
type RevocationRequest struct {
	JTI            string `json:"jti"`
	ExpectedUserID string `json:"expected_user_id"`
	SchemaVersion  string `json:"schema_version"`
}

// RevocationOption configures [NewRevocationServer].
type RevocationOption func(*revocationConfig)

type revocationConfig struct {
	clients         map[string]string // client id -> bootstrap secret
	firstClient     string            // the client Env names
	requireClient   bool
	granted         []string
	tokenTTL        time.Duration
	exchangeOff     bool
	signingKey      string
	signingKeyGiven bool
	heartbeat       time.Duration
}

// NewRevocationServer starts a fake fa-auth-m8 private API with a random
// PRIVATE_API_SECRET. Without options it accepts legacy calls, has no
// registered client (so no exchange succeeds), signs events with a random
// key ([RevocationServer.SigningKey]) and sends a heartbeat every
// [DefaultRevocationHeartbeat].
func NewRevocationServer(t testing.TB, opts ...RevocationOption) *RevocationServer {
	t.Helper()
	s := &RevocationServer{
		t:           t,
		secret:      randomHex(24),
		closing:     make(chan struct{}),
		apiKeyState: &apiKeyState{keys: map[[sha256.Size]byte]*apiKey{}},
		revoked:     map[string]bool{},
		users:       map[string]*revocationUser{},
		sessions:    map[session]int64{},
		jtiUser:     map[string]string{},
		tokens:      map[string]serviceToken{},
		tokenKey:    []byte(randomHex(32)),
		cfg: revocationConfig{
			clients:   map[string]string{},
			granted:   append([]string(nil), defaultGrantedScopes...),
			tokenTTL:  DefaultServiceTokenTTL,
			heartbeat: DefaultRevocationHeartbeat,
		},
	}
	for _, o := range opts {
		o(&s.cfg)
	}
	for id, secret := range s.cfg.clients {
		if secret == "" {
			s.cfg.clients[id] = s.secret
		}
	}
	s.initStream()
	s.srv = httptest.NewServer(http.HandlerFunc(s.route))
	t.Cleanup(s.Close)
	return s
}

// Close stops the server: open event streams end, held requests are
// released, and it waits for every handler to return. It is called when
// the test ends; calling it again does nothing.
func (s *RevocationServer) Close() {
	s.closeOnce.Do(func() {
		close(s.closing)
		s.stream.hub.Close()
		s.release()
		s.srv.Close()
	})
}

// URL returns the INTROSPECTION_URL (the jti-status endpoint).
func (s *RevocationServer) URL() string { return s.srv.URL + RevocationPath }

// BaseURL returns the URL of the private API's base ([RevocationBasePath]);
// the exchange and the stream are at BaseURL()+"/service-token" and
// BaseURL()+"/events/stream".
func (s *RevocationServer) BaseURL() string { return s.srv.URL + RevocationBasePath }

// Secret returns the PRIVATE_API_SECRET the server expects in legacy mode
// (and from clients registered without a secret of their own).
func (s *RevocationServer) Secret() string { return s.secret }

// Env returns TOKEN_MODE=stateful, INTROSPECTION_URL and
// PRIVATE_API_SECRET. With a client registered ([RevocationClient]) it
// also sets INTERNAL_CLIENT_ID (the first client), PRIVATE_API_SECRET to
// that client's secret and SERVICE_TOKEN_EXCHANGE_ENABLED (false with
// [RevocationExchangeDisabled]); with [RevocationSigningKey],
// EVENT_SIGNING_KEY.
func (s *RevocationServer) Env() map[string]string {
	env := map[string]string{
		"TOKEN_MODE":         "stateful",
		"INTROSPECTION_URL":  s.URL(),
		"PRIVATE_API_SECRET": s.secret,
	}
	if id := s.cfg.firstClient; id != "" {
		env["INTERNAL_CLIENT_ID"] = id
		env["PRIVATE_API_SECRET"] = s.cfg.clients[id]
		env["SERVICE_TOKEN_EXCHANGE_ENABLED"] = strconv.FormatBool(!s.cfg.exchangeOff)
	}
	if s.cfg.signingKeyGiven {
		env["EVENT_SIGNING_KEY"] = s.cfg.signingKey
	}
	return env
}

// Calls returns how many requests reached the jti-status endpoint (or an
// unknown path), refused ones included. Exchanges and stream connections
// are counted by [RevocationServer.Exchanges] and
// [RevocationServer.StreamConnects].
func (s *RevocationServer) Calls() int { return int(s.calls.Load()) }

// Generation returns the user's auth generation: 1, plus one per
// [RevocationServer.RevokeUser].
func (s *RevocationServer) Generation(sub string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.userLocked(sub).generation
}

// SetDown makes the jti-status endpoint answer 503 (true) or answer
// normally (false).
func (s *RevocationServer) SetDown(down bool) { s.set(func() { s.down = down }) }

// SetDrop makes the jti-status endpoint close connections without
// answering. (Open event streams are cut by [RevocationServer.DropStreams].)
func (s *RevocationServer) SetDrop(drop bool) { s.set(func() { s.drop = drop }) }

// SetDelay delays every jti-status answer by d (cut short when the client
// gives up).
func (s *RevocationServer) SetDelay(d time.Duration) { s.set(func() { s.delay = d }) }

// SetGarbage makes the jti-status endpoint answer 200 with a body that is
// not JSON.
func (s *RevocationServer) SetGarbage(garbage bool) { s.set(func() { s.garbage = garbage }) }

// SetMismatch makes the jti-status endpoint answer active with a user_id
// that is not the expected one.
func (s *RevocationServer) SetMismatch(mismatch bool) { s.set(func() { s.mismatch = mismatch }) }

// ForceUnauthorized makes the next n private calls (jti-status requests and
// event-stream connections, whatever their credentials) answer 401, as the
// issuer does for a service token it no longer accepts. Exchanges are not
// affected. n <= 0 cancels what is left.
func (s *RevocationServer) ForceUnauthorized(n int) {
	s.set(func() { s.forced = max(n, 0) })
}

// Hold makes jti-status requests wait, from now on, until the returned
// release is called (or the client gives up, or the test ends). release may
// be called more than once.
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
// on any route (wrong method, missing or wrong credentials, a service
// token without the route's scope, bad body). Refusals the test asked for
// (forced 401, a scope not granted, a disabled exchange, an expired
// service token) are not protocol errors.
func (s *RevocationServer) ProtocolErrors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.problems...)
}

// LastRequest returns the last well-formed jti-status request body (nil if
// none).
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

func (s *RevocationServer) problem(p string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.problems = append(s.problems, p)
}

// userLocked returns the state of sub, creating it at generation 1.
func (s *RevocationServer) userLocked(sub string) *revocationUser {
	u := s.users[sub]
	if u == nil {
		u = &revocationUser{generation: 1}
		s.users[sub] = u
	}
	return u
}

// takeForced consumes one forced 401, reporting whether there was one.
func (s *RevocationServer) takeForced() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.forced == 0 {
		return false
	}
	s.forced--
	return true
}

// route dispatches on the path; anything but the exchange and the stream
// is handled (and refused when unknown) by the jti-status handler.
func (s *RevocationServer) route(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case ServiceTokenPath:
		s.serveExchange(w, r)
	case EventStreamPath:
		s.serveStream(w, r)
	case APIKeyIntrospectionPath:
		s.serveAPIKeyIntrospection(w, r)
	default:
		s.serveStatus(w, r)
	}
}

func (s *RevocationServer) serveStatus(w http.ResponseWriter, r *http.Request) {
	s.calls.Add(1)
	s.traceparents.record(r)
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

	req, status, problem, record := s.parse(r, data, readErr)
	if status != 0 {
		if record {
			s.problem(problem)
		}
		writeJSON(w, status, map[string]any{"detail": problem})
		return
	}
	s.mu.Lock()
	s.last = req
	active, generation := s.statusLocked(req)
	s.mu.Unlock()

	switch {
	case garbage:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "<html>502 Bad Gateway</html>")
	case !active:
		writeJSON(w, http.StatusOK, map[string]any{"schema_version": "2", "active": false})
	case mismatch:
		writeJSON(w, http.StatusOK, map[string]any{
			"schema_version": "2", "active": true, "user_id": uuid.NewString(), "auth_generation": 1,
		})
	default:
		writeJSON(w, http.StatusOK, map[string]any{
			"schema_version": "2", "active": true, "user_id": req.ExpectedUserID, "auth_generation": generation,
		})
	}
}

// statusLocked decides the answer to a jti-status request. A (jti, user)
// pair is remembered with the user's generation when first asked: it is
// inactive once the jti is revoked, once the user is deleted, or when the
// user's generation has moved past it (RevokeUser). A pair first asked
// after a RevokeUser is a new session: active at the new generation.
func (s *RevocationServer) statusLocked(req *RevocationRequest) (active bool, generation int64) {
	if s.revoked[req.JTI] {
		return false, 0
	}
	u := s.userLocked(req.ExpectedUserID)
	if u.deleted {
		return false, 0
	}
	k := session{jti: req.JTI, user: req.ExpectedUserID}
	gen, seen := s.sessions[k]
	if !seen {
		gen = u.generation
		s.sessions[k] = gen
	}
	s.jtiUser[req.JTI] = req.ExpectedUserID
	if gen < u.generation {
		return false, 0
	}
	return true, u.generation
}

// parse checks the request like the auth service does. A non-zero status
// refuses it; record tells whether the refusal is a protocol error.
func (s *RevocationServer) parse(r *http.Request, data []byte, readErr error) (*RevocationRequest, int, string, bool) {
	if r.Method != http.MethodPost {
		return nil, http.StatusMethodNotAllowed, "method must be POST, got " + r.Method, true
	}
	if r.URL.Path != RevocationPath {
		return nil, http.StatusNotFound, "unknown path " + r.URL.Path, true
	}
	if status, problem, record := s.authorize(r, scopeIntrospection); status != 0 {
		return nil, status, problem, record
	}
	if readErr != nil {
		return nil, http.StatusBadRequest, "unreadable body", true
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var req RevocationRequest
	if err := dec.Decode(&req); err != nil {
		return nil, http.StatusUnprocessableEntity, fmt.Sprintf("body is not the schema-2 JSON object: %v", err), true
	}
	switch {
	case req.JTI == "":
		return nil, http.StatusUnprocessableEntity, `body has no "jti"`, true
	case req.ExpectedUserID == "":
		return nil, http.StatusUnprocessableEntity, `body has no "expected_user_id"`, true
	case req.SchemaVersion != "2":
		return nil, http.StatusUnprocessableEntity, fmt.Sprintf(`"schema_version" must be "2", got %q`, req.SchemaVersion), true
	}
	return &req, 0, "", false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// randomHex returns n random bytes, hex encoded.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
