package authmod_test

import (
	"maps"
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/httpmod"
)

// metricsApp is an app with the auth metrics on, the issuer's settings, and
// GET /api/me guarded by auth.Require(authmod.AnyUser()).
func metricsApp(t *testing.T, env map[string]string) *fxtest_helpers.App {
	t.Helper()
	routes := func(a *authmod.Authenticator) httpmod.Routes {
		return httpmod.RoutesFunc(func(r *httpmod.Router) {
			httpmod.Handle(r, http.MethodGet, "/me", func(c *gin.Context) { c.Status(http.StatusNoContent) }, a.Require(authmod.AnyUser()))
		})
	}
	base := map[string]string{"METRICS_ENABLED": "true", "METRICS_GROUPS": "auth"}
	maps.Copy(base, env)
	return fxtest_helpers.New(t,
		fxtest_helpers.WithEnv(base),
		fxtest_helpers.WithOptions(httpmod.AsRoutes(routes)),
	)
}

func scrapeAuth(t *testing.T, app *fxtest_helpers.App) map[string]*dto.MetricFamily {
	t.Helper()
	rec := app.Get(httpmod.MetricsPath)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

// value is the counter of family name with one label name=value (-1: none).
func value(fams map[string]*dto.MetricFamily, name, label, v string) float64 {
	f := fams[name]
	if f == nil {
		return -1
	}
	for _, m := range f.GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == label && l.GetValue() == v {
				return m.GetCounter().GetValue()
			}
		}
	}
	return -1
}

func TestAuthMetricsFailuresAndRevocation(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	rev := fxtest_helpers.NewRevocationServer(t)
	env := is.Env()
	maps.Copy(env, rev.Env())
	env["REVOCATION_CACHE_TTL_SECONDS"] = "60"
	app := metricsApp(t, env)

	get := func(token string) int {
		if token == "" {
			return app.Get("/api/me").Code
		}
		return app.Get("/api/me", "Authorization", "Bearer "+token).Code
	}
	good := is.Token()
	for i := 0; i < 2; i++ { // the second request is answered from the revocation cache
		if get(good) != http.StatusNoContent {
			t.Fatal("valid token refused")
		}
	}
	revoked, claims := is.TokenWithClaims()
	rev.Revoke(claims["jti"].(string))
	for _, tc := range []struct {
		token string
		want  int
	}{{"", 401}, {"junk", 401}, {is.Token(fxtest_helpers.TokenExpiry(-2 * 60e9)), 401}, {revoked, 401}} {
		if got := get(tc.token); got != tc.want {
			t.Fatalf("token %.20q: %d, want %d", tc.token, got, tc.want)
		}
	}

	fams := scrapeAuth(t, app)
	checks := []struct {
		family, label, value string
		want                 float64
	}{
		{"api_auth_failures_total", "reason", "no_authorization_header", 1},
		{"api_auth_failures_total", "reason", "malformed", 1},
		{"api_auth_failures_total", "reason", "revoked", 1},
		{"api_auth_revocation_checks_total", "outcome", "active", 2},
		{"api_auth_revocation_checks_total", "outcome", "revoked", 1},
		{"api_auth_revocation_cache_total", "result", "miss", 2},
		{"api_auth_revocation_cache_total", "result", "hit", 1},
	}
	for _, c := range checks {
		if got := value(fams, c.family, c.label, c.value); got != c.want {
			t.Errorf("%s{%s=%q} = %v, want %v", c.family, c.label, c.value, got, c.want)
		}
	}
	var expired float64
	for _, r := range []string{"expired", "lifetime"} {
		if v := value(fams, "api_auth_failures_total", "reason", r); v > 0 {
			expired += v
		}
	}
	if expired != 1 {
		t.Errorf("expired token not counted by reason: %v", fams["api_auth_failures_total"])
	}
}

func TestAuthMetricsJWKSRefreshes(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "RS256")
	app := metricsApp(t, is.Env())
	if got := value(scrapeAuth(t, app), "api_auth_jwks_refreshes_total", "result", "ok"); got < 1 {
		t.Fatalf("first JWKS fetch not counted: %v", got)
	}
}

func TestAuthMetricsOffWithoutTheGroup(t *testing.T) {
	app := metricsApp(t, map[string]string{"METRICS_GROUPS": "traffic"})
	app.Get("/api/me")
	if f := scrapeAuth(t, app)["api_auth_failures_total"]; f != nil {
		t.Fatalf("auth metrics registered without the auth group: %v", f)
	}
}
