package httpmod

import (
	"strings"

	"github.com/gin-gonic/gin"
)

// Routes mounts a service's handlers. Register receives the router of
// API_PREFIX (for [AsRoutes]) or of the engine root (for [AsRootRoutes]).
type Routes interface {
	Register(r *Router)
}

// RoutesFunc adapts a plain function to [Routes].
type RoutesFunc func(r *Router)

// Register calls f(r).
func (f RoutesFunc) Register(r *Router) { f(r) }

// Router is where routes are declared: a gin router group plus the app's
// [RouteTable], which keeps each declaration for the OpenAPI document and
// collects declaration errors (reported as one start-up error).
//
// Declare typed routes with [Route] and plain gin handlers with [Handle];
// both take the route's options (guard, documentation, limits) in the same
// call. Gin returns the underlying group for what the kit does not model
// (static files, say); such routes appear in the document with their method
// and path only.
type Router struct {
	group *gin.RouterGroup
	table *RouteTable
	opts  []RouteOption
}

// NewRouter returns the router of group g, declaring into t.
func NewRouter(g *gin.RouterGroup, t *RouteTable) *Router {
	return &Router{group: g, table: t}
}

// Group returns a router for the routes under rel; opts apply to every route
// declared on it (a guard, tags), before the route's own options.
func (r *Router) Group(rel string, opts ...RouteOption) *Router {
	return &Router{
		group: r.group.Group(rel),
		table: r.table,
		opts:  append(append([]RouteOption(nil), r.opts...), opts...),
	}
}

// Gin returns the underlying gin router group.
func (r *Router) Gin() *gin.RouterGroup { return r.group }

// BasePath is the router's path prefix (API_PREFIX plus any groups).
func (r *Router) BasePath() string { return r.group.BasePath() }

// Table returns the route table the router declares into.
func (r *Router) Table() *RouteTable { return r.table }

// fullPath is the engine path of rel on r, joined as gin joins it.
func (r *Router) fullPath(rel string) string { return joinRoutePath(r.group.BasePath(), rel) }

// joinRoutePath joins like gin's router groups: a trailing slash of rel is
// kept.
func joinRoutePath(base, rel string) string {
	if rel == "" {
		return base
	}
	out := strings.TrimSuffix(base, "/") + "/" + strings.TrimPrefix(rel, "/")
	for strings.Contains(out, "//") {
		out = strings.ReplaceAll(out, "//", "/")
	}
	return out
}
