package openapi

import (
	"maps"
	"slices"
)

// Operation describes one route for the generated document. Every field is
// optional: a route nobody describes is still documented with its method,
// path and path parameters.
//
// Go types are given as values (ItemCreate{}, []Item{}, &Item{} or nil) and
// turned into JSON Schemas by reflection (see [Schemas]); a *[Schema] is used
// as it is.
//
// Security is explicit, because gin handlers are opaque to the generator: set
// Security for a route behind authmod's RequireUser guard, Role for
// RequireRole(min) and its shorthands (RequireWriter is Role "writer"), and
// Superuser for RequireSuperuser. The generator then adds the bearerAuth
// security requirement, the role to the description and as the
// x-m8fx-required-role extension, and the 401/403 responses.
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

	// Security: the route needs "Authorization: Bearer <JWT>" from an active
	// user.
	Security bool
	// Role is the minimum role (e.g. "writer"); it implies Security.
	Role string
	// Superuser: role superadmin and is_superuser=true; implies Security.
	Superuser bool

	// PathParams is a struct whose `uri:"name"` fields type the path
	// parameters (gin's ShouldBindUri tags); untyped path parameters are
	// strings.
	PathParams any
	// Query is a struct whose `form:"name"` fields are the query parameters
	// (gin's ShouldBindQuery tags).
	Query any
	// Body is the JSON request body.
	Body any
	// BodyDescription describes the request body.
	BodyDescription string
	// Responses by status code. With none, the operation documents
	// 200 "Successful Response" without a body.
	Responses map[int]Response
}

// Response is one documented response.
type Response struct {
	// Description is required by OpenAPI; empty means the status text.
	Description string
	// Body is the JSON body (a Go value or a *Schema); nil means no body.
	Body any
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
// strings, tags and parameter types replace; Security, Superuser, Deprecated
// and Hidden accumulate; responses merge by status. It lets a service add
// summaries and schemas while another party (e.g. an auth integration) adds
// the security of the same route.
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
	set(&out.Role, next.Role)
	set(&out.BodyDescription, next.BodyDescription)
	if next.Tags != nil {
		out.Tags = slices.Clone(next.Tags)
	}
	out.Deprecated = out.Deprecated || next.Deprecated
	out.Hidden = out.Hidden || next.Hidden
	out.Security = out.Security || next.Security
	out.Superuser = out.Superuser || next.Superuser
	if next.PathParams != nil {
		out.PathParams = next.PathParams
	}
	if next.Query != nil {
		out.Query = next.Query
	}
	if next.Body != nil {
		out.Body = next.Body
	}
	if len(next.Responses) > 0 {
		merged := make(map[int]Response, len(out.Responses)+len(next.Responses))
		maps.Copy(merged, out.Responses)
		maps.Copy(merged, next.Responses)
		out.Responses = merged
	}
	return out
}

// guarded reports whether the operation needs a bearer token.
func (op Operation) guarded() bool { return op.Security || op.Role != "" || op.Superuser }
