package openapi

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/m8fx/kit/openapi/openapitest"
)

type itemPath struct {
	ID string `uri:"id" binding:"required,uuid" doc:"The item id"`
}

type listQuery struct {
	Limit   int      `form:"limit,default=20" binding:"min=1,max=100"`
	Search  *string  `form:"q" doc:"Full-text filter"`
	Tags    []string `form:"tag"`
	Cursor  string   `form:"cursor" binding:"required"`
	Ignored string
}

type itemCreate struct {
	Name string `json:"name" binding:"required,max=80"`
}

type item struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

var testRoutes = []Route{
	{"GET", "/api/items/"},
	{"POST", "/api/items/"},
	{"GET", "/api/items/:id"},
	{"DELETE", "/api/items/:id"},
	{"PATCH", "/api/items/:id"},
	{"GET", "/api/files/*path"},
	{"GET", "/api/admin/stats"},
	{"GET", "/api/hidden"},
	{"CONNECT", "/api/tunnel"},
	{"GET", "/metrics"},
}

func generateTestDoc(t *testing.T) (*Document, []Description, map[string]any) {
	t.Helper()
	g := Generator{Info: Info{Title: "Items", Version: "1.0.0"}, Tags: []Tag{{Name: "items", Description: "Catalogue items"}}}
	doc, unmatched := g.Generate(testRoutes, []Description{
		{"GET", "/api/items/", Operation{Summary: "List items", Tags: []string{"items"}, Query: listQuery{},
			Responses: map[int]Response{200: {Description: "The items", Body: []item{}}}}},
		{"POST", "/api/items/", Operation{Summary: "Create an item", Tags: []string{"items"}, Security: bearer, SecuritySchemes: bearerScheme,
			Extensions: map[string]any{"x-m8fx-required-role": "writer"},
			Body:       itemCreate{}, BodyDescription: "The new item",
			Responses: map[int]Response{201: {Body: item{}}, 422: {Body: ErrorBody()}}}},
		{"GET", "/api/items/{id}", Operation{Summary: "Read an item", Tags: []string{"items"}, Security: bearer, SecuritySchemes: bearerScheme,
			PathParams: itemPath{}, Responses: map[int]Response{200: {Body: &item{}}}}},
		{"DELETE", "/api/items/:id", Operation{Summary: "Delete an item", Tags: []string{"items"}, Security: bearer, SecuritySchemes: bearerScheme,
			Extensions: map[string]any{"x-m8fx-required-role": "superadmin"},
			Responses:  map[int]Response{204: {}, 401: {Body: ErrorBody(), Headers: map[string]Header{"WWW-Authenticate": {Description: "The challenge.", Required: true}}}}}},
		// A second description of the same route adds the security.
		{"PATCH", "/api/items/:id", Operation{Summary: "Update an item", Tags: []string{"items"}}},
		{"patch", "/api/items/:id", Operation{Security: bearer, Extensions: map[string]any{"x-m8fx-required-role": "admin"}, Description: "Partial update."}},
		{"GET", "/api/hidden", Operation{Hidden: true}},
		{"GET", "/api/admin/stats", Operation{Tags: []string{"admin"}, OperationID: "stats", Public: true}},
		{"GET", "/api/nowhere", Operation{Summary: "typo"}},
		{"PUT", "/api/items/:id", Operation{Summary: "not registered"}},
	})
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := openapitest.Validate(raw); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return doc, unmatched, m
}

// at walks a decoded JSON value along keys (array indexes as numbers).
func at(t *testing.T, v any, keys ...any) any {
	t.Helper()
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("at %v: %T is not an object", keys, v)
			}
			if v, ok = m[k]; !ok {
				t.Fatalf("at %v: no key %q in %v", keys, k, m)
			}
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				t.Fatalf("at %v: no index %d in %v", keys, k, v)
			}
			v = a[k]
		}
	}
	return v
}

func TestGeneratePathsAndMethods(t *testing.T) {
	doc, _, m := generateTestDoc(t)
	if doc.OpenAPI != "3.1.0" || at(t, m, "openapi") != "3.1.0" || at(t, m, "info", "title") != "Items" {
		t.Fatalf("header: %v %v", m["openapi"], m["info"])
	}
	paths := at(t, m, "paths").(map[string]any)
	var got []string
	for p, item := range paths {
		for method := range item.(map[string]any) {
			got = append(got, method+" "+p)
		}
	}
	want := []string{
		"get /api/items/", "post /api/items/", "get /api/items/{id}", "delete /api/items/{id}",
		"patch /api/items/{id}", "get /api/files/{path}", "get /api/admin/stats", "get /metrics",
	}
	if !sameSet(got, want) {
		t.Fatalf("operations:\n got %v\nwant %v", got, want)
	}
	// An undescribed route is still documented, with a generated id.
	if id := at(t, m, "paths", "/metrics", "get", "operationId"); id != "get_metrics" {
		t.Errorf("operationId %v", id)
	}
	if r := at(t, m, "paths", "/metrics", "get", "responses", "200", "description"); r != "Successful Response" {
		t.Errorf("default response %v", r)
	}
	if id := at(t, m, "paths", "/api/admin/stats", "get", "operationId"); id != "stats" {
		t.Errorf("explicit operationId %v", id)
	}
	// Operations of a path are written in the order get, post, put, patch, delete.
	raw, _ := json.Marshal(doc.Paths["/api/items/{id}"])
	if s := string(raw); strings.Index(s, `"get"`) > strings.Index(s, `"patch"`) || strings.Index(s, `"patch"`) > strings.Index(s, `"delete"`) {
		t.Errorf("method order: %s", s)
	}
	// Tags: declared first, then in order of first use.
	if tags := toJSON(t, doc.Tags); tags != `[{"name":"items","description":"Catalogue items"},{"name":"admin"}]` {
		t.Errorf("tags %s", tags)
	}
}

func TestGenerateParameters(t *testing.T) {
	_, _, m := generateTestDoc(t)
	id := at(t, m, "paths", "/api/items/{id}", "get", "parameters", 0)
	if toJSON(t, id) != `{"description":"The item id","in":"path","name":"id","required":true,"schema":{"format":"uuid","type":"string"}}` {
		t.Errorf("typed path param: %s", toJSON(t, id))
	}
	// Untyped path parameters are required strings.
	for _, p := range []struct{ path, method, name string }{
		{"/api/items/{id}", "delete", "id"}, {"/api/files/{path}", "get", "path"},
	} {
		prm := at(t, m, "paths", p.path, p.method, "parameters", 0)
		if toJSON(t, prm) != `{"in":"path","name":"`+p.name+`","required":true,"schema":{"type":"string"}}` {
			t.Errorf("%s %s: %s", p.method, p.path, toJSON(t, prm))
		}
	}
	q := at(t, m, "paths", "/api/items/", "get", "parameters").([]any)
	want := []string{
		`{"in":"query","name":"limit","schema":{"default":20,"format":"int64","maximum":100,"minimum":1,"type":"integer"}}`,
		`{"description":"Full-text filter","in":"query","name":"q","schema":{"type":"string"}}`,
		`{"in":"query","name":"tag","schema":{"items":{"type":"string"},"type":"array"}}`,
		`{"in":"query","name":"cursor","required":true,"schema":{"type":"string"}}`,
	}
	if len(q) != len(want) {
		t.Fatalf("query params: %s", toJSON(t, q))
	}
	for i := range want {
		if got := toJSON(t, q[i]); got != want[i] {
			t.Errorf("query param %d:\n got %s\nwant %s", i, got, want[i])
		}
	}
}

func TestGenerateBodiesAndResponses(t *testing.T) {
	_, _, m := generateTestDoc(t)
	body := at(t, m, "paths", "/api/items/", "post", "requestBody")
	if toJSON(t, body) != `{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/itemCreate"}}},"description":"The new item","required":true}` {
		t.Errorf("request body %s", toJSON(t, body))
	}
	created := at(t, m, "paths", "/api/items/", "post", "responses", "201")
	if toJSON(t, created) != `{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/item"}}},"description":"Created"}` {
		t.Errorf("201 %s", toJSON(t, created))
	}
	list := at(t, m, "paths", "/api/items/", "get", "responses", "200", "content", "application/json", "schema")
	if toJSON(t, list) != `{"items":{"$ref":"#/components/schemas/item"},"type":"array"}` {
		t.Errorf("list schema %s", toJSON(t, list))
	}
	if d := at(t, m, "paths", "/api/items/{id}", "delete", "responses", "204"); toJSON(t, d) != `{"description":"No Content"}` {
		t.Errorf("204 %s", toJSON(t, d))
	}
	if ref := at(t, m, "paths", "/api/items/", "post", "responses", "422", "content", "application/json", "schema", "$ref"); ref != "#/components/schemas/HTTPError" {
		t.Errorf("422 %v", ref)
	}
	schemas := at(t, m, "components", "schemas").(map[string]any)
	for _, name := range []string{"item", "itemCreate", "HTTPError"} {
		if _, ok := schemas[name]; !ok {
			t.Errorf("component %s missing", name)
		}
	}
}

// bearer and bearerScheme are what a guard (authmod) adds to an operation.
var (
	bearer       = []SecurityReq{{"bearerAuth": {}}}
	bearerScheme = map[string]SecurityScheme{"bearerAuth": {Type: "http", Scheme: "bearer", BearerFormat: "JWT"}}
)

func TestGenerateSecurity(t *testing.T) {
	_, _, m := generateTestDoc(t)
	scheme := at(t, m, "components", "securitySchemes", "bearerAuth")
	if toJSON(t, scheme) != `{"bearerFormat":"JWT","scheme":"bearer","type":"http"}` {
		t.Errorf("scheme %s", toJSON(t, scheme))
	}
	for _, tc := range []struct{ method, path, role string }{
		{"get", "/api/items/{id}", ""},
		{"post", "/api/items/", "writer"},
		{"patch", "/api/items/{id}", "admin"},
		{"delete", "/api/items/{id}", "superadmin"},
	} {
		op := at(t, m, "paths", tc.path, tc.method).(map[string]any)
		if toJSON(t, op["security"]) != `[{"bearerAuth":[]}]` {
			t.Errorf("%s %s: security %v", tc.method, tc.path, op["security"])
		}
		if r, _ := op["x-m8fx-required-role"].(string); r != tc.role {
			t.Errorf("%s %s: role extension %q, want %q", tc.method, tc.path, r, tc.role)
		}
	}
	// Response headers are written with a string schema by default.
	h := at(t, m, "paths", "/api/items/{id}", "delete", "responses", "401", "headers", "WWW-Authenticate")
	if toJSON(t, h) != `{"description":"The challenge.","required":true,"schema":{"type":"string"}}` {
		t.Errorf("401 header %s", toJSON(t, h))
	}
	// Public operations say so with an empty requirement; undescribed ones
	// say nothing.
	if sec, ok := at(t, m, "paths", "/api/admin/stats", "get").(map[string]any)["security"]; !ok || toJSON(t, sec) != `[]` {
		t.Errorf("public operation security %v (present %v)", sec, ok)
	}
	if _, ok := at(t, m, "paths", "/api/items/", "get").(map[string]any)["security"]; ok {
		t.Error("an operation without requirements has security")
	}
}

func TestGenerateWithoutGuardsHasNoSecurityScheme(t *testing.T) {
	doc, _ := Generator{}.Generate([]Route{{"GET", "/a"}}, nil)
	if doc.Components != nil {
		t.Fatalf("components %+v", doc.Components)
	}
	if doc.Info.Title != "API" || doc.Info.Version != "0.0.0" {
		t.Errorf("default info %+v", doc.Info)
	}
	raw, _ := json.Marshal(doc)
	if err := openapitest.Validate(raw); err != nil {
		t.Fatal(err)
	}
	empty, _ := Generator{}.Generate(nil, nil)
	if raw, _ := json.Marshal(empty); !strings.Contains(string(raw), `"paths":{}`) {
		t.Errorf("empty document %s", raw)
	}
}

func TestGenerateUnmatched(t *testing.T) {
	_, unmatched, _ := generateTestDoc(t)
	var got []string
	for _, u := range unmatched {
		got = append(got, u.Method+" "+u.Path)
	}
	if want := []string{"GET /api/nowhere", "PUT /api/items/{id}"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("unmatched %v, want %v", got, want)
	}
}

func TestGenerateOperationIDsAreUnique(t *testing.T) {
	doc, _ := Generator{}.Generate([]Route{{"GET", "/a-b"}, {"GET", "/a_b"}, {"GET", "/a/b"}}, nil)
	seen := map[string]bool{}
	for _, p := range []string{"/a-b", "/a_b", "/a/b"} {
		item := doc.Paths[p]
		id := item.Operation("GET").OperationID
		if seen[id] {
			t.Errorf("duplicate operationId %s", id)
		}
		seen[id] = true
	}
}

func TestPathConversion(t *testing.T) {
	for in, want := range map[string]string{
		"/api/items/:id":         "/api/items/{id}",
		"/api/items/{id}":        "/api/items/{id}",
		"/files/*filepath":       "/files/{filepath}",
		"/a/:x/b/:y":             "/a/{x}/b/{y}",
		"/plain/":                "/plain/",
		"/time:now":              "/time:now",
		"/api/items/:id/history": "/api/items/{id}/history",
	} {
		if got := toOpenAPIPath(in); got != want {
			t.Errorf("toOpenAPIPath(%q) = %q, want %q", in, got, want)
		}
	}
	if got := pathParams("/a/{x}/b/{y}/{}"); !reflect.DeepEqual(got, []string{"x", "y"}) {
		t.Errorf("pathParams %v", got)
	}
}

func TestOperationMerge(t *testing.T) {
	a := Operation{Summary: "A", Tags: []string{"x"}, Body: 1, Responses: map[int]Response{200: {Description: "ok"}, 404: {}}}
	b := Operation{Description: "B", Security: bearer, Extensions: map[string]any{"x-a": 1}, Deprecated: true, Responses: map[int]Response{200: {Description: "better"}}}
	got := a.Merge(b)
	if got.Summary != "A" || got.Description != "B" || len(got.Security) != 1 || got.Extensions["x-a"] != 1 || !got.Deprecated ||
		!reflect.DeepEqual(got.Tags, []string{"x"}) || got.Body != 1 ||
		got.Responses[200].Description != "better" || len(got.Responses) != 2 {
		t.Fatalf("merge %+v", got)
	}
	if len(a.Responses) != 2 || a.Responses[200].Description != "ok" {
		t.Fatal("merge changed its receiver")
	}
	if !(Operation{}).Merge(Operation{Public: true}).Public {
		t.Fatal("Public does not accumulate")
	}
}

func TestPathItemOperation(t *testing.T) {
	var p PathItem
	for _, m := range methodOrder {
		*p.slot(m) = &OperationObject{Summary: m}
	}
	for _, m := range methodOrder {
		if p.Operation(m).Summary != m {
			t.Errorf("%s", m)
		}
	}
	if p.Operation("CONNECT") != nil || p.slot("CONNECT") != nil {
		t.Error("CONNECT")
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		seen[s]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestGenerateDefinesTheErrorSchemaWhenReferenced(t *testing.T) {
	nested := &Schema{Type: Types{"array"}, Items: ErrorBody()}
	doc, _ := Generator{}.Generate([]Route{{"GET", "/a"}}, []Description{
		{"GET", "/a", Operation{Responses: map[int]Response{400: {Body: nested}}}},
	})
	if doc.Components == nil || doc.Components.Schemas[ErrorSchemaName] == nil {
		t.Fatalf("components %+v", doc.Components)
	}
	raw, _ := json.Marshal(doc)
	if err := openapitest.Validate(raw); err != nil {
		t.Fatal(err)
	}
}
