package httpmod

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
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
	if fields["request_id"] != "rid-panic" || fields["panic"] != "secret internal state" {
		t.Fatalf("panic log fields = %v", fields)
	}
	if st, _ := fields["stack"].(string); !strings.Contains(st, "recovery_test.go") {
		t.Fatalf("panic log has no stack pointing at the handler: %q", st)
	}

	// The engine keeps serving.
	if rec := serve(e, http.MethodGet, "/api/ok"); rec.Code != http.StatusOK || rec.Body.String() != "fine" {
		t.Fatalf("after panic: %d %s", rec.Code, rec.Body)
	}

	// A panic after the handler wrote keeps the written status.
	rec = serve(e, http.MethodGet, "/api/panic-after-write")
	if rec.Code != http.StatusOK {
		t.Fatalf("panic after write changed the status to %d", rec.Code)
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
