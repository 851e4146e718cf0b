package authmod

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.uber.org/zap"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/openapi"
)

// BearerSchemeName is the bearer security scheme of guarded operations in
// the OpenAPI document.
const BearerSchemeName = "bearerAuth"

// The operation extensions a guard writes, for tools that read the
// document: the minimum role, the accepted roles, and whether the owner of
// the resource is admitted too.
const (
	ExtensionRequiredRole = "x-m8fx-required-role"
	ExtensionAnyRole      = "x-m8fx-any-role"
	ExtensionOwner        = "x-m8fx-owner"
)

// Access says who may call a route guarded with [Authenticator.Require]:
// [AnyUser], [AtLeast], [AnyOf], [Superuser] or [OwnerOr]. The zero Access
// admits no one (its guard fails the route's declaration).
type Access struct {
	anyUser   bool
	min       Role
	anyOf     []Role
	superuser bool
	owner     func(ctx context.Context, in any) (uuid.UUID, error)
	input     reflect.Type
}

// AnyUser admits every authenticated, active user whose role is known to
// the hierarchy, whatever its rank.
func AnyUser() Access { return Access{anyUser: true} }

// AtLeast admits active users whose role ranks at least min in the role
// hierarchy.
func AtLeast(min Role) Access { return Access{min: min} }

// AnyOf admits active users whose role is exactly one of roles (no
// hierarchy: AnyOf(RoleEditor) does not admit an admin).
func AnyOf(roles ...Role) Access { return Access{anyOf: slices.Clone(roles)} }

// Superuser admits active users with role superadmin (or higher) and
// is_superuser.
func Superuser() Access { return Access{superuser: true} }

// OwnerOr admits the owner of the resource a typed route's input names, or
// a user whose role ranks at least min. owner returns the owner's user id
// from the bound, validated input (usually by loading the resource); its
// error is answered as the route's (httpmod.Error(404, ...) for a resource
// that does not exist). Other users get 403 "The user doesn't have enough
// privileges". The route's input type must be In.
//
//	auth.Require(authmod.OwnerOr(func(ctx context.Context, in *NotePatch) (uuid.UUID, error) {
//		return notes.Owner(ctx, in.ID)
//	}, authmod.RoleEditor))
func OwnerOr[In any](owner func(ctx context.Context, in *In) (uuid.UUID, error), min Role) Access {
	return Access{
		min:   min,
		input: reflect.TypeFor[*In](),
		owner: func(ctx context.Context, in any) (uuid.UUID, error) {
			typed, ok := in.(*In)
			if !ok {
				return uuid.Nil, fmt.Errorf("authmod: owner check got %T, want %T", in, typed)
			}
			return owner(ctx, typed)
		},
	}
}

// Require returns the guard of access. It is a route option of
// httpmod.Route and httpmod.Handle: it authenticates the request before the
// input is bound (401 without or with an invalid token, 403 for an inactive
// user or a role not admitted, 503 with Retry-After when keys or revocation
// are unavailable) and documents the route's bearer security, its required
// role and those answers. A role unknown to the hierarchy fails the route's
// declaration (so the app's start) with one line.
//
//	httpmod.Route(r, http.MethodPost, "/items/", h.create, auth.Require(authmod.AtLeast(authmod.RoleWriter)))
//
// On a raw gin route, use the guard's gin handler; the handler reads the
// user with [UserFromContext](c):
//
//	r.DELETE("/items/:id", auth.Require(authmod.AtLeast(authmod.RoleAdmin)).GuardHandler(), deleteItem)
//
// There, an access the hierarchy cannot satisfy (an unknown role) answers
// every request with 500 and logs the mistake at error level: it never
// admits anyone. So does an [OwnerOr] access, which needs a typed route (its
// input names the resource).
func (a *Authenticator) Require(access Access) httpmod.Guard {
	g := &guard{auth: a, access: access}
	g.err = a.checkAccess(access)
	if g.err == nil {
		g.handler = a.guard(a.rule(access), a.privileged(access))
	} else {
		g.handler = a.misconfigured(g.err)
	}
	if access.owner != nil {
		return &ownerGuard{guard: g, raw: a.misconfigured(errOwnerOnRawRoute)}
	}
	return g
}

// errOwnerOnRawRoute is the mistake of an OwnerOr guard on a raw gin route.
var errOwnerOnRawRoute = errors.New("authmod: an OwnerOr access needs a typed httpmod route (its input names the resource)")

// misconfigured is the gin handler of a guard whose access cannot be
// satisfied: it refuses every request with 500, logging why.
func (a *Authenticator) misconfigured(err error) gin.HandlerFunc {
	return func(c *gin.Context) {
		a.log.Error("route guard misconfigured; request refused",
			zap.Error(err), zap.String("method", c.Request.Method), zap.String("path", c.Request.URL.Path))
		abortMisconfigured(c)
	}
}

// checkAccess refuses roles the hierarchy does not know.
func (a *Authenticator) checkAccess(access Access) error {
	roles := slices.Clone(access.anyOf)
	switch {
	case access.anyUser:
		return nil
	case access.superuser:
		roles = append(roles, RoleSuperadmin)
	case len(access.anyOf) == 0 && access.min != "":
		roles = append(roles, access.min)
	case len(access.anyOf) == 0:
		return errors.New("authmod: an access without a role")
	}
	for _, r := range roles {
		if !a.hierarchy.Known(r) {
			return fmt.Errorf("authmod: role %q is not in the role hierarchy %v", r, a.hierarchy.Roles())
		}
	}
	return nil
}

// privileged reports whether access is for writers and above (a minimum
// of writer or more, the superuser, or exact roles of which one ranks
// writer or more), so that its guard skips the positive revocation cache,
// as fa-auth-m8's guards do.
func (a *Authenticator) privileged(access Access) bool {
	switch {
	case access.anyUser:
		return false
	case access.superuser:
		return true
	case len(access.anyOf) > 0:
		for _, r := range access.anyOf {
			if a.hierarchy.AtLeast(r, RoleWriter) {
				return true
			}
		}
		return false
	}
	return access.min != "" && a.hierarchy.AtLeast(access.min, RoleWriter)
}

// rule is the check of access after authentication; an owner access
// admits every known role here and decides in Authorize.
func (a *Authenticator) rule(access Access) func(*User) Reason {
	switch {
	case access.superuser:
		return func(u *User) Reason {
			if !a.hierarchy.AtLeast(u.Role, RoleSuperadmin) {
				return "insufficient_role"
			}
			if !u.IsSuperuser {
				return "not_superuser"
			}
			return ""
		}
	case len(access.anyOf) > 0:
		return func(u *User) Reason {
			if !slices.Contains(access.anyOf, u.Role) {
				return "role_not_admitted"
			}
			return ""
		}
	case access.anyUser || access.owner != nil || access.min == RoleUser:
		return func(u *User) Reason {
			if !a.hierarchy.Known(u.Role) {
				return "unknown_role"
			}
			return ""
		}
	default:
		return func(u *User) Reason {
			if !a.hierarchy.AtLeast(u.Role, access.min) {
				return "insufficient_role"
			}
			return ""
		}
	}
}

// guard is the httpmod.Guard of an Access.
type guard struct {
	auth    *Authenticator
	access  Access
	handler gin.HandlerFunc
	err     error
}

func (g *guard) ConfigureRoute(c *httpmod.RouteConfig) {
	if g.err != nil {
		c.Fail(g.err)
		return
	}
	c.Guards = append(c.Guards, g)
}

func (g *guard) GuardHandler() gin.HandlerFunc { return g.handler }

// GuardDoc documents the bearer security, the rule in words and as an
// extension, and the guard's answers: 401 with WWW-Authenticate, 403, and
// 503 with Retry-After when the authenticator can be unavailable.
func (g *guard) GuardDoc() openapi.Operation {
	access := g.access
	ext := map[string]any{}
	var rule string
	switch {
	case access.superuser:
		ext[ExtensionRequiredRole] = string(RoleSuperadmin)
		rule = "an active superuser (role `superadmin` and `is_superuser=true`)"
	case len(access.anyOf) > 0:
		names := make([]string, len(access.anyOf))
		for i, r := range access.anyOf {
			names[i] = string(r)
		}
		ext[ExtensionAnyRole] = names
		rule = "an active user whose role is one of `" + strings.Join(names, "`, `") + "`"
	case access.owner != nil:
		ext[ExtensionRequiredRole] = string(access.min)
		ext[ExtensionOwner] = true
		rule = "the owner of the resource, or an active user with role `" + string(access.min) + "` or higher"
	case access.anyUser || access.min == RoleUser:
		rule = "an active user"
	default:
		ext[ExtensionRequiredRole] = string(access.min)
		rule = "an active user with role `" + string(access.min) + "` or higher"
	}
	errBody := httpmod.ErrorBody{}
	responses := map[int]openapi.Response{
		http.StatusUnauthorized: {
			Description: "Missing, invalid, expired or revoked token",
			Body:        errBody,
			Headers:     map[string]openapi.Header{"WWW-Authenticate": {Description: "The bearer challenge.", Required: true}},
		},
		http.StatusForbidden: {Description: "Inactive user, or the user doesn't have enough privileges", Body: errBody},
	}
	if g.auth.mayBeUnavailable() {
		responses[http.StatusServiceUnavailable] = openapi.Response{
			Description: "Authentication temporarily unavailable (signing keys or revocation service)",
			Body:        errBody,
			Headers:     map[string]openapi.Header{"Retry-After": {Description: "Seconds to wait before retrying.", Required: true, Schema: &openapi.Schema{Type: openapi.Types{"integer"}}}},
		}
	}
	if len(ext) == 0 {
		ext = nil
	}
	return openapi.Operation{
		Description: "**Authorization:** a bearer token (`Authorization: Bearer <JWT>`) of " + rule + ".",
		Security:    []openapi.SecurityReq{{BearerSchemeName: {}}},
		SecuritySchemes: map[string]openapi.SecurityScheme{BearerSchemeName: {
			Type: "http", Scheme: "bearer", BearerFormat: "JWT",
			Description: "An access token of the central auth service: `Authorization: Bearer <JWT>`.",
		}},
		Extensions: ext,
		Responses:  responses,
	}
}

// ownerGuard is a guard that decides with the route's input. The guard
// Require returns has raw set: used on a raw gin route (where there is no
// input to decide with) it refuses every request. ConfigureRoute registers
// a copy without raw, whose handler admits every known role and leaves the
// decision to Authorize.
type ownerGuard struct {
	*guard
	raw gin.HandlerFunc
}

func (g *ownerGuard) ConfigureRoute(c *httpmod.RouteConfig) {
	if g.err != nil {
		c.Fail(g.err)
		return
	}
	c.Guards = append(c.Guards, &ownerGuard{guard: g.guard})
}

func (g *ownerGuard) GuardHandler() gin.HandlerFunc {
	if g.raw != nil {
		return g.raw
	}
	return g.handler
}

func (g *ownerGuard) InputType() reflect.Type { return g.access.input }

// Authorize admits a user of the minimum role at once, else the owner.
func (g *ownerGuard) Authorize(ctx context.Context, in any) error {
	u, ok := UserFromContext(ctx)
	if !ok {
		return errors.New("authmod: owner check without an authenticated user")
	}
	if g.auth.hierarchy.AtLeast(u.Role, g.access.min) {
		return nil
	}
	owner, err := g.access.owner(ctx, in)
	if err != nil {
		return err
	}
	if owner == u.ID {
		return nil
	}
	if g.auth.observer != nil {
		g.auth.observer.AuthFailed("not_owner")
	}
	return httpmod.Error(http.StatusForbidden, DetailNotEnoughPrivilege)
}

// mayBeUnavailable reports whether a guard can answer 503: the keys come
// from a JWKS, or revocation is asked of the auth service.
func (a *Authenticator) mayBeUnavailable() bool {
	if _, stateless := a.revocation.(NoRevocation); !stateless {
		return true
	}
	j, ok := a.validator.(interface{ UsesJWKS() bool })
	return !ok || j.UsesJWKS()
}
