package openapi

import (
	"maps"
	"slices"
)

// Operation describes one route for the generated document. Every field is
// optional: a route nobody describes is still documented with its method,
// path and path parameters.
//
// Go types are given as values (ItemCreate{}, []Item{}, &Item{} or nil) or
// reflect.Types and turned into JSON Schemas by reflection (see [Schemas]); a
// *[Schema] is used as it is.
//
// httpmod's typed routes fill an Operation from their declaration (Input,
// Responses, and the guard's Security, Responses and Extensions); plain
// routes may be described by hand.
type Operation struct {
	// Summary is the one-line title of the operation.
	Summary string
	// Description is Markdown shown under the summary.
	Description string
	// Tags group operations in the UIs.
	Tags []string
	// OperationID overrides the generated id (method_path, e.g.
	// get_api_items_id).
	OperationID string
	// Deprecated marks the operation deprecated.
	Deprecated bool
	// Hidden leaves the route out of the document.
	Hidden bool

	// Input is a typed route's input struct: its fields tagged `path:"name"`,
	// `query:"name"` and `header:"Name"` are the parameters and its field
	// named Body is the JSON request body (see [Schemas.Input]).
	Input any

	// PathParams is a struct whose `uri:"name"` fields type the path
	// parameters (gin's ShouldBindUri tags); untyped path parameters are
	// strings. For routes without an Input.
	PathParams any
	// Query is a struct whose `form:"name"` fields are the query parameters
	// (gin's ShouldBindQuery tags). For routes without an Input.
	Query any
	// Body is the JSON request body. For routes without an Input.
	Body any
	// BodyDescription describes the request body.
	BodyDescription string

	// Responses by status code. With none, the operation documents
	// 200 "Successful Response" without a body.
	Responses map[int]Response

	// Security is the operation's security requirements (scheme name ->
	// scopes). Empty leaves the document's default, unless Public is set.
	Security []SecurityReq
	// Public writes an explicit empty requirement (`security: []`): the
	// operation needs no credentials.
	Public bool
	// SecuritySchemes are the schemes Security refers to, added to
	// components.securitySchemes.
	SecuritySchemes map[string]SecurityScheme
	// Extensions are written as the operation's x- members (keys must start
	// with "x-").
	Extensions map[string]any
}

// Response is one documented response.
type Response struct {
	// Description is required by OpenAPI; empty means the status text.
	Description string
	// Body is the body (a Go value or a *Schema); nil means no body.
	Body any
	// MediaType of the body; empty means application/json.
	MediaType string
	// Headers are the response headers the status carries.
	Headers map[string]Header
}

// Header documents one response header.
type Header struct {
	Description string
	// Schema of the value; nil means a string.
	Schema *Schema
	// Required: the header is always sent with this status.
	Required bool
}

// Description attaches an [Operation] to a route: Method as gin lists it
// (GET, POST, ...) and Path as the engine registered it, in gin syntax
// (/api/items/:id) or OpenAPI syntax (/api/items/{id}).
type Description struct {
	Method    string
	Path      string
	Operation Operation
}

// Merge returns op with the fields set in next applied over it: non-empty
// strings, tags and parameter types replace; Deprecated, Hidden and Public
// accumulate; security requirements append; responses, security schemes and
// extensions merge by key (next wins).
func (op Operation) Merge(next Operation) Operation {
	out := op
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&out.Summary, next.Summary)
	set(&out.Description, next.Description)
	set(&out.OperationID, next.OperationID)
	set(&out.BodyDescription, next.BodyDescription)
	if next.Tags != nil {
		out.Tags = slices.Clone(next.Tags)
	}
	out.Deprecated = out.Deprecated || next.Deprecated
	out.Hidden = out.Hidden || next.Hidden
	out.Public = out.Public || next.Public
	if next.Input != nil {
		out.Input = next.Input
	}
	if next.PathParams != nil {
		out.PathParams = next.PathParams
	}
	if next.Query != nil {
		out.Query = next.Query
	}
	if next.Body != nil {
		out.Body = next.Body
	}
	if len(next.Security) > 0 {
		out.Security = append(slices.Clone(out.Security), next.Security...)
	}
	out.Responses = mergeMap(out.Responses, next.Responses)
	out.SecuritySchemes = mergeMap(out.SecuritySchemes, next.SecuritySchemes)
	out.Extensions = mergeMap(out.Extensions, next.Extensions)
	return out
}

func mergeMap[K comparable, V any](a, b map[K]V) map[K]V {
	if len(b) == 0 {
		return a
	}
	out := make(map[K]V, len(a)+len(b))
	maps.Copy(out, a)
	maps.Copy(out, b)
	return out
}
