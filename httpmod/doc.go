// Package httpmod is the HTTP layer of an m8fx service: a gin engine with a
// fixed middleware order and JSON errors, and an http.Server tied to the fx
// lifecycle.
//
// # Routes
//
// A service mounts handlers with [AsRoutes]; they are registered on the
// API_PREFIX group:
//
//	func NewItemRoutes(h *ItemHandler) httpmod.Routes {
//		return httpmod.RoutesFunc(func(r gin.IRouter) {
//			r.GET("/items/", h.List)
//		})
//	}
//	fx.Provide(httpmod.AsRoutes(NewItemRoutes))
//
// # Middleware order
//
// The order is owned by the kit and never depends on value-group order:
// request id, recovery and access log run first, then every [Middleware] by
// ascending Priority (ties by Name). The kit's slots are [PriorityMetrics],
// [PrioritySecurityHeaders], [PriorityTrustedHosts] and [PriorityCORS]; a
// service's middleware normally uses [PriorityDefault].
//
// # Request id and logging
//
// An inbound X-Request-ID is kept only when it is 1 to 64 characters of
// [A-Za-z0-9._-]; otherwise a random id is generated. The id is echoed in the
// response and carried by the request logger returned by [Logger], so every
// log line of the request names it. The access log records method, route
// template, status, latency and bytes, never headers.
//
// # Metrics
//
// With METRICS_ENABLED=true, [MetricsModule] installs the metrics middleware
// at [PriorityMetrics] and serves the app's own Prometheus registry at
// /metrics (outside API_PREFIX; bearer-gated by METRICS_SCRAPE_CREDENTIAL).
// METRICS_GROUPS selects traffic, performance, reliability, health and auth
// series; services add collectors with [AsCollector].
//
// # API docs
//
// The OpenAPI document, Swagger UI and ReDoc are served under API_PREFIX when
// SET_OPEN_API, SET_DOCS and SET_REDOC allow it, and never in production
// unless SERVE_DOCS_IN_PRODUCTION=true. The UI assets are embedded.
//
// # Server lifecycle
//
// [Server.Start] listens synchronously (an address in use fails app start),
// then serves in a goroutine; [Server.Stop] shuts down gracefully so that
// in-flight requests finish. The m8fx bundle clears the ready flag and waits
// SHUTDOWN_DRAIN_SECONDS before the server stops.
package httpmod
