package httpmod

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
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
		{"/api/fail", 502, 0, "warn"},
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
	if f := lines[0].ContextMap(); f["status"] != int64(500) || f["route"] != "/api/boom" || lines[0].Level.String() != "warn" {
		t.Fatalf("access log %v at %s", f, lines[0].Level)
	}
}

// TestAccessLogClientClosedRequest: a request whose client went away before
// anything was written is logged at info as 499, cancelled; one that was
// answered keeps its status, whatever happens to the client afterwards.
func TestAccessLogClientClosedRequest(t *testing.T) {
	tests := []struct {
		name      string
		gone      bool // the client is gone when the request is served
		handler   gin.HandlerFunc
		status    int64
		cancelled bool
	}{
		{name: "nothing written, client gone", gone: true, handler: func(c *gin.Context) {
			if c.Request.Context().Err() != nil {
				return // what a handler does when its context is cancelled
			}
			c.Status(http.StatusOK)
		}, status: StatusClientClosedRequest, cancelled: true},
		{name: "answered, client gone", gone: true, handler: func(c *gin.Context) { c.String(http.StatusOK, "too late") }, status: 200},
		{name: "nothing written, client there", handler: func(c *gin.Context) {}, status: 200},
		{name: "a 5xx written, client gone", gone: true, handler: func(c *gin.Context) { c.Status(http.StatusBadGateway); c.Writer.WriteHeaderNow() }, status: 502},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, logs := newTestEngine(t, EngineParams{Routes: routes(func(r *Router) {
				Handle(r, http.MethodGet, "/x", tc.handler)
			})})
			ctx, cancel := context.WithCancel(context.Background())
			if tc.gone {
				cancel()
			}
			defer cancel()
			e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/x", nil))
			lines := logs.FilterMessage("http request").All()
			if len(lines) != 1 {
				t.Fatalf("want one access log line, got %d", len(lines))
			}
			f := lines[0].ContextMap()
			wantLevel := "info"
			if tc.status >= 500 {
				wantLevel = "warn"
			}
			_, hasCancelled := f["cancelled"]
			if f["status"] != tc.status || lines[0].Level.String() != wantLevel || hasCancelled != tc.cancelled || (tc.cancelled && f["cancelled"] != true) {
				t.Errorf("access log %s %v, want status %d at %s, cancelled %v", lines[0].Level, f, tc.status, wantLevel, tc.cancelled)
			}
		})
	}
}
