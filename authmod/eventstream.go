package authmod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/m8fx/kit/authevent"
	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/settingsmod"
)

// Defaults of [EventStreamConfig].
const (
	// DefaultEventStreamConnectTimeout bounds one connection attempt, from
	// the credential (Authorize) to the response headers
	// (EVENT_STREAM_CONNECT_TIMEOUT).
	DefaultEventStreamConnectTimeout = 5 * time.Second
	// DefaultEventStreamReadTimeout is how long the stream may stay silent
	// (not a byte, not even the issuer's 15 s heartbeat) before the
	// connection is dropped and made again (EVENT_STREAM_READ_TIMEOUT).
	DefaultEventStreamReadTimeout = 60 * time.Second
)

// Reconnection policy of the event stream: from eventBackoffMin, doubled
// per consecutive failure up to eventBackoffMax, ±eventBackoffJitter.
const (
	eventBackoffMin    = time.Second
	eventBackoffMax    = 60 * time.Second
	eventBackoffJitter = 0.25
	// maxEventIDBytes bounds an event id kept for Last-Event-ID.
	maxEventIDBytes = 256
	// maxLoggedBytes bounds a server-chosen string (event type) in a log.
	maxLoggedBytes = 64
	// eventStreamCheckName is the name of [EventStream.HealthCheck].
	eventStreamCheckName = "auth_events"
)

// Event types of the stream, normalised ("-" replaced with ".").
const (
	eventTypeSessionRevoked = "session.revoked"
	eventTypeUserDeleted    = "user.deleted"
	eventTypeGap            = "gap"
	// eventTypeUnknown labels a frame dropped before its type was read.
	eventTypeUnknown = "unknown"
)

// Results passed to [EventObserver.EventReceived], the result label of
// auth_event_stream_events_total.
const (
	// EventDelivered: the event was verified and applied.
	EventDelivered = "delivered"
	// EventDroppedMalformed: the event was dropped: not a JSON envelope, no
	// payload, a payload that could not be understood, or a frame over the
	// size limit (which also drops the connection).
	EventDroppedMalformed = "dropped_malformed"
	// EventDroppedSigFail: the event was dropped: no signature, or one that
	// does not match its payload.
	EventDroppedSigFail = "dropped_sig_fail"
)

var errEventStreamClosed = errors.New("authmod: event stream is closed")

// EventObserver receives the events of an [EventStream], for metrics (the
// auth_event_stream_* metrics of fa-auth-m8's consumers). Implementations
// must be cheap and safe for concurrent use; a nil EventObserver means "not
// observed".
type EventObserver interface {
	// EventStreamConnected is called when the stream connects (true) and
	// when a connection ends (false): the auth_event_stream_connected gauge.
	EventStreamConnected(connected bool)
	// EventReceived is called for every revocation event received and for
	// every frame dropped for its size: auth_event_stream_events_total.
	// eventType is "session.revoked", "user.deleted" or, for a frame dropped
	// before its type was read, "unknown"; result is [EventDelivered],
	// [EventDroppedMalformed] or [EventDroppedSigFail]. Events of other
	// types are ignored and not reported; gaps are reported by
	// EventStreamGap.
	EventReceived(eventType, result string)
	// EventStreamGap is called for every gap event (events may have been
	// missed; the revocation caches were flushed):
	// auth_event_stream_gap_total.
	EventStreamGap()
	// EventStreamReconnect is called before every connection attempt but the
	// first: auth_event_stream_reconnects_total.
	EventStreamReconnect()
}

// EventStreamConfig configures [NewEventStream].
type EventStreamConfig struct {
	// URL is the stream endpoint of fa-auth-m8, <base>/events/stream (http
	// or https). Required.
	URL string
	// Auth sets the credential headers of every connection attempt and is
	// told about a 401 (Invalidate). Required.
	Auth InternalAuth
	// Signer verifies the signature of every event (EVENT_SIGNING_KEY).
	// Required: unsigned events are never accepted.
	Signer *authevent.Signer
	// ConnectTimeout bounds one connection attempt, up to the response
	// headers (default [DefaultEventStreamConnectTimeout]).
	ConnectTimeout time.Duration
	// ReadTimeout: a connection silent for that long (no event and no
	// heartbeat) is dropped and made again (default
	// [DefaultEventStreamReadTimeout]).
	ReadTimeout time.Duration
	// HTTPClient, if set, is copied and used instead of the stream's own:
	// redirects are never followed and its Timeout is ignored (the stream is
	// long-lived; ConnectTimeout and ReadTimeout apply). Close does not
	// close its connections.
	HTTPClient *http.Client
	// Logger receives the stream's logs (nil: none).
	Logger *zap.Logger
	// Observer is told about connections and events (nil: not observed).
	Observer EventObserver
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// MaxPushed bounds the pushed-revocation list, revoked jtis and users
	// together; the oldest are dropped first (default [DefaultMaxPushed]).
	MaxPushed int
	// PushedTTL is how long a pushed revocation is remembered (default
	// [DefaultPushedTTL], the longest token lifetime).
	PushedTTL time.Duration
}

// EventStreamConfigFromSettings reads the stream URL (the private base of
// INTROSPECTION_URL + "/events/stream"), EVENT_SIGNING_KEY,
// EVENT_STREAM_CONNECT_TIMEOUT and EVENT_STREAM_READ_TIMEOUT, and the
// longest token lifetime (ACCESS_TOKEN_EXPIRE_MINUTES) as PushedTTL when it
// is longer than the default. Auth, Logger, Observer, HTTPClient and Now are
// left for the caller.
func EventStreamConfigFromSettings(s *settingsmod.Settings) (EventStreamConfig, error) {
	if s == nil {
		return EventStreamConfig{}, errors.New("authmod: event stream: nil settings")
	}
	base := s.PrivateBaseURL()
	if base == "" {
		return EventStreamConfig{}, errors.New("authmod: event stream: INTROSPECTION_URL is required (the stream URL is derived from it)")
	}
	signer, err := authevent.NewSigner([]byte(s.EventSigningKey.Value()))
	if err != nil {
		return EventStreamConfig{}, fmt.Errorf("authmod: event stream: EVENT_SIGNING_KEY: %w", err)
	}
	cfg := EventStreamConfig{
		URL:            base + "/events/stream",
		Signer:         signer,
		ConnectTimeout: s.EventStreamConnectTimeout(),
		ReadTimeout:    s.EventStreamReadTimeout(),
	}
	if life := time.Duration(s.AccessTokenExpireMinutes) * time.Minute; life > DefaultPushedTTL {
		cfg.PushedTTL = life
	}
	return cfg, nil
}

// EventStream is the client of fa-auth-m8's auth event stream (server-sent
// events): it receives the issuer's revocations as they happen and hands
// them to the revocation caches and to its own pushed-revocation list, so
// that a revoked token is refused at once. The stream is an accelerator:
// in stateful mode the jti-status check stays the authority.
//
// One background goroutine ([EventStream.Start], [EventStream.Close])
// keeps a connection open, with the internal-auth headers and, when
// resuming, Last-Event-ID. It reconnects forever, with a backoff from 1 s
// doubled per consecutive failure up to 60 s (±25 % jitter), reset after a
// connection that ended cleanly. A 401 invalidates the internal credential.
// A connection that stays silent for ReadTimeout, or sends a line over 64
// KiB, is dropped.
//
// Every event is a signed envelope {"payload": {...}, "sig": "<hex>"},
// verified with the [authevent.Signer]; an envelope that is not valid, or
// whose signature is missing or wrong, is dropped (and counted). Applied:
//
//   - session.revoked v2: a jti revoked, or (jti null) the user's tokens of
//     a generation below auth_generation;
//   - session.revoked v1 (no generation): all the user's tokens;
//   - user.deleted: all the user's tokens;
//   - gap (the issuer could not resume): the last event id is forgotten and
//     every revocation cache is flushed; so is a signed session.revoked or
//     user.deleted whose payload cannot be understood.
//
// Other event types are ignored.
type EventStream struct {
	url            string
	logURL         string
	auth           InternalAuth
	signer         *authevent.Signer
	client         *http.Client
	ownsHTTP       bool
	connectTimeout time.Duration
	readTimeout    time.Duration
	log            *zap.Logger
	obs            EventObserver
	now            func() time.Time
	pushed         *pushedList

	// Tunables, replaced by tests before Start.
	backoffMin time.Duration
	backoffMax time.Duration
	jitter     func() float64 // in [0, 1)
	sleep      func(ctx context.Context, d time.Duration) bool

	sinksMu sync.Mutex
	sinks   atomic.Pointer[[]revocationSink] // copy on write

	connected atomic.Bool
	downSince atomic.Int64 // unix ns; 0 while connected or before Start
	lastID    atomic.Pointer[string]

	ctx    context.Context // ends with Close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	started bool
	closed  bool
}

// NewEventStream checks cfg and returns a stream that is not started yet;
// it does no I/O.
func NewEventStream(cfg EventStreamConfig) (*EventStream, error) {
	if err := checkEventStreamURL(cfg.URL); err != nil {
		return nil, err
	}
	switch {
	case cfg.Auth == nil:
		return nil, errors.New("authmod: event stream: Auth is required")
	case cfg.Signer == nil:
		return nil, errors.New("authmod: event stream: Signer is required (unsigned events are never accepted)")
	case cfg.ConnectTimeout < 0 || cfg.ReadTimeout < 0 || cfg.PushedTTL < 0:
		return nil, errors.New("authmod: event stream: timeouts must not be negative")
	case cfg.MaxPushed < 0:
		return nil, errors.New("authmod: event stream: MaxPushed must not be negative")
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = DefaultEventStreamConnectTimeout
	}
	if cfg.ReadTimeout == 0 {
		cfg.ReadTimeout = DefaultEventStreamReadTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	obs := cfg.Observer
	if obs == nil {
		obs = nopEventObserver{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &EventStream{
		url:            cfg.URL,
		logURL:         redactURL(cfg.URL),
		auth:           cfg.Auth,
		signer:         cfg.Signer,
		connectTimeout: cfg.ConnectTimeout,
		readTimeout:    cfg.ReadTimeout,
		log:            cfg.Logger.Named("events"),
		obs:            obs,
		now:            cfg.Now,
		pushed:         newPushedList(cfg.MaxPushed, cfg.PushedTTL, cfg.Now),
		backoffMin:     eventBackoffMin,
		backoffMax:     eventBackoffMax,
		jitter:         rand.Float64,
		sleep:          sleepCtx,
		ctx:            ctx,
		cancel:         cancel,
	}
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if cfg.HTTPClient != nil {
		c := *cfg.HTTPClient
		c.CheckRedirect = noRedirect
		c.Timeout = 0
		s.client = &c
	} else {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.DialContext = (&net.Dialer{Timeout: cfg.ConnectTimeout, KeepAlive: 30 * time.Second}).DialContext
		// One long-lived connection at a time: nothing to reuse, and no
		// idle connection outlives the stream.
		tr.DisableKeepAlives = true
		s.client = &http.Client{Transport: tr, CheckRedirect: noRedirect}
		s.ownsHTTP = true
	}
	return s, nil
}

func checkEventStreamURL(raw string) error {
	if raw == "" {
		return errors.New("authmod: event stream: URL is required")
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("authmod: event stream: URL must be an absolute http(s) URL, got %q", redactURL(raw))
	}
	return nil
}

// Start starts the background connection loop and returns at once: the
// first connection is made in the background, so an unreachable issuer
// never delays or fails the start. ctx is not used. Starting a started
// stream does nothing; starting a closed one is an error.
func (s *EventStream) Start(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errEventStreamClosed
	}
	if s.started {
		return nil
	}
	s.started = true
	s.downSince.Store(s.now().UnixNano())
	s.wg.Add(1)
	go s.loop()
	return nil
}

// Close stops the stream (dropping its connection) and waits for its
// goroutine. It may be called more than once, and without Start.
func (s *EventStream) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
	if s.ownsHTTP {
		s.client.CloseIdleConnections()
	}
	return nil
}

// Connected reports whether the stream is connected now.
func (s *EventStream) Connected() bool { return s.connected.Load() }

// LastEventID returns the id of the last event received, sent as
// Last-Event-ID when the stream reconnects ("" when none, or after a gap).
func (s *EventStream) LastEventID() string {
	if p := s.lastID.Load(); p != nil {
		return *p
	}
	return ""
}

// HealthCheck returns the "auth_events" check: ok while the stream is
// connected, degraded while it reconnects. When required, a stream that has
// been disconnected for longer than ReadTimeout (or is not started) fails
// the check instead.
func (s *EventStream) HealthCheck(required bool) healthmod.Check {
	return healthmod.NewCheckFunc(eventStreamCheckName, func(context.Context) healthmod.Result {
		if s.connected.Load() {
			return healthmod.Result{Status: healthmod.StatusOK, Meta: map[string]any{"connected": true}}
		}
		bad := healthmod.StatusDegraded
		if required {
			bad = healthmod.StatusFail
		}
		since := s.downSince.Load()
		if since == 0 {
			return healthmod.Result{Status: bad, Error: "auth event stream not started", Meta: map[string]any{"connected": false}}
		}
		down := max(s.now().Sub(time.Unix(0, since)), 0)
		meta := map[string]any{"connected": false, "disconnected_seconds": down.Truncate(time.Second).Seconds()}
		if required && down > s.readTimeout {
			return healthmod.Result{Status: healthmod.StatusFail, Meta: meta,
				Error: fmt.Sprintf("auth event stream disconnected for %s", down.Truncate(time.Second))}
		}
		return healthmod.Result{Status: healthmod.StatusDegraded, Error: "auth event stream reconnecting", Meta: meta}
	})
}

// subscribe adds a sink that every applied event is given to. It is called
// by the module wiring before Start, and is safe for concurrent use.
func (s *EventStream) subscribe(sink revocationSink) {
	if sink == nil {
		return
	}
	s.sinksMu.Lock()
	defer s.sinksMu.Unlock()
	var next []revocationSink
	if old := s.sinks.Load(); old != nil {
		next = append(next, *old...)
	}
	next = append(next, sink)
	s.sinks.Store(&next)
}

// revoked reports whether the pushed-revocation list refuses c: its jti was
// revoked, or its user was revoked or deleted after (in a later second
// than) the token was issued. It is cheap when nothing was revoked.
func (s *EventStream) revoked(c *Claims) bool { return s.pushed.revoked(c) }

// loop connects, and reconnects with backoff, until Close.
func (s *EventStream) loop() {
	defer s.wg.Done()
	failures := 0
	for {
		clean := s.session()
		if s.ctx.Err() != nil {
			return
		}
		if clean {
			failures = 0
		} else {
			failures++
		}
		if !s.sleep(s.ctx, backoffDelay(failures, s.backoffMin, s.backoffMax, s.jitter())) {
			return
		}
		s.obs.EventStreamReconnect()
	}
}

// backoffDelay is the wait before the next connection after failures
// consecutive failures (0: after a connection that ended cleanly): lo
// doubled per failure after the first, capped at hi, then scaled by a
// jitter of ±25 % (r in [0, 1)).
func backoffDelay(failures int, lo, hi time.Duration, r float64) time.Duration {
	d := lo
	for i := 1; i < failures && d < hi; i++ {
		d *= 2
	}
	d = min(d, hi)
	return time.Duration(float64(d) * (1 - eventBackoffJitter + 2*eventBackoffJitter*r))
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// session makes one connection and reads it until it ends. It reports
// whether the connection ended cleanly (the server ended the stream).
func (s *EventStream) session() (clean bool) {
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()

	connectTimer := time.AfterFunc(s.connectTimeout, cancel)
	resp, err := s.open(ctx)
	if !connectTimer.Stop() && err == nil {
		err = fmt.Errorf("no response within the connect timeout (%s)", s.connectTimeout)
	}
	if err == nil {
		err = s.checkResponse(resp)
	}
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		if s.ctx.Err() == nil {
			if errors.Is(err, context.Canceled) {
				err = fmt.Errorf("no response within the connect timeout (%s)", s.connectTimeout)
			}
			s.log.Warn("auth event stream: connection failed; retrying", zap.String("event_stream_url", s.logURL),
				zap.String("last_event_id", s.LastEventID()), zap.Error(err))
		}
		return false
	}
	defer resp.Body.Close()

	s.setConnected(true)
	s.log.Info("auth event stream connected", zap.String("event_stream_url", s.logURL),
		zap.String("last_event_id", s.LastEventID()))

	var readTimedOut atomic.Bool
	readTimer := time.AfterFunc(s.readTimeout, func() {
		readTimedOut.Store(true)
		cancel()
	})
	defer readTimer.Stop()
	p := newSSEReader(&idleReader{r: resp.Body, timer: readTimer, timeout: s.readTimeout})
	for {
		ev, err := p.next()
		if err == nil {
			s.handle(ev)
			continue
		}
		s.setConnected(false)
		fields := []zap.Field{zap.String("event_stream_url", s.logURL), zap.String("last_event_id", s.LastEventID())}
		switch {
		case s.ctx.Err() != nil:
			s.log.Info("auth event stream disconnected: closing", fields...)
		case readTimedOut.Load():
			s.log.Warn("auth event stream disconnected: read timeout; reconnecting",
				append(fields, zap.Duration("read_timeout", s.readTimeout))...)
		case errors.Is(err, io.EOF):
			s.log.Info("auth event stream disconnected: the server ended the stream; reconnecting", fields...)
			return true
		case errors.Is(err, errSSELineTooLong), errors.Is(err, errSSEDataTooLong):
			s.obs.EventReceived(eventLabel(p.partialType()), EventDroppedMalformed)
			s.log.Warn("auth event stream disconnected: frame over the size limit; reconnecting",
				append(fields, zap.Int("limit_bytes", maxSSELineBytes), zap.Error(err))...)
		default:
			s.log.Warn("auth event stream disconnected: read error; reconnecting", append(fields, zap.Error(err))...)
		}
		return false
	}
}

// open sends the stream request.
func (s *EventStream) open(ctx context.Context) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Cache-Control", "no-cache")
	if id := s.LastEventID(); id != "" {
		req.Header.Set("Last-Event-ID", id)
	}
	if err := s.auth.Authorize(ctx, req); err != nil {
		return nil, fmt.Errorf("internal auth: %w", err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is logged separately, redacted
		}
		return nil, err
	}
	return resp, nil
}

// checkResponse accepts a 200 text/event-stream answer.
func (s *EventStream) checkResponse(resp *http.Response) error {
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusUnauthorized:
		if s.auth.Invalidate() {
			return errors.New("HTTP 401: the service token was invalidated; a fresh one is used next time")
		}
		return errors.New("HTTP 401: the internal credential was refused")
	case http.StatusForbidden:
		return errors.New("HTTP 403: the consumer lacks the event-stream scope")
	default:
		return fmt.Errorf("HTTP status %d", resp.StatusCode)
	}
	ct := resp.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "text/event-stream" {
		return fmt.Errorf("unexpected content type %q", truncateForLog(ct))
	}
	return nil
}

func (s *EventStream) setConnected(v bool) {
	if s.connected.Swap(v) == v {
		return
	}
	if v {
		s.downSince.Store(0)
	} else {
		s.downSince.Store(s.now().UnixNano())
	}
	s.obs.EventStreamConnected(v)
}

// handle applies one event of the stream.
func (s *EventStream) handle(ev sseEvent) {
	switch ev.Type {
	case eventTypeGap:
		s.lastID.Store(nil)
		s.flushAll()
		s.obs.EventStreamGap()
		s.log.Warn("auth event stream gap: events may have been missed; revocation caches flushed",
			zap.String("event_id", ev.ID))
		return
	case eventTypeSessionRevoked, eventTypeUserDeleted:
		s.apply(ev)
	default:
		s.log.Debug("auth event ignored: unknown type", zap.String("event_id", ev.ID),
			zap.String("event_type", truncateForLog(ev.Type)))
	}
	s.rememberID(ev.ID)
}

// rememberID keeps id for Last-Event-ID, if it can be sent as a header.
func (s *EventStream) rememberID(id string) {
	if id == "" {
		return
	}
	if len(id) > maxEventIDBytes || strings.IndexFunc(id, func(r rune) bool { return r < 0x20 || r > 0x7e }) >= 0 {
		s.log.Debug("auth event id not kept: not a valid Last-Event-ID")
		return
	}
	s.lastID.Store(&id)
}

// apply verifies and applies a revocation event.
func (s *EventStream) apply(ev sseEvent) {
	payload, result, reason := s.openEnvelope(ev.Data)
	if result != "" {
		s.obs.EventReceived(ev.Type, result)
		s.log.Warn("auth event dropped", zap.String("event_id", ev.ID), zap.String("event_type", ev.Type),
			zap.String("reason", reason))
		return
	}
	rev, err := parseStreamRevocation(ev.Type, payload)
	if err != nil {
		s.obs.EventReceived(ev.Type, EventDroppedMalformed)
		s.flushAll()
		s.log.Warn("auth event unparseable; revocation caches flushed", zap.String("event_id", ev.ID),
			zap.String("event_type", ev.Type), zap.String("reason", err.Error()))
		return
	}
	now := s.now()
	s.deliver(func(k revocationSink) {
		switch {
		case rev.deleted:
			k.deleteUser(rev.userID, now)
		case rev.jti != "":
			k.revokeJTI(rev.jti)
		default:
			k.revokeUser(rev.userID, rev.generation, rev.eventID, now)
		}
	})
	s.obs.EventReceived(ev.Type, EventDelivered)
	s.log.Debug("auth event applied", zap.String("event_id", ev.ID), zap.String("event_type", ev.Type),
		zap.Int64("auth_generation", rev.generation))
}

// openEnvelope checks the envelope {"payload": {...}, "sig": "<hex>"} and
// returns its verified payload, or the drop result and its reason.
func (s *EventStream) openEnvelope(data string) (payload []byte, result, reason string) {
	var env map[string]json.RawMessage // exact member names
	if err := json.Unmarshal([]byte(data), &env); err != nil || env == nil {
		return nil, EventDroppedMalformed, "envelope is not a JSON object"
	}
	payload = env["payload"]
	if len(payload) == 0 || isNull(payload) {
		return nil, EventDroppedMalformed, "envelope has no payload"
	}
	rawSig, ok := env["sig"]
	var sig string
	if !ok || isNull(rawSig) {
		return nil, EventDroppedSigFail, "envelope has no signature"
	}
	if err := json.Unmarshal(rawSig, &sig); err != nil {
		return nil, EventDroppedSigFail, "signature is not a string"
	}
	switch err := s.signer.VerifyJSON(payload, sig); {
	case errors.Is(err, authevent.ErrBadSignature):
		return nil, EventDroppedSigFail, "signature mismatch"
	case err != nil:
		return nil, EventDroppedMalformed, "payload is not valid JSON"
	}
	return payload, "", ""
}

func (s *EventStream) deliver(fn func(revocationSink)) {
	fn(s.pushed)
	if p := s.sinks.Load(); p != nil {
		for _, k := range *p {
			fn(k)
		}
	}
}

func (s *EventStream) flushAll() { s.deliver(revocationSink.flush) }

// streamRevocation is a verified revocation payload.
type streamRevocation struct {
	userID     string
	deleted    bool   // user.deleted
	jti        string // session.revoked of one token
	generation int64  // session.revoked v2 of a user; 0 for v1
	eventID    string
}

// parseStreamRevocation reads the payload of a session.revoked or
// user.deleted event (typ), which must name the same event_type.
func parseStreamRevocation(typ string, payload []byte) (streamRevocation, error) {
	var m map[string]json.RawMessage // exact member names
	if err := json.Unmarshal(payload, &m); err != nil || m == nil {
		return streamRevocation{}, errors.New("payload is not a JSON object")
	}
	str := func(name string, required bool) (string, error) {
		raw, ok := m[name]
		if !ok || isNull(raw) {
			if required {
				return "", fmt.Errorf("payload has no %s", name)
			}
			return "", nil
		}
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return "", fmt.Errorf("payload %s is not a string", name)
		}
		if required && v == "" {
			return "", fmt.Errorf("payload %s is empty", name)
		}
		return v, nil
	}
	et, err := str("event_type", true)
	if err != nil {
		return streamRevocation{}, err
	}
	if et != typ {
		return streamRevocation{}, errors.New("payload event_type differs from the event's type")
	}
	var r streamRevocation
	if r.userID, err = str("user_id", true); err != nil {
		return r, err
	}
	version, err := str("version", false)
	if err != nil {
		return r, err
	}
	if typ == eventTypeUserDeleted {
		if version != "" && version != "v1" {
			return r, errors.New("unsupported user.deleted version")
		}
		r.deleted = true
		return r, nil
	}
	if r.jti, err = str("jti", false); err != nil {
		return r, err
	}
	if r.eventID, err = str("event_id", false); err != nil {
		return r, err
	}
	rawGen, hasGen := m["auth_generation"]
	hasGen = hasGen && !isNull(rawGen)
	switch version {
	case "v1":
		hasGen = false // v1 has no generation: the whole user
	case "v2":
		if !hasGen && r.jti == "" {
			return r, errors.New("session.revoked v2 without auth_generation")
		}
	case "":
	default:
		return r, errors.New("unsupported session.revoked version")
	}
	if hasGen {
		if err := json.Unmarshal(rawGen, &r.generation); err != nil || r.generation < 1 {
			return r, errors.New("payload auth_generation is not a positive integer")
		}
	}
	if r.jti != "" {
		r.generation, r.eventID = 0, ""
	}
	return r, nil
}

// idleReader resets the read-timeout timer whenever bytes arrive.
type idleReader struct {
	r       io.Reader
	timer   *time.Timer
	timeout time.Duration
}

func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.timer.Reset(r.timeout)
	}
	return n, err
}

// eventLabel bounds the event_type label of a frame dropped for its size.
func eventLabel(t string) string {
	switch t {
	case eventTypeSessionRevoked, eventTypeUserDeleted, eventTypeGap:
		return t
	}
	return eventTypeUnknown
}

// truncateForLog bounds a server-chosen string in a log line.
func truncateForLog(v string) string {
	if len(v) <= maxLoggedBytes {
		return v
	}
	return strings.ToValidUTF8(v[:maxLoggedBytes], "") + "…"
}

type nopEventObserver struct{}

func (nopEventObserver) EventStreamConnected(bool)    {}
func (nopEventObserver) EventReceived(string, string) {}
func (nopEventObserver) EventStreamGap()              {}
func (nopEventObserver) EventStreamReconnect()        {}
