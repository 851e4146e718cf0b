package authmod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/m8fx/kit/authevent"
	"github.com/m8fx/kit/healthmod"
)

const (
	esKey        = "event-signing-key-0123456789abcdef"
	esSecret     = "internal-secret-do-not-log"
	esWait       = 5 * time.Second
	esHold       = -1 // the server never answers; it waits for the client to go
	esCleanEnd   = -2 // 200, then the stream ends at once
	esBadCT      = -3 // 200 with the wrong content type
	esJTI        = "5a3c1e9f-2b4d-4e6f-8a0b-1c2d3e4f5a6b"
	esEventIDv2a = esUser + ":7:jti:" + esJTI
)

// ---- test SSE server -------------------------------------------------------

// esConn is one request received by esServer.
type esConn struct {
	index  int
	header http.Header
	send   chan string
	end    chan struct{}
	once   sync.Once
}

// write sends raw stream text on the connection.
func (c *esConn) write(t *testing.T, s string) {
	t.Helper()
	select {
	case c.send <- s:
	case <-time.After(esWait):
		t.Fatalf("connection %d: write not taken (handler gone?)", c.index)
	}
}

// close ends the response (the client sees the stream end cleanly).
func (c *esConn) close() { c.once.Do(func() { close(c.end) }) }

type esServer struct {
	*httptest.Server
	conns  chan *esConn
	n      atomic.Int32
	script func(i int) int // status of request i; nil: 200
}

func newESServer(t *testing.T, script func(i int) int) *esServer {
	t.Helper()
	s := &esServer{conns: make(chan *esConn, 1024), script: script}
	s.Server = httptest.NewServer(s)
	t.Cleanup(s.Close) // registered first: runs after the stream is closed
	return s
}

func (s *esServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i := int(s.n.Add(1)) - 1
	c := &esConn{index: i, header: r.Header.Clone(), send: make(chan string), end: make(chan struct{})}
	select {
	case s.conns <- c:
	default:
	}
	status := http.StatusOK
	if s.script != nil {
		status = s.script(i)
	}
	switch status {
	case esHold:
		<-r.Context().Done()
		return
	case esBadCT:
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusOK)
		return
	case esCleanEnd:
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		return
	case http.StatusOK:
	default:
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	fl := w.(http.Flusher)
	fl.Flush()
	for {
		select {
		case m := <-c.send:
			_, _ = io.WriteString(w, m)
			fl.Flush()
		case <-c.end:
			return
		case <-r.Context().Done():
			return
		}
	}
}

// next returns the next request received.
func (s *esServer) next(t *testing.T) *esConn {
	t.Helper()
	select {
	case c := <-s.conns:
		return c
	case <-time.After(esWait):
		t.Fatal("no connection to the event stream")
		return nil
	}
}

// none checks that no request arrives for d.
func (s *esServer) none(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case c := <-s.conns:
		t.Fatalf("unexpected connection %d", c.index)
	case <-time.After(d):
	}
}

// ---- fakes -----------------------------------------------------------------

type esAuth struct {
	authorizes  atomic.Int32
	invalidates atomic.Int32
	fail        atomic.Bool
}

func (a *esAuth) Authorize(_ context.Context, req *http.Request) error {
	a.authorizes.Add(1)
	if a.fail.Load() {
		return errors.New("service token exchange failed")
	}
	req.Header.Set("X-Internal-Token", esSecret)
	return nil
}

func (a *esAuth) Invalidate() bool {
	a.invalidates.Add(1)
	return true
}

// esCall is one call received by esSink.
type esCall struct {
	op      string // jti, user, delete, flush
	id      string // jti or user
	gen     int64
	eventID string
	at      time.Time
}

type esSink struct {
	mu    sync.Mutex
	calls []esCall
	ch    chan esCall
}

func newESSink() *esSink { return &esSink{ch: make(chan esCall, 256)} }

func (s *esSink) add(c esCall) {
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.mu.Unlock()
	select {
	case s.ch <- c:
	default:
	}
}

func (s *esSink) revokeJTI(jti string) { s.add(esCall{op: "jti", id: jti}) }
func (s *esSink) revokeUser(u string, g int64, e string, at time.Time) {
	s.add(esCall{op: "user", id: u, gen: g, eventID: e, at: at})
}
func (s *esSink) deleteUser(u string, at time.Time) { s.add(esCall{op: "delete", id: u, at: at}) }
func (s *esSink) flush()                            { s.add(esCall{op: "flush"}) }

func (s *esSink) next(t *testing.T) esCall {
	t.Helper()
	select {
	case c := <-s.ch:
		return c
	case <-time.After(esWait):
		t.Fatal("no call reached the sink")
		return esCall{}
	}
}

func (s *esSink) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.calls)
}

type esObserver struct {
	mu     sync.Mutex
	counts map[string]int
	ch     chan string
}

func newESObserver() *esObserver {
	return &esObserver{counts: map[string]int{}, ch: make(chan string, 4096)}
}

func (o *esObserver) note(s string) {
	o.mu.Lock()
	o.counts[s]++
	o.mu.Unlock()
	select {
	case o.ch <- s:
	default:
	}
}

func (o *esObserver) EventStreamConnected(c bool) { o.note(fmt.Sprintf("connected:%v", c)) }
func (o *esObserver) EventReceived(typ, result string) {
	o.note("received:" + typ + ":" + result)
}
func (o *esObserver) EventStreamGap()       { o.note("gap") }
func (o *esObserver) EventStreamReconnect() { o.note("reconnect") }

func (o *esObserver) count(s string) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.counts[s]
}

// waitFor reads the observed calls until want.
func (o *esObserver) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.After(esWait)
	for {
		select {
		case got := <-o.ch:
			if got == want {
				return
			}
		case <-deadline:
			t.Fatalf("observer never saw %q", want)
		}
	}
}

// ---- harness ---------------------------------------------------------------

type esHarness struct {
	es     *EventStream
	srv    *esServer
	auth   *esAuth
	obs    *esObserver
	sink   *esSink
	signer *authevent.Signer
	clock  *esClock
	logs   *observer.ObservedLogs
}

// newESHarness starts a server and a stream (not started) with fast
// reconnections.
func newESHarness(t *testing.T, script func(int) int, mod func(*EventStreamConfig)) *esHarness {
	t.Helper()
	h := &esHarness{srv: newESServer(t, script), auth: &esAuth{}, obs: newESObserver(), sink: newESSink(), clock: newESClock()}
	var err error
	if h.signer, err = authevent.NewSigner([]byte(esKey)); err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zapcore.DebugLevel)
	h.logs = logs
	cfg := EventStreamConfig{
		URL:      h.srv.URL + "/user/private/v1/events/stream",
		Auth:     h.auth,
		Signer:   h.signer,
		Logger:   zap.New(core),
		Observer: h.obs,
		Now:      h.clock.Now,
	}
	if mod != nil {
		mod(&cfg)
	}
	if h.es, err = NewEventStream(cfg); err != nil {
		t.Fatal(err)
	}
	h.es.backoffMin, h.es.backoffMax = time.Millisecond, 4*time.Millisecond
	h.es.subscribe(h.sink)
	t.Cleanup(func() {
		if err := h.es.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		h.checkLogs(t)
	})
	return h
}

func (h *esHarness) start(t *testing.T) {
	t.Helper()
	if err := h.es.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// checkLogs fails when a log line carries a secret.
func (h *esHarness) checkLogs(t *testing.T) {
	t.Helper()
	for _, e := range h.logs.All() {
		line := e.Message + fmt.Sprint(e.ContextMap())
		for _, secret := range []string{esKey, esSecret, `"sig"`} {
			if strings.Contains(line, secret) {
				t.Errorf("log line carries a secret (%q): %s", secret, line)
			}
		}
		if strings.Contains(line, "payload\":") {
			t.Errorf("log line carries an envelope: %s", line)
		}
	}
}

func (h *esHarness) logged(msgPart string) bool {
	for _, e := range h.logs.All() {
		if strings.Contains(e.Message, msgPart) {
			return true
		}
	}
	return false
}

// envelope signs payload (as transmitted) and wraps it.
func (h *esHarness) envelope(t *testing.T, payload string) string {
	t.Helper()
	sig, err := h.signer.SignJSON([]byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	return `{"payload":` + payload + `,"sig":"` + sig + `"}`
}

func esJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func esFrame(id, typ, data string) string {
	var b strings.Builder
	if id != "" {
		b.WriteString("id: " + id + "\n")
	}
	if typ != "" {
		b.WriteString("event: " + typ + "\n")
	}
	b.WriteString("data: " + data + "\n\n")
	return b.String()
}

func revokedV2(user string, jti any, gen int64, eventID string) map[string]any {
	return map[string]any{"event_type": "session.revoked", "version": "v2", "user_id": user,
		"jti": jti, "auth_generation": gen, "event_id": eventID}
}

// ---- tests -----------------------------------------------------------------

func TestNewEventStreamChecksConfig(t *testing.T) {
	signer, err := authevent.NewSigner([]byte(esKey))
	if err != nil {
		t.Fatal(err)
	}
	good := EventStreamConfig{URL: "https://auth.example/user/private/v1/events/stream", Auth: &esAuth{}, Signer: signer}
	bad := map[string]func(*EventStreamConfig){
		"no URL":           func(c *EventStreamConfig) { c.URL = "" },
		"relative URL":     func(c *EventStreamConfig) { c.URL = "/events/stream" },
		"ftp URL":          func(c *EventStreamConfig) { c.URL = "ftp://auth/events/stream" },
		"no Auth":          func(c *EventStreamConfig) { c.Auth = nil },
		"no Signer":        func(c *EventStreamConfig) { c.Signer = nil },
		"negative connect": func(c *EventStreamConfig) { c.ConnectTimeout = -time.Second },
		"negative read":    func(c *EventStreamConfig) { c.ReadTimeout = -time.Second },
		"negative TTL":     func(c *EventStreamConfig) { c.PushedTTL = -time.Second },
		"negative bound":   func(c *EventStreamConfig) { c.MaxPushed = -1 },
	}
	for name, mod := range bad {
		cfg := good
		mod(&cfg)
		if es, err := NewEventStream(cfg); err == nil {
			_ = es.Close()
			t.Errorf("%s: accepted", name)
		}
	}
	cfg := good
	cfg.URL = "https://user:pw@auth.example/x?token=abc"
	cfg.URL = "ftp" + cfg.URL[5:]
	if _, err := NewEventStream(cfg); err == nil || strings.Contains(err.Error(), "pw") || strings.Contains(err.Error(), "abc") {
		t.Errorf("bad URL error leaks credentials or is nil: %v", err)
	}

	es, err := NewEventStream(good)
	if err != nil {
		t.Fatal(err)
	}
	defer es.Close()
	if es.connectTimeout != 5*time.Second || es.readTimeout != 60*time.Second ||
		es.backoffMin != time.Second || es.backoffMax != 60*time.Second {
		t.Errorf("defaults: connect %s read %s backoff %s..%s", es.connectTimeout, es.readTimeout, es.backoffMin, es.backoffMax)
	}
	if es.pushed.max != 100_000 || es.pushed.ttl != 24*time.Hour {
		t.Errorf("pushed defaults: %d %s", es.pushed.max, es.pushed.ttl)
	}
	if es.Connected() || es.LastEventID() != "" {
		t.Error("a new stream is connected or has an id")
	}
}

func TestEventStreamLifecycle(t *testing.T) {
	// Close without Start, twice.
	h := newESHarness(t, nil, nil)
	if err := h.es.Close(); err != nil {
		t.Fatal(err)
	}
	if err := h.es.Close(); err != nil {
		t.Fatal(err)
	}
	if err := h.es.Start(context.Background()); err == nil {
		t.Error("Start after Close succeeded")
	}

	// Start returns at once even when the issuer never answers, and Close
	// stops the pending connection.
	h2 := newESHarness(t, func(int) int { return esHold }, nil)
	done := make(chan struct{})
	go func() {
		h2.start(t)
		h2.start(t) // a second Start does nothing
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(esWait):
		t.Fatal("Start blocked")
	}
	h2.srv.next(t)
	if h2.es.Connected() {
		t.Error("connected without an answer")
	}
	if err := h2.es.Close(); err != nil {
		t.Fatal(err)
	}
	h2.srv.none(t, 20*time.Millisecond)
}

func TestEventStreamDeliversEvents(t *testing.T) {
	h := newESHarness(t, nil, nil)
	second := newESSink()
	h.es.subscribe(second)
	h.start(t)
	c := h.srv.next(t)
	if got := c.header.Get("X-Internal-Token"); got != esSecret {
		t.Errorf("auth header = %q", got)
	}
	if got := c.header.Get("Accept"); got != "text/event-stream" {
		t.Errorf("Accept = %q", got)
	}
	if _, ok := c.header["Last-Event-Id"]; ok {
		t.Error("Last-Event-ID on the first connection")
	}
	h.obs.waitFor(t, "connected:true")
	if !h.es.Connected() {
		t.Error("not Connected")
	}
	now := h.clock.Now()

	c.write(t, ": ping\n\n")
	c.write(t, esFrame("1-1", "session-revoked", h.envelope(t, esJSON(t, revokedV2(esUser, esJTI, 7, esEventIDv2a)))))
	c.write(t, esFrame("1-2", "session-revoked", h.envelope(t, esJSON(t, revokedV2(esUser, nil, 8, esUser+":8:all:-")))))
	c.write(t, esFrame("1-3", "session-revoked", h.envelope(t,
		`{"event_type":"session.revoked","version":"v1","user_id":"`+esUser2+`"}`)))
	c.write(t, esFrame("1-4", "user-deleted", h.envelope(t,
		`{"event_type":"user.deleted","version":"v1","user_id":"`+esUser2+`"}`)))
	c.write(t, esFrame("1-5", "user-created", h.envelope(t, `{"event_type":"user.created","user_id":"x"}`)))
	c.write(t, esFrame("", "", "hello")) // a "message" event without id: ignored
	c.write(t, esFrame("1-6", "session-revoked", h.envelope(t, esJSON(t, revokedV2(esUser, "last", 9, "")))))

	want := []esCall{
		{op: "jti", id: esJTI},
		{op: "user", id: esUser, gen: 8, eventID: esUser + ":8:all:-", at: now},
		{op: "user", id: esUser2, at: now},
		{op: "delete", id: esUser2, at: now},
		{op: "jti", id: "last"},
	}
	for i, w := range want {
		for _, sink := range []*esSink{h.sink, second} {
			if got := sink.next(t); got != w {
				t.Errorf("call %d = %+v, want %+v", i, got, w)
			}
		}
	}
	esEventually(t, "delivered counts", func() bool {
		return h.obs.count("received:session.revoked:delivered") == 4 && h.obs.count("received:user.deleted:delivered") == 1
	})
	esEventually(t, "LastEventID 1-6", func() bool { return h.es.LastEventID() == "1-6" })

	// The pushed list has them too.
	old := now.Add(-time.Hour)
	for name, c := range map[string]*Claims{
		"jti":          esClaims(esJTI, esUser2+"0", now.Add(time.Hour)),
		"user":         esClaims("other", esUser, old),
		"deleted user": esClaims("other", esUser2, old),
	} {
		if !h.es.revoked(c) {
			t.Errorf("%s: not revoked by the pushed list", name)
		}
	}
	if h.es.revoked(esClaims("other", esUser, now.Add(time.Second))) {
		t.Error("token issued after the revocation refused")
	}
	if !h.logged("auth event stream connected") {
		t.Error("connection not logged")
	}
}

func TestEventStreamSignatures(t *testing.T) {
	h := newESHarness(t, nil, nil)
	h.start(t)
	c := h.srv.next(t)
	h.obs.waitFor(t, "connected:true")

	payload := esJSON(t, revokedV2(esUser, esJTI, 7, ""))
	goodSig, err := h.signer.SignJSON([]byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	other, err := authevent.NewSigner([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	foreignSig, _ := other.SignJSON([]byte(payload))
	tampered := strings.Replace(payload, esJTI, "another-jti", 1)
	drops := []struct {
		name, data, result string
	}{
		{"foreign key", `{"payload":` + payload + `,"sig":"` + foreignSig + `"}`, EventDroppedSigFail},
		{"tampered payload", `{"payload":` + tampered + `,"sig":"` + goodSig + `"}`, EventDroppedSigFail},
		{"missing sig", `{"payload":` + payload + `}`, EventDroppedSigFail},
		{"null sig", `{"payload":` + payload + `,"sig":null}`, EventDroppedSigFail},
		{"empty sig", `{"payload":` + payload + `,"sig":""}`, EventDroppedSigFail},
		{"sig not a string", `{"payload":` + payload + `,"sig":12}`, EventDroppedSigFail},
		{"sig not hex", `{"payload":` + payload + `,"sig":"zz"}`, EventDroppedSigFail},
		{"truncated sig", `{"payload":` + payload + `,"sig":"` + goodSig[:62] + `"}`, EventDroppedSigFail},
		{"missing payload", `{"sig":"` + goodSig + `"}`, EventDroppedMalformed},
		{"null payload", `{"payload":null,"sig":"` + goodSig + `"}`, EventDroppedMalformed},
		{"payload member in another case", `{"Payload":` + payload + `,"sig":"` + goodSig + `"}`, EventDroppedMalformed},
		{"invalid JSON", `{"payload":` + payload, EventDroppedMalformed},
		{"not an object", `[1,2]`, EventDroppedMalformed},
		{"JSON null", `null`, EventDroppedMalformed},
		{"not JSON", `hello`, EventDroppedMalformed},
	}
	for i, d := range drops {
		c.write(t, esFrame(fmt.Sprintf("2-%d", i), "session-revoked", d.data))
		h.obs.waitFor(t, "received:session.revoked:"+d.result)
	}
	if n := h.sink.len(); n != 0 {
		t.Fatalf("dropped events reached the sink: %d calls", n)
	}
	if h.es.revoked(esClaims(esJTI, esUser, h.clock.Now())) {
		t.Error("a dropped event reached the pushed list")
	}
	if !h.logged("auth event dropped") {
		t.Error("drops not logged")
	}
	for _, e := range h.logs.All() {
		for _, s := range []string{goodSig, foreignSig} {
			if strings.Contains(fmt.Sprint(e.ContextMap()), s) {
				t.Errorf("signature logged: %s", e.Message)
			}
		}
	}

	// The signature covers the canonical JSON: spacing, key order and escapes
	// as transmitted do not matter.
	spaced := `{ "version": "v2", "user_id": "` + esUser + `", "jti" : "j\u002dspaced", "event_type": "session.revoked", "auth_generation": 7 }`
	c.write(t, esFrame("2-ok", "session-revoked", `{"sig":"`+mustSign(t, h.signer, spaced)+`", "payload": `+spaced+`}`))
	if got := h.sink.next(t); got != (esCall{op: "jti", id: "j-spaced"}) {
		t.Errorf("call = %+v", got)
	}
	if h.srv.n.Load() != 1 {
		t.Errorf("dropped events cost a reconnection: %d requests", h.srv.n.Load())
	}
}

// esEventually polls cond until it holds.
func esEventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(esWait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func mustSign(t *testing.T, s *authevent.Signer, payload string) string {
	t.Helper()
	sig, err := s.SignJSON([]byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func TestEventStreamUnparseablePayloadFlushes(t *testing.T) {
	h := newESHarness(t, nil, nil)
	h.start(t)
	c := h.srv.next(t)
	h.obs.waitFor(t, "connected:true")
	bad := []struct{ typ, payload string }{
		{"session-revoked", `{"event_type":"session.revoked","version":"v2","jti":null,"auth_generation":3}`},                 // no user
		{"session-revoked", `{"event_type":"session.revoked","version":"v2","user_id":"` + esUser + `","jti":null}`},          // no generation
		{"session-revoked", `{"event_type":"session.revoked","version":"v2","user_id":"` + esUser + `","auth_generation":0}`}, // generation 0
		{"session-revoked", `{"event_type":"session.revoked","version":"v2","user_id":"` + esUser + `","auth_generation":1.5}`},
		{"session-revoked", `{"event_type":"session.revoked","version":"v2","user_id":"` + esUser + `","auth_generation":"2"}`},
		{"session-revoked", `{"event_type":"session.revoked","version":"v9","user_id":"` + esUser + `"}`},
		{"session-revoked", `{"event_type":"session.revoked","user_id":42}`},
		{"session-revoked", `{"event_type":"session.revoked","user_id":"` + esUser + `","jti":5}`},
		{"session-revoked", `{"user_id":"` + esUser + `"}`},                                // no event_type
		{"session-revoked", `{"event_type":"user.deleted","user_id":"` + esUser + `"}`},    // relabelled
		{"session-revoked", `{"event_type":"session.revoked","USER_ID":"` + esUser + `"}`}, // other case
		{"session-revoked", `[1]`},                                       // not an object
		{"user-deleted", `{"event_type":"user.deleted","version":"v1"}`}, // no user
		{"user-deleted", `{"event_type":"user.deleted","version":"v3","user_id":"` + esUser + `"}`},
	}
	for i, b := range bad {
		c.write(t, esFrame(fmt.Sprintf("3-%d", i), b.typ, h.envelope(t, b.payload)))
		if got := h.sink.next(t); got.op != "flush" {
			t.Errorf("%d %s: call %+v, want a flush", i, b.payload, got)
		}
	}
	if got := h.obs.count("received:session.revoked:dropped_malformed") + h.obs.count("received:user.deleted:dropped_malformed"); got != len(bad) {
		t.Errorf("dropped_malformed = %d, want %d", got, len(bad))
	}
	if !h.logged("unparseable") {
		t.Error("not logged")
	}
	// v1 without version, and v2 with jti but no generation, are fine.
	c.write(t, esFrame("3-ok1", "session-revoked", h.envelope(t, `{"event_type":"session.revoked","user_id":"`+esUser+`"}`)))
	if got := h.sink.next(t); got.op != "user" || got.gen != 0 || got.id != esUser {
		t.Errorf("v1 without version: %+v", got)
	}
	c.write(t, esFrame("3-ok2", "session-revoked", h.envelope(t, `{"event_type":"session.revoked","version":"v2","user_id":"`+esUser+`","jti":"j9"}`)))
	if got := h.sink.next(t); got != (esCall{op: "jti", id: "j9"}) {
		t.Errorf("v2 jti without generation: %+v", got)
	}
}

func TestEventStreamResumeAndGap(t *testing.T) {
	h := newESHarness(t, nil, nil)
	h.start(t)
	c1 := h.srv.next(t)
	c1.write(t, esFrame("100-1", "session-revoked", h.envelope(t, esJSON(t, revokedV2(esUser, "j1", 2, "")))))
	h.sink.next(t)
	c1.write(t, ": ping\n\n")
	c1.close() // the server drops the connection
	h.obs.waitFor(t, "connected:false")

	c2 := h.srv.next(t)
	if got := c2.header.Get("Last-Event-ID"); got != "100-1" {
		t.Errorf("Last-Event-ID on resume = %q, want 100-1", got)
	}
	if got := c2.header.Get("X-Internal-Token"); got != esSecret {
		t.Error("no auth headers on reconnect")
	}
	if n := h.auth.authorizes.Load(); n != 2 {
		t.Errorf("Authorize calls = %d, want one per connection", n)
	}
	if !h.logged("the server ended the stream") {
		t.Error("disconnection reason not logged")
	}
	c2.write(t, "event: gap\ndata: {}\n\n")
	if got := h.sink.next(t); got.op != "flush" {
		t.Errorf("gap: call %+v, want flush", got)
	}
	h.obs.waitFor(t, "gap")
	if got := h.es.LastEventID(); got != "" {
		t.Errorf("LastEventID after gap = %q", got)
	}
	// A gap does not make the pushed list forget.
	if !h.es.revoked(esClaims("j1", esUser, h.clock.Now())) {
		t.Error("pushed list forgot j1 on a gap")
	}
	c2.close()
	c3 := h.srv.next(t)
	if _, ok := c3.header["Last-Event-Id"]; ok {
		t.Errorf("Last-Event-ID sent after a gap: %q", c3.header.Get("Last-Event-ID"))
	}
	if h.obs.count("reconnect") < 2 {
		t.Errorf("reconnects = %d", h.obs.count("reconnect"))
	}
}

func TestEventStreamStatusFailures(t *testing.T) {
	statuses := []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusInternalServerError,
		http.StatusFound, esBadCT, http.StatusOK}
	h := newESHarness(t, func(i int) int { return statuses[min(i, len(statuses)-1)] }, nil)
	h.start(t)
	for range statuses {
		h.srv.next(t)
	}
	h.obs.waitFor(t, "connected:true")
	if n := h.auth.invalidates.Load(); n != 1 {
		t.Errorf("Invalidate calls = %d, want 1 (for the 401)", n)
	}
	if n := h.auth.authorizes.Load(); n != int32(len(statuses)) {
		t.Errorf("Authorize calls = %d, want %d", n, len(statuses))
	}
	if h.obs.count("connected:true") != 1 {
		t.Errorf("connected %d times", h.obs.count("connected:true"))
	}
	for _, msg := range []string{"401", "403", "HTTP status 500", "HTTP status 302", "content type"} {
		found := false
		for _, e := range h.logs.FilterMessageSnippet("connection failed").All() {
			if strings.Contains(fmt.Sprint(e.ContextMap()["error"]), msg) {
				found = true
			}
		}
		if !found {
			t.Errorf("failure %q not logged", msg)
		}
	}
}

func TestEventStreamAuthorizeFailure(t *testing.T) {
	h := newESHarness(t, nil, nil)
	h.auth.fail.Store(true)
	h.start(t)
	h.obs.waitFor(t, "reconnect")
	h.obs.waitFor(t, "reconnect")
	if n := h.srv.n.Load(); n != 0 {
		t.Errorf("%d requests sent without a credential", n)
	}
	h.auth.fail.Store(false)
	h.srv.next(t)
	h.obs.waitFor(t, "connected:true")
}

func TestEventStreamReadTimeout(t *testing.T) {
	h := newESHarness(t, nil, func(c *EventStreamConfig) { c.ReadTimeout = 150 * time.Millisecond })
	h.start(t)
	c1 := h.srv.next(t)
	h.obs.waitFor(t, "connected:true")
	// Silence: the connection is dropped and made again.
	c2 := h.srv.next(t)
	_ = c1
	if !h.logged("read timeout") {
		t.Error("read timeout not logged")
	}
	h.obs.waitFor(t, "connected:true")
	// Heartbeats keep a connection alive.
	stop := time.After(400 * time.Millisecond)
	tick := time.NewTicker(40 * time.Millisecond)
	defer tick.Stop()
loop:
	for {
		select {
		case <-tick.C:
			c2.write(t, ": ping\n")
		case c := <-h.srv.conns:
			t.Fatalf("reconnected (%d) although heartbeats arrived", c.index)
		case <-stop:
			break loop
		}
	}
	h.srv.next(t) // heartbeats stop: dropped again
}

func TestEventStreamConnectTimeout(t *testing.T) {
	h := newESHarness(t, func(i int) int {
		if i == 0 {
			return esHold
		}
		return http.StatusOK
	}, func(c *EventStreamConfig) { c.ConnectTimeout = 100 * time.Millisecond })
	h.start(t)
	h.srv.next(t)
	h.srv.next(t)
	h.obs.waitFor(t, "connected:true")
	found := false
	for _, e := range h.logs.FilterMessageSnippet("connection failed").All() {
		found = found || strings.Contains(fmt.Sprint(e.ContextMap()["error"]), "connect timeout")
	}
	if !found {
		t.Error("connect timeout not logged")
	}
}

func TestEventStreamLineTooLong(t *testing.T) {
	h := newESHarness(t, nil, nil)
	h.start(t)
	c := h.srv.next(t)
	h.obs.waitFor(t, "connected:true")
	c.write(t, "id: 5-1\nevent: session-revoked\ndata: "+strings.Repeat("a", maxSSELineBytes+10)+"\n\n")
	h.obs.waitFor(t, "received:session.revoked:dropped_malformed")
	h.srv.next(t) // the connection was dropped and made again
	if h.obs.count("connected:false") == 0 {
		t.Error("disconnection not observed")
	}
	if !h.logged("size limit") {
		t.Error("not logged")
	}
	if h.sink.len() != 0 {
		t.Error("oversized frame reached the sink")
	}
}

func TestBackoffDelay(t *testing.T) {
	s, m := time.Second, 60*time.Second
	for _, tc := range []struct {
		failures int
		want     time.Duration
	}{{0, s}, {1, s}, {2, 2 * s}, {3, 4 * s}, {6, 32 * s}, {7, m}, {50, m}} {
		if got := backoffDelay(tc.failures, s, m, 0.5); got != tc.want {
			t.Errorf("backoffDelay(%d) = %s, want %s", tc.failures, got, tc.want)
		}
	}
	if got := backoffDelay(3, s, m, 0); got != 3*s {
		t.Errorf("low jitter = %s, want 3s (-25%%)", got)
	}
	if got := backoffDelay(3, s, m, 0.999999); got < 4990*time.Millisecond || got >= 5*s {
		t.Errorf("high jitter = %s, want just under 5s (+25%%)", got)
	}
	if got := backoffDelay(100, s, m, 0.999999); got >= 75*s {
		t.Errorf("capped delay with jitter = %s", got)
	}
}

func TestEventStreamBackoffGrowsAndResets(t *testing.T) {
	// 4 failures, a connection that ends cleanly, 2 failures, then a stream.
	statuses := []int{500, 500, 500, 500, esCleanEnd, 500, 500, http.StatusOK}
	h := newESHarness(t, func(i int) int { return statuses[min(i, len(statuses)-1)] }, nil)
	delays := make(chan time.Duration)
	h.es.backoffMin, h.es.backoffMax = time.Second, 4*time.Second
	h.es.jitter = func() float64 { return 0.5 } // no jitter
	h.es.sleep = func(ctx context.Context, d time.Duration) bool {
		select {
		case delays <- d:
			return true
		case <-ctx.Done():
			return false
		}
	}
	h.start(t)
	s := time.Second
	for i, want := range []time.Duration{s, 2 * s, 4 * s, 4 * s, s, s, 2 * s} {
		select {
		case got := <-delays:
			if got != want {
				t.Errorf("delay %d = %s, want %s", i, got, want)
			}
		case <-time.After(esWait):
			t.Fatalf("no delay %d", i)
		}
	}
	h.obs.waitFor(t, "connected:true") // the connection that ended cleanly
	h.obs.waitFor(t, "connected:true")
	if got := h.obs.count("reconnect"); got != 7 {
		t.Errorf("reconnects = %d, want 7", got)
	}
}

func TestEventStreamHealthCheck(t *testing.T) {
	h := newESHarness(t, func(i int) int {
		if i == 0 {
			return http.StatusOK
		}
		return esHold
	}, func(c *EventStreamConfig) { c.ReadTimeout = time.Minute })
	check, required := h.es.HealthCheck(false), h.es.HealthCheck(true)
	if check.Name() != "auth_events" {
		t.Errorf("name = %q", check.Name())
	}
	ctx := context.Background()
	if got := check.Check(ctx).Status; got != healthmod.StatusDegraded {
		t.Errorf("not started: %s", got)
	}
	if got := required.Check(ctx).Status; got != healthmod.StatusFail {
		t.Errorf("not started, required: %s", got)
	}
	h.start(t)
	c := h.srv.next(t)
	h.obs.waitFor(t, "connected:true")
	for _, ch := range []healthmod.Check{check, required} {
		if r := ch.Check(ctx); r.Status != healthmod.StatusOK {
			t.Errorf("connected: %+v", r)
		}
	}
	c.close()
	h.obs.waitFor(t, "connected:false")
	h.srv.next(t) // reconnecting, never answered
	for _, ch := range []healthmod.Check{check, required} {
		if r := ch.Check(ctx); r.Status != healthmod.StatusDegraded || r.Error == "" {
			t.Errorf("reconnecting: %+v", r)
		}
	}
	h.clock.Advance(time.Minute + time.Second)
	if r := check.Check(ctx); r.Status != healthmod.StatusDegraded {
		t.Errorf("disconnected long, not required: %+v", r)
	}
	if r := required.Check(ctx); r.Status != healthmod.StatusFail || !strings.Contains(r.Error, "1m1s") {
		t.Errorf("disconnected long, required: %+v", r)
	}
}

func TestEventStreamSubscribeConcurrent(t *testing.T) {
	h := newESHarness(t, nil, nil)
	h.start(t)
	c := h.srv.next(t)
	sinks := make([]*esSink, 8)
	var wg sync.WaitGroup
	for i := range sinks {
		sinks[i] = newESSink()
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.es.subscribe(sinks[i])
		}()
	}
	c.write(t, esFrame("6-0", "session-revoked", h.envelope(t, esJSON(t, revokedV2(esUser, "j0", 1, "")))))
	wg.Wait()
	h.sink.next(t)
	c.write(t, esFrame("6-1", "session-revoked", h.envelope(t, esJSON(t, revokedV2(esUser, "j1", 1, "")))))
	h.sink.next(t)
	for _, s := range sinks {
		for s.next(t).id != "j1" {
		}
	}
	h.es.subscribe(nil) // ignored
}

func TestEventStreamInvalidEventIDNotResent(t *testing.T) {
	h := newESHarness(t, nil, nil)
	h.start(t)
	c1 := h.srv.next(t)
	c1.write(t, esFrame("ok-1", "user-created", "{}"))
	c1.write(t, esFrame(strings.Repeat("9", maxEventIDBytes+1), "user-created", "{}"))
	c1.write(t, esFrame("bad\x7fid", "user-created", "{}"))
	c1.write(t, esFrame("", "session-revoked", h.envelope(t, esJSON(t, revokedV2(esUser, "j", 1, "")))))
	h.sink.next(t)
	c1.close()
	c2 := h.srv.next(t)
	if got := c2.header.Get("Last-Event-ID"); got != "ok-1" {
		t.Errorf("Last-Event-ID = %q, want ok-1", got)
	}
}

func TestEventStreamSuppliedHTTPClient(t *testing.T) {
	var used atomic.Bool
	client := &http.Client{
		Timeout: time.Millisecond, // would kill the stream: ignored
		Transport: esRoundTrip(func(r *http.Request) (*http.Response, error) {
			used.Store(true)
			return http.DefaultTransport.RoundTrip(r)
		}),
	}
	h := newESHarness(t, nil, func(c *EventStreamConfig) { c.HTTPClient = client })
	h.start(t)
	c := h.srv.next(t)
	h.obs.waitFor(t, "connected:true")
	time.Sleep(20 * time.Millisecond) // longer than the client's Timeout
	c.write(t, esFrame("7-1", "session-revoked", h.envelope(t, esJSON(t, revokedV2(esUser, "j", 1, "")))))
	h.sink.next(t)
	if !used.Load() || h.es.ownsHTTP || client.Timeout != time.Millisecond {
		t.Error("supplied client not used, or modified")
	}
	_ = h.es.Close()
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
}

type esRoundTrip func(*http.Request) (*http.Response, error)

func (f esRoundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestEventStreamCloseLeavesNoGoroutine(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	h := newESHarness(t, nil, func(c *EventStreamConfig) { c.ReadTimeout = time.Minute })
	h.start(t)
	c := h.srv.next(t)
	h.obs.waitFor(t, "connected:true")
	c.write(t, esFrame("8-1", "session-revoked", h.envelope(t, esJSON(t, revokedV2(esUser, "j", 1, "")))))
	h.sink.next(t)
	done := make(chan struct{})
	go func() {
		_ = h.es.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(esWait):
		t.Fatal("Close blocked")
	}
	if h.es.Connected() {
		t.Error("connected after Close")
	}
	h.srv.Close()
	goleak.VerifyNone(t, ignore)
}
