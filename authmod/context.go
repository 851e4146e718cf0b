package authmod

import (
	"context"

	"github.com/gin-gonic/gin"
)

// userCtxKey is the context.Context key of the authenticated user.
type userCtxKey struct{}

// authValue is what guards store in the request context: the user, and the
// Authenticator that authenticated it (so that stacked guards of the same
// Authenticator authenticate once). One value, one allocation, and no gin
// Keys map: the request context is the single place the user is stored.
type authValue struct {
	user *User
	by   *Authenticator
}

// ContextWithUser returns a copy of ctx carrying u, where [UserFromContext]
// finds it. Guards call it on the request context; tests of handlers can
// call it to fake an authenticated request.
func ContextWithUser(ctx context.Context, u *User) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	return &userContext{Context: ctx, v: authValue{user: u}}
}

// userContext carries an authValue: one allocation per request instead of
// context.WithValue's two (the context and the boxed value).
type userContext struct {
	context.Context
	v authValue
}

// Value returns the authValue for userCtxKey and defers to the parent
// otherwise.
func (c *userContext) Value(key any) any {
	if _, ok := key.(userCtxKey); ok {
		return c.v
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
	v, ok := authValueOf(ctx)
	return v.user, ok && v.user != nil
}

// authValueOf finds the authValue of ctx. A *gin.Context is read through its
// request: gin forwards Value to the request context only when the engine
// sets ContextWithFallback.
func authValueOf(ctx context.Context) (authValue, bool) {
	if c, ok := ctx.(*gin.Context); ok {
		if c == nil || c.Request == nil {
			return authValue{}, false
		}
		ctx = c.Request.Context()
	}
	if ctx == nil {
		return authValue{}, false
	}
	v, ok := ctx.Value(userCtxKey{}).(authValue)
	return v, ok
}

// setUser stores u, authenticated by a, in the request context, where
// UserFromContext finds it.
func setUser(c *gin.Context, u *User, a *Authenticator) {
	c.Request = c.Request.WithContext(&userContext{Context: c.Request.Context(), v: authValue{user: u, by: a}})
}

// authenticatedBy returns the user a authenticated earlier in this request.
func authenticatedBy(c *gin.Context, a *Authenticator) (*User, bool) {
	v, ok := authValueOf(c)
	if !ok || v.by != a || v.user == nil {
		return nil, false
	}
	return v.user, true
}
