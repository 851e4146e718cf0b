package authmod_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"go.uber.org/fx"

	"github.com/m8fx/kit/authmod"
)

// A service adds its own role to the hierarchy by decorating it in the fx
// graph; every guard of the app then knows the role.
func ExampleRoleHierarchy_With() {
	app := fx.New(
		fx.NopLogger,
		fx.Provide(authmod.DefaultRoleHierarchy), // authmod.Module provides it
		fx.Decorate(func(h authmod.RoleHierarchy) authmod.RoleHierarchy {
			return h.With("auditor", 25) // between reader (20) and writer (30)
		}),
		fx.Invoke(func(h authmod.RoleHierarchy) {
			fmt.Println(h.Roles())
			fmt.Println("auditor passes RequireReader:", h.AtLeast("auditor", authmod.RoleReader))
			fmt.Println("auditor passes RequireWriter:", h.AtLeast("auditor", authmod.RoleWriter))
		}),
	)
	if err := app.Err(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// [user reader auditor writer admin superadmin]
	// auditor passes RequireReader: true
	// auditor passes RequireWriter: false
}

// A guard on a gin route, without fx: a validator for HS256 tokens, no
// revocation (stateless mode), and an admin-only route.
func ExampleAuthenticator_RequireAdmin() {
	gin.SetMode(gin.ReleaseMode)
	secret := []byte("example-only-secret-0123456789abcdef")
	v, err := authmod.NewValidator(authmod.ValidatorConfig{
		Algorithm:             "HS256",
		HMACSecret:            secret,
		Issuer:                "https://auth.example.com",
		Audience:              "item-service",
		RequireIssuerAudience: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	auth, err := authmod.NewAuthenticator(authmod.AuthenticatorParams{
		Validator:  v,
		Revocation: authmod.NoRevocation{},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	r := gin.New()
	r.DELETE("/items/:id", auth.RequireAdmin(), func(c *gin.Context) {
		user := authmod.MustCurrentUser(c)
		c.JSON(http.StatusOK, gin.H{"deleted": c.Param("id"), "by": user.Email})
	})

	// mint signs a token the way fa-auth-m8 does (tests would use
	// fxtest_helpers.NewIssuer).
	mint := func(role authmod.Role, active bool) string {
		now := time.Now()
		tok, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
			"sub": uuid.NewString(), "type": "access", "role": string(role), "is_active": active,
			"email": string(role) + "@example.com", "jti": uuid.NewString(),
			"iss": "https://auth.example.com", "aud": "item-service",
			"iat": now.Unix(), "exp": now.Add(15 * time.Minute).Unix(),
		}).SignedString(secret)
		return tok
	}

	for _, authorization := range []string{
		"",
		"Bearer not-a-token",
		"Bearer " + mint(authmod.RoleWriter, true),
		"Bearer " + mint(authmod.RoleAdmin, false),
		"Bearer " + mint(authmod.RoleAdmin, true),
	} {
		req := httptest.NewRequest(http.MethodDelete, "/items/42", nil)
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		fmt.Println(rec.Code, rec.Body.String())
	}
	// Output:
	// 401 {"detail":"Not authenticated"}
	// 401 {"detail":"Could not validate credentials"}
	// 403 {"detail":"The user doesn't have enough privileges"}
	// 403 {"detail":"Inactive user"}
	// 200 {"by":"admin@example.com","deleted":"42"}
}
