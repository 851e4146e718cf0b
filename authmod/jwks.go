package authmod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"go.uber.org/zap"
	"golang.org/x/time/rate"
)

// Refresh policy of the JWKS source.
const (
	// unknownKIDInterval and unknownKIDBurst rate-limit the refreshes that an
	// unknown kid (or an empty key set) may trigger. A request never waits for
	// the limiter: when no refresh is allowed it is answered at once.
	unknownKIDInterval = 5 * time.Second
	unknownKIDBurst    = 2
	// retryMin and retryMax bound the backoff of the background loop after a
	// failed refresh (capped by the refresh interval).
	retryMin = time.Second
	retryMax = 30 * time.Second
)

var (
	errJWKSClosed      = errors.New("JWKS source is closed")
	errJWKSRateLimited = errors.New("JWKS refresh rate-limited")
	errJWKSNoUsableKey = errors.New("JWKS has no usable key for the configured algorithm")
	errJWKSTooLarge    = errors.New("JWKS response is too large")
	errJWKSNoKeys      = errors.New(`JWKS response has no "keys" array`)
	errUnknownKID      = errors.New("no usable JWKS key for the token's kid")
	errNoKeysLoaded    = errors.New("no JWKS signing keys loaded")
)

// jwksSource holds the verification keys of a remote JWK Set.
//
// Keys are fetched with the configured HTTP client and parsed with
// github.com/MicahParks/jwkset; every key is filtered against the configured
// algorithm (see usableJWK) before it can be used, and the usable keys are
// published as an immutable snapshot (lock-free reads on the request path).
//
// Refreshes happen (1) once in Start, bounded by the first-fetch timeout, (2)
// in a background loop every refresh interval (sooner, with backoff, after a
// failure), and (3) on demand when a token names an unknown kid or no key is
// loaded. On-demand refreshes are rate-limited without ever blocking a request
// on the limiter, and all refreshes are single-flight: a request that misses
// while a refresh is running joins it. Because any refresh fetches the whole
// set, a flood of random kids cannot starve a legitimate rotation: the new key
// is loaded by the next refresh, whoever triggered it.
//
// A failed refresh (network, status, size, parse, or a set without any usable
// key) keeps the last good keys.
type jwksSource struct {
	url      string
	logURL   string
	alg      string
	client   *http.Client
	ownsHTTP bool
	interval time.Duration
	timeout  time.Duration
	log      *zap.Logger

	// observer, when set, is told about every fetch.
	observer Observer
	// onWithdraw is called after a refresh that removed or changed a key.
	onWithdraw func()

	keys    atomic.Pointer[keySet]
	fetches atomic.Int64 // HTTP fetches attempted (tests, diagnostics)

	// Tunables, replaced by tests before Start.
	limiter  *rate.Limiter
	retryMin time.Duration
	retryMax time.Duration

	ctx    context.Context // ends with Close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	started  bool
	closed   bool
	inflight *refreshCall
}

// refreshCall is one in-flight refresh that several waiters may share.
type refreshCall struct {
	done chan struct{}
	err  error
}

func newJWKSSource(cfg ValidatorConfig) *jwksSource {
	ctx, cancel := context.WithCancel(context.Background())
	s := &jwksSource{
		url:      cfg.JWKSURL,
		logURL:   redactURL(cfg.JWKSURL),
		alg:      cfg.Algorithm,
		client:   cfg.HTTPClient,
		interval: cfg.JWKSCacheTTL,
		timeout:  cfg.JWKSFirstFetchTimeout,
		log:      cfg.Logger.Named("jwks"),
		observer: cfg.Observer,
		limiter:  rate.NewLimiter(rate.Every(unknownKIDInterval), unknownKIDBurst),
		retryMin: retryMin,
		retryMax: retryMax,
		ctx:      ctx,
		cancel:   cancel,
	}
	if s.client == nil {
		s.client = newJWKSHTTPClient(cfg.JWKSFirstFetchTimeout)
		s.ownsHTTP = true
	}
	return s
}

// redactURL drops credentials, query and fragment for logging.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid url)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

// start does the first fetch, bounded by the first-fetch timeout and ctx, and
// starts the background refresh loop. An unreachable JWKS does not fail
// start: it is logged, and keys arrive with a later refresh.
func (s *jwksSource) start(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errJWKSClosed
	}
	if s.started {
		s.mu.Unlock()
		return nil
	}
	s.started = true
	first := s.joinOrStartLocked()
	s.wg.Add(1)
	go s.loop(first)
	s.mu.Unlock()

	var err error
	select {
	case <-first.done:
		err = first.err
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		s.log.Warn("JWKS not reachable at start; protected routes answer 503 until keys arrive (refresh continues in the background)",
			zap.String("jwks_url", s.logURL), zap.Error(err))
		return nil
	}
	s.log.Info("JWKS loaded", zap.String("jwks_url", s.logURL), zap.Int("keys", s.keys.Load().size()))
	return nil
}

// close stops the background loop and any running fetch, and waits for them.
func (s *jwksSource) close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
	if s.ownsHTTP {
		s.client.CloseIdleConnections()
	}
}

// loop refreshes every interval, or with backoff after a failure.
func (s *jwksSource) loop(first *refreshCall) {
	defer s.wg.Done()
	select {
	case <-first.done:
	case <-s.ctx.Done():
		return
	}
	failed := first.err != nil
	backoff := s.retryMin
	for {
		wait := s.interval
		if failed {
			wait = min(backoff, s.interval)
			backoff = min(2*backoff, s.retryMax)
		} else {
			backoff = s.retryMin
		}
		t := time.NewTimer(wait)
		select {
		case <-s.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return
		}
		c := s.joinOrStartLocked()
		s.mu.Unlock()
		select {
		case <-c.done:
			failed = c.err != nil
		case <-s.ctx.Done():
			return
		}
	}
}

// joinOrStartLocked returns the running refresh, or starts one. s.mu is held
// and s is not closed.
func (s *jwksSource) joinOrStartLocked() *refreshCall {
	if s.inflight != nil {
		return s.inflight
	}
	c := &refreshCall{done: make(chan struct{})}
	s.inflight = c
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		ctx, cancel := context.WithTimeout(s.ctx, s.timeout)
		c.err = s.refresh(ctx)
		cancel()
		s.mu.Lock()
		s.inflight = nil
		s.mu.Unlock()
		close(c.done)
	}()
	return c
}

// refreshOnDemand joins the running refresh or starts one if the rate limit
// allows, and waits for it (bounded by ctx and the fetch timeout).
func (s *jwksSource) refreshOnDemand(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errJWKSClosed
	}
	c := s.inflight
	if c == nil {
		if !s.limiter.Allow() {
			s.mu.Unlock()
			return errJWKSRateLimited
		}
		c = s.joinOrStartLocked()
	}
	s.mu.Unlock()
	select {
	case <-c.done:
		return c.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// read returns the JWK for kid ("" when the token has none): from the
// current snapshot, or after an on-demand refresh when it is not there.
func (s *jwksSource) read(ctx context.Context, kid string) (jwkset.JWK, error) {
	set := s.keys.Load()
	if k, ok := set.lookup(kid); ok {
		return k, nil
	}
	if kid == "" && set.size() > 1 {
		// Ambiguous without a kid; a refresh would not help.
		return jwkset.JWK{}, invalidToken(ReasonUnknownKID, errUnknownKID)
	}
	refreshErr := s.refreshOnDemand(ctx)
	set = s.keys.Load()
	if k, ok := set.lookup(kid); ok {
		return k, nil
	}
	if set.size() == 0 {
		return jwkset.JWK{}, keysUnavailable(errors.Join(errNoKeysLoaded, refreshErr))
	}
	return jwkset.JWK{}, invalidToken(ReasonUnknownKID, errUnknownKID)
}

// keyFor returns the verification key of a token whose header names kid
// ("" when it has none), looked up by keyfunc with the request context.
//
// keyfunc tries every stored key for a token without a kid; the kit does
// not: such a token is verified only when the JWKS holds exactly one usable
// key, so that a forged token never costs more than one verification.
func (s *jwksSource) keyFor(ctx context.Context, kf keyfunc.Keyfunc, alg, kid string) (any, error) {
	header := map[string]any{"alg": alg}
	if kid != "" {
		header["kid"] = kid
	}
	key, err := kf.KeyfuncCtx(ctx)(&jwt.Token{Header: header})
	if err != nil {
		var te *tokenError
		if errors.As(err, &te) {
			return nil, te // unknown kid, keys unavailable
		}
		return nil, invalidToken(ReasonAlgorithm, err)
	}
	if set, ok := key.(jwt.VerificationKeySet); ok {
		// No kid: keyfunc returns every stored key.
		if len(set.Keys) != 1 {
			return nil, invalidToken(ReasonUnknownKID, errUnknownKID)
		}
		return set.Keys[0], nil
	}
	return key, nil
}

// size returns the number of usable keys loaded.
func (s *jwksSource) size() int { return s.keys.Load().size() }

// refresh fetches the JWKS and, if it yields usable keys, publishes them.
func (s *jwksSource) refresh(ctx context.Context) error {
	set, err := s.fetch(ctx)
	if s.observer != nil {
		s.observer.JWKSRefreshed(err == nil)
	}
	if err != nil {
		s.log.Warn("JWKS refresh failed; keeping the last good keys",
			zap.String("jwks_url", s.logURL), zap.Int("keys", s.size()), zap.Error(err))
		return err
	}
	old := s.keys.Swap(set)
	if set.removedFrom(old) {
		s.log.Info("JWKS keys changed", zap.String("jwks_url", s.logURL), zap.Int("keys", set.size()))
		if s.onWithdraw != nil {
			s.onWithdraw()
		}
	}
	return nil
}

// fetch downloads and filters the JWKS.
func (s *jwksSource) fetch(ctx context.Context) (*keySet, error) {
	s.fetches.Add(1)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return nil, fmt.Errorf("build JWKS request: %w", err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch JWKS: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		return nil, fmt.Errorf("fetch JWKS: HTTP status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read JWKS: %w", err)
	}
	if len(body) > maxJWKSBytes {
		return nil, errJWKSTooLarge
	}
	return s.parse(body)
}

// parse turns a JWKS document into the set of usable keys. A key that cannot
// be parsed or is not usable for the configured algorithm is skipped (and
// logged); a set without any usable key is an error.
func (s *jwksSource) parse(body []byte) (*keySet, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("decode JWKS: %w", err)
	}
	if doc.Keys == nil {
		return nil, errJWKSNoKeys
	}
	set := &keySet{byKID: make(map[string]jwkset.JWK, len(doc.Keys))}
	for i, raw := range doc.Keys {
		var m jwkset.JWKMarshal
		if err := json.Unmarshal(raw, &m); err != nil {
			s.log.Warn("JWKS key skipped: cannot decode", zap.Int("index", i), zap.Error(err))
			continue
		}
		key, err := usableJWK(s.alg, m)
		if err != nil {
			s.log.Debug("JWKS key skipped", zap.Int("index", i), zap.String("kid", m.KID),
				zap.String("kty", string(m.KTY)), zap.Error(err))
			continue
		}
		if m.KID != "" {
			if _, dup := set.byKID[m.KID]; dup {
				s.log.Warn("JWKS key skipped: duplicate kid", zap.Int("index", i), zap.String("kid", m.KID))
				continue
			}
			set.byKID[m.KID] = key
		}
		set.all = append(set.all, key)
	}
	if len(set.all) == 0 {
		return nil, errJWKSNoUsableKey
	}
	return set, nil
}
