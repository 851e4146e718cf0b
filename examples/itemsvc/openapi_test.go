package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/openapi"
	"github.com/m8fx/kit/openapi/openapitest"
)

// TestOpenAPIDocument: the service's document is valid OpenAPI 3.1 and
// describes its routes with their schemas and guards.
func TestOpenAPIDocument(t *testing.T) {
	app := fxtest_helpers.New(t,
		fxtest_helpers.WithSetting("PROJECT_NAME", "Item Service"),
		fxtest_helpers.WithSQLite(), fxtest_helpers.WithOptions(serviceOptions()...),
	)
	rec := app.Get("/api/openapi.json")
	if rec.Code != http.StatusOK {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if err := openapitest.Validate(rec.Body.Bytes()); err != nil {
		t.Fatal(err)
	}
	var doc openapi.Document
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Info.Title != "Item Service" || doc.Info.Description == "" {
		t.Errorf("info %+v", doc.Info)
	}
	op := func(method, path string) *openapi.OperationObject {
		t.Helper()
		item := doc.Paths[path]
		o := item.Operation(method)
		if o == nil {
			t.Fatalf("%s %s is not in the document", method, path)
		}
		return o
	}
	schemaRef := func(o *openapi.OperationObject, status string) string {
		t.Helper()
		r, ok := o.Responses[status]
		if !ok || r.Content["application/json"].Schema == nil {
			t.Fatalf("%s: no %s JSON response", o.OperationID, status)
		}
		return r.Content["application/json"].Schema.Ref
	}

	if info := op("GET", "/api/info"); info.Summary == "" || schemaRef(info, "200") != "#/components/schemas/InfoResponse" {
		t.Errorf("info %+v", info)
	}
	me := op("GET", "/api/users/me")
	if len(me.Security) != 1 || schemaRef(me, "200") != "#/components/schemas/User" || schemaRef(me, "401") == "" {
		t.Errorf("users/me %+v", me)
	}

	// The items routes, their guards and schemas.
	for _, tc := range []struct{ method, path, role string }{
		{"GET", "/api/items", ""},
		{"POST", "/api/items", "writer"},
		{"GET", "/api/items/{id}", ""},
		{"PATCH", "/api/items/{id}", "admin"},
		{"DELETE", "/api/items/{id}", "admin"},
		{"POST", "/api/items/purge", "superadmin"},
	} {
		o := op(tc.method, tc.path)
		role, _ := o.Extensions[authmod.ExtensionRequiredRole].(string)
		if o.Summary == "" || len(o.Security) != 1 || role != tc.role || !strings.Contains(strings.Join(o.Tags, ","), "items") {
			t.Errorf("%s %s: summary %q security %v role %q tags %v", tc.method, tc.path, o.Summary, o.Security, role, o.Tags)
		}
		if _, ok := o.Responses["403"]; !ok {
			t.Errorf("%s %s: no 403", tc.method, tc.path)
		}
	}
	create := op("POST", "/api/items")
	if create.RequestBody == nil || create.RequestBody.Content["application/json"].Schema.Ref != "#/components/schemas/ItemCreate" ||
		schemaRef(create, "201") != "#/components/schemas/Item" {
		t.Errorf("create %+v", create)
	}
	if p := op("GET", "/api/items/{id}").Parameters; len(p) != 1 || p[0].Name != "id" || p[0].Schema.Type[0] != "integer" {
		t.Errorf("item id parameter %+v", p)
	}
	if ref := schemaRef(op("GET", "/api/items/{id}"), "404"); ref != "#/components/schemas/HTTPError" {
		t.Errorf("404 body %s", ref)
	}
	var query []string
	for _, p := range op("GET", "/api/items").Parameters {
		query = append(query, p.In+":"+p.Name)
	}
	if strings.Join(query, ",") != "query:limit,query:offset,query:q" {
		t.Errorf("list query %v", query)
	}
	item, itemCreate := doc.Components.Schemas["Item"], doc.Components.Schemas["ItemCreate"]
	if item == nil || item.Properties["owner_id"].Format != "uuid" || item.Properties["created_at"].Format != "date-time" {
		t.Errorf("Item schema %+v", item)
	}
	if _, leaked := item.Properties["BaseModel"]; leaked {
		t.Error("bun.BaseModel leaked into the Item schema")
	}
	if itemCreate == nil || itemCreate.Properties["name"].MaxLength == nil || *itemCreate.Properties["name"].MaxLength != 255 ||
		strings.Join(itemCreate.Required, ",") != "name" {
		t.Errorf("ItemCreate schema %+v", itemCreate)
	}
	if doc.Tags[0].Name != "items" || doc.Tags[0].Description == "" {
		t.Errorf("tags %+v", doc.Tags)
	}
}
