package httpmod

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
)

// recoveryMiddleware turns a panic in a handler into a 500 JSON answer
// {"detail":"Internal Server Error"} and logs the panic once, at error level,
// with its request id, method, route, status and stack (the "stack" field:
// the one stack trace the kit's logs ever carry). The stack never reaches the
// client. A panic after the handler wrote its answer keeps the written status
// (and logs it). http.ErrAbortHandler keeps its net/http meaning (abort the
// response silently, not logged).
func recoveryMiddleware(base *zap.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			rec := recover()
			if rec == nil {
				return
			}
			if err, ok := rec.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(rec)
			}
			status := http.StatusInternalServerError
			if c.Writer.Written() {
				status = c.Writer.Status()
			}
			Logger(c, base).Error("panic while serving request",
				zap.String("panic", fmt.Sprint(rec)),
				zap.String("method", c.Request.Method),
				zap.String("route", routeLabel(c)),
				zap.Int("status", status),
				zap.StackSkip("stack", 2),
			)
			if c.Writer.Written() {
				c.Abort()
				return
			}
			AbortWithDetail(c, http.StatusInternalServerError, "Internal Server Error")
		}()
		c.Next()
	}
}
