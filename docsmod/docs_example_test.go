package docsmod_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/openapi"
	"github.com/m8fx/kit/m8fx"
	"github.com/m8fx/kit/settingsmod"
)

type Book struct {
	ID    string `json:"id" binding:"uuid"`
	Title string `json:"title" binding:"required,max=200"`
}

// A service describes its routes for {API_PREFIX}/openapi.json: summaries,
// schemas from Go types, and the guard of each protected route.
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
			return httpmod.RoutesFunc(func(r gin.IRouter) {
				r.GET("/books/:id", func(c *gin.Context) { c.JSON(http.StatusOK, Book{}) })
				r.POST("/books/", func(c *gin.Context) { c.JSON(http.StatusCreated, Book{}) }) // + auth.RequireWriter()
			})
		})),
		httpmod.Describe("GET", "/books/:id", openapi.Operation{
			Summary:   "Read a book",
			Tags:      []string{"books"},
			Responses: map[int]openapi.Response{200: {Body: Book{}}, 404: {Body: openapi.ErrorBody()}},
		}),
		httpmod.Describe("POST", "/books/", openapi.Operation{
			Summary:   "Add a book",
			Tags:      []string{"books"},
			Role:      "writer",
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
				fmt.Printf("%s %s: %s (role %q)\n", m, p, op.Summary, op.RequiredRole)
			}
		}
	}
	fmt.Println(doc.Components.Schemas["Book"].Required)
	// Output:
	// 3.1.0 Library
	// POST /api/books/: Add a book (role "writer")
	// GET /api/books/{id}: Read a book (role "")
	// [id title]
}
