package fxtest_helpers_test

import (
	"net/http"
	"testing"

	"github.com/m8fx/kit/fxtest_helpers"
)

// TestTraceparents: the fake issuer keeps the traceparent of every
// jti-status request.
func TestTraceparents(t *testing.T) {
	rev := fxtest_helpers.NewRevocationServer(t)
	req, _ := http.NewRequest(http.MethodPost, rev.URL(), http.NoBody)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if got := rev.Traceparents(); len(got) != 1 || got[0] != "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" {
		t.Errorf("Traceparents() = %q", got)
	}
}
