package fxtest_helpers

import (
	"net/http/httptest"
	"testing"

	"github.com/m8fx/kit/devissuer"
)

// DevIssuer is a [devissuer.Server] on a loopback httptest server, for
// tests that run a consumer in its production mode in-process: RS256 over
// the JWKS, stateful revocation, service tokens, the signed event stream
// and API keys, against the same issuer `m8fx dev-issuer` serves. Its
// methods (Mint, RevokeJTI, RevokeUser, DeleteUser, CreateAPIKey,
// InjectFault, Rotate) act on it directly.
type DevIssuer struct {
	*devissuer.Server
	// URL is the issuer's base URL, prefix included.
	URL string
}

// NewDevIssuer starts a dev issuer with its state in a temporary folder;
// mod, if given, changes its configuration (Dir and BaseURL are set before
// and may be changed). It stops with the test.
func NewDevIssuer(t testing.TB, mod ...func(*devissuer.Config)) *DevIssuer {
	t.Helper()
	hs := httptest.NewUnstartedServer(nil)
	cfg := devissuer.Config{Dir: t.TempDir(), BaseURL: "http://" + hs.Listener.Addr().String()}
	for _, m := range mod {
		m(&cfg)
	}
	srv, err := devissuer.Open(cfg)
	if err != nil {
		hs.Close()
		t.Fatalf("fxtest_helpers: NewDevIssuer: %v", err)
	}
	hs.Config.Handler = srv.Handler()
	hs.Start()
	t.Cleanup(func() {
		_ = srv.Close() // ends the event streams first
		hs.Close()
	})
	return &DevIssuer{Server: srv, URL: srv.URL("")}
}

// Env returns the consumer settings for the issuer ([devissuer.Server.ConsumerEnv])
// as a map for [WithEnv].
func (d *DevIssuer) Env() map[string]string {
	env := map[string]string{}
	for _, v := range d.ConsumerEnv() {
		env[v.Name] = v.Value
	}
	return env
}
