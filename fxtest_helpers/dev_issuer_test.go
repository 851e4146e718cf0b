package fxtest_helpers_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/devissuer"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/httpmod"
)

// TestDevIssuerProductionMode: an app configured by the dev issuer's env
// (RS256 over the JWKS, stateful, service tokens, event stream) accepts a
// minted token, connects to the event stream, and refuses the token within
// a second of its revocation.
func TestDevIssuerProductionMode(t *testing.T) {
	di := fxtest_helpers.NewDevIssuer(t)
	routes := func(a *authmod.Authenticator) httpmod.Routes {
		return httpmod.RoutesFunc(func(r *httpmod.Router) {
			httpmod.Handle(r, http.MethodGet, "/me", func(c *gin.Context) { c.Status(http.StatusNoContent) }, a.Require(authmod.AnyUser()))
		})
	}
	app := fxtest_helpers.New(t, fxtest_helpers.WithEnv(di.Env()), fxtest_helpers.WithOptions(httpmod.AsRoutes(routes)))
	if !waitUntil(5*time.Second, func() bool { return di.StreamConnections() == 1 }) {
		t.Fatal("the app did not connect to the event stream")
	}
	m, err := di.Mint(devissuer.TokenSpec{Role: "reader"})
	if err != nil {
		t.Fatal(err)
	}
	if r := app.Get("/api/me", "Authorization", fxtest_helpers.Bearer(m.Token)); r.Code != http.StatusNoContent {
		t.Fatalf("minted token: %d %s", r.Code, r.Body)
	}
	if _, err := di.RevokeJTI(m.JTI); err != nil {
		t.Fatal(err)
	}
	if !waitUntil(time.Second, func() bool {
		return app.Get("/api/me", "Authorization", fxtest_helpers.Bearer(m.Token)).Code == http.StatusUnauthorized
	}) {
		t.Fatal("the revoked token was still accepted after 1 s")
	}
}

func waitUntil(limit time.Duration, ok func() bool) bool {
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if ok() {
			return true
		}
	}
	return ok()
}
