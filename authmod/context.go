package authmod

import (
	"context"

	"github.com/gin-gonic/gin"
)

// userCtxKey is the context.Context key of the authenticated user.
type userCtxKey struct{}

// ContextWithUser returns a copy of ctx carrying u, where [UserFromContext]
// finds it. Guards call it on the request context; tests of handlers can
// call it to fake an authenticated request.
func ContextWithUser(ctx context.Context, u *User) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	return &userContext{Context: ctx, user: u}
}

// userContext is what guards put in the request context: the user, and the
// Authenticator that authenticated it (so that stacked guards of the same
// Authenticator authenticate once). A guard stores the request's own copy
// of the user in own, so the whole value is one allocation per request,
// and there is no gin Keys map: the request context is the single place the
// user is stored.
type userContext struct {
	context.Context
	user *User
	by   *Authenticator
	own  User
	// claims are the verified claims the guard read (private to the
	// package), and fresh whether their revocation answer bypassed the
	// positive cache, so that a privileged guard stacked after another asks
	// again only when needed.
	claims *Claims
	fresh  bool
	// key is the owner of the API key an API-key guard admitted (user is
	// nil then).
	key *APIKeyPrincipal
}

// Value returns c itself for userCtxKey (no boxing) and defers to the
// parent otherwise.
func (c *userContext) Value(key any) any {
	if _, ok := key.(userCtxKey); ok {
		return c
	}
	return c.Context.Value(key)
}

// UserFromContext returns the user a guard authenticated for the request,
// and false when no guard ran (or ctx is nil). ctx is any of:
//
//   - the context.Context of a typed httpmod handler;
//   - the *gin.Context of a raw gin handler behind a guard's GuardHandler
//     (whatever the engine's ContextWithFallback);
//   - c.Request.Context(), or any context derived from it, in code the
//     handler calls.
func UserFromContext(ctx context.Context) (*User, bool) {
	uc := userContextOf(ctx)
	if uc == nil || uc.user == nil {
		return nil, false
	}
	return uc.user, true
}

// userContextOf finds the userContext of ctx (nil when there is none). A
// *gin.Context is read through its request: gin forwards Value to the
// request context only when the engine sets ContextWithFallback.
func userContextOf(ctx context.Context) *userContext {
	if c, ok := ctx.(*gin.Context); ok {
		if c == nil || c.Request == nil {
			return nil
		}
		ctx = c.Request.Context()
	}
	if ctx == nil {
		return nil
	}
	uc, _ := ctx.Value(userCtxKey{}).(*userContext)
	return uc
}

// setUser stores a copy of u, authenticated by a, in the request context,
// where UserFromContext finds it: the handler's *User is the request's own,
// whatever the guard shares between requests.
func setUser(c *gin.Context, u *User, claims *Claims, fresh bool, a *Authenticator) {
	uc := &userContext{Context: c.Request.Context(), by: a, own: *u, claims: claims, fresh: fresh}
	uc.user = &uc.own
	c.Request = c.Request.WithContext(uc)
}
