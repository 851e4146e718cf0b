package authmod

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// The client's own overhead around one loopback call: compare
//
//	go test -run '^$' -bench 'APIKeyIntrospect' -benchmem ./authmod
//
// BenchmarkAPIKeyIntrospect (the client) with BenchmarkAPIKeyBarePOST (a
// bare http.Client POST of the same body to the same server, reading the
// answer); the difference is the client's cost (slot, breaker, strict
// parsing, headers).

func newAPIKeyBenchServer(b *testing.B) *httptest.Server {
	b.Helper()
	body := []byte(activeKeyAnswer)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func BenchmarkAPIKeyIntrospect(b *testing.B) {
	srv := newAPIKeyBenchServer(b)
	c, err := NewAPIKeyClient(APIKeyConfig{URL: srv.URL, Auth: &fakeInternalAuth{}, Audience: testAudience})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Close() })
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Introspect(ctx, testAPIKey); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAPIKeyBarePOST(b *testing.B) {
	srv := newAPIKeyBenchServer(b)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	b.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr}
	body := []byte(`{"api_key":"` + testAPIKey + `","schema_version":"1"}`)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		resp, err := hc.Post(srv.URL, "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.ReadAll(resp.Body)
		_ = resp.Body.Close()
	}
}

// BenchmarkAPIKeyBarePOSTWithDeadline is the bare POST with the one thing
// no production call goes without: a deadline on its context (the client's
// attempt timeout). It separates net/http's cost of a cancellable request
// from the client's own.
func BenchmarkAPIKeyBarePOSTWithDeadline(b *testing.B) {
	srv := newAPIKeyBenchServer(b)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	b.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr}
	body := []byte(`{"api_key":"` + testAPIKey + `","schema_version":"1"}`)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL, bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		cancel()
	}
}
