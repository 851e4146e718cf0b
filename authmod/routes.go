package authmod

import (
	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/httpmod/openapi"
)

// Access says who may call a route registered with [Authenticator.Handle].
type Access struct {
	min       Role
	superuser bool
}

// AnyUser admits every authenticated, active user (the [Authenticator.RequireUser] guard).
func AnyUser() Access { return Access{min: RoleUser} }

// AtLeast admits active users whose role ranks at least min in the role
// hierarchy (the [Authenticator.RequireRole] guard).
func AtLeast(min Role) Access { return Access{min: min} }

// Superuser admits active users with role superadmin and is_superuser (the
// [Authenticator.RequireSuperuser] guard).
func Superuser() Access { return Access{superuser: true} }

// guard returns the guard handler of access.
func (a *Authenticator) guardFor(access Access) gin.HandlerFunc {
	switch {
	case access.superuser:
		return a.RequireSuperuser()
	case access.min == "" || access.min == RoleUser:
		return a.RequireUser()
	default:
		return a.RequireRole(access.min)
	}
}

// operation is what access adds to the route's OpenAPI description.
func (access Access) operation() openapi.Operation {
	switch {
	case access.superuser:
		return openapi.Operation{Superuser: true}
	case access.min == "" || access.min == RoleUser:
		return openapi.Operation{Security: true}
	default:
		return openapi.Operation{Role: string(access.min)}
	}
}

// Handle registers handlers for method and relPath on r behind the guard of
// access and, when the app serves API docs, describes the route's bearer
// security and required role in the OpenAPI document, so that the document
// cannot drift from the guard:
//
//	auth.Handle(g, http.MethodPost, "/", authmod.AtLeast(authmod.RoleWriter), h.create)
//
// is g.POST("/", auth.RequireWriter(), h.create) plus its description. A
// service's own description of the route (summary, body, responses) merges
// with it. Like RequireRole, an unknown role panics at registration.
func (a *Authenticator) Handle(r gin.IRouter, method, relPath string, access Access, handlers ...gin.HandlerFunc) {
	r.Handle(method, relPath, append([]gin.HandlerFunc{a.guardFor(access)}, handlers...)...)
	if a.docs != nil {
		a.docs.DescribeIn(r, method, relPath, access.operation())
	}
}
