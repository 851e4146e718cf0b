package httpmod

import (
	"errors"
	"fmt"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/m8fx/kit/phase"
	"github.com/m8fx/kit/settingsmod"
)

// Module provides the gin engine and the HTTP server, and ties the server to
// the app lifecycle: listen in OnStart (a listen error fails start), graceful
// shutdown in OnStop, and a serve error shuts the app down with exit code 1.
// Its hook is in the phase.Serve phase (after the databases and the auth
// clients, before the startup validators; it needs the app's *phase.Hooks,
// which m8fx.Module provides).
var Module = fx.Module("http",
	phase.In(phase.Serve),
	fx.Provide(NewEngine, newModuleServer, newModuleRouteTable),
	fx.Invoke(registerServer),
)

type routeTableParams struct {
	fx.In

	Settings *settingsmod.Settings
	Logger   *zap.Logger
	Limits   []Limit `group:"m8fx.httpmod.limits"`
}

func newModuleRouteTable(p routeTableParams) (*RouteTable, error) {
	limits := make(map[string]int64, len(p.Limits))
	for _, l := range p.Limits {
		if l.Name == "" {
			return nil, errors.New("httpmod: a runtime limit (httpmod.AsLimit) has no name")
		}
		if _, dup := limits[l.Name]; dup {
			return nil, fmt.Errorf("httpmod: runtime limit %q registered twice", l.Name)
		}
		limits[l.Name] = l.Value
	}
	return NewRouteTable(RouteTableConfig{Limits: limits, Logger: p.Logger, RequestTimeout: p.Settings.RequestTimeout()}), nil
}

func newModuleServer(s *settingsmod.Settings, e *gin.Engine, log *zap.Logger) *Server {
	return NewServer(ServerConfigFromSettings(s), e, log)
}

func registerServer(lc fx.Lifecycle, srv *Server, sd fx.Shutdowner) {
	srv.OnServeError(func(error) { _ = sd.Shutdown(fx.ExitCode(1)) })
	lc.Append(fx.StartStopHook(srv.Start, srv.Stop))
}
