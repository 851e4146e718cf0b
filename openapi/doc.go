// Package openapi writes OpenAPI 3.1 documents from a service's registered
// gin routes: every route appears with its method, path and path
// parameters, and [Operation] descriptions add what the routes cannot tell
// by themselves: summaries, tags, query parameters, request and response
// bodies (JSON Schemas built from Go types by reflection, see [Schemas]),
// and the bearer security and minimum role of guarded routes.
//
// Services normally do not call this package directly: httpmod's docs
// module serves {API_PREFIX}/openapi.json, Swagger UI and ReDoc, and
// httpmod.Describe attaches an Operation to a route:
//
//	fx.Provide(httpmod.AsRoutes(NewItemRoutes)),
//	httpmod.Describe("POST", "/items/", openapi.Operation{
//		Summary:   "Create an item",
//		Tags:      []string{"items"},
//		Role:      "writer", // the route uses auth.RequireWriter()
//		Body:      ItemCreate{},
//		Responses: map[int]openapi.Response{201: {Description: "Created", Body: Item{}}},
//	}),
//
// # Security
//
// gin handlers are opaque, so the generator cannot see which routes carry an
// authmod guard: a guarded route says so with Operation.Security,
// Operation.Role or Operation.Superuser. The operation then gets the
// bearerAuth security requirement (components.securitySchemes: http bearer,
// JWT), its minimum role in the description and in the x-m8fx-required-role
// extension, and 401/403 responses with the kit's {"detail": ...} body.
package openapi
