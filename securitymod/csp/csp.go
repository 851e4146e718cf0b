// Package csp holds the Content-Security-Policy pieces that handlers need:
// the policy of the API documentation pages and a per-route override.
//
// It is a leaf package (it imports only gin) so that httpmod's docs routes
// can use it: securitymod itself depends on httpmod. securitymod re-exports
// both as [securitymod.DocsCSP] and [securitymod.OverrideCSP].
package csp

import "github.com/gin-gonic/gin"

// Header is the canonical name of the Content-Security-Policy header.
const Header = "Content-Security-Policy"

// Docs is the policy of the Swagger UI and ReDoc pages: they may load
// scripts, styles, images, fonts and workers from the service itself (never
// from a CDN), fetch the OpenAPI document and "try it out" against the same
// origin, and still cannot be framed.
//
//   - style-src has 'unsafe-inline' because both UIs set inline styles
//     (ReDoc injects <style> elements at run time); scripts stay 'self' only,
//     so a docs page must load its bootstrap script from a file, not inline.
//   - img-src and font-src allow data: URIs (Swagger UI's inline SVG icons).
//   - worker-src allows blob: (ReDoc's search worker).
const Docs = "default-src 'none'; " +
	"script-src 'self'; " +
	"style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; " +
	"font-src 'self' data:; " +
	"connect-src 'self'; " +
	"worker-src 'self' blob:; " +
	"frame-ancestors 'none'; " +
	"base-uri 'none'; " +
	"form-action 'none'"

// Override replaces the Content-Security-Policy of the current response with
// policy, but only when the response already carries one: the security-headers
// middleware sets the header before the handler runs, and only in production
// with SECURITY_HEADERS_ENABLED=true and a non-empty CONTENT_SECURITY_POLICY.
// Outside production Override does nothing, so local pages stay unrestricted.
// (A handler that wants its policy in every environment sets the header
// itself: c.Header(csp.Header, csp.Docs).)
//
// Call it in the handler (or a route middleware) before writing the body:
//
//	r.GET("/docs", func(c *gin.Context) {
//		csp.Override(c, csp.Docs)
//		c.Data(http.StatusOK, "text/html; charset=utf-8", page)
//	})
func Override(c *gin.Context, policy string) {
	h := c.Writer.Header()
	if _, ok := h[Header]; ok {
		h[Header] = []string{policy}
	}
}
