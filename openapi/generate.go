package openapi

import (
	"bytes"
	"cmp"
	"encoding/json"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Route is a route registered on the engine, as gin lists it
// (engine.Routes()): method and full path in gin syntax.
type Route struct {
	Method string
	Path   string
}

// Generator writes the document of a set of routes.
type Generator struct {
	// Info is the document's info object; an empty Title or Version is
	// written as "API" and "0.0.0".
	Info Info
	// Servers, when set, is written as the document's servers.
	Servers []Server
	// Tags declares tags in display order with their descriptions; tags
	// used by operations but not declared follow in order of first use.
	Tags []Tag
	// Limits resolves the runtime limits of max_of/min_of rules (see
	// [Schemas.Limits]).
	Limits func(name string) (int64, bool)
}

// Generate returns the document of routes, each enriched by the
// descriptions of its method and path (merged in order with
// [Operation.Merge]), and the descriptions that matched no route (a typo in
// a path, or a route that is not registered).
//
// Every route whose method OpenAPI knows is written, with its path
// parameters (gin's :id and *path become {id} and {path}); routes described
// as Hidden are left out.
func (g Generator) Generate(routes []Route, descs []Description) (*Document, []Description) {
	type key struct{ method, path string }
	ops := map[key]Operation{}
	var order []key
	for _, d := range descs {
		k := key{strings.ToUpper(d.Method), toOpenAPIPath(d.Path)}
		if _, ok := ops[k]; !ok {
			order = append(order, k)
		}
		ops[k] = ops[k].Merge(d.Operation)
	}

	sorted := slices.Clone(routes)
	slices.SortStableFunc(sorted, func(a, b Route) int {
		if c := cmp.Compare(toOpenAPIPath(a.Path), toOpenAPIPath(b.Path)); c != 0 {
			return c
		}
		return cmp.Compare(methodRank(a.Method), methodRank(b.Method))
	})

	b := &builder{schemas: NewSchemas(), ids: map[string]int{}, schemes: map[string]SecurityScheme{}}
	b.schemas.Limits = g.Limits
	doc := &Document{OpenAPI: Version, Info: g.Info, Servers: g.Servers, Paths: map[string]PathItem{}}
	if doc.Info.Title == "" {
		doc.Info.Title = "API"
	}
	if doc.Info.Version == "" {
		doc.Info.Version = "0.0.0"
	}
	matched := map[key]bool{}
	var usedTags []string
	for _, r := range sorted {
		method := strings.ToUpper(r.Method)
		path := toOpenAPIPath(r.Path)
		k := key{method, path}
		op, described := ops[k]
		if described {
			matched[k] = true
		}
		item := doc.Paths[path]
		slot := item.slot(method)
		if slot == nil || op.Hidden {
			continue
		}
		*slot = b.operation(method, path, op)
		doc.Paths[path] = item
		for _, t := range op.Tags {
			if !slices.Contains(usedTags, t) {
				usedTags = append(usedTags, t)
			}
		}
	}

	doc.Tags = slices.Clone(g.Tags)
	for _, t := range usedTags {
		if !slices.ContainsFunc(doc.Tags, func(d Tag) bool { return d.Name == t }) {
			doc.Tags = append(doc.Tags, Tag{Name: t})
		}
	}
	// The kit's error body may be referenced from anywhere (a response, a
	// SchemaProvider, a hand-written schema): define it when it is.
	if refersTo(RefTo(ValidationErrorSchemaName).Ref, doc.Paths, b.schemas.Components()) {
		b.validationErrorSchema()
	}
	if refersTo(RefTo(ErrorSchemaName).Ref, doc.Paths, b.schemas.Components()) {
		b.errorSchema()
	}
	if comps := b.schemas.Components(); len(comps) > 0 || len(b.schemes) > 0 {
		doc.Components = &Components{Schemas: comps}
		if len(b.schemes) > 0 {
			doc.Components.SecuritySchemes = b.schemes
		}
	}

	var unmatched []Description
	for _, k := range order {
		if !matched[k] {
			unmatched = append(unmatched, Description{Method: k.method, Path: k.path, Operation: ops[k]})
		}
	}
	return doc, unmatched
}

// builder carries the state of one Generate call.
type builder struct {
	schemas *Schemas
	ids     map[string]int
	schemes map[string]SecurityScheme
}

func (b *builder) operation(method, path string, op Operation) *OperationObject {
	o := &OperationObject{
		Tags:        slices.Clone(op.Tags),
		Summary:     op.Summary,
		Description: op.Description,
		OperationID: op.OperationID,
		Deprecated:  op.Deprecated,
		Responses:   map[string]ResponseObject{},
	}
	if o.OperationID == "" {
		o.OperationID = b.operationID(method, path)
	}

	var typed, rest []Parameter
	var body *Schema
	bodyRequired := true
	if op.Input != nil {
		params, in, required := b.schemas.Input(op.Input)
		for _, p := range params {
			if p.In == "path" {
				typed = append(typed, p)
			} else {
				rest = append(rest, p)
			}
		}
		body, bodyRequired = in, required
	} else {
		typed = b.schemas.parameters(op.PathParams, "path", "uri")
		rest = b.schemas.parameters(op.Query, "query", "form")
		body = b.schemas.For(op.Body)
	}
	for _, name := range pathParams(path) {
		p := Parameter{Name: name, In: "path", Required: true, Schema: &Schema{Type: Types{"string"}}}
		if i := slices.IndexFunc(typed, func(t Parameter) bool { return t.Name == name }); i >= 0 {
			p = typed[i]
		}
		o.Parameters = append(o.Parameters, p)
	}
	o.Parameters = append(o.Parameters, rest...)

	if body != nil {
		o.RequestBody = &RequestBody{
			Description: op.BodyDescription,
			Required:    bodyRequired,
			Content:     jsonContent(body),
		}
	}

	for status, r := range op.Responses {
		o.Responses[strconv.Itoa(status)] = b.response(status, r)
	}
	if len(o.Responses) == 0 {
		o.Responses["200"] = ResponseObject{Description: "Successful Response"}
	}

	for _, req := range op.Security {
		out := make(SecurityReq, len(req))
		for name, scopes := range req {
			if scopes == nil {
				scopes = []string{} // null is not a valid scope list
			}
			out[name] = scopes
		}
		o.Security = append(o.Security, out)
	}
	o.Public = op.Public
	for name, sch := range op.SecuritySchemes {
		b.schemes[name] = sch
	}
	if len(op.Extensions) > 0 {
		o.Extensions = maps.Clone(op.Extensions)
	}
	return o
}

func (b *builder) response(status int, r Response) ResponseObject {
	out := ResponseObject{Description: r.Description}
	if out.Description == "" {
		out.Description = http.StatusText(status)
	}
	if out.Description == "" {
		out.Description = "Response"
	}
	if r.Body != nil {
		mt := r.MediaType
		if mt == "" {
			mt = "application/json"
		}
		out.Content = map[string]MediaType{mt: {Schema: b.schemas.For(r.Body)}}
	}
	if len(r.Headers) > 0 {
		out.Headers = make(map[string]HeaderObject, len(r.Headers))
		for name, h := range r.Headers {
			sch := h.Schema
			if sch == nil {
				sch = &Schema{Type: Types{"string"}}
			}
			out.Headers[name] = HeaderObject{Description: h.Description, Required: h.Required, Schema: sch}
		}
	}
	return out
}

// validationErrorSchema registers the kit's 422 body and returns a
// reference to it.
func (b *builder) validationErrorSchema() *Schema {
	b.schemas.Add(ValidationProblemSchemaName, &Schema{
		Type:        Types{"object"},
		Description: "One problem of the request: its kind, where it is, and a message.",
		Properties: map[string]*Schema{
			"type": {Type: Types{"string"}, Description: "The kind of problem (pydantic's vocabulary: missing, string_too_long, int_parsing, ...)."},
			"loc": {
				Type:        Types{"array"},
				Description: "Where: body, query, path or header, then the field name and array indices.",
				Items:       &Schema{AnyOf: []*Schema{{Type: Types{"string"}}, {Type: Types{"integer"}}}},
			},
			"msg": {Type: Types{"string"}, Description: "A message for humans."},
			"ctx": {Type: Types{"object"}, Description: "The limit that was not met, e.g. {\"max_length\": 255}."},
		},
		Required: []string{"type", "loc", "msg"},
	})
	return b.schemas.Add(ValidationErrorSchemaName, &Schema{
		Type:        Types{"object"},
		Description: "Every problem of an invalid request, in one answer.",
		Properties:  map[string]*Schema{"detail": {Type: Types{"array"}, Items: RefTo(ValidationProblemSchemaName)}},
		Required:    []string{"detail"},
	})
}

// ValidationErrorBody returns a reference to the kit's 422 schema for
// [Response.Body]; the generator defines the components.
func ValidationErrorBody() *Schema { return RefTo(ValidationErrorSchemaName) }

// errorSchema registers the kit's error body and returns a reference to it.
func (b *builder) errorSchema() *Schema {
	return b.schemas.Add(ErrorSchemaName, &Schema{
		Type:        Types{"object"},
		Description: `The kit's error body: {"detail": "<message>"}.`,
		Properties:  map[string]*Schema{"detail": {Type: Types{"string"}}},
		Required:    []string{"detail"},
	})
}

// ErrorBody returns a reference to the kit's error schema ({"detail": ...})
// for [Response.Body]; the generator defines the component (httpmod.ErrorBody
// maps to it too).
func ErrorBody() *Schema { return RefTo(ErrorSchemaName) }

// refersTo reports whether any of values (marshalled to JSON) contains the
// reference ref.
func refersTo(ref string, values ...any) bool {
	needle, _ := json.Marshal(ref)
	for _, v := range values {
		if raw, err := json.Marshal(v); err == nil && bytes.Contains(raw, needle) {
			return true
		}
	}
	return false
}

var idCharExpr = regexp.MustCompile(`[^A-Za-z0-9]+`)

func (b *builder) operationID(method, path string) string {
	id := strings.Trim(idCharExpr.ReplaceAllString(strings.ToLower(method)+"_"+path, "_"), "_")
	b.ids[id]++
	if n := b.ids[id]; n > 1 {
		id += "_" + strconv.Itoa(n)
	}
	return id
}

func jsonContent(s *Schema) map[string]MediaType {
	return map[string]MediaType{"application/json": {Schema: s}}
}

// toOpenAPIPath converts gin's :name and *name segments to {name}; a path
// already in OpenAPI syntax is returned unchanged.
func toOpenAPIPath(p string) string {
	if !strings.ContainsAny(p, ":*") {
		return p
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if len(s) > 1 && (s[0] == ':' || s[0] == '*') {
			segs[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(segs, "/")
}

// pathParams lists the {name} parameters of an OpenAPI path in order.
func pathParams(p string) []string {
	var out []string
	for s := range strings.SplitSeq(p, "/") {
		if len(s) > 2 && s[0] == '{' && s[len(s)-1] == '}' {
			out = append(out, s[1:len(s)-1])
		}
	}
	return out
}

var methodOrder = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"}

func methodRank(m string) int {
	if i := slices.Index(methodOrder, strings.ToUpper(m)); i >= 0 {
		return i
	}
	return len(methodOrder)
}
