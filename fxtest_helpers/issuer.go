package fxtest_helpers

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/m8fx/kit/authmod"
)

// Defaults of [NewIssuer].
const (
	DefaultIssuerURL     = "https://auth.m8fx.test"
	DefaultAudience      = "m8fx-test-service"
	DefaultTokenLifetime = 15 * time.Minute
	// JWKSPath is where the issuer's JWKS server publishes its keys.
	JWKSPath = "/.well-known/jwks.json"
)

// Issuer is an in-process stand-in for fa-auth-m8's token issuing: it holds
// signing keys, mints access tokens, and publishes the public keys the way
// the app under test reads them (a JWKS server, a PEM file, or a shared
// HS256 secret). Use [Issuer.Env] to point an app at it. It is safe for
// concurrent use.
type Issuer struct {
	t        testing.TB
	alg      string
	method   jwt.SigningMethod
	iss, aud string
	pemPath  string // set when keys are published as a PEM file

	server   *httptest.Server // JWKS server (asymmetric, not PEM mode)
	jwksDown atomic.Bool
	fetches  atomic.Int64

	mu   sync.Mutex
	keys []issuerKey // every published key; the last one signs
}

type issuerKey struct {
	kid    string
	signer any // *rsa.PrivateKey, *ecdsa.PrivateKey or []byte (HS256)
}

// IssuerOption configures [NewIssuer].
type IssuerOption func(*issuerConfig)

type issuerConfig struct {
	iss, aud string
	pemFile  bool
	secret   []byte
}

// IssuerURL sets the iss of minted tokens and TOKEN_ISSUER (default
// [DefaultIssuerURL]).
func IssuerURL(iss string) IssuerOption { return func(c *issuerConfig) { c.iss = iss } }

// IssuerAudience sets the aud of minted tokens and TOKEN_AUDIENCE (default
// [DefaultAudience]).
func IssuerAudience(aud string) IssuerOption { return func(c *issuerConfig) { c.aud = aud } }

// IssuerPEMFile publishes the public key as a PEM file in t.TempDir()
// (ACCESS_PUBLIC_KEY_FILE) instead of a JWKS server. Only for RS256/ES256.
func IssuerPEMFile() IssuerOption { return func(c *issuerConfig) { c.pemFile = true } }

// IssuerHMACSecret sets the HS256 secret (default: 32 random bytes, hex
// encoded). Only for HS256.
func IssuerHMACSecret(secret string) IssuerOption {
	return func(c *issuerConfig) { c.secret = []byte(secret) }
}

// NewIssuer returns an issuer for alg: "RS256" (RSA-2048), "ES256" (P-256)
// or "HS256" (a 64-character secret). Asymmetric keys are published by a
// JWKS server (or a PEM file, see [IssuerPEMFile]); the server is closed when
// the test ends.
func NewIssuer(t testing.TB, alg string, opts ...IssuerOption) *Issuer {
	t.Helper()
	cfg := issuerConfig{iss: DefaultIssuerURL, aud: DefaultAudience}
	for _, o := range opts {
		o(&cfg)
	}
	is := &Issuer{t: t, alg: alg, iss: cfg.iss, aud: cfg.aud}
	switch alg {
	case "RS256":
		is.method = jwt.SigningMethodRS256
	case "ES256":
		is.method = jwt.SigningMethodES256
	case "HS256":
		is.method = jwt.SigningMethodHS256
		if cfg.pemFile {
			t.Fatalf("fxtest_helpers: NewIssuer: IssuerPEMFile needs RS256 or ES256, not HS256")
		}
	default:
		t.Fatalf("fxtest_helpers: NewIssuer: unsupported algorithm %q (RS256, ES256 or HS256)", alg)
	}
	if cfg.secret != nil && alg != "HS256" {
		t.Fatalf("fxtest_helpers: NewIssuer: IssuerHMACSecret needs HS256, not %s", alg)
	}
	is.keys = []issuerKey{is.newKey(cfg.secret)}
	switch {
	case alg == "HS256":
	case cfg.pemFile:
		is.pemPath = filepath.Join(t.TempDir(), "access_public.pem")
		is.writePEM()
	default:
		is.server = httptest.NewServer(http.HandlerFunc(is.serveJWKS))
		t.Cleanup(is.server.Close)
	}
	return is
}

// newKey generates a signing key with a fresh kid (secret, if set, is used
// as the HS256 key).
func (is *Issuer) newKey(secret []byte) issuerKey {
	k := issuerKey{kid: "test-" + uuid.NewString()[:8]}
	var err error
	switch is.alg {
	case "RS256":
		k.signer, err = rsa.GenerateKey(rand.Reader, 2048)
	case "ES256":
		k.signer, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	default:
		if secret == nil {
			b := make([]byte, 32)
			_, _ = rand.Read(b)
			secret = []byte(hex.EncodeToString(b))
		}
		k.signer = secret
	}
	if err != nil {
		is.t.Fatalf("fxtest_helpers: generating %s key: %v", is.alg, err)
	}
	return k
}

// Alg returns the signing algorithm.
func (is *Issuer) Alg() string { return is.alg }

// IssuerURL returns the iss of minted tokens.
func (is *Issuer) IssuerURL() string { return is.iss }

// Audience returns the aud of minted tokens.
func (is *Issuer) Audience() string { return is.aud }

// JWKSURL returns the JWKS URL ("" for HS256 and PEM-file issuers).
func (is *Issuer) JWKSURL() string {
	if is.server == nil {
		return ""
	}
	return is.server.URL + JWKSPath
}

// PublicKeyFile returns the PEM file path ("" unless [IssuerPEMFile]).
func (is *Issuer) PublicKeyFile() string { return is.pemPath }

// KeyID returns the kid of the current signing key.
func (is *Issuer) KeyID() string { return is.current().kid }

// PublicKey returns the current public key (nil for HS256).
func (is *Issuer) PublicKey() crypto.PublicKey {
	if s, ok := is.current().signer.(crypto.Signer); ok {
		return s.Public()
	}
	return nil
}

// Secret returns the current HS256 secret (nil for RS256/ES256).
func (is *Issuer) Secret() []byte {
	if b, ok := is.current().signer.([]byte); ok {
		return append([]byte(nil), b...)
	}
	return nil
}

func (is *Issuer) current() issuerKey {
	is.mu.Lock()
	defer is.mu.Unlock()
	return is.keys[len(is.keys)-1]
}

// Env returns the settings entries that point an app at this issuer:
// ACCESS_TOKEN_ALGORITHM; JWKS_URI, ACCESS_PUBLIC_KEY_FILE or
// ACCESS_SECRET_KEY; TOKEN_ISSUER, TOKEN_AUDIENCE and
// TOKEN_STRICT_VALIDATION=true. Entries that another key mode would use are
// set to "" (unset), so Env can be merged over any base map.
func (is *Issuer) Env() map[string]string {
	env := map[string]string{
		"ACCESS_TOKEN_ALGORITHM":  is.alg,
		"JWKS_URI":                is.JWKSURL(),
		"ACCESS_PUBLIC_KEY_FILE":  is.pemPath,
		"ACCESS_SECRET_KEY":       string(is.Secret()),
		"TOKEN_ISSUER":            is.iss,
		"TOKEN_AUDIENCE":          is.aud,
		"TOKEN_STRICT_VALIDATION": "true",
	}
	return env
}

// Rotate makes a new signing key with a new kid and returns the kid. With a
// JWKS server, the old keys stay published (as during a real rotation) until
// [Issuer.RetireOldKeys]; a PEM file is rewritten with the new public key
// (apps read it at start); an HS256 issuer gets a new secret (see Env).
func (is *Issuer) Rotate() string {
	k := is.newKey(nil)
	is.mu.Lock()
	is.keys = append(is.keys, k)
	is.mu.Unlock()
	if is.pemPath != "" {
		is.writePEM()
	}
	return k.kid
}

// RetireOldKeys stops publishing every key but the current one.
func (is *Issuer) RetireOldKeys() {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.keys = is.keys[len(is.keys)-1:]
}

// SetJWKSDown makes the JWKS server answer 503 (true) or serve keys again.
func (is *Issuer) SetJWKSDown(down bool) { is.jwksDown.Store(down) }

// JWKSFetches returns how many times the JWKS was requested.
func (is *Issuer) JWKSFetches() int { return int(is.fetches.Load()) }

// writePEM writes the current public key to the PEM file.
func (is *Issuer) writePEM() {
	der, err := x509.MarshalPKIXPublicKey(is.PublicKey())
	if err != nil {
		is.t.Fatalf("fxtest_helpers: encoding public key: %v", err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	if err := os.WriteFile(is.pemPath, data, 0o600); err != nil {
		is.t.Fatalf("fxtest_helpers: writing public key: %v", err)
	}
}

// JWKS returns the published key set as JSON (the public keys only).
func (is *Issuer) JWKS() []byte {
	is.mu.Lock()
	keys := append([]issuerKey(nil), is.keys...)
	is.mu.Unlock()
	set := jwkset.JWKSMarshal{Keys: []jwkset.JWKMarshal{}}
	for _, k := range keys {
		signer, ok := k.signer.(crypto.Signer)
		if !ok {
			continue // an HMAC secret is never published
		}
		jwk, err := jwkset.NewJWKFromKey(signer.Public(), jwkset.JWKOptions{
			Metadata: jwkset.JWKMetadataOptions{KID: k.kid, ALG: jwkset.ALG(is.alg), USE: jwkset.UseSig},
		})
		if err != nil {
			is.t.Errorf("fxtest_helpers: encoding the JWK of %s: %v", k.kid, err)
			continue
		}
		set.Keys = append(set.Keys, jwk.Marshal())
	}
	data, _ := json.Marshal(set)
	return data
}

func (is *Issuer) serveJWKS(w http.ResponseWriter, r *http.Request) {
	is.fetches.Add(1)
	switch {
	case r.URL.Path != JWKSPath:
		http.NotFound(w, r)
	case is.jwksDown.Load():
		http.Error(w, "jwks down", http.StatusServiceUnavailable)
	default:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "max-age=300")
		_, _ = w.Write(is.JWKS())
	}
}

// TokenOption changes the claims or header of one token minted by
// [Issuer.Token].
type TokenOption func(*tokenSpec)

type tokenSpec struct {
	now    time.Time
	claims map[string]any
	header map[string]any
}

// TokenRole sets the "role" claim (default "user").
func TokenRole(role authmod.Role) TokenOption {
	return func(s *tokenSpec) { s.claims["role"] = string(role) }
}

// TokenSuperuser makes a superuser token: role "superadmin" and
// is_superuser=true. (For is_superuser alone, use TokenClaim("is_superuser",
// true); for a superadmin that is not a superuser, TokenRole.)
func TokenSuperuser() TokenOption {
	return func(s *tokenSpec) {
		s.claims["role"] = string(authmod.RoleSuperadmin)
		s.claims["is_superuser"] = true
	}
}

// TokenInactive sets is_active=false.
func TokenInactive() TokenOption { return func(s *tokenSpec) { s.claims["is_active"] = false } }

// TokenSubject sets "sub" (default: a random UUID).
func TokenSubject(sub string) TokenOption { return func(s *tokenSpec) { s.claims["sub"] = sub } }

// TokenExpiry sets exp to iat + d (default [DefaultTokenLifetime]); a
// negative d mints an expired token.
func TokenExpiry(d time.Duration) TokenOption {
	return func(s *tokenSpec) { s.claims["exp"] = s.now.Add(d).Unix() }
}

// TokenClaim sets any claim to value (a time.Time becomes NumericDate
// seconds).
func TokenClaim(name string, value any) TokenOption {
	return func(s *tokenSpec) {
		if t, ok := value.(time.Time); ok {
			value = t.Unix()
		}
		s.claims[name] = value
	}
}

// TokenWithoutClaim removes a claim.
func TokenWithoutClaim(name string) TokenOption { return func(s *tokenSpec) { delete(s.claims, name) } }

// TokenHeader sets a JOSE header member (e.g. "kid", "typ", or "alg" to
// forge an algorithm confusion; the token is still signed with the issuer's
// key and algorithm). A nil value removes the member.
func TokenHeader(name string, value any) TokenOption {
	return func(s *tokenSpec) {
		if value == nil {
			delete(s.header, name)
			return
		}
		s.header[name] = value
	}
}

// Token mints a signed access token. Defaults: type "access", a random UUID
// sub, role "user", is_active=true, is_superuser=false, email_verified=true,
// email and full_name, a random jti, the issuer's iss and aud, iat now, exp
// in [DefaultTokenLifetime], and the current key's kid in the header.
func (is *Issuer) Token(opts ...TokenOption) string {
	is.t.Helper()
	tok, _ := is.TokenWithClaims(opts...)
	return tok
}

// TokenWithClaims is [Issuer.Token] also returning the claims it signed.
func (is *Issuer) TokenWithClaims(opts ...TokenOption) (string, map[string]any) {
	is.t.Helper()
	key := is.current()
	now := time.Now()
	sub := uuid.NewString()
	spec := tokenSpec{
		now: now,
		claims: map[string]any{
			"type":           "access",
			"sub":            sub,
			"email":          "user-" + sub[:8] + "@example.test",
			"full_name":      "Test User",
			"role":           string(authmod.RoleUser),
			"is_active":      true,
			"is_superuser":   false,
			"email_verified": true,
			"jti":            uuid.NewString(),
			"iss":            is.iss,
			"aud":            is.aud,
			"iat":            now.Unix(),
			"exp":            now.Add(DefaultTokenLifetime).Unix(),
		},
		header: map[string]any{"alg": is.method.Alg(), "typ": "JWT", "kid": key.kid},
	}
	for _, o := range opts {
		o(&spec)
	}
	tok := jwt.NewWithClaims(is.method, jwt.MapClaims(spec.claims))
	tok.Header = spec.header
	signed, err := tok.SignedString(key.signer)
	if err != nil {
		is.t.Fatalf("fxtest_helpers: signing token: %v", err)
	}
	return signed, spec.claims
}

// Bearer returns "Bearer " + token, the Authorization header value.
func Bearer(token string) string { return "Bearer " + token }
