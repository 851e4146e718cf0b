package httpmod

import "github.com/gin-gonic/gin"

// Routes mounts a service's handlers. Register receives the router group for
// API_PREFIX (for [AsRoutes]) or the engine root (for [AsRootRoutes]).
type Routes interface {
	Register(r gin.IRouter)
}

// RoutesFunc adapts a plain function to [Routes].
type RoutesFunc func(r gin.IRouter)

// Register calls f(r).
func (f RoutesFunc) Register(r gin.IRouter) { f(r) }
