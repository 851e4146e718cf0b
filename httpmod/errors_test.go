package httpmod

import (
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestNotFoundAndMethodNotAllowed(t *testing.T) {
	e, _ := newTestEngine(t, EngineParams{Routes: routes(func(r *Router) {
		Handle(r, http.MethodGet, "/items", func(c *gin.Context) { c.Status(200) })
	})})
	tests := []struct {
		method, path string
		status       int
		body         string
	}{
		{http.MethodGet, "/api/nothing", 404, `{"detail":"Not Found"}`},
		{http.MethodGet, "/", 404, `{"detail":"Not Found"}`},
		{http.MethodDelete, "/api/items", 405, `{"detail":"Method Not Allowed"}`},
		{http.MethodGet, "/api/items", 200, ``},
		{http.MethodHead, "/api/items", 200, ``}, // the HEAD twin of a declared GET
		{http.MethodPost, "/api/items", 405, `{"detail":"Method Not Allowed"}`},
		{http.MethodGet, "/api/items/", 404, `{"detail":"Not Found"}`}, // no redirect around the middleware
	}
	for _, tt := range tests {
		rec := serve(e, tt.method, tt.path)
		if rec.Code != tt.status || rec.Body.String() != tt.body {
			t.Errorf("%s %s = %d %q, want %d %q", tt.method, tt.path, rec.Code, rec.Body, tt.status, tt.body)
		}
		if tt.status >= 400 && rec.Header().Get("Content-Type") != "application/json; charset=utf-8" {
			t.Errorf("%s %s content type = %q", tt.method, tt.path, rec.Header().Get("Content-Type"))
		}
	}
}

func TestRoutesMountedUnderPrefixAndRoot(t *testing.T) {
	s := testSettings()
	s.APIPrefix = "/v2"
	e, _ := newTestEngine(t, EngineParams{
		Settings:   s,
		Routes:     routes(func(r *Router) { Handle(r, http.MethodGet, "/a", func(c *gin.Context) { c.String(200, "a") }) }),
		RootRoutes: routes(func(r *Router) { Handle(r, http.MethodGet, "/metrics", func(c *gin.Context) { c.String(200, "m") }) }),
	})
	for path, want := range map[string]int{"/v2/a": 200, "/a": 404, "/metrics": 200, "/v2/metrics": 404} {
		if rec := serve(e, http.MethodGet, path); rec.Code != want {
			t.Errorf("GET %s = %d, want %d", path, rec.Code, want)
		}
	}
}
