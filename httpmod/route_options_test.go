package httpmod_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/openapi"
)

func TestDocConfigureRouteMerges(t *testing.T) {
	tests := []struct {
		name string
		docs []httpmod.Doc
		want httpmod.Doc
	}{
		{"empty fields keep what is set", []httpmod.Doc{{Summary: "S", Description: "D", OperationID: "op"}, {}},
			httpmod.Doc{Summary: "S", Description: "D", OperationID: "op"}},
		{"later text wins", []httpmod.Doc{{Summary: "group", OperationID: "a"}, {Summary: "route", OperationID: "b"}},
			httpmod.Doc{Summary: "route", OperationID: "b"}},
		{"tags add up without duplicates", []httpmod.Doc{{Tags: []string{"admin", "items"}}, {Tags: []string{"items", "beta"}}},
			httpmod.Doc{Tags: []string{"admin", "items", "beta"}}},
		{"flags stay set", []httpmod.Doc{{Deprecated: true, Hidden: true}, {Summary: "x"}},
			httpmod.Doc{Summary: "x", Deprecated: true, Hidden: true}},
	}
	for _, tt := range tests {
		var c httpmod.RouteConfig
		for _, d := range tt.docs {
			d.ConfigureRoute(&c)
		}
		if !reflect.DeepEqual(c.Doc, tt.want) {
			t.Errorf("%s: doc %+v, want %+v", tt.name, c.Doc, tt.want)
		}
	}
}

type textInput struct {
	Body struct {
		Text string `json:"text"`
	}
}

// TestRouteOptionsTakeEffect declares routes with the options and checks
// what the engine serves and what the table documents.
func TestRouteOptionsTakeEffect(t *testing.T) {
	gin.SetMode(gin.TestMode)
	e := gin.New()
	table := httpmod.NewRouteTable(httpmod.RouteTableConfig{})
	r := httpmod.NewRouter(e.Group("/api"), table)
	type item struct {
		ID int `json:"id"`
	}
	httpmod.Route(r, http.MethodPost, "/texts", func(context.Context, *textInput) (*item, error) { return &item{ID: 1}, nil },
		httpmod.BodyLimit(16), httpmod.Status(http.StatusAccepted),
		httpmod.Responds(http.StatusNotFound, "No such text", nil), httpmod.Responds(http.StatusConflict, "Taken", item{}))
	httpmod.Handle(r, http.MethodGet, "/items", func(c *gin.Context) { c.String(http.StatusOK, "items") }, httpmod.Alias("/items/"))
	if err := table.Err(); err != nil {
		t.Fatal(err)
	}

	if rec := do(e, http.MethodPost, "/api/texts", "application/json", `{"text":"abc"}`); rec.Code != http.StatusAccepted {
		t.Errorf("within BodyLimit: %d %s, want 202 (Status)", rec.Code, rec.Body)
	}
	if rec := do(e, http.MethodPost, "/api/texts", "application/json", `{"text":"abcdefghij"}`); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("over BodyLimit(16): %d %s, want 413", rec.Code, rec.Body)
	}
	for _, path := range []string{"/api/items", "/api/items/"} {
		if rec := do(e, http.MethodGet, path, "", ""); rec.Code != http.StatusOK || rec.Body.String() != "items" {
			t.Errorf("GET %s: %d %q, want the route (Alias)", path, rec.Code, rec.Body)
		}
	}

	declared := map[string]httpmod.DeclaredRoute{}
	for _, d := range table.Routes() {
		declared[d.Method+" "+d.Path] = d
	}
	ops := declared["POST /api/texts"].Operation.Responses
	if got := ops[http.StatusNotFound]; got.Description != "No such text" || !reflect.DeepEqual(got.Body, openapi.ErrorBody()) {
		t.Errorf("Responds with a nil body: %+v, want the error body", got)
	}
	if got := ops[http.StatusConflict]; got.Description != "Taken" || !reflect.DeepEqual(got.Body, item{}) {
		t.Errorf("Responds with a body: %+v", got)
	}
	if !strings.Contains(ops[http.StatusRequestEntityTooLarge].Description, "16 bytes") {
		t.Errorf("413 documents %q, want the route's limit", ops[http.StatusRequestEntityTooLarge].Description)
	}
	if _, ok := ops[http.StatusAccepted]; !ok {
		t.Errorf("success documented as %v, want 202", ops)
	}
	if a := declared["GET /api/items/"]; a.AliasOf != "/api/items" || declared["GET /api/items"].AliasOf != "" {
		t.Errorf("alias declared %+v, want AliasOf /api/items", a)
	}
}

// failingOption is an option of another package that refuses its route.
type failingOption struct{ err error }

func (o failingOption) ConfigureRoute(c *httpmod.RouteConfig) { c.Fail(o.err) }

func TestRouteOptionFailAndBadAlias(t *testing.T) {
	errBad := errors.New("unknown role")
	tests := []struct {
		name    string
		declare func(r *httpmod.Router)
		want    string
	}{
		{"an option's Fail", func(r *httpmod.Router) {
			httpmod.Handle(r, http.MethodGet, "/x", func(*gin.Context) {}, failingOption{errBad})
		}, "httpmod: route GET /api/x: unknown role"},
		{"an alias with other parameters", func(r *httpmod.Router) {
			httpmod.Handle(r, http.MethodGet, "/x/:id", func(*gin.Context) {}, httpmod.Alias("/y/:key"))
		}, "httpmod: route GET /api/x/:id: alias /y/:key has other path parameters than the route"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := gin.New()
			table := httpmod.NewRouteTable(httpmod.RouteTableConfig{})
			tt.declare(httpmod.NewRouter(e.Group("/api"), table))
			if err := table.Err(); err == nil || err.Error() != tt.want {
				t.Fatalf("Err() = %v, want %q", err, tt.want)
			}
		})
	}
	e := gin.New()
	httpmod.Handle(httpmod.NewRouter(e.Group("/api"), httpmod.NewRouteTable(httpmod.RouteTableConfig{})),
		http.MethodGet, "/x", func(c *gin.Context) { c.Status(http.StatusOK) }, failingOption{errBad})
	if rec := do(e, http.MethodGet, "/api/x", "", ""); rec.Code != http.StatusNotFound {
		t.Errorf("a refused route is served: %d", rec.Code)
	}
}
