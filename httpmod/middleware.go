package httpmod

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/gin-gonic/gin"
)

// Priorities of the kit's middleware slots. The kit's own request id,
// recovery and access-log middleware always run first (outermost), in that
// order; every [Middleware] then runs in ascending Priority order, ties broken
// by Name. Services pick a priority relative to these slots; PriorityDefault
// places a middleware after all of the kit's slots, just before the routes.
const (
	PriorityMetrics         = 100
	PrioritySecurityHeaders = 200
	PriorityTrustedHosts    = 300
	PriorityCORS            = 400
	PriorityDefault         = 1000
)

// Middleware is a gin handler installed engine-wide at a declared priority.
// Register one with [AsMiddleware]; the order never depends on the order in
// which fx hands value groups over.
type Middleware struct {
	// Name identifies the middleware in errors and breaks priority ties.
	Name string
	// Priority orders the middleware: lower runs earlier (outer).
	Priority int
	// Handler is the gin middleware itself.
	Handler gin.HandlerFunc
}

// orderMiddleware validates and sorts middleware by (Priority, Name). Two
// entries with the same name, an empty name or a nil handler are errors.
func orderMiddleware(in []Middleware) ([]Middleware, error) {
	out := make([]Middleware, 0, len(in))
	seen := make(map[string]bool, len(in))
	for _, m := range in {
		switch {
		case m.Name == "":
			return nil, fmt.Errorf("httpmod: middleware with priority %d has no name", m.Priority)
		case m.Handler == nil:
			return nil, fmt.Errorf("httpmod: middleware %q has a nil handler", m.Name)
		case seen[m.Name]:
			return nil, fmt.Errorf("httpmod: middleware %q registered twice", m.Name)
		}
		seen[m.Name] = true
		out = append(out, m)
	}
	slices.SortStableFunc(out, func(a, b Middleware) int {
		if c := cmp.Compare(a.Priority, b.Priority); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out, nil
}
