package main

import (
	"go.uber.org/fx"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/httpmod/openapi"
)

// itemsOpenAPI documents the item routes in the generated OpenAPI document.
// Their security (bearer token, required role) comes from the guards
// themselves: the routes are registered with authmod.Authenticator.Handle.
// (The "items" tag needs no definition; openapi.go's DocsConfig decorator is
// the one place to add tag descriptions, since a type is decorated once.)
func itemsOpenAPI() fx.Option {
	invalid := openapi.Response{Description: "Invalid input: the field and what is wrong", Body: ValidationErrorBody{}}
	notFound := openapi.Response{Description: "No item with this id", Body: httpmod.ErrorBody{}}
	return fx.Options(
		httpmod.Describe("GET", "/items/", openapi.Operation{
			Summary:     "List items",
			Description: "A page of items, newest first, and the total number of items.",
			Tags:        []string{"items"},
			Query:       Paging{},
			Responses:   map[int]openapi.Response{200: {Description: "A page of items", Body: ItemsPage{}}, 422: invalid},
		}),
		httpmod.Describe("POST", "/items/", openapi.Operation{
			Summary:     "Create an item",
			Description: "The item is owned by the caller (the token's subject).",
			Tags:        []string{"items"},
			Body:        ItemCreate{},
			Responses:   map[int]openapi.Response{201: {Description: "The new item", Body: Item{}}, 422: invalid},
		}),
		httpmod.Describe("GET", "/items/:id", openapi.Operation{
			Summary:    "Read an item",
			Tags:       []string{"items"},
			PathParams: ItemID{},
			Responses:  map[int]openapi.Response{200: {Description: "The item", Body: Item{}}, 404: notFound, 422: invalid},
		}),
		httpmod.Describe("DELETE", "/items/:id", openapi.Operation{
			Summary:    "Delete an item",
			Tags:       []string{"items"},
			PathParams: ItemID{},
			Responses:  map[int]openapi.Response{200: {Description: "The id of the deleted item", Body: Deleted{}}, 404: notFound, 422: invalid},
		}),
		httpmod.Describe("POST", "/items/purge", openapi.Operation{
			Summary:     "Delete every item",
			Description: "Superusers only (role superadmin and is_superuser).",
			Tags:        []string{"items"},
			Responses:   map[int]openapi.Response{200: {Description: "How many items were deleted", Body: Deleted{}}},
		}),
	)
}
