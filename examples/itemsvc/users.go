package main

import (
	"context"
	"net/http"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/httpmod"
)

// NewUserRoutes declares GET {API_PREFIX}/users/me: any authenticated,
// active user gets their own identity as the token describes it.
func NewUserRoutes(auth *authmod.Authenticator) httpmod.Routes {
	return httpmod.RoutesFunc(func(r *httpmod.Router) {
		httpmod.Route(r, http.MethodGet, "/users/me", func(ctx context.Context, _ *httpmod.NoInput) (*authmod.User, error) {
			u, _ := authmod.UserFromContext(ctx)
			return u, nil
		}, auth.Require(authmod.AnyUser()),
			httpmod.Doc{Summary: "The current user", Tags: []string{"users"}, Description: "The caller's identity as the access token describes it."})
	})
}
