package securitymod

import (
	"net/http"
	"path"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/settingsmod"
)

// NameTrustedHosts is the [httpmod.Middleware] name of the Host check.
const NameTrustedHosts = "trusted-hosts"

// DetailInvalidHost is the detail of the 400 answer to a refused Host.
const DetailInvalidHost = "Invalid host header"

// Probe routes exempted by TRUSTED_HOSTS_EXEMPT_PROBES, relative to API_PREFIX.
const (
	probeLive  = "/health/live"
	probeReady = "/health/ready"
)

// TrustedHostsConfig is what [NewTrustedHosts] needs. [Module] builds it
// with [TrustedHostsConfigFromSettings]; code outside fx fills it in
// directly.
type TrustedHostsConfig struct {
	// AllowedHosts (ALLOWED_HOSTS) are the Host values served; empty means
	// any. See [NewTrustedHosts] for the forms of an item.
	AllowedHosts []string
	// ExemptProbes (TRUSTED_HOSTS_EXEMPT_PROBES) serves GET
	// {APIPrefix}/health/live and {APIPrefix}/health/ready whatever the Host.
	ExemptProbes bool
	// APIPrefix (API_PREFIX) is where the probes are.
	APIPrefix string
}

// TrustedHostsConfigFromSettings reads the [TrustedHostsConfig] from
// ALLOWED_HOSTS, TRUSTED_HOSTS_EXEMPT_PROBES and API_PREFIX.
func TrustedHostsConfigFromSettings(s *settingsmod.Settings) TrustedHostsConfig {
	return TrustedHostsConfig{
		AllowedHosts: slices.Clone(s.AllowedHosts),
		ExemptProbes: s.TrustedHostsExemptProbes,
		APIPrefix:    s.APIPrefix,
	}
}

// NewTrustedHosts returns the Host header check at
// [httpmod.PriorityTrustedHosts]. When cfg.AllowedHosts is empty it does
// nothing; otherwise a request whose Host is not listed is answered 400
// {"detail":"Invalid host header"} and goes no further.
//
// Items are exact host names or IP literals ("api.example.com", "10.0.0.7",
// "[::1]"), subdomain patterns ("*.example.com" matches a.example.com and
// a.b.example.com, not example.com) or "*" (any host). The comparison ignores
// the port, letter case and a trailing dot. A malformed item is an error.
//
// With cfg.ExemptProbes (TRUSTED_HOSTS_EXEMPT_PROBES=true, the default) GET
// {API_PREFIX}/health/live and {API_PREFIX}/health/ready are served whatever
// the Host, because kubelet probes send the pod IP. The exemption matches the
// route gin selected, so no other path (not even /health/) is exempt.
func NewTrustedHosts(cfg TrustedHostsConfig) (httpmod.Middleware, error) {
	m := httpmod.Middleware{
		Name:     NameTrustedHosts,
		Priority: httpmod.PriorityTrustedHosts,
		Handler:  func(*gin.Context) {},
	}
	hosts, err := newHostMatcher(cfg.AllowedHosts)
	if err != nil {
		return httpmod.Middleware{}, err
	}
	if hosts.empty() {
		return m, nil
	}
	var live, ready string
	if cfg.ExemptProbes {
		live, ready = path.Join("/", cfg.APIPrefix, probeLive), path.Join("/", cfg.APIPrefix, probeReady)
	}
	m.Handler = func(c *gin.Context) {
		if live != "" {
			if route := c.FullPath(); route == live || route == ready {
				return
			}
		}
		if !hosts.allowed(c.Request.Host) {
			httpmod.AbortWithDetail(c, http.StatusBadRequest, DetailInvalidHost)
		}
	}
	return m, nil
}
