package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/fxtest_helpers"
)

// TestAPIKeys runs the service with API-key introspection on, against the
// fake issuer: machines read with a reader key and create with a read_write
// writer key; a read-only key cannot create, and deleting stays
// bearer-only. Every answer is checked against the service's document.
func TestAPIKeys(t *testing.T) {
	rev := fxtest_helpers.NewRevocationServer(t, fxtest_helpers.RevocationClient("itemsvc", ""))
	env := rev.Env()
	env["TOKEN_MODE"] = "stateless"
	env["API_KEY_INTROSPECTION_ENABLED"] = "true"
	app := newItemsApp(t, fxtest_helpers.WithSQLite(), fxtest_helpers.WithEnv(env))

	reader := rev.CreateAPIKey(fxtest_helpers.APIKeyRole("reader"))
	writerRO := rev.CreateAPIKey(fxtest_helpers.APIKeyRole("writer"))
	owner := "8f1d2c3b-4a5e-4f60-9a7b-1c2d3e4f5a6b"
	writerRW := rev.CreateAPIKey(fxtest_helpers.APIKeyRole("writer"), fxtest_helpers.APIKeyReadWrite(), fxtest_helpers.APIKeyOwner(owner))
	withKey := func(method, path, key, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if key != "" {
			req.Header.Set(authmod.HeaderAPIKey, key)
		}
		rec := httptest.NewRecorder()
		app.Handler.ServeHTTP(rec, req)
		return rec
	}
	if rec := withKey(http.MethodPost, "/api/items/", writerRW, `{"name":"by a machine"}`); rec.Code != http.StatusCreated || !strings.Contains(rec.Body.String(), owner) {
		t.Fatalf("create with a read_write writer key: %d %s (want 201, owned by the key's owner)", rec.Code, rec.Body)
	}
	if rec := withKey(http.MethodGet, "/api/items/", reader, ""); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "by a machine") {
		t.Fatalf("list with a reader key: %d %s", rec.Code, rec.Body)
	}
	if rec := withKey(http.MethodGet, "/api/items/1", reader, ""); rec.Code != http.StatusOK {
		t.Fatalf("read with a reader key: %d %s", rec.Code, rec.Body)
	}
	if rec := withKey(http.MethodPost, "/api/items/", writerRO, `{"name":"no"}`); rec.Code != http.StatusForbidden {
		t.Fatalf("create with a read-only key: %d %s, want 403", rec.Code, rec.Body)
	}
	if rec := withKey(http.MethodPost, "/api/items/", reader, `{"name":"no"}`); rec.Code != http.StatusForbidden {
		t.Fatalf("create with a reader key: %d %s, want 403", rec.Code, rec.Body)
	}
	if rec := withKey(http.MethodDelete, "/api/items/1", writerRW, ""); rec.Code != http.StatusUnauthorized {
		t.Fatalf("delete with a key: %d %s, want 401 (bearer-only)", rec.Code, rec.Body)
	}
	// People keep using bearer tokens on the same routes.
	if rec := app.call(http.MethodGet, "/api/items/1", app.issuer.Token(), nil); rec.Code != http.StatusOK {
		t.Fatalf("read with a bearer token: %d %s", rec.Code, rec.Body)
	}
}
