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
// Keys map: the request context is the single place handlers and plain code
// read the user from.
type authValue struct {
	user *User
	by   *Authenticator
}

// ContextWithUser returns a copy of ctx carrying u. Guards call it on the
// request context; tests of handlers that read [UserFromContext] can call it
// to fake an authenticated request.
func ContextWithUser(ctx context.Context, u *User) context.Context {
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

// UserFromContext returns the user a guard authenticated for the request
// whose context is ctx (c.Request.Context() in a gin handler, or any context
// derived from it in code called by the handler).
func UserFromContext(ctx context.Context) (*User, bool) {
	if ctx == nil {
		return nil, false
	}
	v, ok := ctx.Value(userCtxKey{}).(authValue)
	return v.user, ok && v.user != nil
}

// CurrentUser returns the user a guard authenticated for this request. It is
// false when no guard ran before the handler.
func CurrentUser(c *gin.Context) (*User, bool) {
	if c == nil || c.Request == nil {
		return nil, false
	}
	return UserFromContext(c.Request.Context())
}

// MustCurrentUser is [CurrentUser] for handlers that are always behind a
// guard. It panics when no user is present, which is a wiring mistake (the
// route lost its guard); the kit's recovery middleware answers 500 and never
// serves the handler unauthenticated.
func MustCurrentUser(c *gin.Context) *User {
	u, ok := CurrentUser(c)
	if !ok {
		panic("authmod: MustCurrentUser called on a route without an auth guard")
	}
	return u
}

// setUser stores u, authenticated by a, where CurrentUser and
// UserFromContext find it.
func setUser(c *gin.Context, u *User, a *Authenticator) {
	c.Request = c.Request.WithContext(&userContext{Context: c.Request.Context(), v: authValue{user: u, by: a}})
}

// authenticatedBy returns the user a authenticated earlier in this request.
func authenticatedBy(c *gin.Context, a *Authenticator) (*User, bool) {
	v, ok := c.Request.Context().Value(userCtxKey{}).(authValue)
	if !ok || v.by != a || v.user == nil {
		return nil, false
	}
	return v.user, true
}
