package authmod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/settingsmod"
)

const (
	testAPIKey      = "m8k_live_S3cr3tKeyValue_do_not_log_0123456789"
	testAudience    = "svc-items"
	testAPIKeyUser  = "6f1c2b9e-4d3a-4f5b-9c8d-7e6f5a4b3c2d"
	activeKeyAnswer = `{"active":true,"schema_version":"1","audience_id":"svc-items","principal":{"user_id":"6f1c2b9e-4d3a-4f5b-9c8d-7e6f5a4b3c2d","role":"writer","is_superuser":false,"access_mode":"read_write","authentication_method":"api_key","auth_generation":3},"key_expires_at":null}`
)

// fakeInternalAuth sets a fixed header and counts Invalidate calls.
type fakeInternalAuth struct {
	invalidated atomic.Int32
	err         error
}

func (f *fakeInternalAuth) Authorize(_ context.Context, req *http.Request) error {
	if f.err != nil {
		return f.err
	}
	req.Header.Set("X-Internal-Client", testAudience)
	req.Header.Set("X-Internal-Token", "internal-secret")
	return nil
}

func (f *fakeInternalAuth) Invalidate() bool { f.invalidated.Add(1); return false }

// recObserver records what an APIKeyClient reports.
type recObserver struct {
	mu       sync.Mutex
	results  []string
	states   []string
	loadShed int
}

func (o *recObserver) APIKeyIntrospected(r string) {
	o.mu.Lock()
	o.results = append(o.results, r)
	o.mu.Unlock()
}
func (o *recObserver) APIKeyCircuit(s string) {
	o.mu.Lock()
	o.states = append(o.states, s)
	o.mu.Unlock()
}
func (o *recObserver) APIKeyLoadShed() { o.mu.Lock(); o.loadShed++; o.mu.Unlock() }

func (o *recObserver) snapshot() (results, states []string, shed int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.results...), append([]string(nil), o.states...), o.loadShed
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type apiKeyHarness struct {
	client *APIKeyClient
	srv    *httptest.Server
	hits   *atomic.Int32
	auth   *fakeInternalAuth
	obs    *recObserver
	logs   *observer.ObservedLogs
	clock  *fakeClock
}

// newAPIKeyHarness starts a server with h (counting hits) and a client for
// it; mutate may change the config.
func newAPIKeyHarness(t *testing.T, h http.HandlerFunc, mutate func(*APIKeyConfig)) *apiKeyHarness {
	t.Helper()
	hx := &apiKeyHarness{hits: new(atomic.Int32), auth: &fakeInternalAuth{}, obs: &recObserver{},
		clock: &fakeClock{t: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}}
	hx.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hx.hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(hx.srv.Close)
	core, logs := observer.New(zapcore.DebugLevel)
	hx.logs = logs
	cfg := APIKeyConfig{
		URL:      hx.srv.URL + "/user/private/v1/api-keys/introspect",
		Auth:     hx.auth,
		Audience: testAudience,
		Logger:   zap.New(core),
		Observer: hx.obs,
		Now:      hx.clock.Now,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	c, err := NewAPIKeyClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	hx.client = c
	return hx
}

func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// activeWith returns the active answer with principal (or top-level) members
// replaced.
func activeWith(top, principal map[string]any) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(activeKeyAnswer), &m); err != nil {
		panic(err)
	}
	p := m["principal"].(map[string]any)
	for k, v := range principal {
		if v == nil {
			delete(p, k)
		} else {
			p[k] = v
		}
	}
	for k, v := range top {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func TestAPIKeyIntrospectRequest(t *testing.T) {
	var mu sync.Mutex
	var got []map[string]string
	hx := newAPIKeyHarness(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var m map[string]string
		if err := json.Unmarshal(body, &m); err != nil {
			t.Errorf("body %s: %v", body, err)
		}
		m["_method"] = r.Method
		m["_path"] = r.URL.Path
		m["_ctype"] = r.Header.Get("Content-Type")
		m["_client"] = r.Header.Get("X-Internal-Client")
		m["_token"] = r.Header.Get("X-Internal-Token")
		m["_query"] = r.URL.RawQuery
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
		answer(http.StatusOK, activeKeyAnswer)(w, r)
	}, nil)
	for range 2 {
		p, err := hx.client.Introspect(context.Background(), testAPIKey)
		if err != nil {
			t.Fatal(err)
		}
		if p.UserID.String() != testAPIKeyUser || p.Role != RoleWriter || p.IsSuperuser || p.AccessMode != APIKeyReadWrite ||
			p.AuthGeneration != 3 || p.AudienceID != testAudience || p.KeyExpiresAt != nil {
			t.Fatalf("principal = %+v", p)
		}
	}
	if hx.hits.Load() != 2 {
		t.Fatalf("nothing is cached: want 2 calls, got %d", hx.hits.Load())
	}
	want := map[string]string{"api_key": testAPIKey, "schema_version": "1", "_method": http.MethodPost,
		"_path": "/user/private/v1/api-keys/introspect", "_ctype": "application/json", "_client": testAudience,
		"_token": "internal-secret", "_query": ""}
	for k, v := range want {
		if got[0][k] != v {
			t.Errorf("%s = %q, want %q", k, got[0][k], v)
		}
	}
	if len(got[0]) != len(want) {
		t.Errorf("body has extra members: %v", got[0])
	}
	if res, _, _ := hx.obs.snapshot(); strings.Join(res, ",") != "active,active" {
		t.Errorf("observed %q", res)
	}
}

func TestAPIKeyMissing(t *testing.T) {
	hx := newAPIKeyHarness(t, answer(http.StatusOK, activeKeyAnswer), nil)
	if _, err := hx.client.Introspect(context.Background(), ""); !errors.Is(err, ErrAPIKeyMissing) {
		t.Fatalf("err = %v", err)
	}
	if hx.hits.Load() != 0 {
		t.Fatal("a missing key must not be introspected")
	}
}

func TestAPIKeyAnswers(t *testing.T) {
	expires := "2031-02-03T04:05:06Z"
	tests := []struct {
		name        string
		handler     http.HandlerFunc
		want        error  // errors.Is target; nil: active
		reason      Reason // for ErrAPIKeyUnavailable
		retryAfter  string
		invalidated int32
		hits        int32
		check       func(t *testing.T, p *APIKeyPrincipal)
	}{
		{name: "active", handler: answer(200, activeKeyAnswer), hits: 1},
		{name: "active with expiry and superuser", handler: answer(200, activeWith(map[string]any{"key_expires_at": expires},
			map[string]any{"is_superuser": true, "access_mode": "read_only", "role": "admin"})), hits: 1,
			check: func(t *testing.T, p *APIKeyPrincipal) {
				if p.KeyExpiresAt == nil || p.KeyExpiresAt.Format(time.RFC3339) != expires || !p.IsSuperuser ||
					p.AccessMode != APIKeyReadOnly || p.Role != RoleAdmin {
					t.Errorf("principal = %+v", p)
				}
			}},
		{name: "active with naive expiry", handler: answer(200, activeWith(map[string]any{"key_expires_at": "2031-02-03T04:05:06.123456"}, nil)), hits: 1,
			check: func(t *testing.T, p *APIKeyPrincipal) {
				if p.KeyExpiresAt == nil || !p.KeyExpiresAt.Equal(time.Date(2031, 2, 3, 4, 5, 6, 123456000, time.UTC)) {
					t.Errorf("expiry = %v", p.KeyExpiresAt)
				}
			}},
		{name: "active without key_expires_at", handler: answer(200, activeWith(map[string]any{"key_expires_at": nil}, nil)), hits: 1},
		{name: "active, key_expires_at absent", handler: answer(200, strings.Replace(activeKeyAnswer, `,"key_expires_at":null`, "", 1)), hits: 1,
			check: func(t *testing.T, p *APIKeyPrincipal) {
				if p.KeyExpiresAt != nil {
					t.Errorf("expiry = %v", p.KeyExpiresAt)
				}
			}},
		{name: "active, escaped strings and unknown members", handler: answer(200, strings.Replace(
			strings.Replace(activeKeyAnswer, `"role":"writer"`, `"role":"wr\u0069ter","extra":{"a":[1,{"b":null}]}`, 1),
			`{"active"`, ` { "note" : "x" , "active"`, 1)), hits: 1,
			check: func(t *testing.T, p *APIKeyPrincipal) {
				if p.Role != RoleWriter || p.AuthGeneration != 3 || p.AccessMode != APIKeyReadWrite {
					t.Errorf("principal = %+v", p)
				}
			}},
		{name: "inactive", handler: answer(200, `{"active":false,"schema_version":"1"}`), want: ErrAPIKeyInactive, hits: 1},
		{name: "429 with Retry-After", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "7")
			answer(429, `{"detail":"slow down"}`)(w, r)
		}, want: ErrAPIKeyRateLimited, retryAfter: "7", hits: 1},
		{name: "429 without Retry-After", handler: answer(429, ``), want: ErrAPIKeyRateLimited, hits: 1},
		{name: "401 invalidates", handler: answer(401, `{}`), want: ErrAPIKeyUnavailable, reason: APIKeyReasonConsumerUnauthorized, invalidated: 1, hits: 1},
		{name: "403 invalidates", handler: answer(403, `{}`), want: ErrAPIKeyUnavailable, reason: APIKeyReasonConsumerUnauthorized, invalidated: 1, hits: 1},
		{name: "500", handler: answer(500, `oops`), want: ErrAPIKeyUnavailable, reason: APIKeyReasonIssuerUnavailable, hits: 1},
		{name: "503", handler: answer(503, ``), want: ErrAPIKeyUnavailable, reason: APIKeyReasonIssuerUnavailable, hits: 1},
		{name: "404", handler: answer(404, `{}`), want: ErrAPIKeyUnavailable, reason: APIKeyReasonUnexpectedStatus, hits: 1},
		{name: "201", handler: answer(201, activeKeyAnswer), want: ErrAPIKeyUnavailable, reason: APIKeyReasonUnexpectedStatus, hits: 1},
		{name: "redirect not followed", handler: func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
		}, want: ErrAPIKeyUnavailable, reason: APIKeyReasonUnexpectedStatus, hits: 1},
		{name: "oversized", handler: answer(200, activeWith(map[string]any{"padding": strings.Repeat("x", 300)}, nil)),
			want: ErrAPIKeyUnavailable, reason: APIKeyReasonResponseTooLarge, hits: 1},
		{name: "oversized chunked", handler: func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(200)
			for range 10 {
				_, _ = io.WriteString(w, strings.Repeat(" ", 50))
				w.(http.Flusher).Flush()
			}
		}, want: ErrAPIKeyUnavailable, reason: APIKeyReasonResponseTooLarge, hits: 1},
		{name: "audience mismatch", handler: answer(200, activeWith(map[string]any{"audience_id": "svc-other"}, nil)),
			want: ErrAPIKeyUnavailable, reason: APIKeyReasonAudienceMismatch, hits: 1},
	}
	malformed := map[string]string{
		"not JSON":                  `not json`,
		"array":                     `[]`,
		"no schema_version":         `{"active":false}`,
		"schema_version 2":          `{"active":false,"schema_version":"2"}`,
		"schema_version number":     `{"active":false,"schema_version":1}`,
		"active string":             `{"active":"true","schema_version":"1"}`,
		"no audience_id":            activeWith(map[string]any{"audience_id": nil}, nil),
		"empty audience_id":         activeWith(map[string]any{"audience_id": ""}, nil),
		"no principal":              activeWith(map[string]any{"principal": nil}, nil),
		"principal string":          activeWith(map[string]any{"principal": "x"}, nil),
		"user_id not a UUID":        activeWith(nil, map[string]any{"user_id": "42"}),
		"user_id number":            activeWith(nil, map[string]any{"user_id": 42}),
		"no role":                   activeWith(nil, map[string]any{"role": nil}),
		"is_superuser string":       activeWith(nil, map[string]any{"is_superuser": "false"}),
		"access_mode other":         activeWith(nil, map[string]any{"access_mode": "admin"}),
		"authentication_method jwt": activeWith(nil, map[string]any{"authentication_method": "jwt"}),
		"auth_generation 0":         activeWith(nil, map[string]any{"auth_generation": 0}),
		"auth_generation fraction":  activeWith(nil, map[string]any{"auth_generation": 1.5}),
		"auth_generation string":    activeWith(nil, map[string]any{"auth_generation": "3"}),
		"key_expires_at number":     activeWith(map[string]any{"key_expires_at": 5}, nil),
		"key_expires_at garbage":    activeWith(map[string]any{"key_expires_at": "tomorrow"}, nil),
		"duplicate active":          `{"active":false,"active":true,"schema_version":"1"}`,
		"duplicate role":            strings.Replace(activeKeyAnswer, `"role":"writer"`, `"role":"reader","role":"writer"`, 1),
		"name in other case":        strings.Replace(activeKeyAnswer, `"active"`, `"Active"`, 1),
		"trailing data":             activeKeyAnswer + `{}`,
		"unknown member not JSON":   strings.Replace(activeKeyAnswer, `{"active"`, `{"x":tru,"active"`, 1),
		"principal array":           activeWith(map[string]any{"principal": []any{}}, nil),
		"auth_generation leading 0": strings.Replace(activeKeyAnswer, `"auth_generation":3`, `"auth_generation":03`, 1),
		"auth_generation exponent":  strings.Replace(activeKeyAnswer, `"auth_generation":3`, `"auth_generation":3e0`, 1),
		"role invalid UTF-8":        strings.Replace(activeKeyAnswer, `"role":"writer"`, "\"role\":\"wr\xffter\"", 1),
	}
	for name, body := range malformed {
		tests = append(tests, struct {
			name        string
			handler     http.HandlerFunc
			want        error
			reason      Reason
			retryAfter  string
			invalidated int32
			hits        int32
			check       func(t *testing.T, p *APIKeyPrincipal)
		}{name: "malformed: " + name, handler: answer(200, body), want: ErrAPIKeyUnavailable, reason: APIKeyReasonMalformedResponse, hits: 1})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hx := newAPIKeyHarness(t, tc.handler, func(c *APIKeyConfig) { c.MaxResponseBytes = 400 })
			p, err := hx.client.Introspect(context.Background(), testAPIKey)
			switch {
			case tc.want == nil && err != nil:
				t.Fatalf("err = %v", err)
			case tc.want != nil && !errors.Is(err, tc.want):
				t.Fatalf("err = %v, want %v", err, tc.want)
			case tc.want != nil && p != nil:
				t.Fatalf("a principal with an error: %+v", p)
			}
			if got := APIKeyFailureReason(err); got != tc.reason {
				t.Errorf("reason = %q, want %q", got, tc.reason)
			}
			var rl *APIKeyRateLimitError
			if errors.As(err, &rl) != (tc.want == ErrAPIKeyRateLimited) || (rl != nil && rl.RetryAfter != tc.retryAfter) {
				t.Errorf("rate limit error = %#v, want Retry-After %q", rl, tc.retryAfter)
			}
			if got := hx.auth.invalidated.Load(); got != tc.invalidated {
				t.Errorf("Invalidate calls = %d, want %d", got, tc.invalidated)
			}
			if got := hx.hits.Load(); got != tc.hits {
				t.Errorf("calls = %d, want %d", got, tc.hits)
			}
			if err != nil && strings.Contains(err.Error(), testAPIKey) {
				t.Errorf("error shows the key: %v", err)
			}
			if tc.check != nil {
				tc.check(t, p)
			}
			assertKeyNotLogged(t, hx.logs)
			if tc.reason == APIKeyReasonAudienceMismatch {
				errs := hx.logs.FilterLevelExact(zapcore.ErrorLevel).All()
				if len(errs) != 1 {
					t.Fatalf("want one error log line, got %v", hx.logs.All())
				}
				f := errs[0].ContextMap()
				if f["key_fingerprint"] != APIKeyFingerprint(testAPIKey) || f["audience_id"] != "svc-other" || f["expected_audience_id"] != testAudience {
					t.Errorf("log fields = %v", f)
				}
			}
			res, _, _ := hx.obs.snapshot()
			if len(res) != 1 || res[0] != apiKeyResult(err) || res[0] == "" {
				t.Errorf("observed %q", res)
			}
		})
	}
}

// assertKeyNotLogged fails when the raw key appears in any log line.
func assertKeyNotLogged(t *testing.T, logs *observer.ObservedLogs) {
	t.Helper()
	for _, e := range logs.All() {
		line := e.Message + fmt.Sprint(e.ContextMap())
		if strings.Contains(line, testAPIKey) || strings.Contains(line, testAPIKey[:12]) {
			t.Errorf("log line shows the key: %s", line)
		}
	}
}

func TestAPIKeyFingerprint(t *testing.T) {
	fp := APIKeyFingerprint(testAPIKey)
	if len(fp) != 8 || strings.Trim(fp, "0123456789abcdef") != "" || fp == APIKeyFingerprint(testAPIKey+"x") {
		t.Fatalf("fingerprint %q", fp)
	}
}

func TestAPIKeyCircuitBreaker(t *testing.T) {
	var healthy atomic.Bool
	hx := newAPIKeyHarness(t, func(w http.ResponseWriter, r *http.Request) {
		if healthy.Load() {
			answer(200, activeKeyAnswer)(w, r)
			return
		}
		answer(500, ``)(w, r)
	}, func(c *APIKeyConfig) { c.FailureThreshold = 5; c.ResetAfter = 30 * time.Second })
	ctx := context.Background()
	introspect := func() Reason {
		_, err := hx.client.Introspect(ctx, testAPIKey)
		if err != nil && !errors.Is(err, ErrAPIKeyUnavailable) {
			t.Fatalf("err = %v", err)
		}
		return APIKeyFailureReason(err)
	}
	for i := range 5 {
		if r := introspect(); r != APIKeyReasonIssuerUnavailable {
			t.Fatalf("call %d: reason %q", i+1, r)
		}
	}
	if r := introspect(); r != APIKeyReasonCircuitOpen || hx.hits.Load() != 5 {
		t.Fatalf("6th call: reason %q, calls %d; want circuit_open without a call", r, hx.hits.Load())
	}
	hx.clock.Add(29 * time.Second)
	if r := introspect(); r != APIKeyReasonCircuitOpen || hx.hits.Load() != 5 {
		t.Fatalf("before reset: reason %q, calls %d", r, hx.hits.Load())
	}
	hx.clock.Add(time.Second)
	if r := introspect(); r != APIKeyReasonIssuerUnavailable || hx.hits.Load() != 6 {
		t.Fatalf("failed trial: reason %q, calls %d", r, hx.hits.Load())
	}
	if r := introspect(); r != APIKeyReasonCircuitOpen || hx.hits.Load() != 6 {
		t.Fatalf("a failed trial re-opens: reason %q, calls %d", r, hx.hits.Load())
	}
	healthy.Store(true)
	hx.clock.Add(30 * time.Second)
	if r := introspect(); r != "" || hx.hits.Load() != 7 {
		t.Fatalf("good trial: reason %q, calls %d", r, hx.hits.Load())
	}
	if s := hx.client.breaker.circuitState(); s != APIKeyCircuitClosed {
		t.Fatalf("state after a good trial: %s", s)
	}
	if r := introspect(); r != "" || hx.hits.Load() != 8 {
		t.Fatalf("closed: reason %q, calls %d", r, hx.hits.Load())
	}
	_, states, _ := hx.obs.snapshot()
	if got := strings.Join(states, ","); got != "open,half_open,open,half_open,closed" {
		t.Errorf("states = %s", got)
	}
	if len(hx.logs.FilterMessageSnippet("circuit open").All()) != 2 {
		t.Errorf("want a warning per opening: %v", hx.logs.All())
	}
}

func TestAPIKeyCircuitSuccessResetsCount(t *testing.T) {
	var n atomic.Int32
	hx := newAPIKeyHarness(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%3 == 0 { // fail, fail, ok, ...
			answer(200, `{"active":false,"schema_version":"1"}`)(w, r)
			return
		}
		answer(502, ``)(w, r)
	}, func(c *APIKeyConfig) { c.FailureThreshold = 3 })
	for range 9 {
		_, _ = hx.client.Introspect(context.Background(), testAPIKey)
	}
	if hx.hits.Load() != 9 || hx.client.breaker.circuitState() != APIKeyCircuitClosed {
		t.Fatalf("failures are consecutive only: calls %d, state %s", hx.hits.Load(), hx.client.breaker.circuitState())
	}
}

func TestAPIKeyRateLimitLeavesBreaker(t *testing.T) {
	hx := newAPIKeyHarness(t, answer(429, ``), func(c *APIKeyConfig) { c.FailureThreshold = 1 })
	for range 4 {
		if _, err := hx.client.Introspect(context.Background(), testAPIKey); !errors.Is(err, ErrAPIKeyRateLimited) {
			t.Fatalf("err = %v", err)
		}
	}
	if hx.hits.Load() != 4 || hx.client.breaker.circuitState() != APIKeyCircuitClosed {
		t.Fatalf("429 must not touch the breaker: calls %d, state %s", hx.hits.Load(), hx.client.breaker.circuitState())
	}
}

func TestAPIKeyLoadShed(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan struct{}, 8)
	hx := newAPIKeyHarness(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		answer(200, activeKeyAnswer)(w, r)
	}, func(c *APIKeyConfig) { c.MaxConcurrency = 2; c.PoolTimeout = 100 * time.Millisecond })
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := hx.client.Introspect(context.Background(), testAPIKey)
			errs <- err
		}()
	}
	<-arrived
	<-arrived
	start := time.Now()
	_, err := hx.client.Introspect(context.Background(), testAPIKey)
	elapsed := time.Since(start)
	close(release)
	wg.Wait()
	close(errs)
	if APIKeyFailureReason(err) != APIKeyReasonLoadShed || !errors.Is(err, ErrAPIKeyUnavailable) {
		t.Fatalf("err = %v, want load_shed", err)
	}
	if elapsed < 100*time.Millisecond || elapsed > time.Second {
		t.Errorf("load shed after %v, want about the pool timeout (100ms)", elapsed)
	}
	for err := range errs {
		if err != nil {
			t.Errorf("a call in flight failed: %v", err)
		}
	}
	if hx.hits.Load() != 2 {
		t.Errorf("calls = %d, want 2", hx.hits.Load())
	}
	if _, _, shed := hx.obs.snapshot(); shed != 1 {
		t.Errorf("load shed observed %d times", shed)
	}
	if hx.client.breaker.circuitState() != APIKeyCircuitClosed {
		t.Error("load shedding must not touch the breaker")
	}
	// A slot frees up once a call ends.
	if _, err := hx.client.Introspect(context.Background(), testAPIKey); err != nil {
		t.Fatal(err)
	}
}

func TestAPIKeyWaitForSlotCancelled(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	hx := newAPIKeyHarness(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-release
		answer(200, activeKeyAnswer)(w, r)
	}, func(c *APIKeyConfig) { c.MaxConcurrency = 1; c.PoolTimeout = time.Minute })
	done := make(chan struct{})
	go func() { defer close(done); _, _ = hx.client.Introspect(context.Background(), testAPIKey) }()
	<-arrived
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := hx.client.Introspect(ctx, testAPIKey)
	close(release)
	<-done
	if APIKeyFailureReason(err) != APIKeyReasonCancelled {
		t.Fatalf("err = %v", err)
	}
}

// flakyDialer fails the first fails dials with a connect error.
type flakyDialer struct {
	fails int32
	dials atomic.Int32
}

func (d *flakyDialer) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if d.dials.Add(1) <= d.fails {
		return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, addr)
}

func TestAPIKeyConnectRetry(t *testing.T) {
	for _, tc := range []struct {
		name       string
		fails      int32
		wantDials  int32
		wantHits   int32
		wantReason Reason
	}{
		{"first connect fails, retried", 1, 2, 1, ""},
		{"both connects fail", 2, 2, 0, APIKeyReasonIssuerUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &flakyDialer{fails: tc.fails}
			tr := &http.Transport{DialContext: d.dial}
			t.Cleanup(tr.CloseIdleConnections)
			hx := newAPIKeyHarness(t, answer(200, activeKeyAnswer), func(c *APIKeyConfig) {
				c.HTTPClient = &http.Client{Transport: tr}
				c.FailureThreshold = 2
			})
			_, err := hx.client.Introspect(context.Background(), testAPIKey)
			if APIKeyFailureReason(err) != tc.wantReason || (tc.wantReason == "" && err != nil) {
				t.Fatalf("err = %v", err)
			}
			if d.dials.Load() != tc.wantDials || hx.hits.Load() != tc.wantHits {
				t.Fatalf("dials %d, calls %d", d.dials.Load(), hx.hits.Load())
			}
			if hx.client.breaker.circuitState() != APIKeyCircuitClosed {
				t.Error("a retried call is one failure")
			}
		})
	}
}

func TestAPIKeyOtherTransportErrorsNotRetried(t *testing.T) {
	t.Run("connection dropped", func(t *testing.T) {
		hx := newAPIKeyHarness(t, func(w http.ResponseWriter, _ *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close()
			}
		}, nil)
		_, err := hx.client.Introspect(context.Background(), testAPIKey)
		if APIKeyFailureReason(err) != APIKeyReasonIssuerUnavailable || hx.hits.Load() != 1 {
			t.Fatalf("err = %v, calls %d", err, hx.hits.Load())
		}
	})
	t.Run("read timeout", func(t *testing.T) {
		stop := make(chan struct{})
		hx := newAPIKeyHarness(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-stop:
			case <-r.Context().Done():
			}
		}, func(c *APIKeyConfig) { c.ReadTimeout = 50 * time.Millisecond; c.ConnectTimeout = 50 * time.Millisecond })
		defer close(stop)
		start := time.Now()
		_, err := hx.client.Introspect(context.Background(), testAPIKey)
		if APIKeyFailureReason(err) != APIKeyReasonIssuerUnavailable || hx.hits.Load() != 1 {
			t.Fatalf("err = %v, calls %d", err, hx.hits.Load())
		}
		if time.Since(start) > 2*time.Second {
			t.Errorf("took %v", time.Since(start))
		}
	})
}

func TestAPIKeyInternalAuthFailure(t *testing.T) {
	hx := newAPIKeyHarness(t, answer(200, activeKeyAnswer), func(c *APIKeyConfig) { c.FailureThreshold = 1 })
	hx.auth.err = errors.New("exchange failed")
	_, err := hx.client.Introspect(context.Background(), testAPIKey)
	if APIKeyFailureReason(err) != APIKeyReasonInternalAuth || hx.hits.Load() != 0 {
		t.Fatalf("err = %v, calls %d", err, hx.hits.Load())
	}
	if hx.client.breaker.circuitState() != APIKeyCircuitClosed {
		t.Error("a missing credential is not an issuer failure")
	}
}

func TestAPIKeyClosed(t *testing.T) {
	hx := newAPIKeyHarness(t, answer(200, activeKeyAnswer), nil)
	if err := hx.client.Close(); err != nil {
		t.Fatal(err)
	}
	_ = hx.client.Close()
	if _, err := hx.client.Introspect(context.Background(), testAPIKey); APIKeyFailureReason(err) != APIKeyReasonClientClosed {
		t.Fatalf("err = %v", err)
	}
}

func TestNewAPIKeyClientConfig(t *testing.T) {
	auth := &fakeInternalAuth{}
	ok := APIKeyConfig{URL: "http://auth:8000/api-keys/introspect", Auth: auth, Audience: "svc"}
	for _, tc := range []struct {
		name   string
		mutate func(*APIKeyConfig)
		msg    string
	}{
		{"no URL", func(c *APIKeyConfig) { c.URL = "" }, "URL (API_KEY_INTROSPECTION_URL) is required"},
		{"relative URL", func(c *APIKeyConfig) { c.URL = "/introspect" }, "absolute http(s) URL"},
		{"ftp URL", func(c *APIKeyConfig) { c.URL = "ftp://auth/x" }, "absolute http(s) URL"},
		{"no auth", func(c *APIKeyConfig) { c.Auth = nil }, "Auth is required"},
		{"no audience", func(c *APIKeyConfig) { c.Audience = " " }, "Audience (INTERNAL_CLIENT_ID) is required"},
		{"negative timeout", func(c *APIKeyConfig) { c.PoolTimeout = -1 }, "must not be negative"},
		{"negative concurrency", func(c *APIKeyConfig) { c.MaxConcurrency = -1 }, "must not be negative"},
		{"small response cap", func(c *APIKeyConfig) { c.MaxResponseBytes = 100 }, "at least 256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok
			tc.mutate(&cfg)
			_, err := NewAPIKeyClient(cfg)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want %q", err, tc.msg)
			}
		})
	}
	c, err := NewAPIKeyClient(ok)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if cap(c.slots) != DefaultAPIKeyMaxConcurrency || c.maxBytes != DefaultAPIKeyMaxResponseBytes || c.poolTO != DefaultAPIKeyPoolTimeout ||
		c.breaker.threshold != DefaultAPIKeyFailureThreshold || c.breaker.reset != DefaultAPIKeyResetAfter ||
		c.attemptTO != DefaultAPIKeyConnectTimeout+DefaultAPIKeyReadTimeout {
		t.Errorf("defaults not applied: %+v", c)
	}
}

func TestAPIKeyConfigFromSettings(t *testing.T) {
	s := &settingsmod.Settings{
		IntrospectionURL:                           "http://auth:8000/user/private/v1/jti-status",
		InternalClientID:                           " svc-items ",
		PrivateAPISecret:                           settingsmod.Secret("a-private-secret-16b"),
		APIKeyIntrospectionEnabled:                 true,
		APIKeyIntrospectionConnectTimeoutSeconds:   1.5,
		APIKeyIntrospectionReadTimeoutSeconds:      3,
		APIKeyIntrospectionPoolTimeoutSeconds:      0.5,
		APIKeyIntrospectionMaxConcurrency:          7,
		APIKeyIntrospectionMaxResponseBytes:        4096,
		APIKeyIntrospectionSchemaVersion:           "1",
		APIKeyIntrospectionCircuitFailureThreshold: 4,
		APIKeyIntrospectionCircuitResetSeconds:     10,
	}
	cfg, err := APIKeyConfigFromSettings(s)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.URL != "http://auth:8000/user/private/v1/api-keys/introspect" || cfg.Audience != "svc-items" || cfg.Auth == nil ||
		cfg.ConnectTimeout != 1500*time.Millisecond || cfg.ReadTimeout != 3*time.Second || cfg.PoolTimeout != 500*time.Millisecond ||
		cfg.MaxConcurrency != 7 || cfg.MaxResponseBytes != 4096 || cfg.FailureThreshold != 4 || cfg.ResetAfter != 10*time.Second {
		t.Fatalf("cfg = %+v", cfg)
	}
	s.APIKeyIntrospectionURL = "https://keys.example.com/introspect"
	if cfg, _ = APIKeyConfigFromSettings(s); cfg.URL != "https://keys.example.com/introspect" {
		t.Errorf("explicit URL: %q", cfg.URL)
	}
	s.APIKeyIntrospectionSchemaVersion = "2"
	if _, err := APIKeyConfigFromSettings(s); err == nil {
		t.Error("schema version 2 accepted")
	}
	if _, err := APIKeyConfigFromSettings(nil); err == nil {
		t.Error("nil settings accepted")
	}
}

func TestAPIKeyMetrics(t *testing.T) {
	if o, err := NewAPIKeyMetrics(nil); o != nil || err != nil {
		t.Fatalf("nil metrics: %v %v", o, err)
	}
	off, err := httpmod.NewMetrics(httpmod.MetricsConfig{Enabled: true, Groups: []string{"http"}, Prefix: "app_"})
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := NewAPIKeyMetrics(off); o != nil {
		t.Fatal("auth group off: want no observer")
	}
	m, err := httpmod.NewMetrics(httpmod.MetricsConfig{Enabled: true, Groups: []string{"all"}, Prefix: "app_"})
	if err != nil {
		t.Fatal(err)
	}
	obs, err := NewAPIKeyMetrics(m)
	if err != nil || obs == nil {
		t.Fatalf("NewAPIKeyMetrics: %v %v", obs, err)
	}
	hx := newAPIKeyHarness(t, answer(500, ``), func(c *APIKeyConfig) { c.Observer = obs; c.FailureThreshold = 1 })
	_, _ = hx.client.Introspect(context.Background(), testAPIKey)
	_, _ = hx.client.Introspect(context.Background(), testAPIKey)
	_, _ = hx.client.Introspect(context.Background(), "")
	am := obs.(*apiKeyMetrics)
	obs.APIKeyIntrospected("something-unbounded")
	obs.APIKeyLoadShed()
	for _, tc := range []struct {
		result string
		want   float64
	}{{"issuer_unavailable", 1}, {"circuit_open", 1}, {"missing", 1}, {"other", 1}, {"active", 0}} {
		if got := metricValue(t, am.introspections.WithLabelValues(tc.result)); got != tc.want {
			t.Errorf("%s = %v, want %v", tc.result, got, tc.want)
		}
	}
	if got := metricValue(t, am.circuit); got != 1 {
		t.Errorf("circuit state = %v, want 1 (open)", got)
	}
	obs.APIKeyCircuit(APIKeyCircuitHalfOpen)
	if got := metricValue(t, am.circuit); got != 2 {
		t.Errorf("half-open = %v", got)
	}
	if got := metricValue(t, am.loadShed); got != 1 {
		t.Errorf("load shed = %v", got)
	}
	names := map[string]bool{}
	mfs, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		names[mf.GetName()] = true
	}
	for _, n := range []string{"app_auth_api_key_introspections_total", "app_auth_api_key_circuit_state", "app_auth_api_key_load_shed_total"} {
		if !names[n] {
			t.Errorf("%s not registered", n)
		}
	}
	if _, err := NewAPIKeyMetrics(m); err == nil {
		t.Error("registering twice must fail")
	}
}

// metricValue reads a counter or gauge.
func metricValue(t *testing.T, c prometheus.Metric) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	}
	t.Fatal("not a counter or gauge")
	return 0
}
