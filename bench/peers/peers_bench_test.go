package peers

import (
	"net/http"
	"testing"
)

// discard is a ResponseWriter that keeps nothing, so that the benchmarks
// measure the engine and the guard, not a recorder (as in
// ../auth_bench_test.go).
type discard struct {
	h      http.Header
	status int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(s int)           { d.status = s }

func (d *discard) reset() {
	clear(d.h)
	d.status = 0
}

// run serves req b.N times and fails if a response has another status.
func run(b *testing.B, e http.Handler, req *http.Request, want int) {
	b.Helper()
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w.reset()
		e.ServeHTTP(w, req)
		if w.status != want && !(want == http.StatusOK && w.status == 0) {
			b.Fatalf("status %d, want %d", w.status, want)
		}
	}
}

// BenchmarkPeers compares, in one run, a bare handler with the same handler
// behind the kit's AnyUser guard and behind each peer middleware, all on
// the same RS256 key, issuer and audience. Each guard first passes
// checkGuard (valid 200, expired and wrong audience 401), so nothing is
// timed that does not verify.
//
// First sight is every request verifying the signature: for m8fx the
// verified-token cache is off (CacheSize -1). Repeated is the same token
// sent again with the cache on (CacheSize 0, the default). The peers cache
// nothing, so both of their cases send the same token with the same setup.
func BenchmarkPeers(b *testing.B) {
	is := newIssuer(b)
	b.Run("bare", func(b *testing.B) {
		run(b, engine(), request(""), http.StatusOK)
	})
	cases := []struct {
		name  string
		guard func(b *testing.B) http.Handler
	}{
		{"m8fx/first-sight", func(b *testing.B) http.Handler { return engine(m8fxGuard(b, is, -1)) }},
		{"m8fx/repeated", func(b *testing.B) http.Handler { return engine(m8fxGuard(b, is, 0)) }},
		{"gin-jwt/first-sight", func(b *testing.B) http.Handler { return engine(ginJWTGuard(b, is)) }},
		{"gin-jwt/repeated", func(b *testing.B) http.Handler { return engine(ginJWTGuard(b, is)) }},
		{"go-jwt-middleware/first-sight", func(b *testing.B) http.Handler { return engine(goJWTMiddlewareGuard(b, is)) }},
		{"go-jwt-middleware/repeated", func(b *testing.B) http.Handler { return engine(goJWTMiddlewareGuard(b, is)) }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			e := c.guard(b)
			token := checkGuard(b, c.name, e, is)
			run(b, e, request(token), http.StatusOK)
		})
	}
}
