package httpmod

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
)

// HeaderRequestID is the request id header, read from clients and echoed back.
const HeaderRequestID = "X-Request-ID"

// maxRequestIDLen bounds an accepted inbound request id.
const maxRequestIDLen = 64

type ctxKey int

const (
	requestIDKey ctxKey = iota
	loggerKey
)

// ginRequestIDKey is where the request id lives in a *gin.Context.
const ginRequestIDKey = "m8fx.request_id"

// validRequestID reports whether an inbound id is safe to reuse: 1 to 64
// characters of [A-Za-z0-9._-]. Anything else is replaced, so hostile values
// never reach logs or response headers.
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// newRequestID returns 32 random hex characters.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// requestIDMiddleware accepts a well-formed inbound X-Request-ID or generates
// one, echoes it, and stores it together with a request-scoped logger in the
// request context.
func requestIDMiddleware(base *zap.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader(HeaderRequestID)
		if !validRequestID(id) {
			id = newRequestID()
		}
		c.Set(ginRequestIDKey, id)
		c.Header(HeaderRequestID, id)
		ctx := context.WithValue(c.Request.Context(), requestIDKey, id)
		ctx = context.WithValue(ctx, loggerKey, base.With(zap.String("request_id", id)))
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}
}

// RequestID returns the id of the request being served, or "" outside the
// kit's middleware. c may be a *gin.Context or any context.Context.
func RequestID(ctx context.Context) string {
	if c, ok := ctx.(*gin.Context); ok {
		return c.GetString(ginRequestIDKey)
	}
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// Logger returns the request-scoped logger (it carries the request_id field),
// or fallback when ctx does not come from a request served by the kit.
// ctx may be a *gin.Context or the request's context.Context.
func Logger(ctx context.Context, fallback *zap.Logger) *zap.Logger {
	if c, ok := ctx.(*gin.Context); ok {
		ctx = c.Request.Context()
	}
	if l, ok := ctx.Value(loggerKey).(*zap.Logger); ok {
		return l
	}
	return fallback
}
