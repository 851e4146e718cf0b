package securitymod_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/securitymod"
)

// Origins allowed by baseEnv: BACKEND_CORS_ORIGINS and FRONTEND_HOST.
const (
	adminOrigin    = "https://admin.example.com"
	frontendOrigin = "https://app.example.com"
	evilOrigin     = "https://evil.example.net"
)

// baseEnv is valid in every environment, production included (no loopback
// CORS origin), and stops at once (no drain).
func baseEnv() map[string]string {
	return map[string]string{
		"SHUTDOWN_DRAIN_SECONDS": "0",
		"FRONTEND_HOST":          frontendOrigin + "/welcome",
		"BACKEND_CORS_ORIGINS":   adminOrigin,
	}
}

// testRoutes are the service routes of the test apps, under API_PREFIX:
// /ok answers 200, /private 401 (like an auth guard), /boom panics, and
// /page overrides the CSP with OverrideCSP.
func testRoutes() httpmod.RoutesFunc {
	return func(r *httpmod.Router) {
		httpmod.Handle(r, http.MethodGet, "/ok", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"ok": true}) })
		httpmod.Handle(r, http.MethodPost, "/ok", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"ok": true}) })
		httpmod.Handle(r, http.MethodGet, "/private", func(c *gin.Context) {
			c.Header("WWW-Authenticate", "Bearer")
			httpmod.AbortWithDetail(c, http.StatusUnauthorized, "Not authenticated")
		})
		httpmod.Handle(r, http.MethodGet, "/boom", func(*gin.Context) { panic("boom") })
		httpmod.Handle(r, http.MethodGet, "/page", func(c *gin.Context) {
			securitymod.OverrideCSP(c, securitymod.DocsCSP)
			c.String(http.StatusOK, "<html></html>")
		})
	}
}

// newApp starts an app (m8fx.Module, so securitymod.Module is in) with
// baseEnv, then env, and the test routes. It is stopped when the test ends.
func newApp(t *testing.T, env map[string]string) *fxtest_helpers.App {
	t.Helper()
	all := baseEnv()
	maps.Copy(all, env)
	return fxtest_helpers.New(t,
		fxtest_helpers.WithEnv(all),
		fxtest_helpers.WithOptions(httpmod.AsRoutes(testRoutes)),
	)
}

// request serves method path through app with header pairs; host sets the
// Host header when not empty.
func request(app *fxtest_helpers.App, method, path, host string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	if host != "" {
		req.Host = host
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return app.Do(req)
}

// detail decodes a {"detail": "..."} body ("" when it is not one).
func detail(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	var body struct {
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		return ""
	}
	return body.Detail
}
