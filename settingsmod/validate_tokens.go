package settingsmod

import "strings"

// checkTokens validates the token, key and revocation settings.
func (ps *problems) checkTokens(s *Settings) {
	ps.oneOf("TOKEN_MODE", s.TokenMode, tokenModes)
	if s.AuthServiceRole != roleConsumer {
		ps.add("AUTH_SERVICE_ROLE", `must be %q: this kit is for consumer services that validate tokens issued by the auth service (fa-auth-m8), got %q`,
			roleConsumer, s.AuthServiceRole)
	}
	ps.checkAlgorithmKeys(s)
	if s.JWKSURI != "" {
		ps.httpURL("JWKS_URI", s.JWKSURI)
	}
	ps.atLeast("JWKS_CACHE_TTL_SECONDS", s.JWKSCacheTTLSeconds, 1)
	if s.RefreshSecretKey.IsSet() {
		ps.secretLength("REFRESH_SECRET_KEY", s.RefreshSecretKey, minSigningKeyBytes)
	}
	if s.TokenLeewaySeconds != nil {
		ps.between("TOKEN_LEEWAY_SECONDS", *s.TokenLeewaySeconds, 0, maxTokenLeewaySecs)
	}
	if s.TokenStrictValidation {
		ps.checkStrictBinding(s)
	}
	if s.EventSigningEnabled {
		ps.requiredSecret("EVENT_SIGNING_KEY", s.EventSigningKey, minSigningKeyBytes,
			"when EVENT_SIGNING_ENABLED=true (the event bus HMAC key); set EVENT_SIGNING_ENABLED=false to disable event signing")
	}
	if s.TokenMode == modeStateful {
		ps.checkStateful(s)
	} else if s.IntrospectionURL != "" {
		ps.httpURL("INTROSPECTION_URL", s.IntrospectionURL)
	}
	ps.atLeast("REVOCATION_CACHE_TTL_SECONDS", s.RevocationCacheTTLSeconds, 0)
	ps.oneOf("ACCESS_REVOCATION_FAILURE_MODE", s.AccessRevocationFailureMode, revocationFailure)
}

// checkAlgorithmKeys checks that the key material of ACCESS_TOKEN_ALGORITHM
// is present and strong enough.
func (ps *problems) checkAlgorithmKeys(s *Settings) {
	alg := s.AccessTokenAlgorithm
	switch alg {
	case algHS256:
		ps.requiredSecret("ACCESS_SECRET_KEY", s.AccessSecretKey, minSigningKeyBytes,
			"when ACCESS_TOKEN_ALGORITHM=HS256 (the shared signing secret)")
	case algRS256, algES256:
		if s.AccessPublicKeyFile == "" && s.JWKSURI == "" {
			ps.add("ACCESS_PUBLIC_KEY_FILE", "ACCESS_PUBLIC_KEY_FILE (path to a PEM public key) or JWKS_URI is required when ACCESS_TOKEN_ALGORITHM=%s", alg)
		}
		if s.AccessPublicKeyFile != "" {
			if err := checkPublicKeyFile(s.AccessPublicKeyFile, alg); err != nil {
				ps.add("ACCESS_PUBLIC_KEY_FILE", "%v", err)
			}
		}
	default:
		ps.oneOf("ACCESS_TOKEN_ALGORITHM", alg, algorithms)
	}
}

// checkStrictBinding requires the iss and aud values that strict validation
// enforces.
func (ps *problems) checkStrictBinding(s *Settings) {
	const why = "is required when TOKEN_STRICT_VALIDATION=true (%s); set TOKEN_STRICT_VALIDATION=false to skip issuer and audience binding"
	if strings.TrimSpace(s.TokenIssuer) == "" {
		ps.add("TOKEN_ISSUER", why, "the expected iss claim")
	}
	if strings.TrimSpace(s.TokenAudience) == "" {
		ps.add("TOKEN_AUDIENCE", why, "the expected aud claim, naming this service")
	}
}

// checkStateful checks what revocation checks against the auth service need.
func (ps *problems) checkStateful(s *Settings) {
	if ps.required("INTROSPECTION_URL", s.IntrospectionURL,
		"when TOKEN_MODE=stateful: the auth service's JTI status endpoint, e.g. http://auth:8000/user/private/v1/jti-status") {
		ps.httpURL("INTROSPECTION_URL", s.IntrospectionURL)
	}
	ps.requiredSecret("PRIVATE_API_SECRET", s.PrivateAPISecret, minPrivateAPISecret,
		"when TOKEN_MODE=stateful (the X-Internal-Token secret shared with the auth service)")
}

// requiredSecret records a problem when s is empty (saying when it is needed)
// or shorter than lo bytes.
func (ps *problems) requiredSecret(env string, s Secret, lo int, when string) {
	if !s.IsSet() {
		ps.add(env, "is required %s, at least %d bytes long", when, lo)
		return
	}
	ps.secretLength(env, s, lo)
}
