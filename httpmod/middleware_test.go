package httpmod

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestOrderMiddleware(t *testing.T) {
	h := func(*gin.Context) {}
	tests := []struct {
		name    string
		in      []Middleware
		want    []string
		wantErr string
	}{
		{
			name: "priority then name",
			in: []Middleware{
				{Name: "user", Priority: PriorityDefault, Handler: h},
				{Name: "cors", Priority: PriorityCORS, Handler: h},
				{Name: "b", Priority: PriorityMetrics, Handler: h},
				{Name: "a", Priority: PriorityMetrics, Handler: h},
				{Name: "early", Priority: -5, Handler: h},
			},
			want: []string{"early", "a", "b", "cors", "user"},
		},
		{name: "empty", in: nil, want: []string{}},
		{name: "duplicate name", in: []Middleware{{Name: "x", Handler: h}, {Name: "x", Priority: 3, Handler: h}}, wantErr: `"x" registered twice`},
		{name: "no name", in: []Middleware{{Priority: 7, Handler: h}}, wantErr: "priority 7 has no name"},
		{name: "nil handler", in: []Middleware{{Name: "n"}}, wantErr: `"n" has a nil handler`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := orderMiddleware(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			names := []string{}
			for _, m := range got {
				names = append(names, m.Name)
			}
			if strings.Join(names, ",") != strings.Join(tt.want, ",") {
				t.Fatalf("order = %v, want %v", names, tt.want)
			}
		})
	}
}

// TestEngineMiddlewareOrder checks the whole chain through the real engine:
// the kit's request id is visible to every Middleware, they run by priority
// whatever order they were given in, and routes run last.
func TestEngineMiddlewareOrder(t *testing.T) {
	var trace []string
	mark := func(name string) gin.HandlerFunc {
		return func(c *gin.Context) {
			if RequestID(c) == "" {
				t.Errorf("%s ran before the request id middleware", name)
			}
			trace = append(trace, name)
			c.Next()
		}
	}
	mws := []Middleware{
		{Name: "service", Priority: PriorityDefault, Handler: mark("service")},
		{Name: "cors", Priority: PriorityCORS, Handler: mark("cors")},
		{Name: "metrics", Priority: PriorityMetrics, Handler: mark("metrics")},
		{Name: "trusted-hosts", Priority: PriorityTrustedHosts, Handler: mark("trusted-hosts")},
		{Name: "security-headers", Priority: PrioritySecurityHeaders, Handler: mark("security-headers")},
	}
	e, _ := newTestEngine(t, EngineParams{
		Middleware: mws,
		Routes: routes(func(r *Router) {
			Handle(r, http.MethodGet, "/x", func(c *gin.Context) { trace = append(trace, "route"); c.Status(204) })
		}),
	})
	rec := serve(e, http.MethodGet, "/api/x")
	if rec.Code != http.StatusNoContent {
		t.Fatalf("status = %d", rec.Code)
	}
	want := "metrics,security-headers,trusted-hosts,cors,service,route"
	if got := strings.Join(trace, ","); got != want {
		t.Fatalf("order = %s, want %s", got, want)
	}
}

func TestNewEngineRejectsBadMiddleware(t *testing.T) {
	_, err := NewEngine(EngineParams{Settings: testSettings(), Middleware: []Middleware{{Name: "x"}}})
	if err == nil {
		t.Fatal("NewEngine accepted a middleware with a nil handler")
	}
}

// TestMiddlewareRecoveredAndLogged: a panicking middleware is inside the
// kit's recovery, so it gives the JSON 500 like a handler would.
func TestMiddlewarePanicIsRecovered(t *testing.T) {
	e, _ := newTestEngine(t, EngineParams{
		Middleware: []Middleware{{Name: "boom", Priority: 1, Handler: func(*gin.Context) { panic("boom") }}},
		Routes:     routes(func(r *Router) { Handle(r, http.MethodGet, "/x", func(c *gin.Context) { c.Status(200) }) }),
	})
	rec := serve(e, http.MethodGet, "/api/x")
	if rec.Code != http.StatusInternalServerError || rec.Body.String() != `{"detail":"Internal Server Error"}` {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
}
