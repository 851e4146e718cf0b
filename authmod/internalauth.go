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
	"strconv"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	"golang.org/x/net/http/httpguts"
	"golang.org/x/sync/singleflight"

	"github.com/m8fx/kit/internal/strictjson"
	"github.com/m8fx/kit/settingsmod"
)

// InternalAuthMode is how an [InternalAuthClient] authenticates private
// calls to fa-auth-m8.
type InternalAuthMode string

// The internal-auth modes, chosen by configuration.
const (
	// InternalAuthLegacy (no client id; development only) sends
	// X-Internal-Token: <secret>.
	InternalAuthLegacy InternalAuthMode = "legacy"
	// InternalAuthBootstrap (a client id) sends X-Internal-Client: <id> and
	// X-Internal-Token: <secret>.
	InternalAuthBootstrap InternalAuthMode = "bootstrap"
	// InternalAuthServiceToken (a client id and service tokens on) sends
	// Authorization: Bearer <service token>, a token exchanged with the
	// bootstrap credential and cached until shortly before it expires.
	InternalAuthServiceToken InternalAuthMode = "service_token"
)

// Errors of a service-token exchange. Every exchange failure wraps
// [ErrServiceTokenExchange]; the issuer's refusals also wrap one of the
// others. Their messages never contain the secret or a token.
var (
	// ErrServiceTokenExchange: no service token could be obtained.
	ErrServiceTokenExchange = errors.New("service-token exchange failed")
	// ErrServiceTokenUnauthorized: the issuer answered 401, it does not
	// accept the client id and secret.
	ErrServiceTokenUnauthorized = errors.New("the auth service does not accept the client id and secret (401)")
	// ErrServiceTokenForbidden: the issuer answered 403, a requested scope is
	// not granted to the client.
	ErrServiceTokenForbidden = errors.New("a requested scope is not granted to the client (403)")
	// ErrServiceTokenExchangeDisabled: the issuer answered 404, the exchange
	// is not enabled on it.
	ErrServiceTokenExchangeDisabled = errors.New("the auth service has no service-token exchange (404)")
)

// Defaults and limits of [InternalAuthClient].
const (
	// defaultExchangeTimeout bounds one exchange, connect to last byte.
	defaultExchangeTimeout = 5 * time.Second
	// exchangeDialTimeout bounds the TCP connect (upstream: 2 s).
	exchangeDialTimeout = 2 * time.Second
	// maxExchangeAnswerBytes bounds an exchange answer.
	maxExchangeAnswerBytes = 16 << 10
	// maxServiceTokenLifetime caps how long a token is reused, whatever its
	// expires_in (which also keeps the arithmetic far from overflowing).
	maxServiceTokenLifetime = 24 * time.Hour
)

// InternalAuthConfig configures [NewInternalAuth]. Build it from the settings
// with [InternalAuthConfigFromSettings] or fill it in directly.
//
// The mode follows from the fields: no ClientID is [InternalAuthLegacy]; a
// ClientID is [InternalAuthBootstrap], or [InternalAuthServiceToken] with
// ServiceTokens.
type InternalAuthConfig struct {
	// ExchangeURL is the issuer's service-token endpoint, the private base
	// URL + "/service-token" (see settingsmod.Settings.PrivateBaseURL).
	// Required with ServiceTokens, else not used.
	ExchangeURL string
	// ClientID is INTERNAL_CLIENT_ID ("" for legacy mode).
	ClientID string
	// Secret is PRIVATE_API_SECRET, the X-Internal-Token value. Required.
	Secret string
	// ServiceTokens is SERVICE_TOKEN_EXCHANGE_ENABLED (needs ClientID).
	ServiceTokens bool
	// Scopes are asked for in the exchange (default ["introspection"]).
	Scopes []string
	// RefreshLeeway: a token is exchanged again that long before it expires
	// (SERVICE_TOKEN_REFRESH_LEEWAY_SECONDS). 0 reuses it until it expires.
	RefreshLeeway time.Duration
	// HTTPClient, if set, is copied and used for exchanges; its redirect
	// policy is replaced (redirects are never followed) and a zero Timeout
	// gets Timeout. By default a client without keep-alive is used (an
	// exchange is rare), so there is nothing to close.
	HTTPClient *http.Client
	// Timeout bounds one exchange (default 5 s).
	Timeout time.Duration
	// Logger receives one debug line per exchange (client id and
	// expires_in) and one warning per failed exchange (nil: none).
	Logger *zap.Logger
	// Now is the clock (nil: time.Now); tests set it to move time.
	Now func() time.Time
}

// InternalAuthConfigFromSettings reads INTERNAL_CLIENT_ID,
// PRIVATE_API_SECRET, SERVICE_TOKEN_EXCHANGE_ENABLED, the effective scopes
// (SERVICE_TOKEN_SCOPES, plus event-stream when EVENT_STREAM_ENABLED),
// SERVICE_TOKEN_REFRESH_LEEWAY_SECONDS and derives ExchangeURL from
// INTROSPECTION_URL. Logger, HTTPClient and Now are left for the caller.
func InternalAuthConfigFromSettings(s *settingsmod.Settings) (InternalAuthConfig, error) {
	if s == nil {
		return InternalAuthConfig{}, errors.New("authmod: internal auth: nil settings")
	}
	cfg := InternalAuthConfig{
		ClientID:      strings.TrimSpace(s.InternalClientID),
		Secret:        s.PrivateAPISecret.Value(),
		ServiceTokens: s.ServiceTokenExchangeEnabled,
		Scopes:        s.EffectiveServiceTokenScopes(),
		RefreshLeeway: s.ServiceTokenRefreshLeeway(),
	}
	if base := s.PrivateBaseURL(); base != "" {
		cfg.ExchangeURL = base + "/service-token"
	}
	return cfg, nil
}

// InternalAuthClient is the kit's [InternalAuth]: it sets the credential
// headers of private calls to fa-auth-m8 in one of three modes
// ([InternalAuthMode]). In service-token mode it exchanges a token with
// POST ExchangeURL (headers X-Internal-Client and X-Internal-Token, body
// {"scopes": [...]}), one exchange at a time shared by every waiting call,
// and reuses it until obtained + expires_in - RefreshLeeway.
//
// It is safe for concurrent use and holds no goroutine or connection
// between calls.
type InternalAuthClient struct {
	mode        InternalAuthMode
	clientID    string
	secret      string
	exchangeURL string
	body        []byte // the exchange request body
	leeway      time.Duration
	client      *http.Client
	log         *zap.Logger
	now         func() time.Time

	flight singleflight.Group
	mu     sync.Mutex
	token  string    // the current service token ("" when none)
	fresh  time.Time // token is reused before this instant
}

var _ InternalAuth = (*InternalAuthClient)(nil)

// NewInternalAuth checks cfg and returns a client. No exchange is made until
// the first Authorize in service-token mode.
func NewInternalAuth(cfg InternalAuthConfig) (*InternalAuthClient, error) {
	switch {
	case cfg.Secret == "":
		return nil, errors.New("authmod: internal auth: Secret (PRIVATE_API_SECRET) is required")
	case !httpguts.ValidHeaderFieldValue(cfg.Secret):
		return nil, errors.New("authmod: internal auth: Secret (PRIVATE_API_SECRET) is not a valid header value")
	case cfg.ClientID != "" && !validScopeToken(cfg.ClientID):
		return nil, errors.New("authmod: internal auth: ClientID (INTERNAL_CLIENT_ID) must be printable ASCII without spaces")
	case cfg.ServiceTokens && cfg.ClientID == "":
		return nil, errors.New("authmod: internal auth: ServiceTokens (SERVICE_TOKEN_EXCHANGE_ENABLED) needs ClientID (INTERNAL_CLIENT_ID)")
	case cfg.RefreshLeeway < 0:
		return nil, errors.New("authmod: internal auth: RefreshLeeway must not be negative")
	case cfg.Timeout < 0:
		return nil, errors.New("authmod: internal auth: Timeout must not be negative")
	}
	c := &InternalAuthClient{
		mode:     InternalAuthLegacy,
		clientID: cfg.ClientID,
		secret:   cfg.Secret,
		leeway:   cfg.RefreshLeeway,
		log:      cfg.Logger,
		now:      cfg.Now,
	}
	if c.log == nil {
		c.log = zap.NewNop()
	}
	c.log = c.log.Named("internal_auth")
	if c.now == nil {
		c.now = time.Now
	}
	if cfg.ClientID != "" {
		c.mode = InternalAuthBootstrap
	}
	if !cfg.ServiceTokens {
		return c, nil
	}
	c.mode = InternalAuthServiceToken
	u, err := url.Parse(cfg.ExchangeURL)
	switch {
	case cfg.ExchangeURL == "":
		return nil, errors.New("authmod: internal auth: ExchangeURL is required with ServiceTokens (derived from INTROSPECTION_URL)")
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return nil, errors.New("authmod: internal auth: ExchangeURL must be an absolute http(s) URL")
	}
	c.exchangeURL = u.String()
	scopes := cfg.Scopes
	if len(scopes) == 0 {
		scopes = []string{settingsmod.ScopeIntrospection}
	}
	for _, s := range scopes {
		if !validScopeToken(s) {
			return nil, fmt.Errorf("authmod: internal auth: scope %q is not a scope name", s)
		}
	}
	if c.body, err = json.Marshal(struct {
		Scopes []string `json:"scopes"`
	}{scopes}); err != nil {
		return nil, fmt.Errorf("authmod: internal auth: encode scopes: %w", err)
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = defaultExchangeTimeout
	}
	if cfg.HTTPClient != nil {
		hc := *cfg.HTTPClient
		if hc.Timeout == 0 {
			hc.Timeout = timeout
		}
		c.client = &hc
	} else {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.DialContext = (&net.Dialer{Timeout: min(timeout, exchangeDialTimeout)}).DialContext
		t.DisableKeepAlives = true // rare calls: no idle connection to close
		t.TLSHandshakeTimeout = timeout
		t.ResponseHeaderTimeout = timeout
		t.MaxResponseHeaderBytes = 16 << 10
		c.client = &http.Client{Transport: t, Timeout: timeout}
	}
	c.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c, nil
}

// Mode returns the client's mode, for logs.
func (c *InternalAuthClient) Mode() InternalAuthMode { return c.mode }

// ClientID returns the client id ("" in legacy mode), for logs.
func (c *InternalAuthClient) ClientID() string { return c.clientID }

// Authorize sets the credential headers of the mode on req, replacing any
// credential header already there. In service-token mode it may first wait
// for an exchange (shared with concurrent callers; it stops waiting when
// ctx is done); its failure is returned, wrapping
// [ErrServiceTokenExchange].
func (c *InternalAuthClient) Authorize(ctx context.Context, req *http.Request) error {
	if req == nil {
		return errors.New("authmod: internal auth: nil request")
	}
	h := req.Header
	if h == nil {
		h = make(http.Header)
		req.Header = h
	}
	switch c.mode {
	case InternalAuthLegacy:
		h.Del("Authorization")
		h.Del("X-Internal-Client")
		h.Set("X-Internal-Token", c.secret)
	case InternalAuthBootstrap:
		h.Del("Authorization")
		h.Set("X-Internal-Client", c.clientID)
		h.Set("X-Internal-Token", c.secret)
	default:
		token, err := c.serviceToken(ctx)
		if err != nil {
			return err
		}
		h.Del("X-Internal-Client")
		h.Del("X-Internal-Token")
		h.Set("Authorization", "Bearer "+token)
	}
	return nil
}

// Invalidate drops the cached service token, so that the next Authorize
// exchanges a fresh one, and returns true; in the static modes there is
// nothing to refresh and it returns false.
func (c *InternalAuthClient) Invalidate() bool {
	if c.mode != InternalAuthServiceToken {
		return false
	}
	c.mu.Lock()
	had := c.token != ""
	c.token, c.fresh = "", time.Time{}
	c.mu.Unlock()
	if had {
		c.log.Debug("service token invalidated after a 401", zap.String("client_id", c.clientID))
	}
	return true
}

// cached returns the current token if it is still to be reused.
func (c *InternalAuthClient) cached() (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && c.now().Before(c.fresh) {
		return c.token, true
	}
	return "", false
}

// serviceToken returns a token to use now, exchanging one if needed.
func (c *InternalAuthClient) serviceToken(ctx context.Context) (string, error) {
	if token, ok := c.cached(); ok {
		return token, nil
	}
	// The exchange runs detached from the first caller's cancellation (each
	// caller stops waiting on its own) and is bounded by the client timeout.
	ch := c.flight.DoChan("exchange", func() (any, error) {
		if token, ok := c.cached(); ok { // exchanged while we were coming
			return token, nil
		}
		return c.exchange(context.WithoutCancel(ctx))
	})
	select {
	case res := <-ch:
		if res.Err != nil {
			return "", res.Err
		}
		return res.Val.(string), nil
	case <-ctx.Done():
		return "", &exchangeError{msg: "stopped waiting for the exchange", cause: ctx.Err()}
	}
}

// exchange obtains a service token and caches it.
func (c *InternalAuthClient) exchange(ctx context.Context) (string, error) {
	obtained := c.now() // before the call: the token cannot be older
	token, expiresIn, err := c.doExchange(ctx)
	if err != nil {
		c.log.Warn("service-token exchange failed", zap.String("client_id", c.clientID), zap.Error(err))
		return "", err
	}
	lifetime := maxServiceTokenLifetime
	if expiresIn < int64(maxServiceTokenLifetime/time.Second) {
		lifetime = time.Duration(expiresIn) * time.Second
	}
	if lifetime <= c.leeway {
		c.log.Warn("service token lifetime is not longer than the refresh leeway (SERVICE_TOKEN_REFRESH_LEEWAY_SECONDS): every private call exchanges a token",
			zap.String("client_id", c.clientID), zap.Int64("expires_in", expiresIn))
	} else {
		c.log.Debug("service token obtained", zap.String("client_id", c.clientID), zap.Int64("expires_in", expiresIn))
	}
	c.mu.Lock()
	c.token, c.fresh = token, obtained.Add(lifetime-c.leeway)
	c.mu.Unlock()
	return token, nil
}

// doExchange makes one exchange call and returns the token and its
// expires_in, or an *exchangeError.
func (c *InternalAuthClient) doExchange(ctx context.Context) (string, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.exchangeURL, bytes.NewReader(c.body))
	if err != nil {
		return "", 0, &exchangeError{msg: "build the request", cause: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Internal-Client", c.clientID)
	req.Header.Set("X-Internal-Token", c.secret)
	resp, err := c.client.Do(req)
	if err != nil {
		return "", 0, &exchangeError{msg: "auth service unreachable", cause: scrubURLError(err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		e := &exchangeError{msg: "auth service answered " + resp.Status}
		switch resp.StatusCode {
		case http.StatusUnauthorized:
			e.kind = ErrServiceTokenUnauthorized
		case http.StatusForbidden:
			e.kind = ErrServiceTokenForbidden
		case http.StatusNotFound:
			e.kind = ErrServiceTokenExchangeDisabled
		}
		return "", 0, e
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxExchangeAnswerBytes+1))
	if err != nil {
		return "", 0, &exchangeError{msg: "read the answer", cause: scrubURLError(err)}
	}
	if len(data) > maxExchangeAnswerBytes {
		return "", 0, &exchangeError{msg: fmt.Sprintf("answer exceeds %d bytes", maxExchangeAnswerBytes)}
	}
	token, expiresIn, problem := parseServiceToken(data)
	if problem != "" {
		return "", 0, &exchangeError{msg: "malformed answer: " + problem}
	}
	return token, expiresIn, nil
}

// parseServiceToken reads a 200 answer of the exchange:
// {"access_token": "<token>", "token_type": "bearer", "expires_in": <s>,
// "scope": "<space-separated>"}, every member required with its JSON type,
// expires_in a positive integer; other members are ignored. It returns what
// is wrong, never quoting the token.
func parseServiceToken(data []byte) (token string, expiresIn int64, problem string) {
	var raw struct {
		AccessToken json.RawMessage `json:"access_token"`
		TokenType   json.RawMessage `json:"token_type"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
		Scope       json.RawMessage `json:"scope"`
	}
	if !isJSONObject(data) || json.Unmarshal(data, &raw) != nil {
		return "", 0, "not a JSON object"
	}
	token, ok := jsonString(raw.AccessToken)
	if !ok || token == "" || !validScopeToken(token) {
		return "", 0, `"access_token" is not a non-empty string of visible ASCII`
	}
	if typ, ok := jsonString(raw.TokenType); !ok || !strings.EqualFold(typ, "bearer") {
		return "", 0, `"token_type" is not "bearer"`
	}
	if expiresIn, ok = jsonInt(raw.ExpiresIn); !ok || expiresIn < 1 {
		return "", 0, `"expires_in" is not a positive integer`
	}
	if _, ok := jsonString(raw.Scope); !ok {
		return "", 0, `"scope" is not a string`
	}
	return token, expiresIn, ""
}

// exchangeError is a failed exchange. Its message never contains the
// secret or a token.
type exchangeError struct {
	kind  error // ErrServiceTokenUnauthorized, ...; nil for other failures
	msg   string
	cause error
}

func (e *exchangeError) Error() string {
	s := ErrServiceTokenExchange.Error() + ": " + e.msg
	if e.kind != nil {
		s += ": " + e.kind.Error()
	}
	if e.cause != nil {
		s += ": " + e.cause.Error()
	}
	return s
}

func (e *exchangeError) Unwrap() []error {
	errs := []error{ErrServiceTokenExchange}
	if e.kind != nil {
		errs = append(errs, e.kind)
	}
	if e.cause != nil {
		errs = append(errs, e.cause)
	}
	return errs
}

// validScopeToken reports whether v is non-empty printable ASCII without
// spaces, double quotes or backslashes: a scope name, a client id or a
// bearer token, all of which travel in headers or JSON as is.
func validScopeToken(v string) bool {
	if v == "" {
		return false
	}
	for i := range len(v) {
		if b := v[i]; b <= ' ' || b >= 0x7f || b == '"' || b == '\\' {
			return false
		}
	}
	return true
}

// isJSONObject reports whether data, once leading white space is skipped,
// starts an object.
func isJSONObject(data []byte) bool {
	data = bytes.TrimLeft(data, " \t\r\n")
	return len(data) > 0 && data[0] == '{'
}

// jsonString decodes raw if it is a JSON string (not null, not another
// type); invalid UTF-8 is refused.
func jsonString(raw []byte) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	return strictjson.String(raw)
}

// jsonInt decodes raw if it is a JSON integer that fits in an int64 (not a
// fraction, an exponent, a string or null).
func jsonInt(raw []byte) (int64, bool) {
	digits := raw
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || (digits[0] == '0' && len(digits) > 1) {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	return n, err == nil
}

// jsonBool decodes raw if it is true or false.
func jsonBool(raw []byte) (value, ok bool) {
	switch string(raw) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}
