package authmod

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// ---- shared fixtures of the validator tests (prefix vt) ----

type vtKeySet struct {
	rsa, rsaOther, rsaNext *rsa.PrivateKey
	ec, ecOther            *ecdsa.PrivateKey
	hmac, hmacOther        []byte
	// weakRSA (1024 bits) and p384 (wrong curve) are keys the kit refuses.
	weakRSA *rsa.PrivateKey
	p384    *ecdsa.PrivateKey
}

var vtKeys = sync.OnceValue(func() *vtKeySet {
	genRSA := func() *rsa.PrivateKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		return k
	}
	genEC := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
		return k
	}
	secret := func() []byte {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			panic(err)
		}
		return b
	}
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		panic(err)
	}
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return &vtKeySet{
		rsa: genRSA(), rsaOther: genRSA(), rsaNext: genRSA(),
		ec: genEC(), ecOther: genEC(),
		hmac: secret(), hmacOther: secret(),
		weakRSA: weak, p384: p384,
	}
})

var vtNow = time.Unix(1_900_000_000, 0)

const (
	vtSub  = "3f2b7c1e-8a4d-4e6f-9b1a-2c3d4e5f6a7b"
	vtSub2 = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
	vtIss  = "https://auth.example.test"
	vtAud  = "item-service"
)

func vtClock() time.Time { return vtNow }

// vtConfig is a strict, stateful configuration for alg with the fixture key.
func vtConfig(alg string) ValidatorConfig {
	k := vtKeys()
	cfg := ValidatorConfig{
		Algorithm:             alg,
		Issuer:                vtIss,
		Audience:              vtAud,
		RequireIssuerAudience: true,
		Leeway:                2 * time.Second,
		RequireJTI:            true,
		Now:                   vtClock,
	}
	switch alg {
	case algHS256:
		cfg.HMACSecret = k.hmac
	case algRS256:
		cfg.PublicKey = &k.rsa.PublicKey
	case algES256:
		cfg.PublicKey = &k.ec.PublicKey
	}
	return cfg
}

func vtNewValidator(t testing.TB, cfg ValidatorConfig) *Validator {
	t.Helper()
	v, err := NewValidator(cfg)
	if err != nil {
		t.Fatalf("NewValidator: %v", err)
	}
	t.Cleanup(func() { _ = v.Close() })
	return v
}

func vtMethod(alg string) jwt.SigningMethod {
	m := jwt.GetSigningMethod(alg)
	if m == nil {
		panic("no method " + alg)
	}
	return m
}

// vtSigningKey is the fixture's signing key for alg.
func vtSigningKey(alg string) any {
	k := vtKeys()
	switch alg {
	case algHS256:
		return k.hmac
	case algRS256:
		return k.rsa
	case algES256:
		return k.ec
	}
	panic(alg)
}

func vtClaims() map[string]any {
	return map[string]any{
		"sub":       vtSub,
		"type":      "access",
		"iss":       vtIss,
		"aud":       vtAud,
		"exp":       vtNow.Add(15 * time.Minute).Unix(),
		"iat":       vtNow.Add(-10 * time.Second).Unix(),
		"nbf":       vtNow.Add(-10 * time.Second).Unix(),
		"jti":       "jti-0001",
		"email":     "ada@example.test",
		"full_name": "Ada",
		"role":      "admin",
		"is_active": true,
	}
}

func vtHeader(alg string) map[string]any { return map[string]any{"alg": alg, "typ": "JWT"} }

var vtB64 = base64.RawURLEncoding.EncodeToString

func vtJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// vtSignRaw signs the exact header and claims JSON with method and key.
func vtSignRaw(t testing.TB, headerJSON, claimsJSON string, method jwt.SigningMethod, key any) string {
	t.Helper()
	input := vtB64([]byte(headerJSON)) + "." + vtB64([]byte(claimsJSON))
	sig, err := method.Sign(input, key)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return input + "." + vtB64(sig)
}

// vtToken signs the fixture claims for alg after mutate changed header and
// claims (nil values delete the member).
func vtToken(t testing.TB, alg string, mutate func(h, c map[string]any)) string {
	t.Helper()
	h, c := vtHeader(alg), vtClaims()
	if mutate != nil {
		mutate(h, c)
	}
	for k, v := range h {
		if v == nil {
			delete(h, k)
		}
	}
	for k, v := range c {
		if v == nil {
			delete(c, k)
		}
	}
	return vtSignRaw(t, vtJSON(h), vtJSON(c), vtMethod(alg), vtSigningKey(alg))
}

// vtCheck validates token and checks the outcome: wantReason "" means
// accepted.
func vtCheck(t testing.TB, v *Validator, token string, wantReason Reason) *Claims {
	t.Helper()
	c, err := v.Validate(context.Background(), token)
	if wantReason == "" {
		if err != nil {
			t.Fatalf("want accepted, got %v (chain: %v)", err, errors.Unwrap(errors.Unwrap(err)))
		}
		if c == nil {
			t.Fatal("accepted without claims")
		}
		return c
	}
	if err == nil {
		t.Fatalf("want reason %q, token was accepted", wantReason)
	}
	if c != nil {
		t.Fatal("claims returned with an error")
	}
	if got := ReasonOf(err); got != wantReason {
		t.Fatalf("reason = %q, want %q (err: %v; chain: %+v)", got, wantReason, err, vtChain(err))
	}
	wantSentinel := ErrInvalidToken
	if wantReason == ReasonKeysUnavailable {
		wantSentinel = ErrKeysUnavailable
	}
	if !errors.Is(err, wantSentinel) {
		t.Fatalf("error %v does not wrap %v", err, wantSentinel)
	}
	if msg := err.Error(); msg != wantSentinel.Error()+": "+string(wantReason) {
		t.Fatalf("error message %q carries more than the sentinel and reason", msg)
	}
	if len(token) >= 8 && strings.Contains(err.Error(), token) {
		t.Fatal("error message contains the token")
	}
	return nil
}

// vtChain renders the wrapped chain for failure messages.
func vtChain(err error) []string {
	var out []string
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		out = append(out, e.Error())
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// vtSegments splits a token.
func vtSegments(token string) (h, p, s string) {
	parts := strings.Split(token, ".")
	return parts[0], parts[1], parts[2]
}

// vtFlipTrailingBits changes the unused low bits of the last character of a
// base64url segment (same decoded bytes under lenient decoding).
func vtFlipTrailingBits(seg string) (string, bool) {
	if len(seg)%4 == 0 {
		return "", false
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, seg[len(seg)-1])
	return seg[:len(seg)-1] + string(alphabet[last^1]), true
}

func vtPEM(t testing.TB, pub any) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// ---- the rules ----

// TestValidateAcceptsEachAlgorithm: a well-formed token of each algorithm is
// accepted and its claims are returned.
func TestValidateAcceptsEachAlgorithm(t *testing.T) {
	for _, alg := range []string{algRS256, algES256, algHS256} {
		t.Run(alg, func(t *testing.T) {
			v := vtNewValidator(t, vtConfig(alg))
			c := vtCheck(t, v, vtToken(t, alg, nil), "")
			if c.Subject != vtSub || c.Type != "access" || c.Issuer != vtIss || c.Email != "ada@example.test" ||
				c.Role != "admin" || c.FullName != "Ada" || c.ID != "jti-0001" || c.IsActive == nil || !*c.IsActive {
				t.Fatalf("claims = %+v", c)
			}
			if len(c.Audience) != 1 || c.Audience[0] != vtAud {
				t.Fatalf("aud = %v", c.Audience)
			}
		})
	}
}

type vtCase struct {
	name   string
	alg    string                 // token/config algorithm, default RS256
	cfg    func(*ValidatorConfig) // optional config change
	token  func(t testing.TB) string
	reason Reason // "" = accepted
}

func vtRunCases(t *testing.T, cases []vtCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			alg := tc.alg
			if alg == "" {
				alg = algRS256
			}
			cfg := vtConfig(alg)
			cfg.CacheSize = -1 // every case on the first-sight path
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			v := vtNewValidator(t, cfg)
			vtCheck(t, v, tc.token(t), tc.reason)
		})
	}
}

func vtMut(alg string, f func(h, c map[string]any)) func(testing.TB) string {
	return func(t testing.TB) string { return vtToken(t, alg, f) }
}

// TestValidateSizeAndStructure: length, segments, alphabet, base64
// canonicality, JSON shape.
func TestValidateSizeAndStructure(t *testing.T) {
	valid := func(t testing.TB) string { return vtToken(t, algRS256, nil) }
	vtRunCases(t, []vtCase{
		{name: "empty", token: func(testing.TB) string { return "" }, reason: ReasonMissing},
		{name: "valid token one byte over MaxTokenBytes", cfg: func(c *ValidatorConfig) {
			c.MaxTokenBytes = len(vtToken(t, algRS256, nil)) - 1
		}, token: valid, reason: ReasonOversized},
		{name: "valid token exactly MaxTokenBytes", cfg: func(c *ValidatorConfig) {
			c.MaxTokenBytes = len(vtToken(t, algRS256, nil))
		}, token: valid},
		{name: "8 KiB + 1 of junk", token: func(testing.TB) string { return strings.Repeat("A", 8193) }, reason: ReasonOversized},
		{name: "two segments", token: func(t testing.TB) string {
			h, p, _ := vtSegments(valid(t))
			return h + "." + p
		}, reason: ReasonMalformed},
		{name: "four segments", token: func(t testing.TB) string { return valid(t) + ".AAAA" }, reason: ReasonMalformed},
		{name: "JWE compact (five segments)", token: func(t testing.TB) string { return valid(t) + ".AAAA.AAAA" }, reason: ReasonMalformed},
		{name: "padding on the signature", token: func(t testing.TB) string { return valid(t) + "==" }, reason: ReasonMalformed},
		{name: "line break inside the signature", token: func(t testing.TB) string {
			tok := valid(t)
			return tok[:len(tok)-10] + "\n" + tok[len(tok)-10:]
		}, reason: ReasonMalformed},
		{name: "space inside", token: func(t testing.TB) string {
			tok := valid(t)
			return tok[:20] + " " + tok[20:]
		}, reason: ReasonMalformed},
		{name: "standard base64 alphabet", token: func(t testing.TB) string {
			return strings.NewReplacer("-", "+", "_", "/").Replace(vtToken(t, algRS256, func(_, c map[string]any) { c["email"] = "\xfb\xff>>>???" }))
		}, reason: ReasonMalformed},
		{name: "non-zero trailing bits in the signature", token: func(t testing.TB) string {
			h, p, s := vtSegments(valid(t))
			s2, ok := vtFlipTrailingBits(s)
			if !ok {
				t.Fatal("RS256 signature has no trailing bits")
			}
			return h + "." + p + "." + s2
		}, reason: ReasonMalformed},
		{name: "non-zero trailing bits in the payload", token: func(t testing.TB) string {
			for pad := ""; ; pad += "x" {
				tok := vtToken(t, algRS256, func(_, c map[string]any) { c["pad"] = pad })
				h, p, s := vtSegments(tok)
				if p2, ok := vtFlipTrailingBits(p); ok {
					return h + "." + p2 + "." + s
				}
			}
		}, reason: ReasonMalformed},
		{name: "header is not JSON", token: func(t testing.TB) string {
			return vtB64([]byte("not json")) + "." + vtB64([]byte(vtJSON(vtClaims()))) + ".AAAA"
		}, reason: ReasonMalformed},
		{name: "header is a JSON array", token: func(t testing.TB) string {
			return vtSignRaw(t, `["RS256"]`, vtJSON(vtClaims()), jwt.SigningMethodRS256, vtKeys().rsa)
		}, reason: ReasonMalformed},
		{name: "claims are a JSON array", token: func(t testing.TB) string {
			return vtSignRaw(t, vtJSON(vtHeader(algRS256)), `[1,2]`, jwt.SigningMethodRS256, vtKeys().rsa)
		}, reason: ReasonMalformed},
		{name: "claims with trailing garbage", token: func(t testing.TB) string {
			return vtSignRaw(t, vtJSON(vtHeader(algRS256)), vtJSON(vtClaims())+`{}`, jwt.SigningMethodRS256, vtKeys().rsa)
		}, reason: ReasonMalformed},
		{name: "exp is a string", token: vtMut(algRS256, func(_, c map[string]any) { c["exp"] = "tomorrow" }), reason: ReasonMalformed},
		{name: "exp overflows float64", token: func(t testing.TB) string {
			c := strings.Replace(vtJSON(vtClaims()), `"exp":`, `"exp":1e999,"x":`, 1)
			return vtSignRaw(t, vtJSON(vtHeader(algRS256)), c, jwt.SigningMethodRS256, vtKeys().rsa)
		}, reason: ReasonMalformed},
		{name: "sub is a number", token: vtMut(algRS256, func(_, c map[string]any) { c["sub"] = 42 }), reason: ReasonMalformed},
		{name: "type is a number", token: vtMut(algRS256, func(_, c map[string]any) { c["type"] = 1 }), reason: ReasonMalformed},
	})
}

// TestValidateDuplicateMembers: encoding/json keeps the last of duplicate
// members and matches names case-insensitively, so every duplicate spelling
// is rejected (each token would otherwise be accepted with the second sub).
func TestValidateDuplicateMembers(t *testing.T) {
	claimsWith := func(dup string) func(testing.TB) string {
		return func(t testing.TB) string {
			c := vtJSON(vtClaims())
			c = c[:len(c)-1] + `,` + dup + `}`
			return vtSignRaw(t, vtJSON(vtHeader(algRS256)), c, jwt.SigningMethodRS256, vtKeys().rsa)
		}
	}
	vtRunCases(t, []vtCase{
		{name: "control: unrelated extra claim", token: claimsWith(`"tenant":"t1"`)},
		{name: "exact duplicate sub", token: claimsWith(`"sub":"` + vtSub2 + `"`), reason: ReasonMalformed},
		{name: "upper-case SUB", token: claimsWith(`"SUB":"` + vtSub2 + `"`), reason: ReasonMalformed},
		{name: "mixed-case Sub", token: claimsWith(`"Sub":"` + vtSub2 + `"`), reason: ReasonMalformed},
		{name: "long s (U+017F) folds to s", token: claimsWith(`"ſub":"` + vtSub2 + `"`), reason: ReasonMalformed},
		{name: "escaped \\u0073ub", token: claimsWith(`"\u0073ub":"` + vtSub2 + `"`), reason: ReasonMalformed},
		{name: "escaped \\u017fUB", token: claimsWith(`"\u017fUB":"` + vtSub2 + `"`), reason: ReasonMalformed},
		{name: "duplicate role", token: claimsWith(`"role":"superadmin"`), reason: ReasonMalformed},
		{name: "duplicate alg in header", token: func(t testing.TB) string {
			return vtSignRaw(t, `{"alg":"RS256","typ":"JWT","alg":"RS256"}`, vtJSON(vtClaims()), jwt.SigningMethodRS256, vtKeys().rsa)
		}, reason: ReasonMalformed},
		{name: "duplicate kid in header (static key)", token: func(t testing.TB) string {
			return vtSignRaw(t, `{"alg":"RS256","kid":"a","kid":"b"}`, vtJSON(vtClaims()), jwt.SigningMethodRS256, vtKeys().rsa)
		}, reason: ReasonMalformed},
		{name: "escaped member name in header", token: func(t testing.TB) string {
			return vtSignRaw(t, `{"alg":"RS256","\u0063rit":["exp"]}`, vtJSON(vtClaims()), jwt.SigningMethodRS256, vtKeys().rsa)
		}, reason: ReasonMalformed},
	})
}

// TestValidateHeader: alg, crit, typ, kid, and the key-carrying members that
// must never be used.
func TestValidateHeader(t *testing.T) {
	k := vtKeys()
	pubPEM := vtPEM(t, &k.rsa.PublicKey)
	pubDER, _ := x509.MarshalPKIXPublicKey(&k.rsa.PublicKey)

	// A server that must never be contacted (jku / x5u).
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte(vtJWKSDoc(vtRSAJWK(t, "evil", &k.rsaOther.PublicKey))))
	}))
	defer srv.Close()

	attackerJWK := map[string]any{
		"kty": "RSA", "kid": "attacker",
		"n": vtB64(k.rsaOther.PublicKey.N.Bytes()),
		"e": vtB64(big.NewInt(int64(k.rsaOther.PublicKey.E)).Bytes()),
	}
	selfSigned := vtSelfSignedCert(t, k.rsaOther)

	signOther := func(h map[string]any) func(testing.TB) string {
		return func(t testing.TB) string {
			return vtSignRaw(t, vtJSON(h), vtJSON(vtClaims()), jwt.SigningMethodRS256, k.rsaOther)
		}
	}

	vtRunCases(t, []vtCase{
		{name: "alg none", token: func(t testing.TB) string {
			return vtB64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + vtB64([]byte(vtJSON(vtClaims()))) + "."
		}, reason: ReasonAlgorithm},
		{name: "alg None", token: func(t testing.TB) string {
			return vtB64([]byte(`{"alg":"None"}`)) + "." + vtB64([]byte(vtJSON(vtClaims()))) + "."
		}, reason: ReasonAlgorithm},
		{name: "alg confusion: HS256 keyed with the RSA public key PEM", token: func(t testing.TB) string {
			return vtSignRaw(t, `{"alg":"HS256","typ":"JWT"}`, vtJSON(vtClaims()), jwt.SigningMethodHS256, pubPEM)
		}, reason: ReasonAlgorithm},
		{name: "alg confusion: HS256 keyed with the RSA public key DER", token: func(t testing.TB) string {
			return vtSignRaw(t, `{"alg":"HS256"}`, vtJSON(vtClaims()), jwt.SigningMethodHS256, pubDER)
		}, reason: ReasonAlgorithm},
		{name: "RS512 with the right key", token: func(t testing.TB) string {
			return vtSignRaw(t, `{"alg":"RS512"}`, vtJSON(vtClaims()), jwt.SigningMethodRS512, k.rsa)
		}, reason: ReasonAlgorithm},
		{name: "PS256 with the right key", token: func(t testing.TB) string {
			return vtSignRaw(t, `{"alg":"PS256"}`, vtJSON(vtClaims()), jwt.SigningMethodPS256, k.rsa)
		}, reason: ReasonAlgorithm},
		{name: "alg in lower case", token: func(t testing.TB) string {
			return vtSignRaw(t, `{"alg":"rs256"}`, vtJSON(vtClaims()), jwt.SigningMethodRS256, k.rsa)
		}, reason: ReasonAlgorithm},
		{name: "alg missing", token: func(t testing.TB) string {
			return vtSignRaw(t, `{"typ":"JWT"}`, vtJSON(vtClaims()), jwt.SigningMethodRS256, k.rsa)
		}, reason: ReasonAlgorithm},
		{name: "alg not a string", token: func(t testing.TB) string {
			return vtSignRaw(t, `{"alg":["RS256"]}`, vtJSON(vtClaims()), jwt.SigningMethodRS256, k.rsa)
		}, reason: ReasonAlgorithm},
		{name: "RS256 token to an HS256 validator", alg: algHS256, token: vtMut(algRS256, nil), reason: ReasonAlgorithm},
		{name: "ES256 token to an RS256 validator", token: vtMut(algES256, nil), reason: ReasonAlgorithm},
		{name: "crit", token: vtMut(algRS256, func(h, _ map[string]any) { h["crit"] = []string{"exp"} }), reason: ReasonCrit},
		{name: "crit empty array", token: vtMut(algRS256, func(h, _ map[string]any) { h["crit"] = []string{} }), reason: ReasonCrit},
		{name: "crit null", token: func(t testing.TB) string {
			return vtSignRaw(t, `{"alg":"RS256","crit":null}`, vtJSON(vtClaims()), jwt.SigningMethodRS256, k.rsa)
		}, reason: ReasonCrit},
		{name: "b64=false with crit", token: vtMut(algRS256, func(h, _ map[string]any) { h["b64"] = false; h["crit"] = []string{"b64"} }), reason: ReasonCrit},
		{name: "typ absent", token: vtMut(algRS256, func(h, _ map[string]any) { h["typ"] = nil })},
		{name: "typ jwt (lower case)", token: vtMut(algRS256, func(h, _ map[string]any) { h["typ"] = "jwt" })},
		{name: "typ at+jwt", token: vtMut(algRS256, func(h, _ map[string]any) { h["typ"] = "at+jwt" })},
		{name: "typ AT+JWT", token: vtMut(algRS256, func(h, _ map[string]any) { h["typ"] = "AT+JWT" })},
		{name: "typ JOSE", token: vtMut(algRS256, func(h, _ map[string]any) { h["typ"] = "JOSE" }), reason: ReasonType},
		{name: "typ refresh+jwt", token: vtMut(algRS256, func(h, _ map[string]any) { h["typ"] = "refresh+jwt" }), reason: ReasonType},
		{name: "typ empty", token: vtMut(algRS256, func(h, _ map[string]any) { h["typ"] = "" }), reason: ReasonType},
		{name: "typ not a string", token: vtMut(algRS256, func(h, _ map[string]any) { h["typ"] = 1 }), reason: ReasonType},
		{name: "kid is opaque without a JWKS", token: vtMut(algRS256, func(h, _ map[string]any) { h["kid"] = "../../etc/passwd' OR 1=1" })},
		{name: "kid of 256 characters", token: vtMut(algRS256, func(h, _ map[string]any) { h["kid"] = strings.Repeat("k", 256) })},
		{name: "kid of 257 characters", token: vtMut(algRS256, func(h, _ map[string]any) { h["kid"] = strings.Repeat("k", 257) }), reason: ReasonMalformed},
		{name: "kid empty", token: vtMut(algRS256, func(h, _ map[string]any) { h["kid"] = "" }), reason: ReasonMalformed},
		{name: "kid not a string", token: vtMut(algRS256, func(h, _ map[string]any) { h["kid"] = 7 }), reason: ReasonMalformed},
		{name: "embedded jwk signed with its own key", token: signOther(map[string]any{"alg": "RS256", "jwk": attackerJWK}), reason: ReasonSignature},
		{name: "jku to an attacker JWKS", token: signOther(map[string]any{"alg": "RS256", "kid": "evil", "jku": srv.URL}), reason: ReasonSignature},
		{name: "x5u to an attacker certificate", token: signOther(map[string]any{"alg": "RS256", "x5u": srv.URL}), reason: ReasonSignature},
		{name: "x5c with the attacker certificate", token: signOther(map[string]any{"alg": "RS256", "x5c": []string{base64.StdEncoding.EncodeToString(selfSigned)}}), reason: ReasonSignature},
		{name: "jku ignored on a valid token", token: vtMut(algRS256, func(h, _ map[string]any) { h["jku"] = srv.URL })},
	})
	if n := hits.Load(); n != 0 {
		t.Fatalf("the jku/x5u server was contacted %d times", n)
	}
}

// TestValidateSignature: forged, stripped and tampered signatures.
func TestValidateSignature(t *testing.T) {
	k := vtKeys()
	strip := func(alg string) func(testing.TB) string {
		return func(t testing.TB) string {
			h, p, _ := vtSegments(vtToken(t, alg, nil))
			return h + "." + p + "."
		}
	}
	tamper := func(alg string) func(testing.TB) string {
		return func(t testing.TB) string {
			_, _, s := vtSegments(vtToken(t, alg, nil))
			h2, p2, _ := vtSegments(vtToken(t, alg, func(_, c map[string]any) { c["role"] = "superadmin" }))
			return h2 + "." + p2 + "." + s
		}
	}
	otherKey := func(alg string, key any) func(testing.TB) string {
		return func(t testing.TB) string {
			return vtSignRaw(t, vtJSON(vtHeader(alg)), vtJSON(vtClaims()), vtMethod(alg), key)
		}
	}
	var cases []vtCase
	for _, alg := range []string{algRS256, algES256, algHS256} {
		cases = append(cases,
			vtCase{name: alg + " stripped signature", alg: alg, token: strip(alg), reason: ReasonSignature},
			vtCase{name: alg + " tampered claims", alg: alg, token: tamper(alg), reason: ReasonSignature},
		)
	}
	cases = append(cases,
		vtCase{name: "RS256 other key", token: otherKey(algRS256, k.rsaOther), reason: ReasonSignature},
		vtCase{name: "ES256 other key", alg: algES256, token: otherKey(algES256, k.ecOther), reason: ReasonSignature},
		vtCase{name: "HS256 other secret", alg: algHS256, token: otherKey(algHS256, k.hmacOther), reason: ReasonSignature},
		vtCase{name: "ES256 zero signature r=s=0", alg: algES256, token: func(t testing.TB) string {
			h, p, _ := vtSegments(vtToken(t, algES256, nil))
			return h + "." + p + "." + vtB64(make([]byte, 64))
		}, reason: ReasonSignature},
		vtCase{name: "ES256 r=n, s=n", alg: algES256, token: func(t testing.TB) string {
			h, p, _ := vtSegments(vtToken(t, algES256, nil))
			n := elliptic.P256().Params().N.FillBytes(make([]byte, 32))
			return h + "." + p + "." + vtB64(append(append([]byte{}, n...), n...))
		}, reason: ReasonSignature},
		vtCase{name: "ES256 ASN.1 DER signature", alg: algES256, token: func(t testing.TB) string {
			tok := vtToken(t, algES256, nil)
			h, p, _ := vtSegments(tok)
			digest := jwt.SigningMethodES256.Hash.New()
			digest.Write([]byte(h + "." + p))
			der, err := ecdsa.SignASN1(rand.Reader, k.ec, digest.Sum(nil))
			if err != nil {
				t.Fatal(err)
			}
			return h + "." + p + "." + vtB64(der)
		}, reason: ReasonSignature},
		vtCase{name: "RS256 signature truncated", token: func(t testing.TB) string {
			h, p, s := vtSegments(vtToken(t, algRS256, nil))
			sig, err := base64.RawURLEncoding.DecodeString(s)
			if err != nil {
				t.Fatal(err)
			}
			return h + "." + p + "." + vtB64(sig[:len(sig)-1])
		}, reason: ReasonSignature},
	)
	vtRunCases(t, cases)
}

// TestValidateTimeClaims: exp, nbf, iat, lifetime, with the 2s leeway.
func TestValidateTimeClaims(t *testing.T) {
	at := func(d time.Duration) int64 { return vtNow.Add(d).Unix() }
	set := func(kv ...any) func(testing.TB) string {
		return vtMut(algRS256, func(_, c map[string]any) {
			for i := 0; i < len(kv); i += 2 {
				c[kv[i].(string)] = kv[i+1]
			}
		})
	}
	vtRunCases(t, []vtCase{
		{name: "exp missing", token: set("exp", nil), reason: ReasonLifetime},
		{name: "exp null", token: set("exp", nil), reason: ReasonLifetime},
		{name: "exp passed", token: set("exp", at(-time.Minute)), reason: ReasonExpired},
		{name: "exp passed by more than the leeway", token: set("exp", at(-3*time.Second)), reason: ReasonExpired},
		{name: "exp passed within the leeway", token: set("exp", at(-time.Second))},
		{name: "exp passed within a zero leeway", cfg: func(c *ValidatorConfig) { c.Leeway = 0 }, token: set("exp", at(-time.Second)), reason: ReasonExpired},
		{name: "exp negative", token: set("exp", -1), reason: ReasonExpired},
		{name: "nbf in the future", token: set("nbf", at(time.Minute)), reason: ReasonNotYetValid},
		{name: "nbf in the future within the leeway", token: set("nbf", at(time.Second))},
		{name: "nbf absent", token: set("nbf", nil)},
		{name: "iat in the future", token: set("iat", at(time.Minute)), reason: ReasonIssuedInFuture},
		{name: "iat in the future within the leeway", token: set("iat", at(time.Second))},
		{name: "iat missing", token: set("iat", nil), reason: ReasonLifetime},
		{name: "lifetime over the 24h default", token: set("iat", at(-time.Minute), "exp", at(24*time.Hour)), reason: ReasonLifetime},
		{name: "lifetime exactly 24h", token: set("iat", at(-time.Hour), "exp", at(23*time.Hour))},
		{name: "lifetime over a configured bound", cfg: func(c *ValidatorConfig) { c.MaxLifetime = time.Hour }, token: set("iat", at(-time.Minute), "exp", at(time.Hour)), reason: ReasonLifetime},
		{name: "exp before iat", token: set("iat", at(2*time.Second), "exp", at(time.Second), "nbf", nil), reason: ReasonLifetime},
		{name: "exp in the year 300000", token: set("exp", int64(1e13)), reason: ReasonLifetime},
		{name: "fractional dates", token: set("exp", float64(at(time.Minute))+0.5, "iat", float64(at(-time.Second))+0.25)},
	})
}

// TestValidateIssuerAudience: iss/aud binding, arrays, strict and lax modes.
func TestValidateIssuerAudience(t *testing.T) {
	set := func(k string, v any) func(testing.TB) string {
		return vtMut(algRS256, func(_, c map[string]any) { c[k] = v })
	}
	lax := func(c *ValidatorConfig) { c.RequireIssuerAudience, c.Issuer, c.Audience = false, "", "" }
	laxWithIss := func(c *ValidatorConfig) { c.RequireIssuerAudience, c.Audience = false, "" }
	vtRunCases(t, []vtCase{
		{name: "wrong iss", token: set("iss", "https://evil.test"), reason: ReasonIssuer},
		{name: "iss differs by a trailing slash", token: set("iss", vtIss+"/"), reason: ReasonIssuer},
		{name: "iss missing (strict)", token: set("iss", nil), reason: ReasonIssuer},
		{name: "iss not a string", token: set("iss", 5), reason: ReasonMalformed},
		{name: "wrong aud", token: set("aud", "other-service"), reason: ReasonAudience},
		{name: "aud array containing ours", token: set("aud", []string{"other", vtAud})},
		{name: "aud array without ours", token: set("aud", []string{"other"}), reason: ReasonAudience},
		{name: "aud empty array", token: set("aud", []string{}), reason: ReasonAudience},
		{name: "aud empty string", token: set("aud", ""), reason: ReasonAudience},
		{name: "aud missing (strict)", token: set("aud", nil), reason: ReasonAudience},
		{name: "aud differs in case", token: set("aud", strings.ToUpper(vtAud)), reason: ReasonAudience},
		{name: "aud not strings", token: set("aud", []any{1, 2}), reason: ReasonMalformed},
		{name: "lax: iss and aud absent", cfg: lax, token: vtMut(algRS256, func(_, c map[string]any) { c["iss"], c["aud"] = nil, nil })},
		{name: "lax: any iss and aud", cfg: lax, token: vtMut(algRS256, func(_, c map[string]any) { c["iss"], c["aud"] = "x", "y" })},
		{name: "lax with Issuer set: wrong iss", cfg: laxWithIss, token: set("iss", "https://evil.test"), reason: ReasonIssuer},
		{name: "lax with Issuer set: missing iss", cfg: laxWithIss, token: set("iss", nil), reason: ReasonIssuer},
		{name: "lax with Issuer set: aud not checked", cfg: laxWithIss, token: set("aud", "whatever")},
	})
}

// TestValidateM8Claims: type, sub, jti.
func TestValidateM8Claims(t *testing.T) {
	set := func(k string, v any) func(testing.TB) string {
		return vtMut(algRS256, func(_, c map[string]any) { c[k] = v })
	}
	stateless := func(c *ValidatorConfig) { c.RequireJTI = false }
	vtRunCases(t, []vtCase{
		{name: "refresh token", token: set("type", "refresh"), reason: ReasonType},
		{name: "type missing", token: set("type", nil), reason: ReasonType},
		{name: "type Access", token: set("type", "Access"), reason: ReasonType},
		{name: "sub missing", token: set("sub", nil), reason: ReasonSubject},
		{name: "sub not a UUID", token: set("sub", "admin"), reason: ReasonSubject},
		{name: "sub upper-case UUID", token: set("sub", strings.ToUpper(vtSub)), reason: ReasonSubject},
		{name: "sub braced UUID", token: set("sub", "{"+vtSub+"}"), reason: ReasonSubject},
		{name: "sub URN UUID", token: set("sub", "urn:uuid:"+vtSub), reason: ReasonSubject},
		{name: "sub UUID without hyphens", token: set("sub", strings.ReplaceAll(vtSub, "-", "")), reason: ReasonSubject},
		{name: "sub nil UUID", token: set("sub", "00000000-0000-0000-0000-000000000000"), reason: ReasonSubject},
		{name: "jti missing (stateful)", token: set("jti", nil), reason: ReasonJTI},
		{name: "jti empty (stateful)", token: set("jti", ""), reason: ReasonJTI},
		{name: "jti missing (stateless)", cfg: stateless, token: set("jti", nil)},
		{name: "jti of 128 characters", token: set("jti", strings.Repeat("j", 128))},
		{name: "jti of 129 characters", token: set("jti", strings.Repeat("j", 129)), reason: ReasonJTI},
		{name: "jti of 129 characters (stateless)", cfg: stateless, token: set("jti", strings.Repeat("j", 129)), reason: ReasonJTI},
		{name: "jti with a control character", token: set("jti", "abc\ndef"), reason: ReasonJTI},
		{name: "jti not a string", token: set("jti", 12), reason: ReasonMalformed},
	})
}

// TestValidateErrorsNeverCarryTheToken: also for junk that resembles text.
func TestValidateErrorsNeverCarryTheToken(t *testing.T) {
	v := vtNewValidator(t, vtConfig(algRS256))
	for _, tok := range []string{
		"invalid token", "malformed", "Bearer abc.def.ghi", "a.b.c",
		vtToken(t, algRS256, func(_, c map[string]any) { c["type"] = "refresh" }),
	} {
		_, err := v.Validate(context.Background(), tok)
		if err == nil {
			t.Fatalf("%q accepted", tok)
		}
		if len(tok) > len("invalid token: keys_unavailable") && strings.Contains(err.Error(), tok) {
			t.Fatalf("error %q contains the token", err)
		}
		if !strings.HasPrefix(err.Error(), "invalid token: ") {
			t.Fatalf("error %q", err)
		}
	}
}

// TestValidateNilContext: a nil context is tolerated.
func TestValidateNilContext(t *testing.T) {
	v := vtNewValidator(t, vtConfig(algRS256))
	//lint:ignore SA1012 deliberately nil
	if _, err := v.Validate(nil, vtToken(t, algRS256, nil)); err != nil { //nolint:staticcheck
		t.Fatal(err)
	}
}

// TestValidateConcurrent exercises the validator and its cache from many
// goroutines (run with -race).
func TestValidateConcurrent(t *testing.T) {
	v := vtNewValidator(t, vtConfig(algES256))
	tokens := make([]string, 8)
	for i := range tokens {
		tokens[i] = vtToken(t, algES256, func(_, c map[string]any) { c["jti"] = fmt.Sprintf("j%d", i) })
	}
	bad := vtToken(t, algES256, func(_, c map[string]any) { c["type"] = "refresh" })
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				c, err := v.Validate(context.Background(), tokens[(g+i)%len(tokens)])
				if err != nil || c.Subject != vtSub {
					t.Errorf("validate: %v", err)
					return
				}
				c.Subject = "mutated"
				if _, err := v.Validate(context.Background(), bad); err == nil {
					t.Error("bad token accepted")
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestUsesJWKSAndStaticCheck: without a JWKS the health check is ok.
func TestUsesJWKSAndStaticCheck(t *testing.T) {
	v := vtNewValidator(t, vtConfig(algHS256))
	if v.UsesJWKS() {
		t.Fatal("UsesJWKS with an HMAC secret")
	}
	if err := v.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	chk := v.JWKSCheck()
	if chk.Name() != "jwks" {
		t.Fatalf("name %q", chk.Name())
	}
	res := chk.Check(context.Background())
	if !res.OK() || res.Meta["keys"] != 1 {
		t.Fatalf("result %+v", res)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
}

func vtSelfSignedCert(t testing.TB, key *rsa.PrivateKey) []byte {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "attacker"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}
