package httpmod

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

// ErrorBody is the JSON shape of every error the kit answers, but the 422 of
// invalid input: {"detail": "..."}.
type ErrorBody struct {
	Detail string `json:"detail"`
}

// AbortWithDetail aborts the request with status and the JSON body
// {"detail": detail}.
func AbortWithDetail(c *gin.Context, status int, detail string) {
	c.AbortWithStatusJSON(status, ErrorBody{Detail: detail})
}

func notFound(c *gin.Context) { AbortWithDetail(c, http.StatusNotFound, "Not Found") }

func methodNotAllowed(c *gin.Context) {
	AbortWithDetail(c, http.StatusMethodNotAllowed, "Method Not Allowed")
}

// StatusError is an error that a handler (or an [InputAuthorizer]) returns
// to answer with Status and {"detail": Detail}; create it with [Error].
type StatusError struct {
	Status int
	Detail string
	// RetryAfter, when positive, is sent as the Retry-After header (seconds).
	RetryAfter int
	// Err is the cause, logged for 5xx answers and never sent.
	Err error
}

// Error returns the error that answers status with {"detail": detail}:
//
//	return nil, httpmod.Error(http.StatusNotFound, "Item not found")
//
// The status must be documented on the route ([Responds]) or be one the kit
// documents itself.
func Error(status int, detail string) *StatusError {
	return &StatusError{Status: status, Detail: detail}
}

func (e *StatusError) Error() string {
	msg := strconv.Itoa(e.Status) + " " + e.Detail
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *StatusError) Unwrap() error { return e.Err }

// asStatusError returns the StatusError in err's chain.
func asStatusError(err error) (*StatusError, bool) {
	var se *StatusError
	ok := errors.As(err, &se)
	return se, ok
}
