package securitymod_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/securitymod"
	"github.com/m8fx/kit/settingsmod"
)

// exampleEngine builds an engine without fx with one middleware and GET
// /api/ok.
func exampleEngine(mw httpmod.Middleware, err error) http.Handler {
	if err != nil {
		panic(err)
	}
	gin.SetMode(gin.TestMode)
	routes := httpmod.RoutesFunc(func(r *httpmod.Router) {
		httpmod.Handle(r, http.MethodGet, "/ok", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	})
	e, err := httpmod.NewEngine(httpmod.EngineParams{
		Settings: &settingsmod.Settings{APIPrefix: "/api"}, Logger: zap.NewNop(),
		Routes: []httpmod.Routes{routes}, Middleware: []httpmod.Middleware{mw},
	})
	if err != nil {
		panic(err)
	}
	return e
}

func exampleServe(h http.Handler, method, host string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "/api/ok", nil)
	req.Host = host
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// CORS for two origins, without fx or settings (in an app,
// CORSConfigFromSettings reads them from BACKEND_CORS_ORIGINS and
// FRONTEND_HOST).
func ExampleNewCORS() {
	mw, err := securitymod.NewCORS(securitymod.CORSConfig{
		AllowedOrigins: []string{"https://app.example.com", "https://admin.example.com"},
	})
	e := exampleEngine(mw, err)

	allowed := exampleServe(e, "GET", "api.example.com", "Origin", "https://app.example.com")
	fmt.Println(allowed.Code, allowed.Header().Get("Access-Control-Allow-Origin"), allowed.Header().Get("Vary"))

	other := exampleServe(e, "GET", "api.example.com", "Origin", "https://evil.example.net")
	fmt.Printf("%d %q %s\n", other.Code, other.Header().Get("Access-Control-Allow-Origin"), other.Header().Get("Vary"))

	refused := exampleServe(e, "OPTIONS", "api.example.com",
		"Origin", "https://evil.example.net", "Access-Control-Request-Method", "POST")
	fmt.Println(refused.Code, refused.Body.String())
	// Output:
	// 200 https://app.example.com Origin
	// 200 "" Origin
	// 403 {"detail":"Disallowed CORS origin"}
}

// Only listed hosts are served; kubelet probes stay exempt.
func ExampleNewTrustedHosts() {
	mw, err := securitymod.NewTrustedHosts(securitymod.TrustedHostsConfig{
		AllowedHosts: []string{"api.example.com", "*.internal.example.com"},
		ExemptProbes: true,
		APIPrefix:    "/api",
	})
	e := exampleEngine(mw, err)
	for _, host := range []string{"api.example.com:443", "items.internal.example.com", "evil.example.net"} {
		rec := exampleServe(e, "GET", host)
		fmt.Println(host, rec.Code, rec.Body.String())
	}
	// Output:
	// api.example.com:443 200 ok
	// items.internal.example.com 200 ok
	// evil.example.net 400 {"detail":"Invalid host header"}
}

// The production response headers (HeadersConfigFromSettings enables them
// in production only).
func ExampleNewSecurityHeaders() {
	mw, err := securitymod.NewSecurityHeaders(securitymod.HeadersConfig{
		Enabled:               true,
		HSTSMaxAgeSeconds:     31536000,
		HSTSIncludeSubdomains: true,
		ContentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
		ReferrerPolicy:        "strict-origin-when-cross-origin",
	})
	e := exampleEngine(mw, err)
	h := exampleServe(e, "GET", "api.example.com").Header()
	for _, name := range []string{
		securitymod.HeaderFrameOptions, securitymod.HeaderContentTypeOptions, securitymod.HeaderCSP,
		securitymod.HeaderReferrerPolicy, securitymod.HeaderHSTS,
	} {
		fmt.Printf("%s: %s\n", name, h.Get(name))
	}
	// Output:
	// X-Frame-Options: DENY
	// X-Content-Type-Options: nosniff
	// Content-Security-Policy: default-src 'none'; frame-ancestors 'none'
	// Referrer-Policy: strict-origin-when-cross-origin
	// Strict-Transport-Security: max-age=31536000; includeSubDomains
}

// A route that serves an HTML page relaxes the production CSP for itself.
func ExampleOverrideCSP() {
	s := &settingsmod.Settings{
		APIPrefix: "/api", Environment: "production", SecurityHeadersEnabled: true,
		ContentSecurityPolicy: "default-src 'none'",
	}
	mw, err := securitymod.NewSecurityHeaders(securitymod.HeadersConfigFromSettings(s))
	if err != nil {
		panic(err)
	}
	gin.SetMode(gin.TestMode)
	page := httpmod.RoutesFunc(func(r *httpmod.Router) {
		httpmod.Handle(r, http.MethodGet, "/console", func(c *gin.Context) {
			securitymod.OverrideCSP(c, "default-src 'self'")
			c.Data(http.StatusOK, "text/html; charset=utf-8", []byte("<html></html>"))
		})
	})
	e, err := httpmod.NewEngine(httpmod.EngineParams{
		Settings: s, Logger: zap.NewNop(), Routes: []httpmod.Routes{page}, Middleware: []httpmod.Middleware{mw},
	})
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest("GET", "/api/console", nil))
	fmt.Println(rec.Header().Get(securitymod.HeaderCSP))
	// Output: default-src 'self'
}
