package httpmod

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func TestRecovery(t *testing.T) {
	e, logs := newTestEngine(t, EngineParams{Routes: routes(func(r *Router) {
		Handle(r, http.MethodGet, "/panic", func(*gin.Context) { panic("secret internal state") })
		Handle(r, http.MethodGet, "/panic-after-write", func(c *gin.Context) {
			c.String(http.StatusOK, "partial")
			panic("late")
		})
		Handle(r, http.MethodGet, "/ok", func(c *gin.Context) { c.String(http.StatusOK, "fine") })
	})})

	rec := serve(e, http.MethodGet, "/api/panic", HeaderRequestID, "rid-panic")
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	if got := rec.Body.String(); got != `{"detail":"Internal Server Error"}` {
		t.Fatalf("body = %s", got)
	}
	if strings.Contains(rec.Body.String(), "secret") || strings.Contains(rec.Body.String(), "goroutine") {
		t.Fatal("panic value or stack leaked into the body")
	}
	panics := logs.FilterMessage("panic while serving request").All()
	if len(panics) != 1 {
		t.Fatalf("want one panic log, got %d", len(panics))
	}
	fields := panics[0].ContextMap()
	if fields["request_id"] != "rid-panic" || fields["panic"] != "secret internal state" ||
		fields["status"] != int64(http.StatusInternalServerError) || fields["route"] != "/api/panic" || fields["method"] != "GET" {
		t.Fatalf("panic log fields = %v", fields)
	}
	if st, _ := fields["stack"].(string); !strings.Contains(st, "recovery_test.go") {
		t.Fatalf("panic log has no stack pointing at the handler: %q", st)
	}

	// The engine keeps serving.
	if rec := serve(e, http.MethodGet, "/api/ok"); rec.Code != http.StatusOK || rec.Body.String() != "fine" {
		t.Fatalf("after panic: %d %s", rec.Code, rec.Body)
	}

	// A panic after the handler wrote keeps the written status, and logs it.
	rec = serve(e, http.MethodGet, "/api/panic-after-write", HeaderRequestID, "rid-late")
	if rec.Code != http.StatusOK {
		t.Fatalf("panic after write changed the status to %d", rec.Code)
	}
	late := logs.FilterMessage("panic while serving request").FilterField(zap.String("request_id", "rid-late")).All()
	if len(late) != 1 || late[0].ContextMap()["status"] != int64(http.StatusOK) {
		t.Fatalf("late panic logs %v, want one with status 200", late)
	}
}

type failIn struct{}
type failOut struct{}

// TestFailedRequestLogsOnce: through the real engine, a failed request
// leaves one ERROR entry besides the access log line: a handler error its
// "request failed" line (method, route, status, error chain) without a
// stack, a panic its recovery line with the stack in the "stack" field.
// (The entry stack trace, Entry.Stack, is the logger's: m8fx's adds none;
// its test checks the encoded output.)
func TestFailedRequestLogsOnce(t *testing.T) {
	e, logs := newTestEngine(t, EngineParams{Routes: routes(func(r *Router) {
		Route(r, http.MethodGet, "/error", func(context.Context, *failIn) (*failOut, error) {
			return nil, fmt.Errorf("loading item: %w", errors.New("connection refused"))
		})
		Route(r, http.MethodGet, "/teapot", func(context.Context, *failIn) (*failOut, error) {
			return nil, Error(http.StatusTeapot, "short and stout")
		})
		Handle(r, http.MethodGet, "/panic", func(*gin.Context) { panic("boom") })
	})})
	tests := []struct {
		path       string
		status     int
		wantErrors int    // ERROR entries besides the access log line
		msg        string // of that entry
		stack      bool   // its "stack" field
	}{
		{"/api/error", http.StatusInternalServerError, 1, "request failed", false},
		{"/api/panic", http.StatusInternalServerError, 1, "panic while serving request", true},
		{"/api/teapot", http.StatusTeapot, 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			logs.TakeAll()
			if rec := serve(e, http.MethodGet, tt.path, HeaderRequestID, "rid-1"); rec.Code != tt.status {
				t.Fatalf("status %d, want %d", rec.Code, tt.status)
			}
			var failures []observer.LoggedEntry
			for _, l := range logs.All() {
				if l.Stack != "" {
					t.Errorf("entry %q has an entry stack trace", l.Message)
				}
				if l.Level >= zapcore.ErrorLevel {
					failures = append(failures, l)
				}
			}
			if len(failures) != tt.wantErrors {
				t.Fatalf("%d ERROR entries, want %d: %v", len(failures), tt.wantErrors, logs.All())
			}
			if tt.wantErrors == 0 {
				return
			}
			f := failures[0].ContextMap()
			if failures[0].Message != tt.msg || f["request_id"] != "rid-1" || f["route"] != tt.path ||
				f["status"] != int64(tt.status) || f["method"] != "GET" {
				t.Errorf("failure entry %q %v", failures[0].Message, f)
			}
			if tt.msg == "request failed" && f["error"] != "loading item: connection refused" {
				t.Errorf("error field %q, want the chain", f["error"])
			}
			if st, _ := f["stack"].(string); (st != "") != tt.stack {
				t.Errorf("stack field %q, want one: %v", st, tt.stack)
			}
		})
	}
}

func TestRecoveryKeepsErrAbortHandler(t *testing.T) {
	e, _ := newTestEngine(t, EngineParams{Routes: routes(func(r *Router) {
		Handle(r, http.MethodGet, "/abort", func(*gin.Context) { panic(http.ErrAbortHandler) })
	})})
	defer func() {
		if r := recover(); r != http.ErrAbortHandler {
			t.Fatalf("recovered %v, want http.ErrAbortHandler to propagate", r)
		}
	}()
	serve(e, http.MethodGet, "/api/abort")
	t.Fatal("ErrAbortHandler was swallowed")
}

// TestRecoveryHEAD: the HEAD twin of a GET route answers a panic like GET
// does (500, logged once), and a panic after the handler wrote keeps the
// written status.
func TestRecoveryHEAD(t *testing.T) {
	e, logs := newTestEngine(t, EngineParams{Routes: routes(func(r *Router) {
		Handle(r, http.MethodGet, "/panic", func(*gin.Context) { panic("secret internal state") })
		Handle(r, http.MethodGet, "/panic-after-write", func(c *gin.Context) {
			c.String(http.StatusOK, "partial")
			panic("late")
		})
	})})

	get := serve(e, http.MethodGet, "/api/panic")
	head := serve(e, http.MethodHead, "/api/panic", HeaderRequestID, "rid-head-panic")
	if head.Code != http.StatusInternalServerError || head.Code != get.Code {
		t.Errorf("HEAD of a panicking route = %d, want 500 like GET (%d)", head.Code, get.Code)
	}
	if ct := head.Header().Get("Content-Type"); ct != get.Header().Get("Content-Type") {
		t.Errorf("HEAD Content-Type = %q, GET %q", ct, get.Header().Get("Content-Type"))
	}
	var headPanics int
	for _, l := range logs.FilterMessage("panic while serving request").All() {
		if l.ContextMap()["request_id"] == "rid-head-panic" {
			headPanics++
		}
	}
	if headPanics != 1 {
		t.Errorf("HEAD panic logged %d times, want 1", headPanics)
	}

	if rec := serve(e, http.MethodHead, "/api/panic-after-write"); rec.Code != http.StatusOK {
		t.Errorf("HEAD: panic after write changed the status to %d", rec.Code)
	}
}
