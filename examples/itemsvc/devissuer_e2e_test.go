package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestProductionLikeQuickStart walks the README's "production-like on a
// laptop" quick start with real processes: the dev issuer, itemsvc booted
// from `m8fx dev-issuer env` (RS256 over the JWKS, stateful revocation with
// a 30 s positive cache, service tokens, the signed event stream), a minted
// token answered 200, refused within 1 s after its revocation (the stream
// evicts the cached answer), 503 while jti-status is down (fail_closed), 200
// again once the fault is cleared, and an API key it created accepted.
func TestProductionLikeQuickStart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs processes")
	}
	m8fx, svc := m8fxBinary(t), itemsvcBinary(t)
	state := t.TempDir()
	_, issuer := startDevIssuerProcess(t, m8fx, state)
	envFile := devIssuerEnvFile(t, m8fx, state, issuer)
	p, base := startItemsvcProcess(t, svc, "ENV_FILE="+envFile, "DB_DATABASE="+filepath.Join(t.TempDir(), "items.db"))
	p.waitFor(t, streamConnected, 30*time.Second)

	mint := func() (token, jti string) {
		var m struct{ Token, JTI string }
		out := runM8fx(t, m8fx, "dev-issuer", "mint", "-url", issuer, "-role", "writer", "-json")
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatalf("mint output %q", out)
		}
		return m.Token, m.JTI
	}
	items := base + "/api/items/"
	token, jti := mint()
	if code := get(t, http.MethodGet, items, token, nil); code != http.StatusOK {
		t.Fatalf("GET with a minted token: %d; itemsvc output:\n%s", code, p.out)
	}
	if code := get(t, http.MethodPost, items, token, strings.NewReader(`{"name":"Lamp"}`)); code != http.StatusCreated {
		t.Fatalf("POST with a writer token: %d", code)
	}

	runM8fx(t, m8fx, "dev-issuer", "revoke", "-url", issuer, "-jti", jti)
	took := eventually(t, time.Second, "401 after revoke", func() bool {
		return get(t, http.MethodGet, items, token, nil) == http.StatusUnauthorized
	})
	t.Logf("revoked token refused after %v", took)

	runM8fx(t, m8fx, "dev-issuer", "fault", "-url", issuer, "-kind", "jti_status_down", "-for", "60s")
	fresh, _ := mint() // not in the revocation cache yet
	if code := get(t, http.MethodGet, items, fresh, nil); code != http.StatusServiceUnavailable {
		t.Fatalf("GET while jti-status is down: %d, want 503 (fail_closed)", code)
	}
	runM8fx(t, m8fx, "dev-issuer", "fault", "-url", issuer, "-clear")
	if code := get(t, http.MethodGet, items, fresh, nil); code != http.StatusOK {
		t.Fatalf("GET after the fault cleared: %d", code)
	}
	var key struct {
		Key string `json:"api_key"`
	}
	if err := json.Unmarshal([]byte(runM8fx(t, m8fx, "dev-issuer", "api-key", "-url", issuer, "-mode", "read_write")), &key); err != nil || key.Key == "" {
		t.Fatalf("api-key output: %v", err)
	}
	if code := getWithKey(t, items, key.Key); code != http.StatusOK {
		t.Fatalf("GET with an API key: %d", code)
	}
	for _, secret := range []string{token, fresh, key.Key} {
		if strings.Contains(p.out.String(), secret) {
			t.Error("itemsvc logged a token")
		}
	}
}

// getWithKey sends GET url with an X-API-Key and returns the status.
func getWithKey(t *testing.T, url, key string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-API-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}
