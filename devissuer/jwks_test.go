package devissuer

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

func TestJWKSETagAnd304(t *testing.T) {
	ti := startIssuer(t, "", nil)
	code, h, body := ti.do(t, http.MethodGet, PathJWKS, nil)
	if code != http.StatusOK || h.Get("Cache-Control") != "public, max-age=300" || h.Get("Content-Type") != "application/json" {
		t.Fatalf("GET = %d %v", code, h)
	}
	etag := h.Get("ETag")
	if len(etag) != 66 || etag[0] != '"' {
		t.Fatalf("ETag = %q, want a quoted SHA-256 hex", etag)
	}
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil || len(set.Keys) != 1 || set.Keys[0]["kid"] != ti.KeyIDs()[0] ||
		set.Keys[0]["alg"] != "RS256" || set.Keys[0]["use"] != "sig" || set.Keys[0]["d"] != nil {
		t.Fatalf("JWKS = %s (%v)", body, err)
	}
	for _, inm := range []string{etag, "W/" + etag, "*", `"other", ` + etag} {
		if code, h, body := ti.do(t, http.MethodGet, PathJWKS, nil, "If-None-Match", inm); code != http.StatusNotModified || len(body) != 0 || h.Get("ETag") != etag {
			t.Errorf("If-None-Match %s: %d %q", inm, code, body)
		}
	}
	if code, _, _ := ti.do(t, http.MethodGet, PathJWKS, nil, "If-None-Match", `"other"`); code != http.StatusOK {
		t.Errorf("a stale ETag: %d, want 200", code)
	}
}

func TestRotationOverlap(t *testing.T) {
	ti := startIssuer(t, "", func(c *Config) { c.Algorithm = "ES256" })
	k1 := ti.KeyIDs()[0]
	old, err := ti.Mint(TokenSpec{})
	if err != nil {
		t.Fatal(err)
	}
	_, h1, _ := ti.do(t, http.MethodGet, PathJWKS, nil)
	k2, err := ti.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	if got := ti.KeyIDs(); !slices.Equal(got, []string{k2, k1}) {
		t.Fatalf("after one rotation kids = %v, want [%s %s]", got, k2, k1)
	}
	_, h2, _ := ti.do(t, http.MethodGet, PathJWKS, nil)
	if h1.Get("ETag") == h2.Get("ETag") {
		t.Error("the ETag did not change with the key set")
	}
	fresh, err := ti.Mint(TokenSpec{})
	if err != nil {
		t.Fatal(err)
	}
	if kid := headerKID(t, fresh.Token); kid != k2 {
		t.Errorf("a token minted after the rotation has kid %s, want %s", kid, k2)
	}
	if kid := headerKID(t, old.Token); kid != k1 {
		t.Errorf("old token kid %s", kid)
	}
	k3, err := ti.Rotate()
	if err != nil {
		t.Fatal(err)
	}
	if got := ti.KeyIDs(); !slices.Equal(got, []string{k3, k2}) {
		t.Fatalf("after the second rotation kids = %v, want [%s %s] (the first key removed)", got, k3, k2)
	}
	// The rotation is persisted.
	ti.stop()
	again := startIssuer(t, ti.dir, func(c *Config) { c.Algorithm = "ES256" })
	if got := again.KeyIDs(); !slices.Equal(got, []string{k3, k2}) {
		t.Errorf("after a restart kids = %v", got)
	}
}

func headerKID(t *testing.T, tok string) string {
	t.Helper()
	parsed, _, err := jwt.NewParser().ParseUnverified(tok, jwt.MapClaims{})
	if err != nil {
		t.Fatal(err)
	}
	kid, _ := parsed.Header["kid"].(string)
	return kid
}

// TestRotateRefusesHS256: an HS256 secret is the consumers' ACCESS_SECRET_KEY;
// rotating it would lock them out, so Rotate and /dev/rotate refuse it and
// the key stays.
func TestRotateRefusesHS256(t *testing.T) {
	ti := startIssuer(t, "", func(c *Config) { c.Algorithm = "HS256" })
	kids := ti.KeyIDs()
	if _, err := ti.Rotate(); !errors.Is(err, ErrSharedSecret) {
		t.Fatalf("Rotate: %v, want ErrSharedSecret", err)
	}
	if code, _, body := ti.do(t, http.MethodPost, "/dev/rotate", nil); code != http.StatusUnprocessableEntity || !strings.Contains(string(body), "RS256 or ES256") {
		t.Errorf("/dev/rotate: %d %s, want 422", code, body)
	}
	if got := ti.KeyIDs(); !slices.Equal(got, kids) {
		t.Errorf("kids %v, want %v unchanged", got, kids)
	}
}
