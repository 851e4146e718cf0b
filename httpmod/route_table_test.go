package httpmod_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/httpmod"
)

func TestRouteTableLimits(t *testing.T) {
	limits := map[string]int64{"notes_max_len": 200}
	table := httpmod.NewRouteTable(httpmod.RouteTableConfig{Limits: limits})
	limits["notes_max_len"], limits["late"] = 1, 2 // the table keeps its own copy
	if v, ok := table.Limit("notes_max_len"); !ok || v != 200 {
		t.Errorf("Limit(notes_max_len) = %d, %v; want 200, true", v, ok)
	}
	if _, ok := table.Limit("late"); ok {
		t.Error("a limit added to the config map after NewRouteTable is known")
	}
	if table.Err() != nil || len(table.Routes()) != 0 {
		t.Errorf("a new table has errors %v or routes %v", table.Err(), table.Routes())
	}
}

// TestRouteTableDefaultBodyLimit: without a positive BodyLimit, typed routes
// read at most DefaultBodyLimit bytes.
func TestRouteTableDefaultBodyLimit(t *testing.T) {
	for _, limit := range []int64{0, -5} {
		e := gin.New()
		table := httpmod.NewRouteTable(httpmod.RouteTableConfig{BodyLimit: limit})
		httpmod.Route(httpmod.NewRouter(e.Group("/api"), table), http.MethodPost, "/texts", handler[textInput])
		body := func(n int64) string { return `{"text":"` + strings.Repeat("a", int(n)-len(`{"text":""}`)) + `"}` }
		if rec := do(e, http.MethodPost, "/api/texts", "application/json", body(httpmod.DefaultBodyLimit)); rec.Code != http.StatusOK {
			t.Errorf("BodyLimit %d: a body of DefaultBodyLimit bytes: %d", limit, rec.Code)
		}
		if rec := do(e, http.MethodPost, "/api/texts", "application/json", body(httpmod.DefaultBodyLimit+1)); rec.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("BodyLimit %d: one byte over DefaultBodyLimit: %d, want 413", limit, rec.Code)
		}
	}
}

// TestRouteTableRoutesInDeclarationOrder: Routes lists every declaration
// (with the HEAD twin of a GET) in order, and returns a copy.
func TestRouteTableRoutesInDeclarationOrder(t *testing.T) {
	table := httpmod.NewRouteTable(httpmod.RouteTableConfig{})
	r := httpmod.NewRouter(gin.New().Group("/api"), table)
	httpmod.Handle(r, http.MethodPost, "/b", func(*gin.Context) {})
	httpmod.Handle(r, http.MethodGet, "/a", func(*gin.Context) {})
	got := table.Routes()
	var list []string
	for _, d := range got {
		list = append(list, fmt.Sprintf("%s %s %v", d.Method, d.Path, d.HEADOf))
	}
	if want := "POST /api/b false,GET /api/a false,HEAD /api/a true"; strings.Join(list, ",") != want {
		t.Fatalf("Routes() = %v, want %s", list, want)
	}
	got[0].Path = "/changed"
	if table.Routes()[0].Path != "/api/b" {
		t.Error("Routes() returned the table's own slice")
	}
}

func TestRouteTableErrJoinsDeclarationErrors(t *testing.T) {
	table := httpmod.NewRouteTable(httpmod.RouteTableConfig{})
	r := httpmod.NewRouter(gin.New().Group("/api"), table)
	errRole := errors.New("unknown role")
	httpmod.Handle(r, http.MethodGet, "/a", nil)
	// One error is returned as recorded, wrapping its cause.
	if err := table.Err(); err == nil || err.Error() != "httpmod: route GET /api/a: nil handler" || errors.Unwrap(err) == nil {
		t.Fatalf("one error: %v", err)
	}
	httpmod.Handle(r, http.MethodPut, "/b", func(*gin.Context) {}, failingOption{errRole})
	want := "httpmod: route GET /api/a: nil handler; httpmod: route PUT /api/b: unknown role"
	if err := table.Err(); err == nil || err.Error() != want {
		t.Fatalf("two errors: %v, want %q", err, want)
	}
	// The joined error keeps each cause in its chain.
	if err := table.Err(); !errors.Is(err, errRole) {
		t.Fatalf("two errors: %v does not wrap the option's error", err)
	}
}

// TestRouteTableConcurrentDeclarations: routers of several engines share one
// table from several goroutines (run with -race).
func TestRouteTableConcurrentDeclarations(t *testing.T) {
	table := httpmod.NewRouteTable(httpmod.RouteTableConfig{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			r := httpmod.NewRouter(gin.New().Group("/api"), table)
			httpmod.Route(r, http.MethodGet, fmt.Sprintf("/n%d", i), func(context.Context, *httpmod.NoInput) (*note, error) { return &note{}, nil })
			_ = table.Routes()
			_ = table.Err()
		})
	}
	wg.Wait()
	if n := len(table.Routes()); n != 16 || table.Err() != nil {
		t.Fatalf("%d routes (want 16: GET and HEAD of each), err %v", n, table.Err())
	}
}
