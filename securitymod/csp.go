package securitymod

import "github.com/gin-gonic/gin"

// DocsCSP is the Content-Security-Policy of the API documentation pages
// (Swagger UI, ReDoc; docsmod serves them with it in every environment):
// they may load scripts, styles, images, fonts and workers from the service
// itself (never from a CDN), fetch the OpenAPI document and "try it out"
// against the same origin, and cannot be framed.
//
//   - style-src has 'unsafe-inline' because both UIs set inline styles
//     (ReDoc injects <style> elements at run time); scripts stay 'self' only,
//     so a docs page must load its bootstrap script from a file, not inline.
//   - img-src and font-src allow data: URIs (Swagger UI's inline SVG icons).
//   - worker-src allows blob: (ReDoc's search worker).
const DocsCSP = "default-src 'none'; " +
	"script-src 'self'; " +
	"style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; " +
	"font-src 'self' data:; " +
	"connect-src 'self'; " +
	"worker-src 'self' blob:; " +
	"frame-ancestors 'none'; " +
	"base-uri 'none'; " +
	"form-action 'none'"

// OverrideCSP replaces the Content-Security-Policy of the current response
// with policy, but only when the response already carries one: the
// security-headers middleware sets the header before the handler runs, and
// only in production with SECURITY_HEADERS_ENABLED=true and a non-empty
// CONTENT_SECURITY_POLICY. Outside production OverrideCSP does nothing, so
// local pages stay unrestricted. (A handler that wants its policy in every
// environment sets the header itself.)
//
//	r.GET("/console", func(c *gin.Context) {
//		securitymod.OverrideCSP(c, securitymod.DocsCSP)
//		c.Data(http.StatusOK, "text/html; charset=utf-8", page)
//	})
func OverrideCSP(c *gin.Context, policy string) {
	h := c.Writer.Header()
	if _, ok := h[HeaderCSP]; ok {
		h[HeaderCSP] = []string{policy}
	}
}
