package fxtest_helpers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// apiKeyAnswer is one answer of the API-key endpoint.
type apiKeyAnswer struct {
	code int
	hdr  http.Header
	raw  []byte
	body map[string]any // nil if not JSON
}

// apiKeyDo sends a request to the API-key endpoint (redirects not
// followed) with the given headers and Content-Type: application/json.
func apiKeyDo(t *testing.T, s *RevocationServer, method string, hdr http.Header, body string) apiKeyAnswer {
	t.Helper()
	req, err := http.NewRequest(method, s.APIKeyURL(), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = hdr.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := apiKeyAnswer{code: resp.StatusCode, hdr: resp.Header, raw: raw}
	if resp.ContentLength >= 0 {
		a.hdr.Set("X-Test-Content-Length", fmt.Sprint(resp.ContentLength))
	}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

func apiKeyBody(key string) string {
	b, _ := json.Marshal(map[string]string{"api_key": key, "schema_version": "1"})
	return string(b)
}

// introspect asks s about key in legacy mode.
func introspect(t *testing.T, s *RevocationServer, key string) apiKeyAnswer {
	t.Helper()
	return apiKeyDo(t, s, http.MethodPost, legacyHeaders(s), apiKeyBody(key))
}

var inactiveAPIKeyAnswer = map[string]any{"active": false, "schema_version": "1"}

func activeAPIKeyAnswer(audience, user, role string, superuser bool, mode string, gen int, expires any) map[string]any {
	return map[string]any{
		"active":         true,
		"schema_version": "1",
		"audience_id":    audience,
		"principal": map[string]any{
			"user_id":               user,
			"role":                  role,
			"is_superuser":          superuser,
			"access_mode":           mode,
			"authentication_method": "api_key",
			"auth_generation":       float64(gen),
		},
		"key_expires_at": expires,
	}
}

func TestAPIKeyActiveAnswers(t *testing.T) {
	s := NewRevocationServer(t, RevocationClient("svc-a", ""), RevocationClient("svc-b", ""))
	user := uuid.NewString()
	key := s.CreateAPIKey(APIKeyOwner(user))
	if !strings.HasPrefix(key, "fxk_") || len(key) != 4+48 {
		t.Fatalf("raw key %q: want fxk_ and 48 hex digits", key)
	}
	if other := s.CreateAPIKey(APIKeyOwner(user)); other == key {
		t.Fatal("two keys are equal")
	}
	a := introspect(t, s, key)
	if want := activeAPIKeyAnswer("svc-a", user, "user", false, "read_only", 1, nil); a.code != http.StatusOK || !reflect.DeepEqual(a.body, want) {
		t.Fatalf("default key: %d %s, want %v", a.code, a.raw, want)
	}
	if !bytes.Contains(a.raw, []byte(`"key_expires_at":null`)) {
		t.Fatalf("key_expires_at is not an explicit null: %s", a.raw)
	}
	if ct := a.hdr.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}

	exp := time.Date(2031, 2, 3, 4, 5, 6, 789, time.FixedZone("x", 3600))
	key2 := s.CreateAPIKey(APIKeyOwner(user), APIKeyRole("writer"), APIKeyReadWrite(), APIKeyAudience("svc-b"), APIKeyExpiresAt(exp))
	a = introspect(t, s, key2)
	if want := activeAPIKeyAnswer("svc-b", user, "writer", false, "read_write", 1, "2031-02-03T03:05:06Z"); a.code != http.StatusOK || !reflect.DeepEqual(a.body, want) {
		t.Fatalf("writer key: %d %s, want %v", a.code, a.raw, want)
	}

	// APIKeySuperuser is the consistent pair; APIKeyReadOnly after
	// APIKeyReadWrite wins; a new owner by default.
	a = introspect(t, s, s.CreateAPIKey(APIKeySuperuser(), APIKeyReadWrite(), APIKeyReadOnly()))
	p, _ := a.body["principal"].(map[string]any)
	if p["role"] != "superadmin" || p["is_superuser"] != true || p["access_mode"] != "read_only" {
		t.Fatalf("superuser key: %s", a.raw)
	}
	if id, _ := p["user_id"].(string); id == user || uuid.Validate(id) != nil || strings.ToLower(id) != id {
		t.Fatalf("default owner %q: want a new lower-case UUID", id)
	}

	// The owner's generation follows RevokeUser.
	s.RevokeUser(user)
	if a = introspect(t, s, key); a.body["principal"].(map[string]any)["auth_generation"] != float64(2) {
		t.Fatalf("after RevokeUser: %s", a.raw)
	}
	if errs := s.ProtocolErrors(); len(errs) != 0 {
		t.Fatalf("ProtocolErrors = %q", errs)
	}
	if s.APIKeyCalls() != 4 || s.Calls() != 0 {
		t.Fatalf("APIKeyCalls = %d, Calls = %d; want 4, 0", s.APIKeyCalls(), s.Calls())
	}
}

func TestAPIKeyDefaultAudienceWithoutClient(t *testing.T) {
	s := NewRevocationServer(t)
	a := introspect(t, s, s.CreateAPIKey())
	if a.code != http.StatusOK || a.body["audience_id"] != "test-client" {
		t.Fatalf("%d %s", a.code, a.raw)
	}
	if want := s.srv.URL + "/user/private/v1/api-keys/introspect"; s.APIKeyURL() != want {
		t.Fatalf("APIKeyURL = %q, want %q", s.APIKeyURL(), want)
	}
}

func TestAPIKeyInactiveAnswers(t *testing.T) {
	s := NewRevocationServer(t)
	deactivated := s.CreateAPIKey()
	owner := uuid.NewString()
	ofDeleted := s.CreateAPIKey(APIKeyOwner(owner))
	expiry := time.Now().Add(time.Second)
	expiring := s.CreateAPIKey(APIKeyExpiresAt(expiry))
	if a := introspect(t, s, expiring); a.body["active"] != true {
		t.Fatalf("expiring key before expiry: %s", a.raw)
	}
	s.DeactivateAPIKey(deactivated)
	s.DeleteUser(owner)
	time.Sleep(time.Until(expiry) + 10*time.Millisecond)
	for name, key := range map[string]string{
		"unknown":     "fxk_" + randomHex(24),
		"inactive":    s.CreateAPIKey(APIKeyInactive()),
		"deactivated": deactivated,
		"expired":     s.CreateAPIKey(APIKeyExpiresAt(time.Now().Add(-time.Second))),
		"expiring":    expiring,
		"owner gone":  ofDeleted,
	} {
		if a := introspect(t, s, key); a.code != http.StatusOK || !reflect.DeepEqual(a.body, inactiveAPIKeyAnswer) {
			t.Errorf("%s: %d %s", name, a.code, a.raw)
		}
	}
}

// apiKeyTB records Errorf instead of failing the test.
type apiKeyTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *apiKeyTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestAPIKeyMisuseFailsTheTest(t *testing.T) {
	tb := &apiKeyTB{TB: t}
	s := NewRevocationServer(tb)
	key := "fxk_" + randomHex(24)
	s.DeactivateAPIKey(key)
	s.APIKeyStatus(99)
	s.APIKeyStatus(600)
	if len(tb.errs) != 3 {
		t.Fatalf("errors = %q, want 3", tb.errs)
	}
	for _, e := range tb.errs {
		if strings.Contains(e, key) {
			t.Fatalf("an error shows the key: %q", e)
		}
	}
	if a := introspect(t, s, s.CreateAPIKey()); a.code != http.StatusOK || a.body["active"] != true {
		t.Fatalf("a refused APIKeyStatus changed the answers: %d %s", a.code, a.raw)
	}
}

func TestAPIKeyCredentials(t *testing.T) {
	s := NewRevocationServer(t, RevocationClient("svc-a", "boot-secret"))
	key := s.CreateAPIKey()
	body := apiKeyBody(key)
	full := grantedToken(t, s, "svc-a", "boot-secret", "api-key-introspection")
	narrow := grantedToken(t, s, "svc-a", "boot-secret", "introspection", "event-stream")
	ok := func(name string, hdr http.Header) {
		t.Helper()
		if a := apiKeyDo(t, s, http.MethodPost, hdr, body); a.code != http.StatusOK || a.body["active"] != true {
			t.Errorf("%s: %d %s", name, a.code, a.raw)
		}
	}
	ok("legacy", legacyHeaders(s))
	ok("bootstrap", bootstrapHeaders("svc-a", "boot-secret"))
	ok("service token", bearerHeaders(full))
	if len(s.ProtocolErrors()) != 0 {
		t.Fatalf("ProtocolErrors = %q", s.ProtocolErrors())
	}

	for _, c := range []struct {
		name    string
		hdr     http.Header
		code    int
		problem string
	}{
		{"scope missing", bearerHeaders(narrow), http.StatusForbidden, `has no scope "api-key-introspection"`},
		{"no credentials", nil, http.StatusUnauthorized, "missing or wrong X-Internal-Token"},
		{"wrong secret", bootstrapHeaders("svc-a", "nope"), http.StatusUnauthorized, "wrong X-Internal-Token"},
		{"unknown token", bearerHeaders("nope"), http.StatusUnauthorized, "unknown service token"},
	} {
		before := len(s.ProtocolErrors())
		a := apiKeyDo(t, s, http.MethodPost, c.hdr, body)
		errs := s.ProtocolErrors()
		if a.code != c.code || len(errs) != before+1 || !strings.Contains(errs[before], c.problem) ||
			!strings.HasPrefix(errs[before], "api-keys/introspect: ") {
			t.Errorf("%s: %d %s, ProtocolErrors %q", c.name, a.code, a.raw, errs[before:])
		}
	}

	s.ForceUnauthorized(1)
	if a := apiKeyDo(t, s, http.MethodPost, bearerHeaders(full), body); a.code != http.StatusUnauthorized {
		t.Fatalf("forced: %d %s", a.code, a.raw)
	}
	ok("after the forced 401", bearerHeaders(full))

	strict := NewRevocationServer(t, RevocationClient("svc-a", ""), RevocationRequireClient())
	if a := apiKeyDo(t, strict, http.MethodPost, legacyHeaders(strict), apiKeyBody(strict.CreateAPIKey())); a.code != http.StatusUnauthorized {
		t.Fatalf("legacy with a client required: %d %s", a.code, a.raw)
	}
}

func TestAPIKeyRequestChecks(t *testing.T) {
	s := NewRevocationServer(t)
	key := s.CreateAPIKey()
	q := func(v string) string { b, _ := json.Marshal(v); return string(b) }
	for _, c := range []struct {
		name, method, ctype, body string
		code                      int
		problem                   string
	}{
		{"GET", http.MethodGet, "", apiKeyBody(key), http.StatusMethodNotAllowed, "method must be POST"},
		{"not JSON", "", "", "api_key=" + key, http.StatusUnprocessableEntity, "invalid JSON"},
		{"empty body", "", "", "", http.StatusUnprocessableEntity, "empty or truncated"},
		{"not an object", "", "", `["` + key + `"]`, http.StatusUnprocessableEntity, "not a JSON object"},
		{"unknown field", "", "", `{"api_key":` + q(key) + `,"schema_version":"1","jti":"x"}`, http.StatusUnprocessableEntity, `unknown field "jti"`},
		{"no api_key", "", "", `{"schema_version":"1"}`, http.StatusUnprocessableEntity, `no "api_key"`},
		{"null api_key", "", "", `{"api_key":null,"schema_version":"1"}`, http.StatusUnprocessableEntity, `no "api_key"`},
		{"empty api_key", "", "", `{"api_key":"","schema_version":"1"}`, http.StatusUnprocessableEntity, `"api_key" is empty`},
		{"numeric api_key", "", "", `{"api_key":12,"schema_version":"1"}`, http.StatusUnprocessableEntity, `field "api_key"`},
		{"no version", "", "", `{"api_key":` + q(key) + `}`, http.StatusUnprocessableEntity, `no "schema_version"`},
		{"version 2", "", "", `{"api_key":` + q(key) + `,"schema_version":"2"}`, http.StatusUnprocessableEntity, `must be "1", got "2"`},
		{"numeric version", "", "", `{"api_key":` + q(key) + `,"schema_version":1}`, http.StatusUnprocessableEntity, `field "schema_version"`},
		{"trailing data", "", "", apiKeyBody(key) + `{}`, http.StatusUnprocessableEntity, "data after the JSON object"},
		{"form Content-Type", "", "application/x-www-form-urlencoded", apiKeyBody(key), http.StatusUnprocessableEntity, "Content-Type must be application/json"},
	} {
		method := c.method
		if method == "" {
			method = http.MethodPost
		}
		hdr := legacyHeaders(s)
		if c.ctype != "" {
			hdr.Set("Content-Type", c.ctype)
		}
		before := len(s.ProtocolErrors())
		a := apiKeyDo(t, s, method, hdr, c.body)
		errs := s.ProtocolErrors()
		if a.code != c.code || len(errs) != before+1 || !strings.Contains(errs[before], c.problem) {
			t.Errorf("%s: %d %s, ProtocolErrors %q; want %d and %q", c.name, a.code, a.raw, errs[before:], c.code, c.problem)
			continue
		}
		if strings.Contains(errs[before], key) || bytes.Contains(a.raw, []byte(key)) {
			t.Errorf("%s: the raw key shows in %q / %s", c.name, errs[before], a.raw)
		}
	}

	// Accepted variants: no Content-Type, a +json type with parameters,
	// whitespace around the object, fields in any order.
	hdr := legacyHeaders(s)
	hdr.Set("Content-Type", "application/vnd.m8+json; charset=utf-8")
	for _, body := range []string{" \n" + apiKeyBody(key) + "\n ", `{"schema_version":"1","api_key":` + q(key) + `}`} {
		if a := apiKeyDo(t, s, http.MethodPost, hdr, body); a.code != http.StatusOK || a.body["active"] != true {
			t.Errorf("%q: %d %s", body, a.code, a.raw)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, s.APIKeyURL(), strings.NewReader(apiKeyBody(key)))
	req.Header.Set("X-Internal-Token", s.Secret())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	http.DefaultClient.CloseIdleConnections()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("no Content-Type: %d", resp.StatusCode)
	}
	if want := 14 + 3; s.APIKeyCalls() != want {
		t.Errorf("APIKeyCalls = %d, want %d (refusals counted)", s.APIKeyCalls(), want)
	}
}

func TestAPIKeyRateLimitAndStatus(t *testing.T) {
	s := NewRevocationServer(t)
	key := s.CreateAPIKey()

	s.APIKeyRateLimit("7")
	for range 2 { // until told otherwise
		if a := introspect(t, s, key); a.code != http.StatusTooManyRequests || a.hdr.Get("Retry-After") != "7" || a.body["detail"] == nil {
			t.Fatalf("rate limit: %d %v %s", a.code, a.hdr, a.raw)
		}
	}
	s.APIKeyRateLimit("")
	if a := introspect(t, s, key); a.code != http.StatusTooManyRequests || a.hdr.Values("Retry-After") != nil {
		t.Fatalf("rate limit without Retry-After: %d %v", a.code, a.hdr)
	}

	for _, code := range []int{http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusUnauthorized, http.StatusForbidden, http.StatusTeapot} {
		s.APIKeyStatus(code)
		for range 2 {
			if a := introspect(t, s, key); a.code != code || a.body["detail"] != http.StatusText(code) {
				t.Fatalf("APIKeyStatus(%d): %d %s", code, a.code, a.raw)
			}
		}
	}
	// A refused request gets its refusal, not the forced answer.
	if a := apiKeyDo(t, s, http.MethodPost, nil, apiKeyBody(key)); a.code != http.StatusUnauthorized {
		t.Fatalf("no credentials while failing: %d", a.code)
	}

	s.APIKeyStatus(http.StatusTemporaryRedirect)
	if a := introspect(t, s, key); a.code != http.StatusTemporaryRedirect || a.hdr.Get("Location") != s.APIKeyURL() {
		t.Fatalf("redirect: %d %v", a.code, a.hdr)
	}

	s.APIKeyStatus(http.StatusOK)
	if a := introspect(t, s, key); a.code != http.StatusOK || a.body["active"] != true {
		t.Fatalf("restored: %d %s", a.code, a.raw)
	}
	if errs := s.ProtocolErrors(); len(errs) != 1 {
		t.Fatalf("ProtocolErrors = %q, want the credential refusal only", errs)
	}
}

func TestAPIKeyOversizedAndMalformed(t *testing.T) {
	s := NewRevocationServer(t)
	user := uuid.NewString()
	key := s.CreateAPIKey(APIKeyOwner(user))

	s.APIKeyOversized()
	a := introspect(t, s, key)
	if a.code != http.StatusOK || len(a.raw) <= APIKeyMaxResponseBytes || a.hdr.Get("X-Test-Content-Length") != "" {
		t.Fatalf("oversized: %d, %d bytes, Content-Length %q", a.code, len(a.raw), a.hdr.Get("X-Test-Content-Length"))
	}
	if want := activeAPIKeyAnswer("test-client", user, "user", false, "read_only", 1, nil); !reflect.DeepEqual(a.body, want) {
		t.Fatalf("oversized body is not the normal answer: %s", bytes.TrimSpace(a.raw))
	}
	if a := introspect(t, s, "fxk_unknown"); len(a.raw) <= APIKeyMaxResponseBytes || !reflect.DeepEqual(a.body, inactiveAPIKeyAnswer) {
		t.Fatalf("oversized inactive: %d bytes %s", len(a.raw), bytes.TrimSpace(a.raw))
	}

	s.APIKeyMalformed()
	for range 2 {
		a := introspect(t, s, key)
		if a.code != http.StatusOK || a.hdr.Get("Content-Type") != "application/json" || json.Valid(a.raw) || len(a.raw) == 0 {
			t.Fatalf("malformed: %d %v %s", a.code, a.hdr, a.raw)
		}
	}
	s.APIKeyStatus(http.StatusOK)
	if a := introspect(t, s, key); a.code != http.StatusOK || len(a.raw) > 1024 || a.body["active"] != true {
		t.Fatalf("restored: %d %s", a.code, a.raw)
	}
}

func TestAPIKeyDelay(t *testing.T) {
	s := NewRevocationServer(t)
	key := s.CreateAPIKey()
	s.APIKeyDelay(150 * time.Millisecond)
	start := time.Now()
	if a := introspect(t, s, key); a.code != http.StatusOK || a.body["active"] != true {
		t.Fatalf("delayed: %d %s", a.code, a.raw)
	}
	if el := time.Since(start); el < 150*time.Millisecond {
		t.Fatalf("answered after %v, want >= 150ms", el)
	}

	// Combined with a failure; a client that gives up cuts the delay short.
	s.APIKeyStatus(http.StatusBadGateway)
	s.APIKeyDelay(time.Hour)
	req, _ := http.NewRequest(http.MethodPost, s.APIKeyURL(), strings.NewReader(apiKeyBody(key)))
	req.Header.Set("X-Internal-Token", s.Secret())
	client := &http.Client{Timeout: 100 * time.Millisecond}
	defer client.CloseIdleConnections()
	_, err := client.Do(req)
	var ne interface{ Timeout() bool }
	if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("want a client timeout, got %v", err)
	}

	s.APIKeyDelay(0)
	start = time.Now()
	if a := introspect(t, s, key); a.code != http.StatusBadGateway {
		t.Fatalf("after the delay: %d %s", a.code, a.raw)
	}
	if el := time.Since(start); el > time.Second {
		t.Fatalf("APIKeyDelay(0) still delays: %v", el)
	}
	if s.APIKeyCalls() != 3 {
		t.Fatalf("APIKeyCalls = %d, want 3", s.APIKeyCalls())
	}
}

func TestAPIKeyConcurrentUse(t *testing.T) {
	s := NewRevocationServer(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := s.CreateAPIKey(APIKeyRole(fmt.Sprint("r", i)))
			for range 5 {
				if a := introspect(t, s, key); a.code != http.StatusOK || a.body["principal"].(map[string]any)["role"] != fmt.Sprint("r", i) {
					t.Errorf("%d: %d %s", i, a.code, a.raw)
					return
				}
				s.APIKeyDelay(0)
				_ = s.APIKeyCalls()
			}
			s.DeactivateAPIKey(key)
		}()
	}
	wg.Wait()
	if s.APIKeyCalls() != 40 {
		t.Fatalf("APIKeyCalls = %d, want 40", s.APIKeyCalls())
	}
}
