package main

import (
	"go.uber.org/fx"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/httpmod/openapi"
)

// openAPIDescriptions enrich the generated OpenAPI document
// ({API_PREFIX}/openapi.json, shown at /docs and /redoc): the service's
// description and tags (this is the one DocsConfig decorator of the service:
// fx decorates a type once) and the /info and /users/me routes. The item
// routes are described in items_openapi.go. Guarded routes are registered
// with authmod.Authenticator.Handle, which writes their security itself.
func openAPIDescriptions() fx.Option {
	return fx.Options(
		fx.Decorate(func(c httpmod.DocsConfig) httpmod.DocsConfig {
			c.Info.Description = "The m8fx example service: a small item catalogue behind the central auth service's tokens."
			c.Tags = append(c.Tags,
				openapi.Tag{Name: "items", Description: "The item catalogue: any user reads, writers create, admins delete."},
				openapi.Tag{Name: "users", Description: "The caller's identity."},
				openapi.Tag{Name: "service", Description: "About the service."},
			)
			return c
		}),
		httpmod.Describe("GET", "/info", openapi.Operation{
			Summary:     "Service information",
			Description: "The service's name and version and the m8fx version it runs on.",
			Tags:        []string{"service"},
			Responses:   map[int]openapi.Response{200: {Description: "The service information", Body: InfoResponse{}}},
		}),
		httpmod.Describe("GET", "/users/me", openapi.Operation{
			Summary:     "The current user",
			Description: "The caller's identity as the access token describes it.",
			Tags:        []string{"users"},
			Responses:   map[int]openapi.Response{200: {Description: "The caller", Body: authmod.User{}}},
		}),
	)
}
