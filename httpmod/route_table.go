package httpmod

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/go-playground/validator/v10"
	"go.uber.org/zap"

	"github.com/m8fx/kit/openapi"
)

// DefaultBodyLimit is the largest JSON request body a typed route reads
// unless the route sets [BodyLimit] or the table another default.
const DefaultBodyLimit int64 = 1 << 20

// RouteTableConfig configures a [RouteTable].
type RouteTableConfig struct {
	// BodyLimit is the default body limit of typed routes (0: DefaultBodyLimit).
	BodyLimit int64
	// Limits are the runtime limits that the max_of=name and min_of=name
	// rules of input fields refer to (see [Route]); the document shows their
	// values.
	Limits map[string]int64
	// Logger receives one ERROR line per failed request (nil: no logging).
	Logger *zap.Logger
	// RequestTimeout is the deadline of the context of every declared
	// route's requests, unless the route sets its own with [Timeout]
	// (0: no deadline). The module sets it from REQUEST_TIMEOUT_SECONDS.
	RequestTimeout time.Duration
}

// DeclaredRoute is one route declared through a [Router]: its method, its
// engine path in gin syntax, and its OpenAPI operation.
type DeclaredRoute struct {
	Method    string
	Path      string
	Operation openapi.Operation
	// HEADOf is set on the HEAD twin of a GET route: it is served, and left
	// out of the document (HEAD is implied by GET, RFC 9110 §9.3.2).
	HEADOf bool
	// AliasOf is the documented path of a route served on this one too
	// ([Alias]); aliases are left out of the document.
	AliasOf string
}

// RouteTable is the app's table of declared routes. It holds the request
// validator (go-playground/validator, one per app), the runtime limits, and
// the declaration errors. It is safe for concurrent use.
type RouteTable struct {
	bodyLimit int64
	timeout   time.Duration
	limits    map[string]int64
	log       *zap.Logger
	validate  *validator.Validate

	mu     sync.Mutex
	routes []DeclaredRoute
	seen   map[string]bool
	errs   []error
}

// NewRouteTable returns an empty table.
func NewRouteTable(cfg RouteTableConfig) *RouteTable {
	t := &RouteTable{
		bodyLimit: cfg.BodyLimit,
		timeout:   max(cfg.RequestTimeout, 0),
		limits:    maps.Clone(cfg.Limits),
		log:       cfg.Logger,
		seen:      map[string]bool{},
	}
	if t.bodyLimit <= 0 {
		t.bodyLimit = DefaultBodyLimit
	}
	if t.log == nil {
		t.log = zap.NewNop()
	}
	t.validate = newValidator(t.limits)
	return t
}

// Routes returns the declared routes in declaration order.
func (t *RouteTable) Routes() []DeclaredRoute {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.routes)
}

// Limit returns the runtime limit name.
func (t *RouteTable) Limit(name string) (int64, bool) {
	v, ok := t.limits[name]
	return v, ok
}

// Err returns the declaration errors so far, joined into one line, or nil.
func (t *RouteTable) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch len(t.errs) {
	case 0:
		return nil
	case 1:
		return t.errs[0]
	}
	return joinErrors(t.errs)
}

func (t *RouteTable) fail(method, path string, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.errs = append(t.errs, fmt.Errorf("httpmod: route %s %s: %w", method, path, err))
}

// add records a route, refusing a second declaration of method and path.
func (t *RouteTable) add(r DeclaredRoute) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	key := r.Method + " " + r.Path
	if t.seen[key] {
		return errors.New("declared twice")
	}
	t.seen[key] = true
	t.routes = append(t.routes, r)
	return nil
}

// declared reports whether method and path are already declared.
func (t *RouteTable) declared(method, path string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.seen[method+" "+path]
}
