package httpmod

import (
	"github.com/gin-gonic/gin"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/m8fx/kit/settingsmod"
)

// Module provides the gin engine and the HTTP server, and ties the server to
// the app lifecycle: listen in OnStart (a listen error fails start), graceful
// shutdown in OnStop, and a serve error shuts the app down with exit code 1.
var Module = fx.Module("http",
	fx.Provide(NewEngine, newModuleServer),
	fx.Invoke(registerServer),
)

func newModuleServer(s *settingsmod.Settings, e *gin.Engine, log *zap.Logger) *Server {
	return NewServer(s, e, log)
}

func registerServer(lc fx.Lifecycle, srv *Server, sd fx.Shutdowner) {
	srv.OnServeError(func(error) { _ = sd.Shutdown(fx.ExitCode(1)) })
	lc.Append(fx.StartStopHook(srv.Start, srv.Stop))
}
