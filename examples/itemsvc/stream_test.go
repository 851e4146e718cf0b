package main

import (
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/fxtest_helpers"
)

// TestStreamRevocation runs the service in stateful mode against a fake
// fa-auth-m8 that refuses legacy calls, with service-token client
// credentials, a 60 s revocation cache and the auth event stream on: a
// token answered active (and cached) is refused with 401 within a second of
// its revocation on the issuer, pushed through the stream.
func TestStreamRevocation(t *testing.T) {
	const signingKey = "itemsvc-stream-test-event-signing-key-0123456789"
	rev := fxtest_helpers.NewRevocationServer(t,
		fxtest_helpers.RevocationClient("itemsvc", ""),
		fxtest_helpers.RevocationRequireClient(),
		fxtest_helpers.RevocationSigningKey(signingKey),
	)
	env := rev.Env() // TOKEN_MODE=stateful, INTROSPECTION_URL, INTERNAL_CLIENT_ID, PRIVATE_API_SECRET, SERVICE_TOKEN_EXCHANGE_ENABLED=true, EVENT_SIGNING_KEY
	env["EVENT_STREAM_ENABLED"] = "true"
	env["REVOCATION_CACHE_TTL_SECONDS"] = "60"
	var events *authmod.EventStream
	app := newItemsApp(t, fxtest_helpers.WithSQLite(), fxtest_helpers.WithEnv(env), fxtest_helpers.Populate(&events))
	if events == nil {
		t.Fatal("EVENT_STREAM_ENABLED=true but the service has no event stream")
	}
	if !rev.WaitStreamConnects(1, 5*time.Second) {
		t.Fatal("the service did not connect to the auth event stream")
	}

	token, claims := app.issuer.TokenWithClaims(fxtest_helpers.TokenRole(authmod.RoleWriter))
	item := app.mustCreate(t, token, "streamed")
	for range 2 {
		if rec := app.call(http.MethodGet, "/api/users/me", token, nil); rec.Code != http.StatusOK {
			t.Fatalf("GET /api/users/me: %d %s", rec.Code, rec.Body)
		}
	}
	if rec := app.call(http.MethodGet, "/api/items/"+strconv.FormatInt(item.ID, 10), token, nil); rec.Code != http.StatusOK {
		t.Fatalf("GET the item: %d %s", rec.Code, rec.Body)
	}
	callsBefore := rev.Calls()

	start := time.Now()
	rev.Revoke(claims["jti"].(string))
	for {
		rec := app.call(http.MethodGet, "/api/users/me", token, nil)
		if rec.Code == http.StatusUnauthorized {
			break
		}
		if rec.Code != http.StatusOK {
			t.Fatalf("GET /api/users/me while waiting for the revocation: %d %s", rec.Code, rec.Body)
		}
		if time.Since(start) > time.Second {
			t.Fatalf("the revoked token is still admitted %s after the revocation", time.Since(start).Round(time.Millisecond))
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("refused %s after the revocation", time.Since(start).Round(time.Millisecond))
	if rec := app.call(http.MethodGet, "/api/items/"+strconv.FormatInt(item.ID, 10), token, nil); rec.Code != http.StatusUnauthorized {
		t.Errorf("GET the item with the revoked token: %d %s, want 401", rec.Code, rec.Body)
	}
	// The event evicted the cached answer: one jti-status call (the
	// authority in stateful mode) answered inactive, and that answer is
	// remembered for the item GET.
	if got := rev.Calls(); got != callsBefore+1 {
		t.Errorf("jti-status calls %d -> %d, want one call after the eviction", callsBefore, got)
	}
	other := app.issuer.Token()
	if rec := app.call(http.MethodGet, "/api/users/me", other, nil); rec.Code != http.StatusOK {
		t.Errorf("another token after the revocation: %d %s, want 200", rec.Code, rec.Body)
	}
	if got := rev.Exchanges(); got != 1 {
		t.Errorf("service-token exchanges = %d, want 1 (shared by the stream and jti-status)", got)
	}
	if got := rev.LastExchangeScopes(); !slices.Contains(got, "introspection") || !slices.Contains(got, "event-stream") {
		t.Errorf("exchange scopes = %q, want introspection and event-stream", got)
	}
	if p := rev.ProtocolErrors(); len(p) != 0 {
		t.Errorf("the issuer saw protocol errors: %q", p)
	}
}
