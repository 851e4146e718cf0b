package authmod_test

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/settingsmod"
)

// loadSettings loads validated settings from the test base env with the
// given maps merged over it (an empty value unsets an entry).
func loadSettings(t *testing.T, envs ...map[string]string) *settingsmod.Settings {
	t.Helper()
	env := fxtest_helpers.DefaultEnv()
	for _, e := range envs {
		maps.Copy(env, e)
	}
	maps.DeleteFunc(env, func(_, v string) bool { return v == "" })
	s, err := settingsmod.Load(settingsmod.MapSource(env))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// moduleApp is authmod.Module (with healthmod.Module, to see the checks)
// started with settings s and extra options.
type moduleApp struct {
	auth       *authmod.Authenticator
	validator  authmod.TokenValidator
	revocation authmod.RevocationChecker
	runner     *healthmod.Runner
	engine     *gin.Engine
	app        *fxtest.App
}

func startModule(t *testing.T, s *settingsmod.Settings, opts ...fx.Option) *moduleApp {
	t.Helper()
	m := &moduleApp{}
	all := append([]fx.Option{
		fx.NopLogger,
		fx.Supply(s),
		authmod.Module,
		healthmod.Module,
		fx.Populate(&m.auth, &m.validator, &m.revocation, &m.runner),
	}, opts...)
	m.app = fxtest.New(t, all...)
	m.app.RequireStart()
	t.Cleanup(m.app.RequireStop)

	m.engine = gin.New()
	m.engine.GET("/user", ginGuard(m.auth, authmod.AnyUser()), whoAmI)
	m.engine.GET("/admin", ginGuard(m.auth, authmod.AtLeast(authmod.RoleAdmin)), whoAmI)
	if m.auth.Hierarchy().Known("auditor") {
		m.engine.GET("/auditor", ginGuard(m.auth, authmod.AtLeast("auditor")), whoAmI)
	}
	return m
}

func (m *moduleApp) get(path, token string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		req.Header.Set("Authorization", fxtest_helpers.Bearer(token))
	}
	rec := httptest.NewRecorder()
	m.engine.ServeHTTP(rec, req)
	return rec
}

func (m *moduleApp) checkNames() []string {
	var names []string
	for _, r := range m.runner.Run(context.Background()).Checks {
		names = append(names, r.Name)
	}
	return names
}

func TestModuleStatelessHS256(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	m := startModule(t, loadSettings(t, is.Env()))
	if _, ok := m.revocation.(authmod.NoRevocation); !ok {
		t.Fatalf("stateless revocation checker = %T, want NoRevocation", m.revocation)
	}
	if _, ok := m.validator.(*authmod.Validator); !ok {
		t.Fatalf("TokenValidator = %T, want *Validator", m.validator)
	}
	answerOK.check(t, m.get("/user", is.Token()))
	answerForbidden.check(t, m.get("/admin", is.Token()))
	answerNotAuth.check(t, m.get("/user", ""))
	if names := m.checkNames(); len(names) != 0 {
		t.Errorf("checks = %v, want none without a JWKS", names)
	}
}

func TestModuleStatefulJWKS(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "RS256")
	srv := fxtest_helpers.NewRevocationServer(t)
	m := startModule(t, loadSettings(t, is.Env(), srv.Env()))
	if is.JWKSFetches() == 0 {
		t.Fatal("the JWKS was not fetched on start")
	}
	if _, ok := m.revocation.(*authmod.RemoteRevocationClient); !ok {
		t.Fatalf("stateful revocation checker = %T", m.revocation)
	}
	token, claims := is.TokenWithClaims(fxtest_helpers.TokenRole(authmod.RoleAdmin))
	answerOK.check(t, m.get("/admin", token))
	srv.Revoke(claims["jti"].(string))
	answerInvalid.check(t, m.get("/admin", token))
	if names := m.checkNames(); len(names) != 1 || names[0] != "jwks" {
		t.Errorf("checks = %v, want [jwks]", names)
	}

	m.app.RequireStop()
	if err := m.revocation.Check(context.Background(), stateClaims(time.Now().Add(time.Hour))); !errors.Is(err, authmod.ErrRevocationUnavailable) {
		t.Errorf("revocation client still open after stop: %v", err)
	}
}

func TestModulePEMFile(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "ES256", fxtest_helpers.IssuerPEMFile())
	m := startModule(t, loadSettings(t, is.Env()))
	answerOK.check(t, m.get("/user", is.Token()))
	if names := m.checkNames(); len(names) != 0 {
		t.Errorf("checks = %v, want none without a JWKS", names)
	}
}

func TestModuleFailureModeFromSettings(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	srv := fxtest_helpers.NewRevocationServer(t)
	srv.SetDown(true)
	for mode, want := range map[string]wantAnswer{"fail_closed": answerUnavailable, "fail_open": answerOK} {
		t.Run(mode, func(t *testing.T) {
			m := startModule(t, loadSettings(t, is.Env(), srv.Env(), map[string]string{"ACCESS_REVOCATION_FAILURE_MODE": mode}))
			want.check(t, m.get("/user", is.Token()))
		})
	}
}

func TestModuleBadSettingsFailBuild(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	srv := fxtest_helpers.NewRevocationServer(t)
	s := loadSettings(t, is.Env(), srv.Env())
	s.AccessRevocationFailureMode = "sometimes"
	app := fx.New(fx.NopLogger, fx.Supply(s), authmod.Module, fx.Invoke(func(*authmod.Authenticator) {}))
	if app.Err() == nil {
		t.Fatal("a bad failure mode must fail the app")
	}
}

func TestModuleDecorateRoleHierarchy(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	m := startModule(t, loadSettings(t, is.Env()),
		fx.Decorate(func(h authmod.RoleHierarchy) authmod.RoleHierarchy { return h.With("auditor", 25) }))
	answerOK.check(t, m.get("/auditor", is.Token(fxtest_helpers.TokenRole("auditor"))))
	answerOK.check(t, m.get("/auditor", is.Token(fxtest_helpers.TokenRole(authmod.RoleWriter))))
	answerForbidden.check(t, m.get("/auditor", is.Token(fxtest_helpers.TokenRole(authmod.RoleReader))))
	answerForbidden.check(t, m.get("/admin", is.Token(fxtest_helpers.TokenRole("auditor"))))
}

func TestModuleDecorateTokenValidator(t *testing.T) {
	// The settings point at a JWKS; the decorated validator replaces the
	// kit's, which is then never built (no fetch) and has no health check.
	is := fxtest_helpers.NewIssuer(t, "RS256")
	hs := fxtest_helpers.NewIssuer(t, "HS256")
	fake := hsValidatorNoJTI(t, hs)
	m := startModule(t, loadSettings(t, is.Env()),
		fx.Decorate(func() authmod.TokenValidator { return fake }))
	answerOK.check(t, m.get("/user", hs.Token()))
	answerInvalid.check(t, m.get("/user", is.Token()))
	if n := is.JWKSFetches(); n != 0 {
		t.Errorf("the replaced validator fetched the JWKS %d times", n)
	}
	if names := m.checkNames(); len(names) != 0 {
		t.Errorf("checks = %v, want none", names)
	}
}

// hsValidatorNoJTI is hsValidator for stateless settings.
func hsValidatorNoJTI(t *testing.T, is *fxtest_helpers.Issuer) *authmod.Validator {
	t.Helper()
	v, err := authmod.NewValidator(authmod.ValidatorConfig{Algorithm: "HS256", HMACSecret: is.Secret(),
		Issuer: is.IssuerURL(), Audience: is.Audience(), RequireIssuerAudience: true})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// revokeAll is a RevocationChecker that revokes every token.
type revokeAll struct{}

func (revokeAll) Check(context.Context, *authmod.Claims) error { return authmod.ErrRevoked }
func (revokeAll) Close() error                                 { return nil }

func TestModuleDecorateRevocationChecker(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	srv := fxtest_helpers.NewRevocationServer(t)
	m := startModule(t, loadSettings(t, is.Env(), srv.Env()),
		fx.Decorate(func() authmod.RevocationChecker { return revokeAll{} }))
	answerInvalid.check(t, m.get("/user", is.Token()))
	if srv.Calls() != 0 {
		t.Fatal("the replaced revocation client was used")
	}
}

func TestModuleDecorateUserMapper(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	m := startModule(t, loadSettings(t, is.Env()),
		fx.Decorate(func(def authmod.UserMapper) authmod.UserMapper {
			return func(c *authmod.Claims) (*authmod.User, error) {
				u, err := def(c)
				if err == nil && u.TenantID == "" {
					u.TenantID = "default-tenant"
				}
				return u, err
			}
		}))
	rec := m.get("/user", is.Token())
	answerOK.check(t, rec)
	var u authmod.User
	if err := json.Unmarshal(rec.Body.Bytes(), &u); err != nil || u.TenantID != "default-tenant" {
		t.Fatalf("body = %s, want tenant_id default-tenant", rec.Body)
	}
}
