package httpmod

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/m8fx/kit/openapi"
)

// deadlineEngine is an engine whose route table has the default request
// deadline timeout; the engine, the table and the logs share one logger.
func deadlineEngine(t *testing.T, timeout time.Duration, fn func(r *Router), mw ...Middleware) (http.Handler, *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	log := zap.New(core)
	e, err := NewEngine(EngineParams{
		Settings:   testSettings(),
		Logger:     log,
		Table:      NewRouteTable(RouteTableConfig{Logger: log, RequestTimeout: timeout}),
		Routes:     routes(fn),
		Middleware: mw,
	})
	if err != nil {
		t.Fatalf("NewEngine: %v", err)
	}
	return e, logs
}

type okOutput struct {
	OK bool `json:"ok"`
}

// markedErr carries the Unavailable mark with the given answer.
type markedErr struct{ unavailable bool }

func (e markedErr) Error() string     { return fmt.Sprintf("marked unavailable=%v", e.unavailable) }
func (e markedErr) Unavailable() bool { return e.unavailable }

// untilDeadline waits for the request's deadline and returns err, or the
// context's error wrapped like a driver's when err is nil.
func untilDeadline(err error) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		<-ctx.Done()
		if err != nil {
			return err
		}
		return fmt.Errorf("querying items: %w", ctx.Err())
	}
}

// seenDeadline is what a handler saw of its context.
type seenDeadline struct {
	mu       sync.Mutex
	deadline time.Time
	has      bool
	at       time.Time
}

func (s *seenDeadline) record(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deadline, s.has = ctx.Deadline()
	s.at = time.Now()
}

// check asserts that the deadline seen is d after the request arrived: not
// before before+d (the request arrived after before), not after at+d (the
// handler saw it at at). These are orderings, not durations measured.
func (s *seenDeadline) check(t *testing.T, before time.Time, d time.Duration) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if d == 0 {
		if s.has {
			t.Errorf("the request has a deadline %v, want none", s.deadline)
		}
		return
	}
	if !s.has {
		t.Fatal("the request has no deadline")
	}
	if s.deadline.Before(before.Add(d)) || s.deadline.After(s.at.Add(d)) {
		t.Errorf("deadline %v after the request, want %v", s.deadline.Sub(before), d)
	}
}

func TestRequestDeadline(t *testing.T) {
	const (
		short = 30 * time.Millisecond
		long  = time.Hour
	)
	unavailableBody := `{"detail":"Service temporarily unavailable"}`
	tests := []struct {
		name       string
		table      time.Duration // RouteTableConfig.RequestTimeout
		opts       []RouteOption
		handler    func(ctx context.Context) error
		deadline   time.Duration // the deadline the handler sees (0: none)
		status     int
		body       string
		retryAfter string
		logged     string // the message of writeError's log line ("": none)
	}{
		{name: "the table's deadline, a query cancelled by it", table: short, handler: untilDeadline(nil), deadline: short,
			status: 503, body: unavailableBody, retryAfter: "5", logged: "request failed: service unavailable"},
		{name: "the route's deadline wins over the table's", table: long, opts: []RouteOption{Timeout(short)}, handler: untilDeadline(nil), deadline: short,
			status: 503, body: unavailableBody, retryAfter: "5", logged: "request failed: service unavailable"},
		{name: "a route deadline without a table default", opts: []RouteOption{Timeout(short)}, handler: untilDeadline(nil), deadline: short,
			status: 503, body: unavailableBody, retryAfter: "5", logged: "request failed: service unavailable"},
		{name: "any error after the deadline passed", table: short, handler: untilDeadline(errors.New("driver: bad connection")), deadline: short,
			status: 503, body: unavailableBody, retryAfter: "5", logged: "request failed: service unavailable"},
		{name: "a StatusError after the deadline says what it says", table: short, handler: untilDeadline(Error(http.StatusConflict, "Taken")), deadline: short,
			status: 409, body: `{"detail":"Taken"}`},
		{name: "no deadline anywhere", handler: func(context.Context) error { return nil }, status: 200, body: `{"ok":true}`},
		{name: "success within the deadline", table: long, handler: func(context.Context) error { return nil }, deadline: long, status: 200, body: `{"ok":true}`},
		{name: "an own timeout (wraps DeadlineExceeded)", table: long, handler: func(context.Context) error {
			return fmt.Errorf("calling the pricing service: %w", context.DeadlineExceeded)
		}, deadline: long, status: 503, body: unavailableBody, retryAfter: "5", logged: "request failed: service unavailable"},
		{name: "an error marked unavailable", handler: func(context.Context) error {
			return fmt.Errorf("creating an item: %w", markedErr{unavailable: true})
		}, status: 503, body: unavailableBody, retryAfter: "5", logged: "request failed: service unavailable"},
		{name: "a mark that says no", handler: func(context.Context) error { return markedErr{unavailable: false} },
			status: 500, body: `{"detail":"Internal Server Error"}`, logged: "request failed"},
		{name: "another error", table: long, handler: func(context.Context) error { return errors.New("database on fire") }, deadline: long,
			status: 500, body: `{"detail":"Internal Server Error"}`, logged: "request failed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seen := &seenDeadline{}
			e, logs := deadlineEngine(t, tc.table, func(r *Router) {
				Route(r, http.MethodPost, "/items", func(ctx context.Context, _ *NoInput) (*okOutput, error) {
					seen.record(ctx)
					if err := tc.handler(ctx); err != nil {
						return nil, err
					}
					return &okOutput{OK: true}, nil
				}, tc.opts...)
			})
			before := time.Now()
			rec := serve(e, http.MethodPost, "/api/items")
			seen.check(t, before, tc.deadline)
			if rec.Code != tc.status || rec.Body.String() != tc.body || rec.Header().Get("Retry-After") != tc.retryAfter {
				t.Errorf("answer %d %s (Retry-After %q), want %d %s (%q)", rec.Code, rec.Body, rec.Header().Get("Retry-After"), tc.status, tc.body, tc.retryAfter)
			}
			failures := logs.FilterMessageSnippet("request failed").All()
			switch {
			case tc.logged == "" && len(failures) != 0:
				t.Errorf("logged %q for a %d", failures[0].Message, tc.status)
			case tc.logged != "" && (len(failures) != 1 || failures[0].Message != tc.logged):
				t.Errorf("logged %v, want one %q", failures, tc.logged)
			case tc.logged != "":
				level := zapcore.ErrorLevel
				if tc.status == http.StatusServiceUnavailable {
					level = zapcore.WarnLevel
				}
				if f := failures[0]; f.Level != level || f.ContextMap()["status"] != int64(tc.status) || f.ContextMap()["route"] != "/api/items" {
					t.Errorf("log line %s %v, want %s with status %d", f.Level, f.ContextMap(), level, tc.status)
				}
			}
		})
	}
}

// probeGuard records the context its handler runs with.
type probeGuard struct{ seen *seenDeadline }

func (g probeGuard) ConfigureRoute(c *RouteConfig) { c.Guards = append(c.Guards, g) }
func (g probeGuard) GuardHandler() gin.HandlerFunc {
	return func(c *gin.Context) { g.seen.record(c.Request.Context()) }
}
func (probeGuard) GuardDoc() openapi.Operation { return openapi.Operation{} }

// TestDeadlineCoversEveryDeclaredRoute: guards, plain Handle routes, HEAD
// twins and group options get the deadline; undeclared gin routes do not.
func TestDeadlineCoversEveryDeclaredRoute(t *testing.T) {
	const d = time.Hour
	tests := []struct {
		name     string
		method   string
		path     string
		deadline time.Duration
		declare  func(r *Router, seen *seenDeadline)
	}{
		{name: "a guard", method: http.MethodGet, path: "/api/guarded", deadline: d, declare: func(r *Router, seen *seenDeadline) {
			Route(r, http.MethodGet, "/guarded", func(context.Context, *NoInput) (*okOutput, error) { return &okOutput{}, nil }, probeGuard{seen})
		}},
		{name: "a plain Handle route", method: http.MethodGet, path: "/api/plain", deadline: d, declare: func(r *Router, seen *seenDeadline) {
			Handle(r, http.MethodGet, "/plain", func(c *gin.Context) { seen.record(c.Request.Context()); c.Status(http.StatusNoContent) })
		}},
		{name: "the HEAD twin of a GET", method: http.MethodHead, path: "/api/typed", deadline: d, declare: func(r *Router, seen *seenDeadline) {
			Route(r, http.MethodGet, "/typed", func(ctx context.Context, _ *NoInput) (*okOutput, error) { seen.record(ctx); return &okOutput{}, nil })
		}},
		{name: "a group's Timeout", method: http.MethodGet, path: "/api/slow/report", deadline: 2 * d, declare: func(r *Router, seen *seenDeadline) {
			g := r.Group("/slow", Timeout(2*d))
			Route(g, http.MethodGet, "/report", func(ctx context.Context, _ *NoInput) (*okOutput, error) { seen.record(ctx); return &okOutput{}, nil })
		}},
		{name: "a route on the raw gin group is not declared", method: http.MethodGet, path: "/api/raw", deadline: 0, declare: func(r *Router, seen *seenDeadline) {
			r.Gin().GET("/raw", func(c *gin.Context) { seen.record(c.Request.Context()); c.Status(http.StatusNoContent) })
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seen := &seenDeadline{}
			e, _ := deadlineEngine(t, d, func(r *Router) { tc.declare(r, seen) })
			before := time.Now()
			if rec := serve(e, tc.method, tc.path); rec.Code >= 400 {
				t.Fatalf("status %d %s", rec.Code, rec.Body)
			}
			seen.check(t, before, tc.deadline)
		})
	}
}

func TestTimeoutOptionRefusesNonPositive(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		t.Run(d.String(), func(t *testing.T) {
			table := NewRouteTable(RouteTableConfig{})
			r := NewRouter(gin.New().Group("/api"), table)
			Route(r, http.MethodGet, "/x", func(context.Context, *NoInput) (*okOutput, error) { return &okOutput{}, nil }, Timeout(d))
			want := fmt.Sprintf("httpmod: route GET /api/x: httpmod.Timeout(%s): the request deadline must be positive", d)
			if err := table.Err(); err == nil || err.Error() != want {
				t.Fatalf("declaration error %v, want %q", err, want)
			}
		})
	}
}

// TestDeadlineLeavesTheOuterRequestAlone: the middleware around the routes
// sees the server's context after the route ran: without the route's
// deadline, and not cancelled by it.
func TestDeadlineLeavesTheOuterRequestAlone(t *testing.T) {
	var (
		mu          sync.Mutex
		hasDeadline bool
		ctxErr      error
	)
	outer := Middleware{Name: "outer", Priority: 500, Handler: func(c *gin.Context) {
		c.Next()
		mu.Lock()
		defer mu.Unlock()
		_, hasDeadline = c.Request.Context().Deadline()
		ctxErr = c.Request.Context().Err()
	}}
	e, _ := deadlineEngine(t, time.Hour, func(r *Router) {
		Route(r, http.MethodGet, "/x", func(context.Context, *NoInput) (*okOutput, error) { return &okOutput{OK: true}, nil })
	}, outer)
	if rec := serve(e, http.MethodGet, "/api/x"); rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	mu.Lock()
	defer mu.Unlock()
	if hasDeadline || ctxErr != nil {
		t.Fatalf("after the route the request has a deadline %v and error %v, want neither", hasDeadline, ctxErr)
	}
}

// TestClientGoneIs499: whatever the handler returns once its client went
// away, nothing is written, the access log says 499 at info, and nothing is
// logged as a failure.
func TestClientGoneIs499(t *testing.T) {
	tests := []struct {
		name    string
		timeout time.Duration
		handler func(ctx context.Context) error
	}{
		{name: "the query's context error", timeout: time.Hour, handler: func(ctx context.Context) error { return fmt.Errorf("querying: %w", ctx.Err()) }},
		{name: "a driver error", timeout: time.Hour, handler: func(context.Context) error { return errors.New("driver: bad connection") }},
		{name: "an error marked unavailable", handler: func(context.Context) error { return markedErr{unavailable: true} }},
		{name: "a 503 StatusError", handler: func(context.Context) error { return &StatusError{Status: 503, Detail: "Down", RetryAfter: 5} }},
		{name: "no deadline configured", handler: func(ctx context.Context) error { return ctx.Err() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, logs := deadlineEngine(t, tc.timeout, func(r *Router) {
				Route(r, http.MethodPost, "/items", func(ctx context.Context, _ *NoInput) (*okOutput, error) {
					return nil, tc.handler(ctx)
				})
			})
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // the client is gone before the handler answers
			req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/api/items", nil)
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != StatusClientClosedRequest || rec.Body.Len() != 0 || rec.Header().Get("Retry-After") != "" {
				t.Errorf("written %d %q (Retry-After %q), want a bare 499", rec.Code, rec.Body, rec.Header().Get("Retry-After"))
			}
			checkCancelledLogs(t, logs)
		})
	}
}

// checkCancelledLogs asserts one access log line, at info, with status 499
// and cancelled=true, and no line at warn or above.
func checkCancelledLogs(t *testing.T, logs *observer.ObservedLogs) {
	t.Helper()
	lines := logs.FilterMessage("http request").All()
	if len(lines) != 1 {
		t.Fatalf("want one access log line, got %d", len(lines))
	}
	if f := lines[0].ContextMap(); lines[0].Level != zapcore.InfoLevel || f["status"] != int64(StatusClientClosedRequest) || f["cancelled"] != true {
		t.Errorf("access log %s %v, want info, status 499, cancelled", lines[0].Level, f)
	}
	for _, l := range logs.All() {
		if l.Level >= zapcore.WarnLevel {
			t.Errorf("a cancelled request logged %s %q %v", l.Level, l.Message, l.ContextMap())
		}
	}
}

// TestClientDisconnectOverTCP: a client that closes its connection while
// the handler waits on its context: the handler's context is cancelled, the
// request is logged as a 499 at info.
func TestClientDisconnectOverTCP(t *testing.T) {
	started := make(chan struct{})
	var handlerErr error
	e, logs := deadlineEngine(t, time.Hour, func(r *Router) {
		Route(r, http.MethodPost, "/items", func(ctx context.Context, _ *NoInput) (*okOutput, error) {
			close(started)
			<-ctx.Done() // a query that honours the context
			handlerErr = ctx.Err()
			return nil, fmt.Errorf("inserting: %w", ctx.Err())
		})
	})
	srv := httptest.NewServer(e)
	transport := &http.Transport{}
	client := &http.Client{Transport: transport}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/api/items", nil)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		resp, err := client.Do(req)
		if err == nil {
			_ = resp.Body.Close()
		}
		done <- err
	}()
	<-started
	cancel() // the client goes away
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("client: %v, want its cancellation", err)
	}
	srv.Close() // waits for the handler
	transport.CloseIdleConnections()

	if !errors.Is(handlerErr, context.Canceled) {
		t.Errorf("the handler's context ended with %v, want context.Canceled", handlerErr)
	}
	checkCancelledLogs(t, logs)
	if debug := logs.FilterMessage("request cancelled by the client").All(); len(debug) != 1 || debug[0].Level != zapcore.DebugLevel ||
		!strings.Contains(fmt.Sprint(debug[0].ContextMap()["error"]), "context canceled") {
		t.Errorf("the cause is not logged at debug: %v", debug)
	}
}
