package authmod_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/settingsmod"
)

// fakeClock is a settable clock for cache tests.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Unix(1_800_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// stateClaims returns verified-looking claims with a fresh jti and sub that
// expire at exp.
func stateClaims(exp time.Time) *authmod.Claims {
	return &authmod.Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    fxtest_helpers.DefaultIssuerURL,
			Subject:   uuid.NewString(),
			ID:        uuid.NewString(),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
		Type: "access",
	}
}

// newRevocationClient builds a client for srv (URL and secret) with cfg's
// other fields, and closes it when the test ends.
func newRevocationClient(t *testing.T, url, secret string, cfg authmod.RevocationConfig) *authmod.RemoteRevocationClient {
	t.Helper()
	cfg.URL, cfg.Secret = url, secret
	c, err := authmod.NewRemoteRevocationClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func isUnavailable(err error) bool { return errors.Is(err, authmod.ErrRevocationUnavailable) }

// failMode is the failure mode of the "failOpen" test cases.
func failMode(failOpen bool) authmod.FailMode {
	if failOpen {
		return authmod.FailOpen
	}
	return authmod.FailClosed
}

func TestRevocationActive(t *testing.T) {
	srv := fxtest_helpers.NewRevocationServer(t)
	c := newRevocationClient(t, srv.URL(), srv.Secret(), authmod.RevocationConfig{})
	claims := stateClaims(time.Now().Add(time.Hour))
	if err := c.Check(context.Background(), claims); err != nil {
		t.Fatalf("Check = %v, want nil", err)
	}
	if errs := srv.ProtocolErrors(); len(errs) != 0 {
		t.Fatalf("protocol errors: %v", errs)
	}
	got := srv.LastRequest()
	want := fxtest_helpers.RevocationRequest{JTI: claims.ID, ExpectedUserID: claims.Subject, SchemaVersion: "2"}
	if got == nil || *got != want {
		t.Fatalf("request = %+v, want %+v", got, want)
	}
}

func TestRevocationRevoked(t *testing.T) {
	for _, failOpen := range []bool{false, true} {
		t.Run(fmt.Sprintf("failOpen=%v", failOpen), func(t *testing.T) {
			srv := fxtest_helpers.NewRevocationServer(t)
			c := newRevocationClient(t, srv.URL(), srv.Secret(), authmod.RevocationConfig{FailMode: failMode(failOpen)})
			claims := stateClaims(time.Now().Add(time.Hour))
			srv.Revoke(claims.ID)
			err := c.Check(context.Background(), claims)
			if !errors.Is(err, authmod.ErrRevoked) || isUnavailable(err) {
				t.Fatalf("Check = %v, want ErrRevoked only", err)
			}
			if got := authmod.ReasonOf(err); got == "" {
				t.Errorf("Reason(%v) is empty", err)
			}
		})
	}
}

// TestRevocationFailures covers answers that are not usable, in both
// failure modes: "no answer" follows the mode, "wrong answer" always fails
// closed.
func TestRevocationFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		// setup prepares the fake and returns the URL and secret to use.
		setup func(t *testing.T, srv *fxtest_helpers.RevocationServer) (string, string)
		// noAnswer marks failures that fail_open accepts.
		noAnswer bool
	}{
		{"mismatch", func(t *testing.T, s *fxtest_helpers.RevocationServer) (string, string) {
			s.SetMismatch(true)
			return s.URL(), s.Secret()
		}, false},
		{"garbage", func(t *testing.T, s *fxtest_helpers.RevocationServer) (string, string) {
			s.SetGarbage(true)
			return s.URL(), s.Secret()
		}, false},
		{"wrong secret (401)", func(t *testing.T, s *fxtest_helpers.RevocationServer) (string, string) {
			return s.URL(), "not-the-secret"
		}, false},
		{"wrong path (404)", func(t *testing.T, s *fxtest_helpers.RevocationServer) (string, string) {
			return strings.TrimSuffix(s.URL(), fxtest_helpers.RevocationPath) + "/nope", s.Secret()
		}, false},
		{"missing active", fixedAnswer(http.StatusOK, `{"user_id": "x"}`), false},
		{"active not a boolean", fixedAnswer(http.StatusOK, `{"active": "true"}`), false},
		{"active without user_id", fixedAnswer(http.StatusOK, `{"active": true}`), false},
		{"JSON array", fixedAnswer(http.StatusOK, `[true]`), false},
		{"empty body", fixedAnswer(http.StatusOK, ``), false},
		{"redirect", redirectToGood, false},
		{"oversize", oversizeAnswer, false},
		{"down (503)", func(t *testing.T, s *fxtest_helpers.RevocationServer) (string, string) {
			s.SetDown(true)
			return s.URL(), s.Secret()
		}, true},
		{"rate limited (429)", fixedAnswer(http.StatusTooManyRequests, `{"detail":"slow down"}`), true},
		{"internal error (500)", fixedAnswer(http.StatusInternalServerError, `oops`), true},
		{"connection dropped", func(t *testing.T, s *fxtest_helpers.RevocationServer) (string, string) {
			s.SetDrop(true)
			return s.URL(), s.Secret()
		}, true},
		{"unreachable", func(t *testing.T, s *fxtest_helpers.RevocationServer) (string, string) {
			dead := httptest.NewServer(http.NotFoundHandler())
			dead.Close()
			return dead.URL + fxtest_helpers.RevocationPath, s.Secret()
		}, true},
	} {
		for _, failOpen := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/failOpen=%v", tc.name, failOpen), func(t *testing.T) {
				srv := fxtest_helpers.NewRevocationServer(t)
				url, secret := tc.setup(t, srv)
				core, logs := observer.New(zapcore.DebugLevel)
				c := newRevocationClient(t, url, secret, authmod.RevocationConfig{FailMode: failMode(failOpen), Logger: zap.New(core)})
				err := c.Check(context.Background(), stateClaims(time.Now().Add(time.Hour)))
				if failOpen && tc.noAnswer {
					if err != nil {
						t.Fatalf("fail_open: Check = %v, want nil", err)
					}
					if logs.FilterLevelExact(zapcore.WarnLevel).Len() != 1 {
						t.Fatalf("fail_open acceptance must log one warning, got %v", logs.All())
					}
					return
				}
				if !isUnavailable(err) || errors.Is(err, authmod.ErrRevoked) {
					t.Fatalf("Check = %v, want ErrRevocationUnavailable", err)
				}
				if strings.Contains(err.Error(), srv.Secret()) {
					t.Fatalf("error leaks the secret: %v", err)
				}
				if authmod.ReasonOf(err) == "" {
					t.Error("no reason")
				}
			})
		}
	}
}

// fixedAnswer serves one status and body for every request.
func fixedAnswer(status int, body string) func(t *testing.T, s *fxtest_helpers.RevocationServer) (string, string) {
	return func(t *testing.T, s *fxtest_helpers.RevocationServer) (string, string) {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}))
		t.Cleanup(ts.Close)
		return ts.URL, "secret"
	}
}

// redirectToGood redirects (307, which would keep the POST body) to a
// working endpoint that must never be reached.
func redirectToGood(t *testing.T, s *fxtest_helpers.RevocationServer) (string, string) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, s.URL(), http.StatusTemporaryRedirect)
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(func() {
		if n := s.Calls(); n != 0 {
			t.Errorf("the redirect was followed (%d calls)", n)
		}
	})
	return ts.URL, s.Secret()
}

// oversizeAnswer answers a valid "active" object padded past the cap.
func oversizeAnswer(t *testing.T, s *fxtest_helpers.RevocationServer) (string, string) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(paddedAnswer(r, authmod.MaxRevocationAnswerBytes+1)))
	}))
	t.Cleanup(ts.Close)
	return ts.URL, "secret"
}

// paddedAnswer returns {"active":true,"user_id":<expected>,
// "auth_generation":1} padded with spaces to exactly n bytes.
func paddedAnswer(r *http.Request, n int) string {
	var req fxtest_helpers.RevocationRequest
	_ = jsonDecode(r, &req)
	body := fmt.Sprintf(`{"active":true,"user_id":%q,"auth_generation":1}`, req.ExpectedUserID)
	return body + strings.Repeat(" ", n-len(body))
}

func TestRevocationAnswerAtSizeCapIsAccepted(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(paddedAnswer(r, authmod.MaxRevocationAnswerBytes)))
	}))
	t.Cleanup(ts.Close)
	c := newRevocationClient(t, ts.URL, "secret", authmod.RevocationConfig{})
	if err := c.Check(context.Background(), stateClaims(time.Now().Add(time.Hour))); err != nil {
		t.Fatalf("Check = %v, want nil", err)
	}
}

func TestRevocationUserIDCaseInsensitiveUUID(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req fxtest_helpers.RevocationRequest
		_ = jsonDecode(r, &req)
		_, _ = fmt.Fprintf(w, `{"active":true,"user_id":%q,"auth_generation":1}`, strings.ToUpper(req.ExpectedUserID))
	}))
	t.Cleanup(ts.Close)
	c := newRevocationClient(t, ts.URL, "secret", authmod.RevocationConfig{})
	if err := c.Check(context.Background(), stateClaims(time.Now().Add(time.Hour))); err != nil {
		t.Fatalf("the same UUID in upper case must match: %v", err)
	}
}

func TestRevocationTimeout(t *testing.T) {
	for _, failOpen := range []bool{false, true} {
		t.Run(fmt.Sprintf("failOpen=%v", failOpen), func(t *testing.T) {
			srv := fxtest_helpers.NewRevocationServer(t)
			release := srv.Hold()
			defer release()
			c := newRevocationClient(t, srv.URL(), srv.Secret(), authmod.RevocationConfig{Timeout: 50 * time.Millisecond, FailMode: failMode(failOpen)})
			err := c.Check(context.Background(), stateClaims(time.Now().Add(time.Hour)))
			if failOpen {
				if err != nil {
					t.Fatalf("fail_open: Check = %v, want nil", err)
				}
				return
			}
			if !isUnavailable(err) {
				t.Fatalf("Check = %v, want ErrRevocationUnavailable", err)
			}
		})
	}
}

func TestRevocationCallerCancelled(t *testing.T) {
	srv := fxtest_helpers.NewRevocationServer(t)
	release := srv.Hold()
	defer release()
	c := newRevocationClient(t, srv.URL(), srv.Secret(), authmod.RevocationConfig{})
	ctx, cancel := context.WithCancel(context.Background())
	authmod.SetRevocationJoinHook(c, cancel) // cancel once the call is under way
	err := c.Check(ctx, stateClaims(time.Now().Add(time.Hour)))
	if !isUnavailable(err) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Check = %v, want ErrRevocationUnavailable (context canceled)", err)
	}
}

// TestRevocationCoalescing: N concurrent checks of one token make one call.
// The fake holds the call until every caller has joined it.
func TestRevocationCoalescing(t *testing.T) {
	const n = 32
	srv := fxtest_helpers.NewRevocationServer(t)
	release := srv.Hold()
	defer release()
	c := newRevocationClient(t, srv.URL(), srv.Secret(), authmod.RevocationConfig{})
	var joined sync.WaitGroup
	joined.Add(n)
	authmod.SetRevocationJoinHook(c, joined.Done)

	claims := stateClaims(time.Now().Add(time.Hour))
	errs := make(chan error, n)
	for range n {
		go func() { errs <- c.Check(context.Background(), claims) }()
	}
	joined.Wait()
	release()
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("Check = %v", err)
		}
	}
	if got := srv.Calls(); got != 1 {
		t.Fatalf("%d concurrent checks made %d calls, want 1", n, got)
	}
}

func TestRevocationDifferentSubjectsDoNotShareAnswers(t *testing.T) {
	srv := fxtest_helpers.NewRevocationServer(t)
	c := newRevocationClient(t, srv.URL(), srv.Secret(), authmod.RevocationConfig{CacheTTL: time.Hour})
	a := stateClaims(time.Now().Add(time.Hour))
	b := *a
	b.Subject = uuid.NewString()
	for _, claims := range []*authmod.Claims{a, &b, a, &b} {
		if err := c.Check(context.Background(), claims); err != nil {
			t.Fatal(err)
		}
	}
	if got := srv.Calls(); got != 2 {
		t.Fatalf("calls = %d, want 2 (one per (iss, jti, sub))", got)
	}
}

func TestRevocationCacheTTLZeroAsksEveryTime(t *testing.T) {
	srv := fxtest_helpers.NewRevocationServer(t)
	c := newRevocationClient(t, srv.URL(), srv.Secret(), authmod.RevocationConfig{})
	claims := stateClaims(time.Now().Add(time.Hour))
	for range 3 {
		if err := c.Check(context.Background(), claims); err != nil {
			t.Fatal(err)
		}
	}
	if got := srv.Calls(); got != 3 {
		t.Fatalf("calls = %d, want 3", got)
	}
	// A revocation is seen at once.
	srv.Revoke(claims.ID)
	if err := c.Check(context.Background(), claims); !errors.Is(err, authmod.ErrRevoked) {
		t.Fatalf("after Revoke: %v", err)
	}
}

func TestRevocationCacheTTL(t *testing.T) {
	clock := newFakeClock()
	srv := fxtest_helpers.NewRevocationServer(t)
	c := newRevocationClient(t, srv.URL(), srv.Secret(), authmod.RevocationConfig{CacheTTL: 30 * time.Second, Now: clock.Now})
	claims := stateClaims(clock.Now().Add(time.Hour))
	check := func(wantCalls int) {
		t.Helper()
		if err := c.Check(context.Background(), claims); err != nil {
			t.Fatal(err)
		}
		if got := srv.Calls(); got != wantCalls {
			t.Fatalf("calls = %d, want %d", got, wantCalls)
		}
	}
	check(1)
	check(1)
	clock.Advance(29 * time.Second)
	check(1)
	clock.Advance(time.Second) // TTL reached
	check(2)
	check(2)
}

func TestRevocationCacheNeverOutlivesExp(t *testing.T) {
	clock := newFakeClock()
	srv := fxtest_helpers.NewRevocationServer(t)
	c := newRevocationClient(t, srv.URL(), srv.Secret(), authmod.RevocationConfig{CacheTTL: time.Hour, Now: clock.Now})
	claims := stateClaims(clock.Now().Add(10 * time.Second))
	for range 2 {
		if err := c.Check(context.Background(), claims); err != nil {
			t.Fatal(err)
		}
	}
	if got := srv.Calls(); got != 1 {
		t.Fatalf("calls = %d, want 1", got)
	}
	clock.Advance(10 * time.Second) // exp reached, TTL not
	if err := c.Check(context.Background(), claims); err != nil {
		t.Fatal(err)
	}
	if got := srv.Calls(); got != 2 {
		t.Fatalf("an entry was used at exp: calls = %d, want 2", got)
	}
}

func TestRevocationRevokedIsRemembered(t *testing.T) {
	clock := newFakeClock()
	srv := fxtest_helpers.NewRevocationServer(t)
	c := newRevocationClient(t, srv.URL(), srv.Secret(), authmod.RevocationConfig{Now: clock.Now}) // TTL 0
	claims := stateClaims(clock.Now().Add(time.Minute))
	srv.Revoke(claims.ID)
	for range 3 {
		if err := c.Check(context.Background(), claims); !errors.Is(err, authmod.ErrRevoked) {
			t.Fatalf("Check = %v, want ErrRevoked", err)
		}
	}
	if got := srv.Calls(); got != 1 {
		t.Fatalf("calls = %d, want 1 (revoked answers are remembered)", got)
	}
	clock.Advance(time.Minute)
	_ = c.Check(context.Background(), claims)
	if got := srv.Calls(); got != 2 {
		t.Fatalf("a revoked entry outlived exp: calls = %d, want 2", got)
	}
}

func TestRevocationCacheIsBounded(t *testing.T) {
	srv := fxtest_helpers.NewRevocationServer(t)
	c := newRevocationClient(t, srv.URL(), srv.Secret(), authmod.RevocationConfig{CacheTTL: time.Hour, MaxCacheEntries: 2})
	a, b, d := stateClaims(time.Now().Add(time.Hour)), stateClaims(time.Now().Add(time.Hour)), stateClaims(time.Now().Add(time.Hour))
	for _, claims := range []*authmod.Claims{a, b, d, a} {
		if err := c.Check(context.Background(), claims); err != nil {
			t.Fatal(err)
		}
	}
	if got := authmod.RevocationCacheLen(c); got != 2 {
		t.Errorf("cache holds %d entries, want 2", got)
	}
	if got := srv.Calls(); got != 4 {
		t.Fatalf("calls = %d, want 4 (a was evicted by d)", got)
	}
}

func TestRevocationNoJTI(t *testing.T) {
	srv := fxtest_helpers.NewRevocationServer(t)
	c := newRevocationClient(t, srv.URL(), srv.Secret(), authmod.RevocationConfig{FailMode: authmod.FailOpen})
	claims := stateClaims(time.Now().Add(time.Hour))
	claims.ID = ""
	err := c.Check(context.Background(), claims)
	if !errors.Is(err, authmod.ErrInvalidToken) || isUnavailable(err) {
		t.Fatalf("Check = %v, want ErrInvalidToken", err)
	}
	if err := c.Check(context.Background(), nil); !isUnavailable(err) {
		t.Fatalf("Check(nil) = %v, want failure", err)
	}
	if srv.Calls() != 0 {
		t.Fatal("no call must be made")
	}
}

func TestRevocationClose(t *testing.T) {
	srv := fxtest_helpers.NewRevocationServer(t)
	c := newRevocationClient(t, srv.URL(), srv.Secret(), authmod.RevocationConfig{FailMode: authmod.FailOpen})
	if err := c.Check(context.Background(), stateClaims(time.Now().Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := c.Close(); err != nil {
			t.Fatalf("Close = %v", err)
		}
	}
	if err := c.Check(context.Background(), stateClaims(time.Now().Add(time.Hour))); !isUnavailable(err) {
		t.Fatalf("Check after Close = %v, want failure (even in fail_open)", err)
	}
}

func TestRevocationSuppliedHTTPClient(t *testing.T) {
	srv := fxtest_helpers.NewRevocationServer(t)
	var used atomic.Bool
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		used.Store(true)
		return http.DefaultTransport.RoundTrip(r)
	})}
	c := newRevocationClient(t, srv.URL(), srv.Secret(), authmod.RevocationConfig{HTTPClient: hc})
	if err := c.Check(context.Background(), stateClaims(time.Now().Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	if !used.Load() {
		t.Fatal("the supplied HTTP client was not used")
	}
	if hc.CheckRedirect != nil || hc.Timeout != 0 {
		t.Fatal("the supplied HTTP client was modified")
	}
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestNewRemoteRevocationClientValidates(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  authmod.RevocationConfig
	}{
		{"no URL", authmod.RevocationConfig{Secret: "s"}},
		{"relative URL", authmod.RevocationConfig{URL: "/jti-status", Secret: "s"}},
		{"ftp URL", authmod.RevocationConfig{URL: "ftp://auth/jti", Secret: "s"}},
		{"bad URL", authmod.RevocationConfig{URL: "http://a b/\x7f", Secret: "s"}},
		{"no secret", authmod.RevocationConfig{URL: "http://auth/jti"}},
		{"negative TTL", authmod.RevocationConfig{URL: "http://auth/jti", Secret: "s", CacheTTL: -time.Second}},
		{"negative timeout", authmod.RevocationConfig{URL: "http://auth/jti", Secret: "s", Timeout: -time.Second}},
		{"negative cache size", authmod.RevocationConfig{URL: "http://auth/jti", Secret: "s", MaxCacheEntries: -1}},
		{"unknown failure mode", authmod.RevocationConfig{URL: "http://auth/jti", Secret: "s", FailMode: "fail_sideways"}},
	} {
		if _, err := authmod.NewRemoteRevocationClient(tc.cfg); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

func TestRevocationConfigFromSettings(t *testing.T) {
	s := &settingsmod.Settings{
		IntrospectionURL:            "http://auth:8000/user/private/v1/jti-status",
		PrivateAPISecret:            "shh-0123456789",
		RevocationCacheTTLSeconds:   7,
		AccessRevocationFailureMode: "fail_open",
	}
	cfg, err := authmod.RevocationConfigFromSettings(s)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.URL != s.IntrospectionURL || cfg.Secret != "shh-0123456789" || cfg.CacheTTL != 7*time.Second || cfg.FailMode != authmod.FailOpen {
		t.Fatalf("cfg = %+v", cfg)
	}
	s.AccessRevocationFailureMode = "fail_closed"
	if cfg, _ := authmod.RevocationConfigFromSettings(s); cfg.FailMode != authmod.FailClosed {
		t.Fatal("fail_closed read as fail_open")
	}
	s.AccessRevocationFailureMode = ""
	if cfg, err := authmod.RevocationConfigFromSettings(s); err != nil || cfg.FailMode == authmod.FailOpen {
		t.Fatalf("an empty failure mode must fail closed: %+v, %v", cfg, err)
	}
	s.AccessRevocationFailureMode = "fail_sideways"
	if _, err := authmod.RevocationConfigFromSettings(s); err == nil {
		t.Fatal("unknown failure mode accepted")
	}
	if _, err := authmod.RevocationConfigFromSettings(nil); err == nil {
		t.Fatal("nil settings accepted")
	}
}

// TestNewRevocationChecker: the checker of each token mode.
func TestNewRevocationChecker(t *testing.T) {
	c, err := authmod.NewRevocationChecker(authmod.RevocationConfig{}, false)
	if err != nil || c != (authmod.NoRevocation{}) {
		t.Fatalf("stateless: %T, %v; want NoRevocation (the config is not used)", c, err)
	}
	if _, err := authmod.NewRevocationChecker(authmod.RevocationConfig{}, true); err == nil {
		t.Fatal("stateful without URL and secret accepted")
	}
	srv := fxtest_helpers.NewRevocationServer(t)
	c, err = authmod.NewRevocationChecker(authmod.RevocationConfig{URL: srv.URL(), Secret: srv.Secret()}, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if _, ok := c.(*authmod.RemoteRevocationClient); !ok {
		t.Fatalf("stateful: %T, want *RemoteRevocationClient", c)
	}
	if err := c.Check(context.Background(), stateClaims(time.Now().Add(time.Hour))); err != nil {
		t.Fatalf("active token: %v", err)
	}
}

func TestNoRevocation(t *testing.T) {
	var r authmod.RevocationChecker = authmod.NoRevocation{}
	if r.Check(context.Background(), nil) != nil || r.Close() != nil {
		t.Fatal("NoRevocation must accept everything")
	}
}

func jsonDecode(r *http.Request, v any) error { return json.NewDecoder(r.Body).Decode(v) }

// newAuthRevocationClient is a revocation client of f's jti-status with an
// InternalAuth of mode; it closes when the test ends.
func newAuthRevocationClient(t *testing.T, f *fakeIssuer, mode authmod.InternalAuthMode, cfg authmod.RevocationConfig) (*authmod.RemoteRevocationClient, *authmod.InternalAuthClient) {
	t.Helper()
	auth := newInternalAuth(t, f.authConfig(mode))
	cfg.URL, cfg.Auth = f.jtiURL(), auth
	c, err := authmod.NewRemoteRevocationClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, auth
}

// TestRevocationInternalAuthModes: jti-status calls carry exactly the
// headers of the mode.
func TestRevocationInternalAuthModes(t *testing.T) {
	for _, tc := range []struct {
		mode authmod.InternalAuthMode
		want map[string]string
	}{
		{authmod.InternalAuthLegacy, map[string]string{"X-Internal-Token": issuerSecret}},
		{authmod.InternalAuthBootstrap, map[string]string{"X-Internal-Client": issuerClientID, "X-Internal-Token": issuerSecret}},
		{authmod.InternalAuthServiceToken, map[string]string{"Authorization": "Bearer tok-1"}},
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			f := newFakeIssuer(t, tc.mode)
			c, _ := newAuthRevocationClient(t, f, tc.mode, authmod.RevocationConfig{})
			if err := c.Check(context.Background(), stateClaims(time.Now().Add(time.Hour))); err != nil {
				t.Fatalf("Check = %v", err)
			}
			f.mu.Lock()
			h := f.jtiHeaders[0]
			f.mu.Unlock()
			for _, k := range []string{"Authorization", "X-Internal-Client", "X-Internal-Token"} {
				if got := h.Get(k); got != tc.want[k] {
					t.Errorf("%s = %q, want %q", k, got, tc.want[k])
				}
			}
		})
	}
}

// TestRevocationLegacyWithoutAuth: a nil Auth sends X-Internal-Token:
// Secret, as before.
func TestRevocationLegacyWithoutAuth(t *testing.T) {
	f := newFakeIssuer(t, authmod.InternalAuthLegacy)
	c := newRevocationClient(t, f.jtiURL(), issuerSecret, authmod.RevocationConfig{})
	if err := c.Check(context.Background(), stateClaims(time.Now().Add(time.Hour))); err != nil {
		t.Fatalf("Check = %v", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if h := f.jtiHeaders[0]; h.Get("X-Internal-Token") != issuerSecret || h.Get("X-Internal-Client") != "" || h.Get("Authorization") != "" {
		t.Fatalf("headers %v", h)
	}
}

// TestRevocationServiceTokenSharedExchange: many concurrent checks of
// different tokens share one exchange.
func TestRevocationServiceTokenSharedExchange(t *testing.T) {
	const n = 40
	f := newFakeIssuer(t, authmod.InternalAuthServiceToken)
	c, _ := newAuthRevocationClient(t, f, authmod.InternalAuthServiceToken, authmod.RevocationConfig{})
	release := f.Hold()
	defer release()
	errs := make(chan error, n)
	for range n {
		go func() { errs <- c.Check(context.Background(), stateClaims(time.Now().Add(time.Hour))) }()
	}
	waitFor(t, func() bool { return f.holdingCount() == 1 })
	time.Sleep(20 * time.Millisecond)
	release()
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("Check = %v", err)
		}
	}
	if got := f.exchangeCount(); got != 1 {
		t.Fatalf("%d exchanges for %d concurrent checks, want 1", got, n)
	}
	if got := f.jtiCallCount(); got != n {
		t.Fatalf("%d jti-status calls, want %d", got, n)
	}
}

// TestRevocation401Retry: a 401 from jti-status in service-token mode
// causes one re-exchange and one retry; a second 401 fails closed; in the
// static modes a 401 is not retried.
func TestRevocation401Retry(t *testing.T) {
	t.Run("token rejected, fresh one accepted", func(t *testing.T) {
		f := newFakeIssuer(t, authmod.InternalAuthServiceToken)
		c, _ := newAuthRevocationClient(t, f, authmod.InternalAuthServiceToken, authmod.RevocationConfig{})
		if err := c.Check(context.Background(), stateClaims(time.Now().Add(time.Hour))); err != nil {
			t.Fatal(err)
		}
		f.revokeTokens() // the issuer no longer accepts tok-1
		if err := c.Check(context.Background(), stateClaims(time.Now().Add(time.Hour))); err != nil {
			t.Fatalf("Check after the token was rejected = %v, want nil after a retry", err)
		}
		if ex, calls := f.exchangeCount(), f.jtiCallCount(); ex != 2 || calls != 3 {
			t.Fatalf("exchanges %d, jti-status calls %d; want 2 and 3 (one re-exchange, one retry)", ex, calls)
		}
		f.mu.Lock()
		last := f.jtiHeaders[2].Get("Authorization")
		f.mu.Unlock()
		if last != "Bearer tok-2" {
			t.Fatalf("the retry used %q", last)
		}
	})
	for _, failOpen := range []bool{false, true} {
		t.Run(fmt.Sprintf("401 twice/failOpen=%v", failOpen), func(t *testing.T) {
			f := newFakeIssuer(t, authmod.InternalAuthServiceToken)
			f.set(func(f *fakeIssuer) { f.jtiUnauthed = 100 })
			c, _ := newAuthRevocationClient(t, f, authmod.InternalAuthServiceToken, authmod.RevocationConfig{FailMode: failMode(failOpen)})
			err := c.Check(context.Background(), stateClaims(time.Now().Add(time.Hour)))
			if !isUnavailable(err) {
				t.Fatalf("Check = %v, want a failure (a 401 is a wrong answer, fail closed)", err)
			}
			if ex, calls := f.exchangeCount(), f.jtiCallCount(); ex != 2 || calls != 2 {
				t.Fatalf("exchanges %d, calls %d; want 2 and 2 (one retry only)", ex, calls)
			}
		})
	}
	for _, mode := range []authmod.InternalAuthMode{authmod.InternalAuthLegacy, authmod.InternalAuthBootstrap} {
		t.Run(string(mode)+" no retry", func(t *testing.T) {
			f := newFakeIssuer(t, mode)
			f.set(func(f *fakeIssuer) { f.jtiUnauthed = 1 })
			c, _ := newAuthRevocationClient(t, f, mode, authmod.RevocationConfig{FailMode: authmod.FailOpen})
			if err := c.Check(context.Background(), stateClaims(time.Now().Add(time.Hour))); !isUnavailable(err) {
				t.Fatalf("Check = %v, want a failure even in fail_open", err)
			}
			if calls := f.jtiCallCount(); calls != 1 {
				t.Fatalf("%d calls, want 1", calls)
			}
		})
	}
}

// TestRevocationExchangeFailure: no service token is no answer: 503 when
// failing closed, accepted (with a warning) when failing open.
func TestRevocationExchangeFailure(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusBadGateway} {
		for _, failOpen := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d/failOpen=%v", status, failOpen), func(t *testing.T) {
				f := newFakeIssuer(t, authmod.InternalAuthServiceToken)
				f.set(func(f *fakeIssuer) { f.exStatus = status })
				core, logs := observer.New(zapcore.DebugLevel)
				c, _ := newAuthRevocationClient(t, f, authmod.InternalAuthServiceToken,
					authmod.RevocationConfig{FailMode: failMode(failOpen), Logger: zap.New(core)})
				err := c.Check(context.Background(), stateClaims(time.Now().Add(time.Hour)))
				if failOpen {
					if err != nil {
						t.Fatalf("fail_open: Check = %v, want nil", err)
					}
					if logs.FilterLevelExact(zapcore.WarnLevel).Len() != 1 {
						t.Fatalf("want one warning, got %v", logs.All())
					}
				} else {
					if !isUnavailable(err) || !errors.Is(err, authmod.ErrServiceTokenExchange) {
						t.Fatalf("Check = %v, want ErrRevocationUnavailable from the exchange", err)
					}
					if strings.Contains(err.Error(), issuerSecret) {
						t.Fatalf("the error leaks the secret: %v", err)
					}
				}
				if f.jtiCallCount() != 0 {
					t.Fatal("jti-status was called without a credential")
				}
			})
		}
	}
}

// TestRevocationV2Answers: the strict parse of jti-status v2 answers. Wrong
// answers fail closed in both failure modes.
func TestRevocationV2Answers(t *testing.T) {
	const (
		ok      = "ok"
		revoked = "revoked"
		wrong   = "wrong"
	)
	for _, tc := range []struct {
		name   string
		answer string // %[1]s is the expected user id
		want   string
	}{
		{"v2 active", `{"schema_version":"2","active":true,"user_id":%[1]q,"auth_generation":1}`, ok},
		{"schema absent", `{"active":true,"user_id":%[1]q,"auth_generation":7}`, ok},
		{"extra members ignored", `{"schema_version":"2","active":true,"user_id":%[1]q,"auth_generation":2,"jti":"x","token_type":"access"}`, ok},
		{"v2 inactive", `{"schema_version":"2","active":false}`, revoked},
		{"inactive, schema absent", `{"active":false}`, revoked},
		{"inactive with other members", `{"active":false,"user_id":null,"auth_generation":"x"}`, revoked},
		{"schema 1", `{"schema_version":"1","active":true,"user_id":%[1]q,"auth_generation":1}`, wrong},
		{"schema 3 inactive", `{"schema_version":"3","active":false}`, wrong},
		{"schema as a number", `{"schema_version":2,"active":true,"user_id":%[1]q,"auth_generation":1}`, wrong},
		{"schema null", `{"schema_version":null,"active":false}`, wrong},
		{"active missing", `{"schema_version":"2","user_id":%[1]q,"auth_generation":1}`, wrong},
		{"active a string", `{"schema_version":"2","active":"true","user_id":%[1]q,"auth_generation":1}`, wrong},
		{"active null", `{"schema_version":"2","active":null}`, wrong},
		{"active a number", `{"active":1,"user_id":%[1]q,"auth_generation":1}`, wrong},
		{"user_id missing", `{"active":true,"auth_generation":1}`, wrong},
		{"user_id null", `{"active":true,"user_id":null,"auth_generation":1}`, wrong},
		{"user_id a number", `{"active":true,"user_id":42,"auth_generation":1}`, wrong},
		{"user_id another user", `{"active":true,"user_id":"00000000-0000-4000-8000-000000000000","auth_generation":1}`, wrong},
		{"generation missing", `{"active":true,"user_id":%[1]q}`, wrong},
		{"generation 0", `{"active":true,"user_id":%[1]q,"auth_generation":0}`, wrong},
		{"generation negative", `{"active":true,"user_id":%[1]q,"auth_generation":-1}`, wrong},
		{"generation a fraction", `{"active":true,"user_id":%[1]q,"auth_generation":1.5}`, wrong},
		{"generation an exponent", `{"active":true,"user_id":%[1]q,"auth_generation":1e3}`, wrong},
		{"generation a string", `{"active":true,"user_id":%[1]q,"auth_generation":"3"}`, wrong},
		{"generation null", `{"active":true,"user_id":%[1]q,"auth_generation":null}`, wrong},
		{"generation too big", `{"active":true,"user_id":%[1]q,"auth_generation":99999999999999999999}`, wrong},
		{"not JSON", `<html>`, wrong},
		{"array", `[{"active":false}]`, wrong},
		{"null", `null`, wrong},
		{"string", `"active"`, wrong},
	} {
		for _, failOpen := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/failOpen=%v", tc.name, failOpen), func(t *testing.T) {
				f := newFakeIssuer(t, authmod.InternalAuthBootstrap)
				answer := tc.answer
				f.set(func(f *fakeIssuer) {
					f.jtiAnswer = func(user string) string {
						if strings.Contains(answer, "%[1]q") {
							return fmt.Sprintf(answer, user)
						}
						return answer
					}
				})
				c, _ := newAuthRevocationClient(t, f, authmod.InternalAuthBootstrap,
					authmod.RevocationConfig{FailMode: failMode(failOpen), CacheTTL: time.Hour})
				err := c.Check(context.Background(), stateClaims(time.Now().Add(time.Hour)))
				switch tc.want {
				case ok:
					if err != nil {
						t.Fatalf("Check = %v, want nil", err)
					}
				case revoked:
					if !errors.Is(err, authmod.ErrRevoked) || isUnavailable(err) {
						t.Fatalf("Check = %v, want ErrRevoked", err)
					}
				default:
					if !isUnavailable(err) || errors.Is(err, authmod.ErrRevoked) {
						t.Fatalf("Check = %v, want ErrRevocationUnavailable (fail closed)", err)
					}
					if got := authmod.RevocationCacheLen(c); got != 0 {
						t.Fatalf("a wrong answer was cached (%d entries)", got)
					}
				}
			})
		}
	}
}

// TestRevocationCheckFresh: CheckFresh skips a cached active answer, shares
// the call and stores its answer; a cached revoked answer still holds.
func TestRevocationCheckFresh(t *testing.T) {
	f := newFakeIssuer(t, authmod.InternalAuthBootstrap)
	c, _ := newAuthRevocationClient(t, f, authmod.InternalAuthBootstrap, authmod.RevocationConfig{CacheTTL: time.Hour})
	claims := stateClaims(time.Now().Add(time.Hour))
	step := func(fresh bool, wantCalls int) {
		t.Helper()
		check := c.Check
		if fresh {
			check = c.CheckFresh
		}
		if err := check(context.Background(), claims); err != nil {
			t.Fatal(err)
		}
		if got := f.jtiCallCount(); got != wantCalls {
			t.Fatalf("calls = %d, want %d", got, wantCalls)
		}
	}
	step(false, 1)
	step(false, 1) // cached
	step(true, 2)  // fresh: asked
	step(true, 3)  // fresh again: asked again
	step(false, 3) // the fresh answer was stored
	// A revoked answer, once remembered, holds for fresh checks too.
	f.set(func(f *fakeIssuer) {
		f.jtiAnswer = func(string) string { return `{"schema_version":"2","active":false}` }
	})
	other := stateClaims(time.Now().Add(time.Hour))
	for range 2 {
		if err := c.CheckFresh(context.Background(), other); !errors.Is(err, authmod.ErrRevoked) {
			t.Fatalf("CheckFresh = %v, want ErrRevoked", err)
		}
	}
	if got := f.jtiCallCount(); got != 4 {
		t.Fatalf("calls = %d, want 4 (the revoked answer is remembered)", got)
	}
}

// TestRevocationCheckFreshCoalesces: concurrent fresh checks of one token
// share one call.
func TestRevocationCheckFreshCoalesces(t *testing.T) {
	const n = 16
	srv := fxtest_helpers.NewRevocationServer(t)
	release := srv.Hold()
	defer release()
	c := newRevocationClient(t, srv.URL(), srv.Secret(), authmod.RevocationConfig{CacheTTL: time.Hour})
	var joined sync.WaitGroup
	joined.Add(n)
	authmod.SetRevocationJoinHook(c, joined.Done)
	claims := stateClaims(time.Now().Add(time.Hour))
	errs := make(chan error, n)
	for i := range n {
		check := c.CheckFresh
		if i%2 == 0 {
			check = c.Check
		}
		go func() { errs <- check(context.Background(), claims) }()
	}
	joined.Wait()
	release()
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("check = %v", err)
		}
	}
	if got := srv.Calls(); got != 1 {
		t.Fatalf("%d calls, want 1", got)
	}
}

// TestRevocationGenerationEvents: the event-stream sink evicts the answers
// it names, and an active answer below the user's watermark is revoked.
func TestRevocationGenerationEvents(t *testing.T) {
	f := newFakeIssuer(t, authmod.InternalAuthBootstrap)
	var gen atomic.Int64
	gen.Store(1)
	f.set(func(f *fakeIssuer) {
		f.jtiAnswer = func(user string) string {
			return fmt.Sprintf(`{"schema_version":"2","active":true,"user_id":%q,"auth_generation":%d}`, user, gen.Load())
		}
	})
	c, _ := newAuthRevocationClient(t, f, authmod.InternalAuthBootstrap, authmod.RevocationConfig{CacheTTL: time.Hour})
	claims := stateClaims(time.Now().Add(time.Hour))
	bystander := stateClaims(time.Now().Add(time.Hour))
	for _, cl := range []*authmod.Claims{claims, bystander, claims, bystander} {
		if err := c.Check(context.Background(), cl); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.jtiCallCount(); got != 2 {
		t.Fatalf("calls = %d, want 2 (cached)", got)
	}
	// The user's sessions below generation 2 are revoked.
	authmod.RevocationSinkRevokeUser(c, claims.Subject, 2, claims.Subject+":2:all:-")
	err := c.Check(context.Background(), claims)
	if !errors.Is(err, authmod.ErrRevoked) || isUnavailable(err) {
		t.Fatalf("Check after the event = %v, want ErrRevoked (generation 1 < watermark 2)", err)
	}
	if got := f.jtiCallCount(); got != 3 {
		t.Fatalf("calls = %d, want 3 (the entry was evicted, the answer not cached)", got)
	}
	if err := c.Check(context.Background(), bystander); err != nil {
		t.Fatalf("another user's cached answer: %v", err)
	}
	if got := f.jtiCallCount(); got != 3 {
		t.Fatal("another user's entry was evicted")
	}
	// A token of the new generation is active, and cached.
	gen.Store(2)
	for range 2 {
		if err := c.Check(context.Background(), claims); err != nil {
			t.Fatalf("generation 2: %v", err)
		}
	}
	if got := f.jtiCallCount(); got != 4 {
		t.Fatalf("calls = %d, want 4", got)
	}
	// A jti revocation and a flush evict too.
	authmod.RevocationSinkRevokeJTI(c, claims.ID)
	_ = c.Check(context.Background(), claims)
	authmod.RevocationSinkFlush(c)
	_ = c.Check(context.Background(), bystander)
	if got := f.jtiCallCount(); got != 6 {
		t.Fatalf("calls = %d, want 6", got)
	}
	// A v1 event evicts the whole user; the watermark stays.
	authmod.RevocationSinkRevokeUser(c, claims.Subject, 0, "")
	if err := c.Check(context.Background(), claims); err != nil {
		t.Fatalf("after a v1 event, generation 2: %v", err)
	}
	if got := f.jtiCallCount(); got != 7 {
		t.Fatalf("calls = %d, want 7", got)
	}
}

func TestRevocationConfigFromSettingsInternalAuth(t *testing.T) {
	s := &settingsmod.Settings{
		IntrospectionURL:            "http://auth:8000/user/private/v1/jti-status",
		PrivateAPISecret:            "shh-0123456789",
		AccessRevocationFailureMode: "fail_closed",
	}
	cfg, err := authmod.RevocationConfigFromSettings(s)
	if err != nil || cfg.Auth != nil {
		t.Fatalf("legacy: Auth = %v, %v; want nil (X-Internal-Token from Secret)", cfg.Auth, err)
	}
	s.InternalClientID, s.ServiceTokenExchangeEnabled = "svc-orders", true
	cfg, err = authmod.RevocationConfigFromSettings(s)
	if err != nil {
		t.Fatal(err)
	}
	a, ok := cfg.Auth.(*authmod.InternalAuthClient)
	if !ok || a.Mode() != authmod.InternalAuthServiceToken || a.ClientID() != "svc-orders" {
		t.Fatalf("Auth = %#v", cfg.Auth)
	}
	s.PrivateAPISecret = ""
	if _, err := authmod.RevocationConfigFromSettings(s); err == nil {
		t.Fatal("a client id without a secret was accepted")
	}
}

func TestNewRemoteRevocationClientWithAuthNeedsNoSecret(t *testing.T) {
	a := newInternalAuth(t, authmod.InternalAuthConfig{ClientID: "svc", Secret: "s"})
	c, err := authmod.NewRemoteRevocationClient(authmod.RevocationConfig{URL: "http://auth/jti-status", Auth: a})
	if err != nil {
		t.Fatal(err)
	}
	_ = c.Close()
}

// TestRevocationExchangeWaitIsBounded: a check waits for a slow exchange no
// longer than its timeout; no answer follows the failure mode.
func TestRevocationExchangeWaitIsBounded(t *testing.T) {
	for _, failOpen := range []bool{false, true} {
		t.Run(fmt.Sprintf("failOpen=%v", failOpen), func(t *testing.T) {
			f := newFakeIssuer(t, authmod.InternalAuthServiceToken)
			release := f.Hold()
			defer release()
			c, _ := newAuthRevocationClient(t, f, authmod.InternalAuthServiceToken,
				authmod.RevocationConfig{Timeout: 100 * time.Millisecond, FailMode: failMode(failOpen)})
			start := time.Now()
			err := c.Check(context.Background(), stateClaims(time.Now().Add(time.Hour)))
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("Check took %v", d)
			}
			if failOpen {
				if err != nil {
					t.Fatalf("fail_open: Check = %v", err)
				}
			} else if !isUnavailable(err) || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Check = %v, want ErrRevocationUnavailable (deadline)", err)
			}
			release()
		})
	}
}
