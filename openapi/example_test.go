package openapi_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/m8fx/kit/openapi"
)

type Item struct {
	ID        string    `json:"id" validate:"uuid"`
	Name      string    `json:"name" doc:"Display name"`
	CreatedAt time.Time `json:"created_at"`
}

type ItemCreate struct {
	Name string `json:"name" validate:"min=1,max=80"`
}

// The document of three routes as gin lists them, two of them described.
// The generator knows nothing of authentication: POST carries what a guard
// (authmod's Require) documents, its security requirement, scheme and
// extension.
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
	Lines  []string `json:"lines" validate:"max=50"`
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

type ListItems struct {
	Shelf  string  `path:"shelf" doc:"The shelf"`
	Limit  int     `query:"limit" default:"20" validate:"min=1,max=100"`
	Q      *string `query:"q" validate:"omitnil,max=80"`
	Tenant string  `header:"X-Tenant" pattern:"^[a-z]+$"`
	Body   *ItemCreate
}

// A typed route's input: its tagged fields are the parameters, its Body
// field the request body (optional here: a pointer).
func ExampleSchemas_Input() {
	params, body, required := openapi.NewSchemas().Input(ListItems{})
	for _, p := range params {
		b, _ := json.Marshal(p)
		fmt.Println(string(b))
	}
	b, _ := json.Marshal(body)
	fmt.Println(string(b), "required:", required)
	// Output:
	// {"name":"shelf","in":"path","description":"The shelf","required":true,"schema":{"type":"string"}}
	// {"name":"limit","in":"query","schema":{"type":"integer","format":"int64","default":20,"minimum":1,"maximum":100}}
	// {"name":"q","in":"query","schema":{"type":"string","maxLength":80}}
	// {"name":"X-Tenant","in":"header","required":true,"schema":{"type":"string","pattern":"^[a-z]+$"}}
	// {"anyOf":[{"$ref":"#/components/schemas/ItemCreate"},{"type":"null"}]} required: false
}

// A public operation states that it needs no credentials with an explicit
// empty security requirement; extensions are written as x- members.
func ExampleOperationObject_MarshalJSON() {
	op := openapi.OperationObject{
		OperationID: "get_api_health",
		Responses:   map[string]openapi.ResponseObject{"200": {Description: "OK"}},
		Public:      true,
		Extensions:  map[string]any{"x-m8fx-probe": "liveness"},
	}
	b, _ := json.Marshal(op)
	fmt.Println(string(b))
	// Output:
	// {"operationId":"get_api_health","responses":{"200":{"description":"OK"}},"security":[],"x-m8fx-probe":"liveness"}
}
