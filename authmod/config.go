package authmod

import (
	"crypto"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"go.uber.org/zap"

	"github.com/m8fx/kit/settingsmod"
)

// Defaults of [ValidatorConfig].
const (
	// DefaultJWKSCacheTTL is the JWKS refresh interval when JWKSCacheTTL is 0
	// (JWKS_CACHE_TTL_SECONDS's default).
	DefaultJWKSCacheTTL = 300 * time.Second
	// DefaultJWKSFirstFetchTimeout bounds the JWKS fetch done by
	// [Validator.Start] (and every later fetch).
	DefaultJWKSFirstFetchTimeout = 3 * time.Second
	// DefaultMaxLifetime bounds exp - iat.
	DefaultMaxLifetime = 24 * time.Hour
	// DefaultMaxTokenBytes bounds the token length, checked before decoding.
	DefaultMaxTokenBytes = 8192
	// DefaultCacheSize is the number of verified tokens remembered.
	DefaultCacheSize = 10000
)

// ValidatorConfig configures a [Validator]. Build it from settings with
// [ValidatorConfigFromSettings] or fill it in directly (tests, tools).
//
// Exactly one algorithm is accepted per validator, with its key:
//
//   - RS256 / ES256: JWKSURL (preferred: rotation without restarts) or
//     PublicKey (RSA >= 2048 bits / ECDSA P-256). JWKSURL wins when both are
//     set.
//   - HS256: HMACSecret (at least 32 bytes); PublicKey and JWKSURL must be
//     empty (a JWKS never supplies symmetric keys).
type ValidatorConfig struct {
	// Algorithm is "RS256", "ES256" or "HS256": the only alg accepted in
	// token headers.
	Algorithm string
	// HMACSecret is the shared HS256 key (ACCESS_SECRET_KEY).
	HMACSecret []byte
	// PublicKey verifies RS256/ES256 tokens when no JWKSURL is set
	// (ACCESS_PUBLIC_KEY_FILE). *rsa.PublicKey or *ecdsa.PublicKey.
	PublicKey crypto.PublicKey
	// JWKSURL is the issuer's JWK Set (JWKS_URI); it wins over PublicKey.
	JWKSURL string
	// JWKSCacheTTL is the JWKS refresh interval (default 300s).
	JWKSCacheTTL time.Duration
	// JWKSFirstFetchTimeout bounds the first fetch in Start, and every later
	// fetch (default 3s).
	JWKSFirstFetchTimeout time.Duration
	// Issuer is the expected iss; enforced whenever non-empty.
	Issuer string
	// Audience must be one of the token's aud values; enforced whenever
	// non-empty.
	Audience string
	// RequireIssuerAudience (TOKEN_STRICT_VALIDATION) makes Issuer and
	// Audience mandatory in the configuration, so every token must carry the
	// expected iss and aud.
	RequireIssuerAudience bool
	// Leeway is the clock skew tolerated on exp, nbf and iat (>= 0).
	Leeway time.Duration
	// RequireJTI makes the jti claim mandatory (stateful mode: revocation is
	// asked by jti).
	RequireJTI bool
	// MaxLifetime bounds exp - iat (default 24h).
	MaxLifetime time.Duration
	// MaxTokenBytes bounds the token length, checked before any decoding
	// (default 8192).
	MaxTokenBytes int
	// CacheSize is the number of verified tokens remembered (default 10000
	// when 0; negative disables the cache).
	CacheSize int
	// HTTPClient fetches the JWKS. The default is the validator's own client:
	// tight timeouts, no redirects, proxy from the environment
	// (HTTPS_PROXY/NO_PROXY) like Go's default transport.
	HTTPClient *http.Client
	// Logger receives JWKS warnings (nil: no logging).
	Logger *zap.Logger
	// Observer is told about every JWKS fetch (nil: not observed).
	Observer Observer
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
}

// ValidatorConfigFromSettings builds the validator configuration from the
// kit settings: ACCESS_TOKEN_ALGORITHM, ACCESS_SECRET_KEY (HS256),
// JWKS_URI or ACCESS_PUBLIC_KEY_FILE (RS256/ES256; the file is read only when
// no JWKS_URI is set, since the JWKS wins), JWKS_CACHE_TTL_SECONDS,
// TOKEN_ISSUER, TOKEN_AUDIENCE, TOKEN_STRICT_VALIDATION, the token leeway,
// and TOKEN_MODE (stateful requires jti). The key file is parsed with
// [settingsmod.ParsePublicKeyPEM], so boot-time validation and the validator
// agree. Logger, HTTPClient and Now are left for the caller.
func ValidatorConfigFromSettings(s *settingsmod.Settings) (ValidatorConfig, error) {
	if s == nil {
		return ValidatorConfig{}, errors.New("authmod: nil settings")
	}
	cfg := ValidatorConfig{
		Algorithm:             s.AccessTokenAlgorithm,
		JWKSCacheTTL:          s.JWKSCacheTTL(),
		Issuer:                s.TokenIssuer,
		Audience:              s.TokenAudience,
		RequireIssuerAudience: s.TokenStrictValidation,
		Leeway:                s.TokenLeeway(),
		RequireJTI:            s.IsStateful(),
	}
	switch s.AccessTokenAlgorithm {
	case algHS256:
		cfg.HMACSecret = []byte(s.AccessSecretKey.Value())
	case algRS256, algES256:
		switch {
		case s.JWKSURI != "":
			cfg.JWKSURL = s.JWKSURI
		case s.AccessPublicKeyFile != "":
			data, err := os.ReadFile(s.AccessPublicKeyFile)
			if err != nil {
				return ValidatorConfig{}, fmt.Errorf("authmod: ACCESS_PUBLIC_KEY_FILE: %w", err)
			}
			key, err := settingsmod.ParsePublicKeyPEM(data, s.AccessTokenAlgorithm)
			if err != nil {
				return ValidatorConfig{}, fmt.Errorf("authmod: ACCESS_PUBLIC_KEY_FILE: %w", err)
			}
			cfg.PublicKey = key
		default:
			return ValidatorConfig{}, fmt.Errorf("authmod: ACCESS_TOKEN_ALGORITHM=%s needs JWKS_URI or ACCESS_PUBLIC_KEY_FILE", s.AccessTokenAlgorithm)
		}
	default:
		return ValidatorConfig{}, fmt.Errorf("authmod: ACCESS_TOKEN_ALGORITHM must be RS256, ES256 or HS256, got %q", s.AccessTokenAlgorithm)
	}
	return cfg, nil
}

// normalized checks cfg and fills in the defaults. It returns the verification
// key for static (non-JWKS) configurations.
func (cfg ValidatorConfig) normalized() (ValidatorConfig, any, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	var staticKey any
	switch cfg.Algorithm {
	case algHS256:
		if len(cfg.HMACSecret) < minHMACKeyBytes {
			bad("HS256 needs an HMACSecret of at least %d bytes", minHMACKeyBytes)
		}
		if cfg.PublicKey != nil {
			bad("HS256 takes HMACSecret only, not a PublicKey")
		}
		if cfg.JWKSURL != "" {
			bad("HS256 cannot use a JWKS: symmetric keys are never taken from a JWKS")
		}
		staticKey = append([]byte(nil), cfg.HMACSecret...)
	case algRS256, algES256:
		if len(cfg.HMACSecret) > 0 {
			bad("%s does not use HMACSecret (it would invite algorithm confusion)", cfg.Algorithm)
		}
		switch {
		case cfg.JWKSURL != "":
			if err := checkJWKSURL(cfg.JWKSURL); err != nil {
				errs = append(errs, err)
			}
		case cfg.PublicKey != nil:
			k, err := checkVerificationKey(cfg.Algorithm, cfg.PublicKey)
			if err != nil {
				errs = append(errs, err)
			}
			staticKey = k
		default:
			bad("%s needs a JWKSURL or a PublicKey", cfg.Algorithm)
		}
	default:
		bad("Algorithm must be RS256, ES256 or HS256, got %q", cfg.Algorithm)
	}

	if cfg.RequireIssuerAudience {
		if cfg.Issuer == "" {
			bad("RequireIssuerAudience needs Issuer")
		}
		if cfg.Audience == "" {
			bad("RequireIssuerAudience needs Audience")
		}
	}
	if cfg.Leeway < 0 {
		bad("Leeway must not be negative")
	}
	if cfg.JWKSCacheTTL < 0 || cfg.JWKSFirstFetchTimeout < 0 || cfg.MaxLifetime < 0 || cfg.MaxTokenBytes < 0 {
		bad("durations and MaxTokenBytes must not be negative")
	}
	if len(errs) > 0 {
		return cfg, nil, fmt.Errorf("authmod: invalid validator config: %w", errors.Join(errs...))
	}

	if cfg.JWKSCacheTTL == 0 {
		cfg.JWKSCacheTTL = DefaultJWKSCacheTTL
	}
	if cfg.JWKSFirstFetchTimeout == 0 {
		cfg.JWKSFirstFetchTimeout = DefaultJWKSFirstFetchTimeout
	}
	if cfg.MaxLifetime == 0 {
		cfg.MaxLifetime = DefaultMaxLifetime
	}
	if cfg.MaxTokenBytes == 0 {
		cfg.MaxTokenBytes = DefaultMaxTokenBytes
	}
	if cfg.CacheSize == 0 {
		cfg.CacheSize = DefaultCacheSize
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.JWKSURL == "" {
		cfg.PublicKey = staticKey
	} else {
		cfg.PublicKey = nil
	}
	return cfg, staticKey, nil
}

// checkJWKSURL accepts absolute http(s) URLs with a host and without
// credentials.
func checkJWKSURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("JWKSURL is not a valid URL")
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return errors.New("JWKSURL must be an http(s) URL")
	}
	if u.Host == "" {
		return errors.New("JWKSURL has no host")
	}
	if u.User != nil {
		return errors.New("JWKSURL must not contain credentials")
	}
	return nil
}

// maxJWKSBytes bounds a JWKS response body.
const maxJWKSBytes = 1 << 20

// newJWKSHTTPClient is the default JWKS client: short connect, TLS and
// header timeouts, a bounded overall timeout, no redirects (a JWKS that
// redirects elsewhere is a misconfiguration or an attack), a small header
// limit, and the usual proxy settings from the environment.
func newJWKSHTTPClient(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	transport := &http.Transport{
		Proxy:                  http.ProxyFromEnvironment,
		DialContext:            dialer.DialContext,
		TLSHandshakeTimeout:    timeout,
		ResponseHeaderTimeout:  timeout,
		ExpectContinueTimeout:  time.Second,
		MaxIdleConns:           2,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        90 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
		ForceAttemptHTTP2:      true,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   2 * timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
