package httpmod

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// UnmatchedRoute is the route label of requests that matched no route. One
// constant keeps log and metric label cardinality bounded.
const UnmatchedRoute = "<unmatched>"

// routeLabel is gin's route template ("/api/items/:id"), never the raw path.
func routeLabel(c *gin.Context) string {
	if p := c.FullPath(); p != "" {
		return p
	}
	return UnmatchedRoute
}

// requestStatus is the status of a served request for the logs and the
// metrics: the one written, or [StatusClientClosedRequest] when nothing was
// written and the client went away (ctx is the request's context as the
// server gave it, before any route deadline).
func requestStatus(c *gin.Context, ctx context.Context) int {
	if !c.Writer.Written() && clientGone(ctx) {
		return StatusClientClosedRequest
	}
	return c.Writer.Status()
}

// accessLogMiddleware writes one line per request: method, route template,
// status, latency, bytes and (through the request logger) the request id.
// Headers are never logged, so the Authorization header cannot leak. A 5xx
// is logged at error, anything else at info; a request whose client went
// away before the answer is logged at info with status 499
// ([StatusClientClosedRequest]) and cancelled=true.
func accessLogMiddleware(base *zap.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		ctx := c.Request.Context()
		defer func() {
			// A panicking handler unwinds through here to the recovery
			// middleware, which answers 500: log that request too, then let
			// the panic go on.
			if rec := recover(); rec != nil {
				writeAccessLog(c, base, start, http.StatusInternalServerError)
				panic(rec)
			}
		}()
		c.Next()
		writeAccessLog(c, base, start, requestStatus(c, ctx))
	}
}

func writeAccessLog(c *gin.Context, base *zap.Logger, start time.Time, status int) {
	// A 5xx is a warning here: the one ERROR line of a failed request is the
	// handler's own (with the error chain) or the recovery's (with the stack).
	level := zapcore.InfoLevel
	if status >= 500 {
		level = zapcore.WarnLevel
	}
	if ce := Logger(c, base).Check(level, "http request"); ce != nil {
		fields := []zap.Field{
			zap.String("method", c.Request.Method),
			zap.String("route", routeLabel(c)),
			zap.Int("status", status),
			zap.Duration("latency", time.Since(start)),
			zap.Int("bytes", max(c.Writer.Size(), 0)),
		}
		if status == StatusClientClosedRequest {
			fields = append(fields, zap.Bool("cancelled", true))
		}
		ce.Write(fields...)
	}
}
