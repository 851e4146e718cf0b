package authmod

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"
	"golang.org/x/sync/singleflight"

	"github.com/m8fx/kit/settingsmod"
)

// NoRevocation is the [RevocationChecker] of stateless and hybrid token
// modes: access tokens are never revoked, they expire.
type NoRevocation struct{}

// Check always accepts.
func (NoRevocation) Check(context.Context, *Claims) error { return nil }

// Close does nothing.
func (NoRevocation) Close() error { return nil }

// Defaults and limits of [RemoteRevocationClient].
const (
	// DefaultRevocationTimeout bounds one introspection call, from dial to
	// the last byte of the answer.
	DefaultRevocationTimeout = 2 * time.Second
	// DefaultRevocationCacheEntries bounds the answer cache.
	DefaultRevocationCacheEntries = 10_000
	// MaxRevocationAnswerBytes bounds an introspection answer; a longer one
	// is a failure.
	MaxRevocationAnswerBytes = 64 << 10
	// revocationDialTimeout bounds the TCP connect within the total timeout.
	revocationDialTimeout = time.Second
	// revocationSchemaVersion is the jti-status protocol version we speak.
	revocationSchemaVersion = "2"
)

// FailMode says what a revocation check does when the auth service gives no
// answer (ACCESS_REVOCATION_FAILURE_MODE). The zero value is [FailClosed].
type FailMode string

// The failure modes.
const (
	// FailClosed refuses the request with 503 (the default).
	FailClosed FailMode = "fail_closed"
	// FailOpen accepts the token and logs a warning.
	FailOpen FailMode = "fail_open"
)

// RevocationConfig configures [NewRemoteRevocationClient] (and
// [NewRevocationChecker] in stateful mode). Build it from the settings with
// [RevocationConfigFromSettings] or fill it in directly.
type RevocationConfig struct {
	// URL is the fa-auth-m8 jti-status endpoint (INTROSPECTION_URL), http or
	// https.
	URL string
	// Auth sets the credential headers of every call (see [InternalAuth]);
	// a 401 answer calls its Invalidate and, if that returns true, the call
	// is made once more with a fresh credential. An Authorize error is a
	// failure to get an answer (FailMode applies). Nil: the legacy header
	// X-Internal-Token: Secret.
	Auth InternalAuth
	// Secret is sent as X-Internal-Token (PRIVATE_API_SECRET) when Auth is
	// nil, and then required.
	Secret string
	// CacheTTL is how long an "active" answer is reused
	// (REVOCATION_CACHE_TTL_SECONDS). 0, the default, asks on every request.
	// Entries never outlive the token's exp. "Revoked" answers are always
	// remembered until the token's exp, whatever CacheTTL.
	CacheTTL time.Duration
	// Timeout bounds one call (default [DefaultRevocationTimeout]), and the
	// wait for a credential from Auth before it.
	Timeout time.Duration
	// FailMode decides when the auth service gives no answer (network
	// error, timeout, 5xx, 429, no credential from Auth): [FailClosed] (""
	// too) refuses with 503, [FailOpen] accepts the token and logs a
	// warning. An answer that is wrong (malformed, oversized, another
	// schema_version, a user_id that is not the token's sub, a 3xx or
	// another 4xx, a 401 that a fresh credential did not cure) always fails
	// closed.
	FailMode FailMode
	// MaxCacheEntries bounds the cache (default
	// [DefaultRevocationCacheEntries]).
	MaxCacheEntries int
	// HTTPClient, if set, is copied and used instead of the client's own; its
	// redirect policy is replaced (redirects are never followed) and a zero
	// Timeout gets Timeout. Close does not close its connections.
	HTTPClient *http.Client
	// Logger receives fail_open warnings (nil: none).
	Logger *zap.Logger
	// Observer is told about every check and cache lookup (nil: not
	// observed).
	Observer Observer
	// Now is the clock (nil: time.Now); tests set it to move time.
	Now func() time.Time
}

// RevocationConfigFromSettings reads INTROSPECTION_URL, PRIVATE_API_SECRET,
// REVOCATION_CACHE_TTL_SECONDS and ACCESS_REVOCATION_FAILURE_MODE. With
// INTERNAL_CLIENT_ID set, Auth is an [InternalAuthClient] of its own
// ([InternalAuthConfigFromSettings]); an app that shares one InternalAuth
// between its private calls (the fx module does) replaces it. Logger,
// Observer, HTTPClient and Now are left for the caller.
func RevocationConfigFromSettings(s *settingsmod.Settings) (RevocationConfig, error) {
	if s == nil {
		return RevocationConfig{}, errors.New("authmod: revocation: nil settings")
	}
	cfg := RevocationConfig{
		URL:      s.IntrospectionURL,
		Secret:   s.PrivateAPISecret.Value(),
		CacheTTL: s.RevocationCacheTTL(),
		FailMode: FailMode(s.AccessRevocationFailureMode),
	}
	if err := cfg.FailMode.check(); err != nil {
		return cfg, fmt.Errorf("authmod: ACCESS_REVOCATION_FAILURE_MODE: %w", err)
	}
	if strings.TrimSpace(s.InternalClientID) != "" {
		ac, err := InternalAuthConfigFromSettings(s)
		if err != nil {
			return cfg, err
		}
		auth, err := NewInternalAuth(ac)
		if err != nil {
			return cfg, err
		}
		cfg.Auth = auth
	}
	return cfg, nil
}

// check accepts the two failure modes and "" (fail closed).
func (m FailMode) check() error {
	switch m {
	case "", FailClosed, FailOpen:
		return nil
	}
	return fmt.Errorf("failure mode must be %s or %s, got %q", FailClosed, FailOpen, string(m))
}

// NewRevocationChecker returns the [RevocationChecker] of a token mode:
// with stateful (TOKEN_MODE=stateful) a [RemoteRevocationClient] for cfg,
// else [NoRevocation] (stateless and hybrid tokens are never revoked, they
// expire) and cfg is not used. Close the checker when done; closing
// NoRevocation does nothing.
//
//	rc, err := authmod.RevocationConfigFromSettings(settings)
//	...
//	checker, err := authmod.NewRevocationChecker(rc, settings.IsStateful())
func NewRevocationChecker(cfg RevocationConfig, stateful bool) (RevocationChecker, error) {
	if !stateful {
		return NoRevocation{}, nil
	}
	c, err := NewRemoteRevocationClient(cfg)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// RemoteRevocationClient is the [RevocationChecker] of stateful token mode:
// it asks fa-auth-m8 whether a token's jti was revoked.
//
// Protocol (jti-status v2): POST URL with the internal-auth headers
// ([RevocationConfig.Auth]) and body {"jti": "...", "expected_user_id":
// "<sub>", "schema_version": "2"}. An answer {"active": false} means revoked
// ([ErrRevoked], 401); {"active": true, "user_id": "<sub>",
// "auth_generation": <integer >= 1>} means valid. schema_version may be
// absent (it means "2"); any other version, a missing member, a member of
// the wrong JSON type or a user_id that is not the sub is a wrong answer
// ([ErrRevocationUnavailable], 503, whatever the failure mode).
//
// Concurrent checks of the same token share one call. Answers are cached by
// (iss, jti, sub), never by the raw token (see [RevocationConfig.CacheTTL]);
// active ones are tagged with the user and auth generation, so that the
// revocations of the auth event stream evict them, and an active answer
// whose generation is below a generation the stream revoked for that user
// is treated as revoked.
type RemoteRevocationClient struct {
	url      string
	auth     InternalAuth
	ttl      time.Duration
	timeout  time.Duration
	failOpen bool
	client   *http.Client
	// own is the transport the client built, closed by Close (nil when
	// the caller supplied the HTTP client).
	own    *http.Transport
	cache  *revocationCache
	flight singleflight.Group
	log    *zap.Logger
	obs    Observer
	now    func() time.Time
	closed atomic.Bool

	// testHookJoined, when set (by tests), runs after a Check joined the
	// call for its token and before it waits for the answer.
	testHookJoined func()
}

var _ RevocationChecker = (*RemoteRevocationClient)(nil)

// NewRemoteRevocationClient checks cfg and returns a client. No call is made
// until the first Check.
func NewRemoteRevocationClient(cfg RevocationConfig) (*RemoteRevocationClient, error) {
	u, err := url.Parse(cfg.URL)
	switch {
	case cfg.URL == "":
		return nil, errors.New("authmod: revocation: URL (INTROSPECTION_URL) is required")
	case err != nil:
		return nil, errors.New("authmod: revocation: URL (INTROSPECTION_URL) is not a valid URL")
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return nil, errors.New("authmod: revocation: URL (INTROSPECTION_URL) must be an absolute http(s) URL")
	case cfg.Auth == nil && cfg.Secret == "":
		return nil, errors.New("authmod: revocation: Secret (PRIVATE_API_SECRET) is required")
	case cfg.CacheTTL < 0:
		return nil, errors.New("authmod: revocation: CacheTTL (REVOCATION_CACHE_TTL_SECONDS) must not be negative")
	case cfg.Timeout < 0:
		return nil, errors.New("authmod: revocation: Timeout must not be negative")
	case cfg.MaxCacheEntries < 0:
		return nil, errors.New("authmod: revocation: MaxCacheEntries must not be negative")
	}
	if err := cfg.FailMode.check(); err != nil {
		return nil, fmt.Errorf("authmod: revocation: FailMode: %w", err)
	}
	if cfg.Auth == nil {
		legacy, err := NewInternalAuth(InternalAuthConfig{Secret: cfg.Secret})
		if err != nil {
			return nil, fmt.Errorf("authmod: revocation: %w", err)
		}
		cfg.Auth = legacy
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultRevocationTimeout
	}
	if cfg.MaxCacheEntries == 0 {
		cfg.MaxCacheEntries = DefaultRevocationCacheEntries
	}
	r := &RemoteRevocationClient{
		url:      u.String(),
		auth:     cfg.Auth,
		ttl:      cfg.CacheTTL,
		timeout:  cfg.Timeout,
		failOpen: cfg.FailMode == FailOpen,
		cache:    newRevocationCache(cfg.MaxCacheEntries),
		log:      cfg.Logger,
		obs:      cfg.Observer,
		now:      cfg.Now,
	}
	if r.log == nil {
		r.log = zap.NewNop()
	}
	r.log = r.log.Named("revocation")
	if r.now == nil {
		r.now = time.Now
	}
	if cfg.HTTPClient != nil {
		c := *cfg.HTTPClient
		if c.Timeout == 0 {
			c.Timeout = cfg.Timeout
		}
		r.client = &c
	} else {
		r.own = newRevocationTransport(cfg.Timeout)
		r.client = &http.Client{Transport: r.own, Timeout: cfg.Timeout}
	}
	r.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return r, nil
}

// newRevocationTransport is a transport with tight timeouts for one internal
// host.
func newRevocationTransport(timeout time.Duration) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: min(timeout, revocationDialTimeout), KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = timeout
	t.ResponseHeaderTimeout = timeout
	t.ExpectContinueTimeout = 0
	t.MaxIdleConns = 64
	t.MaxIdleConnsPerHost = 64
	t.IdleConnTimeout = 90 * time.Second
	t.MaxResponseHeaderBytes = 16 << 10
	return t
}

// Check asks whether the token described by claims was revoked. It returns
// nil (active), an error wrapping [ErrRevoked] (401), an error wrapping
// [ErrInvalidToken] when the token has no jti (401: a stateful token must be
// revocable), or an error wrapping [ErrRevocationUnavailable] (503; nil
// instead in fail_open mode when the service gave no answer at all).
func (r *RemoteRevocationClient) Check(ctx context.Context, claims *Claims) error {
	return r.observe(r.check(ctx, claims, false))
}

// CheckFresh is [RemoteRevocationClient.Check] without the positive cache:
// a remembered "active" answer is not used, the auth service is asked (in a
// call shared with concurrent checks of the same token) and its answer is
// cached as usual. A remembered "revoked" answer still holds. Guards use it
// for privileged routes (REVOCATION_CACHE_PRIVILEGED_BYPASS).
func (r *RemoteRevocationClient) CheckFresh(ctx context.Context, claims *Claims) error {
	return r.observe(r.check(ctx, claims, true))
}

// observe reports the outcome of a check to the observer and returns it.
func (r *RemoteRevocationClient) observe(err error) error {
	if err == errFailedOpen { // counted where it was decided
		return nil
	}
	if r.obs != nil {
		switch {
		case err == nil:
			r.obs.RevocationChecked(OutcomeActive)
		case errors.Is(err, ErrRevoked):
			r.obs.RevocationChecked(OutcomeRevoked)
		default:
			r.obs.RevocationChecked(OutcomeFailed)
		}
	}
	return err
}

// sink is the receiver of the auth event stream's revocations for this
// client's cache.
func (r *RemoteRevocationClient) sink() revocationSink { return r.cache }

func (r *RemoteRevocationClient) check(ctx context.Context, claims *Claims, fresh bool) error {
	switch {
	case claims == nil:
		return &revocationFailure{reason: "revocation_no_claims", wrong: true, err: errors.New("no claims")}
	case claims.ID == "":
		return fmt.Errorf("%w: token has no jti, so its revocation cannot be checked", ErrInvalidToken)
	case r.closed.Load():
		return &revocationFailure{reason: "revocation_client_closed", wrong: true, err: errors.New("client closed")}
	}
	key := revocationKey{iss: claims.Issuer, jti: claims.ID, sub: claims.Subject}
	revoked, hit := r.cache.get(key, r.now())
	if fresh && !revoked {
		hit = false // a positive answer is not used
	}
	if r.obs != nil {
		r.obs.RevocationCacheLookup(hit)
	}
	if hit {
		if revoked {
			return errRevoked
		}
		return nil
	}
	// One call per key at a time. The call runs on a context detached from
	// the first caller's cancellation (each caller stops waiting on its own
	// cancellation instead) and bounded by the client timeout.
	ch := r.flight.DoChan(flightKey(key), func() (any, error) {
		return nil, r.lookup(context.WithoutCancel(ctx), key, claims)
	})
	if r.testHookJoined != nil {
		r.testHookJoined()
	}
	var err error
	select {
	case res := <-ch:
		err = res.Err
	case <-ctx.Done():
		err = &revocationFailure{reason: "revocation_wait_cancelled", err: ctx.Err()}
	}
	return r.decide(err)
}

// errFailedOpen marks a check that failed and was accepted (fail_open);
// Check turns it into nil after counting it once.
var errFailedOpen = errors.New("revocation failed open")

// errRevoked is the error of a revoked token.
var errRevoked = fmt.Errorf("%w by the auth service", ErrRevoked)

// errRevokedGeneration is the error of an active answer whose auth generation
// is below one the event stream revoked for its user.
var errRevokedGeneration = fmt.Errorf("%w by an auth event (its auth generation was revoked)", ErrRevoked)

// flightKey is the singleflight key of k; the parts are length-prefixed so
// that no two keys share a string.
func flightKey(k revocationKey) string {
	return fmt.Sprintf("%d:%s\x00%d:%s\x00%s", len(k.iss), k.iss, len(k.jti), k.jti, k.sub)
}

// decide applies the failure mode to the outcome of a check.
func (r *RemoteRevocationClient) decide(err error) error {
	var f *revocationFailure
	if err == nil || !errors.As(err, &f) || f.wrong || !r.failOpen {
		return err
	}
	r.log.Warn("revocation check failed; token accepted (ACCESS_REVOCATION_FAILURE_MODE=fail_open)",
		zap.String("reason", string(f.reason)), zap.Error(f.err))
	if r.obs != nil {
		r.obs.RevocationChecked(OutcomeFailOpen)
	}
	return errFailedOpen
}

// lookup asks the auth service and caches the answer.
func (r *RemoteRevocationClient) lookup(ctx context.Context, key revocationKey, claims *Claims) error {
	epoch := r.cache.currentEpoch()
	ans, err := r.ask(ctx, claims.ID, claims.Subject)
	if err != nil {
		return err
	}
	now := r.now()
	var exp time.Time
	if claims.ExpiresAt != nil {
		exp = claims.ExpiresAt.Time
	}
	if ans.revoked {
		if !exp.IsZero() { // no exp: nothing bounds the entry
			r.cache.putRevoked(key, exp, now)
		}
		return errRevoked
	}
	var until time.Time // zero: not cached
	if r.ttl > 0 && !exp.IsZero() {
		until = now.Add(r.ttl)
		if exp.Before(until) {
			until = exp
		}
	}
	if r.cache.admitActive(key, normUserID(claims.Subject), ans.generation, until, now, epoch) {
		return errRevokedGeneration
	}
	return nil
}

// introspectionRequest is the jti-status request body (schema version 2).
type introspectionRequest struct {
	JTI            string `json:"jti"`
	ExpectedUserID string `json:"expected_user_id"`
	SchemaVersion  string `json:"schema_version"`
}

// introspectionAnswer is a parsed jti-status answer.
type introspectionAnswer struct {
	revoked    bool
	generation int64 // of an active answer, >= 1
}

// ask makes one introspection call, and one more with a fresh credential
// when the first is answered 401 and Auth.Invalidate allows it. It returns
// the answer or a *revocationFailure.
func (r *RemoteRevocationClient) ask(ctx context.Context, jti, sub string) (introspectionAnswer, error) {
	body, err := json.Marshal(introspectionRequest{JTI: jti, ExpectedUserID: sub, SchemaVersion: revocationSchemaVersion})
	if err != nil {
		return introspectionAnswer{}, &revocationFailure{reason: "revocation_request_encoding", wrong: true, err: err}
	}
	ans, status, err := r.askOnce(ctx, body, sub)
	if status == http.StatusUnauthorized && r.auth.Invalidate() {
		ans, _, err = r.askOnce(ctx, body, sub)
	}
	return ans, err
}

// askOnce makes one call. It returns the answer, or the HTTP status (0
// without one) and a *revocationFailure.
func (r *RemoteRevocationClient) askOnce(ctx context.Context, body []byte, sub string) (introspectionAnswer, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url, bytes.NewReader(body))
	if err != nil {
		return introspectionAnswer{}, 0, &revocationFailure{reason: "revocation_request", wrong: true, err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	// A service-token exchange may come first: it is shared and goes on
	// without us, but we wait for it no longer than one call's timeout.
	actx, cancel := context.WithTimeout(ctx, r.timeout)
	err = r.auth.Authorize(actx, req)
	cancel()
	if err != nil {
		// No credential (a failed service-token exchange): no answer.
		return introspectionAnswer{}, 0, &revocationFailure{reason: "revocation_internal_auth", err: err}
	}

	resp, err := r.client.Do(req)
	if err != nil {
		return introspectionAnswer{}, 0, &revocationFailure{reason: "revocation_unreachable", err: scrubURLError(err)}
	}
	defer resp.Body.Close()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// Drain a little so that the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		f := &revocationFailure{reason: "revocation_http_status", err: fmt.Errorf("auth service answered %s", resp.Status)}
		// No answer (5xx, 429) follows the failure mode; any other status
		// (redirect, 4xx: a misconfigured URL or credential) is a wrong
		// answer.
		f.wrong = resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests
		return introspectionAnswer{}, resp.StatusCode, f
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxRevocationAnswerBytes+1))
	if err != nil {
		return introspectionAnswer{}, resp.StatusCode, &revocationFailure{reason: "revocation_unreachable", err: scrubURLError(err)}
	}
	if len(data) > MaxRevocationAnswerBytes {
		return introspectionAnswer{}, resp.StatusCode, &revocationFailure{reason: "revocation_answer_too_large", wrong: true,
			err: fmt.Errorf("answer exceeds %d bytes", MaxRevocationAnswerBytes)}
	}
	ans, err := parseIntrospectionAnswer(data, sub)
	return ans, resp.StatusCode, err
}

// parseIntrospectionAnswer reads a jti-status v2 answer strictly; see
// [RemoteRevocationClient]. Members it does not read are ignored. Its
// errors are wrong answers (*revocationFailure with wrong set).
func parseIntrospectionAnswer(data []byte, sub string) (introspectionAnswer, error) {
	malformed := func(msg string) (introspectionAnswer, error) {
		return introspectionAnswer{}, &revocationFailure{reason: "revocation_answer_malformed", wrong: true, err: errors.New(msg)}
	}
	var raw struct {
		SchemaVersion  json.RawMessage `json:"schema_version"`
		Active         json.RawMessage `json:"active"`
		UserID         json.RawMessage `json:"user_id"`
		AuthGeneration json.RawMessage `json:"auth_generation"`
	}
	if !isJSONObject(data) || json.Unmarshal(data, &raw) != nil {
		return malformed("answer is not a JSON object")
	}
	if raw.SchemaVersion != nil {
		v, ok := jsonString(raw.SchemaVersion)
		if !ok {
			return malformed(`answer "schema_version" is not a string`)
		}
		if v != revocationSchemaVersion {
			return introspectionAnswer{}, &revocationFailure{reason: "revocation_schema_version", wrong: true,
				err: fmt.Errorf("answer schema_version is not %q", revocationSchemaVersion)}
		}
	}
	active, ok := jsonBool(raw.Active)
	if !ok {
		return malformed(`answer has no boolean "active"`)
	}
	if !active {
		return introspectionAnswer{revoked: true}, nil
	}
	userID, ok := jsonString(raw.UserID)
	if !ok {
		return malformed(`active answer has no string "user_id"`)
	}
	if !sameSubject(userID, sub) {
		return introspectionAnswer{}, &revocationFailure{reason: "revocation_user_mismatch", wrong: true, err: errors.New(`answer "user_id" is not the token's sub`)}
	}
	gen, ok := jsonInt(raw.AuthGeneration)
	if !ok || gen < 1 {
		return malformed(`active answer has no integer "auth_generation" >= 1`)
	}
	return introspectionAnswer{generation: gen}, nil
}

// sameSubject compares the answer's user_id with the token's sub: equal
// strings, or the same UUID spelled with different letter case.
func sameSubject(got, want string) bool {
	if got == want {
		return true
	}
	if len(got) != 36 || len(want) != 36 {
		return false
	}
	a, errA := uuid.Parse(got)
	b, errB := uuid.Parse(want)
	return errA == nil && errB == nil && a == b
}

// scrubURLError drops the URL from a *url.Error (it is configuration, but
// there is no need to repeat it in every log line).
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Close closes idle connections of the client's own transport. Checks after
// Close fail. It is idempotent and always returns nil.
func (r *RemoteRevocationClient) Close() error {
	if r.closed.Swap(true) {
		return nil
	}
	if r.own != nil {
		r.own.CloseIdleConnections()
	}
	return nil
}

// revocationFailure is a check that got no usable answer. It wraps
// ErrRevocationUnavailable. wrong marks answers that are not merely missing
// but wrong (malformed, mismatched, unexpected status): those fail closed
// even in fail_open mode.
type revocationFailure struct {
	reason Reason
	wrong  bool
	err    error
}

func (f *revocationFailure) Error() string {
	return ErrRevocationUnavailable.Error() + ": " + f.err.Error()
}

func (f *revocationFailure) Unwrap() []error { return []error{ErrRevocationUnavailable, f.err} }

// reasonCode returns the short reason code for logs and metrics.
func (f *revocationFailure) reasonCode() Reason { return f.reason }
