package openapi

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

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

// noteCreate has a rule with a runtime limit.
type noteCreate struct {
	Text string   `json:"text" validate:"min=1,max_of=note_len"`
	Tags []string `json:"tags,omitempty" validate:"max=5,dive,max_of=tag_len"`
}

// searchInput is a typed route's input: path, query and header parameters
// and a JSON body.
type searchInput struct {
	ID     uuid.UUID  `path:"id" doc:"The item id"`
	Limit  int        `query:"limit" default:"20" validate:"min=1,max=100"`
	Q      *string    `query:"q" validate:"omitnil,max=80" doc:"Full-text filter"`
	Sort   string     `query:"sort" validate:"oneof=name created"`
	Dry    bool       `query:"dry" default:"false"`
	Tenant string     `header:"X-Tenant" pattern:"^[a-z]+$"`
	Trace  *string    `header:"X-Trace"`
	Body   noteCreate // required: not a pointer
}

// uploadInput has an optional body and no parameters.
type uploadInput struct {
	Body *itemCreate
}

var (
	bearerReq    = SecurityReq{"bearerAuth": {}}
	apiKeyReq    = SecurityReq{"apiKey": {}}
	bearerScheme = SecurityScheme{Type: "http", Scheme: "bearer", BearerFormat: "JWT", Description: "An access token."}
	apiKeyScheme = SecurityScheme{Type: "apiKey", In: "header", Name: "X-API-Key"}
)

var testRoutes = []Route{
	{"GET", "/api/items/"},
	{"POST", "/api/items/"},
	{"GET", "/api/items/:id"},
	{"DELETE", "/api/items/:id"},
	{"PATCH", "/api/items/:id"},
	{"GET", "/api/files/*path"},
	{"GET", "/api/admin/stats"},
	{"GET", "/api/hidden"},
	{"POST", "/api/search/:id"},
	{"POST", "/api/uploads/"},
	{"CONNECT", "/api/tunnel"},
	{"GET", "/metrics"},
}

var testLimits = map[string]int64{"note_len": 500, "tag_len": 32}

func testDescriptions() []Description {
	return []Description{
		{"GET", "/api/items/", Operation{
			Summary: "List items", Tags: []string{"items"}, Query: listQuery{}, Public: true,
			Responses: map[int]Response{200: {Description: "The items", Body: []item{}, Headers: map[string]Header{
				"X-Total-Count": {Description: "Items in all pages", Schema: &Schema{Type: Types{"integer"}}, Required: true},
				"Link":          {},
			}}},
		}},
		{"POST", "/api/items/", Operation{
			Summary: "Create an item", Tags: []string{"items"},
			Security: []SecurityReq{bearerReq}, SecuritySchemes: map[string]SecurityScheme{"bearerAuth": bearerScheme},
			Extensions: map[string]any{"x-m8fx-required-role": "writer"},
			Body:       itemCreate{}, BodyDescription: "The new item",
			Responses: map[int]Response{201: {Body: item{}}, 401: {Body: ErrorBody()}, 422: {Body: ValidationErrorBody()}},
		}},
		// Two alternative requirements, each with its scheme.
		{"GET", "/api/items/{id}", Operation{
			Summary: "Read an item", Tags: []string{"items"},
			Security:        []SecurityReq{bearerReq, apiKeyReq},
			SecuritySchemes: map[string]SecurityScheme{"bearerAuth": bearerScheme, "apiKey": apiKeyScheme},
			PathParams:      itemPath{}, Responses: map[int]Response{200: {Body: &item{}}},
		}},
		// Neither security nor Public: the document's default applies.
		{"DELETE", "/api/items/:id", Operation{Summary: "Delete an item", Tags: []string{"items"},
			Responses: map[int]Response{204: {}}}},
		// A second description of the same route adds the security.
		{"PATCH", "/api/items/:id", Operation{Summary: "Update an item", Tags: []string{"items"}}},
		{"patch", "/api/items/:id", Operation{
			Description: "Partial update.", Security: []SecurityReq{bearerReq},
			SecuritySchemes: map[string]SecurityScheme{"bearerAuth": bearerScheme},
			Extensions:      map[string]any{"x-m8fx-owner": true},
		}},
		{"GET", "/api/files/*path", Operation{Responses: map[int]Response{200: {
			Description: "The file", MediaType: "application/octet-stream", Body: &Schema{Type: Types{"string"}, Format: "binary"},
			Headers: map[string]Header{"Content-Disposition": {Description: "The file name"}},
		}}}},
		{"GET", "/api/hidden", Operation{Hidden: true}},
		{"GET", "/api/admin/stats", Operation{Tags: []string{"admin"}, OperationID: "stats",
			Extensions: map[string]any{"x-m8fx-required-role": "superadmin", "x-internal": true}}},
		{"POST", "/api/search/:id", Operation{Summary: "Search", Tags: []string{"search"}, Input: searchInput{},
			BodyDescription: "The note",
			Responses:       map[int]Response{200: {Body: []item{}}, 422: {Body: ValidationErrorBody()}}}},
		{"POST", "/api/uploads/", Operation{Input: reflect.TypeFor[uploadInput](), Public: true}},
		{"GET", "/api/nowhere", Operation{Summary: "typo"}},
		{"PUT", "/api/items/:id", Operation{Summary: "not registered"}},
	}
}

func generateTestDoc(t *testing.T) (*Document, []Description, map[string]any) {
	t.Helper()
	g := Generator{
		Info: Info{Title: "Items", Version: "1.0.0"},
		Tags: []Tag{{Name: "items", Description: "Catalogue items"}},
		Limits: func(name string) (int64, bool) {
			v, ok := testLimits[name]
			return v, ok
		},
	}
	doc, unmatched := g.Generate(testRoutes, testDescriptions())
	return doc, unmatched, validDocument(t, doc)
}

// validDocument marshals doc, checks it against the official OpenAPI 3.1
// schema and returns it decoded.
func validDocument(t *testing.T, doc *Document) map[string]any {
	t.Helper()
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
	return m
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
		"patch /api/items/{id}", "get /api/files/{path}", "get /api/admin/stats", "post /api/search/{id}",
		"post /api/uploads/", "get /metrics",
	}
	if !sameSet(got, want) {
		t.Fatalf("operations:\n got %v\nwant %v", got, want)
	}
	for _, tc := range []struct{ path, method, key, want string }{
		// An undescribed route is still documented, with a generated id.
		{"/metrics", "get", "operationId", "get_metrics"},
		{"/api/search/{id}", "post", "operationId", "post_api_search_id"},
		{"/api/admin/stats", "get", "operationId", "stats"},
	} {
		if got := at(t, m, "paths", tc.path, tc.method, tc.key); got != tc.want {
			t.Errorf("%s %s %s = %v, want %v", tc.method, tc.path, tc.key, got, tc.want)
		}
	}
	if r := at(t, m, "paths", "/metrics", "get", "responses", "200", "description"); r != "Successful Response" {
		t.Errorf("default response %v", r)
	}
	// Operations of a path are written in the order get, post, put, patch, delete.
	raw, _ := json.Marshal(doc.Paths["/api/items/{id}"])
	if s := string(raw); strings.Index(s, `"get"`) > strings.Index(s, `"patch"`) || strings.Index(s, `"patch"`) > strings.Index(s, `"delete"`) {
		t.Errorf("method order: %s", s)
	}
	// Tags: declared first, then in order of first use (paths sorted).
	if tags := toJSON(t, doc.Tags); tags != `[{"name":"items","description":"Catalogue items"},{"name":"admin"},{"name":"search"}]` {
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
	// A route without parameters has no parameters member.
	if op := at(t, m, "paths", "/api/uploads/", "post").(map[string]any); op["parameters"] != nil {
		t.Errorf("uploads parameters %v", op["parameters"])
	}
}

func TestGenerateInputParameters(t *testing.T) {
	_, _, m := generateTestDoc(t)
	params := at(t, m, "paths", "/api/search/{id}", "post", "parameters").([]any)
	// The path parameters first, then the others in field order.
	want := []string{
		`{"description":"The item id","in":"path","name":"id","required":true,"schema":{"format":"uuid","type":"string"}}`,
		`{"in":"query","name":"limit","schema":{"default":20,"format":"int64","maximum":100,"minimum":1,"type":"integer"}}`,
		`{"description":"Full-text filter","in":"query","name":"q","schema":{"maxLength":80,"type":"string"}}`,
		`{"in":"query","name":"sort","required":true,"schema":{"enum":["name","created"],"type":"string"}}`,
		`{"in":"query","name":"dry","schema":{"default":false,"type":"boolean"}}`,
		`{"in":"header","name":"X-Tenant","required":true,"schema":{"pattern":"^[a-z]+$","type":"string"}}`,
		`{"in":"header","name":"X-Trace","schema":{"type":"string"}}`,
	}
	if len(params) != len(want) {
		t.Fatalf("parameters: %s", toJSON(t, params))
	}
	for i := range want {
		if got := toJSON(t, params[i]); got != want[i] {
			t.Errorf("parameter %d:\n got %s\nwant %s", i, got, want[i])
		}
	}
}

func TestGenerateRequestBodies(t *testing.T) {
	_, _, m := generateTestDoc(t)
	for _, tc := range []struct {
		name, path, method, want string
	}{
		{"Body of a plain route", "/api/items/", "post",
			`{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/itemCreate"}}},"description":"The new item","required":true}`},
		{"Input with a value Body: required", "/api/search/{id}", "post",
			`{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/noteCreate"}}},"description":"The note","required":true}`},
		{"Input with a pointer Body: optional", "/api/uploads/", "post",
			`{"content":{"application/json":{"schema":{"anyOf":[{"$ref":"#/components/schemas/itemCreate"},{"type":"null"}]}}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := toJSON(t, at(t, m, "paths", tc.path, tc.method, "requestBody")); got != tc.want {
				t.Errorf("\n got %s\nwant %s", got, tc.want)
			}
		})
	}
	for _, tc := range []struct{ path, method string }{{"/api/items/", "get"}, {"/metrics", "get"}, {"/api/items/{id}", "delete"}} {
		if op := at(t, m, "paths", tc.path, tc.method).(map[string]any); op["requestBody"] != nil {
			t.Errorf("%s %s has a request body", tc.method, tc.path)
		}
	}
}

func TestGenerateLimits(t *testing.T) {
	note := func(t *testing.T, limits func(string) (int64, bool)) string {
		t.Helper()
		doc, _ := Generator{Limits: limits}.Generate([]Route{{"POST", "/notes"}},
			[]Description{{"POST", "/notes", Operation{Body: noteCreate{}}}})
		validDocument(t, doc)
		return toJSON(t, doc.Components.Schemas["noteCreate"])
	}
	for _, tc := range []struct {
		name   string
		limits func(string) (int64, bool)
		want   string
	}{
		{"resolved", func(n string) (int64, bool) { v, ok := testLimits[n]; return v, ok },
			`{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string","maxLength":32},"maxItems":5},` +
				`"text":{"type":"string","minLength":1,"maxLength":500}},"required":["text"]}`},
		{"unknown names add no keyword", func(string) (int64, bool) { return 0, false },
			`{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string"},"maxItems":5},` +
				`"text":{"type":"string","minLength":1}},"required":["text"]}`},
		{"no limits", nil,
			`{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string"},"maxItems":5},` +
				`"text":{"type":"string","minLength":1}},"required":["text"]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := note(t, tc.limits); got != tc.want {
				t.Errorf("\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestGenerateResponses(t *testing.T) {
	_, _, m := generateTestDoc(t)
	for _, tc := range []struct {
		name, path, method, status, want string
	}{
		{"a Go type, description from the status", "/api/items/", "post", "201",
			`{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/item"}}},"description":"Created"}`},
		{"a list with headers (schema string by default)", "/api/items/", "get", "200",
			`{"content":{"application/json":{"schema":{"items":{"$ref":"#/components/schemas/item"},"type":"array"}}},"description":"The items",` +
				`"headers":{"Link":{"schema":{"type":"string"}},"X-Total-Count":{"description":"Items in all pages","required":true,"schema":{"type":"integer"}}}}`},
		{"a pointer is nullable", "/api/items/{id}", "get", "200",
			`{"content":{"application/json":{"schema":{"anyOf":[{"$ref":"#/components/schemas/item"},{"type":"null"}]}}},"description":"OK"}`},
		{"no body", "/api/items/{id}", "delete", "204", `{"description":"No Content"}`},
		{"another media type", "/api/files/{path}", "get", "200",
			`{"content":{"application/octet-stream":{"schema":{"format":"binary","type":"string"}}},"description":"The file",` +
				`"headers":{"Content-Disposition":{"description":"The file name","schema":{"type":"string"}}}}`},
		{"the kit's error body", "/api/items/", "post", "401",
			`{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/HTTPError"}}},"description":"Unauthorized"}`},
		{"the kit's 422 body", "/api/items/", "post", "422",
			`{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/HTTPValidationError"}}},"description":"Unprocessable Entity"}`},
		{"no responses: 200 without a body", "/api/uploads/", "post", "200", `{"description":"Successful Response"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := toJSON(t, at(t, m, "paths", tc.path, tc.method, "responses", tc.status)); got != tc.want {
				t.Errorf("\n got %s\nwant %s", got, tc.want)
			}
		})
	}
	// A status without a text gets a generic description.
	doc, _ := Generator{}.Generate([]Route{{"GET", "/a"}}, []Description{{"GET", "/a", Operation{Responses: map[int]Response{299: {}}}}})
	if d := doc.Paths["/a"].Get.Responses["299"].Description; d != "Response" {
		t.Errorf("299 description %q", d)
	}
	schemas := at(t, m, "components", "schemas").(map[string]any)
	for _, name := range []string{"item", "itemCreate", "noteCreate", ErrorSchemaName, ValidationErrorSchemaName, ValidationProblemSchemaName} {
		if _, ok := schemas[name]; !ok {
			t.Errorf("component %s missing", name)
		}
	}
}

func TestGenerateSecurity(t *testing.T) {
	_, _, m := generateTestDoc(t)
	schemes := at(t, m, "components", "securitySchemes")
	if got := toJSON(t, schemes); got != `{"apiKey":{"in":"header","name":"X-API-Key","type":"apiKey"},`+
		`"bearerAuth":{"bearerFormat":"JWT","description":"An access token.","scheme":"bearer","type":"http"}}` {
		t.Errorf("schemes %s", got)
	}
	for _, tc := range []struct {
		name, method, path string
		security           string // "" = no security member
		extensions         map[string]any
	}{
		{"one requirement and an extension", "post", "/api/items/", `[{"bearerAuth":[]}]`, map[string]any{"x-m8fx-required-role": "writer"}},
		{"alternative requirements", "get", "/api/items/{id}", `[{"bearerAuth":[]},{"apiKey":[]}]`, nil},
		{"added by a second description", "patch", "/api/items/{id}", `[{"bearerAuth":[]}]`, map[string]any{"x-m8fx-owner": true}},
		{"public: explicit empty requirement", "get", "/api/items/", `[]`, nil},
		{"public typed route", "post", "/api/uploads/", `[]`, nil},
		{"undeclared: the document's default", "delete", "/api/items/{id}", "", nil},
		{"extensions without security", "get", "/api/admin/stats", "", map[string]any{"x-m8fx-required-role": "superadmin", "x-internal": true}},
		{"undescribed route", "get", "/metrics", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			op := at(t, m, "paths", tc.path, tc.method).(map[string]any)
			sec, has := op["security"]
			switch {
			case tc.security == "" && has:
				t.Errorf("security %s, want none", toJSON(t, sec))
			case tc.security != "" && (!has || toJSON(t, sec) != tc.security):
				t.Errorf("security %v, want %s", sec, tc.security)
			}
			got := map[string]any{}
			for k, v := range op {
				if strings.HasPrefix(k, "x-") {
					got[k] = v
				}
			}
			if len(got) != len(tc.extensions) || (len(got) > 0 && !reflect.DeepEqual(got, tc.extensions)) {
				t.Errorf("extensions %v, want %v", got, tc.extensions)
			}
			// The generator adds no answers of its own for security.
			if _, ok := op["responses"].(map[string]any)["403"]; ok {
				t.Error("a 403 was added")
			}
		})
	}
	// The merged description is the later one.
	if d := at(t, m, "paths", "/api/items/{id}", "patch", "description"); d != "Partial update." {
		t.Errorf("merged description %q", d)
	}
}

func TestGenerateMinimalDocument(t *testing.T) {
	doc, unmatched := Generator{}.Generate([]Route{{"GET", "/a"}}, nil)
	if doc.Components != nil || len(unmatched) != 0 {
		t.Fatalf("components %+v, unmatched %v", doc.Components, unmatched)
	}
	if doc.Info.Title != "API" || doc.Info.Version != "0.0.0" {
		t.Errorf("default info %+v", doc.Info)
	}
	m := validDocument(t, doc)
	if _, ok := at(t, m, "paths", "/a", "get").(map[string]any)["security"]; ok {
		t.Error("an undescribed route has security")
	}
	empty, _ := Generator{Servers: []Server{{URL: "/"}}}.Generate(nil, nil)
	if raw := toJSON(t, empty); !strings.Contains(raw, `"paths":{}`) || !strings.Contains(raw, `"servers":[{"url":"/"}]`) {
		t.Errorf("empty document %s", raw)
	}
	validDocument(t, empty)
}

// kitProblem is a type that documents itself as the kit's 422 body (as
// httpmod.ValidationError does).
type kitProblem struct{}

func (kitProblem) OpenAPISchema() *Schema { return ValidationErrorBody() }

type wrapsKitProblem struct {
	Problem kitProblem `json:"problem"`
}

func TestGenerateDefinesTheKitSchemasWhenReferenced(t *testing.T) {
	for _, tc := range []struct {
		name    string
		resp    Response
		want    []string
		notWant []string
	}{
		{"nothing referenced", Response{Body: item{}}, []string{"item"},
			[]string{ErrorSchemaName, ValidationErrorSchemaName, ValidationProblemSchemaName}},
		{"ErrorBody nested in a hand-written schema", Response{Body: &Schema{Type: Types{"array"}, Items: ErrorBody()}},
			[]string{ErrorSchemaName}, []string{ValidationErrorSchemaName}},
		{"ValidationErrorBody", Response{Body: ValidationErrorBody()},
			[]string{ValidationErrorSchemaName, ValidationProblemSchemaName}, []string{ErrorSchemaName}},
		{"a SchemaProvider inside a component", Response{Body: wrapsKitProblem{}},
			[]string{"wrapsKitProblem", ValidationErrorSchemaName, ValidationProblemSchemaName}, nil},
		{"both", Response{Body: &Schema{OneOf: []*Schema{ErrorBody(), ValidationErrorBody()}}},
			[]string{ErrorSchemaName, ValidationErrorSchemaName, ValidationProblemSchemaName}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, _ := Generator{}.Generate([]Route{{"GET", "/a"}}, []Description{
				{"GET", "/a", Operation{Responses: map[int]Response{400: tc.resp}}},
			})
			validDocument(t, doc)
			var comps map[string]*Schema
			if doc.Components != nil {
				comps = doc.Components.Schemas
			}
			for _, name := range tc.want {
				if comps[name] == nil {
					t.Errorf("component %s missing: %v", name, comps)
				}
			}
			for _, name := range tc.notWant {
				if comps[name] != nil {
					t.Errorf("component %s defined", name)
				}
			}
		})
	}
}

func TestGenerateValidationErrorComponents(t *testing.T) {
	doc, _ := Generator{}.Generate([]Route{{"POST", "/a"}}, []Description{
		{"POST", "/a", Operation{Responses: map[int]Response{422: {Body: ValidationErrorBody()}}}},
	})
	validDocument(t, doc)
	for name, want := range map[string]string{
		ValidationErrorSchemaName: `{"type":"object","description":"Every problem of an invalid request, in one answer.",` +
			`"properties":{"detail":{"type":"array","items":{"$ref":"#/components/schemas/ValidationError"}}},"required":["detail"]}`,
		ValidationProblemSchemaName: `{"type":"object","description":"One problem of the request: its kind, where it is, and a message.",` +
			`"properties":{"ctx":{"type":"object","description":"The limit that was not met, e.g. {\"max_length\": 255}."},` +
			`"loc":{"type":"array","description":"Where: body, query, path or header, then the field name and array indices.",` +
			`"items":{"anyOf":[{"type":"string"},{"type":"integer"}]}},"msg":{"type":"string","description":"A message for humans."},` +
			`"type":{"type":"string","description":"The kind of problem (pydantic's vocabulary: missing, string_too_long, int_parsing, ...)."}},` +
			`"required":["type","loc","msg"]}`,
	} {
		if got := toJSON(t, doc.Components.Schemas[name]); got != want {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
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
	if unmatched[0].Operation.Summary != "typo" {
		t.Errorf("the unmatched operation is lost: %+v", unmatched[0])
	}
}

func TestGenerateHiddenAndUnknownMethods(t *testing.T) {
	doc, unmatched := Generator{}.Generate(
		[]Route{{"GET", "/h"}, {"POST", "/h"}, {"CONNECT", "/c"}, {"PROPFIND", "/c"}},
		[]Description{{"GET", "/h", Operation{Hidden: true, Tags: []string{"secret"}}}},
	)
	if len(unmatched) != 0 {
		t.Errorf("a hidden route's description is unmatched: %v", unmatched)
	}
	if p := doc.Paths["/h"]; p.Get != nil || p.Post == nil {
		t.Errorf("/h: %+v", p)
	}
	if _, ok := doc.Paths["/c"]; ok {
		t.Error("a path with only unknown methods is written")
	}
	if len(doc.Tags) != 0 {
		t.Errorf("a hidden operation's tags are declared: %v", doc.Tags)
	}
	validDocument(t, doc)
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

func TestMethodRank(t *testing.T) {
	for i, m := range methodOrder {
		if methodRank(m) != i || methodRank(strings.ToLower(m)) != i {
			t.Errorf("%s", m)
		}
	}
	if methodRank("CONNECT") != len(methodOrder) {
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
