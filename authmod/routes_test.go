package authmod_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/openapi"
)

type thingRef struct {
	ID int64 `path:"id" validate:"min=1"`
}

type thing struct {
	ID int64 `json:"id"`
}

// guardedThings declares typed routes behind every kind of access on a
// plain gin engine and returns it with its route table. The thing of id N
// is owned by owners[N].
func guardedThings(t *testing.T, a *authmod.Authenticator, owners map[int64]uuid.UUID) (*gin.Engine, *httpmod.RouteTable) {
	t.Helper()
	e := gin.New()
	table := httpmod.NewRouteTable(httpmod.RouteTableConfig{})
	r := httpmod.NewRouter(e.Group("/api"), table)
	get := func(_ context.Context, in *thingRef) (*thing, error) { return &thing{ID: in.ID}, nil }
	owner := func(_ context.Context, in *thingRef) (uuid.UUID, error) {
		id, ok := owners[in.ID]
		if !ok {
			return uuid.Nil, httpmod.Error(http.StatusNotFound, "Thing not found")
		}
		return id, nil
	}
	httpmod.Route(r, http.MethodGet, "/any/:id", get, a.Require(authmod.AnyUser()))
	httpmod.Route(r, http.MethodGet, "/writer/:id", get, a.Require(authmod.AtLeast(authmod.RoleWriter)))
	httpmod.Route(r, http.MethodGet, "/readers-or-admins/:id", get, a.Require(authmod.AnyOf(authmod.RoleReader, authmod.RoleAdmin)))
	httpmod.Route(r, http.MethodGet, "/super/:id", get, a.Require(authmod.Superuser()))
	httpmod.Route(r, http.MethodGet, "/owned/:id", get, a.Require(authmod.OwnerOr(owner, authmod.RoleAdmin)),
		httpmod.Responds(http.StatusNotFound, "No such thing", nil))
	httpmod.Route(r, http.MethodGet, "/public", func(context.Context, *httpmod.NoInput) (*thing, error) { return &thing{}, nil })
	if err := table.Err(); err != nil {
		t.Fatal(err)
	}
	return e, table
}

func TestRequireGuardsTypedRoutes(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	a := mustAuthenticator(t, authmod.AuthenticatorParams{Validator: hsValidator(t, is), Revocation: authmod.NoRevocation{}})
	ownerID := uuid.New()
	e, _ := guardedThings(t, a, map[int64]uuid.UUID{1: ownerID, 2: uuid.New()})
	user := is.Token()
	owner := is.Token(fxtest_helpers.TokenSubject(ownerID.String()))
	reader := is.Token(fxtest_helpers.TokenRole(authmod.RoleReader))
	writer := is.Token(fxtest_helpers.TokenRole(authmod.RoleWriter))
	admin := is.Token(fxtest_helpers.TokenRole(authmod.RoleAdmin))
	super := is.Token(fxtest_helpers.TokenSuperuser())
	forbidden := `{"detail":"The user doesn't have enough privileges"}`
	tests := []struct {
		path, token string
		want        int
		body        string
	}{
		{"/api/any/1", "", 401, `{"detail":"Not authenticated"}`},
		{"/api/any/0", "", 401, ""}, // the guard answers before the input is checked
		{"/api/any/0", user, 422, ""},
		{"/api/any/1", user, 200, ""},
		{"/api/writer/1", user, 403, forbidden},
		{"/api/writer/1", writer, 200, ""},
		{"/api/writer/1", admin, 200, ""},
		{"/api/readers-or-admins/1", reader, 200, ""},
		{"/api/readers-or-admins/1", admin, 200, ""},
		{"/api/readers-or-admins/1", writer, 403, forbidden}, // no hierarchy: writer is not listed
		{"/api/readers-or-admins/1", super, 403, forbidden},
		{"/api/super/1", admin, 403, forbidden},
		{"/api/super/1", super, 200, ""},
		{"/api/owned/1", owner, 200, ""},
		{"/api/owned/2", owner, 403, forbidden},
		{"/api/owned/2", admin, 200, ""},
		{"/api/owned/9", user, 404, `{"detail":"Thing not found"}`},
		{"/api/owned/1", "", 401, ""},
		{"/api/public", "", 200, ""},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, tt.path, nil)
		if tt.token != "" {
			req.Header.Set("Authorization", "Bearer "+tt.token)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != tt.want || (tt.body != "" && rec.Body.String() != tt.body) {
			t.Errorf("GET %s: %d %s, want %d %s", tt.path, rec.Code, rec.Body, tt.want, tt.body)
		}
	}
}

func TestRequireDocumentsTheGuard(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	stateless := mustAuthenticator(t, authmod.AuthenticatorParams{Validator: hsValidator(t, is), Revocation: authmod.NoRevocation{}})
	stateful := mustAuthenticator(t, authmod.AuthenticatorParams{Validator: hsValidator(t, is), Revocation: revocationStub{}})
	for _, tc := range []struct {
		name    string
		auth    *authmod.Authenticator
		want503 bool
	}{
		{"stateless HS256 cannot be unavailable", stateless, false},
		{"stateful revocation can answer 503", stateful, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, table := guardedThings(t, tc.auth, nil)
			ops := map[string]openapi.Operation{}
			for _, r := range table.Routes() {
				if !r.HEADOf {
					ops[r.Path] = r.Operation
				}
			}
			for path, want := range map[string]map[string]any{
				"/api/any/:id":               {},
				"/api/writer/:id":            {authmod.ExtensionRequiredRole: "writer"},
				"/api/readers-or-admins/:id": {authmod.ExtensionAnyRole: []string{"reader", "admin"}},
				"/api/super/:id":             {authmod.ExtensionRequiredRole: "superadmin"},
				"/api/owned/:id":             {authmod.ExtensionRequiredRole: "admin", authmod.ExtensionOwner: true},
			} {
				op := ops[path]
				if len(op.Security) != 1 || op.Security[0][authmod.BearerSchemeName] == nil || op.Public {
					t.Errorf("%s: security %+v public %v", path, op.Security, op.Public)
				}
				gotExt, _ := json.Marshal(op.Extensions)
				wantExt, _ := json.Marshal(want)
				if len(want) == 0 {
					wantExt = []byte("null")
				}
				if string(gotExt) != string(wantExt) {
					t.Errorf("%s: extensions %s, want %s", path, gotExt, wantExt)
				}
				if r401, ok := op.Responses[401]; !ok || r401.Headers["WWW-Authenticate"].Description == "" {
					t.Errorf("%s: 401 without WWW-Authenticate: %+v", path, op.Responses[401])
				}
				if _, ok := op.Responses[403]; !ok {
					t.Errorf("%s: no 403", path)
				}
				// Every declared route can answer 503 (its deadline); the guard
				// says so for itself when keys or revocation can be down.
				r503, has503 := op.Responses[503]
				byAuth := strings.Contains(r503.Description, "Authentication temporarily unavailable")
				if !has503 || byAuth != tc.want503 || !r503.Headers["Retry-After"].Required {
					t.Errorf("%s: 503 %+v, want it described by the guard: %v", path, r503, tc.want503)
				}
				if !strings.Contains(op.Description, "**Authorization:**") {
					t.Errorf("%s: the description does not state the rule: %q", path, op.Description)
				}
			}
			if pub := ops["/api/public"]; !pub.Public || len(pub.Security) != 0 {
				t.Errorf("a route without a guard is not public: %+v", pub)
			}
		})
	}
}

func TestRequireUnknownRoleFailsTheDeclaration(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	a := mustAuthenticator(t, authmod.AuthenticatorParams{Validator: hsValidator(t, is), Revocation: authmod.NoRevocation{}})
	for _, access := range []authmod.Access{authmod.AtLeast("editor"), authmod.AnyOf(authmod.RoleReader, "editor")} {
		table := httpmod.NewRouteTable(httpmod.RouteTableConfig{})
		r := httpmod.NewRouter(gin.New().Group("/api"), table)
		httpmod.Route(r, http.MethodGet, "/x", func(context.Context, *httpmod.NoInput) (*thing, error) { return &thing{}, nil }, a.Require(access))
		err := table.Err()
		if err == nil || !strings.Contains(err.Error(), `role "editor" is not in the role hierarchy`) || strings.Contains(err.Error(), "\n") {
			t.Fatalf("error %v", err)
		}
	}
	// A custom role known to a decorated hierarchy is fine.
	custom := mustAuthenticator(t, authmod.AuthenticatorParams{Validator: hsValidator(t, is), Revocation: authmod.NoRevocation{},
		Hierarchy: authmod.DefaultRoleHierarchy().With("editor", 25)})
	table := httpmod.NewRouteTable(httpmod.RouteTableConfig{})
	httpmod.Route(httpmod.NewRouter(gin.New().Group("/api"), table), http.MethodGet, "/x",
		func(context.Context, *httpmod.NoInput) (*thing, error) { return &thing{}, nil }, custom.Require(authmod.AtLeast("editor")))
	if err := table.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestOwnerGuardOnAnotherInputFailsTheDeclaration(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	a := mustAuthenticator(t, authmod.AuthenticatorParams{Validator: hsValidator(t, is), Revocation: authmod.NoRevocation{}})
	table := httpmod.NewRouteTable(httpmod.RouteTableConfig{})
	r := httpmod.NewRouter(gin.New().Group("/api"), table)
	owner := func(context.Context, *thingRef) (uuid.UUID, error) { return uuid.Nil, nil }
	httpmod.Route(r, http.MethodGet, "/x", func(context.Context, *httpmod.NoInput) (*thing, error) { return &thing{}, nil },
		a.Require(authmod.OwnerOr(owner, authmod.RoleAdmin)))
	if err := table.Err(); err == nil || !strings.Contains(err.Error(), "guard for input *authmod_test.thingRef") {
		t.Fatalf("error %v", err)
	}
}

// revocationStub is a stateful checker that admits everything.
type revocationStub struct{}

func (revocationStub) Check(context.Context, *authmod.Claims) error { return nil }

func (revocationStub) Close() error { return nil }
