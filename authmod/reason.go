package authmod

import "errors"

// Reason is the short, stable code of why a request or a token was refused:
// the "reason" field of the guards' log lines and the reason label of the
// auth_failures_total metric. Reasons never contain any part of the token.
//
// The Reason* constants are the codes of token validation ([ReasonOf] of a
// [Validator.Validate] error). Guards add their own codes for refusals
// after validation, e.g. "no_authorization_header", "inactive_user",
// "insufficient_role", "not_owner", "revoked", and the revocation client's
// "revocation_unreachable", "revocation_user_mismatch", ...
type Reason string

// Reason codes of token rejections, as returned by [ReasonOf].
const (
	// ReasonMissing: the token is empty.
	ReasonMissing Reason = "missing"
	// ReasonOversized: the token is longer than ValidatorConfig.MaxTokenBytes
	// (rejected before any decoding).
	ReasonOversized Reason = "oversized"
	// ReasonMalformed: not three canonical base64url segments of JSON objects,
	// duplicate JSON members, a claim of the wrong JSON type, a bad kid.
	ReasonMalformed Reason = "malformed"
	// ReasonAlgorithm: the header alg is not the one configured algorithm
	// (this includes "none" and algorithm-confusion attempts).
	ReasonAlgorithm Reason = "algorithm"
	// ReasonSignature: the signature does not verify.
	ReasonSignature Reason = "signature"
	// ReasonUnknownKID: the JWKS has no usable key for the token's kid (also
	// after one rate-limited refresh).
	ReasonUnknownKID Reason = "unknown_kid"
	// ReasonExpired: exp is in the past (beyond the leeway).
	ReasonExpired Reason = "expired"
	// ReasonNotYetValid: nbf is in the future (beyond the leeway).
	ReasonNotYetValid Reason = "not_yet_valid"
	// ReasonIssuedInFuture: iat is in the future (beyond the leeway).
	ReasonIssuedInFuture Reason = "issued_in_future"
	// ReasonIssuer: iss is missing or not the configured issuer.
	ReasonIssuer Reason = "issuer"
	// ReasonAudience: aud is missing or does not contain the configured
	// audience.
	ReasonAudience Reason = "audience"
	// ReasonType: the header typ is present and not JWT / at+jwt, or the
	// "type" claim is not "access" (e.g. a refresh token).
	ReasonType Reason = "type"
	// ReasonSubject: sub is missing or not a canonical UUID.
	ReasonSubject Reason = "subject"
	// ReasonJTI: jti is missing in stateful mode, or is not 1..128 printable
	// characters.
	ReasonJTI Reason = "jti"
	// ReasonLifetime: exp or iat is missing, or exp - iat exceeds
	// ValidatorConfig.MaxLifetime (or is negative).
	ReasonLifetime Reason = "lifetime"
	// ReasonCrit: the header has a "crit" member (no extension is understood).
	ReasonCrit Reason = "crit"
	// ReasonKeysUnavailable: no verification key is loaded (JWKS not reached
	// yet); the error wraps [ErrKeysUnavailable] (503).
	ReasonKeysUnavailable Reason = "keys_unavailable"

	// ReasonInvalid is returned by [ReasonOf] for an error that wraps
	// [ErrInvalidToken] but was not produced by [Validator] (e.g. a test
	// double).
	ReasonInvalid Reason = "invalid"
	// ReasonError is returned by [ReasonOf] for a non-nil error that wraps
	// neither [ErrInvalidToken] nor [ErrKeysUnavailable].
	ReasonError Reason = "error"
)

// tokenError is the error type of [Validator.Validate]. Its message is
// "<sentinel>: <reason>" and never contains the token nor library text; the
// library's error (if any) is in the wrapped chain for logs.
type tokenError struct {
	reason   Reason
	sentinel error // ErrInvalidToken or ErrKeysUnavailable
	cause    error // may be nil
}

func (e *tokenError) Error() string { return e.sentinel.Error() + ": " + string(e.reason) }

// Unwrap exposes the sentinel (for errors.Is) and the underlying cause.
func (e *tokenError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.sentinel}
	}
	return []error{e.sentinel, e.cause}
}

// invalidToken returns an error wrapping ErrInvalidToken with reason.
func invalidToken(reason Reason, cause error) error {
	return &tokenError{reason: reason, sentinel: ErrInvalidToken, cause: cause}
}

// keysUnavailable returns an error wrapping ErrKeysUnavailable.
func keysUnavailable(cause error) error {
	return &tokenError{reason: ReasonKeysUnavailable, sentinel: ErrKeysUnavailable, cause: cause}
}

// ReasonOf returns the reason code of a [Validator.Validate] error: one of
// the Reason* constants from [ReasonMissing] to [ReasonKeysUnavailable]. It
// returns "" for nil, [ReasonKeysUnavailable] for any error wrapping
// [ErrKeysUnavailable], [ReasonInvalid] for other errors wrapping
// [ErrInvalidToken], the failure reason of an [APIKeyClient.Introspect]
// error that has one ([APIKeyFailureReason]), and [ReasonError] otherwise.
func ReasonOf(err error) Reason {
	if err == nil {
		return ""
	}
	var te *tokenError
	if errors.As(err, &te) {
		return te.reason
	}
	if r := APIKeyFailureReason(err); r != "" {
		return r
	}
	switch {
	case errors.Is(err, ErrKeysUnavailable):
		return ReasonKeysUnavailable
	case errors.Is(err, ErrInvalidToken):
		return ReasonInvalid
	default:
		return ReasonError
	}
}
