package authmod

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// The "detail" messages of the guards' error answers (DESIGN.md §4). They are
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

// errorBody is the JSON error body {"detail": "..."}.
type errorBody struct {
	Detail string `json:"detail"`
}

// abortNotAuthenticated answers 401 for a request without a bearer token.
func abortNotAuthenticated(c *gin.Context) {
	c.Header("WWW-Authenticate", ChallengeBearer)
	c.AbortWithStatusJSON(http.StatusUnauthorized, errorBody{DetailNotAuthenticated})
}

// abortInvalidToken answers 401 for a token that is not acceptable: malformed,
// forged, expired, not for us, revoked, or not mappable to a user.
func abortInvalidToken(c *gin.Context) {
	c.Header("WWW-Authenticate", ChallengeInvalidToken)
	c.AbortWithStatusJSON(http.StatusUnauthorized, errorBody{DetailInvalidCredentials})
}

// abortInactive answers 403 for a valid token of an inactive user.
func abortInactive(c *gin.Context) {
	c.AbortWithStatusJSON(http.StatusForbidden, errorBody{DetailInactiveUser})
}

// abortForbidden answers 403 for a user whose role is too low.
func abortForbidden(c *gin.Context) {
	c.AbortWithStatusJSON(http.StatusForbidden, errorBody{DetailNotEnoughPrivilege})
}

// abortUnavailable answers 503 when keys or revocation gave no usable answer.
func abortUnavailable(c *gin.Context) {
	c.Header("Retry-After", RetryAfterSeconds)
	c.AbortWithStatusJSON(http.StatusServiceUnavailable, errorBody{DetailAuthUnavailable})
}
