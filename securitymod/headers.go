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

// NewSecurityHeaders returns the response-hardening layer at
// [httpmod.PrioritySecurityHeaders]. In production ([settingsmod.Settings.IsProduction]:
// ENVIRONMENT=production or STRICT_PRODUCTION_MODE=true) with
// SECURITY_HEADERS_ENABLED=true, every response carries
//
//	X-Frame-Options: DENY
//	X-Content-Type-Options: nosniff
//	Content-Security-Policy: CONTENT_SECURITY_POLICY
//	Referrer-Policy: REFERRER_POLICY
//	Permissions-Policy: PERMISSIONS_POLICY
//	Strict-Transport-Security: max-age=HSTS_MAX_AGE[; includeSubDomains]
//
// HSTS_MAX_AGE=0 drops Strict-Transport-Security only; an empty policy
// setting drops its header only. Elsewhere the handler does nothing.
//
// The headers are set before the rest of the chain runs, so answers written
// by inner layers and handlers (400 from trusted hosts, 401, 404, 500 from
// the recovery) keep them. A handler may replace one afterwards, e.g. the
// docs pages with [OverrideCSP]. A value that is not a valid header value
// (control characters) is an error.
func NewSecurityHeaders(s *settingsmod.Settings) (httpmod.Middleware, error) {
	m := httpmod.Middleware{
		Name:     NameSecurityHeaders,
		Priority: httpmod.PrioritySecurityHeaders,
		Handler:  func(*gin.Context) {},
	}
	if !s.IsProduction() || !s.SecurityHeadersEnabled {
		return m, nil
	}
	headers, err := securityHeaders(s)
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

// securityHeaders computes the production header set from the settings.
func securityHeaders(s *settingsmod.Settings) ([]headerValue, error) {
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
	if s.HSTSMaxAge > 0 {
		hsts = "max-age=" + strconv.Itoa(s.HSTSMaxAge)
		if s.HSTSIncludeSubdomains {
			hsts += "; includeSubDomains"
		}
	}
	for _, h := range []struct{ setting, name, value string }{
		{"", HeaderFrameOptions, "DENY"},
		{"", HeaderContentTypeOptions, "nosniff"},
		{"CONTENT_SECURITY_POLICY", HeaderCSP, s.ContentSecurityPolicy},
		{"REFERRER_POLICY", HeaderReferrerPolicy, s.ReferrerPolicy},
		{"PERMISSIONS_POLICY", HeaderPermissionsPolicy, s.PermissionsPolicy},
		{"HSTS_MAX_AGE", HeaderHSTS, hsts},
	} {
		if err := add(h.setting, h.name, h.value); err != nil {
			return nil, err
		}
	}
	return out, nil
}
