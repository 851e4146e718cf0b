package m8fx

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/settingsmod"
)

// DefaultAPIVersion is the api_version of GET {API_PREFIX}/meta when
// API_VERSION is not set.
const DefaultAPIVersion = "v1"

// MetaCacheControl is the Cache-Control header of a 200 from GET
// {API_PREFIX}/meta.
const MetaCacheControl = "public, max-age=300"

// MetaConfig is what GET {API_PREFIX}/meta reports. m8fx.Module provides it
// with [MetaConfigFromSettings]; a service changes it with fx.Decorate at
// the root:
//
//	fx.Decorate(func(c m8fx.MetaConfig) m8fx.MetaConfig {
//		c.ContractVersion = contract.Version
//		return c
//	})
type MetaConfig struct {
	// Service is the service's name (PROJECT_NAME).
	Service string
	// Version is the service's version (SERVICE_VERSION); "" leaves it out.
	Version string
	// APIVersion is the API's version (API_VERSION; "" means
	// [DefaultAPIVersion]).
	APIVersion string
	// ContractName is the name of the contract the service implements
	// (CONTRACT_NAME; "" means Service).
	ContractName string
	// ContractVersion and ContractRange are the contract's version and the
	// range of versions the service accepts (CONTRACT_VERSION,
	// CONTRACT_RANGE); "" leaves them out. [RequireContract] makes an empty
	// ContractVersion a boot error.
	ContractVersion, ContractRange string
}

// MetaConfigFromSettings returns the [MetaConfig] of s: Service from
// PROJECT_NAME, Version from SERVICE_VERSION, APIVersion from API_VERSION
// ("v1" by default), ContractName from CONTRACT_NAME (the service's name by
// default), ContractVersion from CONTRACT_VERSION and ContractRange from
// CONTRACT_RANGE. A nil s yields only the defaults.
func MetaConfigFromSettings(s *settingsmod.Settings) MetaConfig {
	var cfg MetaConfig
	if s != nil {
		cfg = MetaConfig{
			Service:         s.ProjectName,
			Version:         s.ServiceVersion,
			APIVersion:      s.APIVersion,
			ContractName:    s.ContractName,
			ContractVersion: s.ContractVersion,
			ContractRange:   s.ContractRange,
		}
	}
	return cfg.withDefaults()
}

// withDefaults fills in the default API version and contract name.
func (c MetaConfig) withDefaults() MetaConfig {
	c.APIVersion = cmp.Or(c.APIVersion, DefaultAPIVersion)
	c.ContractName = cmp.Or(c.ContractName, c.Service)
	return c
}

// MetaBody is the answer of GET {API_PREFIX}/meta.
type MetaBody struct {
	Service    string       `json:"service" doc:"The service's name (PROJECT_NAME)"`
	Version    string       `json:"version,omitempty" doc:"The service's version (SERVICE_VERSION)"`
	APIVersion string       `json:"api_version" doc:"The API's version (API_VERSION)" example:"v1"`
	Contract   MetaContract `json:"contract"`
}

// MetaContract is the contract part of [MetaBody].
type MetaContract struct {
	Name    string `json:"name" doc:"The contract's name (CONTRACT_NAME, by default the service's name)"`
	Version string `json:"version,omitempty" doc:"The contract's version (CONTRACT_VERSION)"`
	Range   string `json:"range,omitempty" doc:"The contract versions the service accepts (CONTRACT_RANGE)"`
}

// PingBody is the answer of GET {API_PREFIX}/ping.
type PingBody struct {
	Status string `json:"status" enum:"ok"`
}

// metaRoutes serves GET /meta and GET /ping.
type metaRoutes struct{ body MetaBody }

// NewMetaRoutes returns the routes GET /meta and GET /ping (relative to the
// router they are registered on; m8fx.Module mounts them under API_PREFIX),
// both typed, public and documented under the tag "meta". Neither depends
// on readiness: they answer as soon as the server listens. Empty fields of
// cfg get their defaults (APIVersion "v1", ContractName the service's name).
func NewMetaRoutes(cfg MetaConfig) httpmod.Routes {
	cfg = cfg.withDefaults()
	return &metaRoutes{body: MetaBody{
		Service:    cfg.Service,
		Version:    cfg.Version,
		APIVersion: cfg.APIVersion,
		Contract: MetaContract{
			Name:    cfg.ContractName,
			Version: cfg.ContractVersion,
			Range:   cfg.ContractRange,
		},
	}}
}

// Register declares the routes on r. A route whose GET the router's table
// already holds (a service's own /ping, say) is left to it: the kit's is
// then not declared.
func (m *metaRoutes) Register(r *httpmod.Router) {
	tag := httpmod.Doc{Tags: []string{"meta"}}
	if !getDeclared(r, "/meta") {
		// /meta on a group of its own, whose middleware adds Cache-Control
		// to its 200 answers (never to a 503 or a 500).
		cached := httpmod.NewRouter(r.Gin().Group("", cacheControl(MetaCacheControl)), r.Table())
		httpmod.Route(cached, http.MethodGet, "/meta", m.meta, tag, httpmod.Doc{
			Summary: "Service metadata",
			Description: "The service's name and version, the API version and the contract the service implements. " +
				"Answered with `Cache-Control: " + MetaCacheControl + "`; absent versions are left out.",
		})
	}
	if !getDeclared(r, "/ping") {
		httpmod.Route(r, http.MethodGet, "/ping", m.ping, tag, httpmod.Doc{
			Summary:     "Ping",
			Description: "`{\"status\":\"ok\"}` while the process serves requests; independent of readiness and dependencies.",
		})
	}
}

// getDeclared reports whether r's table holds GET rel (relative to r).
func getDeclared(r *httpmod.Router, rel string) bool {
	full := strings.TrimSuffix(r.BasePath(), "/") + rel
	for _, d := range r.Table().Routes() {
		if d.Method == http.MethodGet && d.Path == full {
			return true
		}
	}
	return false
}

func (m *metaRoutes) meta(context.Context, *httpmod.NoInput) (*MetaBody, error) {
	body := m.body
	return &body, nil
}

func (m *metaRoutes) ping(context.Context, *httpmod.NoInput) (*PingBody, error) {
	return &PingBody{Status: "ok"}, nil
}

// cacheControl sets the Cache-Control header to value on 200 answers.
func cacheControl(value string) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Writer = &cacheControlWriter{ResponseWriter: c.Writer, value: value}
		c.Next()
	}
}

// cacheControlWriter adds Cache-Control when the status written is 200.
type cacheControlWriter struct {
	gin.ResponseWriter
	value string
}

func (w *cacheControlWriter) WriteHeader(code int) {
	if code == http.StatusOK {
		w.Header().Set("Cache-Control", w.value)
	}
	w.ResponseWriter.WriteHeader(code)
}

// errContractVersion is the boot error of [RequireContract].
var errContractVersion = errors.New("CONTRACT_VERSION is not set (required by m8fx.RequireContract)")

// RequireContract makes a missing CONTRACT_VERSION (an empty
// MetaConfig.ContractVersion, after any fx.Decorate) a boot error: the app
// is not built, and [Run] prints one line naming the variable. Without it an
// absent CONTRACT_VERSION is only left out of GET {API_PREFIX}/meta.
//
//	m8fx.Main(m8fx.Module, m8fx.RequireContract(), httpmod.AsRoutes(NewRoutes))
func RequireContract() fx.Option {
	return fx.Invoke(func(c MetaConfig) error {
		if c.ContractVersion == "" {
			return errContractVersion
		}
		return nil
	})
}

// metaModule provides the [MetaConfig] and mounts the meta routes under
// API_PREFIX. They are root routes declared on an API_PREFIX group rather
// than [httpmod.AsRoutes] routes: the engine declares root routes after
// every AsRoutes one (whose order fx does not fix), so a service's own GET
// {API_PREFIX}/meta or /ping is always seen, and kept, instead of failing
// the start as declared twice.
var metaModule = fx.Module("meta",
	fx.Provide(MetaConfigFromSettings),
	httpmod.AsRootRoutes(newBundleMetaRoutes),
)

// newBundleMetaRoutes mounts [NewMetaRoutes] under API_PREFIX from the
// engine's root router.
func newBundleMetaRoutes(s *settingsmod.Settings, cfg MetaConfig) httpmod.Routes {
	routes := NewMetaRoutes(cfg)
	return httpmod.RoutesFunc(func(root *httpmod.Router) { routes.Register(root.Group(s.APIPrefix)) })
}
