package m8fx

import (
	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// logRoutes writes the engine's route table at debug level, one "route" line
// per route (method, path, handler), in place of gin's "[GIN-debug]" dump,
// which the kit never prints (m8fx.Run keeps gin in release mode). Invoked
// once the engine is built and every module has attached its routes; it
// costs nothing unless LOG_LEVEL=debug.
func logRoutes(e *gin.Engine, log *zap.Logger) {
	if !log.Core().Enabled(zapcore.DebugLevel) {
		return
	}
	for _, r := range e.Routes() {
		log.Debug("route", zap.String("method", r.Method), zap.String("path", r.Path), zap.String("handler", r.Handler))
	}
}
