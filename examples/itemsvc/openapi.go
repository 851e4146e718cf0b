package main

import (
	"go.uber.org/fx"

	"github.com/m8fx/kit/docsmod"
	"github.com/m8fx/kit/openapi"
)

// openAPIConfig gives the generated OpenAPI document ({API_PREFIX}/openapi.json,
// shown at /docs and /redoc) the service's description and tag order. Every
// route documents itself in its declaration.
func openAPIConfig() fx.Option {
	return fx.Decorate(func(c docsmod.Config) docsmod.Config {
		c.Info.Description = "The m8fx example service: a small item catalogue behind the central auth service's tokens."
		c.Tags = append(c.Tags,
			openapi.Tag{Name: "items", Description: "The item catalogue: any user reads, writers create, owners and admins change, admins delete."},
			openapi.Tag{Name: "users", Description: "The caller's identity."},
			openapi.Tag{Name: "service", Description: "About the service."},
		)
		return c
	})
}
