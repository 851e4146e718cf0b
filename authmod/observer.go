package authmod

// Observer receives the auth module's events, for metrics. Implementations
// must be cheap and safe for concurrent use. The kit's implementation is
// [NewMetricsObserver]; a nil Observer anywhere means "not observed".
type Observer interface {
	// AuthFailed is called for every request a guard refuses, with the
	// reason that is also logged ([ReasonExpired], [ReasonSignature],
	// "no_authorization_header", "insufficient_role", "revoked", ...).
	AuthFailed(reason Reason)
	// RevocationChecked is called after every revocation check with its
	// [Outcome].
	RevocationChecked(outcome Outcome)
	// RevocationCacheLookup is called for every revocation cache lookup.
	RevocationCacheLookup(hit bool)
	// JWKSRefreshed is called after every JWKS fetch, successful or not.
	JWKSRefreshed(ok bool)
}

// Outcome is the result of one revocation check, the outcome label of the
// auth_revocation_checks_total metric.
type Outcome string

// Outcomes passed to [Observer.RevocationChecked].
const (
	// OutcomeActive: the auth service (or the cache) says the token is
	// active.
	OutcomeActive Outcome = "active"
	// OutcomeRevoked: the token was revoked; the request is refused (401).
	OutcomeRevoked Outcome = "revoked"
	// OutcomeFailed: no usable answer; the request is refused (503, or 401
	// for a token without jti).
	OutcomeFailed Outcome = "failed"
	// OutcomeFailOpen: no answer, and the token was accepted because the
	// failure mode is [FailOpen].
	OutcomeFailOpen Outcome = "fail_open"
)
