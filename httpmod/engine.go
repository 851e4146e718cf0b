package httpmod

import (
	"fmt"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/m8fx/kit/settingsmod"
	"github.com/m8fx/kit/tracemod"
)

// EngineParams are the inputs of [NewEngine].
type EngineParams struct {
	fx.In

	Settings   *settingsmod.Settings
	Logger     *zap.Logger
	Table      *RouteTable
	Routes     []Routes     `group:"m8fx.httpmod.routes"`
	RootRoutes []Routes     `group:"m8fx.httpmod.root_routes"`
	Middleware []Middleware `group:"m8fx.httpmod.middleware"`
	// Tracing, when enabled, adds the server-span middleware
	// ([NewTracingMiddleware]); nil or off installs nothing.
	Tracing *tracemod.Tracing `optional:"true"`
}

// NewEngine builds the service's gin engine with the kit's fixed middleware
// order, outermost first:
//
//	request id -> [tracing] -> recovery -> access log -> Middleware by priority
//	(metrics, security headers, trusted hosts, CORS slots, then the service's) -> routes
//
// Routes from [AsRoutes] are mounted under API_PREFIX, routes from
// [AsRootRoutes] at the root; their declarations go into p.Table, and a
// declaration error fails NewEngine (so the app's start) with one line. Unknown paths answer 404 {"detail":"Not Found"}
// and known paths with a wrong method 405 {"detail":"Method Not Allowed"}.
// There are no trailing-slash redirects: /items and /items/ are different
// routes, and the one not registered answers 404.
//
// NewEngine does not touch gin's process-wide mode: m8fx.Run sets release
// mode (no route dump, no debug warnings) before it builds the app.
func NewEngine(p EngineParams) (*gin.Engine, error) {
	mw, err := orderMiddleware(p.Middleware)
	if err != nil {
		return nil, err
	}
	e := gin.New()
	e.HandleMethodNotAllowed = true
	// gin answers trailing-slash redirects before any middleware runs, so a
	// redirect would skip the host check, the security headers and CORS.
	// Every response goes through the chain instead: register the exact
	// paths you serve (healthmod registers both /health and /health/).
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.ContextWithFallback = true
	e.RemoveExtraSlash = true
	if err := e.SetTrustedProxies(nil); err != nil {
		return nil, fmt.Errorf("httpmod: trusted proxies: %w", err)
	}

	e.Use(requestIDMiddleware(p.Logger))
	if tracingEnabled(p.Tracing) {
		e.Use(NewTracingMiddleware(p.Tracing, p.Tracing.Settings().RequestHeaders))
	}
	e.Use(recoveryMiddleware(p.Logger), accessLogMiddleware(p.Logger))
	for _, m := range mw {
		e.Use(m.Handler)
	}
	e.NoRoute(notFound)
	e.NoMethod(methodNotAllowed)

	if p.Table == nil {
		p.Table = NewRouteTable(RouteTableConfig{Logger: p.Logger})
	}
	api := NewRouter(e.Group(p.Settings.APIPrefix), p.Table)
	for _, r := range p.Routes {
		r.Register(api)
	}
	root := NewRouter(&e.RouterGroup, p.Table)
	for _, r := range p.RootRoutes {
		r.Register(root)
	}
	if err := p.Table.Err(); err != nil {
		return nil, err
	}
	return e, nil
}
