package httpmod

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
)

func TestValidRequestID(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		{"abc-123_DEF.x", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{"", false},
		{"has space", false},
		{"semi;colon", false},
		{"new\nline", false},
		{"caf\u00e9", false},
		{"<script>", false},
		{"a/b", false},
	}
	for _, tt := range tests {
		if got := validRequestID(tt.id); got != tt.ok {
			t.Errorf("validRequestID(%q) = %v, want %v", tt.id, got, tt.ok)
		}
	}
}

var generatedID = regexp.MustCompile(`^[0-9a-f]{32}$`)

func TestRequestIDHeader(t *testing.T) {
	tests := []struct {
		name    string
		inbound string
		keep    bool
	}{
		{"valid inbound kept", "req-42.abc_DEF", true},
		{"missing generated", "", false},
		{"too long replaced", strings.Repeat("x", 65), false},
		{"hostile replaced", "x\" onload=alert(1)", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var seen, seenCtx string
			e, _ := newTestEngine(t, EngineParams{Routes: routes(func(r *Router) {
				Handle(r, http.MethodGet, "/id", func(c *gin.Context) {
					seen = RequestID(c)
					seenCtx = RequestID(c.Request.Context())
					c.Status(200)
				})
			})})
			var headers []string
			if tt.inbound != "" {
				headers = []string{HeaderRequestID, tt.inbound}
			}
			rec := serve(e, http.MethodGet, "/api/id", headers...)
			got := rec.Header().Get(HeaderRequestID)
			if tt.keep && got != tt.inbound {
				t.Fatalf("echoed %q, want inbound %q", got, tt.inbound)
			}
			if !tt.keep && !generatedID.MatchString(got) {
				t.Fatalf("echoed %q, want a generated id", got)
			}
			if seen != got || seenCtx != got {
				t.Fatalf("handler saw %q / %q, response has %q", seen, seenCtx, got)
			}
		})
	}
}

func TestRequestIDOnNotFound(t *testing.T) {
	e, _ := newTestEngine(t, EngineParams{})
	rec := serve(e, http.MethodGet, "/nope")
	if !generatedID.MatchString(rec.Header().Get(HeaderRequestID)) {
		t.Fatalf("404 has no request id: %v", rec.Header())
	}
}

// TestRequestLoggerCarriesID: every log line written through Logger during
// the request names the request id, the access log line too.
func TestRequestLoggerCarriesID(t *testing.T) {
	e, logs := newTestEngine(t, EngineParams{Routes: routes(func(r *Router) {
		Handle(r, http.MethodGet, "/log", func(c *gin.Context) {
			Logger(c, zap.NewNop()).Info("handler line")
			c.Status(200)
		})
	})})
	serve(e, http.MethodGet, "/api/log", HeaderRequestID, "trace-1")
	entries := logs.All()
	if len(entries) < 2 {
		t.Fatalf("want handler and access log lines, got %d", len(entries))
	}
	for _, e := range entries {
		if e.ContextMap()["request_id"] != "trace-1" {
			t.Errorf("log %q has no request_id: %v", e.Message, e.ContextMap())
		}
	}
}

func TestLoggerFallback(t *testing.T) {
	fb := zap.NewNop()
	if Logger(context.Background(), fb) != fb {
		t.Fatal("Logger outside a request must return the fallback")
	}
	if RequestID(context.Background()) != "" {
		t.Fatal("RequestID outside a request must be empty")
	}
}
