package authmod

import (
	"context"

	"github.com/gin-gonic/gin"
)

// ginUserKey is the gin context key under which guards store the *User.
const ginUserKey = "m8fx.authmod.user"

// userCtxKey is the context.Context key for the *User.
type userCtxKey struct{}

// ContextWithUser returns a copy of ctx carrying u. Guards call it on the
// request context; tests of handlers that read [UserFromContext] can call it
// to fake an authenticated request.
func ContextWithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userCtxKey{}, u)
}

// UserFromContext returns the user a guard authenticated for the request
// whose context is ctx (c.Request.Context() in a gin handler, or any context
// derived from it in code called by the handler).
func UserFromContext(ctx context.Context) (*User, bool) {
	if ctx == nil {
		return nil, false
	}
	u, ok := ctx.Value(userCtxKey{}).(*User)
	return u, ok && u != nil
}

// CurrentUser returns the user a guard authenticated for this request. It is
// false when no guard ran before the handler.
func CurrentUser(c *gin.Context) (*User, bool) {
	if c == nil {
		return nil, false
	}
	if v, ok := c.Get(ginUserKey); ok {
		if u, ok := v.(*User); ok && u != nil {
			return u, true
		}
	}
	if c.Request != nil {
		return UserFromContext(c.Request.Context())
	}
	return nil, false
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

// setUser stores u where CurrentUser and UserFromContext find it.
func setUser(c *gin.Context, u *User) {
	c.Set(ginUserKey, u)
	c.Request = c.Request.WithContext(ContextWithUser(c.Request.Context(), u))
}
