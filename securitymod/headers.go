package securitymod

import (
	"fmt"
	"strconv"

	"github.com/gin-gonic/gin"
	"golang.org/x/net/http/httpguts"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/settingsmod"
)

// Names of the security response headers (canonical form).
const (
	HeaderFrameOptions       = "X-Frame-Options"
	HeaderContentTypeOptions = "X-Content-Type-Options"
	HeaderCSP                = "Content-Security-Policy"
	HeaderReferrerPolicy     = "Referrer-Policy"
	HeaderPermissionsPolicy  = "Permissions-Policy"
	HeaderHSTS               = "Strict-Transport-Security"
)

// NameSecurityHeaders is the [httpmod.Middleware] name of the security
// headers layer.
const NameSecurityHeaders = "security-headers"

// HeadersConfig is what [NewSecurityHeaders] needs. [Module] builds it
// with [HeadersConfigFromSettings]; code outside fx fills it in directly.
type HeadersConfig struct {
	// Enabled turns the headers on. The settings enable them in production
	// only ([settingsmod.Settings.IsProduction]: ENVIRONMENT=production or
	// STRICT_PRODUCTION_MODE=true) with SECURITY_HEADERS_ENABLED=true.
	Enabled bool
	// ContentSecurityPolicy (CONTENT_SECURITY_POLICY), ReferrerPolicy
	// (REFERRER_POLICY) and PermissionsPolicy (PERMISSIONS_POLICY) are the
	// values of their headers; an empty one drops its header only.
	ContentSecurityPolicy string
	ReferrerPolicy        string
	PermissionsPolicy     string
	// HSTSMaxAgeSeconds (HSTS_MAX_AGE) is the max-age of
	// Strict-Transport-Security; 0 drops that header only.
	HSTSMaxAgeSeconds int
	// HSTSIncludeSubdomains (HSTS_INCLUDE_SUBDOMAINS) adds includeSubDomains.
	HSTSIncludeSubdomains bool
}

// HeadersConfigFromSettings reads the [HeadersConfig] from the settings:
// Enabled in production with SECURITY_HEADERS_ENABLED=true, the policies
// from CONTENT_SECURITY_POLICY, REFERRER_POLICY and PERMISSIONS_POLICY,
// HSTS from HSTS_MAX_AGE and HSTS_INCLUDE_SUBDOMAINS.
func HeadersConfigFromSettings(s *settingsmod.Settings) HeadersConfig {
	return HeadersConfig{
		Enabled:               s.IsProduction() && s.SecurityHeadersEnabled,
		ContentSecurityPolicy: s.ContentSecurityPolicy,
		ReferrerPolicy:        s.ReferrerPolicy,
		PermissionsPolicy:     s.PermissionsPolicy,
		HSTSMaxAgeSeconds:     s.HSTSMaxAge,
		HSTSIncludeSubdomains: s.HSTSIncludeSubdomains,
	}
}

// NewSecurityHeaders returns the response-hardening layer at
// [httpmod.PrioritySecurityHeaders]. When cfg.Enabled (in production with
// SECURITY_HEADERS_ENABLED=true, see [HeadersConfigFromSettings]) every
// response carries
//
//	X-Frame-Options: DENY
//	X-Content-Type-Options: nosniff
//	Content-Security-Policy: CONTENT_SECURITY_POLICY
//	Referrer-Policy: REFERRER_POLICY
//	Permissions-Policy: PERMISSIONS_POLICY
//	Strict-Transport-Security: max-age=HSTS_MAX_AGE[; includeSubDomains]
//
// HSTS_MAX_AGE=0 drops Strict-Transport-Security only; an empty policy
// drops its header only. Otherwise the handler does nothing.
//
// The headers are set before the rest of the chain runs, so answers written
// by inner layers and handlers (400 from trusted hosts, 401, 404, 500 from
// the recovery) keep them. A handler may replace one afterwards, e.g. the
// docs pages with [OverrideCSP]. A value that is not a valid header value
// (control characters) is an error naming its setting.
func NewSecurityHeaders(cfg HeadersConfig) (httpmod.Middleware, error) {
	m := httpmod.Middleware{
		Name:     NameSecurityHeaders,
		Priority: httpmod.PrioritySecurityHeaders,
		Handler:  func(*gin.Context) {},
	}
	if !cfg.Enabled {
		return m, nil
	}
	headers, err := securityHeaders(cfg)
	if err != nil {
		return httpmod.Middleware{}, err
	}
	m.Handler = func(c *gin.Context) {
		h := c.Writer.Header()
		for _, kv := range headers {
			h[kv.name] = kv.value
		}
	}
	return m, nil
}

// headerValue is one precomputed header. value has len == cap == 1, so an
// Add by a later handler copies it instead of writing into the shared array.
type headerValue struct {
	name  string
	value []string
}

// securityHeaders computes the header set of cfg.
func securityHeaders(cfg HeadersConfig) ([]headerValue, error) {
	var out []headerValue
	add := func(setting, name, value string) error {
		if value == "" {
			return nil
		}
		if !httpguts.ValidHeaderFieldValue(value) {
			return fmt.Errorf("securitymod: %s is not a valid %s header value", setting, name)
		}
		out = append(out, headerValue{name: name, value: []string{value}[:1:1]})
		return nil
	}
	hsts := ""
	if cfg.HSTSMaxAgeSeconds > 0 {
		hsts = "max-age=" + strconv.Itoa(cfg.HSTSMaxAgeSeconds)
		if cfg.HSTSIncludeSubdomains {
			hsts += "; includeSubDomains"
		}
	}
	for _, h := range []struct{ setting, name, value string }{
		{"", HeaderFrameOptions, "DENY"},
		{"", HeaderContentTypeOptions, "nosniff"},
		{"CONTENT_SECURITY_POLICY", HeaderCSP, cfg.ContentSecurityPolicy},
		{"REFERRER_POLICY", HeaderReferrerPolicy, cfg.ReferrerPolicy},
		{"PERMISSIONS_POLICY", HeaderPermissionsPolicy, cfg.PermissionsPolicy},
		{"HSTS_MAX_AGE", HeaderHSTS, hsts},
	} {
		if err := add(h.setting, h.name, h.value); err != nil {
			return nil, err
		}
	}
	return out, nil
}
