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

// paddedAnswer returns {"active":true,"user_id":<expected>} padded with
// spaces to exactly n bytes.
func paddedAnswer(r *http.Request, n int) string {
	var req fxtest_helpers.RevocationRequest
	_ = jsonDecode(r, &req)
	body := fmt.Sprintf(`{"active":true,"user_id":%q}`, req.ExpectedUserID)
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
		_, _ = fmt.Fprintf(w, `{"active":true,"user_id":%q}`, strings.ToUpper(req.ExpectedUserID))
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
