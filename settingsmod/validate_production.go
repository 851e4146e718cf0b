package settingsmod

import (
	"crypto/subtle"
	"net/url"
)

// checkProduction applies the rules that only hold in production
// (ENVIRONMENT=production or STRICT_PRODUCTION_MODE=true).
func (ps *problems) checkProduction(s *Settings) {
	for _, item := range s.BackendCORSOrigins {
		if u, ok := loopbackURL(item); ok {
			ps.add("BACKEND_CORS_ORIGINS", "must not allow the local origin %s in production", originString(u))
		}
	}
	if _, ok := loopbackURL(s.FrontendHost); ok {
		ps.add("FRONTEND_HOST", "must not be a localhost or loopback address in production: it is an allowed CORS origin")
	}
	if !s.AllowInternalHTTP {
		ps.httpsOnly("JWKS_URI", s.JWKSURI)
		ps.httpsOnly("INTROSPECTION_URL", s.IntrospectionURL)
	}
	if s.PrivateAPISecret.IsSet() {
		ps.distinctFromPrivateAPISecret("HEALTH_DETAIL_CREDENTIAL", s.HealthDetailCredential, s.PrivateAPISecret)
		ps.distinctFromPrivateAPISecret("METRICS_SCRAPE_CREDENTIAL", s.MetricsScrapeCredential, s.PrivateAPISecret)
	}
}

// httpsOnly records a problem when raw is a valid http:// URL.
func (ps *problems) httpsOnly(env, raw string) {
	if u, err := parseHTTPURL(raw); err == nil && u.Scheme != "https" {
		ps.add(env, "must use https in production; set ALLOW_INTERNAL_HTTP=true to allow http on a trusted internal network")
	}
}

// distinctFromPrivateAPISecret records a problem when credential is set and
// equal to the private API secret.
func (ps *problems) distinctFromPrivateAPISecret(env string, credential, private Secret) {
	if credential.IsSet() && subtle.ConstantTimeCompare([]byte(credential.Value()), []byte(private.Value())) == 1 {
		ps.add(env, "must differ from PRIVATE_API_SECRET in production: use a separate credential")
	}
}

// loopbackURL parses raw and reports whether it points at localhost or a
// loopback address.
func loopbackURL(raw string) (*url.URL, bool) {
	u, err := parseHTTPURL(raw)
	if err != nil {
		return nil, false
	}
	return u, isLoopbackHost(u.Hostname())
}
