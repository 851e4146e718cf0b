package fxtest_helpers

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.uber.org/goleak"

	"github.com/m8fx/kit/authevent"
	"github.com/m8fx/kit/internal/ssefeed"
)

// sseFrame is one dispatched event, or one comment line.
type sseFrame struct {
	id, event, data string
	comment         string // set for a comment line (": ping" gives "ping")
	hasID           bool
}

// sseConn is a stream connection read by a goroutine, with the client
// rules of the protocol (§4).
type sseConn struct {
	resp   *http.Response
	client *http.Client
	frames chan sseFrame
	err    chan error // the reader's final error (io.EOF for a clean end)
}

// openStream connects to s's event stream, checks the 200 answer and
// starts reading. The connection is closed when the test ends.
func openStream(t *testing.T, s *RevocationServer, hdr http.Header) *sseConn {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.BaseURL()+"/events/stream", nil)
	if err != nil {
		t.Fatal(err)
	}
	if hdr != nil {
		req.Header = hdr.Clone()
	}
	client := &http.Client{}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		client.CloseIdleConnections()
		t.Fatalf("stream: %d %s", resp.StatusCode, data)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	c := &sseConn{resp: resp, client: client, frames: make(chan sseFrame, 1024), err: make(chan error, 1)}
	go c.read()
	t.Cleanup(c.close)
	return c
}

func (c *sseConn) read() {
	r := bufio.NewReader(c.resp.Body)
	var f sseFrame
	var data []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			c.err <- err
			close(c.frames)
			return
		}
		line = strings.TrimSuffix(line, "\n")
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimSpace(value)
		switch {
		case line == "":
			if len(data) > 0 || f.event != "" {
				f.data = strings.Join(data, "\n")
				c.frames <- f
			}
			f, data = sseFrame{}, nil
		case field == "":
			c.frames <- sseFrame{comment: value}
		case field == "id":
			f.id, f.hasID = value, true
		case field == "event":
			f.event = value
		case field == "data":
			data = append(data, value)
		}
	}
}

func (c *sseConn) close() {
	c.resp.Body.Close()
	c.client.CloseIdleConnections()
}

// next returns the next frame that is not a comment.
func (c *sseConn) next(t *testing.T) sseFrame {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case f, ok := <-c.frames:
			if !ok {
				t.Fatalf("stream ended: %v", <-c.err)
			}
			if f.comment == "" {
				return f
			}
		case <-timeout:
			t.Fatal("no event within 5s")
		}
	}
}

// none checks that no event arrives within d.
func (c *sseConn) none(t *testing.T, d time.Duration) {
	t.Helper()
	timeout := time.After(d)
	for {
		select {
		case f, ok := <-c.frames:
			if ok && f.comment == "" {
				t.Fatalf("unexpected event %+v", f)
			}
			if !ok {
				return
			}
		case <-timeout:
			return
		}
	}
}

// ended waits for the reader's final error.
func (c *sseConn) ended(t *testing.T) error {
	t.Helper()
	for {
		select {
		case _, ok := <-c.frames:
			if !ok {
				return <-c.err
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the stream did not end")
		}
	}
}

// verified checks the envelope's signature with key and returns the
// payload.
func verified(t *testing.T, key, data string) map[string]any {
	t.Helper()
	var env struct {
		Payload json.RawMessage `json:"payload"`
		Sig     *string         `json:"sig"`
	}
	if err := json.Unmarshal([]byte(data), &env); err != nil || env.Payload == nil || env.Sig == nil {
		t.Fatalf("not a signed envelope: %s (%v)", data, err)
	}
	signer, err := authevent.NewSigner([]byte(key))
	if err != nil {
		t.Fatal(err)
	}
	if err := signer.VerifyJSON(env.Payload, *env.Sig); err != nil {
		t.Fatalf("signature of %s: %v", data, err)
	}
	var payload map[string]any
	if err := json.Unmarshal(env.Payload, &payload); err != nil {
		t.Fatal(err)
	}
	return payload
}

// idParts splits an event id "<epoch>-<seq>".
func idParts(t *testing.T, id string) (string, int) {
	t.Helper()
	epoch, seq, ok := strings.Cut(id, "-")
	n, err := strconv.Atoi(seq)
	if _, perr := strconv.ParseInt(epoch, 10, 64); !ok || err != nil || perr != nil {
		t.Fatalf("id %q is not <boot-epoch-ns>-<seq>", id)
	}
	return epoch, n
}

func TestEventStreamFramesAreSigned(t *testing.T) {
	key := "event-signing-key-of-the-fake-0123456789"
	s := NewRevocationServer(t, RevocationSigningKey(key))
	c := openStream(t, s, legacyHeaders(s))
	if s.StreamConnections() != 1 || s.LastEventID() != "" {
		t.Fatalf("StreamConnections %d, LastEventID %q", s.StreamConnections(), s.LastEventID())
	}
	sub, jti := uuid.NewString(), uuid.NewString()
	ids := []string{s.RevokeSession(sub, jti), s.RevokeUser(sub), s.DeleteUser(sub)}
	want := []struct {
		event   string
		payload map[string]any
	}{
		{"session-revoked", map[string]any{
			"event_type": "session.revoked", "version": "v2", "user_id": sub, "jti": jti,
			"auth_generation": float64(1), "event_id": sub + ":1:revoke:" + jti,
		}},
		{"session-revoked", map[string]any{
			"event_type": "session.revoked", "version": "v2", "user_id": sub, "jti": nil,
			"auth_generation": float64(2), "event_id": sub + ":2:revoke:all",
		}},
		{"user-deleted", map[string]any{"event_type": "user.deleted", "version": "v1", "user_id": sub}},
	}
	var epoch string
	for i, w := range want {
		f := c.next(t)
		if f.id != ids[i] || f.event != w.event {
			t.Fatalf("frame %d: id %q event %q, want %q %q", i, f.id, f.event, ids[i], w.event)
		}
		e, seq := idParts(t, f.id)
		if i == 0 {
			epoch = e
		}
		if e != epoch || seq != i+1 {
			t.Fatalf("id %q: epoch or sequence wrong", f.id)
		}
		if got := verified(t, key, f.data); !reflect.DeepEqual(got, w.payload) {
			t.Fatalf("frame %d payload %v, want %v", i, got, w.payload)
		}
	}
	if s.Generation(sub) != 2 {
		t.Fatalf("Generation %d", s.Generation(sub))
	}
	// Revoke names the user the jti was checked for (the nil UUID for a jti
	// never checked).
	checked := uuid.NewString()
	if code, _ := post(t, s, http.MethodPost, s.Secret(), body("checked-jti", checked)); code != http.StatusOK {
		t.Fatal(code)
	}
	s.Revoke("checked-jti")
	s.Revoke("never-checked")
	if p := verified(t, key, c.next(t).data); p["user_id"] != checked || p["jti"] != "checked-jti" {
		t.Fatalf("Revoke of a checked jti: %v", p)
	}
	if p := verified(t, key, c.next(t).data); p["user_id"] != uuid.Nil.String() || p["event_id"] != uuid.Nil.String()+":1:revoke:never-checked" {
		t.Fatalf("Revoke of an unchecked jti: %v", p)
	}
	if s.Calls() != 1 || len(s.ProtocolErrors()) != 0 {
		t.Fatalf("Calls %d, ProtocolErrors %v", s.Calls(), s.ProtocolErrors())
	}
}

func TestEventStreamHeartbeat(t *testing.T) {
	s := NewRevocationServer(t, RevocationHeartbeat(10*time.Millisecond))
	c := openStream(t, s, legacyHeaders(s))
	pings := 0
	timeout := time.After(5 * time.Second)
	for pings < 3 {
		select {
		case f := <-c.frames:
			if f.comment != "ping" {
				t.Fatalf("unexpected frame %+v", f)
			}
			pings++
		case <-timeout:
			t.Fatalf("%d pings in 5s", pings)
		}
	}
}

func TestEventStreamResume(t *testing.T) {
	s := NewRevocationServer(t)
	sub := uuid.NewString()
	id1, id2, id3 := s.RevokeSession(sub, "j1"), s.RevokeSession(sub, "j2"), s.RevokeUser(sub)

	// Resuming after id1 replays id2 and id3, then goes live.
	hdr := legacyHeaders(s)
	hdr.Set("Last-Event-ID", id1)
	c := openStream(t, s, hdr)
	if s.LastEventID() != id1 {
		t.Fatalf("LastEventID %q, want %q", s.LastEventID(), id1)
	}
	for _, id := range []string{id2, id3} {
		if f := c.next(t); f.id != id {
			t.Fatalf("replayed %q, want %q", f.id, id)
		}
	}
	id4 := s.DeleteUser(sub)
	if f := c.next(t); f.id != id4 || f.event != "user-deleted" {
		t.Fatalf("live %+v, want %s", f, id4)
	}
	c.close()

	// Resuming at the last id replays nothing and is no gap.
	hdr.Set("Last-Event-ID", id4)
	c = openStream(t, s, hdr)
	c.none(t, 50*time.Millisecond)
	id5 := s.RevokeSession(sub, "j5")
	if f := c.next(t); f.id != id5 {
		t.Fatalf("live %+v, want %s", f, id5)
	}
	c.close()

	// A fresh connection gets live events only.
	c = openStream(t, s, legacyHeaders(s))
	if s.LastEventID() != "" {
		t.Fatalf("LastEventID %q for a connection without one", s.LastEventID())
	}
	c.none(t, 50*time.Millisecond)
	if s.StreamConnects() != 3 {
		t.Fatalf("StreamConnects %d", s.StreamConnects())
	}
}

func TestEventStreamGap(t *testing.T) {
	s := NewRevocationServer(t)
	sub := uuid.NewString()
	first := s.RevokeSession(sub, "j0")
	epoch, _ := idParts(t, first)
	for i := range ssefeed.RingSize {
		s.RevokeSession(sub, fmt.Sprint("j", i+1))
	}
	latest := s.RevokeUser(sub)
	resume := func(lastID string) *sseConn {
		t.Helper()
		hdr := legacyHeaders(s)
		hdr.Set("Last-Event-ID", lastID)
		return openStream(t, s, hdr)
	}
	for _, tc := range []struct{ name, lastID string }{
		{"evicted", first},
		{"another epoch", "1-1"},
		{"from the future", epoch + "-99999"},
		{"malformed", "not-an-id"},
		{"no sequence", epoch},
	} {
		c := resume(tc.lastID)
		if f := c.next(t); f.event != "gap" || f.data != "{}" || f.hasID {
			t.Fatalf("%s: first frame %+v, want a gap without id", tc.name, f)
		}
		c.none(t, 20*time.Millisecond) // no replay after a gap
		live := s.DeleteUser(uuid.NewString())
		if f := c.next(t); f.id != live {
			t.Fatalf("%s: after the gap %+v, want %s", tc.name, f, live)
		}
		c.close()
		latest = live
	}
	// The last event still in the ring resumes without a gap...
	c := resume(latest)
	c.none(t, 20*time.Millisecond)
	c.close()
	// ...until Gap makes every id so far unresumable.
	s.Gap()
	c = resume(latest)
	if f := c.next(t); f.event != "gap" {
		t.Fatalf("after Gap: %+v", f)
	}
	c.close()
	// Ids given after Gap resume normally.
	after := s.DeleteUser(uuid.NewString())
	next := s.DeleteUser(uuid.NewString())
	c = resume(after)
	if f := c.next(t); f.id != next {
		t.Fatalf("resume after Gap: %+v, want %s", f, next)
	}
}

func TestEventStreamDropStreams(t *testing.T) {
	s := NewRevocationServer(t)
	a := openStream(t, s, legacyHeaders(s))
	b := openStream(t, s, legacyHeaders(s))
	if !s.WaitStreamConnects(2, time.Second) || s.StreamConnections() != 2 {
		t.Fatalf("StreamConnections %d", s.StreamConnections())
	}
	if n := s.DropStreams(); n != 2 {
		t.Fatalf("DropStreams = %d", n)
	}
	for _, c := range []*sseConn{a, b} {
		if err := c.ended(t); err == nil || errors.Is(err, io.EOF) {
			t.Fatalf("a dropped stream ended with %v, want an abrupt end", err)
		}
	}
	if s.StreamConnections() != 0 {
		t.Fatalf("StreamConnections %d after DropStreams", s.StreamConnections())
	}
	// The client reconnects.
	waited := make(chan bool)
	go func() { waited <- s.WaitStreamConnects(3, 5*time.Second) }()
	time.Sleep(20 * time.Millisecond)
	c := openStream(t, s, legacyHeaders(s))
	if !<-waited {
		t.Fatal("WaitStreamConnects(3) timed out")
	}
	id := s.DeleteUser(uuid.NewString())
	if f := c.next(t); f.id != id {
		t.Fatalf("after reconnecting: %+v", f)
	}
	if s.WaitStreamConnects(4, 20*time.Millisecond) {
		t.Fatal("WaitStreamConnects(4) true with 3 connections")
	}
}

func TestEventStreamSignatureModes(t *testing.T) {
	s := NewRevocationServer(t)
	c := openStream(t, s, legacyHeaders(s))
	signer, _ := authevent.NewSigner([]byte(s.SigningKey()))
	envelope := func(f sseFrame) (json.RawMessage, *string) {
		var env struct {
			Payload json.RawMessage `json:"payload"`
			Sig     *string         `json:"sig"`
		}
		if err := json.Unmarshal([]byte(f.data), &env); err != nil || env.Payload == nil {
			t.Fatalf("envelope %s: %v", f.data, err)
		}
		return env.Payload, env.Sig
	}

	s.SetEventSignature(EventUnsigned)
	s.DeleteUser(uuid.NewString())
	if _, sig := envelope(c.next(t)); sig != nil {
		t.Fatalf("EventUnsigned sent a sig %q", *sig)
	}
	s.SetEventSignature(EventBadlySigned)
	s.RevokeUser(uuid.NewString())
	payload, sig := envelope(c.next(t))
	if sig == nil || len(*sig) != 64 {
		t.Fatalf("EventBadlySigned: sig %v", sig)
	}
	if err := signer.VerifyJSON(payload, *sig); !errors.Is(err, authevent.ErrBadSignature) {
		t.Fatalf("EventBadlySigned verified: %v", err)
	}
	s.SetEventSignature(EventSigned)
	s.DeleteUser(uuid.NewString())
	verified(t, s.SigningKey(), c.next(t).data)

	id := s.SendRawEvent("session-revoked", "not json\nsecond line")
	if f := c.next(t); f.id != id || f.event != "session-revoked" || f.data != "not json\nsecond line" {
		t.Fatalf("raw event %+v", f)
	}
}

func TestEventStreamChecksProtocol(t *testing.T) {
	s := NewRevocationServer(t, RevocationClient("svc", ""))
	url := s.BaseURL() + "/events/stream"
	if code, _ := call(t, http.MethodPost, url, legacyHeaders(s), ""); code != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", code)
	}
	if code, _ := call(t, http.MethodGet, url, nil, ""); code != http.StatusUnauthorized {
		t.Fatalf("no credential: %d", code)
	}
	if n := len(s.ProtocolErrors()); n != 2 {
		t.Fatalf("ProtocolErrors %v", s.ProtocolErrors())
	}
	openStream(t, s, bootstrapHeaders("svc", s.Secret())).close()
	if s.StreamConnects() != 1 || s.Calls() != 0 {
		t.Fatalf("StreamConnects %d, Calls %d", s.StreamConnects(), s.Calls())
	}
}

func TestEventStreamSlowReaderIsCut(t *testing.T) {
	s := NewRevocationServer(t)
	// A connection that is never read: once the socket buffers are full the
	// handler blocks, its queue fills up and the server cuts it.
	req, _ := http.NewRequest(http.MethodGet, s.BaseURL()+"/events/stream", nil)
	req.Header = legacyHeaders(s)
	client := &http.Client{}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	big := strings.Repeat("x", 32<<10)
	deadline := time.Now().Add(10 * time.Second)
	for s.StreamConnections() == 1 && time.Now().Before(deadline) {
		s.SendRawEvent("message", big)
	}
	if s.StreamConnections() != 0 {
		t.Fatal("a reader that never reads was not cut")
	}
}

// TestEventStreamCloseLeavesNoGoroutine: Close ends open streams (it does
// not wait for the client) and leaves no goroutine behind.
func TestEventStreamCloseLeavesNoGoroutine(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Run("serve", func(t *testing.T) {
		s := NewRevocationServer(t, RevocationHeartbeat(5*time.Millisecond), RevocationClient("svc", ""))
		tok := grantedToken(t, s, "svc", s.Secret(), "event-stream")
		c := openStream(t, s, bearerHeaders(tok))
		s.RevokeUser(uuid.NewString())
		c.next(t)
		_ = s.Hold() // a held jti-status request must not block Close either
		go func() {
			req, _ := http.NewRequest(http.MethodPost, s.URL(), strings.NewReader(statusBody()))
			req.Header = legacyHeaders(s)
			client := &http.Client{}
			defer client.CloseIdleConnections()
			if resp, err := client.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
		for s.Waiting() != 1 {
			time.Sleep(time.Millisecond)
		}
		closed := make(chan struct{})
		go func() { s.Close(); close(closed) }()
		select {
		case <-closed:
		case <-time.After(5 * time.Second):
			t.Fatal("Close hangs with an open stream")
		}
		if err := c.ended(t); err == nil {
			t.Fatal("the stream did not end")
		}
	})
	goleak.VerifyNone(t, ignore)
}
