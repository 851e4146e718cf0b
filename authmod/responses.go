package authmod

import (
	"encoding/json"
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

// The JSON error bodies {"detail": "..."}, rendered once.
var (
	bodyNotAuthenticated   = detailBody(DetailNotAuthenticated)
	bodyInvalidCredentials = detailBody(DetailInvalidCredentials)
	bodyInactiveUser       = detailBody(DetailInactiveUser)
	bodyNotEnoughPrivilege = detailBody(DetailNotEnoughPrivilege)
	bodyAuthUnavailable    = detailBody(DetailAuthUnavailable)
)

func detailBody(detail string) []byte {
	b, err := json.Marshal(map[string]string{"detail": detail})
	if err != nil {
		panic(err) // a constant string always marshals
	}
	return b
}

const jsonContentType = "application/json; charset=utf-8"

// abortWith aborts the request with status and a pre-rendered JSON body.
func abortWith(c *gin.Context, status int, body []byte) {
	c.Abort()
	c.Data(status, jsonContentType, body)
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
