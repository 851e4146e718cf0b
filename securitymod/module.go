package securitymod

import (
	"go.uber.org/fx"

	"github.com/m8fx/kit/httpmod"
)

// Module fills httpmod's security slots with [NewSecurityHeaders],
// [NewTrustedHosts] and [NewCORS], at [httpmod.PrioritySecurityHeaders],
// [httpmod.PriorityTrustedHosts] and [httpmod.PriorityCORS]: outermost first,
// security headers, then the Host check, then CORS. Their configurations
// come from the settings ([HeadersConfigFromSettings],
// [TrustedHostsConfigFromSettings], [CORSConfigFromSettings]); apps change
// one with fx.Decorate(func(securitymod.CORSConfig) securitymod.CORSConfig).
// A constructor error (a malformed ALLOWED_HOSTS item, a wildcard CORS
// origin, a header value with control characters) fails the app build.
// m8fx.Module includes it; it needs *settingsmod.Settings in the graph.
var Module = fx.Module("security",
	fx.Provide(HeadersConfigFromSettings, TrustedHostsConfigFromSettings, CORSConfigFromSettings),
	httpmod.AsMiddleware(NewSecurityHeaders),
	httpmod.AsMiddleware(NewTrustedHosts),
	httpmod.AsMiddleware(NewCORS),
)
