package fxtest_helpers

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/settingsmod"
)

// validatorFor is a real authmod.Validator configured the way an app would
// be from is.Env().
func validatorFor(t *testing.T, is *Issuer) *authmod.Validator {
	t.Helper()
	cfg := authmod.ValidatorConfig{
		Algorithm: is.Alg(), Issuer: is.IssuerURL(), Audience: is.Audience(),
		RequireIssuerAudience: true, RequireJTI: true,
	}
	switch {
	case is.Alg() == "HS256":
		cfg.HMACSecret = is.Secret()
	case is.JWKSURL() != "":
		cfg.JWKSURL = is.JWKSURL()
	default:
		data, err := os.ReadFile(is.PublicKeyFile())
		if err != nil {
			t.Fatal(err)
		}
		if cfg.PublicKey, err = settingsmod.ParsePublicKeyPEM(data, is.Alg()); err != nil {
			t.Fatal(err)
		}
	}
	v, err := authmod.NewValidator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	return v
}

func TestIssuerTokensValidate(t *testing.T) {
	for _, tc := range []struct {
		alg  string
		opts []IssuerOption
	}{
		{"HS256", nil}, {"RS256", nil}, {"ES256", nil},
		{"RS256", []IssuerOption{IssuerPEMFile()}}, {"ES256", []IssuerOption{IssuerPEMFile()}},
	} {
		name := tc.alg
		if len(tc.opts) > 0 {
			name += "/pem"
		}
		t.Run(name, func(t *testing.T) {
			is := NewIssuer(t, tc.alg, tc.opts...)
			v := validatorFor(t, is)
			claims, err := v.Validate(context.Background(), is.Token())
			if err != nil {
				t.Fatalf("Validate = %v", err)
			}
			if claims.Type != "access" || claims.Role != "user" || claims.IsActive == nil || !*claims.IsActive ||
				claims.IsSuperuser || !claims.EmailVerified || claims.ID == "" || claims.Email == "" || claims.FullName == "" {
				t.Errorf("default claims = %+v", claims)
			}
			if _, err := uuid.Parse(claims.Subject); err != nil {
				t.Errorf("sub %q is not a UUID", claims.Subject)
			}
			if claims.Issuer != DefaultIssuerURL || !slices.Equal(claims.Audience, jwt.ClaimStrings{DefaultAudience}) {
				t.Errorf("iss/aud = %q/%q", claims.Issuer, claims.Audience)
			}
			if life := claims.ExpiresAt.Sub(claims.IssuedAt.Time); life != DefaultTokenLifetime {
				t.Errorf("lifetime = %v", life)
			}
		})
	}
}

// unverified decodes a token's header and claims without verifying it.
func unverified(t *testing.T, token string) (map[string]any, jwt.MapClaims) {
	t.Helper()
	claims := jwt.MapClaims{}
	tok, _, err := jwt.NewParser().ParseUnverified(token, claims)
	if err != nil {
		t.Fatal(err)
	}
	return tok.Header, claims
}

func TestIssuerClaimOptions(t *testing.T) {
	is := NewIssuer(t, "HS256")
	sub := uuid.NewString()
	nbf := time.Now().Add(time.Hour).Truncate(time.Second)
	header, c := unverified(t, is.Token(
		TokenRole(authmod.RoleWriter), TokenInactive(), TokenSubject(sub), TokenExpiry(-time.Minute),
		TokenClaim("tenant_id", "t1"), TokenClaim("nbf", nbf), TokenWithoutClaim("email"),
		TokenHeader("typ", "at+jwt"), TokenHeader("kid", nil),
	))
	if c["role"] != "writer" || c["is_active"] != false || c["sub"] != sub || c["tenant_id"] != "t1" {
		t.Errorf("claims = %v", c)
	}
	if _, ok := c["email"]; ok {
		t.Error("TokenWithoutClaim did not remove email")
	}
	if c["nbf"] != float64(nbf.Unix()) {
		t.Errorf("nbf = %v, want %d", c["nbf"], nbf.Unix())
	}
	if exp, iat := c["exp"].(float64), c["iat"].(float64); exp != iat-60 {
		t.Errorf("exp = %v, iat = %v, want exp = iat - 60", exp, iat)
	}
	if header["typ"] != "at+jwt" || header["alg"] != "HS256" {
		t.Errorf("header = %v", header)
	}
	if _, ok := header["kid"]; ok {
		t.Error("TokenHeader(kid, nil) did not remove kid")
	}

	_, su := unverified(t, is.Token(TokenSuperuser()))
	if su["role"] != "superadmin" || su["is_superuser"] != true {
		t.Errorf("TokenSuperuser claims = %v", su)
	}
	h, _ := unverified(t, is.Token())
	if h["kid"] != is.KeyID() {
		t.Errorf("kid = %v, want %s", h["kid"], is.KeyID())
	}
	// Each token gets its own sub and jti.
	_, a := unverified(t, is.Token())
	_, b := unverified(t, is.Token())
	if a["sub"] == b["sub"] || a["jti"] == b["jti"] {
		t.Error("sub and jti must be random per token")
	}
}

func TestIssuerOptions(t *testing.T) {
	is := NewIssuer(t, "HS256", IssuerURL("https://iss.test"), IssuerAudience("svc"),
		IssuerHMACSecret("a-fixed-secret-of-more-than-32-bytes!"))
	_, c := unverified(t, is.Token())
	if c["iss"] != "https://iss.test" || c["aud"] != "svc" {
		t.Errorf("claims = %v", c)
	}
	if string(is.Secret()) != "a-fixed-secret-of-more-than-32-bytes!" {
		t.Error("IssuerHMACSecret ignored")
	}
	if _, err := validatorFor(t, is).Validate(context.Background(), is.Token()); err != nil {
		t.Fatal(err)
	}
}

// jwksKids fetches the issuer's JWKS and returns its kids.
func jwksKids(t *testing.T, is *Issuer) []string {
	t.Helper()
	resp, err := http.Get(is.JWKSURL())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set struct {
		Keys []struct {
			Kid, Kty, Alg, Use string
		} `json:"keys"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		t.Fatal(err)
	}
	var kids []string
	for _, k := range set.Keys {
		if k.Alg != is.Alg() || k.Use != "sig" || k.Kid == "" {
			t.Errorf("JWK %+v", k)
		}
		kids = append(kids, k.Kid)
	}
	return kids
}

func TestIssuerRotateJWKS(t *testing.T) {
	is := NewIssuer(t, "ES256")
	first := is.KeyID()
	v := validatorFor(t, is)
	old := is.Token()
	second := is.Rotate()
	if second == first || is.KeyID() != second {
		t.Fatalf("Rotate kid = %s (was %s)", second, first)
	}
	if kids := jwksKids(t, is); !slices.Equal(kids, []string{first, second}) {
		t.Fatalf("JWKS kids = %v, want both", kids)
	}
	for _, tok := range []string{old, is.Token()} {
		if _, err := v.Validate(context.Background(), tok); err != nil {
			t.Fatalf("Validate after rotation = %v", err)
		}
	}
	is.RetireOldKeys()
	if kids := jwksKids(t, is); !slices.Equal(kids, []string{second}) {
		t.Fatalf("JWKS kids after RetireOldKeys = %v", kids)
	}
	http.DefaultClient.CloseIdleConnections()
}

func TestIssuerRotatePEMAndSecret(t *testing.T) {
	pem := NewIssuer(t, "RS256", IssuerPEMFile())
	before, _ := os.ReadFile(pem.PublicKeyFile())
	pem.Rotate()
	after, _ := os.ReadFile(pem.PublicKeyFile())
	if string(before) == string(after) {
		t.Error("Rotate did not rewrite the PEM file")
	}
	if _, err := validatorFor(t, pem).Validate(context.Background(), pem.Token()); err != nil {
		t.Fatalf("a validator reading the rotated file: %v", err)
	}

	hs := NewIssuer(t, "HS256")
	s1 := string(hs.Secret())
	hs.Rotate()
	if string(hs.Secret()) == s1 || hs.Env()["ACCESS_SECRET_KEY"] != string(hs.Secret()) {
		t.Error("HS256 Rotate must change the secret and Env")
	}
}

func TestIssuerEnv(t *testing.T) {
	jwks := NewIssuer(t, "RS256").Env()
	pem := NewIssuer(t, "ES256", IssuerPEMFile()).Env()
	hs := NewIssuer(t, "HS256").Env()
	for name, tc := range map[string]struct {
		env       map[string]string
		alg, keyV string
	}{
		"jwks": {jwks, "RS256", "JWKS_URI"},
		"pem":  {pem, "ES256", "ACCESS_PUBLIC_KEY_FILE"},
		"hs":   {hs, "HS256", "ACCESS_SECRET_KEY"},
	} {
		if tc.env["ACCESS_TOKEN_ALGORITHM"] != tc.alg || tc.env["TOKEN_STRICT_VALIDATION"] != "true" ||
			tc.env["TOKEN_ISSUER"] != DefaultIssuerURL || tc.env["TOKEN_AUDIENCE"] != DefaultAudience {
			t.Errorf("%s: env = %v", name, tc.env)
		}
		for _, k := range []string{"JWKS_URI", "ACCESS_PUBLIC_KEY_FILE", "ACCESS_SECRET_KEY"} {
			if (tc.env[k] != "") != (k == tc.keyV) {
				t.Errorf("%s: %s = %q", name, k, tc.env[k])
			}
		}
	}
	if !strings.HasSuffix(jwks["JWKS_URI"], JWKSPath) {
		t.Errorf("JWKS_URI = %q", jwks["JWKS_URI"])
	}
}

// TestIssuerEnvBootsAnApp points a whole m8fx app at each kind of issuer.
func TestIssuerEnvBootsAnApp(t *testing.T) {
	for _, is := range []*Issuer{NewIssuer(t, "RS256"), NewIssuer(t, "ES256", IssuerPEMFile()), NewIssuer(t, "HS256")} {
		if err := BuildErr(t, WithEnv(is.Env())); err != nil {
			t.Errorf("%s: %v", is.Alg(), err)
		}
	}
}

func TestIssuerJWKSServer(t *testing.T) {
	is := NewIssuer(t, "RS256")
	get := func(url string) int {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get(is.JWKSURL()); code != http.StatusOK {
		t.Fatalf("JWKS status %d", code)
	}
	is.SetJWKSDown(true)
	if code := get(is.JWKSURL()); code != http.StatusServiceUnavailable {
		t.Fatalf("down JWKS status %d", code)
	}
	is.SetJWKSDown(false)
	if code := get(strings.TrimSuffix(is.JWKSURL(), JWKSPath) + "/other"); code != http.StatusNotFound {
		t.Fatalf("other path status %d", code)
	}
	if n := is.JWKSFetches(); n != 3 {
		t.Fatalf("JWKSFetches = %d, want 3", n)
	}
	if is.PublicKey() == nil || is.Secret() != nil || is.PublicKeyFile() != "" {
		t.Error("accessors of a JWKS issuer")
	}
	http.DefaultClient.CloseIdleConnections()
}

// fatalRecorder is a testing.TB whose Fatalf records the message and ends
// the goroutine, like the real one.
type fatalRecorder struct {
	testing.TB
	mu  sync.Mutex
	msg string
}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.msg = format
	f.mu.Unlock()
	runtime.Goexit()
}

func TestNewIssuerRejectsBadOptions(t *testing.T) {
	for name, run := range map[string]func(tb testing.TB){
		"unknown alg":       func(tb testing.TB) { NewIssuer(tb, "PS256") },
		"PEM with HS256":    func(tb testing.TB) { NewIssuer(tb, "HS256", IssuerPEMFile()) },
		"secret with RS256": func(tb testing.TB) { NewIssuer(tb, "RS256", IssuerHMACSecret("x")) },
	} {
		rec := &fatalRecorder{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			run(rec)
		}()
		<-done
		if rec.msg == "" {
			t.Errorf("%s: no fatal error", name)
		}
	}
}

func TestBearer(t *testing.T) {
	if got := Bearer("abc"); got != "Bearer abc" {
		t.Fatal(got)
	}
}
