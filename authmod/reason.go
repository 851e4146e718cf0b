package authmod

import "errors"

// Reason codes of token rejections, as returned by [Reason]. They are short,
// stable and safe to use as log fields and metric labels: they never contain
// any part of the token.
const (
	// ReasonMissing: the token is empty.
	ReasonMissing = "missing"
	// ReasonOversized: the token is longer than ValidatorConfig.MaxTokenBytes
	// (rejected before any decoding).
	ReasonOversized = "oversized"
	// ReasonMalformed: not three canonical base64url segments of JSON objects,
	// duplicate JSON members, a claim of the wrong JSON type, a bad kid.
	ReasonMalformed = "malformed"
	// ReasonAlgorithm: the header alg is not the one configured algorithm
	// (this includes "none" and algorithm-confusion attempts).
	ReasonAlgorithm = "algorithm"
	// ReasonSignature: the signature does not verify.
	ReasonSignature = "signature"
	// ReasonUnknownKID: the JWKS has no usable key for the token's kid (also
	// after one rate-limited refresh).
	ReasonUnknownKID = "unknown_kid"
	// ReasonExpired: exp is in the past (beyond the leeway).
	ReasonExpired = "expired"
	// ReasonNotYetValid: nbf is in the future (beyond the leeway).
	ReasonNotYetValid = "not_yet_valid"
	// ReasonIssuedInFuture: iat is in the future (beyond the leeway).
	ReasonIssuedInFuture = "issued_in_future"
	// ReasonIssuer: iss is missing or not the configured issuer.
	ReasonIssuer = "issuer"
	// ReasonAudience: aud is missing or does not contain the configured
	// audience.
	ReasonAudience = "audience"
	// ReasonType: the header typ is present and not JWT / at+jwt, or the
	// "type" claim is not "access" (e.g. a refresh token).
	ReasonType = "type"
	// ReasonSubject: sub is missing or not a canonical UUID.
	ReasonSubject = "subject"
	// ReasonJTI: jti is missing in stateful mode, or is not 1..128 printable
	// characters.
	ReasonJTI = "jti"
	// ReasonLifetime: exp or iat is missing, or exp - iat exceeds
	// ValidatorConfig.MaxLifetime (or is negative).
	ReasonLifetime = "lifetime"
	// ReasonCrit: the header has a "crit" member (no extension is understood).
	ReasonCrit = "crit"
	// ReasonKeysUnavailable: no verification key is loaded (JWKS not reached
	// yet); the error wraps [ErrKeysUnavailable] (503).
	ReasonKeysUnavailable = "keys_unavailable"

	// ReasonInvalid is returned by [Reason] for an error that wraps
	// [ErrInvalidToken] but was not produced by [Validator] (e.g. a test
	// double).
	ReasonInvalid = "invalid"
	// ReasonError is returned by [Reason] for a non-nil error that wraps
	// neither [ErrInvalidToken] nor [ErrKeysUnavailable].
	ReasonError = "error"
)

// tokenError is the error type of [Validator.Validate]. Its message is
// "<sentinel>: <reason>" and never contains the token nor library text; the
// library's error (if any) is in the wrapped chain for logs.
type tokenError struct {
	reason   string
	sentinel error // ErrInvalidToken or ErrKeysUnavailable
	cause    error // may be nil
}

func (e *tokenError) Error() string { return e.sentinel.Error() + ": " + e.reason }

// Unwrap exposes the sentinel (for errors.Is) and the underlying cause.
func (e *tokenError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.sentinel}
	}
	return []error{e.sentinel, e.cause}
}

// invalidToken returns an error wrapping ErrInvalidToken with reason.
func invalidToken(reason string, cause error) error {
	return &tokenError{reason: reason, sentinel: ErrInvalidToken, cause: cause}
}

// keysUnavailable returns an error wrapping ErrKeysUnavailable.
func keysUnavailable(cause error) error {
	return &tokenError{reason: ReasonKeysUnavailable, sentinel: ErrKeysUnavailable, cause: cause}
}

// Reason returns the short, stable reason code of a [Validator.Validate]
// error: one of "missing", "oversized", "malformed", "algorithm",
// "signature", "unknown_kid", "expired", "not_yet_valid", "issued_in_future",
// "issuer", "audience", "type", "subject", "jti", "lifetime", "crit",
// "keys_unavailable" (the Reason* constants). It returns "" for nil,
// "keys_unavailable" for any error wrapping [ErrKeysUnavailable], "invalid"
// for other errors wrapping [ErrInvalidToken], and "error" otherwise.
func Reason(err error) string {
	if err == nil {
		return ""
	}
	var te *tokenError
	if errors.As(err, &te) {
		return te.reason
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
