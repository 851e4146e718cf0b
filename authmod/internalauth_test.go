package authmod_test

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
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/settingsmod"
)

// Credentials of the fake issuer.
const (
	issuerClientID = "svc-orders"
	issuerSecret   = "bootstrap-secret-0123456789"
	issuerBase     = "/user/private/v1"
)

// exchangeRecord is what one exchange request carried.
type exchangeRecord struct {
	method, contentType string
	header              http.Header
	body                string
}

// fakeIssuer is an httptest fa-auth-m8 with the service-token exchange and
// the jti-status check. jti-status accepts the credential of mode only:
// legacy and bootstrap headers, or a bearer token the exchange issued and
// that was not revoked with revokeTokens.
type fakeIssuer struct {
	t    *testing.T
	srv  *httptest.Server
	mode authmod.InternalAuthMode

	mu          sync.Mutex
	exchanges   []exchangeRecord
	exStatus    int                // exchange status (0: 200)
	exBody      func(n int) string // exchange 200 body (nil: a token "tok-<n>")
	expiresIn   int
	hold        chan struct{} // exchanges wait for it to close (nil: no wait)
	holding     int
	valid       map[string]bool
	jtiCalls    int
	jtiHeaders  []http.Header
	jtiAnswer   func(expectedUserID string) string // nil: active, generation 1
	jtiUnauthed int                                // answer 401 to this many next calls
}

func newFakeIssuer(t *testing.T, mode authmod.InternalAuthMode) *fakeIssuer {
	f := &fakeIssuer{t: t, mode: mode, expiresIn: 300, valid: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc(issuerBase+"/service-token", f.serveExchange)
	mux.HandleFunc(issuerBase+"/jti-status", f.serveJTIStatus)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeIssuer) exchangeURL() string { return f.srv.URL + issuerBase + "/service-token" }
func (f *fakeIssuer) jtiURL() string      { return f.srv.URL + issuerBase + "/jti-status" }

func (f *fakeIssuer) serveExchange(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.exchanges = append(f.exchanges, exchangeRecord{method: r.Method, contentType: r.Header.Get("Content-Type"), header: r.Header.Clone(), body: string(body)})
	n := len(f.exchanges)
	hold := f.hold
	if hold != nil {
		f.holding++
	}
	status, answer, expiresIn := f.exStatus, f.exBody, f.expiresIn
	f.mu.Unlock()
	if hold != nil {
		<-hold
	}
	if status != 0 && status != http.StatusOK {
		w.WriteHeader(status)
		_, _ = io.WriteString(w, `{"detail":"no"}`)
		return
	}
	if r.Header.Get("X-Internal-Client") != issuerClientID || r.Header.Get("X-Internal-Token") != issuerSecret {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if answer != nil {
		_, _ = io.WriteString(w, answer(n))
		return
	}
	token := fmt.Sprintf("tok-%d", n)
	f.mu.Lock()
	f.valid[token] = true
	f.mu.Unlock()
	_, _ = fmt.Fprintf(w, `{"access_token":%q,"token_type":"bearer","expires_in":%d,"scope":"introspection"}`, token, expiresIn)
}

func (f *fakeIssuer) serveJTIStatus(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ExpectedUserID string `json:"expected_user_id"`
	}
	_ = json.NewDecoder(r.Body).Decode(&req)
	f.mu.Lock()
	f.jtiCalls++
	f.jtiHeaders = append(f.jtiHeaders, r.Header.Clone())
	ok := f.authorized(r.Header)
	if f.jtiUnauthed > 0 {
		f.jtiUnauthed--
		ok = false
	}
	answer := f.jtiAnswer
	f.mu.Unlock()
	if !ok {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"detail":"Unauthorized"}`)
		return
	}
	if answer != nil {
		_, _ = io.WriteString(w, answer(req.ExpectedUserID))
		return
	}
	_, _ = fmt.Fprintf(w, `{"schema_version":"2","active":true,"user_id":%q,"auth_generation":1}`, req.ExpectedUserID)
}

// authorized checks the credential of f.mode; called with mu held.
func (f *fakeIssuer) authorized(h http.Header) bool {
	switch f.mode {
	case authmod.InternalAuthLegacy:
		return h.Get("X-Internal-Token") == issuerSecret
	case authmod.InternalAuthBootstrap:
		return h.Get("X-Internal-Client") == issuerClientID && h.Get("X-Internal-Token") == issuerSecret
	}
	token, ok := strings.CutPrefix(h.Get("Authorization"), "Bearer ")
	return ok && f.valid[token]
}

// revokeTokens makes every token issued so far unacceptable.
func (f *fakeIssuer) revokeTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.valid)
}

func (f *fakeIssuer) exchangeCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.exchanges)
}

func (f *fakeIssuer) jtiCallCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.jtiCalls
}

func (f *fakeIssuer) set(fn func(f *fakeIssuer)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// Hold makes exchanges wait; the returned function releases them (once).
func (f *fakeIssuer) Hold() (release func()) {
	ch := make(chan struct{})
	f.set(func(f *fakeIssuer) { f.hold = ch })
	var once sync.Once
	return func() {
		once.Do(func() {
			f.set(func(f *fakeIssuer) { f.hold = nil })
			close(ch)
		})
	}
}

func (f *fakeIssuer) holdingCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.holding
}

// authConfig is the InternalAuthConfig of mode against f.
func (f *fakeIssuer) authConfig(mode authmod.InternalAuthMode) authmod.InternalAuthConfig {
	cfg := authmod.InternalAuthConfig{Secret: issuerSecret}
	switch mode {
	case authmod.InternalAuthBootstrap:
		cfg.ClientID = issuerClientID
	case authmod.InternalAuthServiceToken:
		cfg.ClientID, cfg.ServiceTokens, cfg.ExchangeURL = issuerClientID, true, f.exchangeURL()
	}
	return cfg
}

func newInternalAuth(t *testing.T, cfg authmod.InternalAuthConfig) *authmod.InternalAuthClient {
	t.Helper()
	a, err := authmod.NewInternalAuth(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// authorizedHeaders runs Authorize on a request that already carries stale
// credential headers and returns the request's credential headers.
func authorizedHeaders(t *testing.T, a authmod.InternalAuth) http.Header {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "http://auth.test/x", nil)
	req.Header.Set("Authorization", "Bearer stale")
	req.Header.Set("X-Internal-Client", "stale")
	req.Header.Set("X-Internal-Token", "stale")
	req.Header.Set("Content-Type", "application/json")
	if err := a.Authorize(context.Background(), req); err != nil {
		t.Fatalf("Authorize: %v", err)
	}
	if req.Header.Get("Content-Type") != "application/json" {
		t.Fatal("Authorize touched a non-credential header")
	}
	got := http.Header{}
	for _, k := range []string{"Authorization", "X-Internal-Client", "X-Internal-Token"} {
		if v := req.Header.Values(k); len(v) > 0 {
			got[k] = v
		}
	}
	return got
}

// TestInternalAuthHeaders: the exact credential headers of each mode.
func TestInternalAuthHeaders(t *testing.T) {
	for _, tc := range []struct {
		mode authmod.InternalAuthMode
		want http.Header
	}{
		{authmod.InternalAuthLegacy, http.Header{"X-Internal-Token": {issuerSecret}}},
		{authmod.InternalAuthBootstrap, http.Header{"X-Internal-Client": {issuerClientID}, "X-Internal-Token": {issuerSecret}}},
		{authmod.InternalAuthServiceToken, http.Header{"Authorization": {"Bearer tok-1"}}},
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			f := newFakeIssuer(t, tc.mode)
			a := newInternalAuth(t, f.authConfig(tc.mode))
			if a.Mode() != tc.mode {
				t.Fatalf("Mode = %q", a.Mode())
			}
			if want := map[bool]string{true: "", false: issuerClientID}[tc.mode == authmod.InternalAuthLegacy]; a.ClientID() != want {
				t.Fatalf("ClientID = %q, want %q", a.ClientID(), want)
			}
			if got := authorizedHeaders(t, a); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("headers = %v, want %v", got, tc.want)
			}
			wantExchanges := 0
			if tc.mode == authmod.InternalAuthServiceToken {
				wantExchanges = 1
			}
			if n := f.exchangeCount(); n != wantExchanges {
				t.Fatalf("%d exchanges, want %d", n, wantExchanges)
			}
		})
	}
}

// TestInternalAuthExchangeRequest: the exchange is a POST with the bootstrap
// headers and {"scopes": [...]}.
func TestInternalAuthExchangeRequest(t *testing.T) {
	for _, tc := range []struct {
		name   string
		scopes []string
		body   string
	}{
		{"default scopes", nil, `{"scopes":["introspection"]}`},
		{"configured scopes", []string{"introspection", "event-stream"}, `{"scopes":["introspection","event-stream"]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeIssuer(t, authmod.InternalAuthServiceToken)
			cfg := f.authConfig(authmod.InternalAuthServiceToken)
			cfg.Scopes = tc.scopes
			authorizedHeaders(t, newInternalAuth(t, cfg))
			f.mu.Lock()
			defer f.mu.Unlock()
			if len(f.exchanges) != 1 {
				t.Fatalf("%d exchanges", len(f.exchanges))
			}
			ex := f.exchanges[0]
			if ex.method != http.MethodPost || ex.contentType != "application/json" || ex.body != tc.body {
				t.Fatalf("exchange %s %q %s, want POST application/json %s", ex.method, ex.contentType, ex.body, tc.body)
			}
			if ex.header.Get("X-Internal-Client") != issuerClientID || ex.header.Get("X-Internal-Token") != issuerSecret || ex.header.Get("Authorization") != "" {
				t.Fatalf("exchange headers %v", ex.header)
			}
		})
	}
}

// TestInternalAuthSingleFlight: one exchange serves many concurrent calls.
func TestInternalAuthSingleFlight(t *testing.T) {
	const n = 50
	f := newFakeIssuer(t, authmod.InternalAuthServiceToken)
	a := newInternalAuth(t, f.authConfig(authmod.InternalAuthServiceToken))
	release := f.Hold()
	defer release()
	var wg sync.WaitGroup
	got := make(chan string, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, "http://auth.test/x", nil)
			if err := a.Authorize(context.Background(), req); err != nil {
				t.Errorf("Authorize: %v", err)
			}
			got <- req.Header.Get("Authorization")
		}()
	}
	waitFor(t, func() bool { return f.holdingCount() == 1 })
	time.Sleep(20 * time.Millisecond) // let the others pile up behind it
	release()
	wg.Wait()
	close(got)
	for h := range got {
		if h != "Bearer tok-1" {
			t.Fatalf("Authorization = %q", h)
		}
	}
	if c := f.exchangeCount(); c != 1 {
		t.Fatalf("%d concurrent calls made %d exchanges, want 1", n, c)
	}
	authorizedHeaders(t, a) // cached now
	if c := f.exchangeCount(); c != 1 {
		t.Fatalf("the token was not cached: %d exchanges", c)
	}
}

// TestInternalAuthExpiry: a token is reused until obtained + expires_in -
// leeway, then exchanged again.
func TestInternalAuthExpiry(t *testing.T) {
	for _, tc := range []struct {
		name      string
		expiresIn int
		leeway    time.Duration
		reuse     time.Duration // last instant at which the token is reused
	}{
		{"leeway 30s", 300, 30 * time.Second, 270*time.Second - time.Nanosecond},
		{"no leeway", 300, 0, 300*time.Second - time.Nanosecond},
		{"lifetime within the leeway", 20, 30 * time.Second, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeIssuer(t, authmod.InternalAuthServiceToken)
			f.set(func(f *fakeIssuer) { f.expiresIn = tc.expiresIn })
			clock := newFakeClock()
			cfg := f.authConfig(authmod.InternalAuthServiceToken)
			cfg.RefreshLeeway, cfg.Now = tc.leeway, clock.Now
			a := newInternalAuth(t, cfg)
			authorizedHeaders(t, a)
			if tc.reuse >= 0 {
				clock.Advance(tc.reuse)
				if h := authorizedHeaders(t, a); h.Get("Authorization") != "Bearer tok-1" || f.exchangeCount() != 1 {
					t.Fatalf("token not reused at +%v: %v, %d exchanges", tc.reuse, h, f.exchangeCount())
				}
			}
			clock.Advance(time.Nanosecond)
			if h := authorizedHeaders(t, a); h.Get("Authorization") != "Bearer tok-2" || f.exchangeCount() != 2 {
				t.Fatalf("token reused past its refresh time: %v, %d exchanges", h, f.exchangeCount())
			}
		})
	}
}

func TestInternalAuthInvalidate(t *testing.T) {
	for _, mode := range []authmod.InternalAuthMode{authmod.InternalAuthLegacy, authmod.InternalAuthBootstrap} {
		f := newFakeIssuer(t, mode)
		if newInternalAuth(t, f.authConfig(mode)).Invalidate() {
			t.Errorf("%s: Invalidate = true, want false (nothing to refresh)", mode)
		}
	}
	f := newFakeIssuer(t, authmod.InternalAuthServiceToken)
	a := newInternalAuth(t, f.authConfig(authmod.InternalAuthServiceToken))
	authorizedHeaders(t, a)
	if !a.Invalidate() {
		t.Fatal("service-token mode: Invalidate = false")
	}
	if h := authorizedHeaders(t, a); h.Get("Authorization") != "Bearer tok-2" || f.exchangeCount() != 2 {
		t.Fatalf("after Invalidate: %v, %d exchanges", h, f.exchangeCount())
	}
	for range 2 {
		if !a.Invalidate() {
			t.Fatal("Invalidate must keep returning true")
		}
	}
}

// TestInternalAuthExchangeFailures: each refusal is its own error, and no
// answer of the issuer is trusted unless it parses strictly. Neither errors
// nor logs carry the secret or a token.
func TestInternalAuthExchangeFailures(t *testing.T) {
	const token = "secret-token-value"
	ok := func(fields string) func(int) string {
		return func(int) string { return "{" + fields + "}" }
	}
	for _, tc := range []struct {
		name   string
		status int
		body   func(int) string
		want   error
	}{
		{"401", http.StatusUnauthorized, nil, authmod.ErrServiceTokenUnauthorized},
		{"403", http.StatusForbidden, nil, authmod.ErrServiceTokenForbidden},
		{"404", http.StatusNotFound, nil, authmod.ErrServiceTokenExchangeDisabled},
		{"500", http.StatusInternalServerError, nil, nil},
		{"503", http.StatusServiceUnavailable, nil, nil},
		{"201", http.StatusCreated, nil, nil},
		{"redirect", http.StatusTemporaryRedirect, nil, nil},
		{"not JSON", 0, func(int) string { return "<html>" }, nil},
		{"array", 0, func(int) string { return `[{"access_token":"` + token + `"}]` }, nil},
		{"null", 0, func(int) string { return `null` }, nil},
		{"no access_token", 0, ok(`"token_type":"bearer","expires_in":300,"scope":"introspection"`), nil},
		{"empty access_token", 0, ok(`"access_token":"","token_type":"bearer","expires_in":300,"scope":"introspection"`), nil},
		{"access_token not a string", 0, ok(`"access_token":42,"token_type":"bearer","expires_in":300,"scope":"introspection"`), nil},
		{"access_token with a space", 0, ok(`"access_token":"a b","token_type":"bearer","expires_in":300,"scope":"introspection"`), nil},
		{"token_type mac", 0, ok(`"access_token":"` + token + `","token_type":"mac","expires_in":300,"scope":"introspection"`), nil},
		{"token_type missing", 0, ok(`"access_token":"` + token + `","expires_in":300,"scope":"introspection"`), nil},
		{"expires_in missing", 0, ok(`"access_token":"` + token + `","token_type":"bearer","scope":"introspection"`), nil},
		{"expires_in string", 0, ok(`"access_token":"` + token + `","token_type":"bearer","expires_in":"300","scope":"introspection"`), nil},
		{"expires_in fraction", 0, ok(`"access_token":"` + token + `","token_type":"bearer","expires_in":300.5,"scope":"introspection"`), nil},
		{"expires_in zero", 0, ok(`"access_token":"` + token + `","token_type":"bearer","expires_in":0,"scope":"introspection"`), nil},
		{"expires_in negative", 0, ok(`"access_token":"` + token + `","token_type":"bearer","expires_in":-5,"scope":"introspection"`), nil},
		{"expires_in null", 0, ok(`"access_token":"` + token + `","token_type":"bearer","expires_in":null,"scope":"introspection"`), nil},
		{"scope missing", 0, ok(`"access_token":"` + token + `","token_type":"bearer","expires_in":300`), nil},
		{"scope not a string", 0, ok(`"access_token":"` + token + `","token_type":"bearer","expires_in":300,"scope":["introspection"]`), nil},
		{"oversized", 0, func(int) string {
			return `{"access_token":"` + token + `","token_type":"bearer","expires_in":300,"scope":"` + strings.Repeat("x", 20<<10) + `"}`
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeIssuer(t, authmod.InternalAuthServiceToken)
			f.set(func(f *fakeIssuer) { f.exStatus, f.exBody = tc.status, tc.body })
			core, logs := observer.New(zapcore.DebugLevel)
			cfg := f.authConfig(authmod.InternalAuthServiceToken)
			cfg.Logger = zap.New(core)
			a := newInternalAuth(t, cfg)
			req, _ := http.NewRequest(http.MethodPost, "http://auth.test/x", nil)
			err := a.Authorize(context.Background(), req)
			if !errors.Is(err, authmod.ErrServiceTokenExchange) {
				t.Fatalf("Authorize = %v, want ErrServiceTokenExchange", err)
			}
			for _, sentinel := range []error{authmod.ErrServiceTokenUnauthorized, authmod.ErrServiceTokenForbidden, authmod.ErrServiceTokenExchangeDisabled} {
				if errors.Is(err, sentinel) != (sentinel == tc.want) {
					t.Errorf("errors.Is(%v, %v) = %v", err, sentinel, !(sentinel == tc.want))
				}
			}
			if req.Header.Get("Authorization") != "" {
				t.Error("a failed Authorize set a credential")
			}
			if s := err.Error(); strings.Contains(s, issuerSecret) || strings.Contains(s, token) {
				t.Fatalf("the error leaks a secret or token: %s", s)
			}
			if logs.FilterLevelExact(zapcore.WarnLevel).FilterMessage("service-token exchange failed").Len() != 1 {
				t.Errorf("want one warning, got %v", logs.All())
			}
			assertLogsClean(t, logs, issuerSecret, token)
			if f.exchangeCount() != 1 {
				t.Errorf("%d exchanges, want 1 (no redirect followed)", f.exchangeCount())
			}
		})
	}
}

// assertLogsClean fails if any log line holds one of the secrets, and checks
// that exchange lines name the client id.
func assertLogsClean(t *testing.T, logs *observer.ObservedLogs, secrets ...string) {
	t.Helper()
	for _, e := range logs.All() {
		line := fmt.Sprint(e.Message, e.ContextMap())
		for _, s := range secrets {
			if strings.Contains(line, s) {
				t.Fatalf("a log line leaks a secret: %s", line)
			}
		}
		if strings.Contains(e.Message, "service token") || strings.Contains(e.Message, "service-token") {
			if e.ContextMap()["client_id"] != issuerClientID {
				t.Errorf("log line without the client id: %s", line)
			}
		}
	}
}

func TestInternalAuthExchangeLogs(t *testing.T) {
	f := newFakeIssuer(t, authmod.InternalAuthServiceToken)
	core, logs := observer.New(zapcore.DebugLevel)
	cfg := f.authConfig(authmod.InternalAuthServiceToken)
	cfg.Logger = zap.New(core)
	a := newInternalAuth(t, cfg)
	authorizedHeaders(t, a)
	authorizedHeaders(t, a)
	lines := logs.FilterMessage("service token obtained").All()
	if len(lines) != 1 || lines[0].Level != zapcore.DebugLevel {
		t.Fatalf("want one debug line per exchange, got %v", logs.All())
	}
	if got := lines[0].ContextMap()["expires_in"]; got != int64(300) {
		t.Errorf("expires_in = %v", got)
	}
	assertLogsClean(t, logs, issuerSecret, "tok-1")
}

func TestInternalAuthWaitCancelled(t *testing.T) {
	f := newFakeIssuer(t, authmod.InternalAuthServiceToken)
	release := f.Hold()
	defer release()
	a := newInternalAuth(t, f.authConfig(authmod.InternalAuthServiceToken))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, "http://auth.test/x", nil)
		done <- a.Authorize(ctx, req)
	}()
	waitFor(t, func() bool { return f.holdingCount() == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) || !errors.Is(err, authmod.ErrServiceTokenExchange) {
		t.Fatalf("Authorize = %v, want a cancelled exchange", err)
	}
	release()
	// The exchange itself went on, detached, and its token is used.
	waitFor(t, func() bool {
		h := authorizedHeaders(t, a)
		return h.Get("Authorization") == "Bearer tok-1"
	})
	if n := f.exchangeCount(); n != 1 {
		t.Fatalf("%d exchanges", n)
	}
}

func TestNewInternalAuthValidates(t *testing.T) {
	good := authmod.InternalAuthConfig{ClientID: "svc", Secret: "s", ServiceTokens: true, ExchangeURL: "http://auth/user/private/v1/service-token"}
	for _, tc := range []struct {
		name   string
		mutate func(c *authmod.InternalAuthConfig)
	}{
		{"no secret", func(c *authmod.InternalAuthConfig) { c.Secret = "" }},
		{"secret with a newline", func(c *authmod.InternalAuthConfig) { c.Secret = "a\nb" }},
		{"client id with a space", func(c *authmod.InternalAuthConfig) { c.ClientID = "svc a" }},
		{"service tokens without client id", func(c *authmod.InternalAuthConfig) { c.ClientID = "" }},
		{"service tokens without URL", func(c *authmod.InternalAuthConfig) { c.ExchangeURL = "" }},
		{"relative URL", func(c *authmod.InternalAuthConfig) { c.ExchangeURL = "/service-token" }},
		{"ftp URL", func(c *authmod.InternalAuthConfig) { c.ExchangeURL = "ftp://auth/x" }},
		{"bad scope", func(c *authmod.InternalAuthConfig) { c.Scopes = []string{"a b"} }},
		{"negative leeway", func(c *authmod.InternalAuthConfig) { c.RefreshLeeway = -time.Second }},
		{"negative timeout", func(c *authmod.InternalAuthConfig) { c.Timeout = -time.Second }},
	} {
		cfg := good
		tc.mutate(&cfg)
		if _, err := authmod.NewInternalAuth(cfg); err == nil {
			t.Errorf("%s: no error", tc.name)
		} else if strings.Contains(err.Error(), "a\nb") {
			t.Errorf("%s: the error shows the secret", tc.name)
		}
	}
	if _, err := authmod.NewInternalAuth(good); err != nil {
		t.Fatal(err)
	}
	// Static modes need no URL.
	if a, err := authmod.NewInternalAuth(authmod.InternalAuthConfig{Secret: "s"}); err != nil || a.Mode() != authmod.InternalAuthLegacy {
		t.Fatalf("legacy: %v", err)
	}
}

func TestInternalAuthSuppliedHTTPClientNoRedirect(t *testing.T) {
	f := newFakeIssuer(t, authmod.InternalAuthServiceToken)
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, f.exchangeURL(), http.StatusTemporaryRedirect)
	}))
	t.Cleanup(redirect.Close)
	hc := &http.Client{}
	cfg := f.authConfig(authmod.InternalAuthServiceToken)
	cfg.ExchangeURL, cfg.HTTPClient = redirect.URL, hc
	a := newInternalAuth(t, cfg)
	req, _ := http.NewRequest(http.MethodPost, "http://auth.test/x", nil)
	if err := a.Authorize(context.Background(), req); !errors.Is(err, authmod.ErrServiceTokenExchange) {
		t.Fatalf("Authorize = %v", err)
	}
	if f.exchangeCount() != 0 {
		t.Fatal("the redirect was followed")
	}
	if hc.CheckRedirect != nil || hc.Timeout != 0 {
		t.Fatal("the supplied client was modified")
	}
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
}

func TestInternalAuthConfigFromSettings(t *testing.T) {
	s := &settingsmod.Settings{
		IntrospectionURL:                 "http://auth:8000/user/private/v1/jti-status/",
		PrivateAPISecret:                 "shh-0123456789abcdef",
		InternalClientID:                 " svc-orders ",
		ServiceTokenExchangeEnabled:      true,
		ServiceTokenScopes:               []string{"introspection"},
		ServiceTokenRefreshLeewaySeconds: 12,
		EventStreamEnabled:               true,
	}
	cfg, err := authmod.InternalAuthConfigFromSettings(s)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ExchangeURL != "http://auth:8000/user/private/v1/service-token" || cfg.ClientID != "svc-orders" ||
		cfg.Secret != "shh-0123456789abcdef" || !cfg.ServiceTokens || cfg.RefreshLeeway != 12*time.Second ||
		fmt.Sprint(cfg.Scopes) != "[introspection event-stream]" {
		t.Fatalf("cfg = %+v", cfg)
	}
	a, err := authmod.NewInternalAuth(cfg)
	if err != nil || a.Mode() != authmod.InternalAuthServiceToken {
		t.Fatalf("NewInternalAuth: %v", err)
	}
	if cfg, _ := authmod.InternalAuthConfigFromSettings(&settingsmod.Settings{}); cfg.ExchangeURL != "" {
		t.Fatalf("no INTROSPECTION_URL: ExchangeURL = %q", cfg.ExchangeURL)
	}
	if _, err := authmod.InternalAuthConfigFromSettings(nil); err == nil {
		t.Fatal("nil settings accepted")
	}
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(time.Millisecond)
	}
}
