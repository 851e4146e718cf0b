package docsmod

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/openapi"
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

// Describe attaches op to a route that was registered on gin directly
// (httpmod.Router.Gin), under API_PREFIX (path relative to it, in gin syntax
// "/files/*name" or OpenAPI syntax "/files/{name}"). Routes declared with
// httpmod.Route or httpmod.Handle carry their documentation in the
// declaration and cannot be described again. A description that matches no
// route, or a declared one, fails the app's start.
//
//	docsmod.Describe("GET", "/files/*name", openapi.Operation{
//		Summary:   "Download a file",
//		Responses: map[int]openapi.Response{200: {Description: "The file"}},
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

// Config configures the generated document. [ConfigFromSettings] fills it
// from the settings; override it at the root of the app:
//
//	fx.Decorate(func(c docsmod.Config) docsmod.Config {
//		c.Info.Description = "The item catalogue."
//		c.Tags = append(c.Tags, openapi.Tag{Name: "items", Description: "Catalogue items"})
//		return c
//	})
type Config struct {
	// Prefix is the path the docs are served under (API_PREFIX).
	Prefix string
	// OpenAPI serves {Prefix}/openapi.json: SET_OPEN_API, unless the
	// environment gates the docs ([settingsmod.Settings.DocsGated]).
	OpenAPI bool
	// SwaggerUI serves {Prefix}/docs and ReDoc {Prefix}/redoc (SET_DOCS,
	// SET_REDOC); the UIs need the document, so they are off when OpenAPI
	// is.
	SwaggerUI, ReDoc bool
	// Info is the document's info: Title from PROJECT_NAME and Version from
	// SERVICE_VERSION by default.
	Info openapi.Info
	// Servers is the document's servers list (by default one relative
	// entry, "/": the UIs call the origin that served the page).
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

// ConfigFromSettings returns the default [Config] of the settings.
func ConfigFromSettings(s *settingsmod.Settings) Config {
	on := s.SetOpenAPI && !s.DocsGated()
	return Config{
		Prefix:    s.APIPrefix,
		OpenAPI:   on,
		SwaggerUI: on && s.SetDocs,
		ReDoc:     on && s.SetRedoc,
		Info:      openapi.Info{Title: s.ProjectName, Version: s.ServiceVersion},
		// Relative: the UIs and clients call the origin that served the
		// document. The paths are full (API_PREFIX included), because
		// /metrics lives at the root.
		Servers: []openapi.Server{{URL: "/", Description: "This service"}},
	}
}

// Docs is the app's API documentation: it serves the OpenAPI document of
// the engine's routes at {API_PREFIX}/openapi.json, Swagger UI at
// {API_PREFIX}/docs and ReDoc at {API_PREFIX}/redoc, as SET_OPEN_API,
// SET_DOCS and SET_REDOC allow (see [Module]). The document is generated
// from the route table: every declared route with its operation, and the
// routes registered on gin directly with their method, path and any
// [Describe]. Docs is safe for concurrent use.
type Docs struct {
	prefix                  string
	openAPI, swagger, redoc bool
	cfg                     Config
	log                     *zap.Logger
	table                   *httpmod.RouteTable

	mu          sync.Mutex
	descs       []openapi.Description
	customizers []func(*openapi.Document) error
	engine      *gin.Engine
	routeCount  int    // len(engine.Routes()) when body was built
	body        []byte // the served document; nil when stale
}

// ErrNotAttached is returned by [Docs.Document] and [Docs.JSON] before
// [Docs.Attach] has read the engine's routes.
var ErrNotAttached = errors.New("docsmod: docs are not attached to an engine yet")

// New returns the docs of an app, serving what cfg says (as in FastAPI,
// the UIs need the document: they are off when cfg.OpenAPI is). table holds
// the declared routes (nil: none). A nil log means no logging.
func New(cfg Config, table *httpmod.RouteTable, log *zap.Logger) *Docs {
	if log == nil {
		log = zap.NewNop()
	}
	d := &Docs{
		prefix:  cfg.Prefix,
		openAPI: cfg.OpenAPI,
		swagger: cfg.OpenAPI && cfg.SwaggerUI,
		redoc:   cfg.OpenAPI && cfg.ReDoc,
		cfg:     cfg,
		log:     log,
		table:   table,
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

// Attach reads the routes of e (call it once every route is mounted) and,
// when the document is served, builds it: an error of a customizer, or an
// invalid custom document, is returned. The docs routes themselves are not
// part of the document.
func (d *Docs) Attach(e *gin.Engine) error {
	if doc := d.cfg.Document; doc != nil && !validDocument(doc) {
		return errors.New("docsmod: the custom OpenAPI document is not a JSON object with an \"openapi\" field")
	}
	d.mu.Lock()
	d.engine, d.body = e, nil
	d.mu.Unlock()
	if d.openAPI && d.cfg.Document == nil {
		_, err := d.JSON() // builds the document, checking the descriptions
		return err
	}
	// A description that matches no route is a mistake whether or not the
	// generated document is served.
	d.mu.Lock()
	defer d.mu.Unlock()
	_, _, err := d.routes()
	return err
}

// Document returns a newly generated document (the custom
// [Config.Document], if any, is not consulted), with the customizers
// applied; a description that matches no raw route is an error.
func (d *Docs) Document() (*openapi.Document, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.generate()
}

func (d *Docs) generate() (*openapi.Document, error) {
	if d.engine == nil {
		return nil, ErrNotAttached
	}
	routes, descs, err := d.routes()
	if err != nil {
		return nil, err
	}
	g := openapi.Generator{Info: d.cfg.Info, Servers: d.cfg.Servers, Tags: d.cfg.Tags}
	if d.table != nil {
		g.Limits = d.table.Limit
	}
	doc, _ := g.Generate(routes, descs)
	doc.Tags = kitTagsLast(doc.Tags, d.cfg.Tags, kitTags())
	for _, fn := range d.customizers {
		if err := fn(doc); err != nil {
			return nil, fmt.Errorf("docsmod: customizing the OpenAPI document: %w", err)
		}
	}
	return doc, nil
}

// routeKey is a method and a path in OpenAPI syntax.
type routeKey struct{ method, path string }

// routes lists the engine's routes for the document (the HEAD twins of GET
// routes and the docs routes themselves left out) with their descriptions:
// the declared routes' operations and the [Describe]s of the others. A
// description of a declared route, or of no route, is an error.
func (d *Docs) routes() ([]openapi.Route, []openapi.Description, error) {
	declared := map[routeKey]bool{}
	twins := map[string]bool{}
	var descs []openapi.Description
	if d.table != nil {
		for _, r := range d.table.Routes() {
			if r.HEADOf || r.AliasOf != "" {
				twins[r.Method+" "+r.Path] = true
				continue
			}
			declared[routeKey{r.Method, toOpenAPIPath(r.Path)}] = true
			descs = append(descs, openapi.Description{Method: r.Method, Path: r.Path, Operation: r.Operation})
		}
	}
	var routes []openapi.Route
	raw := map[routeKey]bool{}
	for _, r := range d.engine.Routes() {
		if d.ownRoute(r.Path) || twins[r.Method+" "+r.Path] {
			continue
		}
		if k := (routeKey{r.Method, toOpenAPIPath(r.Path)}); !declared[k] {
			raw[k] = true
		}
		routes = append(routes, openapi.Route{Method: r.Method, Path: r.Path})
	}
	var errs []string
	for _, desc := range d.descs {
		k := routeKey{strings.ToUpper(desc.Method), toOpenAPIPath(desc.Path)}
		switch {
		case raw[k]:
			descs = append(descs, desc)
		case declared[k]:
			errs = append(errs, fmt.Sprintf("%s %s is declared with httpmod.Route or httpmod.Handle: its documentation belongs in the declaration", k.method, desc.Path))
		default:
			errs = append(errs, fmt.Sprintf("%s %s matches no route", k.method, desc.Path))
		}
	}
	if len(errs) > 0 {
		return nil, nil, errors.New("docsmod: OpenAPI description: " + strings.Join(errs, "; "))
	}
	return routes, descs, nil
}

// ownRoute reports whether path is one of the docs routes.
func (d *Docs) ownRoute(path string) bool {
	for _, p := range []string{OpenAPIPath, SwaggerUIPath, RedocPath, DocsAssetsPath + "/*file"} {
		if path == joinRoutePath(d.prefix, p) {
			return true
		}
	}
	return false
}

// toOpenAPIPath converts gin's :name and *name segments to {name}.
func toOpenAPIPath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if len(s) > 1 && (s[0] == ':' || s[0] == '*') {
			segs[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(segs, "/")
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
		return nil, fmt.Errorf("docsmod: encoding the OpenAPI document: %w", err)
	}
	d.body = body
	d.routeCount = len(d.engine.Routes())
	return body, nil
}

// kitTagsLast moves the kit's tags that operations use (health, metrics)
// after the service's own, with their descriptions, unless the service
// declared them itself.
func kitTagsLast(tags, declared, kit []openapi.Tag) []openapi.Tag {
	out := make([]openapi.Tag, 0, len(tags))
	var moved []openapi.Tag
	for _, t := range tags {
		i := slices.IndexFunc(kit, func(k openapi.Tag) bool { return k.Name == t.Name })
		if i >= 0 && !containsTag(declared, t.Name) {
			moved = append(moved, kit[i])
			continue
		}
		out = append(out, t)
	}
	return append(out, moved...)
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

// kitTags are the tags of the kit's own routes, shown after the service's
// own with their descriptions unless the service declares them itself.
func kitTags() []openapi.Tag {
	return []openapi.Tag{
		{Name: "health", Description: "Liveness, readiness and the health report of the service."},
		{Name: "metrics", Description: "Operational metrics."},
		{Name: "meta", Description: "What the service is and which contract it speaks."},
	}
}

func containsTag(tags []openapi.Tag, name string) bool {
	for _, t := range tags {
		if t.Name == name {
			return true
		}
	}
	return false
}
