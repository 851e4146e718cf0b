package bench

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/fxtest_helpers"
)

// discard is a ResponseWriter that keeps nothing, so that the benchmarks
// measure the engine and the guard, not a recorder.
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

// engine serves GET /x with the given guards in front of a tiny handler.
func engine(guards ...gin.HandlerFunc) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	h := append(guards, func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	e.GET("/x", h...)
	return e
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

func request(token string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, "/x", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// guard builds the AnyUser guard over a real Validator for is.
func guard(b *testing.B, is *fxtest_helpers.Issuer, cacheSize int, rev authmod.RevocationChecker) gin.HandlerFunc {
	b.Helper()
	cfg := authmod.ValidatorConfig{
		Algorithm:             is.Alg(),
		Issuer:                is.IssuerURL(),
		Audience:              is.Audience(),
		RequireIssuerAudience: true,
		Leeway:                2 * time.Second,
		CacheSize:             cacheSize,
	}
	switch is.Alg() {
	case "HS256":
		cfg.HMACSecret = is.Secret()
	default:
		cfg.PublicKey = is.PublicKey()
	}
	_, stateful := rev.(*authmod.RemoteRevocationClient)
	cfg.RequireJTI = stateful
	v, err := authmod.NewValidator(cfg)
	if err != nil {
		b.Fatal(err)
	}
	if err := v.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = v.Close() })
	a, err := authmod.NewAuthenticator(authmod.AuthenticatorParams{Validator: v, Revocation: rev})
	if err != nil {
		b.Fatal(err)
	}
	return a.Require(authmod.AnyUser()).GuardHandler()
}

// BenchmarkAuth compares, in one run, a bare handler with the same handler
// behind the AnyUser guard.
func BenchmarkAuth(b *testing.B) {
	b.Run("bare", func(b *testing.B) {
		run(b, engine(), request(""), http.StatusOK)
	})
	for _, alg := range []string{"RS256", "ES256", "HS256"} {
		var opts []fxtest_helpers.IssuerOption
		if alg != "HS256" {
			opts = append(opts, fxtest_helpers.IssuerPEMFile())
		}
		is := fxtest_helpers.NewIssuer(b, alg, opts...)
		token := is.Token()
		// First sight: the verified-token cache is off, so every request
		// verifies the signature, as for a token seen for the first time.
		b.Run("first-sight/"+alg, func(b *testing.B) {
			run(b, engine(guard(b, is, -1, authmod.NoRevocation{})), request(token), http.StatusOK)
		})
		b.Run("repeated/"+alg, func(b *testing.B) {
			run(b, engine(guard(b, is, 0, authmod.NoRevocation{})), request(token), http.StatusOK)
		})
	}
	is := fxtest_helpers.NewIssuer(b, "RS256", fxtest_helpers.IssuerPEMFile())
	// A forged token: valid shape, signed with another RSA key. It is never
	// cached, so every request pays one signature verification.
	forger := fxtest_helpers.NewIssuer(b, "RS256", fxtest_helpers.IssuerPEMFile())
	b.Run("forged/RS256", func(b *testing.B) {
		run(b, engine(guard(b, is, 0, authmod.NoRevocation{})), request(forger.Token()), http.StatusUnauthorized)
	})
	b.Run("junk-8KiB", func(b *testing.B) {
		junk := strings.Repeat("A", 8<<10)
		run(b, engine(guard(b, is, 0, authmod.NoRevocation{})), request(junk), http.StatusUnauthorized)
	})
	b.Run("junk-over-8KiB", func(b *testing.B) {
		junk := strings.Repeat("A", 8<<10+1)
		run(b, engine(guard(b, is, 0, authmod.NoRevocation{})), request(junk), http.StatusUnauthorized)
	})
	for _, ttl := range []time.Duration{0, time.Minute} {
		name := "stateful/no-cache"
		if ttl > 0 {
			name = "stateful/cache-1m"
		}
		b.Run(name, func(b *testing.B) {
			srv := fxtest_helpers.NewRevocationServer(b)
			rev, err := authmod.NewRemoteRevocationClient(authmod.RevocationConfig{URL: srv.URL(), Secret: srv.Secret(), CacheTTL: ttl})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = rev.Close() })
			run(b, engine(guard(b, is, 0, rev)), request(is.Token()), http.StatusOK)
		})
	}
}

// BenchmarkRawECDSAVerify is the floor for first-sight ES256: hashing the
// signing input and crypto/ecdsa's verification, nothing else.
func BenchmarkRawECDSAVerify(b *testing.B) {
	is := fxtest_helpers.NewIssuer(b, "ES256", fxtest_helpers.IssuerPEMFile())
	token := is.Token()
	dot := strings.LastIndexByte(token, '.')
	sig, err := jwt.NewParser().DecodeSegment(token[dot+1:])
	if err != nil || len(sig) != 64 {
		b.Fatalf("signature: %v (%d bytes)", err, len(sig))
	}
	pub := is.PublicKey().(*ecdsa.PublicKey)
	r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
	input := []byte(token[:dot])
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sum := sha256.Sum256(input)
		if !ecdsa.Verify(pub, sum[:], r, s) {
			b.Fatal("signature does not verify")
		}
	}
}

// BenchmarkRawRSAVerify is the floor for first-sight RS256: hashing the
// signing input and crypto/rsa's PKCS#1 v1.5 verification, nothing else.
func BenchmarkRawRSAVerify(b *testing.B) {
	is := fxtest_helpers.NewIssuer(b, "RS256", fxtest_helpers.IssuerPEMFile())
	token := is.Token()
	dot := strings.LastIndexByte(token, '.')
	sig, err := jwt.NewParser().DecodeSegment(token[dot+1:])
	if err != nil {
		b.Fatal(err)
	}
	pub := is.PublicKey().(*rsa.PublicKey)
	input := []byte(token[:dot])
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sum := sha256.Sum256(input)
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
			b.Fatal(err)
		}
	}
}
