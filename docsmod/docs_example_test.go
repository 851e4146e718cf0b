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

type BookCreate struct {
	Title string `json:"title" validate:"min=1,max=200"`
}

type readBook struct {
	ID string `path:"id" validate:"uuid"`
}

type addBook struct {
	DryRun bool `query:"dry_run" default:"false"`
	Body   BookCreate
}

// exampleSettings is a valid local configuration for the examples.
func exampleSettings() fx.Option {
	return fx.Replace(settingsmod.MapSource(map[string]string{
		"ENVIRONMENT": "local", "DOMAIN": "localhost", "PROJECT_NAME": "Library", "STACK_NAME": "lib",
		"API_PREFIX": "/api", "BACKEND_HOST": "http://localhost:8000", "FRONTEND_HOST": "http://localhost:3000",
		"TOKEN_MODE": "stateless", "ACCESS_TOKEN_ALGORITHM": "HS256",
		"ACCESS_SECRET_KEY": "example-only-hs256-secret-0123456789abcdef", "TOKEN_STRICT_VALIDATION": "false",
		"EVENT_SIGNING_ENABLED": "false", "LOG_LEVEL": "error",
	}))
}

// exampleDocument builds the app of opts and returns its served document.
func exampleDocument(opts ...fx.Option) openapi.Document {
	gin.SetMode(gin.TestMode)
	var engine *gin.Engine
	app := fx.New(append([]fx.Option{m8fx.Module, exampleSettings(), fx.NopLogger, fx.Populate(&engine)}, opts...)...)
	if err := app.Err(); err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	engine.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/openapi.json", nil))
	var doc openapi.Document
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		panic(err)
	}
	return doc
}

// Routes document themselves in {API_PREFIX}/openapi.json: a typed route
// from its declaration (parameters, body, answers), a plain handler from
// its options. Nothing else is needed: m8fx.Module serves the document.
func ExampleModule() {
	doc := exampleDocument(httpmod.AsRoutes(func() httpmod.Routes {
		return httpmod.RoutesFunc(func(r *httpmod.Router) {
			books := r.Group("/books", httpmod.Doc{Tags: []string{"books"}})
			httpmod.Route(books, http.MethodGet, "/:id", func(_ context.Context, in *readBook) (*Book, error) {
				return &Book{ID: in.ID}, nil
			}, httpmod.Doc{Summary: "Read a book"}, httpmod.Responds(http.StatusNotFound, "No such book", nil))
			httpmod.Route(books, http.MethodPost, "/", func(_ context.Context, in *addBook) (*Book, error) {
				return &Book{Title: in.Body.Title}, nil
			}, httpmod.Doc{Summary: "Add a book"}, httpmod.Status(http.StatusCreated))
			httpmod.Handle(books, http.MethodGet, "/export", func(c *gin.Context) {
				c.String(http.StatusOK, "id,title\n")
			}, httpmod.Doc{Summary: "Export the books as CSV"})
		})
	}))

	fmt.Println(doc.OpenAPI, doc.Info.Title)
	for _, p := range []string{"/api/books/", "/api/books/{id}", "/api/books/export"} {
		item := doc.Paths[p]
		for _, m := range []string{"GET", "POST"} {
			if op := item.Operation(m); op != nil {
				fmt.Printf("%s %s: %s %v, %d parameter(s), public %v\n", m, p, op.Summary, op.Tags, len(op.Parameters), op.Public)
			}
		}
	}
	add := doc.Paths["/api/books/"].Post
	fmt.Println("add:", add.Parameters[0].Name, add.Parameters[0].Schema.Default, add.RequestBody.Content["application/json"].Schema.Ref)
	fmt.Println("read 404:", doc.Paths["/api/books/{id}"].Get.Responses["404"].Description)
	fmt.Println(doc.Components.Schemas["BookCreate"].Required, *doc.Components.Schemas["BookCreate"].Properties["title"].MaxLength)
	// Output:
	// 3.1.0 Library
	// POST /api/books/: Add a book [books], 1 parameter(s), public true
	// GET /api/books/{id}: Read a book [books], 1 parameter(s), public true
	// GET /api/books/export: Export the books as CSV [books], 0 parameter(s), public true
	// add: dry_run false #/components/schemas/BookCreate
	// read 404: No such book
	// [title] 200
}

// Describe documents a route registered on gin directly (static files,
// say), which the route table cannot see. A declared route already carries
// its documentation: describing it, or a route that does not exist, fails
// the app's start.
func ExampleDescribe() {
	doc := exampleDocument(
		httpmod.AsRoutes(func() httpmod.Routes {
			return httpmod.RoutesFunc(func(r *httpmod.Router) {
				r.Gin().GET("/files/*name", func(c *gin.Context) { c.String(http.StatusOK, "...") })
			})
		}),
		docsmod.Describe("GET", "/files/*name", openapi.Operation{
			Summary: "Download a file",
			Tags:    []string{"files"},
			Responses: map[int]openapi.Response{200: {
				Description: "The file", MediaType: "application/octet-stream",
				Body: &openapi.Schema{Type: openapi.Types{"string"}, Format: "binary"},
			}},
		}),
	)
	op := doc.Paths["/api/files/{name}"].Get
	fmt.Println(op.Summary, op.Parameters[0].Name, op.Parameters[0].In)
	for mt := range op.Responses["200"].Content {
		fmt.Println(mt)
	}
	// Output:
	// Download a file name path
	// application/octet-stream
}
