package authmod_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/fxtest_helpers"
)

func init() { gin.SetMode(gin.TestMode) }

// hsValidator is a real Validator for an HS256 issuer, with strict iss/aud
// binding and jti required (stateful rules).
func hsValidator(t *testing.T, is *fxtest_helpers.Issuer) *authmod.Validator {
	t.Helper()
	v, err := authmod.NewValidator(authmod.ValidatorConfig{
		Algorithm:             "HS256",
		HMACSecret:            is.Secret(),
		Issuer:                is.IssuerURL(),
		Audience:              is.Audience(),
		RequireIssuerAudience: true,
		RequireJTI:            true,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	return v
}

// jwksValidator is a real, started Validator for an RS256/ES256 issuer
// publishing a JWKS.
func jwksValidator(t *testing.T, is *fxtest_helpers.Issuer) *authmod.Validator {
	t.Helper()
	v, err := authmod.NewValidator(authmod.ValidatorConfig{
		Algorithm:             is.Alg(),
		JWKSURL:               is.JWKSURL(),
		JWKSFirstFetchTimeout: 2 * time.Second,
		Issuer:                is.IssuerURL(),
		Audience:              is.Audience(),
		RequireIssuerAudience: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = v.Close() })
	return v
}

// guardApp is a raw gin engine (without ContextWithFallback) with one route
// per guard, each answering the authenticated user (read with
// UserFromContext from both the *gin.Context and its request context).
type guardApp struct {
	engine *gin.Engine
	auth   *authmod.Authenticator
	logs   *observer.ObservedLogs
}

// guardRoutes are the guarded routes of a guardApp.
var guardRoutes = []string{"/user", "/reader", "/writer", "/admin", "/superuser", "/auditor"}

func newGuardApp(t *testing.T, p authmod.AuthenticatorParams) *guardApp {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	p.Logger = zap.New(core)
	if p.Revocation == nil {
		p.Revocation = authmod.NoRevocation{}
	}
	a := mustAuthenticator(t, p)
	e := gin.New()
	e.Use(gin.RecoveryWithWriter(io.Discard))
	e.GET("/user", ginGuard(a, authmod.AnyUser()), whoAmI)
	e.GET("/reader", ginGuard(a, authmod.AtLeast(authmod.RoleReader)), whoAmI)
	e.GET("/writer", ginGuard(a, authmod.AtLeast(authmod.RoleWriter)), whoAmI)
	e.GET("/admin", ginGuard(a, authmod.AtLeast(authmod.RoleAdmin)), whoAmI)
	e.GET("/superuser", ginGuard(a, authmod.Superuser()), whoAmI)
	if a.Hierarchy().Known("auditor") {
		e.GET("/auditor", ginGuard(a, authmod.AtLeast("auditor")), whoAmI)
	}
	e.GET("/unguarded", whoAmI)
	return &guardApp{engine: e, auth: a, logs: logs}
}

// ginGuard is the gin handler of a's guard for access, for raw gin routes.
func ginGuard(a *authmod.Authenticator, access authmod.Access) gin.HandlerFunc {
	return a.Require(access).GuardHandler()
}

// whoAmI answers the authenticated user, or 500 "no user" without one.
func whoAmI(c *gin.Context) {
	u, ok := authmod.UserFromContext(c)
	if !ok {
		c.String(http.StatusInternalServerError, "no user")
		return
	}
	if cu, ok := authmod.UserFromContext(c.Request.Context()); !ok || cu != u {
		c.String(http.StatusInternalServerError, "request context has no user")
		return
	}
	c.JSON(http.StatusOK, u)
}

// do serves GET path with the given Authorization header values.
func (g *guardApp) do(path string, authorization ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for _, v := range authorization {
		req.Header.Add("Authorization", v)
	}
	rec := httptest.NewRecorder()
	g.engine.ServeHTTP(rec, req)
	return rec
}

// wantAnswer describes one expected guard answer.
type wantAnswer struct {
	status    int
	detail    string // "" for 200
	challenge string // WWW-Authenticate, "" for none
}

var (
	answerOK          = wantAnswer{status: http.StatusOK}
	answerNotAuth     = wantAnswer{http.StatusUnauthorized, "Not authenticated", `Bearer`}
	answerInvalid     = wantAnswer{http.StatusUnauthorized, "Could not validate credentials", `Bearer error="invalid_token"`}
	answerInactive    = wantAnswer{http.StatusForbidden, "Inactive user", ""}
	answerForbidden   = wantAnswer{http.StatusForbidden, "The user doesn't have enough privileges", ""}
	answerUnavailable = wantAnswer{http.StatusServiceUnavailable, "Authentication temporarily unavailable", ""}
)

// check asserts status, body, and headers of rec against w.
func (w wantAnswer) check(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code != w.status {
		t.Fatalf("status = %d, want %d (body %s)", rec.Code, w.status, rec.Body)
	}
	if got := rec.Header().Get("WWW-Authenticate"); got != w.challenge {
		t.Errorf("WWW-Authenticate = %q, want %q", got, w.challenge)
	}
	if w.status == http.StatusServiceUnavailable {
		if got := rec.Header().Get("Retry-After"); got != "5" {
			t.Errorf("Retry-After = %q, want 5", got)
		}
	} else if got := rec.Header().Get("Retry-After"); got != "" {
		t.Errorf("unexpected Retry-After %q", got)
	}
	if w.status == http.StatusOK {
		return
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body %q is not JSON: %v", rec.Body, err)
	}
	if len(body) != 1 || body["detail"] != w.detail {
		t.Fatalf(`body = %s, want {"detail": %q}`, rec.Body, w.detail)
	}
}

// TestGuardRoleMatrix runs every guard against every kind of user, through
// a real validator and a real gin engine.
func TestGuardRoleMatrix(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	g := newGuardApp(t, authmod.AuthenticatorParams{
		Validator: hsValidator(t, is),
		Hierarchy: authmod.DefaultRoleHierarchy().With("auditor", 25),
	})
	allow := func(routes ...string) []string { return routes }
	for _, tc := range []struct {
		name    string
		opts    []fxtest_helpers.TokenOption
		allowed []string // routes answering 200; the others answer 403
		// inactive users get "Inactive user" everywhere.
		inactive bool
	}{
		{"user", nil, allow("/user"), false},
		{"reader", opts(fxtest_helpers.TokenRole(authmod.RoleReader)), allow("/user", "/reader"), false},
		{"auditor (custom role at 25)", opts(fxtest_helpers.TokenRole("auditor")), allow("/user", "/reader", "/auditor"), false},
		{"writer", opts(fxtest_helpers.TokenRole(authmod.RoleWriter)), allow("/user", "/reader", "/auditor", "/writer"), false},
		{"admin", opts(fxtest_helpers.TokenRole(authmod.RoleAdmin)), allow("/user", "/reader", "/auditor", "/writer", "/admin"), false},
		{"superadmin without is_superuser", opts(fxtest_helpers.TokenRole(authmod.RoleSuperadmin)),
			allow("/user", "/reader", "/auditor", "/writer", "/admin"), false},
		{"superuser", opts(fxtest_helpers.TokenSuperuser()), allow(guardRoutes...), false},
		{"user with is_superuser", opts(fxtest_helpers.TokenClaim("is_superuser", true)), allow("/user"), false},
		{"admin with is_superuser", opts(fxtest_helpers.TokenRole(authmod.RoleAdmin), fxtest_helpers.TokenClaim("is_superuser", true)),
			allow("/user", "/reader", "/auditor", "/writer", "/admin"), false},
		{"unknown role", opts(fxtest_helpers.TokenRole("hacker")), nil, false},
		{"upper-case role", opts(fxtest_helpers.TokenRole("ADMIN")), nil, false},
		{"empty role", opts(fxtest_helpers.TokenRole("")), nil, false},
		{"no role claim", opts(fxtest_helpers.TokenWithoutClaim("role")), nil, false},
		{"inactive superuser", opts(fxtest_helpers.TokenSuperuser(), fxtest_helpers.TokenInactive()), nil, true},
		{"inactive user", opts(fxtest_helpers.TokenInactive()), nil, true},
		{"no is_active claim", opts(fxtest_helpers.TokenRole(authmod.RoleAdmin), fxtest_helpers.TokenWithoutClaim("is_active")), nil, true},
	} {
		token := is.Token(tc.opts...)
		for _, route := range guardRoutes {
			t.Run(tc.name+route, func(t *testing.T) {
				want := answerForbidden
				switch {
				case tc.inactive:
					want = answerInactive
				case contains(tc.allowed, route):
					want = answerOK
				}
				rec := g.do(route, fxtest_helpers.Bearer(token))
				want.check(t, rec)
				if want.status == http.StatusOK {
					var u authmod.User
					if err := json.Unmarshal(rec.Body.Bytes(), &u); err != nil || u.ID.String() == "" || !u.IsActive {
						t.Fatalf("handler answered %s", rec.Body)
					}
				}
			})
		}
	}
}

func opts(o ...fxtest_helpers.TokenOption) []fxtest_helpers.TokenOption { return o }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestGuardAuthorizationHeaderParsing(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	g := newGuardApp(t, authmod.AuthenticatorParams{Validator: hsValidator(t, is)})
	tok := is.Token()
	for _, tc := range []struct {
		name   string
		values []string // nil: no header
		want   wantAnswer
	}{
		{"missing", nil, answerNotAuth},
		{"empty", []string{""}, answerNotAuth},
		{"Bearer alone", []string{"Bearer"}, answerNotAuth},
		{"Bearer and a space", []string{"Bearer "}, answerNotAuth},
		{"Basic", []string{"Basic dXNlcjpwYXNz"}, answerNotAuth},
		{"other scheme with a JWT", []string{"Token " + tok}, answerNotAuth},
		{"scheme glued to token", []string{"Bearer" + tok}, answerNotAuth},
		{"tab separator", []string{"Bearer\t" + tok}, answerNotAuth},
		{"canonical", []string{"Bearer " + tok}, answerOK},
		{"lower-case scheme", []string{"bearer " + tok}, answerOK},
		{"upper-case scheme", []string{"BEARER " + tok}, answerOK},
		{"several spaces", []string{"Bearer   " + tok}, answerOK},
		{"two tokens", []string{"Bearer " + tok + " " + tok}, answerInvalid},
		{"token and junk", []string{"Bearer " + tok + " x"}, answerInvalid},
		{"trailing space", []string{"Bearer " + tok + " "}, answerInvalid},
		{"comma list", []string{"Bearer " + tok + ", Basic abc"}, answerInvalid},
		{"quoted token", []string{`Bearer "` + tok + `"`}, answerInvalid},
		{"tab inside token", []string{"Bearer " + tok[:10] + "\t" + tok[10:]}, answerInvalid},
		{"non-ASCII in token", []string{"Bearer " + tok[:10] + "é" + tok[10:]}, answerInvalid},
		{"padded token", []string{"Bearer " + tok + "=="}, answerInvalid},
		{"standard base64 alphabet", []string{"Bearer " + strings.Replace(tok, "_", "/", 1) + "+"}, answerInvalid},
		{"line break in token", []string{"Bearer " + tok[:10] + "\r\n" + tok[10:]}, answerInvalid},
		{"not a JWT", []string{"Bearer abc.def.ghi"}, answerInvalid},
		{"garbage", []string{"Bearer garbage"}, answerInvalid},
		{"very long", []string{"Bearer " + strings.Repeat("a", 20_000)}, answerInvalid},
		{"long but under the guard cap", []string{"Bearer " + strings.Repeat("a", 9_000)}, answerInvalid},
		{"two Authorization headers", []string{"Bearer " + tok, "Bearer " + tok}, answerInvalid},
		{"Bearer and Basic headers", []string{"Basic abc", "Bearer " + tok}, answerInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.want.check(t, g.do("/user", tc.values...))
		})
	}
}

func TestGuardRejectsBadTokens(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	other := fxtest_helpers.NewIssuer(t, "HS256")
	rsa := fxtest_helpers.NewIssuer(t, "RS256", fxtest_helpers.IssuerPEMFile())
	g := newGuardApp(t, authmod.AuthenticatorParams{Validator: hsValidator(t, is)})
	for name, token := range map[string]string{
		"expired":           is.Token(fxtest_helpers.TokenExpiry(-time.Minute)),
		"not yet valid":     is.Token(fxtest_helpers.TokenClaim("nbf", time.Now().Add(time.Hour))),
		"wrong issuer":      is.Token(fxtest_helpers.TokenClaim("iss", "https://evil.test")),
		"no issuer":         is.Token(fxtest_helpers.TokenWithoutClaim("iss")),
		"wrong audience":    is.Token(fxtest_helpers.TokenClaim("aud", "other-service")),
		"no audience":       is.Token(fxtest_helpers.TokenWithoutClaim("aud")),
		"refresh token":     is.Token(fxtest_helpers.TokenClaim("type", "refresh")),
		"other secret":      other.Token(),
		"other algorithm":   rsa.Token(),
		"alg header none":   is.Token(fxtest_helpers.TokenHeader("alg", "none")),
		"alg header RS256":  is.Token(fxtest_helpers.TokenHeader("alg", "RS256")),
		"no jti (stateful)": is.Token(fxtest_helpers.TokenWithoutClaim("jti")),
		"sub not a UUID":    is.Token(fxtest_helpers.TokenSubject("42")),
		"no exp":            is.Token(fxtest_helpers.TokenWithoutClaim("exp")),
	} {
		t.Run(name, func(t *testing.T) {
			answerInvalid.check(t, g.do("/user", fxtest_helpers.Bearer(token)))
			assertLogged(t, g.logs, "/user", token)
		})
	}
}

// assertLogged checks that the last log entry gives a reason and the path,
// and that no entry contains the token.
func assertLogged(t *testing.T, logs *observer.ObservedLogs, path, token string) {
	t.Helper()
	all := logs.All()
	if len(all) == 0 {
		t.Fatal("nothing logged")
	}
	last := all[len(all)-1].ContextMap()
	if last["reason"] == "" || last["reason"] == nil || last["path"] != path {
		t.Errorf("log fields = %v, want reason and path", last)
	}
	for _, e := range all {
		data, _ := json.Marshal(e.ContextMap())
		if strings.Contains(e.Message+string(data), token) {
			t.Fatalf("the token was logged: %s %s", e.Message, data)
		}
	}
}

func TestGuardJWKS(t *testing.T) {
	for _, alg := range []string{"RS256", "ES256"} {
		t.Run(alg, func(t *testing.T) {
			is := fxtest_helpers.NewIssuer(t, alg)
			g := newGuardApp(t, authmod.AuthenticatorParams{Validator: jwksValidator(t, is)})
			old := is.Token()
			answerOK.check(t, g.do("/user", fxtest_helpers.Bearer(old)))
			// A rotated key is fetched on demand; the old one stays valid
			// while the issuer still publishes it.
			is.Rotate()
			answerOK.check(t, g.do("/user", fxtest_helpers.Bearer(is.Token())))
			answerOK.check(t, g.do("/user", fxtest_helpers.Bearer(old)))
			answerInvalid.check(t, g.do("/user", fxtest_helpers.Bearer(is.Token(fxtest_helpers.TokenHeader("kid", "unknown-kid")))))
			// Without a kid, two published keys are ambiguous.
			answerInvalid.check(t, g.do("/user", fxtest_helpers.Bearer(is.Token(fxtest_helpers.TokenHeader("kid", nil)))))
		})
	}
}

func TestGuardKeysUnavailable(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "RS256")
	is.SetJWKSDown(true)
	g := newGuardApp(t, authmod.AuthenticatorParams{Validator: jwksValidator(t, is)})
	token := is.Token()
	answerUnavailable.check(t, g.do("/user", fxtest_helpers.Bearer(token)))
	assertLogged(t, g.logs, "/user", token)
	if n := g.logs.FilterMessage("authentication unavailable").FilterLevelExact(zapcore.WarnLevel).Len(); n != 1 {
		t.Errorf("want one warning, got %v", g.logs.All())
	}
	// No header is still "not authenticated", even with no keys.
	answerNotAuth.check(t, g.do("/user"))
}

func TestGuardRevocation(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	srv := fxtest_helpers.NewRevocationServer(t)
	rc := newRevocationClient(t, srv.URL(), srv.Secret(), authmod.RevocationConfig{})
	g := newGuardApp(t, authmod.AuthenticatorParams{Validator: hsValidator(t, is), Revocation: rc})

	token, claims := is.TokenWithClaims(fxtest_helpers.TokenRole(authmod.RoleAdmin))
	answerOK.check(t, g.do("/admin", fxtest_helpers.Bearer(token)))
	// The validator now has the token cached; revocation is still asked.
	answerOK.check(t, g.do("/admin", fxtest_helpers.Bearer(token)))
	if srv.Calls() != 2 {
		t.Fatalf("revocation calls = %d, want 2 (one per request)", srv.Calls())
	}
	srv.Revoke(claims["jti"].(string))
	answerInvalid.check(t, g.do("/admin", fxtest_helpers.Bearer(token)))
	assertLogged(t, g.logs, "/admin", token)
	if r := g.logs.All()[len(g.logs.All())-1].ContextMap()["reason"]; r != "revoked" {
		t.Errorf("reason = %v, want revoked", r)
	}

	// Inactive users are refused before revocation is asked.
	calls := srv.Calls()
	answerInactive.check(t, g.do("/user", fxtest_helpers.Bearer(is.Token(fxtest_helpers.TokenInactive()))))
	if srv.Calls() != calls {
		t.Error("revocation was asked for an inactive user")
	}
}

func TestGuardRevocationUnavailable(t *testing.T) {
	for _, failOpen := range []bool{false, true} {
		is := fxtest_helpers.NewIssuer(t, "HS256")
		srv := fxtest_helpers.NewRevocationServer(t)
		srv.SetDown(true)
		rc := newRevocationClient(t, srv.URL(), srv.Secret(), authmod.RevocationConfig{FailMode: failMode(failOpen)})
		g := newGuardApp(t, authmod.AuthenticatorParams{Validator: hsValidator(t, is), Revocation: rc})
		token := is.Token()
		if failOpen {
			answerOK.check(t, g.do("/user", fxtest_helpers.Bearer(token)))
			continue
		}
		answerUnavailable.check(t, g.do("/user", fxtest_helpers.Bearer(token)))
		assertLogged(t, g.logs, "/user", token)

		// A wrong answer fails closed in both modes (checked in
		// revocation_test); here: a mismatch answers 503, never 200.
		srv.SetDown(false)
		srv.SetMismatch(true)
		answerUnavailable.check(t, g.do("/user", fxtest_helpers.Bearer(token)))
	}
}

func TestGuardsStackedAuthenticateOnce(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	srv := fxtest_helpers.NewRevocationServer(t)
	rc := newRevocationClient(t, srv.URL(), srv.Secret(), authmod.RevocationConfig{})
	a := mustAuthenticator(t, authmod.AuthenticatorParams{Validator: hsValidator(t, is), Revocation: rc})
	e := gin.New()
	api := e.Group("/api", ginGuard(a, authmod.AnyUser()))
	api.GET("/items", whoAmI)
	api.DELETE("/items", ginGuard(a, authmod.AtLeast(authmod.RoleAdmin)), whoAmI)

	do := func(method, token string) int {
		req := httptest.NewRequest(method, "/api/items", nil)
		req.Header.Set("Authorization", fxtest_helpers.Bearer(token))
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := do(http.MethodDelete, is.Token(fxtest_helpers.TokenRole(authmod.RoleAdmin))); code != http.StatusOK {
		t.Fatalf("admin DELETE = %d", code)
	}
	if srv.Calls() != 1 {
		t.Fatalf("revocation calls = %d, want 1 for two stacked guards", srv.Calls())
	}
	if code := do(http.MethodDelete, is.Token()); code != http.StatusForbidden {
		t.Fatalf("user DELETE = %d, want 403", code)
	}
	if code := do(http.MethodGet, is.Token()); code != http.StatusOK {
		t.Fatalf("user GET = %d", code)
	}
}

// stubValidator is a TokenValidator answering fixed results, for the
// failure paths a real validator cannot produce.
type stubValidator struct {
	claims *authmod.Claims
	err    error
}

func (s stubValidator) Validate(context.Context, string) (*authmod.Claims, error) {
	return s.claims, s.err
}

func TestGuardValidatorOddities(t *testing.T) {
	for name, v := range map[string]stubValidator{
		"plain error":            {err: errors.New("library said: secret details")},
		"nil claims without err": {},
	} {
		t.Run(name, func(t *testing.T) {
			g := newGuardApp(t, authmod.AuthenticatorParams{Validator: v})
			rec := g.do("/user", "Bearer abc")
			answerInvalid.check(t, rec)
			if strings.Contains(rec.Body.String(), "secret") {
				t.Fatal("library error text reached the client")
			}
		})
	}
}

func TestGuardMapperFailure(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	for name, m := range map[string]authmod.UserMapper{
		"error":   func(*authmod.Claims) (*authmod.User, error) { return nil, errors.New("tenant unknown") },
		"no user": func(*authmod.Claims) (*authmod.User, error) { return nil, nil },
	} {
		t.Run(name, func(t *testing.T) {
			g := newGuardApp(t, authmod.AuthenticatorParams{Validator: hsValidator(t, is), Mapper: m})
			answerInvalid.check(t, g.do("/user", fxtest_helpers.Bearer(is.Token())))
		})
	}
}

func TestUserFromContextWithoutGuard(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	g := newGuardApp(t, authmod.AuthenticatorParams{Validator: hsValidator(t, is)})
	if rec := g.do("/unguarded", fxtest_helpers.Bearer(is.Token())); rec.Code != http.StatusInternalServerError || rec.Body.String() != "no user" {
		t.Fatalf("unguarded route: %d %s, want 500 no user", rec.Code, rec.Body)
	}
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	if _, ok := authmod.UserFromContext(c); ok {
		t.Fatal("UserFromContext on a gin context without request")
	}
	var nilGin *gin.Context
	if _, ok := authmod.UserFromContext(nilGin); ok {
		t.Fatal("UserFromContext((*gin.Context)(nil))")
	}
	//lint:ignore SA1012 a nil context on purpose
	if _, ok := authmod.UserFromContext(nil); ok {
		t.Fatal("UserFromContext(nil)")
	}
	if _, ok := authmod.UserFromContext(context.Background()); ok {
		t.Fatal("UserFromContext on an empty context")
	}
	u := &authmod.User{Email: "x"}
	if got, ok := authmod.UserFromContext(authmod.ContextWithUser(context.Background(), u)); !ok || got != u {
		t.Fatal("ContextWithUser round trip")
	}
}

func TestAuthenticate(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	a := mustAuthenticator(t, authmod.AuthenticatorParams{Validator: hsValidator(t, is), Revocation: authmod.NoRevocation{}})
	ctx := context.Background()
	u, err := a.Authenticate(ctx, fxtest_helpers.Bearer(is.Token(fxtest_helpers.TokenRole(authmod.RoleWriter))))
	if err != nil || u.Role != authmod.RoleWriter {
		t.Fatalf("Authenticate = %+v, %v", u, err)
	}
	for header, want := range map[string]error{
		"":            authmod.ErrNoCredentials,
		"Basic abc":   authmod.ErrNoCredentials,
		"Bearer nope": authmod.ErrInvalidToken,
		fxtest_helpers.Bearer(is.Token(fxtest_helpers.TokenInactive())): authmod.ErrInactiveUser,
	} {
		if _, err := a.Authenticate(ctx, header); !errors.Is(err, want) {
			t.Errorf("Authenticate(%.20q) = %v, want %v", header, err, want)
		}
	}
}

func TestGuardConstruction(t *testing.T) {
	v := stubValidator{}
	if _, err := authmod.NewAuthenticator(authmod.AuthenticatorParams{Revocation: authmod.NoRevocation{}}); err == nil {
		t.Fatal("nil validator accepted")
	}
	if _, err := authmod.NewAuthenticator(authmod.AuthenticatorParams{Validator: v}); err == nil {
		t.Fatal("nil revocation checker accepted")
	}

	a := mustAuthenticator(t, authmod.AuthenticatorParams{Validator: v, Revocation: authmod.NoRevocation{}})
	if got := a.Hierarchy().Roles(); len(got) != 5 {
		t.Fatalf("a zero hierarchy must become the default, got %v", got)
	}
	// On a raw gin route, a guard whose access cannot be satisfied refuses
	// every request with 500 (and logs why); it never panics and never
	// admits anyone.
	renamed := mustAuthenticator(t, authmod.AuthenticatorParams{
		Validator: stubValidator{claims: &authmod.Claims{}}, Revocation: authmod.NoRevocation{},
		Hierarchy: authmod.DefaultRoleHierarchy().Renamed(authmod.RoleAdmin, "administrator").Without(authmod.RoleSuperadmin),
	})
	owner := authmod.OwnerOr(func(context.Context, *struct{}) (uuid.UUID, error) { return uuid.Nil, nil }, authmod.RoleUser)
	e := gin.New()
	reached := false
	next := func(c *gin.Context) { reached = true; c.Status(http.StatusOK) }
	e.GET("/unknown", ginGuard(a, authmod.AtLeast("auditor")), next)
	e.GET("/admin-after-rename", ginGuard(renamed, authmod.AtLeast(authmod.RoleAdmin)), next)
	e.GET("/superuser-without-superadmin", ginGuard(renamed, authmod.Superuser()), next)
	e.GET("/any-of-unknown", ginGuard(a, authmod.AnyOf("auditor")), next)
	e.GET("/zero-access", ginGuard(a, authmod.Access{}), next)
	e.GET("/owner-on-raw-route", ginGuard(a, owner), next)
	for _, path := range []string{"/unknown", "/admin-after-rename", "/superuser-without-superadmin", "/any-of-unknown", "/zero-access", "/owner-on-raw-route"} {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer abc")
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != http.StatusInternalServerError || rec.Body.String() != `{"detail":"Internal Server Error"}` || reached {
			t.Errorf("%s: %d %s (handler reached: %v), want 500", path, rec.Code, rec.Body, reached)
		}
	}
	// The renamed role itself works.
	e.GET("/administrator", ginGuard(renamed, authmod.AtLeast("administrator")), next)
	req := httptest.NewRequest(http.MethodGet, "/administrator", nil)
	req.Header.Set("Authorization", "Bearer abc")
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("administrator guard: %d, want 401 for a token the stub maps to no user", rec.Code)
	}
}

func mustAuthenticator(t testing.TB, p authmod.AuthenticatorParams) *authmod.Authenticator {
	t.Helper()
	a, err := authmod.NewAuthenticator(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// claimsMutatingChecker is a RevocationChecker that changes the claims it
// is given (which a checker should not do) and counts its calls.
type claimsMutatingChecker struct{ calls atomic.Int32 }

func (c *claimsMutatingChecker) Check(_ context.Context, claims *authmod.Claims) error {
	c.calls.Add(1)
	claims.Subject, claims.Role = "tampered", "superadmin"
	return nil
}

func (c *claimsMutatingChecker) Close() error { return nil }

// TestGuardRepeatedTokenSharesNothingMutable: a token seen again is mapped
// once per Authenticator; each request gets its own User (a handler that
// changes it does not change the next request's), and a revocation checker
// or a mapper that changes its claims does not change the cached ones.
func TestGuardRepeatedTokenSharesNothingMutable(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	v := hsValidator(t, is)
	var mapped atomic.Int32
	mapper := func(c *authmod.Claims) (*authmod.User, error) {
		mapped.Add(1)
		u, err := authmod.DefaultUserMapper(c)
		c.Email = "changed-by-mapper@example.test"
		return u, err
	}
	checker := &claimsMutatingChecker{}
	a := mustAuthenticator(t, authmod.AuthenticatorParams{Validator: v, Mapper: mapper, Revocation: checker})
	other := mustAuthenticator(t, authmod.AuthenticatorParams{Validator: v, Revocation: authmod.NoRevocation{}})

	e := gin.New()
	e.GET("/a", ginGuard(a, authmod.AnyUser()), func(c *gin.Context) {
		u, _ := authmod.UserFromContext(c)
		c.JSON(http.StatusOK, u)
		u.Role, u.Email = authmod.RoleSuperadmin, "changed-by-handler@example.test"
	})
	e.GET("/b", ginGuard(other, authmod.AnyUser()), whoAmI)
	token := is.Token()
	get := func(path string) map[string]any {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", fxtest_helpers.Bearer(token))
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
		}
		var u map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	first := get("/a")
	for range 3 {
		if again := get("/a"); again["role"] != first["role"] || again["email"] != first["email"] {
			t.Fatalf("a later request saw %v, the first %v", again, first)
		}
	}
	if first["role"] != string(authmod.RoleUser) || strings.HasPrefix(first["email"].(string), "changed") {
		t.Fatalf("first answer %v", first)
	}
	if n := mapped.Load(); n != 1 {
		t.Fatalf("mapper called %d times for one token, want 1", n)
	}
	if n := checker.calls.Load(); n != 4 {
		t.Fatalf("revocation checked %d times for 4 requests", n)
	}
	// Another Authenticator over the same validator maps for itself, and
	// sees claims untouched by the first one's mapper and checker.
	if b := get("/b"); b["email"] != first["email"] || b["id"] != first["id"] {
		t.Fatalf("other authenticator saw %v", b)
	}
	claims, err := v.Validate(context.Background(), token)
	if err != nil || claims.Subject == "tampered" || strings.HasPrefix(claims.Email, "changed") {
		t.Fatalf("cached claims changed: %+v, %v", claims, err)
	}
}

// TestAuthenticateReturnsOwnUser: Authenticate hands out a User the caller
// may change without changing later answers.
func TestAuthenticateReturnsOwnUser(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	a := mustAuthenticator(t, authmod.AuthenticatorParams{Validator: hsValidator(t, is), Revocation: authmod.NoRevocation{}})
	token := fxtest_helpers.Bearer(is.Token())
	u1, err := a.Authenticate(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	u1.Role = authmod.RoleSuperadmin
	u2, err := a.Authenticate(context.Background(), token)
	if err != nil || u2 == u1 || u2.Role != authmod.RoleUser {
		t.Fatalf("second answer %+v (same pointer %v), %v", u2, u2 == u1, err)
	}
}
