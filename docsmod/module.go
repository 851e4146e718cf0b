package docsmod

import (
	"errors"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/openapi"
	"github.com/m8fx/kit/settingsmod"
)

// Module serves the API documentation (m8fx.Module includes it):
//
//	{API_PREFIX}/openapi.json   the OpenAPI 3.1 document          SET_OPEN_API
//	{API_PREFIX}/docs           Swagger UI                        SET_DOCS
//	{API_PREFIX}/redoc          ReDoc                             SET_REDOC
//	{API_PREFIX}/docs/assets/   the UIs' embedded assets
//
// All are off in production (ENVIRONMENT=production or
// STRICT_PRODUCTION_MODE) unless SERVE_DOCS_IN_PRODUCTION=true, and the UIs
// are off when the document is; a route that is off answers the plain 404
// {"detail":"Not Found"}. The UIs work offline: their assets are embedded in
// the binary and the pages load nothing from another origin.
//
// It provides [Config] (from [ConfigFromSettings]; fx.Decorate it at the
// root) and [*Docs], and collects [Describe], [DescribeRoot],
// [OpenAPIDocument] and [CustomizeOpenAPI] options. Once the engine is built
// the document is generated from its route table; a customizer error, a
// description that matches no route, or an invalid custom document fails
// start-up with one line.
var Module = fx.Module("docs",
	fx.Provide(ConfigFromSettings, newModuleDocs),
	httpmod.AsRoutes(func(d *Docs) *Docs { return d }),
	fx.Invoke(func(d *Docs, e *gin.Engine) error { return d.Attach(e) }),
)

type docsParams struct {
	fx.In

	Settings *settingsmod.Settings
	Config   Config
	Table    *httpmod.RouteTable
	Logger   *zap.Logger
	Options  []docsOption `group:"m8fx.httpmod.docs_options"`
}

func newModuleDocs(p docsParams) (*Docs, error) {
	cfg := p.Config
	var customizers []func(*openapi.Document) error
	var descs []docsOption
	for _, o := range p.Options {
		switch {
		case o.document != nil:
			if cfg.Document != nil {
				return nil, errors.New("docsmod: more than one custom OpenAPI document (docsmod.OpenAPIDocument)")
			}
			cfg.Document = o.document
		case o.customize != nil:
			customizers = append(customizers, o.customize)
		case o.desc != nil:
			descs = append(descs, o)
		}
	}
	d := New(cfg, p.Table, p.Logger)
	d.customizers = append(d.customizers, customizers...)
	for _, o := range descs {
		path := o.desc.Path
		if !o.root {
			path = joinRoutePath(p.Settings.APIPrefix, path)
		}
		d.Describe(o.desc.Method, path, o.desc.Operation)
	}
	return d, nil
}
