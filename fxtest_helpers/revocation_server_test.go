package fxtest_helpers

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// post sends body to the server's URL with the given secret and returns the
// status and decoded JSON answer (nil if not JSON).
func post(t *testing.T, s *RevocationServer, method, secret, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, s.URL(), strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Internal-Token", secret)
	}
	client := &http.Client{}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	return resp.StatusCode, m
}

func body(jti, sub string) string {
	return `{"jti":"` + jti + `","expected_user_id":"` + sub + `","schema_version":"2"}`
}

func TestRevocationServerAnswers(t *testing.T) {
	s := NewRevocationServer(t)
	sub := uuid.NewString()
	code, ans := post(t, s, http.MethodPost, s.Secret(), body("j1", sub))
	want := map[string]any{"schema_version": "2", "active": true, "user_id": sub, "auth_generation": float64(1)}
	if code != http.StatusOK || !reflect.DeepEqual(ans, want) {
		t.Fatalf("active: %d %v, want %v", code, ans, want)
	}
	if got := s.LastRequest(); got == nil || *got != (RevocationRequest{JTI: "j1", ExpectedUserID: sub, SchemaVersion: "2"}) {
		t.Fatalf("LastRequest = %+v", got)
	}
	s.Revoke("j1")
	if code, ans := post(t, s, http.MethodPost, s.Secret(), body("j1", sub)); code != http.StatusOK ||
		!reflect.DeepEqual(ans, map[string]any{"schema_version": "2", "active": false}) {
		t.Fatalf("revoked: %d %v", code, ans)
	}
	s.SetMismatch(true)
	if _, ans := post(t, s, http.MethodPost, s.Secret(), body("j2", sub)); ans["active"] != true || ans["user_id"] == sub || ans["schema_version"] != "2" {
		t.Fatalf("mismatch: %v", ans)
	}
	s.SetMismatch(false)
	s.SetGarbage(true)
	if code, ans := post(t, s, http.MethodPost, s.Secret(), body("j2", sub)); code != http.StatusOK || ans != nil {
		t.Fatalf("garbage: %d %v", code, ans)
	}
	s.SetGarbage(false)
	s.SetDown(true)
	if code, _ := post(t, s, http.MethodPost, s.Secret(), body("j2", sub)); code != http.StatusServiceUnavailable {
		t.Fatalf("down: %d", code)
	}
	if s.Calls() != 5 || len(s.ProtocolErrors()) != 0 {
		t.Fatalf("Calls = %d, ProtocolErrors = %v", s.Calls(), s.ProtocolErrors())
	}
}

func TestRevocationServerChecksProtocol(t *testing.T) {
	s := NewRevocationServer(t)
	sub := uuid.NewString()
	for _, tc := range []struct {
		name, method, secret, body string
		status                     int
	}{
		{"GET", http.MethodGet, s.Secret(), "", http.StatusMethodNotAllowed},
		{"no token", http.MethodPost, "", body("j", sub), http.StatusUnauthorized},
		{"wrong token", http.MethodPost, "nope", body("j", sub), http.StatusUnauthorized},
		{"not JSON", http.MethodPost, s.Secret(), "jti=j", http.StatusUnprocessableEntity},
		{"unknown field", http.MethodPost, s.Secret(), `{"jti":"j","expected_user_id":"u","schema_version":"2","token":"x"}`, http.StatusUnprocessableEntity},
		{"no jti", http.MethodPost, s.Secret(), `{"expected_user_id":"u","schema_version":"2"}`, http.StatusUnprocessableEntity},
		{"no user", http.MethodPost, s.Secret(), `{"jti":"j","schema_version":"2"}`, http.StatusUnprocessableEntity},
		{"schema 1", http.MethodPost, s.Secret(), `{"jti":"j","expected_user_id":"u","schema_version":"1"}`, http.StatusUnprocessableEntity},
		{"schema as number", http.MethodPost, s.Secret(), `{"jti":"j","expected_user_id":"u","schema_version":2}`, http.StatusUnprocessableEntity},
	} {
		if code, _ := post(t, s, tc.method, tc.secret, tc.body); code != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, code, tc.status)
		}
	}
	if n := len(s.ProtocolErrors()); n != 9 {
		t.Fatalf("ProtocolErrors = %d entries, want 9: %v", n, s.ProtocolErrors())
	}
	if s.LastRequest() != nil {
		t.Fatal("a refused request was recorded as LastRequest")
	}
}

func TestRevocationServerDrop(t *testing.T) {
	s := NewRevocationServer(t)
	s.SetDrop(true)
	client := &http.Client{}
	defer client.CloseIdleConnections()
	resp, err := client.Post(s.URL(), "application/json", bytes.NewBufferString(body("j", "u")))
	if err == nil {
		resp.Body.Close()
		t.Fatal("a dropped connection answered")
	}
}

func TestRevocationServerDelay(t *testing.T) {
	s := NewRevocationServer(t)
	s.SetDelay(50 * time.Millisecond)
	start := time.Now()
	if code, _ := post(t, s, http.MethodPost, s.Secret(), body("j", "u")); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("answered after %v, want at least the delay", d)
	}
	// A client that gives up is not kept waiting.
	s.SetDelay(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL(), strings.NewReader(body("j", "u")))
	client := &http.Client{}
	defer client.CloseIdleConnections()
	if resp, err := client.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("a delayed request answered")
	}
}

func TestRevocationServerHold(t *testing.T) {
	s := NewRevocationServer(t)
	release := s.Hold()
	done := make(chan int)
	client := &http.Client{}
	defer client.CloseIdleConnections()
	go func() {
		req, _ := http.NewRequest(http.MethodPost, s.URL(), strings.NewReader(body("j", "u")))
		req.Header.Set("X-Internal-Token", s.Secret())
		resp, err := client.Do(req)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	for s.Waiting() != 1 {
		runtime.Gosched()
	}
	select {
	case <-done:
		t.Fatal("a held request answered")
	default:
	}
	release()
	release() // idempotent
	if code := <-done; code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if s.Waiting() != 0 {
		t.Fatal("Waiting after release")
	}
}

// TestRevocationServerGenerations: jti-status answers carry the user's
// generation; RevokeUser moves it past every jti checked so far, new jtis
// are active at the new generation; DeleteUser makes every jti inactive.
func TestRevocationServerGenerations(t *testing.T) {
	s := NewRevocationServer(t)
	alice, bob := uuid.NewString(), uuid.NewString()
	check := func(jti, sub string) (bool, any) {
		t.Helper()
		code, ans := post(t, s, http.MethodPost, s.Secret(), body(jti, sub))
		if code != http.StatusOK || ans["schema_version"] != "2" {
			t.Fatalf("%s: %d %v", jti, code, ans)
		}
		if ans["active"] == false && len(ans) != 2 {
			t.Fatalf("inactive answer with more than schema_version and active: %v", ans)
		}
		return ans["active"] == true, ans["auth_generation"]
	}
	if s.Generation(alice) != 1 {
		t.Fatalf("initial generation %d", s.Generation(alice))
	}
	if active, gen := check("a1", alice); !active || gen != float64(1) {
		t.Fatalf("a1: %v %v", active, gen)
	}
	check("b1", bob)
	s.RevokeUser(alice)
	if s.Generation(alice) != 2 || s.Generation(bob) != 1 {
		t.Fatalf("generations %d %d", s.Generation(alice), s.Generation(bob))
	}
	if active, _ := check("a1", alice); active {
		t.Fatal("a jti checked before RevokeUser is still active")
	}
	if active, gen := check("a2", alice); !active || gen != float64(2) {
		t.Fatalf("a new jti after RevokeUser: %v %v", active, gen)
	}
	if active, gen := check("b1", bob); !active || gen != float64(1) {
		t.Fatalf("another user's jti: %v %v", active, gen)
	}
	// The same jti for another user is another session (the consumer keys
	// its answers by (jti, sub)).
	if active, gen := check("a1", bob); !active || gen != float64(1) {
		t.Fatalf("a jti asked for another user: %v %v", active, gen)
	}
	s.DeleteUser(bob)
	if active, _ := check("b1", bob); active {
		t.Fatal("a deleted user's jti is active")
	}
	if active, _ := check("b2", bob); active {
		t.Fatal("a deleted user's new jti is active")
	}
	s.RevokeSession(alice, "a3")
	if active, _ := check("a3", alice); active {
		t.Fatal("RevokeSession left the jti active")
	}
	if len(s.ProtocolErrors()) != 0 {
		t.Fatal(s.ProtocolErrors())
	}
}

// TestRevocationServerRoutes: the private routes live under the base
// path; Calls counts jti-status requests only.
func TestRevocationServerRoutes(t *testing.T) {
	s := NewRevocationServer(t, RevocationClient("svc", ""))
	if s.BaseURL()+"/jti-status" != s.URL() || !strings.HasSuffix(s.BaseURL(), RevocationBasePath) {
		t.Fatalf("BaseURL %s, URL %s", s.BaseURL(), s.URL())
	}
	if code, _ := exchange(t, s, "svc", s.Secret(), "introspection"); code != http.StatusOK {
		t.Fatalf("exchange: %d", code)
	}
	c := openStream(t, s, legacyHeaders(s))
	c.close()
	if s.Calls() != 0 {
		t.Fatalf("Calls = %d after an exchange and a stream connection, want 0", s.Calls())
	}
	if code, _ := call(t, http.MethodPost, s.BaseURL()+"/nope", legacyHeaders(s), "{}"); code != http.StatusNotFound {
		t.Fatalf("unknown path: %d", code)
	}
	if s.Calls() != 1 || len(s.ProtocolErrors()) != 1 {
		t.Fatalf("Calls = %d, ProtocolErrors = %v", s.Calls(), s.ProtocolErrors())
	}
	s.Close()
	s.Close() // idempotent
}

func TestRevocationServerEnv(t *testing.T) {
	s := NewRevocationServer(t)
	env := s.Env()
	if env["TOKEN_MODE"] != "stateful" || env["INTROSPECTION_URL"] != s.URL() || env["PRIVATE_API_SECRET"] != s.Secret() || len(env) != 3 {
		t.Fatalf("Env = %v", env)
	}
	if len(s.Secret()) < 32 {
		t.Fatalf("secret too short for PRIVATE_API_SECRET: %d bytes", len(s.Secret()))
	}
	if !strings.HasSuffix(s.URL(), RevocationPath) {
		t.Fatal(s.URL())
	}
	// The env boots an app.
	if err := BuildErr(t, WithEnv(env)); err != nil {
		t.Fatal(err)
	}
}

func TestRevocationServerEnvWithClient(t *testing.T) {
	key := strings.Repeat("k", 40)
	s := NewRevocationServer(t, RevocationClient("svc-a", "secret-of-svc-a"), RevocationClient("svc-b", ""),
		RevocationSigningKey(key))
	env := s.Env()
	want := map[string]string{
		"TOKEN_MODE":                     "stateful",
		"INTROSPECTION_URL":              s.URL(),
		"PRIVATE_API_SECRET":             "secret-of-svc-a",
		"INTERNAL_CLIENT_ID":             "svc-a",
		"SERVICE_TOKEN_EXCHANGE_ENABLED": "true",
		"EVENT_SIGNING_KEY":              key,
	}
	if !reflect.DeepEqual(env, want) {
		t.Fatalf("Env = %v, want %v", env, want)
	}
	if s.SigningKey() != key {
		t.Fatal("SigningKey")
	}
	off := NewRevocationServer(t, RevocationClient("svc", ""), RevocationExchangeDisabled())
	if env := off.Env(); env["SERVICE_TOKEN_EXCHANGE_ENABLED"] != "false" || env["PRIVATE_API_SECRET"] != off.Secret() {
		t.Fatalf("Env = %v", env)
	}
	if plain := NewRevocationServer(t); len(plain.SigningKey()) < 32 {
		t.Fatalf("default signing key too short: %q", plain.SigningKey())
	}
}
