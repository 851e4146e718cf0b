package httpmod

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestAccessLog(t *testing.T) {
	e, logs := newTestEngine(t, EngineParams{Routes: routes(func(r *Router) {
		Handle(r, http.MethodGet, "/items/:id", func(c *gin.Context) { c.String(http.StatusOK, "hello") })
		Handle(r, http.MethodGet, "/fail", func(c *gin.Context) { c.Status(http.StatusBadGateway) })
	})})
	const token = "Bearer eyJhbGciOiJIUzI1NiJ9.SECRET-TOKEN.sig"
	serve(e, http.MethodGet, "/api/items/42?q=1", "Authorization", token, HeaderRequestID, "rid-1")
	serve(e, http.MethodGet, "/api/fail")
	serve(e, http.MethodGet, "/does/not/exist")

	lines := logs.FilterMessage("http request").All()
	if len(lines) != 3 {
		t.Fatalf("want 3 access log lines, got %d", len(lines))
	}
	tests := []struct {
		route  string
		status int64
		bytes  int64
		level  string
	}{
		{"/api/items/:id", 200, 5, "info"},
		{"/api/fail", 502, 0, "error"},
		{UnmatchedRoute, 404, int64(len(`{"detail":"Not Found"}`)), "info"},
	}
	for i, tt := range tests {
		f := lines[i].ContextMap()
		if f["route"] != tt.route || f["status"] != tt.status || f["bytes"] != tt.bytes || f["method"] != "GET" {
			t.Errorf("line %d = %v, want route %s status %d bytes %d", i, f, tt.route, tt.status, tt.bytes)
		}
		if lines[i].Level.String() != tt.level {
			t.Errorf("line %d level = %s, want %s", i, lines[i].Level, tt.level)
		}
		if _, ok := f["latency"]; !ok {
			t.Errorf("line %d has no latency", i)
		}
	}
	if lines[0].ContextMap()["request_id"] != "rid-1" {
		t.Errorf("access log has no request id: %v", lines[0].ContextMap())
	}
	for _, l := range logs.All() {
		if strings.Contains(fmt.Sprint(l.ContextMap()), "SECRET-TOKEN") || strings.Contains(l.Message, "SECRET-TOKEN") {
			t.Fatal("the Authorization header reached the logs")
		}
	}
}

// TestAccessLogOnPanic: a request whose handler panics is logged too, as 500.
func TestAccessLogOnPanic(t *testing.T) {
	e, logs := newTestEngine(t, EngineParams{Routes: routes(func(r *Router) {
		Handle(r, http.MethodGet, "/boom", func(*gin.Context) { panic("boom") })
	})})
	if rec := serve(e, http.MethodGet, "/api/boom"); rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", rec.Code)
	}
	lines := logs.FilterMessage("http request").All()
	if len(lines) != 1 {
		t.Fatalf("want one access log line for the panicking request, got %d", len(lines))
	}
	if f := lines[0].ContextMap(); f["status"] != int64(500) || f["route"] != "/api/boom" || lines[0].Level.String() != "error" {
		t.Fatalf("access log %v at %s", f, lines[0].Level)
	}
}
