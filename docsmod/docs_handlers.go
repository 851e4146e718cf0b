package docsmod

import (
	"bytes"
	"html/template"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/securitymod"
)

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

// Register mounts the enabled docs routes on r, the API_PREFIX router
// ([Module] does it with httpmod.AsRoutes): openapi.json, the Swagger UI and
// ReDoc pages, and their assets under /docs/assets/, for GET and HEAD. They
// are not part of the document. Disabled routes are not mounted, so they
// answer the engine's plain 404 {"detail":"Not Found"}.
func (d *Docs) Register(r *httpmod.Router) {
	if !d.openAPI {
		return
	}
	hidden := httpmod.Doc{Hidden: true}
	httpmod.Handle(r, http.MethodGet, OpenAPIPath, d.serveOpenAPI, hidden)
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
		httpmod.Handle(r, http.MethodGet, SwaggerUIPath, servePage(render(swaggerPageTemplate, data)), hidden)
	}
	if d.redoc {
		httpmod.Handle(r, http.MethodGet, RedocPath, servePage(render(redocPageTemplate, data)), hidden)
	}
	if d.swagger || d.redoc {
		httpmod.Handle(r, http.MethodGet, DocsAssetsPath+"/*file", serveDocsAsset(func(name string) bool {
			if strings.HasPrefix(name, "redoc/") {
				return d.redoc
			}
			return d.swagger // swagger-ui/ and swagger-init.js
		}), hidden)
	}
}

func render(t *template.Template, data any) []byte {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		panic("docsmod: docs page template: " + err.Error()) // static templates and data
	}
	return buf.Bytes()
}

// servePage answers with a docs HTML page. The page always carries
// securitymod.DocsCSP: in production it
// replaces the strict default-src 'none' policy on these pages only, and
// outside production it keeps the pages honest (their assets are 'self'
// only, no inline script), so what renders locally renders in production.
func servePage(page []byte) gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", securitymod.DocsCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-cache")
		c.Data(http.StatusOK, "text/html; charset=utf-8", page)
	}
}

func (d *Docs) serveOpenAPI(c *gin.Context) {
	body, err := d.JSON()
	if err != nil {
		httpmod.Logger(c, d.log).Error("openapi: building the document", zap.Error(err))
		httpmod.AbortWithDetail(c, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/json", body)
}
