package authmod_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"go.uber.org/fx"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/httpmod"
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
			fmt.Println("auditor passes AtLeast(reader):", h.AtLeast("auditor", authmod.RoleReader))
			fmt.Println("auditor passes AtLeast(writer):", h.AtLeast("auditor", authmod.RoleWriter))
		}),
	)
	if err := app.Err(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// [user reader auditor writer admin superadmin]
	// auditor passes AtLeast(reader): true
	// auditor passes AtLeast(writer): false
}

// exampleSecret is the HS256 key of the examples.
var exampleSecret = []byte("example-only-secret-0123456789abcdef")

// exampleAuthenticator is an Authenticator without fx: a validator for
// HS256 tokens and no revocation (stateless mode).
func exampleAuthenticator() (*authmod.Authenticator, error) {
	v, err := authmod.NewValidator(authmod.ValidatorConfig{
		Algorithm:             "HS256",
		HMACSecret:            exampleSecret,
		Issuer:                "https://auth.example.com",
		Audience:              "item-service",
		RequireIssuerAudience: true,
	})
	if err != nil {
		return nil, err
	}
	return authmod.NewAuthenticator(authmod.AuthenticatorParams{
		Validator:  v,
		Revocation: authmod.NoRevocation{},
	})
}

// exampleToken signs a token the way fa-auth-m8 does (tests of services use
// fxtest_helpers.NewIssuer instead).
func exampleToken(role authmod.Role, active bool) string {
	now := time.Now()
	tok, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"sub": uuid.NewString(), "type": "access", "role": string(role), "is_active": active,
		"email": string(role) + "@example.com", "jti": uuid.NewString(),
		"iss": "https://auth.example.com", "aud": "item-service",
		"iat": now.Unix(), "exp": now.Add(15 * time.Minute).Unix(),
	}).SignedString(exampleSecret)
	return tok
}

// serve sends one request with an Authorization header and prints the
// answer.
func serve(h http.Handler, method, path, authorization string) {
	req := httptest.NewRequest(method, path, nil)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Body.String())
}

type itemRef struct {
	ID int64 `path:"id" validate:"min=1"`
}

type deleted struct {
	ID int64  `json:"deleted"`
	By string `json:"by"`
}

// The guard of an access is a route option of a typed httpmod route; the
// handler reads the user from its context.
func ExampleAuthenticator_Require() {
	gin.SetMode(gin.ReleaseMode)
	auth, err := exampleAuthenticator()
	if err != nil {
		fmt.Println(err)
		return
	}
	e := gin.New()
	table := httpmod.NewRouteTable(httpmod.RouteTableConfig{})
	r := httpmod.NewRouter(e.Group(""), table)
	httpmod.Route(r, http.MethodDelete, "/items/:id", func(ctx context.Context, in *itemRef) (*deleted, error) {
		user, _ := authmod.UserFromContext(ctx)
		return &deleted{ID: in.ID, By: user.Email}, nil
	}, auth.Require(authmod.AtLeast(authmod.RoleAdmin)))
	if err := table.Err(); err != nil {
		fmt.Println(err)
		return
	}

	for _, authorization := range []string{
		"",
		"Bearer not-a-token",
		"Bearer " + exampleToken(authmod.RoleWriter, true),
		"Bearer " + exampleToken(authmod.RoleAdmin, false),
		"Bearer " + exampleToken(authmod.RoleAdmin, true),
	} {
		serve(e, http.MethodDelete, "/items/42", authorization)
	}
	// Output:
	// 401 {"detail":"Not authenticated"}
	// 401 {"detail":"Could not validate credentials"}
	// 403 {"detail":"The user doesn't have enough privileges"}
	// 403 {"detail":"Inactive user"}
	// 200 {"deleted":42,"by":"admin@example.com"}
}

// On a raw gin route, the same guard is a gin handler; the handler reads
// the user from the *gin.Context.
func ExampleAuthenticator_Require_ginRoute() {
	gin.SetMode(gin.ReleaseMode)
	auth, err := exampleAuthenticator()
	if err != nil {
		fmt.Println(err)
		return
	}
	r := gin.New()
	r.DELETE("/items/:id", auth.Require(authmod.AtLeast(authmod.RoleAdmin)).GuardHandler(), func(c *gin.Context) {
		user, ok := authmod.UserFromContext(c)
		if !ok { // only without a guard
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		c.JSON(http.StatusOK, gin.H{"deleted": c.Param("id"), "by": user.Email})
	})

	serve(r, http.MethodDelete, "/items/42", "")
	serve(r, http.MethodDelete, "/items/42", "Bearer "+exampleToken(authmod.RoleWriter, true))
	serve(r, http.MethodDelete, "/items/42", "Bearer "+exampleToken(authmod.RoleSuperadmin, true))
	// Output:
	// 401 {"detail":"Not authenticated"}
	// 403 {"detail":"The user doesn't have enough privileges"}
	// 200 {"by":"superadmin@example.com","deleted":"42"}
}

// Authenticate checks a bearer token outside of a route, e.g. before a
// websocket upgrade; its errors wrap the package's sentinels.
func ExampleAuthenticator_Authenticate() {
	auth, err := exampleAuthenticator()
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	user, err := auth.Authenticate(ctx, "Bearer "+exampleToken(authmod.RoleReader, true))
	fmt.Println(user.Role, err)
	_, err = auth.Authenticate(ctx, "Bearer "+exampleToken(authmod.RoleReader, false))
	fmt.Println(errors.Is(err, authmod.ErrInactiveUser))
	_, err = auth.Authenticate(ctx, "")
	fmt.Println(errors.Is(err, authmod.ErrNoCredentials))
	// Output:
	// reader <nil>
	// true
	// true
}

// ReasonOf names why a token was refused, for logs and metrics; the error
// itself never contains the token.
func ExampleReasonOf() {
	v, err := authmod.NewValidator(authmod.ValidatorConfig{Algorithm: "HS256", HMACSecret: exampleSecret})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, token := range []string{"", "not-a-token", exampleToken(authmod.RoleUser, true) + "x"} {
		_, err := v.Validate(context.Background(), token)
		fmt.Println(authmod.ReasonOf(err), errors.Is(err, authmod.ErrInvalidToken))
	}
	// Output:
	// missing true
	// malformed true
	// signature true
}

// A test of a handler fakes an authenticated request with ContextWithUser.
func ExampleContextWithUser() {
	ctx := authmod.ContextWithUser(context.Background(), &authmod.User{Email: "ada@example.com", Role: authmod.RoleWriter})
	user, ok := authmod.UserFromContext(ctx)
	fmt.Println(user.Email, user.Role, ok)
	_, ok = authmod.UserFromContext(context.Background())
	fmt.Println(ok)
	// Output:
	// ada@example.com writer true
	// false
}

// The revocation checker of the token mode: stateless tokens are never
// revoked; stateful ones are asked of the auth service.
func ExampleNewRevocationChecker() {
	stateless, err := authmod.NewRevocationChecker(authmod.RevocationConfig{}, false)
	fmt.Printf("%T %v\n", stateless, err)
	stateful, err := authmod.NewRevocationChecker(authmod.RevocationConfig{
		URL:      "http://auth:8000/user/private/v1/jti-status",
		Secret:   "internal-secret",
		FailMode: authmod.FailClosed,
	}, true)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stateful.Close()
	fmt.Printf("%T\n", stateful)
	// Output:
	// authmod.NoRevocation <nil>
	// *authmod.RemoteRevocationClient
}
