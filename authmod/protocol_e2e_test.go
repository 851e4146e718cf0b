package authmod_test

// End-to-end tests of today's fa-auth-m8 protocol (reference
// fa-auth-m8-protocol.md §2–§4) through real fx apps (m8fx.Module via
// fxtest_helpers.New), the real gin engine behind a real HTTP listener, and
// real HTTP calls to the fake issuer (fxtest_helpers.RevocationServer). No
// part of the kit is replaced.

import (
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	dto "github.com/prometheus/client_model/go"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/httpmod"
)

const (
	// e2eClientID is the INTERNAL_CLIENT_ID registered with the fake issuer.
	e2eClientID = "protocol-e2e-client"
	// e2eSigningKey is the EVENT_SIGNING_KEY shared by the fake issuer and
	// the app.
	e2eSigningKey = "protocol-e2e-event-signing-key-0123456789abcdef"
	// e2ePushDeadline bounds the time from a revocation on the issuer to
	// the guard refusing the token.
	e2ePushDeadline = time.Second
	// e2eReconnectDeadline bounds a reconnection of the stream (the first
	// backoff is 1 s ± 25 %).
	e2eReconnectDeadline = 5 * time.Second
)

// e2eApp is a started m8fx app with GET /api/me guarded by
// auth.Require(authmod.AnyUser()), reached over real HTTP.
type e2eApp struct {
	*fxtest_helpers.App
	events *authmod.EventStream // nil without EVENT_STREAM_ENABLED
	client *http.Client
}

// startE2E starts the app with the merged settings maps (later maps win).
// The health report is public in detail and not cached, so that the
// tests see the checks as they are now.
func startE2E(t *testing.T, envs ...map[string]string) *e2eApp {
	t.Helper()
	env := map[string]string{}
	for _, e := range envs {
		maps.Copy(env, e)
	}
	a := &e2eApp{}
	routes := func(auth *authmod.Authenticator) httpmod.Routes {
		return httpmod.RoutesFunc(func(r *httpmod.Router) {
			httpmod.Handle(r, http.MethodGet, "/me", func(c *gin.Context) {
				u, ok := authmod.UserFromContext(c)
				if !ok {
					c.String(http.StatusInternalServerError, "no user")
					return
				}
				c.JSON(http.StatusOK, gin.H{"id": u.ID.String()})
			}, auth.Require(authmod.AnyUser()))
		})
	}
	a.App = fxtest_helpers.New(t,
		fxtest_helpers.WithEnv(env),
		fxtest_helpers.WithOptions(httpmod.AsRoutes(routes)),
		fxtest_helpers.Populate(&a.events),
		fxtest_helpers.Decorate(func(c healthmod.Config) healthmod.Config {
			c.DetailPublic, c.CacheTTL = true, 0
			return c
		}),
	)
	if a.URL == "" {
		t.Fatal("the app has no HTTP listener")
	}
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	a.client = &http.Client{Transport: tr, Timeout: 10 * time.Second}
	return a
}

// get makes a real HTTP GET of path with an optional bearer token and
// returns the status and body.
func (a *e2eApp) get(t *testing.T, path, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, a.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", fxtest_helpers.Bearer(token))
	}
	resp, err := a.client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading the body: %v", path, err)
	}
	return resp.StatusCode, string(body)
}

// me is the status of GET /api/me with token.
func (a *e2eApp) me(t *testing.T, token string) int {
	t.Helper()
	status, _ := a.get(t, "/api/me", token)
	return status
}

// mustPass asserts that token is admitted (200).
func (a *e2eApp) mustPass(t *testing.T, what, token string) {
	t.Helper()
	if status, body := a.get(t, "/api/me", token); status != http.StatusOK {
		t.Fatalf("%s: GET /api/me = %d %s, want 200", what, status, body)
	}
}

// mustRefuse asserts that token is refused as an invalid token (401 with
// the invalid_token challenge).
func (a *e2eApp) mustRefuse(t *testing.T, what, token string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.URL+"/api/me", nil)
	req.Header.Set("Authorization", fxtest_helpers.Bearer(token))
	resp, err := a.client.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("%s: GET /api/me = %d %s, want 401", what, resp.StatusCode, body)
	}
	if got := resp.Header.Get("WWW-Authenticate"); got != `Bearer error="invalid_token"` {
		t.Errorf("%s: WWW-Authenticate = %q", what, got)
	}
	if string(body) != `{"detail":"Could not validate credentials"}` {
		t.Errorf("%s: body = %s", what, body)
	}
}

// refusedWithin polls GET /api/me with token every few milliseconds and
// fails the test unless it is answered 401 within d of since. It returns
// how long it took.
func (a *e2eApp) refusedWithin(t *testing.T, what, token string, since time.Time, d time.Duration) time.Duration {
	t.Helper()
	deadline := since.Add(d)
	for {
		status := a.me(t, token)
		if status == http.StatusUnauthorized {
			return time.Since(since)
		}
		if status != http.StatusOK {
			t.Fatalf("%s: GET /api/me = %d while waiting for the refusal", what, status)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still admitted %s after the revocation (want 401 within %s)", what, time.Since(since).Round(time.Millisecond), d)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// within polls cond every few milliseconds for up to d.
func within(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, d)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// jtiOf is the jti claim of claims.
func jtiOf(claims map[string]any) string { return claims["jti"].(string) }

// noProtocolErrors asserts that the fake issuer refused no request as
// malformed or badly authenticated.
func noProtocolErrors(t *testing.T, rev *fxtest_helpers.RevocationServer) {
	t.Helper()
	if p := rev.ProtocolErrors(); len(p) != 0 {
		t.Errorf("the issuer saw protocol errors: %q", p)
	}
}

// headerRecorder is a reverse proxy in front of the fake issuer (target is
// its root URL: the request paths are kept as they are) that
// records the headers of every request the app sends, by path. It is real
// HTTP end to end; nothing of the kit is replaced.
type headerRecorder struct {
	srv *httptest.Server

	mu     sync.Mutex
	byPath map[string][]http.Header
}

func newHeaderRecorder(t *testing.T, target string) *headerRecorder {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	tr := &http.Transport{}
	rp.Transport = tr
	rec := &headerRecorder{byPath: map[string][]http.Header{}}
	rec.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.byPath[r.URL.Path] = append(rec.byPath[r.URL.Path], r.Header.Clone())
		rec.mu.Unlock()
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		rec.srv.Close()
		tr.CloseIdleConnections()
	})
	return rec
}

func (h *headerRecorder) headers(path string) []http.Header {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.byPath[path])
}

// internalAuthEnv is the settings of an app in stateful mode whose private
// calls go through rec to rev, in bootstrap mode (serviceTokens false) or
// service-token mode.
func internalAuthEnv(is *fxtest_helpers.Issuer, rev *fxtest_helpers.RevocationServer, rec *headerRecorder, serviceTokens bool) map[string]string {
	env := is.Env()
	maps.Copy(env, rev.Env())
	env["INTROSPECTION_URL"] = rec.srv.URL + fxtest_helpers.RevocationPath
	if serviceTokens {
		env["SERVICE_TOKEN_EXCHANGE_ENABLED"] = "true"
	} else {
		env["SERVICE_TOKEN_EXCHANGE_ENABLED"] = "false"
	}
	return env
}

// checkHeaders asserts that every request in hs carries exactly the
// internal-auth headers of the mode (§2): bootstrap X-Internal-Client and
// X-Internal-Token and no Authorization; service token a Bearer
// Authorization and neither X-Internal-* header. It returns the Authorization
// values.
func checkHeaders(t *testing.T, what string, hs []http.Header, serviceTokens bool, secret string) []string {
	t.Helper()
	var bearers []string
	for i, h := range hs {
		client, token, auth := h.Values("X-Internal-Client"), h.Values("X-Internal-Token"), h.Values("Authorization")
		if serviceTokens {
			if len(client) != 0 || len(token) != 0 {
				t.Errorf("%s #%d: service-token mode sent X-Internal-Client %q / X-Internal-Token (%d values)", what, i, client, len(token))
			}
			if len(auth) != 1 || !strings.HasPrefix(auth[0], "Bearer ") || len(auth[0]) <= len("Bearer ") {
				t.Errorf("%s #%d: Authorization = %q, want one Bearer service token", what, i, auth)
				continue
			}
			bearers = append(bearers, auth[0])
			continue
		}
		if len(auth) != 0 {
			t.Errorf("%s #%d: bootstrap mode sent Authorization", what, i)
		}
		if len(client) != 1 || client[0] != e2eClientID {
			t.Errorf("%s #%d: X-Internal-Client = %q, want [%q]", what, i, client, e2eClientID)
		}
		if len(token) != 1 || token[0] != secret {
			t.Errorf("%s #%d: X-Internal-Token is not exactly the bootstrap secret (%d values)", what, i, len(token))
		}
	}
	return bearers
}

// TestProtocolInternalAuthModes: in bootstrap and in service-token mode the
// jti-status calls carry exactly the §2 headers (the issuer refuses legacy
// calls), one exchange serves many requests, a 401 is cured by one
// re-exchange and one retry in service-token mode only, and the exchange
// asks for ["introspection"] alone without the event stream.
func TestProtocolInternalAuthModes(t *testing.T) {
	t.Parallel()
	const requests = 20
	for _, mode := range []struct {
		name          string
		serviceTokens bool
	}{{"bootstrap", false}, {"service_token", true}} {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			is := fxtest_helpers.NewIssuer(t, "HS256")
			rev := fxtest_helpers.NewRevocationServer(t,
				fxtest_helpers.RevocationClient(e2eClientID, ""),
				fxtest_helpers.RevocationRequireClient())
			rec := newHeaderRecorder(t, strings.TrimSuffix(rev.URL(), fxtest_helpers.RevocationPath))
			app := startE2E(t, internalAuthEnv(is, rev, rec, mode.serviceTokens))

			for i := range requests {
				app.mustPass(t, "distinct token", is.Token())
				if i == 0 && rev.LastRequest().SchemaVersion != "2" {
					t.Errorf("jti-status schema_version = %q, want 2", rev.LastRequest().SchemaVersion)
				}
			}
			if got := rev.Calls(); got != requests {
				t.Errorf("jti-status calls = %d after %d requests with distinct tokens, want %d", got, requests, requests)
			}
			wantExchanges := 0
			if mode.serviceTokens {
				wantExchanges = 1
			}
			if got := rev.Exchanges(); got != wantExchanges {
				t.Errorf("exchanges = %d after %d requests, want %d", got, requests, wantExchanges)
			}
			calls := rec.headers(fxtest_helpers.RevocationPath)
			if len(calls) != requests {
				t.Fatalf("recorded %d jti-status calls, want %d", len(calls), requests)
			}
			bearers := checkHeaders(t, "jti-status", calls, mode.serviceTokens, rev.Secret())
			for _, b := range bearers {
				if b != bearers[0] {
					t.Errorf("the service token changed between calls without a 401")
					break
				}
			}
			for i, h := range calls {
				if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("jti-status #%d: Content-Type = %q", i, ct)
				}
			}
			exchanges := rec.headers(fxtest_helpers.ServiceTokenPath)
			checkHeaders(t, "service-token exchange", exchanges, false, rev.Secret()) // the exchange always uses the bootstrap credential
			if mode.serviceTokens {
				if got := rev.LastExchangeScopes(); !slices.Equal(got, []string{"introspection"}) {
					t.Errorf("exchange scopes = %q without the event stream, want [introspection]", got)
				}
			}

			// A 401 on jti-status.
			callsBefore, exchangesBefore := rev.Calls(), rev.Exchanges()
			rev.ForceUnauthorized(1)
			status, body := app.get(t, "/api/me", is.Token())
			if mode.serviceTokens {
				if status != http.StatusOK {
					t.Fatalf("after one 401 in service-token mode: %d %s, want 200 (re-exchange and retry)", status, body)
				}
				if got := rev.Calls() - callsBefore; got != 2 {
					t.Errorf("jti-status calls for the request = %d, want 2 (the refused one and one retry)", got)
				}
				if got := rev.Exchanges() - exchangesBefore; got != 1 {
					t.Errorf("re-exchanges after the 401 = %d, want exactly 1", got)
				}
				calls := rec.headers(fxtest_helpers.RevocationPath)
				last := checkHeaders(t, "jti-status after 401", calls[len(calls)-2:], true, "")
				if len(last) == 2 && last[0] == last[1] {
					t.Errorf("the retry after the 401 used the refused service token")
				}
			} else {
				if status != http.StatusServiceUnavailable {
					t.Fatalf("after a 401 in bootstrap mode: %d %s, want 503 (a static credential is not retried)", status, body)
				}
				if got := rev.Calls() - callsBefore; got != 1 {
					t.Errorf("jti-status calls for the request = %d, want 1 (no retry in bootstrap mode)", got)
				}
				if got := rev.Exchanges(); got != 0 {
					t.Errorf("bootstrap mode exchanged %d service tokens", got)
				}
			}
			app.mustPass(t, "after the 401", is.Token())
			if got := rev.Exchanges() - exchangesBefore; mode.serviceTokens && got != 1 {
				t.Errorf("exchanges after the 401 and one more request = %d, want 1", got)
			}

			if mode.serviceTokens {
				// A 401 that the fresh token does not cure: one re-exchange,
				// one retry, then the request fails closed (no loop).
				callsBefore, exchangesBefore = rev.Calls(), rev.Exchanges()
				rev.ForceUnauthorized(2)
				if status, body := app.get(t, "/api/me", is.Token()); status != http.StatusServiceUnavailable {
					t.Errorf("after two 401s: %d %s, want 503", status, body)
				}
				if got := rev.Calls() - callsBefore; got != 2 {
					t.Errorf("jti-status calls after two 401s = %d, want 2 (one retry only)", got)
				}
				if got := rev.Exchanges() - exchangesBefore; got != 1 {
					t.Errorf("exchanges after two 401s = %d, want 1", got)
				}
				app.mustPass(t, "after the two 401s", is.Token())
				if got := rev.Exchanges() - exchangesBefore; got != 1 {
					t.Errorf("the token obtained by the retry was not reused: %d exchanges, want 1", got)
				}
			}
			noProtocolErrors(t, rev)
		})
	}
}

// newStreamIssuer is a fake issuer that requires a registered client (no
// legacy calls), grants every scope and signs events with e2eSigningKey.
func newStreamIssuer(t *testing.T, opts ...fxtest_helpers.RevocationOption) *fxtest_helpers.RevocationServer {
	t.Helper()
	return fxtest_helpers.NewRevocationServer(t, append([]fxtest_helpers.RevocationOption{
		fxtest_helpers.RevocationClient(e2eClientID, ""),
		fxtest_helpers.RevocationRequireClient(),
		fxtest_helpers.RevocationSigningKey(e2eSigningKey),
	}, opts...)...)
}

// streamEnv is the settings of an app trusting is, in stateful mode with
// service tokens against rev, with the event stream on; extra wins.
func streamEnv(is *fxtest_helpers.Issuer, rev *fxtest_helpers.RevocationServer, extra map[string]string) map[string]string {
	env := is.Env()
	maps.Copy(env, rev.Env()) // TOKEN_MODE=stateful, INTROSPECTION_URL, INTERNAL_CLIENT_ID, secret, SERVICE_TOKEN_EXCHANGE_ENABLED=true, EVENT_SIGNING_KEY
	env["EVENT_STREAM_ENABLED"] = "true"
	maps.Copy(env, extra)
	return env
}

// startStreamApp starts the app and waits until its event stream is
// connected.
func startStreamApp(t *testing.T, rev *fxtest_helpers.RevocationServer, env map[string]string) *e2eApp {
	t.Helper()
	if env["EVENT_SIGNING_KEY"] != e2eSigningKey {
		t.Fatalf("EVENT_SIGNING_KEY is not the issuer's key")
	}
	app := startE2E(t, env)
	if app.events == nil {
		t.Fatal("EVENT_STREAM_ENABLED=true but the app has no *authmod.EventStream")
	}
	if !rev.WaitStreamConnects(1, e2eReconnectDeadline) {
		t.Fatalf("the app did not connect to the event stream within %s", e2eReconnectDeadline)
	}
	within(t, e2eReconnectDeadline, "the stream client reports connected", app.events.Connected)
	return app
}

// TestProtocolExchangeScopesWithStream: with EVENT_STREAM_ENABLED the
// service-token exchange asks for "event-stream" too, and one exchange
// serves both the stream connection and the jti-status calls.
func TestProtocolExchangeScopesWithStream(t *testing.T) {
	t.Parallel()
	is := fxtest_helpers.NewIssuer(t, "HS256")
	rev := newStreamIssuer(t)
	app := startStreamApp(t, rev, streamEnv(is, rev, nil))
	for range 20 {
		app.mustPass(t, "distinct token", is.Token())
	}
	if got := rev.LastExchangeScopes(); !slices.Equal(got, []string{"introspection", "event-stream"}) {
		t.Errorf("exchange scopes with the stream = %q, want [introspection event-stream]", got)
	}
	if got := rev.Exchanges(); got != 1 {
		t.Errorf("exchanges = %d for the stream and 20 jti-status calls, want 1", got)
	}
	if got := rev.Calls(); got != 20 {
		t.Errorf("jti-status calls = %d, want 20", got)
	}
	noProtocolErrors(t, rev)
}

// TestProtocolStreamBootstrapMode: in bootstrap mode (no exchange) the
// stream connects with the bootstrap headers, accepted by an issuer that
// refuses legacy calls, and its revocations apply.
func TestProtocolStreamBootstrapMode(t *testing.T) {
	t.Parallel()
	is := fxtest_helpers.NewIssuer(t, "HS256")
	rev := newStreamIssuer(t)
	app := startStreamApp(t, rev, streamEnv(is, rev, map[string]string{
		"SERVICE_TOKEN_EXCHANGE_ENABLED": "false",
		"REVOCATION_CACHE_TTL_SECONDS":   "60",
	}))
	tok, claims := is.TokenWithClaims()
	app.mustPass(t, "token", tok)
	start := time.Now()
	rev.Revoke(jtiOf(claims))
	app.refusedWithin(t, "revoked token", tok, start, e2ePushDeadline)
	if got := rev.Exchanges(); got != 0 {
		t.Errorf("bootstrap mode exchanged %d service tokens", got)
	}
	noProtocolErrors(t, rev)
}

// TestProtocolStreamUnauthorizedReExchanges: a stream connection answered
// 401 invalidates the service token; the next attempt exchanges a fresh one
// and the stream connects again (§4).
func TestProtocolStreamUnauthorizedReExchanges(t *testing.T) {
	t.Parallel()
	is := fxtest_helpers.NewIssuer(t, "HS256")
	rev := newStreamIssuer(t)
	app := startStreamApp(t, rev, streamEnv(is, rev, nil))
	if got := rev.Exchanges(); got != 1 {
		t.Fatalf("exchanges after the first connection = %d, want 1", got)
	}
	connects := rev.StreamConnects()
	rev.ForceUnauthorized(1) // the next connection attempt
	rev.DropStreams()
	// Backoff 1 s after the cut, 2 s after the 401 (± 25 %).
	if !rev.WaitStreamConnects(connects+1, 3*e2eReconnectDeadline) {
		t.Fatalf("the stream did not connect again after a 401 within %s", 3*e2eReconnectDeadline)
	}
	if got := rev.Exchanges(); got != 2 {
		t.Errorf("exchanges after a 401 on the stream = %d, want 2 (one fresh token)", got)
	}
	tok, claims := is.TokenWithClaims()
	app.mustPass(t, "token", tok)
	if got := rev.Exchanges(); got != 2 {
		t.Errorf("the fresh token is not shared with jti-status: %d exchanges, want 2", got)
	}
	start := time.Now()
	rev.Revoke(jtiOf(claims))
	app.refusedWithin(t, "revoked after the reconnection", tok, start, e2ePushDeadline)
	noProtocolErrors(t, rev)
}

// TestProtocolStreamRevokesCachedToken: stateful mode with a 60 s positive
// cache: a token answered active (and cached) is refused within 1 s of its
// revocation on the issuer, pushed by the stream.
func TestProtocolStreamRevokesCachedToken(t *testing.T) {
	t.Parallel()
	is := fxtest_helpers.NewIssuer(t, "HS256")
	rev := newStreamIssuer(t)
	app := startStreamApp(t, rev, streamEnv(is, rev, map[string]string{"REVOCATION_CACHE_TTL_SECONDS": "60"}))

	tok, claims := is.TokenWithClaims()
	app.mustPass(t, "fresh token", tok)
	app.mustPass(t, "fresh token again", tok)
	if got := rev.Calls(); got != 1 {
		t.Fatalf("jti-status calls = %d after two requests with one token, want 1 (the active answer is cached)", got)
	}
	start := time.Now()
	rev.Revoke(jtiOf(claims))
	took := app.refusedWithin(t, "revoked cached token", tok, start, e2ePushDeadline)
	t.Logf("refused %s after the revocation", took.Round(time.Millisecond))
	app.mustRefuse(t, "revoked cached token", tok)
	noProtocolErrors(t, rev)
}

// TestProtocolStreamRevokeUser: a session.revoked event for a whole user
// (RevokeUser) refuses that user's cached tokens at once (the event evicts
// them and jti-status, the authority in stateful mode, answers inactive),
// while other users' tokens and the user's tokens issued after it still
// pass. (A token never seen before is jti-status's to judge: the fake
// issuer cannot tell when it was issued, so it is not asserted here; the
// stateless test covers the pushed rule.)
func TestProtocolStreamRevokeUser(t *testing.T) {
	t.Parallel()
	is := fxtest_helpers.NewIssuer(t, "HS256")
	rev := newStreamIssuer(t)
	app := startStreamApp(t, rev, streamEnv(is, rev, map[string]string{"REVOCATION_CACHE_TTL_SECONDS": "60"}))

	alice, bob := uuid.NewString(), uuid.NewString()
	a1 := is.Token(fxtest_helpers.TokenSubject(alice))
	a2 := is.Token(fxtest_helpers.TokenSubject(alice), fxtest_helpers.TokenRole(authmod.RoleReader))
	b1 := is.Token(fxtest_helpers.TokenSubject(bob))
	for _, tok := range []string{a1, a2, b1, a1, a2, b1} {
		app.mustPass(t, "before the revocation", tok)
	}
	if got := rev.Calls(); got != 3 {
		t.Fatalf("jti-status calls = %d, want 3 (one per token, then cached)", got)
	}

	start := time.Now()
	rev.RevokeUser(alice)
	app.refusedWithin(t, "alice's cached token", a1, start, e2ePushDeadline)
	app.mustRefuse(t, "alice's other cached token", a2)
	app.mustPass(t, "bob's token", b1)
	if time.Since(start) > e2ePushDeadline {
		t.Errorf("the user revocation took %s to reach every token", time.Since(start))
	}
	app.mustPass(t, "alice's token issued after the revocation", is.Token(fxtest_helpers.TokenSubject(alice)))

	// user.deleted: every token of the user, cached or not.
	start = time.Now()
	rev.DeleteUser(bob)
	app.refusedWithin(t, "deleted user's cached token", b1, start, e2ePushDeadline)
	noProtocolErrors(t, rev)
}

// TestProtocolStreamIgnoresBadSignatures: a badly signed and an unsigned
// event change nothing (the cached active answer keeps being used, no cache
// is flushed), and are counted as dropped_sig_fail; signed events sent
// after them are applied.
func TestProtocolStreamIgnoresBadSignatures(t *testing.T) {
	t.Parallel()
	is := fxtest_helpers.NewIssuer(t, "HS256")
	rev := newStreamIssuer(t)
	app := startStreamApp(t, rev, streamEnv(is, rev, map[string]string{
		"REVOCATION_CACHE_TTL_SECONDS": "60",
		"METRICS_ENABLED":              "true",
		"METRICS_GROUPS":               "auth",
	}))

	tok, claims := is.TokenWithClaims()
	app.mustPass(t, "fresh token", tok)
	for _, sig := range []struct {
		name string
		mode fxtest_helpers.EventSignature
	}{{"badly signed", fxtest_helpers.EventBadlySigned}, {"unsigned", fxtest_helpers.EventUnsigned}} {
		// A signed revocation of a marker token, emitted after the bad
		// event, shows when the stream has read the bad one.
		marker, mc := is.TokenWithClaims()
		app.mustPass(t, "marker", marker)

		rev.SetEventSignature(sig.mode)
		rev.Revoke(jtiOf(claims)) // the issuer now answers inactive: only a (valid) event could evict the cached answer
		rev.SetEventSignature(fxtest_helpers.EventSigned)
		start := time.Now()
		rev.Revoke(jtiOf(mc))
		app.refusedWithin(t, "marker after the "+sig.name+" event", marker, start, e2ePushDeadline)

		calls := rev.Calls()
		app.mustPass(t, "token named by the "+sig.name+" event", tok)
		if got := rev.Calls(); got != calls {
			t.Errorf("%s event: the token's cached answer was dropped (jti-status calls %d -> %d)", sig.name, calls, got)
		}
	}

	fams := scrapeAuth(t, app.App)
	for _, c := range []struct {
		result string
		want   float64
	}{{authmod.EventDroppedSigFail, 2}, {authmod.EventDelivered, 2}} {
		labels := map[string]string{"event_type": "session.revoked", "result": c.result}
		if got := counterWith(fams, "api_auth_event_stream_events_total", labels); got != c.want {
			t.Errorf("api_auth_event_stream_events_total%v = %v, want %v", labels, got, c.want)
		}
	}
	noProtocolErrors(t, rev)
}

// TestProtocolStreamResumesWithLastEventID: after the issuer cuts the
// stream, the client reconnects presenting the id of the last event it was
// delivered, and gets the event emitted while it was away.
func TestProtocolStreamResumesWithLastEventID(t *testing.T) {
	t.Parallel()
	is := fxtest_helpers.NewIssuer(t, "HS256")
	rev := newStreamIssuer(t)
	app := startStreamApp(t, rev, streamEnv(is, rev, map[string]string{"REVOCATION_CACHE_TTL_SECONDS": "60"}))

	first, fc := is.TokenWithClaims()
	second, sc := is.TokenWithClaims()
	app.mustPass(t, "first token", first)
	app.mustPass(t, "second token", second)

	start := time.Now()
	lastDelivered := rev.Revoke(jtiOf(fc))
	app.refusedWithin(t, "first token", first, start, e2ePushDeadline)
	if got := app.events.LastEventID(); got != lastDelivered {
		t.Fatalf("the client's last event id = %q, want %q", got, lastDelivered)
	}

	connects := rev.StreamConnects()
	if n := rev.DropStreams(); n != 1 {
		t.Fatalf("DropStreams cut %d connections, want 1", n)
	}
	missed := rev.Revoke(jtiOf(sc)) // while the client is away (its first backoff is ~1 s)
	if !rev.WaitStreamConnects(connects+1, e2eReconnectDeadline) {
		t.Fatalf("no reconnection within %s after DropStreams", e2eReconnectDeadline)
	}
	if got := rev.LastEventID(); got != lastDelivered {
		t.Fatalf("reconnected with Last-Event-ID %q, want the last delivered id %q", got, lastDelivered)
	}
	app.refusedWithin(t, "second token, revoked while disconnected (replayed)", second, time.Now(), e2ePushDeadline)
	within(t, e2ePushDeadline, "the client's last event id is the replayed one", func() bool {
		return app.events.LastEventID() == missed
	})
	noProtocolErrors(t, rev)
}

// TestProtocolStreamGapFlushesCaches: when the issuer cannot resume the
// stream (Gap, then a reconnection), the client flushes the revocation
// cache: a cached active answer is asked again.
func TestProtocolStreamGapFlushesCaches(t *testing.T) {
	t.Parallel()
	is := fxtest_helpers.NewIssuer(t, "HS256")
	rev := newStreamIssuer(t)
	app := startStreamApp(t, rev, streamEnv(is, rev, map[string]string{"REVOCATION_CACHE_TTL_SECONDS": "60"}))

	tok := is.Token()
	app.mustPass(t, "token", tok)
	// One delivered event, so that the client resumes with a Last-Event-ID.
	marker, mc := is.TokenWithClaims()
	app.mustPass(t, "marker", marker)
	start := time.Now()
	delivered := rev.Revoke(jtiOf(mc))
	app.refusedWithin(t, "marker", marker, start, e2ePushDeadline)
	app.mustPass(t, "token, cached", tok)
	calls := rev.Calls()
	app.mustPass(t, "token, cached", tok)
	if got := rev.Calls(); got != calls {
		t.Fatalf("the token's answer is not cached (jti-status calls %d -> %d)", calls, got)
	}

	connects := rev.StreamConnects()
	rev.Gap()
	if n := rev.DropStreams(); n != 1 {
		t.Fatalf("DropStreams cut %d connections, want 1", n)
	}
	if !rev.WaitStreamConnects(connects+1, e2eReconnectDeadline) {
		t.Fatalf("no reconnection within %s after DropStreams", e2eReconnectDeadline)
	}
	if got := rev.LastEventID(); got != delivered {
		t.Fatalf("reconnected with Last-Event-ID %q, want %q (the id the gap makes unresumable)", got, delivered)
	}
	within(t, e2ePushDeadline, "the cached active answer is asked again after the gap", func() bool {
		app.mustPass(t, "token after the gap", tok)
		return rev.Calls() > calls
	})
	if got := app.events.LastEventID(); got != "" {
		t.Errorf("after the gap the client still keeps the last event id %q", got)
	}
	app.mustRefuse(t, "marker after the gap (a known revocation survives the flush)", marker)
	noProtocolErrors(t, rev)
}

// TestProtocolStreamStateless: with TOKEN_MODE=stateless and the stream on,
// pushed revocations (a jti, a session of a named user, a whole user)
// refuse tokens within 1 s, and jti-status is never called.
func TestProtocolStreamStateless(t *testing.T) {
	t.Parallel()
	is := fxtest_helpers.NewIssuer(t, "HS256")
	rev := newStreamIssuer(t)
	app := startStreamApp(t, rev, streamEnv(is, rev, map[string]string{"TOKEN_MODE": "stateless"}))

	// Revoke(jti).
	tok, claims := is.TokenWithClaims()
	app.mustPass(t, "token", tok)
	start := time.Now()
	rev.Revoke(jtiOf(claims))
	app.refusedWithin(t, "token revoked by jti", tok, start, e2ePushDeadline)

	// RevokeSession(sub, jti): only that session.
	sub := uuid.NewString()
	session, sc := is.TokenWithClaims(fxtest_helpers.TokenSubject(sub))
	sibling := is.Token(fxtest_helpers.TokenSubject(sub))
	app.mustPass(t, "session", session)
	app.mustPass(t, "sibling session", sibling)
	start = time.Now()
	rev.RevokeSession(sub, jtiOf(sc))
	app.refusedWithin(t, "revoked session", session, start, e2ePushDeadline)
	app.mustPass(t, "the user's other session", sibling)

	// RevokeUser(sub): the user's tokens issued before.
	victim, other := uuid.NewString(), uuid.NewString()
	old := is.Token(fxtest_helpers.TokenSubject(victim), fxtest_helpers.TokenClaim("iat", time.Now().Add(-5*time.Second)))
	bystander := is.Token(fxtest_helpers.TokenSubject(other), fxtest_helpers.TokenClaim("iat", time.Now().Add(-5*time.Second)))
	app.mustPass(t, "user's token", old)
	app.mustPass(t, "another user's token", bystander)
	start = time.Now()
	rev.RevokeUser(victim)
	app.refusedWithin(t, "revoked user's token", old, start, e2ePushDeadline)
	app.mustPass(t, "another user's token", bystander)

	if got := rev.Calls(); got != 0 {
		t.Errorf("stateless mode called jti-status %d times", got)
	}
	noProtocolErrors(t, rev)
}

// counterWith is the value of the counter of family name whose labels
// include every pair of labels (-1: none).
func counterWith(fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	for _, m := range fams[name].GetMetric() {
		matched := 0
		for _, l := range m.GetLabel() {
			if v, ok := labels[l.GetName()]; ok && v == l.GetValue() {
				matched++
			}
		}
		if matched == len(labels) {
			return m.GetCounter().GetValue()
		}
	}
	return -1
}

// healthDetail is the detail body of GET /api/health/.
type healthDetail struct {
	Status string `json:"status"`
	Checks []struct {
		Name   string         `json:"name"`
		Status string         `json:"status"`
		Error  string         `json:"error"`
		Meta   map[string]any `json:"meta"`
	} `json:"checks"`
}

// authEvents returns the "auth_events" check of the health report.
func (a *e2eApp) authEvents(t *testing.T) (status, errText string, meta map[string]any) {
	t.Helper()
	code, body := a.get(t, "/api/health/", "")
	var d healthDetail
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatalf("GET /api/health/ = %d %s: %v", code, body, err)
	}
	for _, c := range d.Checks {
		if c.Name == "auth_events" {
			return c.Status, c.Error, c.Meta
		}
	}
	t.Fatalf("GET /api/health/ has no auth_events check: %s", body)
	return "", "", nil
}

// TestProtocolStreamHealth: the "auth_events" check is ok while the stream
// is connected and degraded once the issuer is gone; readiness stays up
// unless EVENT_STREAM_REQUIRED=true, which fails it once the stream has
// been down longer than EVENT_STREAM_READ_TIMEOUT.
func TestProtocolStreamHealth(t *testing.T) {
	t.Parallel()
	for _, required := range []bool{false, true} {
		name := "optional"
		if required {
			name = "required"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			is := fxtest_helpers.NewIssuer(t, "HS256")
			rev := newStreamIssuer(t, fxtest_helpers.RevocationHeartbeat(100*time.Millisecond))
			env := streamEnv(is, rev, map[string]string{"EVENT_STREAM_READ_TIMEOUT": "1"})
			if required {
				env["EVENT_STREAM_REQUIRED"] = "true"
			}
			app := startStreamApp(t, rev, env)

			if status, errText, meta := app.authEvents(t); status != "ok" || meta["connected"] != true {
				t.Fatalf("connected: auth_events = %s (%q, %v), want ok", status, errText, meta)
			}
			if code, body := app.get(t, "/api/health/ready", ""); code != http.StatusOK || body != `{"status":"ok"}` {
				t.Fatalf("connected: /health/ready = %d %s, want 200 ok", code, body)
			}

			rev.DropStreams()
			rev.Close() // reconnecting is now impossible
			within(t, e2eReconnectDeadline, "auth_events leaves ok", func() bool {
				status, _, _ := app.authEvents(t)
				return status != "ok"
			})

			if !required {
				// Degraded, and still degraded once the stream has been down
				// longer than the read timeout; readiness stays up.
				within(t, e2eReconnectDeadline, "down longer than the read timeout", func() bool {
					status, errText, meta := app.authEvents(t)
					if status != "degraded" {
						t.Fatalf("optional stream down: auth_events = %s (%q), want degraded", status, errText)
					}
					secs, _ := meta["disconnected_seconds"].(float64)
					return secs >= 2
				})
				if code, body := app.get(t, "/api/health/ready", ""); code != http.StatusOK || body != `{"status":"degraded"}` {
					t.Fatalf("optional stream down: /health/ready = %d %s, want 200 degraded", code, body)
				}
				return
			}
			var code int
			var body string
			within(t, e2eReconnectDeadline, "readiness fails with EVENT_STREAM_REQUIRED", func() bool {
				code, body = app.get(t, "/api/health/ready", "")
				return code == http.StatusServiceUnavailable
			})
			if body != `{"status":"fail"}` {
				t.Errorf("required stream down: /health/ready body = %s, want {\"status\":\"fail\"}", body)
			}
			if status, errText, _ := app.authEvents(t); status != "fail" || !strings.Contains(errText, "disconnected") {
				t.Errorf("required stream down: auth_events = %s (%q), want fail", status, errText)
			}
		})
	}
}

// TestProtocolStreamLateUserRevocationSparesNewSessions: in stateful mode
// the jti-status check stays the authority (§4: the stream is an
// accelerator). A user revocation (RevokeUser) that reaches the app late,
// replayed after a reconnection, must not refuse a token the user obtained
// after the revocation, which the issuer answers active at the new
// generation.
func TestProtocolStreamLateUserRevocationSparesNewSessions(t *testing.T) {
	t.Parallel()
	is := fxtest_helpers.NewIssuer(t, "HS256")
	rev := newStreamIssuer(t)
	app := startStreamApp(t, rev, streamEnv(is, rev, map[string]string{"REVOCATION_CACHE_TTL_SECONDS": "60"}))

	alice := uuid.NewString()
	old := is.Token(fxtest_helpers.TokenSubject(alice))
	app.mustPass(t, "alice's token before the revocation", old)
	// One delivered event, so that the client resumes with a Last-Event-ID
	// (and gets the revocation replayed).
	marker, mc := is.TokenWithClaims()
	app.mustPass(t, "marker", marker)
	start := time.Now()
	delivered := rev.Revoke(jtiOf(mc))
	app.refusedWithin(t, "marker", marker, start, e2ePushDeadline)

	connects := rev.StreamConnects()
	if n := rev.DropStreams(); n != 1 {
		t.Fatalf("DropStreams cut %d connections, want 1", n)
	}
	// The first reconnection attempt (~1 s) is refused, so that the
	// replay arrives ~2-3 s after the revocation, in a later second. No
	// request is made meanwhile (it would take the forced 401).
	rev.ForceUnauthorized(1)
	revokedAt := time.Now()
	rev.RevokeUser(alice)
	// The user logs in again right after the revocation.
	fresh := is.Token(fxtest_helpers.TokenSubject(alice))
	if !rev.WaitStreamConnects(connects+1, 3*e2eReconnectDeadline) {
		t.Fatalf("no reconnection within %s", 3*e2eReconnectDeadline)
	}
	if got := rev.LastEventID(); got != delivered {
		t.Fatalf("reconnected with Last-Event-ID %q, want %q", got, delivered)
	}
	app.refusedWithin(t, "alice's token issued before the revocation (replayed event)", old, time.Now(), e2ePushDeadline)
	if time.Now().Unix() == revokedAt.Unix() {
		t.Fatal("the replay arrived in the second of the revocation: the scenario did not happen")
	}

	calls := rev.Calls()
	status, body := app.get(t, "/api/me", fresh)
	if status != http.StatusOK {
		t.Errorf("alice's token issued after the revocation, delivered late by the stream: GET /api/me = %d %s, want 200 "+
			"(the issuer answers it active at generation %d; jti-status calls %d -> %d: the guard refused it without asking)",
			status, body, rev.Generation(alice), calls, rev.Calls())
	}
	noProtocolErrors(t, rev)
}
