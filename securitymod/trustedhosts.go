package securitymod

import (
	"net/http"
	"path"

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

// NewTrustedHosts returns the Host header check at
// [httpmod.PriorityTrustedHosts]. When ALLOWED_HOSTS is empty it does nothing;
// otherwise a request whose Host is not listed is answered 400
// {"detail":"Invalid host header"} and goes no further.
//
// Items are exact host names or IP literals ("api.example.com", "10.0.0.7",
// "[::1]"), subdomain patterns ("*.example.com" matches a.example.com and
// a.b.example.com, not example.com) or "*" (any host). The comparison ignores
// the port, letter case and a trailing dot. A malformed item is an error.
//
// With TRUSTED_HOSTS_EXEMPT_PROBES=true (the default) GET
// {API_PREFIX}/health/live and {API_PREFIX}/health/ready are served whatever
// the Host, because kubelet probes send the pod IP. The exemption matches the
// route gin selected, so no other path (not even /health/) is exempt.
func NewTrustedHosts(s *settingsmod.Settings) (httpmod.Middleware, error) {
	m := httpmod.Middleware{
		Name:     NameTrustedHosts,
		Priority: httpmod.PriorityTrustedHosts,
		Handler:  func(*gin.Context) {},
	}
	hosts, err := newHostMatcher(s.AllowedHosts)
	if err != nil {
		return httpmod.Middleware{}, err
	}
	if hosts.empty() {
		return m, nil
	}
	var live, ready string
	if s.TrustedHostsExemptProbes {
		live, ready = path.Join("/", s.APIPrefix, probeLive), path.Join("/", s.APIPrefix, probeReady)
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
