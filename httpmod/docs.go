package httpmod

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/m8fx/kit/httpmod/openapi"
	"github.com/m8fx/kit/settingsmod"
)

// Paths of the docs routes, under API_PREFIX.
const (
	OpenAPIPath    = "/openapi.json"
	SwaggerUIPath  = "/docs"
	RedocPath      = "/redoc"
	DocsAssetsPath = "/docs/assets"
)

// docsOptionsGroup collects [Describe], [DescribeRoot], [OpenAPIDocument]
// and [CustomizeOpenAPI].
const docsOptionsGroup = "m8fx.httpmod.docs_options"

// docsOption is one contribution to the app's [Docs].
type docsOption struct {
	desc      *openapi.Description
	root      bool
	document  json.RawMessage
	customize func(*openapi.Document) error
}

// Describe attaches op to the route method path mounted with [AsRoutes]
// (path relative to API_PREFIX, in gin syntax "/items/:id" or OpenAPI syntax
// "/items/{id}"). Several descriptions of one route merge
// ([openapi.Operation.Merge]); a description that matches no route is logged
// as a warning when the document is built.
//
//	httpmod.Describe("GET", "/items/:id", openapi.Operation{
//		Summary:    "Read an item",
//		Tags:       []string{"items"},
//		Security:   true, // the route uses auth.RequireUser()
//		PathParams: ItemPath{},
//		Responses:  map[int]openapi.Response{200: {Body: Item{}}, 404: {Body: openapi.ErrorBody()}},
//	})
func Describe(method, path string, op openapi.Operation) fx.Option {
	return supplyDocsOption(docsOption{desc: &openapi.Description{Method: method, Path: path, Operation: op}})
}

// DescribeRoot is [Describe] for a route mounted with [AsRootRoutes] (path
// from the engine root).
func DescribeRoot(method, path string, op openapi.Operation) fx.Option {
	return supplyDocsOption(docsOption{desc: &openapi.Description{Method: method, Path: path, Operation: op}, root: true})
}

// OpenAPIDocument replaces the generated document: doc (a complete OpenAPI
// document, a JSON object) is served as it is at {API_PREFIX}/openapi.json
// and by the UIs. An invalid doc fails the app's start-up; two of them too.
func OpenAPIDocument(doc []byte) fx.Option {
	return supplyDocsOption(docsOption{document: json.RawMessage(doc)})
}

// CustomizeOpenAPI registers fn to edit the generated document before it is
// served (add servers, examples, extensions...). An error from fn fails the
// app's start-up when the document is enabled. Several customizers run in an
// unspecified order; they are not called for an [OpenAPIDocument].
func CustomizeOpenAPI(fn func(*openapi.Document) error) fx.Option {
	return supplyDocsOption(docsOption{customize: fn})
}

func supplyDocsOption(o docsOption) fx.Option {
	return fx.Supply(fx.Annotated{Group: docsOptionsGroup, Target: o})
}

// DocsConfig configures the generated document. [NewDocsConfig] fills it
// from the settings; override it at the root of the app:
//
//	fx.Decorate(func(c httpmod.DocsConfig) httpmod.DocsConfig {
//		c.Info.Description = "The item catalogue."
//		c.Tags = append(c.Tags, openapi.Tag{Name: "items", Description: "Catalogue items"})
//		return c
//	})
type DocsConfig struct {
	// Info is the document's info: Title from PROJECT_NAME and Version from
	// SERVICE_VERSION by default.
	Info openapi.Info
	// Servers, when set, is the document's servers list (by default none:
	// the UIs call the origin that served the page).
	Servers []openapi.Server
	// Tags declares tag order and descriptions.
	Tags []openapi.Tag
	// Document, when set, is served instead of the generated document (see
	// [OpenAPIDocument]).
	Document json.RawMessage
	// Customize, when set, edits the generated document (see
	// [CustomizeOpenAPI]); it runs before the registered customizers.
	Customize func(*openapi.Document) error
}

// NewDocsConfig returns the default [DocsConfig] of the settings.
func NewDocsConfig(s *settingsmod.Settings) DocsConfig {
	return DocsConfig{Info: openapi.Info{Title: s.ProjectName, Version: s.ServiceVersion}}
}

// Docs is the app's API documentation: it serves the OpenAPI document of
// the engine's routes at {API_PREFIX}/openapi.json, Swagger UI at
// {API_PREFIX}/docs and ReDoc at {API_PREFIX}/redoc, as SET_OPEN_API,
// SET_DOCS and SET_REDOC allow (see [DocsModule]).
//
// Code that builds routes may inject *Docs and describe them where they are
// registered with [Docs.DescribeIn]; an auth integration may mark routes as
// guarded the same way. Docs is safe for concurrent use.
type Docs struct {
	prefix                  string
	openAPI, swagger, redoc bool
	cfg                     DocsConfig
	log                     *zap.Logger

	mu          sync.Mutex
	descs       []openapi.Description
	customizers []func(*openapi.Document) error
	engine      *gin.Engine
	routeCount  int    // len(engine.Routes()) when body was built
	body        []byte // the served document; nil when stale
}

// ErrDocsNotAttached is returned by [Docs.Document] and [Docs.JSON] before
// [Docs.Attach] has read the engine's routes.
var ErrDocsNotAttached = errors.New("httpmod: docs are not attached to an engine yet")

// NewDocs returns the docs of an app. The routes served are decided here:
// openapi.json when SET_OPEN_API and not [settingsmod.Settings.DocsGated];
// Swagger UI and ReDoc when the document is served and SET_DOCS or
// SET_REDOC say so (as in FastAPI, the UIs need the document). A nil log
// means no logging.
func NewDocs(s *settingsmod.Settings, cfg DocsConfig, log *zap.Logger) *Docs {
	if log == nil {
		log = zap.NewNop()
	}
	on := s.SetOpenAPI && !s.DocsGated()
	d := &Docs{
		prefix:  s.APIPrefix,
		openAPI: on,
		swagger: on && s.SetDocs,
		redoc:   on && s.SetRedoc,
		cfg:     cfg,
		log:     log,
	}
	if cfg.Customize != nil {
		d.customizers = append(d.customizers, cfg.Customize)
	}
	return d
}

// Enabled reports which of openapi.json, Swagger UI and ReDoc are served.
func (d *Docs) Enabled() (openAPI, swaggerUI, redoc bool) { return d.openAPI, d.swagger, d.redoc }

// Describe attaches op to the route method fullPath, the path as the engine
// lists it (API_PREFIX included), e.g. "/api/items/:id".
func (d *Docs) Describe(method, fullPath string, op openapi.Operation) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.descs = append(d.descs, openapi.Description{Method: method, Path: fullPath, Operation: op})
	d.body = nil
}

// DescribeIn attaches op to the route method relPath of router r (a
// *gin.RouterGroup or the engine), as registered in a [Routes.Register]:
//
//	func (h *ItemRoutes) Register(r gin.IRouter) {
//		r.POST("/items/", h.auth.RequireWriter(), h.Create)
//		h.docs.DescribeIn(r, "POST", "/items/", openapi.Operation{Role: "writer", Body: ItemCreate{}})
//	}
func (d *Docs) DescribeIn(r gin.IRouter, method, relPath string, op openapi.Operation) {
	base := "/"
	if g, ok := r.(interface{ BasePath() string }); ok {
		base = g.BasePath()
	}
	d.Describe(method, joinRoutePath(base, relPath), op)
}

// Attach reads the routes of e (call it once every route is mounted) and,
// when the document is served, builds it: an error of a customizer, or an
// invalid custom document, is returned. The docs routes themselves are not
// part of the document.
func (d *Docs) Attach(e *gin.Engine) error {
	if doc := d.cfg.Document; doc != nil && !validDocument(doc) {
		return errors.New("httpmod: the custom OpenAPI document is not a JSON object with an \"openapi\" field")
	}
	d.mu.Lock()
	d.engine, d.body = e, nil
	d.mu.Unlock()
	if !d.openAPI {
		return nil
	}
	_, err := d.JSON()
	return err
}

// Document returns a newly generated document (the custom
// [DocsConfig.Document], if any, is not consulted), with the customizers
// applied, and logs descriptions that matched no route.
func (d *Docs) Document() (*openapi.Document, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.generate()
}

func (d *Docs) generate() (*openapi.Document, error) {
	if d.engine == nil {
		return nil, ErrDocsNotAttached
	}
	routes := docRoutes(d.engine, d.prefix)
	kit, kitTags := kitDescriptions(d.prefix, routes)
	g := openapi.Generator{Info: d.cfg.Info, Servers: d.cfg.Servers, Tags: d.cfg.Tags}
	doc, unmatched := g.Generate(routes, append(kit, d.descs...))
	doc.Tags = kitTagsLast(doc.Tags, d.cfg.Tags, kitTags)
	for _, u := range unmatched {
		d.log.Warn("openapi: a description matches no registered route",
			zap.String("method", u.Method), zap.String("path", u.Path))
	}
	for _, fn := range d.customizers {
		if err := fn(doc); err != nil {
			return nil, fmt.Errorf("httpmod: customizing the OpenAPI document: %w", err)
		}
	}
	return doc, nil
}

// JSON returns the served document: the custom one if set, else the
// generated one (built once, and again after a later Describe).
func (d *Docs) JSON() ([]byte, error) {
	if d.cfg.Document != nil {
		return d.cfg.Document, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	// Routes added to the engine after Attach (by a later fx.Invoke, say)
	// make the cached document stale.
	if d.body != nil && len(d.engine.Routes()) == d.routeCount {
		return d.body, nil
	}
	doc, err := d.generate()
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("httpmod: encoding the OpenAPI document: %w", err)
	}
	d.body = body
	d.routeCount = len(d.engine.Routes())
	return body, nil
}

// docRoutes lists the routes of e for the document: all but the docs routes
// themselves.
func docRoutes(e *gin.Engine, prefix string) []openapi.Route {
	own := map[string]bool{}
	for _, p := range []string{OpenAPIPath, SwaggerUIPath, RedocPath, DocsAssetsPath + "/*file"} {
		own[joinRoutePath(prefix, p)] = true
	}
	var routes []openapi.Route
	for _, r := range e.Routes() {
		if !own[r.Path] {
			routes = append(routes, openapi.Route{Method: r.Method, Path: r.Path})
		}
	}
	return routes
}

// kitTagsLast moves the kit's tags (health, metrics) after the service's
// own, with their descriptions, unless the service declared them itself.
func kitTagsLast(tags, declared, kit []openapi.Tag) []openapi.Tag {
	out := make([]openapi.Tag, 0, len(tags))
	for _, t := range tags {
		if containsTag(kit, t.Name) && !containsTag(declared, t.Name) {
			continue
		}
		out = append(out, t)
	}
	for _, t := range kit {
		if !containsTag(out, t.Name) {
			out = append(out, t)
		}
	}
	return out
}

func validDocument(doc []byte) bool {
	var v map[string]json.RawMessage
	if err := json.Unmarshal(doc, &v); err != nil {
		return false
	}
	_, ok := v["openapi"]
	return ok
}

// joinRoutePath joins like gin's router groups: a trailing slash of rel is
// kept.
func joinRoutePath(base, rel string) string {
	if rel == "" {
		return base
	}
	p := path.Join(base, rel)
	if strings.HasSuffix(rel, "/") && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// kitDescriptions describes the kit's own routes (health, metrics) that are
// present, and returns their tags.
func kitDescriptions(prefix string, routes []openapi.Route) ([]openapi.Description, []openapi.Tag) {
	present := map[string]bool{}
	for _, r := range routes {
		present[r.Method+" "+r.Path] = true
	}
	health := []openapi.Tag{{Name: "health", Description: "Liveness, readiness and the health report of the service."}}
	healthReport := openapi.Operation{
		Summary: "Health report",
		Description: "The aggregate status of the service's checks: `{\"status\": \"ok\"}`, `degraded` or `fail`. " +
			"Before the service is ready it answers 503 `{\"status\":\"initializing\",\"ready\":false}`. " +
			"Callers with the health detail credential (header `X-Internal-Token`) get every check's result. " +
			"Also served without the trailing slash.",
		Tags: []string{"health"},
		Responses: map[int]openapi.Response{
			200: {Description: "The service is healthy or degraded"},
			503: {Description: "The service is initializing or draining, or a check failed"},
		},
	}
	all := []struct {
		path string
		op   openapi.Operation
		tags []openapi.Tag
	}{
		{joinRoutePath(prefix, "/health/"), healthReport, health},
		// The alias without the slash serves the same answer: documented once.
		{joinRoutePath(prefix, "/health"), openapi.Operation{Hidden: present["GET "+joinRoutePath(prefix, "/health/")]}.Merge(healthReport), health},
		{joinRoutePath(prefix, "/health/live"), openapi.Operation{
			Summary: "Liveness probe", Tags: []string{"health"},
			Description: "200 while the process serves requests; never checks dependencies.",
			Responses:   map[int]openapi.Response{200: {Description: "The process is alive"}},
		}, health},
		{joinRoutePath(prefix, "/health/ready"), openapi.Operation{
			Summary: "Readiness probe", Tags: []string{"health"},
			Description: "503 until the service is ready and while it drains; otherwise like the health report.",
			Responses: map[int]openapi.Response{
				200: {Description: "The service is ready"},
				503: {Description: "Not ready: initializing, draining, or a check failed"},
			},
		}, health},
		{"/metrics", openapi.Operation{
			Summary: "Prometheus metrics", Tags: []string{"metrics"},
			Description: "Prometheus text exposition format. When METRICS_SCRAPE_CREDENTIAL is set, " +
				"the scraper sends `Authorization: Bearer <credential>`.",
			Responses: map[int]openapi.Response{
				200: {Description: "The metrics"},
				401: {Description: "Missing or wrong scrape credential", Body: openapi.ErrorBody()},
			},
		}, []openapi.Tag{{Name: "metrics", Description: "Operational metrics."}}},
	}
	var descs []openapi.Description
	var tags []openapi.Tag
	for _, k := range all {
		if !present["GET "+k.path] {
			continue
		}
		descs = append(descs, openapi.Description{Method: "GET", Path: k.path, Operation: k.op})
		for _, t := range k.tags {
			if !containsTag(tags, t.Name) {
				tags = append(tags, t)
			}
		}
	}
	return descs, tags
}

func containsTag(tags []openapi.Tag, name string) bool {
	for _, t := range tags {
		if t.Name == name {
			return true
		}
	}
	return false
}

// OpenAPISchema makes ErrorBody the generator's shared HTTPError component
// ({"detail": "<message>"}), so that a Response{Body: httpmod.ErrorBody{}}
// and the 401/403 of guarded routes use one schema.
func (ErrorBody) OpenAPISchema() *openapi.Schema { return openapi.ErrorBody() }
