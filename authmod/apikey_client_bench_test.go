package authmod

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
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
// attempt timeout), and the same request headers. It separates net/http's
// cost of a cancellable request from the client's own.
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
		req.Header.Set("Accept", "application/json")
		_ = (&fakeInternalAuth{}).Authorize(ctx, req) // the same credential headers
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		cancel()
	}
}

// cannedTransport answers every request in memory with an active key's
// answer, so that the benchmarks below measure CPU spent in the client and
// the guard, without the loopback round trip (whose latency on a 2-core
// machine swamps a few microseconds either way).
type cannedTransport struct{ body []byte }

func (t cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	return &http.Response{
		StatusCode:    http.StatusOK,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(t.body)),
		ContentLength: int64(len(t.body)),
		Request:       r,
	}, nil
}

// benchKeyEngine is a gin engine with one route behind guard (nil: no
// guard, the handler calls call itself).
func benchKeyEngine(guard gin.HandlerFunc, call func(*gin.Context) error) *gin.Engine {
	gin.SetMode(gin.TestMode)
	e := gin.New()
	h := func(c *gin.Context) {
		if call != nil {
			if err := call(c); err != nil {
				c.Status(http.StatusServiceUnavailable)
				return
			}
		}
		c.Status(http.StatusOK)
	}
	if guard != nil {
		e.GET("/k", guard, h)
	} else {
		e.GET("/k", h)
	}
	return e
}

func serveKeyBench(b *testing.B, e *gin.Engine) {
	b.Helper()
	req := httptest.NewRequest(http.MethodGet, "/k", nil)
	req.Header.Set(HeaderAPIKey, testAPIKey)
	w := httptest.NewRecorder()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w.Body.Reset()
		e.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// BenchmarkAPIKeyGuardInMemory is a request through the RequireAPIKey
// guard whose client talks to an in-memory transport.
//
//	go test -run '^$' -bench 'APIKey(Guard|Plain)InMemory' -benchmem ./authmod
//
// BenchmarkAPIKeyPlainInMemory is the same request with no guard and a
// handler that makes the same POST itself with a bare http.Client (same
// body, a deadline, the answer read); the difference is the guard's own
// overhead around the call: slot, breaker, credential headers, strict
// parsing, capability check, principal in the context, observer.
func BenchmarkAPIKeyGuardInMemory(b *testing.B) {
	c, err := NewAPIKeyClient(APIKeyConfig{
		URL: "http://auth.invalid/introspect", Auth: &fakeInternalAuth{}, Audience: testAudience,
		HTTPClient: &http.Client{Transport: cannedTransport{body: []byte(activeKeyAnswer)}},
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = c.Close() })
	v, err := NewValidator(vtConfig(algHS256))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = v.Close() })
	auth, err := NewAuthenticator(AuthenticatorParams{Validator: v, Revocation: NoRevocation{}, APIKeys: c})
	if err != nil {
		b.Fatal(err)
	}
	serveKeyBench(b, benchKeyEngine(auth.RequireAPIKey(RoleReader).GuardHandler(), nil))
}

func BenchmarkAPIKeyPlainInMemory(b *testing.B) {
	hc := &http.Client{Transport: cannedTransport{body: []byte(activeKeyAnswer)}}
	body := []byte(`{"api_key":"` + testAPIKey + `","schema_version":"1"}`)
	call := func(c *gin.Context) error {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 5*time.Second)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://auth.invalid/introspect", bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.ReadAll(resp.Body)
		return resp.Body.Close()
	}
	serveKeyBench(b, benchKeyEngine(nil, call))
}
