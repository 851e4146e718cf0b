package fxtest_helpers

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// call sends a request with the given headers and returns the status and
// the decoded JSON answer (nil if not JSON).
func call(t *testing.T, method, url string, hdr http.Header, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = hdr.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	req.Header.Set("Content-Type", "application/json")
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

func legacyHeaders(s *RevocationServer) http.Header {
	return http.Header{"X-Internal-Token": {s.Secret()}}
}

func bootstrapHeaders(client, secret string) http.Header {
	return http.Header{"X-Internal-Client": {client}, "X-Internal-Token": {secret}}
}

func bearerHeaders(token string) http.Header {
	return http.Header{"Authorization": {Bearer(token)}}
}

// exchange asks s for a service token with the bootstrap credential.
func exchange(t *testing.T, s *RevocationServer, client, secret string, scopes ...string) (int, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"scopes": scopes})
	return call(t, http.MethodPost, s.BaseURL()+"/service-token", bootstrapHeaders(client, secret), string(b))
}

// grantedToken exchanges a token and fails the test unless it is granted.
func grantedToken(t *testing.T, s *RevocationServer, client, secret string, scopes ...string) string {
	t.Helper()
	code, ans := exchange(t, s, client, secret, scopes...)
	tok, _ := ans["access_token"].(string)
	if code != http.StatusOK || tok == "" {
		t.Fatalf("exchange: %d %v", code, ans)
	}
	return tok
}

func statusBody() string { return body("j-"+uuid.NewString(), uuid.NewString()) }

func TestServiceTokenExchange(t *testing.T) {
	s := NewRevocationServer(t, RevocationClient("svc-a", ""), RevocationServiceTokenTTL(90*time.Second))
	code, ans := exchange(t, s, "svc-a", s.Secret(), "introspection", "event-stream", "introspection")
	if code != http.StatusOK {
		t.Fatalf("exchange: %d %v", code, ans)
	}
	tok, _ := ans["access_token"].(string)
	if strings.Count(tok, ".") != 2 {
		t.Fatalf("access_token %q is not a JWT", tok)
	}
	delete(ans, "access_token")
	want := map[string]any{"token_type": "bearer", "expires_in": float64(90), "scope": "introspection event-stream"}
	if !reflect.DeepEqual(ans, want) {
		t.Fatalf("answer %v, want %v", ans, want)
	}
	if got := s.LastExchangeScopes(); !reflect.DeepEqual(got, []string{"introspection", "event-stream", "introspection"}) {
		t.Fatalf("LastExchangeScopes = %v", got)
	}
	code, ans = call(t, http.MethodPost, s.URL(), bearerHeaders(tok), statusBody())
	if code != http.StatusOK || ans["active"] != true || ans["schema_version"] != "2" {
		t.Fatalf("jti-status with the service token: %d %v", code, ans)
	}
	c := openStream(t, s, bearerHeaders(tok))
	c.close()
	// A second exchange gets another token; both stay valid.
	tok2 := grantedToken(t, s, "svc-a", s.Secret(), "introspection")
	if tok2 == tok {
		t.Fatal("two exchanges returned the same token")
	}
	for _, tk := range []string{tok, tok2} {
		if code, _ := call(t, http.MethodPost, s.URL(), bearerHeaders(tk), statusBody()); code != http.StatusOK {
			t.Fatalf("jti-status: %d", code)
		}
	}
	if s.Exchanges() != 2 || s.Calls() != 3 || s.StreamConnects() != 1 || len(s.ProtocolErrors()) != 0 {
		t.Fatalf("Exchanges %d, Calls %d, StreamConnects %d, ProtocolErrors %v",
			s.Exchanges(), s.Calls(), s.StreamConnects(), s.ProtocolErrors())
	}
}

func TestServiceTokenScopes(t *testing.T) {
	s := NewRevocationServer(t, RevocationClient("svc", ""), RevocationGrantedScopes("introspection", "event-stream"))
	if code, ans := exchange(t, s, "svc", s.Secret(), "introspection", "api-key-introspection"); code != http.StatusForbidden ||
		ans["detail"] != "Forbidden" {
		t.Fatalf("a scope not granted: %d %v", code, ans)
	}
	if len(s.ProtocolErrors()) != 0 {
		t.Fatalf("a refused scope is a protocol error: %v", s.ProtocolErrors())
	}
	introspection := grantedToken(t, s, "svc", s.Secret(), "introspection")
	stream := grantedToken(t, s, "svc", s.Secret(), "event-stream")
	if code, _ := call(t, http.MethodGet, s.BaseURL()+"/events/stream", bearerHeaders(introspection), ""); code != http.StatusForbidden {
		t.Fatalf("stream with an introspection token: %d", code)
	}
	if code, _ := call(t, http.MethodPost, s.URL(), bearerHeaders(stream), statusBody()); code != http.StatusForbidden {
		t.Fatalf("jti-status with an event-stream token: %d", code)
	}
	if n := len(s.ProtocolErrors()); n != 2 {
		t.Fatalf("ProtocolErrors = %v, want the 2 calls without the route's scope", s.ProtocolErrors())
	}
	if s.Exchanges() != 3 {
		t.Fatalf("Exchanges = %d", s.Exchanges())
	}
}

func TestServiceTokenExpiry(t *testing.T) {
	s := NewRevocationServer(t, RevocationClient("svc", ""), RevocationServiceTokenTTL(50*time.Millisecond))
	code, ans := exchange(t, s, "svc", s.Secret(), "introspection")
	if code != http.StatusOK || ans["expires_in"] != float64(1) {
		t.Fatalf("exchange: %d %v (expires_in is rounded up)", code, ans)
	}
	tok := ans["access_token"].(string)
	if code, _ := call(t, http.MethodPost, s.URL(), bearerHeaders(tok), statusBody()); code != http.StatusOK {
		t.Fatalf("a live token: %d", code)
	}
	time.Sleep(80 * time.Millisecond)
	if code, _ := call(t, http.MethodPost, s.URL(), bearerHeaders(tok), statusBody()); code != http.StatusUnauthorized {
		t.Fatalf("an expired token: %d", code)
	}
	if len(s.ProtocolErrors()) != 0 {
		t.Fatalf("an expired token is a protocol error: %v", s.ProtocolErrors())
	}
	// A fresh exchange works again.
	tok = grantedToken(t, s, "svc", s.Secret(), "introspection")
	if code, _ := call(t, http.MethodPost, s.URL(), bearerHeaders(tok), statusBody()); code != http.StatusOK {
		t.Fatalf("a fresh token: %d", code)
	}
}

func TestServiceTokenForceUnauthorized(t *testing.T) {
	s := NewRevocationServer(t, RevocationClient("svc", ""))
	tok := grantedToken(t, s, "svc", s.Secret(), "introspection", "event-stream")
	s.ForceUnauthorized(2)
	if code, _ := call(t, http.MethodPost, s.URL(), bearerHeaders(tok), statusBody()); code != http.StatusUnauthorized {
		t.Fatalf("first forced call: %d", code)
	}
	// The exchange is not a private call: it does not consume a forced 401.
	grantedToken(t, s, "svc", s.Secret(), "introspection")
	if code, _ := call(t, http.MethodGet, s.BaseURL()+"/events/stream", bearerHeaders(tok), ""); code != http.StatusUnauthorized {
		t.Fatalf("second forced call (stream): %d", code)
	}
	if code, _ := call(t, http.MethodPost, s.URL(), bearerHeaders(tok), statusBody()); code != http.StatusOK {
		t.Fatalf("after the forced 401s: %d", code)
	}
	// Any credential is refused while forced; ForceUnauthorized(0) cancels.
	s.ForceUnauthorized(5)
	if code, _ := call(t, http.MethodPost, s.URL(), legacyHeaders(s), statusBody()); code != http.StatusUnauthorized {
		t.Fatalf("legacy while forced: %d", code)
	}
	s.ForceUnauthorized(0)
	if code, _ := call(t, http.MethodPost, s.URL(), legacyHeaders(s), statusBody()); code != http.StatusOK {
		t.Fatalf("after ForceUnauthorized(0): %d", code)
	}
	if len(s.ProtocolErrors()) != 0 || s.StreamConnects() != 0 {
		t.Fatalf("ProtocolErrors %v, StreamConnects %d", s.ProtocolErrors(), s.StreamConnects())
	}
}

func TestServiceTokenCredentials(t *testing.T) {
	const own = "the-own-secret-of-svc-0123456789abcdef"
	s := NewRevocationServer(t, RevocationClient("svc", own), RevocationRequireClient())
	for _, tc := range []struct {
		name   string
		hdr    http.Header
		status int
	}{
		{"legacy refused", legacyHeaders(s), http.StatusUnauthorized},
		{"bootstrap", bootstrapHeaders("svc", own), http.StatusOK},
		{"bootstrap with the legacy secret", bootstrapHeaders("svc", s.Secret()), http.StatusUnauthorized},
		{"unknown client", bootstrapHeaders("other", own), http.StatusUnauthorized},
		{"client without token", http.Header{"X-Internal-Client": {"svc"}}, http.StatusUnauthorized},
		{"unknown bearer", bearerHeaders("not-a-token"), http.StatusUnauthorized},
		{"not bearer", http.Header{"Authorization": {"Basic abc"}}, http.StatusUnauthorized},
		{"nothing", nil, http.StatusUnauthorized},
	} {
		if code, _ := call(t, http.MethodPost, s.URL(), tc.hdr, statusBody()); code != tc.status {
			t.Errorf("jti-status, %s: %d, want %d", tc.name, code, tc.status)
		}
		want := tc.status
		if want == http.StatusOK { // the stream answers 200 and then streams: see openStream
			continue
		}
		if code, _ := call(t, http.MethodGet, s.BaseURL()+"/events/stream", tc.hdr, ""); code != want {
			t.Errorf("stream, %s: %d, want %d", tc.name, code, want)
		}
	}
	c := openStream(t, s, bootstrapHeaders("svc", own))
	c.close()
	if n := len(s.ProtocolErrors()); n != 14 {
		t.Fatalf("ProtocolErrors = %d entries, want 14: %v", n, s.ProtocolErrors())
	}
	if strings.Contains(strings.Join(s.ProtocolErrors(), " "), own) {
		t.Fatal("a protocol error shows the secret")
	}
	// Legacy calls are accepted by default.
	if code, _ := call(t, http.MethodPost, NewRevocationServer(t).URL(), legacyHeaders(s), statusBody()); code != http.StatusUnauthorized {
		t.Fatalf("another server's secret: %d", code)
	}
	dev := NewRevocationServer(t, RevocationClient("svc", ""))
	if code, _ := call(t, http.MethodPost, dev.URL(), legacyHeaders(dev), statusBody()); code != http.StatusOK {
		t.Fatalf("legacy without RevocationRequireClient: %d", code)
	}
}

func TestServiceTokenExchangeDisabled(t *testing.T) {
	s := NewRevocationServer(t, RevocationClient("svc", ""), RevocationExchangeDisabled())
	if code, _ := exchange(t, s, "svc", s.Secret(), "introspection"); code != http.StatusNotFound {
		t.Fatalf("disabled exchange: %d", code)
	}
	if s.Exchanges() != 1 || len(s.ProtocolErrors()) != 0 {
		t.Fatalf("Exchanges %d, ProtocolErrors %v", s.Exchanges(), s.ProtocolErrors())
	}
	// Bootstrap calls still work.
	if code, _ := call(t, http.MethodPost, s.URL(), bootstrapHeaders("svc", s.Secret()), statusBody()); code != http.StatusOK {
		t.Fatalf("bootstrap: %d", code)
	}
}

func TestServiceTokenExchangeChecksProtocol(t *testing.T) {
	s := NewRevocationServer(t, RevocationClient("svc", ""))
	url := s.BaseURL() + "/service-token"
	good := bootstrapHeaders("svc", s.Secret())
	for _, tc := range []struct {
		name, method string
		hdr          http.Header
		body         string
		status       int
	}{
		{"GET", http.MethodGet, good, "", http.StatusMethodNotAllowed},
		{"legacy credential", http.MethodPost, legacyHeaders(s), `{"scopes":["introspection"]}`, http.StatusUnauthorized},
		{"wrong secret", http.MethodPost, bootstrapHeaders("svc", "nope"), `{"scopes":["introspection"]}`, http.StatusUnauthorized},
		{"unknown client", http.MethodPost, bootstrapHeaders("x", s.Secret()), `{"scopes":["introspection"]}`, http.StatusUnauthorized},
		{"not JSON", http.MethodPost, good, `scopes=introspection`, http.StatusUnprocessableEntity},
		{"no scopes", http.MethodPost, good, `{}`, http.StatusUnprocessableEntity},
		{"empty scopes", http.MethodPost, good, `{"scopes":[]}`, http.StatusUnprocessableEntity},
		{"scopes as a string", http.MethodPost, good, `{"scopes":"introspection"}`, http.StatusUnprocessableEntity},
		{"unknown field", http.MethodPost, good, `{"scopes":["introspection"],"ttl":5}`, http.StatusUnprocessableEntity},
	} {
		if code, _ := call(t, tc.method, url, tc.hdr, tc.body); code != tc.status {
			t.Errorf("%s: %d, want %d", tc.name, code, tc.status)
		}
	}
	if n := len(s.ProtocolErrors()); n != 9 {
		t.Fatalf("ProtocolErrors = %d entries, want 9: %v", n, s.ProtocolErrors())
	}
	if s.LastExchangeScopes() != nil {
		t.Fatalf("LastExchangeScopes = %v after refused requests", s.LastExchangeScopes())
	}
}
