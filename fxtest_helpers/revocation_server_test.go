package fxtest_helpers

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
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
	if code != http.StatusOK || ans["active"] != true || ans["user_id"] != sub {
		t.Fatalf("active: %d %v", code, ans)
	}
	if got := s.LastRequest(); got == nil || *got != (RevocationRequest{JTI: "j1", ExpectedUserID: sub, SchemaVersion: "2"}) {
		t.Fatalf("LastRequest = %+v", got)
	}
	s.Revoke("j1")
	if code, ans := post(t, s, http.MethodPost, s.Secret(), body("j1", sub)); code != http.StatusOK || ans["active"] != false || len(ans) != 1 {
		t.Fatalf("revoked: %d %v", code, ans)
	}
	s.SetMismatch(true)
	if _, ans := post(t, s, http.MethodPost, s.Secret(), body("j2", sub)); ans["active"] != true || ans["user_id"] == sub {
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
