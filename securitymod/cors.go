package securitymod

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/settingsmod"
)

// NameCORS is the [httpmod.Middleware] name of the CORS layer.
const NameCORS = "cors"

// DetailDisallowedOrigin is the detail of the 403 answer to a preflight from
// an origin that is not allowed.
const DetailDisallowedOrigin = "Disallowed CORS origin"

// CORSMaxAge is how long a browser may cache a preflight answer.
const CORSMaxAge = time.Hour

// CORSConfig is what [NewCORS] needs. [Module] builds it with
// [CORSConfigFromSettings]; code outside fx fills it in directly.
type CORSConfig struct {
	// AllowedOrigins are the origins allowed to call, exactly
	// ("https://app.example.com", no path); an origin containing "*" is an
	// error. Empty allows none.
	AllowedOrigins []string
}

// CORSConfigFromSettings reads the [CORSConfig] from the settings:
// AllowedOrigins is [settingsmod.Settings.AllowedOrigins]
// (BACKEND_CORS_ORIGINS and the origin of FRONTEND_HOST).
func CORSConfigFromSettings(s *settingsmod.Settings) CORSConfig {
	return CORSConfig{AllowedOrigins: slices.Clone(s.AllowedOrigins())}
}

// NewCORS returns the CORS layer at [httpmod.PriorityCORS], built on
// github.com/gin-contrib/cors.
//
// Allowed origins are exactly cfg.AllowedOrigins; there are no wildcards,
// and an origin containing "*" is an error. Credentials are allowed, so
// Access-Control-Allow-Origin always echoes the one caller origin, never
// "*". Methods are GET, POST, PUT, PATCH, DELETE and OPTIONS; request
// headers Authorization, Content-Type, X-Requested-With and X-Request-ID;
// X-Request-ID is also exposed to the calling page; preflight answers may be
// cached for [CORSMaxAge] (fastapi-m8's policy, plus X-Request-ID both
// ways).
//
// Every response that reaches this layer carries Vary: Origin, whether the
// request had an Origin or not, so a shared cache never serves one origin's
// answer to another. For an origin that is not allowed:
//
//   - a preflight (OPTIONS with Origin and Access-Control-Request-Method) is
//     refused with 403 {"detail":"Disallowed CORS origin"};
//   - any other request is served as if it had no Origin: no
//     Access-Control-* header, so the browser does not let the calling page
//     read the answer. This matches fastapi-m8 (Starlette's CORSMiddleware)
//     rather than gin-contrib/cors, which answers 403: it keeps same-origin
//     requests working behind a proxy that rewrites Host, and the kit's
//     credential is a bearer header that a cross-origin page cannot attach
//     without a (refused) preflight.
func NewCORS(cfg CORSConfig) (httpmod.Middleware, error) {
	allowed := make(map[string]struct{}, len(cfg.AllowedOrigins))
	for _, o := range cfg.AllowedOrigins {
		if strings.Contains(o, "*") {
			return httpmod.Middleware{}, fmt.Errorf("securitymod: CORS origin %q: wildcards are not supported, list each origin", o)
		}
		allowed[o] = struct{}{}
	}
	isAllowed := func(origin string) bool {
		_, ok := allowed[origin]
		return ok
	}
	lib := cors.New(cors.Config{
		AllowOriginFunc:  isAllowed,
		AllowMethods:     []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"},
		AllowHeaders:     []string{"Authorization", "Content-Type", "X-Requested-With", httpmod.HeaderRequestID},
		ExposeHeaders:    []string{httpmod.HeaderRequestID},
		AllowCredentials: true,
		MaxAge:           CORSMaxAge,
	})
	// varyOrigin is shared by the responses of this layer; len == cap, so an
	// Add by a later handler copies it.
	varyOrigin := []string{"Origin"}[:1:1]
	handler := func(c *gin.Context) {
		h := c.Writer.Header()
		if vary := h["Vary"]; len(vary) == 0 {
			h["Vary"] = varyOrigin
		} else if !varyHasOrigin(vary) {
			h["Vary"] = append(vary, "Origin")
		}
		origin := c.Request.Header.Get("Origin")
		switch {
		case origin == "":
		case isAllowed(origin):
			lib(c)
			// The library shares its precomputed Vary slice between
			// responses; clip it so that a later Add copies.
			h["Vary"] = slices.Clip(h["Vary"])
		case isPreflight(c.Request):
			httpmod.AbortWithDetail(c, http.StatusForbidden, DetailDisallowedOrigin)
		}
	}
	return httpmod.Middleware{Name: NameCORS, Priority: httpmod.PriorityCORS, Handler: handler}, nil
}

// isPreflight reports whether r is a CORS preflight request.
func isPreflight(r *http.Request) bool {
	return r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
}

// varyHasOrigin reports whether Vary values already list Origin (or *).
func varyHasOrigin(vary []string) bool {
	for _, v := range vary {
		for tok := range strings.SplitSeq(v, ",") {
			if tok = strings.TrimSpace(tok); tok == "*" || strings.EqualFold(tok, "Origin") {
				return true
			}
		}
	}
	return false
}
