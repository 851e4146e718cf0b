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
	ps.checkInternalAuth(s)
	ps.checkEventStream(s)
	ps.checkAPIKeyIntrospection(s)
}

// checkInternalAuth checks how private calls to the auth service are
// authenticated: legacy (no INTERNAL_CLIENT_ID; development only),
// bootstrap (INTERNAL_CLIENT_ID and PRIVATE_API_SECRET) or service tokens
// (SERVICE_TOKEN_EXCHANGE_ENABLED=true on top of bootstrap).
func (ps *problems) checkInternalAuth(s *Settings) {
	clientID := strings.TrimSpace(s.InternalClientID)
	if s.InternalClientID != "" && !validHeaderToken(s.InternalClientID) {
		ps.add("INTERNAL_CLIENT_ID", "must be printable ASCII without spaces (it is sent as the X-Internal-Client header)")
	}
	if s.ServiceTokenExchangeEnabled {
		if clientID == "" {
			ps.add("INTERNAL_CLIENT_ID", "is required when SERVICE_TOKEN_EXCHANGE_ENABLED=true (the client the service tokens are issued to)")
		}
		if s.IntrospectionURL == "" && s.TokenMode != modeStateful { // stateful reports it already
			ps.add("INTROSPECTION_URL", "is required when SERVICE_TOKEN_EXCHANGE_ENABLED=true: the exchange URL <base>/service-token is derived from it")
		}
	}
	if clientID != "" && s.TokenMode != modeStateful { // stateful checks the secret already
		ps.requiredSecret("PRIVATE_API_SECRET", s.PrivateAPISecret, minPrivateAPISecret,
			"when INTERNAL_CLIENT_ID is set (the bootstrap credential sent as X-Internal-Token)")
	}
	if s.IsProduction() && s.IntrospectionURL != "" && clientID == "" {
		ps.add("INTERNAL_CLIENT_ID", "is required in production when INTROSPECTION_URL is set: without it private calls use the legacy X-Internal-Token-only authentication, which is for development")
	}
	ps.atLeast("SERVICE_TOKEN_REFRESH_LEEWAY_SECONDS", s.ServiceTokenRefreshLeewaySeconds, 0)
	for i, scope := range s.ServiceTokenScopes {
		if !validHeaderToken(strings.TrimSpace(scope)) {
			ps.add("SERVICE_TOKEN_SCOPES", "item %d must be a scope name of printable ASCII without spaces, quotes or backslashes, e.g. introspection", i+1)
		}
	}
}

// checkEventStream checks the auth event stream settings.
func (ps *problems) checkEventStream(s *Settings) {
	ps.positiveSeconds("EVENT_STREAM_CONNECT_TIMEOUT", s.EventStreamConnectTimeoutSeconds)
	ps.positiveSeconds("EVENT_STREAM_READ_TIMEOUT", s.EventStreamReadTimeoutSeconds)
	if !s.EventStreamEnabled {
		return
	}
	if !s.EventSigningEnabled { // else checked with EVENT_SIGNING_ENABLED
		ps.requiredSecret("EVENT_SIGNING_KEY", s.EventSigningKey, minSigningKeyBytes,
			"when EVENT_STREAM_ENABLED=true (events are verified with this HMAC key; unsigned events are never accepted)")
	}
	if s.IntrospectionURL == "" && s.TokenMode != modeStateful { // stateful reports it already
		ps.add("INTROSPECTION_URL", "is required when EVENT_STREAM_ENABLED=true: the stream URL <base>/events/stream is derived from it")
	}
}

// Limits of the API-key introspection settings.
const (
	minAPIKeyResponseBytes = 256
	apiKeySchemaVersion    = "1"
)

// checkAPIKeyIntrospection checks the API-key introspection settings: the
// numbers always, what the calls need when API_KEY_INTROSPECTION_ENABLED.
func (ps *problems) checkAPIKeyIntrospection(s *Settings) {
	ps.positiveSeconds("API_KEY_INTROSPECTION_CONNECT_TIMEOUT", s.APIKeyIntrospectionConnectTimeoutSeconds)
	ps.positiveSeconds("API_KEY_INTROSPECTION_READ_TIMEOUT", s.APIKeyIntrospectionReadTimeoutSeconds)
	ps.positiveSeconds("API_KEY_INTROSPECTION_POOL_TIMEOUT", s.APIKeyIntrospectionPoolTimeoutSeconds)
	ps.positiveSeconds("API_KEY_INTROSPECTION_CIRCUIT_RESET_SECONDS", s.APIKeyIntrospectionCircuitResetSeconds)
	ps.atLeast("API_KEY_INTROSPECTION_MAX_CONCURRENCY", s.APIKeyIntrospectionMaxConcurrency, 1)
	ps.atLeast("API_KEY_INTROSPECTION_MAX_RESPONSE_BYTES", s.APIKeyIntrospectionMaxResponseBytes, minAPIKeyResponseBytes)
	ps.atLeast("API_KEY_INTROSPECTION_CIRCUIT_FAILURE_THRESHOLD", s.APIKeyIntrospectionCircuitFailureThreshold, 1)
	if s.APIKeyIntrospectionSchemaVersion != apiKeySchemaVersion {
		ps.add("API_KEY_INTROSPECTION_SCHEMA_VERSION", "must be %q (the only API-key introspection schema this kit speaks), got %q",
			apiKeySchemaVersion, s.APIKeyIntrospectionSchemaVersion)
	}
	explicit := strings.TrimSpace(s.APIKeyIntrospectionURL)
	if explicit != "" {
		ps.httpURL("API_KEY_INTROSPECTION_URL", explicit)
		if s.IsProduction() && !s.AllowInternalHTTP {
			ps.httpsOnly("API_KEY_INTROSPECTION_URL", explicit)
		}
	}
	if !s.APIKeyIntrospectionEnabled {
		return
	}
	if explicit == "" && s.IntrospectionURL == "" && s.TokenMode != modeStateful { // stateful reports it already
		ps.add("API_KEY_INTROSPECTION_URL", "is required when API_KEY_INTROSPECTION_ENABLED=true, or set INTROSPECTION_URL to derive <base>/api-keys/introspect from it")
	}
	clientID := strings.TrimSpace(s.InternalClientID)
	if clientID == "" {
		ps.add("INTERNAL_CLIENT_ID", "is required when API_KEY_INTROSPECTION_ENABLED=true (introspection answers are bound to this client as their audience_id)")
		if s.TokenMode != modeStateful { // else checked with TOKEN_MODE=stateful or INTERNAL_CLIENT_ID
			ps.requiredSecret("PRIVATE_API_SECRET", s.PrivateAPISecret, minPrivateAPISecret,
				"when API_KEY_INTROSPECTION_ENABLED=true (the credential of the private introspection calls)")
		}
	}
}

// maxTimeoutSeconds bounds the event stream timeouts (an hour is far past
// any useful value, and keeps the duration from overflowing).
const maxTimeoutSeconds = 3600

// positiveSeconds records a problem when v (seconds) is not greater than 0
// or is more than maxTimeoutSeconds.
func (ps *problems) positiveSeconds(env string, v float64) {
	if !(v > 0 && v <= maxTimeoutSeconds) { // NaN fails both
		ps.add(env, "must be a number of seconds greater than 0 and at most %d, e.g. 5 or 2.5", maxTimeoutSeconds)
	}
}

// validHeaderToken reports whether v is non-empty printable ASCII without
// spaces, double quotes or backslashes (an OAuth scope token, which also
// fits in an HTTP header).
func validHeaderToken(v string) bool {
	if v == "" {
		return false
	}
	for i := range len(v) {
		if c := v[i]; c <= ' ' || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
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
