package authmod

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// ---- JWKS fixtures ----

func vtRSAJWK(t testing.TB, kid string, pub *rsa.PublicKey) map[string]any {
	t.Helper()
	return map[string]any{
		"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
		"n": vtB64(pub.N.Bytes()),
		"e": vtB64(big.NewInt(int64(pub.E)).Bytes()),
	}
}

func vtECJWK(t testing.TB, kid string, pub *ecdsa.PublicKey) map[string]any {
	t.Helper()
	size := (pub.Curve.Params().BitSize + 7) / 8
	crv := map[int]string{256: "P-256", 384: "P-384", 521: "P-521"}[pub.Curve.Params().BitSize]
	point, err := pub.Bytes() // 0x04 || X || Y
	if err != nil {
		t.Fatal(err)
	}
	return map[string]any{
		"kty": "EC", "kid": kid, "crv": crv, "use": "sig",
		"x": vtB64(point[1 : 1+size]),
		"y": vtB64(point[1+size:]),
	}
}

func vtJWKSDoc(keys ...map[string]any) string {
	if keys == nil {
		keys = []map[string]any{}
	}
	return vtJSON(map[string]any{"keys": keys})
}

// vtJWKSServer is a JWKS endpoint whose document and health tests control.
type vtJWKSServer struct {
	*httptest.Server
	doc    atomic.Pointer[string]
	status atomic.Int32 // 0 means 200
	hits   atomic.Int64
	mu     sync.Mutex
	block  chan struct{} // when non-nil, requests wait for it to close
}

func vtNewJWKSServer(t testing.TB, doc string) *vtJWKSServer {
	t.Helper()
	s := &vtJWKSServer{}
	s.doc.Store(&doc)
	s.Server = httptest.NewUnstartedServer(s)
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func (s *vtJWKSServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.hits.Add(1)
	s.mu.Lock()
	block := s.block
	s.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-r.Context().Done():
			return
		}
	}
	if st := s.status.Load(); st != 0 {
		w.WriteHeader(int(st))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(*s.doc.Load()))
}

func (s *vtJWKSServer) set(doc string) { s.doc.Store(&doc) }

func (s *vtJWKSServer) url() string { return s.URL + "/.well-known/jwks.json" }

// vtJWKSConfig is vtConfig with keys from url instead of a PEM key.
func vtJWKSConfig(alg, url string) ValidatorConfig {
	cfg := vtConfig(alg)
	cfg.PublicKey = nil
	cfg.JWKSURL = url
	cfg.JWKSCacheTTL = time.Hour // refreshes in tests are explicit unless set
	cfg.JWKSFirstFetchTimeout = 2 * time.Second
	return cfg
}

// vtKidToken signs the fixture claims with key under kid (jti varies so the
// verified-token cache does not hide the first-sight path).
func vtKidToken(t testing.TB, alg, kid string, key any, jti string) string {
	t.Helper()
	h := vtHeader(alg)
	if kid != "" {
		h["kid"] = kid
	}
	c := vtClaims()
	c["jti"] = jti
	return vtSignRaw(t, vtJSON(h), vtJSON(c), vtMethod(alg), key)
}

// vtEventually polls cond every 10ms until it holds or the (generous,
// liveness-only) deadline passes.
func vtEventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func vtStart(t testing.TB, v *Validator) {
	t.Helper()
	if err := v.Start(context.Background()); err != nil {
		t.Fatalf("Start: %v", err)
	}
}

// ---- tests ----

// TestJWKSLoadsAndValidates: NewValidator does no I/O; Start loads the keys;
// RS256 and ES256 tokens verify with their kid; the health check reports the
// key count.
func TestJWKSLoadsAndValidates(t *testing.T) {
	k := vtKeys()
	for _, tc := range []struct {
		alg string
		jwk map[string]any
		key any
	}{
		{algRS256, vtRSAJWK(t, "r1", &k.rsa.PublicKey), k.rsa},
		{algES256, vtECJWK(t, "e1", &k.ec.PublicKey), k.ec},
	} {
		t.Run(tc.alg, func(t *testing.T) {
			srv := vtNewJWKSServer(t, vtJWKSDoc(tc.jwk))
			v := vtNewValidator(t, vtJWKSConfig(tc.alg, srv.url()))
			if !v.UsesJWKS() {
				t.Fatal("UsesJWKS is false")
			}
			if n := srv.hits.Load(); n != 0 {
				t.Fatalf("NewValidator fetched the JWKS (%d requests)", n)
			}
			vtStart(t, v)
			vtStart(t, v) // second Start is a no-op
			if n := srv.hits.Load(); n != 1 {
				t.Fatalf("Start made %d requests, want 1", n)
			}
			kid := tc.jwk["kid"].(string)
			vtCheck(t, v, vtKidToken(t, tc.alg, kid, tc.key, "j1"), "")
			res := v.JWKSCheck().Check(context.Background())
			if !res.OK() || res.Meta["keys"] != 1 {
				t.Fatalf("health %+v", res)
			}
		})
	}
}

// TestJWKSRotation: a token with a new kid triggers a refresh and is
// accepted; once the old key is withdrawn its tokens are rejected, also
// those already in the verified-token cache.
func TestJWKSRotation(t *testing.T) {
	k := vtKeys()
	srv := vtNewJWKSServer(t, vtJWKSDoc(vtRSAJWK(t, "old", &k.rsa.PublicKey)))
	v := vtNewValidator(t, vtJWKSConfig(algRS256, srv.url()))
	vtStart(t, v)

	oldTok := vtKidToken(t, algRS256, "old", k.rsa, "j-old")
	vtCheck(t, v, oldTok, "")
	vtCheck(t, v, oldTok, "") // now cached

	// Overlap: both keys published.
	srv.set(vtJWKSDoc(vtRSAJWK(t, "old", &k.rsa.PublicKey), vtRSAJWK(t, "new", &k.rsaNext.PublicKey)))
	newTok := vtKidToken(t, algRS256, "new", k.rsaNext, "j-new")
	vtCheck(t, v, newTok, "")
	vtCheck(t, v, oldTok, "")

	// The old key is withdrawn.
	srv.set(vtJWKSDoc(vtRSAJWK(t, "new", &k.rsaNext.PublicKey)))
	if err := v.jwks.refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	vtCheck(t, v, oldTok, ReasonUnknownKID)
	vtCheck(t, v, newTok, "")
	vtCheck(t, v, vtKidToken(t, algRS256, "old", k.rsa, "j-old-2"), ReasonUnknownKID)
}

// TestJWKSUnknownKIDRateLimited: a burst of unknown kids causes at most one
// fetch per limiter interval, and never blocks on the limiter.
func TestJWKSUnknownKIDRateLimited(t *testing.T) {
	k := vtKeys()
	srv := vtNewJWKSServer(t, vtJWKSDoc(vtRSAJWK(t, "good", &k.rsa.PublicKey)))
	v := vtNewValidator(t, vtJWKSConfig(algRS256, srv.url()))
	v.jwks.limiter = rate.NewLimiter(rate.Every(time.Hour), 1)
	vtStart(t, v)
	before := srv.hits.Load()

	var wg sync.WaitGroup
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok := vtKidToken(t, algRS256, fmt.Sprintf("rand-%d", i), k.rsaOther, "j")
			if _, err := v.Validate(context.Background(), tok); ReasonOf(err) != ReasonUnknownKID {
				t.Errorf("reason %q", ReasonOf(err))
			}
		}()
	}
	wg.Wait()
	for i := 0; i < 16; i++ {
		vtCheck(t, v, vtKidToken(t, algRS256, fmt.Sprintf("again-%d", i), k.rsaOther, "j"), ReasonUnknownKID)
	}
	if n := srv.hits.Load() - before; n > 1 {
		t.Fatalf("%d JWKS fetches for unknown kids, want at most 1", n)
	}
	vtCheck(t, v, vtKidToken(t, algRS256, "good", k.rsa, "j-good"), "")
}

// TestJWKSUnknownKIDFloodThenRotation: while random kids flood the
// validator, the issuer rotates to a new key; a token with the new kid is
// accepted within a bounded number of attempts (the flood's own refreshes
// load the new key; nothing waits on the limiter).
func TestJWKSUnknownKIDFloodThenRotation(t *testing.T) {
	k := vtKeys()
	srv := vtNewJWKSServer(t, vtJWKSDoc(vtRSAJWK(t, "k1", &k.rsa.PublicKey)))
	v := vtNewValidator(t, vtJWKSConfig(algRS256, srv.url()))
	v.jwks.limiter = rate.NewLimiter(rate.Every(50*time.Millisecond), 1)
	vtStart(t, v)

	stop := make(chan struct{})
	var flooders sync.WaitGroup
	var flood atomic.Int64
	junk := make([]string, 32)
	for i := range junk {
		junk[i] = vtKidToken(t, algRS256, fmt.Sprintf("flood-%d", i), k.rsaOther, "j")
	}
	for g := 0; g < 4; g++ {
		flooders.Add(1)
		go func() {
			defer flooders.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				_, _ = v.Validate(context.Background(), junk[(g*7+i)%len(junk)])
				flood.Add(1)
			}
		}()
	}
	vtEventually(t, 10*time.Second, "flood running", func() bool { return flood.Load() > 200 })

	srv.set(vtJWKSDoc(vtRSAJWK(t, "k2", &k.rsaNext.PublicKey)))
	legit := vtKidToken(t, algRS256, "k2", k.rsaNext, "j-legit")
	const maxAttempts = 1000 // 10ms apart: the limiter allows a refresh every 50ms
	attempts := 0
	for {
		attempts++
		_, err := v.Validate(context.Background(), legit)
		if err == nil {
			break
		}
		if ReasonOf(err) != ReasonUnknownKID {
			t.Fatalf("legit token: %v", err)
		}
		if attempts >= maxAttempts {
			t.Fatalf("legit token still rejected after %d attempts under an unknown-kid flood", attempts)
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	flooders.Wait()
	t.Logf("accepted after %d attempts; %d flood requests; %d JWKS fetches", attempts, flood.Load(), srv.hits.Load())
}

// TestJWKSServerDownAtStart: Start succeeds, requests get keys_unavailable
// (503) and the health check fails; when the server comes up the background
// refresh loads the keys.
func TestJWKSServerDownAtStart(t *testing.T) {
	k := vtKeys()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close() // nothing listens: connection refused

	cfg := vtJWKSConfig(algRS256, "http://"+addr+"/jwks")
	v := vtNewValidator(t, cfg)
	v.jwks.retryMin, v.jwks.retryMax = 20*time.Millisecond, 100*time.Millisecond
	vtStart(t, v)

	tok := vtKidToken(t, algRS256, "k1", k.rsa, "j1")
	vtCheck(t, v, tok, ReasonKeysUnavailable)
	res := v.JWKSCheck().Check(context.Background())
	if res.OK() || res.Error != "no signing keys loaded" {
		t.Fatalf("health while down: %+v", res)
	}

	l2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	srv := &vtJWKSServer{}
	doc := vtJWKSDoc(vtRSAJWK(t, "k1", &k.rsa.PublicKey))
	srv.doc.Store(&doc)
	srv.Server = httptest.NewUnstartedServer(srv)
	_ = srv.Listener.Close()
	srv.Listener = l2
	srv.Start()
	t.Cleanup(srv.Close)

	vtEventually(t, 20*time.Second, "keys loaded by the background refresh", func() bool { return v.jwks.size() == 1 })
	vtCheck(t, v, tok, "")
	if res := v.JWKSCheck().Check(context.Background()); !res.OK() {
		t.Fatalf("health after recovery: %+v", res)
	}
}

// TestJWKSServerDownLater: failed refreshes keep the last good keys.
func TestJWKSServerDownLater(t *testing.T) {
	k := vtKeys()
	srv := vtNewJWKSServer(t, vtJWKSDoc(vtRSAJWK(t, "k1", &k.rsa.PublicKey)))
	cfg := vtJWKSConfig(algRS256, srv.url())
	cfg.JWKSCacheTTL = 20 * time.Millisecond
	v := vtNewValidator(t, cfg)
	v.jwks.retryMin, v.jwks.retryMax = 10*time.Millisecond, 20*time.Millisecond
	vtStart(t, v)
	vtCheck(t, v, vtKidToken(t, algRS256, "k1", k.rsa, "j1"), "")

	srv.status.Store(http.StatusServiceUnavailable)
	down := srv.hits.Load()
	vtEventually(t, 20*time.Second, "background refreshes against the failing server", func() bool { return srv.hits.Load() >= down+3 })

	vtCheck(t, v, vtKidToken(t, algRS256, "k1", k.rsa, "j2"), "")
	vtCheck(t, v, vtKidToken(t, algRS256, "k9", k.rsaOther, "j3"), ReasonUnknownKID)
	if res := v.JWKSCheck().Check(context.Background()); !res.OK() || res.Meta["keys"] != 1 {
		t.Fatalf("health: %+v", res)
	}
}

// TestJWKSSlowServer: Start is bounded by the first-fetch timeout (it returns
// while the server is still stalling), and keys arrive once it answers.
func TestJWKSSlowServer(t *testing.T) {
	k := vtKeys()
	srv := vtNewJWKSServer(t, vtJWKSDoc(vtRSAJWK(t, "k1", &k.rsa.PublicKey)))
	release := make(chan struct{})
	srv.mu.Lock()
	srv.block = release
	srv.mu.Unlock()

	cfg := vtJWKSConfig(algRS256, srv.url())
	cfg.JWKSFirstFetchTimeout = 100 * time.Millisecond
	v := vtNewValidator(t, cfg)
	v.jwks.retryMin, v.jwks.retryMax = 20*time.Millisecond, 50*time.Millisecond

	started := make(chan error, 1)
	go func() { started <- v.Start(context.Background()) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
	case <-time.After(60 * time.Second):
		close(release)
		t.Fatal("Start waited for a stalled JWKS server")
	}
	tok := vtKidToken(t, algRS256, "k1", k.rsa, "j1")
	vtCheck(t, v, tok, ReasonKeysUnavailable)

	close(release)
	vtEventually(t, 20*time.Second, "keys after the server answers", func() bool { return v.jwks.size() == 1 })
	vtCheck(t, v, tok, "")
}

// TestJWKSStartRespectsContext: a cancelled start context does not fail
// Start; keys still arrive in the background.
func TestJWKSStartRespectsContext(t *testing.T) {
	k := vtKeys()
	srv := vtNewJWKSServer(t, vtJWKSDoc(vtRSAJWK(t, "k1", &k.rsa.PublicKey)))
	v := vtNewValidator(t, vtJWKSConfig(algRS256, srv.url()))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := v.Start(ctx); err != nil {
		t.Fatal(err)
	}
	vtEventually(t, 20*time.Second, "keys", func() bool { return v.jwks.size() == 1 })
}

// TestJWKSFiltersKeys: symmetric keys and keys for another algorithm, curve,
// use or strength are never used, whatever kid the token names.
func TestJWKSFiltersKeys(t *testing.T) {
	k := vtKeys()
	weak, p384 := k.weakRSA, k.p384
	oct := map[string]any{"kty": "oct", "kid": "shared", "k": vtB64(k.hmac)}
	rs384 := vtRSAJWK(t, "rs384", &k.rsaOther.PublicKey)
	rs384["alg"] = "RS384"
	enc := vtRSAJWK(t, "enc", &k.rsaOther.PublicKey)
	enc["use"] = "enc"
	signOnly := vtRSAJWK(t, "signonly", &k.rsaOther.PublicKey)
	signOnly["key_ops"] = []string{"sign"}
	withPrivate := vtRSAJWK(t, "private", &k.rsaNext.PublicKey)
	withPrivate["d"] = vtB64(k.rsaNext.D.Bytes())

	t.Run("RS256", func(t *testing.T) {
		srv := vtNewJWKSServer(t, vtJWKSDoc(
			oct, rs384, enc, signOnly,
			vtRSAJWK(t, "weak", &weak.PublicKey),
			vtECJWK(t, "ec", &k.ec.PublicKey),
			map[string]any{"kty": "OKP", "crv": "Ed25519", "kid": "ed", "x": vtB64(make([]byte, 32))},
			map[string]any{"kty": "RSA", "kid": "broken", "n": "!!", "e": "AQAB"},
			withPrivate,
			vtRSAJWK(t, "good", &k.rsa.PublicKey),
		))
		v := vtNewValidator(t, vtJWKSConfig(algRS256, srv.url()))
		v.jwks.limiter = rate.NewLimiter(0, 0) // no on-demand refresh: the loaded set decides
		vtStart(t, v)
		if n := v.jwks.size(); n != 2 {
			t.Fatalf("%d usable keys, want 2 (good, private reduced to public)", n)
		}
		// HS256 with the oct key's secret under its kid: alg confusion.
		vtCheck(t, v, vtKidToken(t, algHS256, "shared", k.hmac, "j"), ReasonAlgorithm)
		// RS256 under the oct key's kid: the oct key is not there.
		vtCheck(t, v, vtKidToken(t, algRS256, "shared", k.rsaOther, "j"), ReasonUnknownKID)
		vtCheck(t, v, vtKidToken(t, algRS256, "weak", weak, "j"), ReasonUnknownKID)
		for _, kid := range []string{"rs384", "enc", "signonly", "ec", "ed", "broken"} {
			vtCheck(t, v, vtKidToken(t, algRS256, kid, k.rsaOther, "j"), ReasonUnknownKID)
		}
		vtCheck(t, v, vtKidToken(t, algRS256, "good", k.rsa, "j"), "")
		vtCheck(t, v, vtKidToken(t, algRS256, "private", k.rsaNext, "j"), "")
	})
	t.Run("ES256", func(t *testing.T) {
		srv := vtNewJWKSServer(t, vtJWKSDoc(
			oct,
			vtECJWK(t, "p384", &p384.PublicKey),
			vtRSAJWK(t, "rsa", &k.rsa.PublicKey),
			vtECJWK(t, "good", &k.ec.PublicKey),
		))
		v := vtNewValidator(t, vtJWKSConfig(algES256, srv.url()))
		v.jwks.limiter = rate.NewLimiter(0, 0)
		vtStart(t, v)
		if n := v.jwks.size(); n != 1 {
			t.Fatalf("%d usable keys, want 1", n)
		}
		vtCheck(t, v, vtKidToken(t, algES256, "good", k.ec, "j"), "")
		vtCheck(t, v, vtKidToken(t, algES256, "p384", k.ecOther, "j"), ReasonUnknownKID)
		vtCheck(t, v, vtKidToken(t, algES256, "rsa", k.ecOther, "j"), ReasonUnknownKID)
	})
}

// TestJWKSKidless: a token without kid is accepted only when exactly one
// usable key is loaded.
func TestJWKSKidless(t *testing.T) {
	k := vtKeys()
	srv := vtNewJWKSServer(t, vtJWKSDoc(vtRSAJWK(t, "k1", &k.rsa.PublicKey)))
	v := vtNewValidator(t, vtJWKSConfig(algRS256, srv.url()))
	vtStart(t, v)
	vtCheck(t, v, vtKidToken(t, algRS256, "", k.rsa, "j1"), "")

	srv.set(vtJWKSDoc(vtRSAJWK(t, "k1", &k.rsa.PublicKey), vtRSAJWK(t, "k2", &k.rsaNext.PublicKey)))
	if err := v.jwks.refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	vtCheck(t, v, vtKidToken(t, algRS256, "", k.rsa, "j2"), ReasonUnknownKID)
}

// TestJWKSBadResponsesKeepLastGoodKeys: every kind of failed refresh leaves
// the loaded keys in place.
func TestJWKSBadResponsesKeepLastGoodKeys(t *testing.T) {
	k := vtKeys()
	good := vtJWKSDoc(vtRSAJWK(t, "k1", &k.rsa.PublicKey))
	srv := vtNewJWKSServer(t, good)
	v := vtNewValidator(t, vtJWKSConfig(algRS256, srv.url()))
	vtStart(t, v)

	huge := `{"keys":[],"pad":"` + strings.Repeat("x", maxJWKSBytes) + `"}`
	for _, tc := range []struct {
		name   string
		doc    string
		status int
	}{
		{"truncated JSON", `{"keys":[`, 0},
		{"no keys member", `{}`, 0},
		{"empty key set", `{"keys":[]}`, 0},
		{"only unusable keys", vtJWKSDoc(map[string]any{"kty": "oct", "kid": "k1", "k": vtB64(k.hmac)}), 0},
		{"over 1 MiB", huge, 0},
		{"HTTP 500", good, http.StatusInternalServerError},
		{"HTTP 404", good, http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv.set(tc.doc)
			srv.status.Store(int32(tc.status))
			if err := v.jwks.refresh(context.Background()); err == nil {
				t.Fatal("refresh succeeded")
			}
			if n := v.jwks.size(); n != 1 {
				t.Fatalf("keys = %d after a failed refresh", n)
			}
			vtCheck(t, v, vtKidToken(t, algRS256, "k1", k.rsa, "j-"+tc.name), "")
		})
	}
}

// TestJWKSNoRedirects: the default client does not follow redirects.
func TestJWKSNoRedirects(t *testing.T) {
	k := vtKeys()
	target := vtNewJWKSServer(t, vtJWKSDoc(vtRSAJWK(t, "k1", &k.rsa.PublicKey)))
	redirector := httptest.NewServer(http.RedirectHandler(target.url(), http.StatusFound))
	t.Cleanup(redirector.Close)
	v := vtNewValidator(t, vtJWKSConfig(algRS256, redirector.URL))
	vtStart(t, v)
	if n := v.jwks.size(); n != 0 {
		t.Fatalf("keys loaded through a redirect: %d", n)
	}
	if n := target.hits.Load(); n != 0 {
		t.Fatalf("redirect target contacted %d times", n)
	}
}

// TestJWKSCloseStopsRefresh: after Close no more fetches happen, Start
// fails, and Close is idempotent.
func TestJWKSCloseStopsRefresh(t *testing.T) {
	k := vtKeys()
	srv := vtNewJWKSServer(t, vtJWKSDoc(vtRSAJWK(t, "k1", &k.rsa.PublicKey)))
	cfg := vtJWKSConfig(algRS256, srv.url())
	cfg.JWKSCacheTTL = 10 * time.Millisecond
	v, err := NewValidator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	vtStart(t, v)
	vtEventually(t, 20*time.Second, "periodic refreshes", func() bool { return srv.hits.Load() >= 3 })
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	// A fetch that Close cancelled may still reach the server after Close
	// returned (the request was already on the wire): let it land first.
	time.Sleep(200 * time.Millisecond)
	after := srv.hits.Load()
	time.Sleep(200 * time.Millisecond) // 20 refresh intervals
	if n := srv.hits.Load(); n != after {
		t.Fatalf("%d fetches after Close", n-after)
	}
	if err := v.Start(context.Background()); err == nil {
		t.Fatal("Start after Close succeeded")
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	// Keys loaded so far still verify; unknown kids no longer fetch.
	vtCheck(t, v, vtKidToken(t, algRS256, "k1", k.rsa, "j1"), "")
	vtCheck(t, v, vtKidToken(t, algRS256, "k2", k.rsaOther, "j2"), ReasonUnknownKID)
	if n := srv.hits.Load(); n != after {
		t.Fatal("fetch after Close")
	}
}

// TestJWKSCloseWithoutStart: Close on a never-started JWKS validator.
func TestJWKSCloseWithoutStart(t *testing.T) {
	v, err := NewValidator(vtJWKSConfig(algRS256, "https://jwks.invalid/jwks.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestJWKSOnDemandRespectsRequestContext: a request whose context is done
// does not wait for a stalled refresh.
func TestJWKSOnDemandRespectsRequestContext(t *testing.T) {
	k := vtKeys()
	srv := vtNewJWKSServer(t, vtJWKSDoc(vtRSAJWK(t, "k1", &k.rsa.PublicKey)))
	v := vtNewValidator(t, vtJWKSConfig(algRS256, srv.url()))
	release := make(chan struct{})
	srv.mu.Lock()
	srv.block = release
	srv.mu.Unlock()
	defer close(release)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := v.Validate(ctx, vtKidToken(t, algRS256, "k1", k.rsa, "j1"))
	if ReasonOf(err) != ReasonKeysUnavailable {
		t.Fatalf("reason %q", ReasonOf(err))
	}
}
