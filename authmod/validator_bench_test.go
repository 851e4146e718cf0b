package authmod

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"math/rand/v2"
	"strings"
	"testing"
)

// Benchmarks of the validator. Run:
//
//	go test -run '^$' -bench . -benchmem ./authmod/
//
// First-sight benchmarks disable the verified-token cache so that every
// iteration does the full verification; BenchmarkRawRSAVerifyPKCS1v15 is the
// floor for RS256 (the crypto alone).

func benchValidator(b *testing.B, alg string, cacheSize int) *Validator {
	b.Helper()
	cfg := vtConfig(alg)
	cfg.CacheSize = cacheSize
	return vtNewValidator(b, cfg)
}

func benchValidate(b *testing.B, v *Validator, token string, wantOK bool) {
	b.Helper()
	ctx := context.Background()
	if _, err := v.Validate(ctx, token); (err == nil) != wantOK {
		b.Fatalf("unexpected result: %v", err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, _ = v.Validate(ctx, token)
	}
}

// vtRealisticToken is an access token with every claim fa-auth-m8 sets.
func vtRealisticToken(b *testing.B, alg string) string {
	return vtToken(b, alg, func(h, c map[string]any) {
		h["kid"] = "2025-01-key"
		c["tenant_id"] = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
		c["is_superuser"] = false
		c["email_verified"] = true
	})
}

func BenchmarkValidateFirstSightRS256(b *testing.B) {
	benchValidate(b, benchValidator(b, algRS256, -1), vtRealisticToken(b, algRS256), true)
}

func BenchmarkValidateFirstSightES256(b *testing.B) {
	benchValidate(b, benchValidator(b, algES256, -1), vtRealisticToken(b, algES256), true)
}

func BenchmarkValidateFirstSightHS256(b *testing.B) {
	benchValidate(b, benchValidator(b, algHS256, -1), vtRealisticToken(b, algHS256), true)
}

// BenchmarkValidateCacheHit: the same RS256 token again (sha256 + lookup +
// exp/nbf re-check + claims copy).
func BenchmarkValidateCacheHit(b *testing.B) {
	benchValidate(b, benchValidator(b, algRS256, 0), vtRealisticToken(b, algRS256), true)
}

// BenchmarkValidateCacheHitParallel: cache hits from all cores.
func BenchmarkValidateCacheHitParallel(b *testing.B) {
	v := benchValidator(b, algRS256, 0)
	token := vtRealisticToken(b, algRS256)
	if _, err := v.Validate(context.Background(), token); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, _ = v.Validate(context.Background(), token)
		}
	})
}

func benchJunk(shaped bool) string {
	r := rand.New(rand.NewPCG(7, 7))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	buf := make([]byte, DefaultMaxTokenBytes)
	for i := range buf {
		buf[i] = alphabet[r.IntN(len(alphabet))]
	}
	if shaped {
		copy(buf, "eyJhbGciOiJSUzI1NiJ9.ey")
		buf[4000] = '.'
	}
	return string(buf)
}

// BenchmarkValidateJunk8KiB: 8 KiB of random base64url characters (the
// largest token accepted by length).
func BenchmarkValidateJunk8KiB(b *testing.B) {
	benchValidate(b, benchValidator(b, algRS256, 0), benchJunk(false), false)
}

// BenchmarkValidateJunk8KiBShaped: 8 KiB of junk shaped like a JWT (a real
// RS256 header, a payload starting with "ey", two dots): it passes the shape
// filter, so it is hashed for the cache and decoded before it is rejected.
func BenchmarkValidateJunk8KiBShaped(b *testing.B) {
	benchValidate(b, benchValidator(b, algRS256, 0), benchJunk(true), false)
}

// BenchmarkValidateOversized: rejected on length alone.
func BenchmarkValidateOversized(b *testing.B) {
	benchValidate(b, benchValidator(b, algRS256, 0), strings.Repeat("A", 64<<10), false)
}

// BenchmarkValidateForgedRS256: a well-formed token with a wrong signature
// (the cost an attacker can impose per request).
func BenchmarkValidateForgedRS256(b *testing.B) {
	k := vtKeys()
	tok := vtSignRaw(b, vtJSON(vtHeader(algRS256)), vtJSON(vtClaims()), vtMethod(algRS256), k.rsaOther)
	benchValidate(b, benchValidator(b, algRS256, 0), tok, false)
}

// BenchmarkRawRSAVerifyPKCS1v15: crypto/rsa alone on the same signing input
// (SHA-256 of header.payload plus the PKCS #1 v1.5 verification).
func BenchmarkRawRSAVerifyPKCS1v15(b *testing.B) {
	k := vtKeys()
	tok := vtRealisticToken(b, algRS256)
	dot := strings.LastIndexByte(tok, '.')
	input := []byte(tok[:dot])
	sig, err := base64.RawURLEncoding.DecodeString(tok[dot+1:])
	if err != nil {
		b.Fatal(err)
	}
	pub := &k.rsa.PublicKey
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sum := sha256.Sum256(input)
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
			b.Fatal(err)
		}
	}
}
