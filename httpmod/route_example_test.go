package httpmod_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/httpmod"
)

type BookCreate struct {
	Title string   `json:"title" validate:"min=1,max=200"`
	Tags  []string `json:"tags,omitempty" validate:"max=5,dive,min=1,max=20"`
}

type CreateBook struct {
	DryRun bool `query:"dry_run" default:"false"`
	Body   BookCreate
}

type Book struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

// One declaration gives the route, its binding and validation, its 422, and
// its operation in the route table (which docsmod turns into the OpenAPI
// document).
func ExampleRoute() {
	gin.SetMode(gin.TestMode)
	engine := gin.New()
	table := httpmod.NewRouteTable(httpmod.RouteTableConfig{})
	r := httpmod.NewRouter(engine.Group("/api"), table)
	httpmod.Route(r, http.MethodPost, "/books", func(_ context.Context, in *CreateBook) (*Book, error) {
		return &Book{ID: 1, Title: in.Body.Title}, nil
	}, httpmod.Status(http.StatusCreated), httpmod.Doc{Summary: "Add a book", Tags: []string{"books"}})
	if err := table.Err(); err != nil {
		panic(err)
	}

	for _, body := range []string{`{"title":"Dune"}`, `{"title":"","tags":["x",""]}`, `{"title":"Dune"} {}`} {
		req := httptest.NewRequest(http.MethodPost, "/api/books", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		engine.ServeHTTP(rec, req)
		fmt.Println(rec.Code, rec.Body.String())
	}
	op := table.Routes()[0].Operation
	fmt.Println(op.Summary, op.Public, len(op.Responses))
	// Output:
	// 201 {"id":1,"title":"Dune"}
	// 422 {"detail":[{"type":"string_too_short","loc":["body","title"],"msg":"String should have at least 1 character","ctx":{"min_length":1}},{"type":"string_too_short","loc":["body","tags",1],"msg":"String should have at least 1 character","ctx":{"min_length":1}}]}
	// 422 {"detail":[{"type":"json_invalid","loc":["body",17],"msg":"JSON decode error","ctx":{"error":"trailing data after the JSON value"}}]}
	// Add a book true 6
}
