package httpmod

import (
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

// accessLogMiddleware writes one line per request: method, route template,
// status, latency, bytes and (through the request logger) the request id.
// Headers are never logged, so the Authorization header cannot leak.
func accessLogMiddleware(base *zap.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
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
		writeAccessLog(c, base, start, c.Writer.Status())
	}
}

func writeAccessLog(c *gin.Context, base *zap.Logger, start time.Time, status int) {
	level := zapcore.InfoLevel
	if status >= 500 {
		level = zapcore.ErrorLevel
	}
	if ce := Logger(c, base).Check(level, "http request"); ce != nil {
		ce.Write(
			zap.String("method", c.Request.Method),
			zap.String("route", routeLabel(c)),
			zap.Int("status", status),
			zap.Duration("latency", time.Since(start)),
			zap.Int("bytes", max(c.Writer.Size(), 0)),
		)
	}
}
