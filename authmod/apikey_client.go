package authmod

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/m8fx/kit/settingsmod"
)

// Errors of API-key introspection. Their messages never contain the key.
var (
	// ErrAPIKeyMissing: the request carries no (or an empty) X-API-Key
	// (401).
	ErrAPIKeyMissing = errors.New("no API key")
	// ErrAPIKeyInactive: the issuer answered that the key is not active:
	// unknown, revoked or expired (401, the same answer as a missing key).
	ErrAPIKeyInactive = errors.New("API key is not active")
	// ErrAPIKeyRateLimited: the issuer answered 429 (answer 429, copying
	// the Retry-After of the [*APIKeyRateLimitError]).
	ErrAPIKeyRateLimited = errors.New("API key rate limit exceeded")
	// ErrAPIKeyUnavailable: no usable answer (503). Every failure wraps it;
	// [APIKeyFailureReason] says why.
	ErrAPIKeyUnavailable = errors.New("API key verification unavailable")
)

// Reasons of API-key introspection failures, as returned by
// [APIKeyFailureReason]. Each is also the result label of the
// introspection metric.
const (
	APIKeyReasonLoadShed             Reason = "load_shed"
	APIKeyReasonCircuitOpen          Reason = "circuit_open"
	APIKeyReasonIssuerUnavailable    Reason = "issuer_unavailable"
	APIKeyReasonUnexpectedStatus     Reason = "unexpected_status"
	APIKeyReasonConsumerUnauthorized Reason = "consumer_unauthorized"
	APIKeyReasonResponseTooLarge     Reason = "response_too_large"
	APIKeyReasonMalformedResponse    Reason = "malformed_response"
	APIKeyReasonAudienceMismatch     Reason = "audience_mismatch"
	// APIKeyReasonInternalAuth: no credential for the call (a failed
	// service-token exchange). Not a circuit-breaker failure.
	APIKeyReasonInternalAuth Reason = "internal_auth"
	// APIKeyReasonCancelled: the caller's context ended first. Not a
	// circuit-breaker failure.
	APIKeyReasonCancelled Reason = "request_cancelled"
	// APIKeyReasonClientClosed: Introspect after Close.
	APIKeyReasonClientClosed Reason = "client_closed"
)

// Results reported to [APIKeyObserver.APIKeyIntrospected] besides the
// failure reasons.
const (
	APIKeyResultActive      = "active"
	APIKeyResultInactive    = "inactive"
	APIKeyResultMissing     = "missing"
	APIKeyResultRateLimited = "rate_limited"
)

// Circuit states reported to [APIKeyObserver.APIKeyCircuit].
const (
	APIKeyCircuitClosed   = "closed"
	APIKeyCircuitOpen     = "open"
	APIKeyCircuitHalfOpen = "half_open"
)

// Access modes of an API key.
const (
	APIKeyReadOnly  = "read_only"
	APIKeyReadWrite = "read_write"
)

// Defaults of [APIKeyConfig] (the settings' defaults).
const (
	DefaultAPIKeyConnectTimeout   = 2 * time.Second
	DefaultAPIKeyReadTimeout      = 3 * time.Second
	DefaultAPIKeyPoolTimeout      = 2 * time.Second
	DefaultAPIKeyMaxConcurrency   = 20
	DefaultAPIKeyMaxResponseBytes = 8192
	DefaultAPIKeyFailureThreshold = 5
	DefaultAPIKeyResetAfter       = 30 * time.Second
	// apiKeySchemaVersion is the introspection schema version we speak.
	apiKeySchemaVersion = "1"
	// minAPIKeyResponseBytes is the smallest MaxResponseBytes accepted.
	minAPIKeyResponseBytes = 256
	// maxRetryAfterLen bounds a copied Retry-After value.
	maxRetryAfterLen = 64
)

// APIKeyObserver is told about API-key introspection (see
// [NewAPIKeyMetrics]). Its methods must be cheap and safe for concurrent
// use.
type APIKeyObserver interface {
	// APIKeyIntrospected reports one Introspect: active, inactive, missing,
	// rate_limited or a failure reason.
	APIKeyIntrospected(result string)
	// APIKeyCircuit reports a change of the circuit breaker: closed, open or
	// half_open.
	APIKeyCircuit(state string)
	// APIKeyLoadShed reports a call refused because no concurrency slot was
	// free within the pool timeout.
	APIKeyLoadShed()
}

// APIKeyConfig configures [NewAPIKeyClient]. Build it from the settings with
// [APIKeyConfigFromSettings] or fill it in directly; zero durations and
// counts get the Default* values.
type APIKeyConfig struct {
	// URL is the introspection endpoint (API_KEY_INTROSPECTION_URL, or the
	// private base URL + "/api-keys/introspect"), http or https. Required.
	URL string
	// Auth sets the credential headers of every call; a 401 or 403 answer
	// calls its Invalidate. Required.
	Auth InternalAuth
	// Audience is INTERNAL_CLIENT_ID: an active answer must carry it as
	// audience_id. Required.
	Audience string
	// ConnectTimeout bounds the TCP (and TLS) connect; a failed connect is
	// retried once.
	ConnectTimeout time.Duration
	// ReadTimeout bounds the wait for the answer once connected.
	ReadTimeout time.Duration
	// PoolTimeout bounds the wait for a concurrency slot.
	PoolTimeout time.Duration
	// MaxConcurrency bounds the calls in flight.
	MaxConcurrency int
	// MaxResponseBytes bounds an answer (at least 256).
	MaxResponseBytes int
	// FailureThreshold consecutive failures open the circuit breaker.
	FailureThreshold int
	// ResetAfter is how long the breaker stays open before a trial call.
	ResetAfter time.Duration
	// HTTPClient, if set, is copied and used instead of the client's own;
	// its redirect policy is replaced (redirects are never followed). Each
	// attempt is bounded by ConnectTimeout + ReadTimeout through its
	// context; connecting within ConnectTimeout is then the transport's
	// business. Close does not close its connections.
	HTTPClient *http.Client
	// Logger receives the audience-mismatch errors and the breaker and
	// failure warnings, with the key's fingerprint only (nil: none).
	Logger *zap.Logger
	// Observer is told about every introspection (nil: not observed).
	Observer APIKeyObserver
	// Now is the clock of the circuit breaker (nil: time.Now).
	Now func() time.Time
}

// APIKeyConfigFromSettings reads the API_KEY_INTROSPECTION_* settings,
// INTERNAL_CLIENT_ID (the audience) and the derived endpoint
// ([settingsmod.Settings.APIKeyIntrospectionEndpoint]). Auth is an
// [InternalAuthClient] of its own ([InternalAuthConfigFromSettings]); an app
// that shares one InternalAuth between its private calls replaces it.
// Logger, Observer, HTTPClient and Now are left for the caller.
func APIKeyConfigFromSettings(s *settingsmod.Settings) (APIKeyConfig, error) {
	if s == nil {
		return APIKeyConfig{}, errors.New("authmod: api-key introspection: nil settings")
	}
	if s.APIKeyIntrospectionSchemaVersion != apiKeySchemaVersion {
		return APIKeyConfig{}, fmt.Errorf("authmod: API_KEY_INTROSPECTION_SCHEMA_VERSION must be %q", apiKeySchemaVersion)
	}
	cfg := APIKeyConfig{
		URL:              s.APIKeyIntrospectionEndpoint(),
		Audience:         strings.TrimSpace(s.InternalClientID),
		ConnectTimeout:   s.APIKeyIntrospectionConnectTimeout(),
		ReadTimeout:      s.APIKeyIntrospectionReadTimeout(),
		PoolTimeout:      s.APIKeyIntrospectionPoolTimeout(),
		MaxConcurrency:   s.APIKeyIntrospectionMaxConcurrency,
		MaxResponseBytes: s.APIKeyIntrospectionMaxResponseBytes,
		FailureThreshold: s.APIKeyIntrospectionCircuitFailureThreshold,
		ResetAfter:       s.APIKeyIntrospectionCircuitReset(),
	}
	ac, err := InternalAuthConfigFromSettings(s)
	if err != nil {
		return cfg, err
	}
	auth, err := NewInternalAuth(ac)
	if err != nil {
		return cfg, err
	}
	cfg.Auth = auth
	return cfg, nil
}

// APIKeyPrincipal is the owner of an active API key, as the issuer
// described it.
type APIKeyPrincipal struct {
	UserID      uuid.UUID
	Role        Role
	IsSuperuser bool
	// AccessMode is [APIKeyReadOnly] or [APIKeyReadWrite].
	AccessMode string
	// AuthGeneration is the owner's auth generation (>= 1).
	AuthGeneration int64
	// AudienceID is the client the answer is for (the configured Audience).
	AudienceID string
	// KeyExpiresAt is when the key expires (nil: never).
	KeyExpiresAt *time.Time
}

// APIKeyRateLimitError is the error of a 429 answer; it wraps
// [ErrAPIKeyRateLimited]. RetryAfter is the issuer's Retry-After header
// ("" when it sent none or an unusable one), to be copied to the answer.
type APIKeyRateLimitError struct {
	RetryAfter string
}

func (e *APIKeyRateLimitError) Error() string { return ErrAPIKeyRateLimited.Error() }

// Unwrap returns [ErrAPIKeyRateLimited].
func (e *APIKeyRateLimitError) Unwrap() error { return ErrAPIKeyRateLimited }

// apiKeyFailure is an introspection without a usable answer; it wraps
// ErrAPIKeyUnavailable and the cause.
type apiKeyFailure struct {
	reason Reason
	err    error
}

func (f *apiKeyFailure) Error() string {
	return ErrAPIKeyUnavailable.Error() + " (" + string(f.reason) + "): " + f.err.Error()
}

func (f *apiKeyFailure) Unwrap() []error { return []error{ErrAPIKeyUnavailable, f.err} }

// APIKeyFailureReason returns the reason of an [ErrAPIKeyUnavailable] error
// from [APIKeyClient.Introspect] (one of the APIKeyReason* codes), or ""
// for any other error.
func APIKeyFailureReason(err error) Reason {
	var f *apiKeyFailure
	if errors.As(err, &f) {
		return f.reason
	}
	return ""
}

func apiKeyFail(reason Reason, format string, args ...any) *apiKeyFailure {
	return &apiKeyFailure{reason: reason, err: fmt.Errorf(format, args...)}
}

// APIKeyFingerprint is what logs may say about a key: the first 8 hex
// digits of its SHA-256.
func APIKeyFingerprint(rawKey string) string {
	sum := sha256.Sum256([]byte(rawKey))
	return hex.EncodeToString(sum[:4])
}

// APIKeyClient introspects API keys at fa-auth-m8.
//
// Protocol (schema 1): POST URL with the internal-auth headers and
// {"api_key": "<raw key>", "schema_version": "1"}; redirects are never
// followed and nothing is cached. A 200 answer must be
// {"active": false, "schema_version": "1"} ([ErrAPIKeyInactive]) or
// {"active": true, "schema_version": "1", "audience_id": <Audience>,
// "principal": {"user_id": <uuid>, "role": <string>, "is_superuser": <bool>,
// "access_mode": "read_only"|"read_write", "authentication_method":
// "api_key", "auth_generation": <integer >= 1>}, "key_expires_at":
// <RFC 3339 datetime|null>} (members it does not read are ignored, and an
// absent key_expires_at means null). 429 is [*APIKeyRateLimitError]; any
// other outcome is an error wrapping [ErrAPIKeyUnavailable].
//
// Circuit breaker: every outcome of a call other than a parsed answer (an
// active answer for another audience included), a 429, a missing
// credential or the caller's cancellation is a failure; FailureThreshold
// consecutive failures open the breaker for ResetAfter, during which calls
// fail at once (circuit_open). Then one trial call is let through: a parsed
// answer closes the breaker, a failure opens it again.
type APIKeyClient struct {
	url       string
	auth      InternalAuth
	audience  string
	attemptTO time.Duration
	poolTO    time.Duration
	maxBytes  int64
	client    *http.Client
	own       *http.Transport
	slots     chan struct{}
	breaker   *apiKeyBreaker
	log       *zap.Logger
	obs       APIKeyObserver
	closed    atomic.Bool
}

// NewAPIKeyClient checks cfg and returns a client. No call is made until the
// first Introspect.
func NewAPIKeyClient(cfg APIKeyConfig) (*APIKeyClient, error) {
	u, err := url.Parse(cfg.URL)
	switch {
	case cfg.URL == "":
		return nil, errors.New("authmod: api-key introspection: URL (API_KEY_INTROSPECTION_URL) is required")
	case err != nil:
		return nil, errors.New("authmod: api-key introspection: URL (API_KEY_INTROSPECTION_URL) is not a valid URL")
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return nil, errors.New("authmod: api-key introspection: URL (API_KEY_INTROSPECTION_URL) must be an absolute http(s) URL")
	case cfg.Auth == nil:
		return nil, errors.New("authmod: api-key introspection: Auth is required")
	case strings.TrimSpace(cfg.Audience) == "":
		return nil, errors.New("authmod: api-key introspection: Audience (INTERNAL_CLIENT_ID) is required")
	case cfg.ConnectTimeout < 0, cfg.ReadTimeout < 0, cfg.PoolTimeout < 0, cfg.ResetAfter < 0:
		return nil, errors.New("authmod: api-key introspection: timeouts must not be negative")
	case cfg.MaxConcurrency < 0, cfg.FailureThreshold < 0:
		return nil, errors.New("authmod: api-key introspection: MaxConcurrency and FailureThreshold must not be negative")
	case cfg.MaxResponseBytes != 0 && cfg.MaxResponseBytes < minAPIKeyResponseBytes:
		return nil, fmt.Errorf("authmod: api-key introspection: MaxResponseBytes must be at least %d", minAPIKeyResponseBytes)
	}
	cfg.ConnectTimeout = orDefault(cfg.ConnectTimeout, DefaultAPIKeyConnectTimeout)
	cfg.ReadTimeout = orDefault(cfg.ReadTimeout, DefaultAPIKeyReadTimeout)
	cfg.PoolTimeout = orDefault(cfg.PoolTimeout, DefaultAPIKeyPoolTimeout)
	cfg.ResetAfter = orDefault(cfg.ResetAfter, DefaultAPIKeyResetAfter)
	cfg.MaxConcurrency = orDefault(cfg.MaxConcurrency, DefaultAPIKeyMaxConcurrency)
	cfg.MaxResponseBytes = orDefault(cfg.MaxResponseBytes, DefaultAPIKeyMaxResponseBytes)
	cfg.FailureThreshold = orDefault(cfg.FailureThreshold, DefaultAPIKeyFailureThreshold)
	c := &APIKeyClient{
		url:       u.String(),
		auth:      cfg.Auth,
		audience:  strings.TrimSpace(cfg.Audience),
		attemptTO: cfg.ConnectTimeout + cfg.ReadTimeout,
		poolTO:    cfg.PoolTimeout,
		maxBytes:  int64(cfg.MaxResponseBytes),
		slots:     make(chan struct{}, cfg.MaxConcurrency),
		log:       cfg.Logger,
		obs:       cfg.Observer,
	}
	if c.log == nil {
		c.log = zap.NewNop()
	}
	c.log = c.log.Named("api_key")
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	c.breaker = &apiKeyBreaker{threshold: cfg.FailureThreshold, reset: cfg.ResetAfter, now: now, obs: c.obs, log: c.log}
	if cfg.HTTPClient != nil {
		hc := *cfg.HTTPClient // each attempt's context carries the deadline
		c.client = &hc
	} else {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.DialContext = (&net.Dialer{Timeout: cfg.ConnectTimeout, KeepAlive: 30 * time.Second}).DialContext
		t.TLSHandshakeTimeout = cfg.ConnectTimeout
		t.ResponseHeaderTimeout = cfg.ReadTimeout
		t.ExpectContinueTimeout = 0
		t.MaxIdleConns = cfg.MaxConcurrency
		t.MaxIdleConnsPerHost = cfg.MaxConcurrency
		t.IdleConnTimeout = 90 * time.Second
		t.MaxResponseHeaderBytes = 16 << 10
		c.own = t
		c.client = &http.Client{Transport: t} // each attempt's context carries the deadline
	}
	c.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c, nil
}

func orDefault[T int | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// Close closes idle connections of the client's own transport.
// Introspections after Close fail. It is idempotent and returns nil.
func (c *APIKeyClient) Close() error {
	if c.closed.Swap(true) {
		return nil
	}
	if c.own != nil {
		c.own.CloseIdleConnections()
	}
	return nil
}

// Introspect asks the issuer about rawKey. It returns the key's principal,
// or an error wrapping [ErrAPIKeyMissing] (empty key), [ErrAPIKeyInactive],
// [ErrAPIKeyRateLimited] (an [*APIKeyRateLimitError]) or
// [ErrAPIKeyUnavailable] (see [APIKeyFailureReason]).
func (c *APIKeyClient) Introspect(ctx context.Context, rawKey string) (*APIKeyPrincipal, error) {
	p, err := c.introspect(ctx, rawKey)
	if c.obs != nil {
		c.obs.APIKeyIntrospected(apiKeyResult(err))
	}
	return p, err
}

// apiKeyResult is the observer's result of an Introspect outcome.
func apiKeyResult(err error) string {
	switch {
	case err == nil:
		return APIKeyResultActive
	case errors.Is(err, ErrAPIKeyInactive):
		return APIKeyResultInactive
	case errors.Is(err, ErrAPIKeyMissing):
		return APIKeyResultMissing
	case errors.Is(err, ErrAPIKeyRateLimited):
		return APIKeyResultRateLimited
	}
	return string(APIKeyFailureReason(err))
}

// outcome is what a call means to the circuit breaker.
type outcome int

const (
	outcomeNeutral outcome = iota // 429, no credential, caller gone
	outcomeSuccess                // a parsed answer
	outcomeFailure
)

func (c *APIKeyClient) introspect(ctx context.Context, rawKey string) (*APIKeyPrincipal, error) {
	if rawKey == "" {
		return nil, ErrAPIKeyMissing
	}
	if c.closed.Load() {
		return nil, apiKeyFail(APIKeyReasonClientClosed, "client closed")
	}
	trial, ok := c.breaker.allow()
	if !ok {
		return nil, apiKeyFail(APIKeyReasonCircuitOpen, "circuit breaker open after repeated failures")
	}
	if err := c.acquire(ctx); err != nil {
		c.breaker.done(trial, outcomeNeutral)
		return nil, err
	}
	p, out, err := c.call(ctx, rawKey)
	<-c.slots
	c.breaker.done(trial, out)
	return p, err
}

// acquire takes a concurrency slot, waiting at most the pool timeout.
func (c *APIKeyClient) acquire(ctx context.Context) error {
	select {
	case c.slots <- struct{}{}:
		return nil
	default:
	}
	timer := time.NewTimer(c.poolTO)
	defer timer.Stop()
	select {
	case c.slots <- struct{}{}:
		return nil
	case <-timer.C:
		if c.obs != nil {
			c.obs.APIKeyLoadShed()
		}
		return apiKeyFail(APIKeyReasonLoadShed, "no introspection slot free within %v", c.poolTO)
	case <-ctx.Done():
		return &apiKeyFailure{reason: APIKeyReasonCancelled, err: ctx.Err()}
	}
}

// apiKeyRequest is the introspection request body.
type apiKeyRequest struct {
	APIKey        string `json:"api_key"`
	SchemaVersion string `json:"schema_version"`
}

// call makes the introspection, retrying once after a connect failure.
func (c *APIKeyClient) call(ctx context.Context, rawKey string) (*APIKeyPrincipal, outcome, error) {
	body, err := json.Marshal(apiKeyRequest{APIKey: rawKey, SchemaVersion: apiKeySchemaVersion})
	if err != nil { // cannot happen for a string; never show the key
		return nil, outcomeNeutral, apiKeyFail(APIKeyReasonMalformedResponse, "request encoding failed")
	}
	p, out, connectErr, err := c.attempt(ctx, body, rawKey)
	if connectErr && ctx.Err() == nil {
		p, out, _, err = c.attempt(ctx, body, rawKey)
	}
	return p, out, err
}

// attempt makes one call. connectErr reports a failure to connect (the only
// failure that is retried).
func (c *APIKeyClient) attempt(ctx context.Context, body []byte, rawKey string) (p *APIKeyPrincipal, out outcome, connectErr bool, err error) {
	actx, cancel := context.WithTimeout(ctx, c.attemptTO)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, outcomeFailure, false, apiKeyFail(APIKeyReasonIssuerUnavailable, "request: %v", scrubURLError(err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if err := c.auth.Authorize(actx, req); err != nil {
		if ctx.Err() != nil {
			return nil, outcomeNeutral, false, &apiKeyFailure{reason: APIKeyReasonCancelled, err: ctx.Err()}
		}
		return nil, outcomeNeutral, false, &apiKeyFailure{reason: APIKeyReasonInternalAuth, err: err}
	}
	resp, err := c.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, outcomeNeutral, false, &apiKeyFailure{reason: APIKeyReasonCancelled, err: ctx.Err()}
		}
		var op *net.OpError
		dial := errors.As(err, &op) && op.Op == "dial"
		return nil, outcomeFailure, dial, &apiKeyFailure{reason: APIKeyReasonIssuerUnavailable, err: scrubURLError(err)}
	}
	defer resp.Body.Close()
	switch code := resp.StatusCode; {
	case code == http.StatusOK:
	case code == http.StatusTooManyRequests:
		drain(resp.Body)
		return nil, outcomeNeutral, false, &APIKeyRateLimitError{RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	case code == http.StatusUnauthorized, code == http.StatusForbidden:
		drain(resp.Body)
		c.auth.Invalidate()
		c.log.Warn("the auth service refused this service's credential for API-key introspection",
			zap.Int("status", code), zap.String("key_fingerprint", APIKeyFingerprint(rawKey)))
		return nil, outcomeFailure, false, apiKeyFail(APIKeyReasonConsumerUnauthorized, "auth service answered %d", code)
	case code >= 500:
		drain(resp.Body)
		return nil, outcomeFailure, false, apiKeyFail(APIKeyReasonIssuerUnavailable, "auth service answered %d", code)
	default:
		drain(resp.Body)
		return nil, outcomeFailure, false, apiKeyFail(APIKeyReasonUnexpectedStatus, "auth service answered %d", code)
	}
	if resp.ContentLength > c.maxBytes {
		return nil, outcomeFailure, false, apiKeyFail(APIKeyReasonResponseTooLarge, "answer exceeds %d bytes", c.maxBytes)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBytes+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, outcomeNeutral, false, &apiKeyFailure{reason: APIKeyReasonCancelled, err: ctx.Err()}
		}
		return nil, outcomeFailure, false, &apiKeyFailure{reason: APIKeyReasonIssuerUnavailable, err: scrubURLError(err)}
	}
	if int64(len(data)) > c.maxBytes {
		return nil, outcomeFailure, false, apiKeyFail(APIKeyReasonResponseTooLarge, "answer exceeds %d bytes", c.maxBytes)
	}
	p, err = parseAPIKeyAnswer(data)
	switch {
	case errors.Is(err, ErrAPIKeyInactive):
		return nil, outcomeSuccess, false, err
	case err != nil:
		return nil, outcomeFailure, false, err
	case p.AudienceID != c.audience:
		c.log.Error("API-key introspection answer is for another audience; refused",
			zap.String("expected_audience_id", c.audience), zap.String("audience_id", p.AudienceID),
			zap.String("key_fingerprint", APIKeyFingerprint(rawKey)))
		return nil, outcomeFailure, false, apiKeyFail(APIKeyReasonAudienceMismatch, "answer audience_id is not this client's")
	}
	return p, outcomeSuccess, false, nil
}

// drain reads a little of a body so that the connection can be reused.
func drain(r io.Reader) { _, _ = io.Copy(io.Discard, io.LimitReader(r, 4<<10)) }

// retryAfter keeps a Retry-After value that is safe to copy: printable
// ASCII, bounded length.
func retryAfter(v string) string {
	v = strings.TrimSpace(v)
	if len(v) > maxRetryAfterLen {
		return ""
	}
	for i := range len(v) {
		if c := v[i]; c < ' ' || c >= 0x7f {
			return ""
		}
	}
	return v
}

// apiKeyBreaker is the circuit breaker of an [APIKeyClient].
type apiKeyBreaker struct {
	threshold int
	reset     time.Duration
	now       func() time.Time
	obs       APIKeyObserver
	log       *zap.Logger

	mu       sync.Mutex
	state    string // "" is closed
	failures int
	openedAt time.Time
	trialOut bool // a trial call is in flight (half-open)
}

// allow reports whether a call may be made, and whether it is the trial
// call of a half-open breaker.
func (b *apiKeyBreaker) allow() (trial, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.state {
	case APIKeyCircuitOpen:
		if b.now().Sub(b.openedAt) < b.reset {
			return false, false
		}
		b.setState(APIKeyCircuitHalfOpen)
		b.trialOut = true
		return true, true
	case APIKeyCircuitHalfOpen:
		if b.trialOut {
			return false, false
		}
		b.trialOut = true
		return true, true
	}
	return false, true
}

// done records the outcome of a call allowed by allow.
func (b *apiKeyBreaker) done(trial bool, out outcome) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if trial {
		b.trialOut = false
		switch out {
		case outcomeSuccess:
			b.failures = 0
			b.setState(APIKeyCircuitClosed)
		case outcomeFailure:
			b.open()
		}
		return
	}
	if b.state != "" && b.state != APIKeyCircuitClosed {
		return // a call from before the breaker opened; only the trial decides
	}
	switch out {
	case outcomeSuccess:
		b.failures = 0
	case outcomeFailure:
		b.failures++
		if b.failures >= b.threshold {
			b.open()
		}
	}
}

func (b *apiKeyBreaker) open() {
	b.openedAt = b.now()
	b.failures = 0
	b.log.Warn("API-key introspection circuit open: calls fail at once until a trial call succeeds",
		zap.Duration("reset_after", b.reset))
	b.setState(APIKeyCircuitOpen)
}

func (b *apiKeyBreaker) setState(s string) {
	if s == APIKeyCircuitClosed {
		s = ""
	}
	b.state = s
	if b.obs != nil {
		if s == "" {
			s = APIKeyCircuitClosed
		}
		b.obs.APIKeyCircuit(s)
	}
}

// circuitState returns the breaker state (for tests and health).
func (b *apiKeyBreaker) circuitState() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.state == "" {
		return APIKeyCircuitClosed
	}
	return b.state
}
