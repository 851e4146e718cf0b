package authmod

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
	"go.uber.org/zap"

	"github.com/m8fx/kit/healthmod"
)

// Validator verifies access tokens issued by fa-auth-m8. It implements
// [TokenValidator].
//
// A token is accepted only if all of these hold (RFC 8725, OWASP JWT cheat
// sheet):
//
//   - it is at most MaxTokenBytes long (checked before any decoding), made of
//     three canonical base64url segments (no padding, no line breaks, no
//     non-zero trailing bits); header and payload are JSON objects that start
//     with `{` followed by a quote or a space (as JWT libraries write them:
//     no leading whitespace or line breaks), hold valid JSON with valid
//     UTF-8 throughout (members the validator does not read included), and
//     have no duplicate members (compared the way encoding/json matches
//     names: case-insensitively, after unescaping); header member names are
//     not escaped, and a claim name is spelled exactly ("SUB", "Sub",
//     "\u0073ub" or "\u017fub", which encoding/json would read as "sub", are
//     refused);
//   - the header alg is exactly the configured algorithm (so "none" and
//     HS256-with-the-public-key confusion fail), the header has no "crit",
//     its "typ", if present, is JWT or at+jwt, and its "kid", if present, is
//     a string of 1..256 characters used only to look up a JWKS key. jku,
//     x5u, jwk and x5c are ignored: keys come only from the configuration;
//   - the signature verifies (golang-jwt/v5's signing method of the
//     algorithm) with a key of the right type and strength (RSA >= 2048
//     bits, ECDSA P-256, HMAC >= 32 bytes);
//   - exp is present and not past, nbf and iat are not in the future (all
//     with Leeway; golang-jwt's jwt.Validator checks these and iss/aud), iat
//     is present (fa-auth-m8 always sets it) and exp - iat <= MaxLifetime;
//   - iss and aud match when configured (aud may be an array containing the
//     audience), and are mandatory under RequireIssuerAudience;
//   - "type" is "access", "sub" is a canonical lower-case UUID, and "jti"
//     (1..128 printable characters, checked whenever present) is present
//     when RequireJTI.
//
// With a JWKS, keys are looked up by github.com/MicahParks/keyfunc/v3 (with
// the request context) in the kit's own read-only jwkset.Storage. Only keys
// that match the configured algorithm are ever stored (kty, alg, crv, use,
// key_ops and strength are checked; a key without alg is used when its kty
// fits; symmetric "oct" keys never are). A token without kid is verified
// only while exactly one key is loaded (keyfunc alone would try every key). A token naming an unknown kid triggers a refresh, at most
// one per 5s with a burst of 2 and never waiting on the limiter; concurrent
// misses share one fetch; a failed refresh keeps the last good keys; a key
// withdrawn from the JWKS also empties the verified-token cache.
//
// Verified tokens are remembered (keyed by their SHA-256, never the token
// itself) until their exp, so a token seen again costs a hash and a map
// lookup; exp and nbf are checked again on every hit. Every call returns its
// own copy of the claims.
//
// Errors wrap [ErrInvalidToken] (401) or [ErrKeysUnavailable] (503); [ReasonOf]
// gives their short reason code. Error messages never contain the token.
//
// With a JWKS, call [Validator.Start] (first fetch, background refresh) and
// [Validator.Close] (stops the refresh goroutine).
type Validator struct {
	cfg ValidatorConfig
	// method is golang-jwt's signing method of cfg.Algorithm; rules is
	// golang-jwt's validator of the registered claims (exp, nbf, iat, iss,
	// aud).
	method    jwt.SigningMethod
	rules     *jwt.Validator
	staticKey any
	jwks      *jwksSource
	// keyfunc looks up JWKS keys (github.com/MicahParks/keyfunc/v3 over the
	// kit's own jwkset.Storage); nil without a JWKS.
	keyfunc   keyfunc.Keyfunc
	cache     *verifiedCache
	log       *zap.Logger
	closeOnce sync.Once
}

var _ TokenValidator = (*Validator)(nil)

// NewValidator checks cfg, applies its defaults and returns a validator. It
// never does network I/O: with a JWKSURL, keys are fetched by Start (and on
// demand).
func NewValidator(cfg ValidatorConfig) (*Validator, error) {
	cfg, staticKey, err := cfg.normalized()
	if err != nil {
		return nil, err
	}
	method := jwt.GetSigningMethod(cfg.Algorithm)
	if method == nil {
		return nil, fmt.Errorf("authmod: algorithm %q has no golang-jwt signing method", cfg.Algorithm)
	}
	opts := []jwt.ParserOption{
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(cfg.Leeway),
		jwt.WithTimeFunc(cfg.Now),
	}
	if cfg.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(cfg.Issuer))
	}
	if cfg.Audience != "" {
		opts = append(opts, jwt.WithAudience(cfg.Audience))
	}
	v := &Validator{
		cfg:    cfg,
		method: method,
		rules:  jwt.NewValidator(opts...),
		cache:  newVerifiedCache(cfg.CacheSize, cfg.Leeway),
		log:    cfg.Logger,
	}
	if cfg.JWKSURL != "" {
		v.jwks = newJWKSSource(cfg)
		if v.cache != nil {
			v.jwks.onWithdraw = v.cache.purge
		}
		kf, err := keyfunc.New(keyfunc.Options{Storage: &jwksStorage{src: v.jwks}})
		if err != nil {
			return nil, fmt.Errorf("authmod: JWKS key lookup: %w", err)
		}
		v.keyfunc = kf
	} else {
		v.staticKey = staticKey
	}
	return v, nil
}

// Start loads the JWKS, if one is configured: the first fetch is bounded by
// JWKSFirstFetchTimeout and ctx, then a background goroutine refreshes the
// keys every JWKSCacheTTL. An unreachable JWKS does not fail Start: it logs a
// warning, protected routes answer 503 ([ErrKeysUnavailable]) until keys
// arrive, and the background refresh keeps trying. Start is a no-op without
// a JWKS or when already started; it fails only after Close.
func (v *Validator) Start(ctx context.Context) error {
	if v.jwks == nil {
		return nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	return v.jwks.start(ctx)
}

// Close stops the JWKS refresh goroutine and waits for it. It is idempotent
// and safe without Start. Validate keeps working with the keys loaded so far.
func (v *Validator) Close() error {
	v.closeOnce.Do(func() {
		if v.jwks != nil {
			v.jwks.close()
		}
	})
	return nil
}

// UsesJWKS reports whether keys come from a JWKS URL.
func (v *Validator) UsesJWKS() bool { return v.jwks != nil }

// JWKSCheck returns the "jwks" health check: fail ("no signing keys loaded")
// while the key set is empty, ok with meta {"keys": n} otherwise. Without a
// JWKS it is always ok with {"keys": 1}.
func (v *Validator) JWKSCheck() healthmod.Check {
	return healthmod.NewCheckFunc("jwks", func(context.Context) healthmod.Result {
		n := 1
		if v.jwks != nil {
			n = v.jwks.size()
		}
		if n == 0 {
			return healthmod.Result{Status: healthmod.StatusFail, Error: "no signing keys loaded"}
		}
		return healthmod.Result{Status: healthmod.StatusOK, Meta: map[string]any{"keys": n}}
	})
}

// Validate verifies token and returns its claims. The returned *Claims is the
// caller's own copy. See [Validator] for the rules.
func (v *Validator) Validate(ctx context.Context, token string) (*Claims, error) {
	e, err := v.verified(ctx, token)
	if err != nil {
		return nil, err
	}
	if v.cache == nil {
		return e.claims, nil // not shared: the entry was made for this call
	}
	return cloneClaims(e.claims), nil
}

// verified returns the entry of a valid token: from the verified-token
// cache, or verified now (and remembered). Its claims are private to the
// package: Validate hands out copies, and the Authenticator reads them
// without changing them.
func (v *Validator) verified(ctx context.Context, token string) (*verifiedEntry, error) {
	if token == "" {
		return nil, invalidToken(ReasonMissing, nil)
	}
	if len(token) > v.cfg.MaxTokenBytes {
		return nil, invalidToken(ReasonOversized, nil)
	}
	dot1, dot2, err := precheckShape(token)
	if err != nil {
		return nil, invalidToken(ReasonMalformed, err)
	}
	now := v.cfg.Now()
	var key [32]byte
	var gen uint64
	if v.cache != nil {
		key = tokenKey(token)
		if e, ok := v.cache.get(key, now); ok {
			return e, nil
		}
		gen = v.cache.generation()
	}

	claims, err := v.verify(ctx, token, dot1, dot2)
	if err != nil {
		return nil, err
	}
	e := newVerifiedEntry(claims)
	if v.cache != nil {
		e.cached = true
		v.cache.put(key, e, now, gen)
	}
	return e, nil
}

// verify is the first-sight path. Each segment is decoded once: the header
// is scanned and its rules applied, the signature is checked with
// golang-jwt's signing method, then the claims are decoded by the same walk
// that refuses duplicate members and checked with golang-jwt's jwt.Validator;
// the m8fx claim rules come last.
func (v *Validator) verify(ctx context.Context, token string, dot1, dot2 int) (*Claims, error) {
	if err := checkNoLineBreaks(token); err != nil {
		return nil, invalidToken(ReasonMalformed, err)
	}
	header, err := decodeSegment(token[:dot1])
	if err != nil {
		return nil, invalidToken(ReasonMalformed, err)
	}
	kid, err := checkHeader(header, v.cfg.Algorithm)
	if err != nil {
		return nil, err
	}
	// The payload must be canonical base64 before anything else is spent
	// on the token; its JSON is read only once the signature holds, so a
	// forged token costs one verification and no claims decoding.
	if !canonicalSegment(token[dot1+1 : dot2]) {
		return nil, invalidToken(ReasonMalformed, errBadAlphabet)
	}
	sig, err := decodeSegment(token[dot2+1:])
	if err != nil {
		return nil, invalidToken(ReasonMalformed, err)
	}
	if err := v.verifySignature(ctx, token[:dot2], sig, kid); err != nil {
		return nil, err
	}
	payload, err := decodeSegment(token[dot1+1 : dot2])
	if err != nil {
		return nil, invalidToken(ReasonMalformed, err)
	}
	claims, err := decodeClaims(payload, string(payload))
	if err != nil {
		return nil, err
	}
	if err := v.rules.Validate(claims); err != nil {
		return nil, v.claimsError(err, claims)
	}
	if err := checkClaims(claims, v.cfg.RequireJTI, v.cfg.MaxLifetime); err != nil {
		return nil, err
	}
	return claims, nil
}

// verifySignature checks sig over signingInput with the configured key, or
// with the JWKS key keyfunc finds for the token's kid ("" when it has none).
func (v *Validator) verifySignature(ctx context.Context, signingInput string, sig []byte, kid string) error {
	if v.jwks == nil {
		if err := v.method.Verify(signingInput, sig, v.staticKey); err != nil {
			return invalidToken(ReasonSignature, err)
		}
		return nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	key, err := v.jwks.keyFor(ctx, v.keyfunc, v.cfg.Algorithm, kid)
	if err != nil {
		return err
	}
	if err := v.method.Verify(signingInput, sig, key); err != nil {
		return invalidToken(ReasonSignature, err)
	}
	return nil
}

// claimsError maps an error of jwt.Validator to a reason. The library error
// stays in the chain (for logs) but not in the message.
func (v *Validator) claimsError(err error, claims *Claims) error {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return invalidToken(ReasonExpired, err)
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return invalidToken(ReasonNotYetValid, err)
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return invalidToken(ReasonIssuedInFuture, err)
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return invalidToken(ReasonIssuer, err)
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return invalidToken(ReasonAudience, err)
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		switch {
		case claims.ExpiresAt == nil:
			return invalidToken(ReasonLifetime, errors.Join(errMissingExp, err))
		case v.cfg.Issuer != "" && claims.Issuer == "":
			return invalidToken(ReasonIssuer, errors.Join(errMissingIssuer, err))
		case v.cfg.Audience != "":
			return invalidToken(ReasonAudience, errors.Join(errMissingAudience, err))
		}
	}
	return invalidToken(ReasonMalformed, err)
}
