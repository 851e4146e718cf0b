package fxtest_helpers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/m8fx/kit/authevent"
	"github.com/m8fx/kit/internal/ssefeed"
)

// DefaultRevocationHeartbeat is how often the fake's event stream sends
// its ": ping" comment unless [RevocationHeartbeat] says otherwise (the real
// issuer: every 15 s).
const DefaultRevocationHeartbeat = time.Second

// EventSignature says how [RevocationServer] signs the events it emits
// (see [RevocationServer.SetEventSignature]).
type EventSignature int

const (
	// EventSigned: {"payload": {...}, "sig": "<valid signature>"} (the
	// default).
	EventSigned EventSignature = iota
	// EventUnsigned: {"payload": {...}}, without "sig".
	EventUnsigned
	// EventBadlySigned: a "sig" that is well-formed hex but does not match
	// the payload.
	EventBadlySigned
)

// eventStream is the stream's state, guarded by RevocationServer.mu (the
// hub has its own lock).
type eventStream struct {
	signer      *authevent.Signer
	hub         *ssefeed.Hub
	connects    int
	lastEventID string
	notify      chan struct{} // closed (and replaced) at each accepted connection
	signature   EventSignature
}

// RevocationSigningKey sets EVENT_SIGNING_KEY, the key events are signed
// with (at least [authevent.MinKeyBytes] bytes); [RevocationServer.Env]
// then sets EVENT_SIGNING_KEY. Default: a random key, see
// [RevocationServer.SigningKey].
func RevocationSigningKey(key string) RevocationOption {
	return func(c *revocationConfig) { c.signingKey, c.signingKeyGiven = key, true }
}

// RevocationHeartbeat sets how often an open stream gets a ": ping"
// comment (default [DefaultRevocationHeartbeat]).
func RevocationHeartbeat(d time.Duration) RevocationOption {
	return func(c *revocationConfig) { c.heartbeat = d }
}

func (s *RevocationServer) initStream() {
	if !s.cfg.signingKeyGiven {
		s.cfg.signingKey = randomHex(32)
	}
	signer, err := authevent.NewSigner([]byte(s.cfg.signingKey))
	if err != nil {
		s.t.Fatalf("fxtest_helpers: NewRevocationServer: RevocationSigningKey: %v", err)
	}
	if s.cfg.heartbeat <= 0 {
		s.t.Fatalf("fxtest_helpers: NewRevocationServer: RevocationHeartbeat must be positive, got %v", s.cfg.heartbeat)
	}
	s.stream = eventStream{signer: signer, hub: ssefeed.NewHub(time.Now()), notify: make(chan struct{})}
}

// SigningKey returns the EVENT_SIGNING_KEY events are signed with.
func (s *RevocationServer) SigningKey() string { return s.cfg.signingKey }

// SetEventSignature sets how the events emitted from now on are signed
// (for a consumer's drop tests); [EventSigned] restores valid signatures.
func (s *RevocationServer) SetEventSignature(sig EventSignature) {
	s.set(func() { s.stream.signature = sig })
}

// Revoke marks jti as revoked (jti-status answers inactive) and emits a
// session.revoked v2 event for it, with the user's current generation and
// event_id "<user>:<generation>:revoke:<jti>". The user is the one the
// jti was last checked for; for a jti never checked it is the nil UUID (use
// [RevocationServer.RevokeSession] to name it). It returns the event id.
func (s *RevocationServer) Revoke(jti string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	user := uuid.Nil.String()
	if u, ok := s.jtiUser[jti]; ok {
		user = u
	}
	s.revoked[jti] = true
	return s.emitSessionRevokedLocked(user, jti)
}

// RevokeSession is [RevocationServer.Revoke] for a token of user sub.
func (s *RevocationServer) RevokeSession(sub, jti string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.jtiUser[jti] = sub
	s.revoked[jti] = true
	return s.emitSessionRevokedLocked(sub, jti)
}

func (s *RevocationServer) emitSessionRevokedLocked(user, jti string) string {
	gen := s.userLocked(user).generation
	return s.publishLocked("session-revoked", s.envelopeLocked(map[string]any{
		"event_type":      "session.revoked",
		"version":         "v2",
		"user_id":         user,
		"jti":             jti,
		"auth_generation": gen,
		"event_id":        fmt.Sprintf("%s:%d:revoke:%s", user, gen, jti),
	}))
}

// RevokeUser revokes every session of user sub: it bumps the user's
// generation (jti-status answers inactive for the jtis checked so far, and
// active at the new generation for new ones) and emits a session.revoked
// v2 event with jti null, the new generation and event_id
// "<user>:<generation>:revoke:all". It returns the event id; the
// generation is [RevocationServer.Generation].
func (s *RevocationServer) RevokeUser(sub string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userLocked(sub)
	u.generation++
	return s.publishLocked("session-revoked", s.envelopeLocked(map[string]any{
		"event_type":      "session.revoked",
		"version":         "v2",
		"user_id":         sub,
		"jti":             nil,
		"auth_generation": u.generation,
		"event_id":        fmt.Sprintf("%s:%d:revoke:all", sub, u.generation),
	}))
}

// DeleteUser deletes user sub (jti-status answers inactive for all its
// tokens, from now on) and emits a user.deleted v1 event. It returns the
// event id.
func (s *RevocationServer) DeleteUser(sub string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.userLocked(sub).deleted = true
	return s.publishLocked("user-deleted", s.envelopeLocked(map[string]any{
		"event_type": "user.deleted",
		"version":    "v1",
		"user_id":    sub,
	}))
}

// SendRawEvent emits a frame with the given event type and data sent as
// is (several lines become several data: lines), for malformed or
// unexpected events. It returns the event id.
func (s *RevocationServer) SendRawEvent(eventType, data string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.publishLocked(eventType, []byte(data))
}

// Gap makes every event id delivered so far unresumable, as if the ring
// buffer had overflowed: the next connection presenting one of them as
// Last-Event-ID gets "event: gap" first (and no replay). Open connections
// are not affected; call [RevocationServer.DropStreams] to make the
// client resume now.
func (s *RevocationServer) Gap() { s.stream.hub.MarkGap() }

// DropStreams cuts every open stream connection abruptly (no end of the
// chunked body: the client sees an unexpected EOF) and returns how many
// were cut.
func (s *RevocationServer) DropStreams() int { return s.stream.hub.CutAll() }

// StreamConnections returns how many stream connections are open.
func (s *RevocationServer) StreamConnections() int { return s.stream.hub.Connections() }

// StreamConnects returns how many stream connections were accepted since
// the server started (refused attempts are not counted).
func (s *RevocationServer) StreamConnects() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stream.connects
}

// WaitStreamConnects waits until at least n stream connections were
// accepted since the server started, and reports whether that happened
// within timeout.
func (s *RevocationServer) WaitStreamConnects(n int, timeout time.Duration) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		done, notify := s.stream.connects >= n, s.stream.notify
		s.mu.Unlock()
		if done {
			return true
		}
		select {
		case <-notify:
		case <-timer.C:
			return false
		}
	}
}

// LastEventID returns the Last-Event-ID header the last accepted stream
// connection presented ("" when it had none).
func (s *RevocationServer) LastEventID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stream.lastEventID
}

// envelopeLocked wraps a payload in the signed envelope, as
// [RevocationServer.SetEventSignature] says.
func (s *RevocationServer) envelopeLocked(payload map[string]any) []byte {
	raw, err := json.Marshal(payload)
	if err != nil {
		panic(err) // the payloads are built here from strings and integers
	}
	env := map[string]any{"payload": json.RawMessage(raw)}
	if s.stream.signature != EventUnsigned {
		sig, err := s.stream.signer.SignJSON(raw)
		if err != nil {
			panic(err)
		}
		if s.stream.signature == EventBadlySigned {
			flip := byte('0')
			if sig[0] == '0' {
				flip = '1'
			}
			sig = string(flip) + sig[1:]
		}
		env["sig"] = sig
	}
	data, err := json.Marshal(env)
	if err != nil {
		panic(err)
	}
	return data
}

// publishLocked publishes an event on the stream (see [ssefeed.Hub.Publish]).
func (s *RevocationServer) publishLocked(eventType string, data []byte) string {
	return s.stream.hub.Publish(eventType, data)
}

func (s *RevocationServer) serveStream(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		problem := "events/stream: method must be GET, got " + r.Method
		s.problem(problem)
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"detail": problem})
		return
	}
	if status, problem, record := s.authorize(r, scopeEventStream); status != 0 {
		if record {
			s.problem("events/stream: " + problem)
		}
		writeJSON(w, status, map[string]any{"detail": problem})
		return
	}
	lastID := r.Header.Get("Last-Event-ID")
	feed, leave, ok := s.stream.hub.Subscribe(lastID, s.cfg.heartbeat)
	if !ok {
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{"detail": "Service Unavailable"})
		return
	}
	defer leave()
	s.mu.Lock()
	st := &s.stream
	st.connects++
	st.lastEventID = lastID
	close(st.notify)
	st.notify = make(chan struct{})
	s.mu.Unlock()
	ssefeed.Serve(w, r, feed)
}
