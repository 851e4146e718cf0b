package openapi_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/m8fx/kit/openapi"
)

type Item struct {
	ID        string    `json:"id" binding:"uuid"`
	Name      string    `json:"name" doc:"Display name"`
	CreatedAt time.Time `json:"created_at"`
}

type ItemCreate struct {
	Name string `json:"name" binding:"required,min=1,max=80"`
}

// The document of three routes as gin lists them, two of them described;
// POST is guarded by authmod's RequireWriter.
func ExampleGenerator_Generate() {
	routes := []openapi.Route{
		{Method: "GET", Path: "/api/items/:id"},
		{Method: "POST", Path: "/api/items/"},
		{Method: "GET", Path: "/api/info"},
	}
	descs := []openapi.Description{
		{Method: "GET", Path: "/api/items/:id", Operation: openapi.Operation{
			Summary:   "Read an item",
			Tags:      []string{"items"},
			Responses: map[int]openapi.Response{200: {Body: Item{}}, 404: {Body: openapi.ErrorBody()}},
		}},
		{Method: "POST", Path: "/api/items/", Operation: openapi.Operation{
			Summary:  "Create an item",
			Tags:     []string{"items"},
			Security: []openapi.SecurityReq{{"bearerAuth": {}}},
			SecuritySchemes: map[string]openapi.SecurityScheme{"bearerAuth": {
				Type: "http", Scheme: "bearer", BearerFormat: "JWT", Description: "An access token.",
			}},
			Extensions: map[string]any{"x-m8fx-required-role": "writer"},
			Body:       ItemCreate{},
			Responses:  map[int]openapi.Response{201: {Body: Item{}}},
		}},
	}
	doc, unmatched := openapi.Generator{Info: openapi.Info{Title: "Items", Version: "1.0.0"}}.Generate(routes, descs)

	fmt.Println("openapi", doc.OpenAPI, "- unmatched descriptions:", len(unmatched))
	for _, p := range []string{"/api/info", "/api/items/", "/api/items/{id}"} {
		item := doc.Paths[p]
		for _, m := range []string{"GET", "POST"} {
			if op := item.Operation(m); op != nil {
				fmt.Printf("%s %s %q security=%v role=%v\n", m, p, op.Summary, len(op.Security) > 0, op.Extensions["x-m8fx-required-role"])
			}
		}
	}
	param, _ := json.Marshal(doc.Paths["/api/items/{id}"].Get.Parameters[0])
	fmt.Println(string(param))
	item, _ := json.Marshal(doc.Components.Schemas["Item"])
	fmt.Println(string(item))
	scheme, _ := json.Marshal(doc.Components.SecuritySchemes["bearerAuth"])
	fmt.Println(string(scheme))
	// Output:
	// openapi 3.1.0 - unmatched descriptions: 0
	// GET /api/info "" security=false role=<nil>
	// POST /api/items/ "Create an item" security=true role=writer
	// GET /api/items/{id} "Read an item" security=false role=<nil>
	// {"name":"id","in":"path","required":true,"schema":{"type":"string"}}
	// {"type":"object","properties":{"created_at":{"type":"string","format":"date-time"},"id":{"type":"string","format":"uuid"},"name":{"type":"string","description":"Display name"}},"required":["id","name","created_at"]}
	// {"type":"http","scheme":"bearer","bearerFormat":"JWT","description":"An access token."}
}

// A type that describes itself, e.g. a decimal written as a string.
type Amount int64

func (Amount) OpenAPISchema() *openapi.Schema {
	return &openapi.Schema{Type: openapi.Types{"string"}, Pattern: `^-?\d+\.\d{2}$`, Examples: []any{"12.50"}}
}

type Order struct {
	Total  Amount   `json:"total"`
	Lines  []string `json:"lines" binding:"max=50"`
	Coupon *string  `json:"coupon,omitempty"`
}

// Named structs become component schemas, referenced with $ref.
func ExampleSchemas_For() {
	s := openapi.NewSchemas()
	b, _ := json.Marshal(s.For([]Order{}))
	fmt.Println(string(b))
	b, _ = json.Marshal(s.Components()["Order"])
	fmt.Println(string(b))
	// Output:
	// {"type":"array","items":{"$ref":"#/components/schemas/Order"}}
	// {"type":"object","properties":{"coupon":{"type":["string","null"]},"lines":{"type":"array","items":{"type":"string"},"maxItems":50},"total":{"type":"string","examples":["12.50"],"pattern":"^-?\\d+\\.\\d{2}$"}},"required":["total","lines"]}
}
