// Package securitymod hardens the HTTP layer of an m8fx service. [Module]
// (part of m8fx.Module) fills three of httpmod's fixed middleware slots,
// outermost first:
//
//	request id -> recovery -> access log -> metrics
//	  -> security headers (PrioritySecurityHeaders)
//	  -> trusted hosts    (PriorityTrustedHosts)
//	  -> CORS             (PriorityCORS)
//	  -> the service's middleware -> routes
//
// Every constructor ([NewSecurityHeaders], [NewTrustedHosts], [NewCORS])
// takes a configuration struct ([HeadersConfig], [TrustedHostsConfig],
// [CORSConfig]) and returns an httpmod.Middleware, so the layers can be used
// without fx and without settings (see the examples). [HeadersConfigFromSettings],
// [TrustedHostsConfigFromSettings] and [CORSConfigFromSettings] read them
// from *settingsmod.Settings, as [Module] does. A layer that its
// configuration switches off is a no-op handler.
//
// # Security headers
//
// Production only (ENVIRONMENT=production or STRICT_PRODUCTION_MODE=true),
// as in fastapi-m8: X-Frame-Options DENY, X-Content-Type-Options nosniff,
// Content-Security-Policy (CONTENT_SECURITY_POLICY), Referrer-Policy
// (REFERRER_POLICY), Permissions-Policy (PERMISSIONS_POLICY) and
// Strict-Transport-Security (max-age=HSTS_MAX_AGE, plus includeSubDomains
// when HSTS_INCLUDE_SUBDOMAINS; HSTS_MAX_AGE=0 drops it).
// SECURITY_HEADERS_ENABLED=false drops them all. Nothing is added in local,
// development or staging. The headers are set before the request goes on, so
// error answers (400 from the Host check, 401, 404, 405, 500 from a panic)
// carry them too.
//
// A route that needs another CSP replaces it in its handler: [OverrideCSP]
// with [DocsCSP] (or any policy) replaces the header only when this layer
// set one, so development stays unrestricted. docsmod's pages carry
// [DocsCSP] in every environment.
//
// # Trusted hosts
//
// ALLOWED_HOSTS (comma list) restricts the Host header: exact names or IP
// literals, "*.example.com" for any subdomain (not the bare domain), or "*".
// The port, letter case and a trailing dot are ignored; IPv6 literals may be
// written with or without brackets. Another Host is answered 400
// {"detail":"Invalid host header"}. An empty list means no restriction.
// TRUSTED_HOSTS_EXEMPT_PROBES (default true) serves GET
// {API_PREFIX}/health/live and {API_PREFIX}/health/ready whatever the Host,
// because kubelet probes send the pod IP; /health/ itself stays checked.
//
// # CORS
//
// Built on github.com/gin-contrib/cors. The allowed origins are exactly
// settingsmod.Settings.AllowedOrigins() (BACKEND_CORS_ORIGINS plus the
// origin of FRONTEND_HOST), with credentials, methods GET POST PUT PATCH
// DELETE OPTIONS, request headers Authorization, Content-Type,
// X-Requested-With and X-Request-ID, exposed header X-Request-ID and a
// preflight max age of one hour. Access-Control-Allow-Origin echoes the one
// allowed caller origin, never "*". Every response that reaches the layer
// carries Vary: Origin. A preflight from another origin is refused with 403
// {"detail":"Disallowed CORS origin"}; a non-preflight request from another
// origin is served without any Access-Control-* header (the browser then
// hides the answer from the calling page), as fastapi-m8 does.
//
// # Credentials
//
// [CredentialEqual] compares shared secrets (X-Internal-Token, scrape
// credentials) in constant time.
package securitymod
