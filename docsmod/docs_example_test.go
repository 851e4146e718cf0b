package docsmod_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"

	"github.com/m8fx/kit/docsmod"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/m8fx"
	"github.com/m8fx/kit/openapi"
	"github.com/m8fx/kit/settingsmod"
)

type Book struct {
	ID    string `json:"id" validate:"uuid"`
	Title string `json:"title" validate:"max=200"`
}

type bookRef struct {
	ID string `path:"id" validate:"uuid"`
}

// Routes document themselves in {API_PREFIX}/openapi.json: a typed route
// from its declaration, a raw gin route with Describe.
func ExampleDescribe() {
	gin.SetMode(gin.TestMode)
	var engine *gin.Engine
	app := fx.New(
		m8fx.Module,
		fx.Replace(settingsmod.MapSource(map[string]string{
			"ENVIRONMENT": "local", "DOMAIN": "localhost", "PROJECT_NAME": "Library", "STACK_NAME": "lib",
			"API_PREFIX": "/api", "BACKEND_HOST": "http://localhost:8000", "FRONTEND_HOST": "http://localhost:3000",
			"TOKEN_MODE": "stateless", "ACCESS_TOKEN_ALGORITHM": "HS256",
			"ACCESS_SECRET_KEY": "example-only-hs256-secret-0123456789abcdef", "TOKEN_STRICT_VALIDATION": "false",
			"EVENT_SIGNING_ENABLED": "false", "LOG_LEVEL": "error",
		})),
		fx.NopLogger,
		fx.Provide(httpmod.AsRoutes(func() httpmod.Routes {
			return httpmod.RoutesFunc(func(r *httpmod.Router) {
				httpmod.Route(r, http.MethodGet, "/books/:id", func(_ context.Context, in *bookRef) (*Book, error) {
					return &Book{ID: in.ID}, nil
				}, httpmod.Doc{Summary: "Read a book", Tags: []string{"books"}})
				r.Gin().POST("/books/", func(c *gin.Context) { c.JSON(http.StatusCreated, Book{}) })
			})
		})),
		docsmod.Describe("POST", "/books/", openapi.Operation{
			Summary:   "Add a book",
			Tags:      []string{"books"},
			Body:      Book{},
			Responses: map[int]openapi.Response{201: {Body: Book{}}},
		}),
		fx.Populate(&engine),
	)
	if err := app.Err(); err != nil {
		panic(err)
	}

	rec := httptest.NewRecorder()
	engine.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil))
	var doc openapi.Document
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		panic(err)
	}
	fmt.Println(doc.OpenAPI, doc.Info.Title)
	for _, p := range []string{"/api/books/", "/api/books/{id}"} {
		item := doc.Paths[p]
		for _, m := range []string{"GET", "POST"} {
			if op := item.Operation(m); op != nil {
				fmt.Printf("%s %s: %s (public %v)\n", m, p, op.Summary, op.Public)
			}
		}
	}
	fmt.Println(doc.Components.Schemas["Book"].Required)
	// Output:
	// 3.1.0 Library
	// POST /api/books/: Add a book (public false)
	// GET /api/books/{id}: Read a book (public true)
	// [id title]
}
