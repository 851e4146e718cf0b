package authmod_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/fxtest_helpers"
)

// TestContextWithUser: the put/get pair, on plain contexts.
func TestContextWithUser(t *testing.T) {
	u := &authmod.User{Email: "ada@example.test"}
	type otherKey struct{}
	parent := context.WithValue(context.Background(), otherKey{}, "kept")
	ctx := authmod.ContextWithUser(parent, u)
	if got, ok := authmod.UserFromContext(ctx); !ok || got != u {
		t.Fatalf("UserFromContext = %v, %v", got, ok)
	}
	if ctx.Value(otherKey{}) != "kept" {
		t.Fatal("the parent's values are lost")
	}
	derived, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if got, ok := authmod.UserFromContext(derived); !ok || got != u {
		t.Fatal("a derived context lost the user")
	}
	inner := &authmod.User{Email: "inner@example.test"}
	if got, _ := authmod.UserFromContext(authmod.ContextWithUser(ctx, inner)); got != inner {
		t.Fatal("the innermost user must win")
	}
	if _, ok := authmod.UserFromContext(authmod.ContextWithUser(context.Background(), nil)); ok {
		t.Fatal("a nil user is no user")
	}
	//lint:ignore SA1012 a nil parent on purpose: it becomes context.Background()
	nilParent := authmod.ContextWithUser(nil, u)
	if got, ok := authmod.UserFromContext(nilParent); !ok || got != u || nilParent.Value(otherKey{}) != nil {
		t.Fatal("ContextWithUser(nil, u)")
	}
}

// TestUserFromGinContext: behind a guard, a raw gin handler finds the user
// in the *gin.Context with or without the engine's ContextWithFallback, and
// in contexts derived from the request context; with the fallback on, also
// in contexts derived from the *gin.Context itself.
func TestUserFromGinContext(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	a := mustAuthenticator(t, authmod.AuthenticatorParams{Validator: hsValidator(t, is), Revocation: authmod.NoRevocation{}})
	for _, fallback := range []bool{false, true} {
		e := gin.New()
		e.ContextWithFallback = fallback
		e.GET("/me", ginGuard(a, authmod.AnyUser()), func(c *gin.Context) {
			u, ok := authmod.UserFromContext(c)
			if !ok {
				c.String(http.StatusInternalServerError, "no user in the gin context")
				return
			}
			derived, cancel := context.WithCancel(c.Request.Context())
			defer cancel()
			if du, ok := authmod.UserFromContext(derived); !ok || du != u {
				c.String(http.StatusInternalServerError, "no user in a context derived from the request")
				return
			}
			if fallback {
				fromGin, cancel := context.WithCancel(c)
				defer cancel()
				if gu, ok := authmod.UserFromContext(fromGin); !ok || gu != u {
					c.String(http.StatusInternalServerError, "no user in a context derived from the gin context")
					return
				}
			}
			if cu, ok := authmod.UserFromContext(c.Copy()); !ok || cu != u {
				c.String(http.StatusInternalServerError, "no user in a copy of the gin context")
				return
			}
			c.String(http.StatusOK, string(u.Role))
		})
		req := httptest.NewRequest(http.MethodGet, "/me", nil)
		req.Header.Set("Authorization", fxtest_helpers.Bearer(is.Token(fxtest_helpers.TokenRole(authmod.RoleWriter))))
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || rec.Body.String() != "writer" {
			t.Errorf("ContextWithFallback=%v: %d %s", fallback, rec.Code, rec.Body)
		}
	}
}
