package main

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/httpmod"
)

// NewUserRoutes mounts GET {API_PREFIX}/users/me: any authenticated, active
// user gets their own identity as the token describes it.
func NewUserRoutes(auth *authmod.Authenticator) httpmod.Routes {
	return httpmod.RoutesFunc(func(r gin.IRouter) {
		auth.Handle(r, http.MethodGet, "/users/me", authmod.AnyUser(), func(c *gin.Context) {
			c.JSON(http.StatusOK, authmod.MustCurrentUser(c))
		})
	})
}
