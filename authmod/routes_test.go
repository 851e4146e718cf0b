package authmod_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/openapi"
)

// TestHandleGuardsAndDocuments: routes registered with Handle are guarded
// like the Require* guards and appear in the OpenAPI document with bearer
// security and their required role.
func TestHandleGuardsAndDocuments(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	ok := func(c *gin.Context) { c.Status(http.StatusNoContent) }
	routes := func(a *authmod.Authenticator) httpmod.Routes {
		return httpmod.RoutesFunc(func(r gin.IRouter) {
			g := r.Group("/things")
			a.Handle(g, http.MethodGet, "/", authmod.AnyUser(), ok)
			a.Handle(g, http.MethodPost, "/", authmod.AtLeast(authmod.RoleWriter), ok)
			a.Handle(g, http.MethodDelete, "/:id", authmod.Superuser(), ok)
		})
	}
	app := fxtest_helpers.New(t, fxtest_helpers.WithEnv(is.Env()),
		fxtest_helpers.WithOptions(fx.Provide(httpmod.AsRoutes(routes))))

	user, writer, super := is.Token(), is.Token(fxtest_helpers.WithRole(authmod.RoleWriter)), is.Token(fxtest_helpers.WithSuperuser())
	for _, tc := range []struct {
		method, path, token string
		want                int
	}{
		{"GET", "/api/things/", "", 401},
		{"GET", "/api/things/", user, 204},
		{"POST", "/api/things/", user, 403},
		{"POST", "/api/things/", writer, 204},
		{"DELETE", "/api/things/7", writer, 403},
		{"DELETE", "/api/things/7", super, 204},
	} {
		req := httptest.NewRequest(tc.method, tc.path, nil)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		if got := app.Do(req).Code; got != tc.want {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, got, tc.want)
		}
	}

	rec := app.Get("/api/openapi.json")
	var doc struct {
		Paths map[string]map[string]struct {
			Security []map[string][]string `json:"security"`
			Role     string                `json:"x-m8fx-required-role"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ method, path, role string }{
		{"get", "/api/things/", ""},
		{"post", "/api/things/", "writer"},
		{"delete", "/api/things/{id}", "superadmin"},
	} {
		op, found := doc.Paths[tc.path][tc.method]
		if !found || len(op.Security) == 0 || op.Security[0][openapi.BearerSchemeName] == nil {
			t.Errorf("%s %s: no bearer security in the document: %+v", tc.method, tc.path, op)
			continue
		}
		if tc.role != "" && op.Role != tc.role {
			t.Errorf("%s %s: required role %q, want %q", tc.method, tc.path, op.Role, tc.role)
		}
	}
}

// TestHandleWithoutDocs: an Authenticator built without docs still guards.
func TestHandleWithoutDocs(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	cfg := authmod.ValidatorConfig{Algorithm: "HS256", HMACSecret: is.Secret(), Issuer: is.IssuerURL(), Audience: is.Audience(), RequireIssuerAudience: true}
	v, err := authmod.NewValidator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	a := mustAuthenticator(t, authmod.AuthenticatorParams{Validator: v, Revocation: authmod.NoRevocation{}})
	e := gin.New()
	a.Handle(e, http.MethodGet, "/x", authmod.AtLeast(authmod.RoleAdmin), func(c *gin.Context) { c.Status(http.StatusNoContent) })
	for token, want := range map[string]int{is.Token(): 403, is.Token(fxtest_helpers.WithRole(authmod.RoleAdmin)): 204} {
		req := httptest.NewRequest(http.MethodGet, "/x", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("status %d, want %d", rec.Code, want)
		}
	}
}
