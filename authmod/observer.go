package authmod

// Observer receives the auth module's events, for metrics. Implementations
// must be cheap and safe for concurrent use. The kit's implementation is
// [NewMetricsObserver]; a nil Observer anywhere means "not observed".
type Observer interface {
	// AuthFailed is called for every request a guard refuses, with the short
	// reason code that is also logged ("expired", "signature",
	// "no_authorization_header", "insufficient_role", "revoked", ...).
	AuthFailed(reason string)
	// RevocationChecked is called after every revocation check with its
	// outcome: "active", "revoked", "failed" (the request is refused) or
	// "fail_open" (no answer, accepted because of
	// ACCESS_REVOCATION_FAILURE_MODE=fail_open).
	RevocationChecked(outcome string)
	// RevocationCacheLookup is called for every revocation cache lookup.
	RevocationCacheLookup(hit bool)
	// JWKSRefreshed is called after every JWKS fetch, successful or not.
	JWKSRefreshed(ok bool)
}

// Outcomes passed to Observer.RevocationChecked.
const (
	OutcomeActive   = "active"
	OutcomeRevoked  = "revoked"
	OutcomeFailed   = "failed"
	OutcomeFailOpen = "fail_open"
)
