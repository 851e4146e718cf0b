package httpmod

import (
	"bytes"
	"html/template"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/m8fx/kit/securitymod/csp"
)

// DocsContentSecurityPolicy is the Content-Security-Policy of the Swagger UI
// and ReDoc pages: [csp.Docs], the one definition shared with
// securitymod.DocsCSP. Every script, style sheet, image, font and worker comes
// from the service itself, never from a CDN; the pages cannot be framed.
const DocsContentSecurityPolicy = csp.Docs

var swaggerPageTemplate = template.Must(template.New("swagger").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} - Swagger UI</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{{.Assets}}/swagger-ui/swagger-ui.css?v={{.V.css}}">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{{.OpenAPI}}"></div>
<script src="{{.Assets}}/swagger-ui/swagger-ui-bundle.js?v={{.V.bundle}}"></script>
<script src="{{.Assets}}/swagger-init.js?v={{.V.init}}"></script>
</body>
</html>
`))

// ReDoc starts by itself on the <redoc spec-url> element: no script of ours.
var redocPageTemplate = template.Must(template.New("redoc").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} - ReDoc</title>
<link rel="icon" href="data:,">
<style>body { margin: 0; padding: 0; }</style>
</head>
<body>
<redoc spec-url="{{.OpenAPI}}"></redoc>
<script src="{{.Assets}}/redoc/redoc.standalone.js?v={{.V.redoc}}"></script>
</body>
</html>
`))

// Register mounts the enabled docs routes on r, the API_PREFIX group
// ([DocsModule] does it with [AsRoutes]): openapi.json, the Swagger UI and
// ReDoc pages, and their assets under /docs/assets/, for GET and HEAD.
// Disabled routes are not mounted, so they answer the engine's plain 404
// {"detail":"Not Found"}.
func (d *Docs) Register(r gin.IRouter) {
	if !d.openAPI {
		return
	}
	getHead := []string{http.MethodGet, http.MethodHead}
	r.Match(getHead, OpenAPIPath, d.serveOpenAPI)
	title := d.cfg.Info.Title
	if title == "" {
		title = "API"
	}
	assets := loadDocsAssets()
	data := map[string]any{
		"Title":   title,
		"OpenAPI": joinRoutePath(d.prefix, OpenAPIPath),
		"Assets":  joinRoutePath(d.prefix, DocsAssetsPath),
		"V": map[string]string{
			"css":    assets["swagger-ui/swagger-ui.css"].version,
			"bundle": assets["swagger-ui/swagger-ui-bundle.js"].version,
			"init":   assets["swagger-init.js"].version,
			"redoc":  assets["redoc/redoc.standalone.js"].version,
		},
	}
	if d.swagger {
		r.Match(getHead, SwaggerUIPath, servePage(render(swaggerPageTemplate, data)))
	}
	if d.redoc {
		r.Match(getHead, RedocPath, servePage(render(redocPageTemplate, data)))
	}
	if d.swagger || d.redoc {
		r.Match(getHead, DocsAssetsPath+"/*file", serveDocsAsset(func(name string) bool {
			if strings.HasPrefix(name, "redoc/") {
				return d.redoc
			}
			return d.swagger // swagger-ui/ and swagger-init.js
		}))
	}
}

func render(t *template.Template, data any) []byte {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		panic("httpmod: docs page template: " + err.Error()) // static templates and data
	}
	return buf.Bytes()
}

// servePage answers with a docs HTML page. The page always carries
// [DocsContentSecurityPolicy]: in production it
// replaces the strict default-src 'none' policy on these pages only, and
// outside production it keeps the pages honest (their assets are 'self'
// only, no inline script), so what renders locally renders in production.
func servePage(page []byte) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", DocsContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-cache")
		c.Data(http.StatusOK, "text/html; charset=utf-8", page)
	}
}

func (d *Docs) serveOpenAPI(c *gin.Context) {
	body, err := d.JSON()
	if err != nil {
		Logger(c, d.log).Error("openapi: building the document", zap.Error(err))
		AbortWithDetail(c, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/json", body)
}
