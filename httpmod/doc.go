// Package httpmod is the HTTP layer of an m8fx service: typed routes
// declared once, a gin engine with a fixed middleware order and JSON errors,
// and an http.Server tied to the fx lifecycle.
//
// # Routes
//
// A route is one declaration ([Route] for a typed handler, [Handle] for a
// plain gin handler): method, path, handler, guard, limits and
// documentation. From it the kit registers the gin route, binds and
// validates the input (422 with every problem, FastAPI's body), runs the
// guard, calls the handler with a valid typed value, answers HEAD like GET,
// and records the OpenAPI operation in the app's [RouteTable], from which
// docsmod writes the document. A service provides its routes with
// [AsRoutes]; they are declared on the API_PREFIX [Router]:
//
//	func NewItemRoutes(auth *authmod.Authenticator, h *ItemHandlers) httpmod.Routes {
//		return httpmod.RoutesFunc(func(r *httpmod.Router) {
//			g := r.Group("/items", httpmod.Doc{Tags: []string{"items"}})
//			httpmod.Route(g, http.MethodGet, "/:id", h.get, auth.Require(authmod.AnyUser()),
//				httpmod.Responds(http.StatusNotFound, "No item with this id", nil),
//				httpmod.Doc{Summary: "Read an item"})
//		})
//	}
//	httpmod.AsRoutes(NewItemRoutes)
//
//	// h.get: func(ctx context.Context, in *ItemRef) (*Item, error)
//	// type ItemRef struct{ ID int64 `path:"id" validate:"min=1"` }
//
// See [Route] for the input tags and the rules the document states. A
// declaration error (a rule the document could not state, an unknown role, a
// path parameter without a field) fails the app's start with one line.
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
// Package docsmod serves the OpenAPI document of the route table, Swagger UI
// and ReDoc under API_PREFIX when SET_OPEN_API, SET_DOCS and SET_REDOC allow
// it, and never in production unless SERVE_DOCS_IN_PRODUCTION=true.
//
// # Server lifecycle
//
// [Server.Start] listens synchronously (an address in use fails app start),
// then serves in a goroutine; [Server.Stop] shuts down gracefully so that
// in-flight requests finish. The m8fx bundle clears the ready flag and waits
// SHUTDOWN_DRAIN_SECONDS before the server stops.
package httpmod
