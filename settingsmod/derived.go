package settingsmod

import (
	"math"
	"slices"
	"strings"
	"time"
)

// Defaults of the derived values whose setting is optional.
const (
	defaultShutdownDrain = 5 * time.Second
	strictTokenLeeway    = 2 * time.Second
	defaultTokenLeeway   = 5 * time.Second
)

// IsProduction reports whether production rules apply:
// ENVIRONMENT=production or STRICT_PRODUCTION_MODE=true.
func (s *Settings) IsProduction() bool {
	return s.Environment == envProduction || s.StrictProductionMode
}

// IsLocal reports whether ENVIRONMENT=local.
func (s *Settings) IsLocal() bool { return s.Environment == envLocal }

// DocsGated reports whether the OpenAPI and docs routes are switched off
// whatever SET_OPEN_API, SET_DOCS and SET_REDOC say: in production, unless
// SERVE_DOCS_IN_PRODUCTION=true.
func (s *Settings) DocsGated() bool { return s.IsProduction() && !s.ServeDocsInProduction }

// IsStateless reports whether access tokens are validated locally only:
// TOKEN_MODE stateless or hybrid (a consumer does not introspect access
// tokens in hybrid mode).
func (s *Settings) IsStateless() bool {
	return s.TokenMode == modeStateless || s.TokenMode == modeHybrid
}

// IsStateful reports whether every access token is also checked against the
// auth service's revocation endpoint: TOKEN_MODE=stateful.
func (s *Settings) IsStateful() bool { return s.TokenMode == modeStateful }

// AllowedOrigins returns the CORS origins: BACKEND_CORS_ORIGINS followed by
// the origin of FRONTEND_HOST, trimmed and normalised (lower-case scheme and
// host, no trailing slash, no default port), without duplicates or empty
// items, in order. Items that are not valid origins are left out.
func (s *Settings) AllowedOrigins() []string {
	var out []string
	add := func(origin string, err error) {
		if err == nil && !slices.Contains(out, origin) {
			out = append(out, origin)
		}
	}
	for _, item := range s.BackendCORSOrigins {
		if item = strings.TrimSpace(item); item != "" {
			add(normaliseOrigin(item))
		}
	}
	if host := strings.TrimSpace(s.FrontendHost); host != "" {
		add(originOf(host))
	}
	return out
}

// ShutdownDrain is how long to keep serving after readiness drops on stop:
// SHUTDOWN_DRAIN_SECONDS when set, else 0 in local and 5s elsewhere.
func (s *Settings) ShutdownDrain() time.Duration {
	switch {
	case s.ShutdownDrainSeconds != nil:
		return seconds(*s.ShutdownDrainSeconds)
	case s.IsLocal():
		return 0
	}
	return defaultShutdownDrain
}

// EffectiveLogFormat is LOG_FORMAT when set, else "console" in local and
// "json" elsewhere.
func (s *Settings) EffectiveLogFormat() string {
	switch {
	case s.LogFormat != "":
		return s.LogFormat
	case s.IsLocal():
		return logConsole
	}
	return logJSON
}

// TokenLeeway is the clock skew tolerated on exp, nbf and iat:
// TOKEN_LEEWAY_SECONDS when set, else 2s under TOKEN_STRICT_VALIDATION and
// 5s otherwise.
func (s *Settings) TokenLeeway() time.Duration {
	switch {
	case s.TokenLeewaySeconds != nil:
		return seconds(*s.TokenLeewaySeconds)
	case s.TokenStrictValidation:
		return strictTokenLeeway
	}
	return defaultTokenLeeway
}

// JWKSCacheTTL is JWKS_CACHE_TTL_SECONDS as a duration.
func (s *Settings) JWKSCacheTTL() time.Duration { return seconds(s.JWKSCacheTTLSeconds) }

// RevocationCacheTTL is REVOCATION_CACHE_TTL_SECONDS as a duration (0: no
// caching of revocation answers).
func (s *Settings) RevocationCacheTTL() time.Duration { return seconds(s.RevocationCacheTTLSeconds) }

// HTTPReadHeaderTimeout is HTTP_READ_HEADER_TIMEOUT_SECONDS as a duration.
func (s *Settings) HTTPReadHeaderTimeout() time.Duration {
	return seconds(s.HTTPReadHeaderTimeoutSeconds)
}

// HTTPReadTimeout is HTTP_READ_TIMEOUT_SECONDS as a duration.
func (s *Settings) HTTPReadTimeout() time.Duration { return seconds(s.HTTPReadTimeoutSeconds) }

// HTTPWriteTimeout is HTTP_WRITE_TIMEOUT_SECONDS as a duration.
func (s *Settings) HTTPWriteTimeout() time.Duration { return seconds(s.HTTPWriteTimeoutSeconds) }

// RequestTimeout is REQUEST_TIMEOUT_SECONDS as a duration: the default
// deadline of a request's context.
func (s *Settings) RequestTimeout() time.Duration { return seconds(s.RequestTimeoutSeconds) }

// HTTPIdleTimeout is HTTP_IDLE_TIMEOUT_SECONDS as a duration.
func (s *Settings) HTTPIdleTimeout() time.Duration { return seconds(s.HTTPIdleTimeoutSeconds) }

// MetricsGroupEnabled reports whether METRICS_GROUPS lists name or "all".
// It does not look at METRICS_ENABLED.
func (s *Settings) MetricsGroupEnabled(name string) bool {
	for _, g := range s.MetricsGroups {
		if g = strings.TrimSpace(g); g == metricsAll || g == name {
			return true
		}
	}
	return false
}

// seconds converts a count of seconds to a duration.
func seconds(n int) time.Duration { return time.Duration(n) * time.Second }

// PrivateBaseURL is the base of the auth service's private routes, derived
// from INTROSPECTION_URL: trailing "/" removed, then a trailing
// "/jti-status" removed (e.g. http://auth:8000/user/private/v1). The
// service-token exchange is at PrivateBaseURL()+"/service-token" and the
// event stream at PrivateBaseURL()+"/events/stream". It is "" when
// INTROSPECTION_URL is unset.
func (s *Settings) PrivateBaseURL() string {
	base := strings.TrimRight(strings.TrimSpace(s.IntrospectionURL), "/")
	return strings.TrimSuffix(base, jtiStatusSuffix)
}

// EffectiveServiceTokenScopes are the scopes asked for in a service-token
// exchange: the items of SERVICE_TOKEN_SCOPES (trimmed, empty items left
// out), then "event-stream" when EVENT_STREAM_ENABLED=true, then
// "api-key-introspection" when API_KEY_INTROSPECTION_ENABLED=true, without
// duplicates, in order.
func (s *Settings) EffectiveServiceTokenScopes() []string {
	out := make([]string, 0, len(s.ServiceTokenScopes)+1)
	add := func(scope string) {
		if scope != "" && !slices.Contains(out, scope) {
			out = append(out, scope)
		}
	}
	for _, scope := range s.ServiceTokenScopes {
		add(strings.TrimSpace(scope))
	}
	if s.EventStreamEnabled {
		add(ScopeEventStream)
	}
	if s.APIKeyIntrospectionEnabled {
		add(ScopeAPIKeyIntrospection)
	}
	return out
}

// Scopes of the auth service's private routes.
const (
	// ScopeIntrospection is needed for the jti-status check.
	ScopeIntrospection = "introspection"
	// ScopeEventStream is needed for the auth event stream.
	ScopeEventStream = "event-stream"
	// ScopeAPIKeyIntrospection is needed for API-key introspection.
	ScopeAPIKeyIntrospection = "api-key-introspection"
)

// jtiStatusSuffix ends INTROSPECTION_URL in the usual deployment.
const jtiStatusSuffix = "/jti-status"

// ServiceTokenRefreshLeeway is SERVICE_TOKEN_REFRESH_LEEWAY_SECONDS as a
// duration: a service token is exchanged again that long before it expires.
func (s *Settings) ServiceTokenRefreshLeeway() time.Duration {
	return seconds(s.ServiceTokenRefreshLeewaySeconds)
}

// EventStreamConnectTimeout is EVENT_STREAM_CONNECT_TIMEOUT as a duration.
func (s *Settings) EventStreamConnectTimeout() time.Duration {
	return fractionalSeconds(s.EventStreamConnectTimeoutSeconds)
}

// EventStreamReadTimeout is EVENT_STREAM_READ_TIMEOUT as a duration: the
// stream is reconnected when no byte (not even a heartbeat) came for that
// long.
func (s *Settings) EventStreamReadTimeout() time.Duration {
	return fractionalSeconds(s.EventStreamReadTimeoutSeconds)
}

// fractionalSeconds converts a number of seconds, fractions allowed, to a
// duration (rounded to the nanosecond).
func fractionalSeconds(v float64) time.Duration {
	return time.Duration(math.Round(v * float64(time.Second)))
}

// apiKeyIntrospectSuffix is appended to PrivateBaseURL to derive the API-key
// introspection endpoint.
const apiKeyIntrospectSuffix = "/api-keys/introspect"

// APIKeyIntrospectionEndpoint is the URL API keys are introspected at:
// API_KEY_INTROSPECTION_URL when set (trimmed), else PrivateBaseURL() +
// "/api-keys/introspect", or "" when neither is set.
func (s *Settings) APIKeyIntrospectionEndpoint() string {
	if u := strings.TrimSpace(s.APIKeyIntrospectionURL); u != "" {
		return u
	}
	if base := s.PrivateBaseURL(); base != "" {
		return base + apiKeyIntrospectSuffix
	}
	return ""
}

// APIKeyIntrospectionConnectTimeout is API_KEY_INTROSPECTION_CONNECT_TIMEOUT
// as a duration.
func (s *Settings) APIKeyIntrospectionConnectTimeout() time.Duration {
	return fractionalSeconds(s.APIKeyIntrospectionConnectTimeoutSeconds)
}

// APIKeyIntrospectionReadTimeout is API_KEY_INTROSPECTION_READ_TIMEOUT as a
// duration.
func (s *Settings) APIKeyIntrospectionReadTimeout() time.Duration {
	return fractionalSeconds(s.APIKeyIntrospectionReadTimeoutSeconds)
}

// APIKeyIntrospectionPoolTimeout is API_KEY_INTROSPECTION_POOL_TIMEOUT as a
// duration: how long a request waits for one of the concurrency slots.
func (s *Settings) APIKeyIntrospectionPoolTimeout() time.Duration {
	return fractionalSeconds(s.APIKeyIntrospectionPoolTimeoutSeconds)
}

// APIKeyIntrospectionCircuitReset is
// API_KEY_INTROSPECTION_CIRCUIT_RESET_SECONDS as a duration: how long the
// circuit stays open before a trial call.
func (s *Settings) APIKeyIntrospectionCircuitReset() time.Duration {
	return fractionalSeconds(s.APIKeyIntrospectionCircuitResetSeconds)
}

// EffectiveContractName is CONTRACT_NAME when set, else PROJECT_NAME.
func (s *Settings) EffectiveContractName() string {
	if n := strings.TrimSpace(s.ContractName); n != "" {
		return n
	}
	return s.ProjectName
}
