package securitymod

import (
	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/securitymod/csp"
)

// DocsCSP is the Content-Security-Policy of the API documentation pages
// (Swagger UI, ReDoc): their own scripts, styles, images, fonts and workers
// only, no framing. It is [csp.Docs]; httpmod's docs routes use the csp
// package directly because securitymod imports httpmod.
const DocsCSP = csp.Docs

// OverrideCSP replaces the Content-Security-Policy of the current response
// with policy when the security-headers layer has set one (production only);
// otherwise it does nothing, so pages stay unrestricted in local and
// development. See [csp.Override].
//
//	r.GET("/console", func(c *gin.Context) {
//		securitymod.OverrideCSP(c, securitymod.DocsCSP)
//		c.Data(http.StatusOK, "text/html; charset=utf-8", page)
//	})
func OverrideCSP(c *gin.Context, policy string) { csp.Override(c, policy) }
