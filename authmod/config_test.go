package authmod

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/m8fx/kit/settingsmod"
)

// TestNewValidatorRejectsBadConfig: the key must match the algorithm and be
// strong enough; strict mode needs issuer and audience.
func TestNewValidatorRejectsBadConfig(t *testing.T) {
	k := vtKeys()
	weak, p384 := k.weakRSA, k.p384
	cases := []struct {
		name string
		alg  string
		mod  func(*ValidatorConfig)
		want string
	}{
		{"empty algorithm", algRS256, func(c *ValidatorConfig) { c.Algorithm = "" }, "Algorithm must be"},
		{"alg none", algRS256, func(c *ValidatorConfig) { c.Algorithm = "none" }, "Algorithm must be"},
		{"RS512", algRS256, func(c *ValidatorConfig) { c.Algorithm = "RS512" }, "Algorithm must be"},
		{"HS256 without secret", algHS256, func(c *ValidatorConfig) { c.HMACSecret = nil }, "at least 32 bytes"},
		{"HS256 short secret", algHS256, func(c *ValidatorConfig) { c.HMACSecret = []byte(strings.Repeat("s", 31)) }, "at least 32 bytes"},
		{"HS256 with a public key", algHS256, func(c *ValidatorConfig) { c.PublicKey = &k.rsa.PublicKey }, "HMACSecret only"},
		{"HS256 with a JWKS", algHS256, func(c *ValidatorConfig) { c.JWKSURL = "https://auth.test/jwks" }, "cannot use a JWKS"},
		{"RS256 with an HMAC secret", algRS256, func(c *ValidatorConfig) { c.HMACSecret = k.hmac }, "does not use HMACSecret"},
		{"RS256 without key", algRS256, func(c *ValidatorConfig) { c.PublicKey = nil }, "needs a JWKSURL or a PublicKey"},
		{"RS256 with a 1024-bit key", algRS256, func(c *ValidatorConfig) { c.PublicKey = &weak.PublicKey }, "at least 2048"},
		{"RS256 with an EC key", algRS256, func(c *ValidatorConfig) { c.PublicKey = &k.ec.PublicKey }, "needs an RSA public key"},
		{"RS256 with HMAC bytes as key", algRS256, func(c *ValidatorConfig) { c.PublicKey = k.hmac }, "needs an RSA public key"},
		{"RS256 with exponent 1", algRS256, func(c *ValidatorConfig) {
			c.PublicKey = &rsa.PublicKey{N: k.rsa.PublicKey.N, E: 1}
		}, "exponent"},
		{"ES256 with a P-384 key", algES256, func(c *ValidatorConfig) { c.PublicKey = &p384.PublicKey }, "P-256"},
		{"ES256 with an empty point", algES256, func(c *ValidatorConfig) { c.PublicKey = &ecdsa.PublicKey{Curve: elliptic.P256()} }, "invalid ECDSA public key"},
		{"ES256 with an RSA key", algES256, func(c *ValidatorConfig) { c.PublicKey = &k.rsa.PublicKey }, "needs an ECDSA public key"},
		{"strict without issuer", algRS256, func(c *ValidatorConfig) { c.Issuer = "" }, "needs Issuer"},
		{"strict without audience", algRS256, func(c *ValidatorConfig) { c.Audience = "" }, "needs Audience"},
		{"negative leeway", algRS256, func(c *ValidatorConfig) { c.Leeway = -time.Second }, "Leeway"},
		{"negative lifetime", algRS256, func(c *ValidatorConfig) { c.MaxLifetime = -time.Second }, "negative"},
		{"JWKS ftp URL", algRS256, func(c *ValidatorConfig) { c.JWKSURL = "ftp://auth.test/jwks" }, "http(s)"},
		{"JWKS relative URL", algRS256, func(c *ValidatorConfig) { c.JWKSURL = "/jwks" }, "http(s)"},
		{"JWKS URL without host", algRS256, func(c *ValidatorConfig) { c.JWKSURL = "https:///jwks" }, "no host"},
		{"JWKS URL with credentials", algRS256, func(c *ValidatorConfig) { c.JWKSURL = "https://u:p@auth.test/jwks" }, "credentials"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := vtConfig(tc.alg)
			tc.mod(&cfg)
			v, err := NewValidator(cfg)
			if err == nil {
				_ = v.Close()
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not mention %q", err, tc.want)
			}
			if strings.Contains(err.Error(), string(vtKeys().hmac)) {
				t.Fatal("error contains the secret")
			}
		})
	}
}

// TestNewValidatorDefaults: zero values get the documented defaults; a
// private key is reduced to its public half; JWKS wins over PublicKey.
func TestNewValidatorDefaults(t *testing.T) {
	cfg := vtConfig(algRS256)
	cfg.Now = nil
	cfg.PublicKey = vtKeys().rsa // private key: only the public half is kept
	v := vtNewValidator(t, cfg)
	got := v.cfg
	if got.MaxTokenBytes != DefaultMaxTokenBytes || got.MaxLifetime != DefaultMaxLifetime ||
		got.CacheSize != DefaultCacheSize || got.JWKSCacheTTL != DefaultJWKSCacheTTL ||
		got.JWKSFirstFetchTimeout != DefaultJWKSFirstFetchTimeout || got.Logger == nil || got.Now == nil {
		t.Fatalf("defaults not applied: %+v", got)
	}
	if _, ok := v.staticKey.(*rsa.PublicKey); !ok {
		t.Fatalf("static key is %T", v.staticKey)
	}
	if v.cache == nil {
		t.Fatal("cache disabled by default")
	}

	cfg = vtConfig(algRS256)
	cfg.JWKSURL = "https://auth.test/jwks.json"
	cfg.CacheSize = -1
	v = vtNewValidator(t, cfg)
	if !v.UsesJWKS() || v.staticKey != nil || v.cache != nil {
		t.Fatalf("JWKS should win and the cache be off: jwks=%v key=%T cache=%v", v.UsesJWKS(), v.staticKey, v.cache)
	}
	if !v.jwks.ownsHTTP || v.jwks.client.CheckRedirect == nil {
		t.Fatal("default JWKS client missing or follows redirects")
	}
}

// TestNewValidatorCopiesSecret: changing the caller's slice afterwards does
// not change the key.
func TestNewValidatorCopiesSecret(t *testing.T) {
	cfg := vtConfig(algHS256)
	secret := append([]byte(nil), vtKeys().hmac...)
	cfg.HMACSecret = secret
	v := vtNewValidator(t, cfg)
	tok := vtToken(t, algHS256, nil)
	for i := range secret {
		secret[i] = 0
	}
	v.cache.purge()
	vtCheck(t, v, tok, "")
}

func vtSettings() *settingsmod.Settings {
	leeway := 3
	return &settingsmod.Settings{
		TokenMode:             "stateful",
		AccessTokenAlgorithm:  "RS256",
		JWKSCacheTTLSeconds:   120,
		TokenStrictValidation: true,
		TokenIssuer:           vtIss,
		TokenAudience:         vtAud,
		TokenLeewaySeconds:    &leeway,
	}
}

// TestValidatorConfigFromSettings maps each setting.
func TestValidatorConfigFromSettings(t *testing.T) {
	k := vtKeys()
	dir := t.TempDir()
	pemPath := filepath.Join(dir, "access_public.pem")
	if err := os.WriteFile(pemPath, vtPEM(t, &k.rsa.PublicKey), 0o600); err != nil {
		t.Fatal(err)
	}
	ecPath := filepath.Join(dir, "ec.pem")
	if err := os.WriteFile(ecPath, vtPEM(t, &k.ec.PublicKey), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("RS256 PEM file", func(t *testing.T) {
		s := vtSettings()
		s.AccessPublicKeyFile = pemPath
		cfg, err := ValidatorConfigFromSettings(s)
		if err != nil {
			t.Fatal(err)
		}
		pub, ok := cfg.PublicKey.(*rsa.PublicKey)
		if !ok || !pub.Equal(&k.rsa.PublicKey) {
			t.Fatalf("public key %T", cfg.PublicKey)
		}
		if cfg.Algorithm != "RS256" || cfg.JWKSURL != "" || cfg.HMACSecret != nil ||
			cfg.JWKSCacheTTL != 120*time.Second || cfg.Issuer != vtIss || cfg.Audience != vtAud ||
			!cfg.RequireIssuerAudience || cfg.Leeway != 3*time.Second || !cfg.RequireJTI {
			t.Fatalf("config %+v", cfg)
		}
		cfg.Now = vtClock
		v := vtNewValidator(t, cfg)
		vtCheck(t, v, vtToken(t, algRS256, nil), "")
	})
	t.Run("ES256 PEM file, stateless, lax", func(t *testing.T) {
		s := vtSettings()
		s.AccessTokenAlgorithm = "ES256"
		s.AccessPublicKeyFile = ecPath
		s.TokenMode = "stateless"
		s.TokenStrictValidation = false
		cfg, err := ValidatorConfigFromSettings(s)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.RequireJTI || cfg.RequireIssuerAudience {
			t.Fatalf("config %+v", cfg)
		}
		if _, ok := cfg.PublicKey.(*ecdsa.PublicKey); !ok {
			t.Fatalf("public key %T", cfg.PublicKey)
		}
	})
	t.Run("JWKS wins and the file is not read", func(t *testing.T) {
		s := vtSettings()
		s.JWKSURI = "https://auth.test/.well-known/jwks.json"
		s.AccessPublicKeyFile = filepath.Join(dir, "missing.pem")
		cfg, err := ValidatorConfigFromSettings(s)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.JWKSURL != s.JWKSURI || cfg.PublicKey != nil {
			t.Fatalf("config %+v", cfg)
		}
	})
	t.Run("HS256", func(t *testing.T) {
		s := vtSettings()
		s.AccessTokenAlgorithm = "HS256"
		s.AccessSecretKey = settingsmod.Secret(k.hmac)
		s.AccessPublicKeyFile = pemPath // ignored for HS256
		cfg, err := ValidatorConfigFromSettings(s)
		if err != nil {
			t.Fatal(err)
		}
		if string(cfg.HMACSecret) != string(k.hmac) || cfg.PublicKey != nil || cfg.JWKSURL != "" {
			t.Fatal("HS256 config")
		}
	})
	for _, tc := range []struct {
		name string
		mod  func(*settingsmod.Settings)
	}{
		{"no key source", func(s *settingsmod.Settings) {}},
		{"missing file", func(s *settingsmod.Settings) { s.AccessPublicKeyFile = filepath.Join(dir, "nope.pem") }},
		{"EC file for RS256", func(s *settingsmod.Settings) { s.AccessPublicKeyFile = ecPath }},
		{"unknown algorithm", func(s *settingsmod.Settings) { s.AccessTokenAlgorithm = "PS256"; s.AccessPublicKeyFile = pemPath }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := vtSettings()
			tc.mod(s)
			if _, err := ValidatorConfigFromSettings(s); err == nil {
				t.Fatal("accepted")
			}
		})
	}
	if _, err := ValidatorConfigFromSettings(nil); err == nil {
		t.Fatal("nil settings accepted")
	}
}
