package authmod

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// The "detail" messages of the guards' error answers. They are
// the fastapi-m8 messages, so clients of both kits see the same bodies.
const (
	DetailNotAuthenticated   = "Not authenticated"
	DetailInvalidCredentials = "Could not validate credentials"
	DetailInactiveUser       = "Inactive user"
	DetailNotEnoughPrivilege = "The user doesn't have enough privileges"
	DetailAuthUnavailable    = "Authentication temporarily unavailable"
)

// The WWW-Authenticate challenges of 401 answers, and the Retry-After of 503
// answers (seconds).
const (
	ChallengeBearer       = `Bearer`
	ChallengeInvalidToken = `Bearer error="invalid_token"`
	RetryAfterSeconds     = "5"
)

// The JSON error bodies {"detail": "..."}, written as they are (the
// details need no JSON escaping; responses_test checks them against
// encoding/json).
const (
	bodyNotAuthenticated   = `{"detail":"` + DetailNotAuthenticated + `"}`
	bodyInvalidCredentials = `{"detail":"` + DetailInvalidCredentials + `"}`
	bodyInactiveUser       = `{"detail":"` + DetailInactiveUser + `"}`
	bodyNotEnoughPrivilege = `{"detail":"` + DetailNotEnoughPrivilege + `"}`
	bodyAuthUnavailable    = `{"detail":"` + DetailAuthUnavailable + `"}`
	bodyInternalError      = `{"detail":"Internal Server Error"}`
)

const jsonContentType = "application/json; charset=utf-8"

// abortWith aborts the request with status and a JSON body, without
// allocating.
func abortWith(c *gin.Context, status int, body string) {
	c.Abort()
	c.Header("Content-Type", jsonContentType)
	c.Status(status)
	_, _ = c.Writer.WriteString(body)
}

// abortNotAuthenticated answers 401 for a request without a bearer token.
func abortNotAuthenticated(c *gin.Context) {
	c.Header("WWW-Authenticate", ChallengeBearer)
	abortWith(c, http.StatusUnauthorized, bodyNotAuthenticated)
}

// abortInvalidToken answers 401 for a token that is not acceptable: malformed,
// forged, expired, not for us, revoked, or not mappable to a user.
func abortInvalidToken(c *gin.Context) {
	c.Header("WWW-Authenticate", ChallengeInvalidToken)
	abortWith(c, http.StatusUnauthorized, bodyInvalidCredentials)
}

// abortInactive answers 403 for a valid token of an inactive user.
func abortInactive(c *gin.Context) {
	abortWith(c, http.StatusForbidden, bodyInactiveUser)
}

// abortForbidden answers 403 for a user whose role is too low.
func abortForbidden(c *gin.Context) {
	abortWith(c, http.StatusForbidden, bodyNotEnoughPrivilege)
}

// abortUnavailable answers 503 when keys or revocation gave no usable answer.
func abortUnavailable(c *gin.Context) {
	c.Header("Retry-After", RetryAfterSeconds)
	abortWith(c, http.StatusServiceUnavailable, bodyAuthUnavailable)
}

// abortMisconfigured answers 500 for a guard that cannot admit anyone (a
// programming mistake, logged by the guard).
func abortMisconfigured(c *gin.Context) {
	abortWith(c, http.StatusInternalServerError, bodyInternalError)
}
