package httpmod

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestEngineCleansPathsWithoutRedirects: extra slashes are removed before
// routing, but a path that only matches case-insensitively is not redirected
// around the middleware (RedirectFixedPath is off).
func TestEngineCleansPathsWithoutRedirects(t *testing.T) {
	e, _ := newTestEngine(t, EngineParams{Routes: routes(func(r *Router) {
		Handle(r, http.MethodGet, "/items/:id", func(c *gin.Context) { c.String(http.StatusOK, c.Param("id")) })
	})})
	tests := []struct {
		path   string
		status int
		body   string
	}{
		{"/api/items/7", http.StatusOK, "7"},
		{"/api//items/7", http.StatusOK, "7"},
		{"//api/items///7", http.StatusOK, "7"},
		{"/API/items/7", http.StatusNotFound, `{"detail":"Not Found"}`},
		{"/api/Items/7", http.StatusNotFound, `{"detail":"Not Found"}`},
	}
	for _, tt := range tests {
		rec := serve(e, http.MethodGet, tt.path)
		if rec.Code != tt.status || rec.Body.String() != tt.body || rec.Header().Get("Location") != "" {
			t.Errorf("GET %s = %d %q (Location %q), want %d %q", tt.path, rec.Code, rec.Body, rec.Header().Get("Location"), tt.status, tt.body)
		}
	}
}

// TestEngineTrustsNoProxy: forwarding headers do not change the client IP.
func TestEngineTrustsNoProxy(t *testing.T) {
	e, _ := newTestEngine(t, EngineParams{Routes: routes(func(r *Router) {
		Handle(r, http.MethodGet, "/ip", func(c *gin.Context) { c.String(http.StatusOK, c.ClientIP()) })
	})})
	rec := serve(e, http.MethodGet, "/api/ip", "X-Forwarded-For", "203.0.113.9", "X-Real-IP", "203.0.113.10")
	if rec.Code != http.StatusOK || rec.Body.String() != "192.0.2.1" { // httptest's RemoteAddr
		t.Fatalf("client IP %d %q, want the peer 192.0.2.1", rec.Code, rec.Body)
	}
}

type tenantKey struct{}

// TestEngineContextFallsBackToTheRequest: a *gin.Context used as a
// context.Context sees the values of the request's context.
func TestEngineContextFallsBackToTheRequest(t *testing.T) {
	mw := Middleware{Name: "tenant", Priority: PriorityDefault, Handler: func(c *gin.Context) {
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), tenantKey{}, "acme"))
		c.Next()
	}}
	e, _ := newTestEngine(t, EngineParams{Middleware: []Middleware{mw}, Routes: routes(func(r *Router) {
		Handle(r, http.MethodGet, "/tenant", func(c *gin.Context) {
			var ctx context.Context = c
			v, _ := ctx.Value(tenantKey{}).(string)
			c.String(http.StatusOK, v)
		})
	})})
	if rec := serve(e, http.MethodGet, "/api/tenant"); rec.Body.String() != "acme" {
		t.Fatalf("value through the gin context = %q, want acme", rec.Body)
	}
}

// TestEngineDeclaresIntoTheGivenTable: API and root routes are recorded in
// p.Table with their engine paths.
func TestEngineDeclaresIntoTheGivenTable(t *testing.T) {
	table := NewRouteTable(RouteTableConfig{})
	ok := func(c *gin.Context) { c.Status(http.StatusOK) }
	newTestEngine(t, EngineParams{
		Table:      table,
		Routes:     routes(func(r *Router) { Handle(r, http.MethodPost, "/a", ok) }),
		RootRoutes: routes(func(r *Router) { Handle(r, http.MethodPost, "/metrics", ok) }),
	})
	var got []string
	for _, d := range table.Routes() {
		got = append(got, d.Method+" "+d.Path)
	}
	if want := "POST /api/a,POST /metrics"; strings.Join(got, ",") != want {
		t.Fatalf("declared %v, want %s", got, want)
	}
}

// TestEngineDeclarationErrorFailsNewEngine: a bad declaration makes
// NewEngine fail with the table's one-line error.
func TestEngineDeclarationErrorFailsNewEngine(t *testing.T) {
	ok := func(c *gin.Context) { c.Status(http.StatusOK) }
	e, err := NewEngine(EngineParams{Settings: testSettings(), Routes: []Routes{
		RoutesFunc(func(r *Router) { Handle(r, http.MethodGet, "/a", ok) }),
		RoutesFunc(func(r *Router) { Handle(r, http.MethodGet, "/a", ok) }),
	}})
	if e != nil || err == nil || err.Error() != "httpmod: route GET /api/a: declared twice" {
		t.Fatalf("NewEngine = %v, %v; want no engine and the declaration error", e, err)
	}
}
