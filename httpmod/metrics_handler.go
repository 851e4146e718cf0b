package httpmod

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/m8fx/kit/internal/credential"
	"github.com/m8fx/kit/openapi"
)

// MetricsPath is where [NewMetricsRoutes] serves the registry, at the engine
// root (never under API_PREFIX).
const MetricsPath = "/metrics"

// Answers of a /metrics request without the scrape credential (the
// authmod wording, so clients see one vocabulary).
const (
	detailNotAuthenticated   = "Not authenticated"
	detailInvalidCredentials = "Could not validate credentials"
	challengeBearer          = `Bearer`
	challengeInvalidToken    = `Bearer error="invalid_token"`
)

// NewMetricsRoutes returns the root routes serving GET /metrics (Prometheus
// text or, when the scraper asks, OpenMetrics) from m. When
// METRICS_SCRAPE_CREDENTIAL is set the request needs
// "Authorization: Bearer <credential>", compared in constant time; otherwise
// it is answered 401 {"detail":"Not authenticated"} (no or malformed header)
// or 401 {"detail":"Could not validate credentials"} (wrong credential), with
// a WWW-Authenticate challenge. Gathering errors of a collector are logged
// with log and the remaining metrics are still served.
func NewMetricsRoutes(m *Metrics, log *zap.Logger) Routes {
	serve := gin.WrapH(promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{
		ErrorLog:          zap.NewStdLog(log.Named("metrics")),
		ErrorHandling:     promhttp.ContinueOnError,
		EnableOpenMetrics: true,
	}))
	want := m.cfg.ScrapeCredential.Value()
	handler := serve
	if want != "" {
		handler = func(c *gin.Context) {
			token, ok := bearerToken(c.GetHeader("Authorization"))
			switch {
			case !ok:
				c.Header("WWW-Authenticate", challengeBearer)
				AbortWithDetail(c, http.StatusUnauthorized, detailNotAuthenticated)
			case !credential.Equal(token, want):
				c.Header("WWW-Authenticate", challengeInvalidToken)
				AbortWithDetail(c, http.StatusUnauthorized, detailInvalidCredentials)
			default:
				serve(c)
			}
		}
	}
	opts := []RouteOption{
		Doc{
			Summary: "Prometheus metrics", Tags: []string{"metrics"},
			Description: "Prometheus text exposition format (OpenMetrics when the scraper asks for it). " +
				"When METRICS_SCRAPE_CREDENTIAL is set, the scraper sends `Authorization: Bearer <credential>`.",
		},
		respondsWithContent(http.StatusOK, "The metrics", "text/plain; version=0.0.4"),
	}
	if want != "" {
		opts = append(opts, scrapeCredential{})
	}
	return RoutesFunc(func(r *Router) { Handle(r, http.MethodGet, MetricsPath, handler, opts...) })
}

// bearerToken returns the token of an "Authorization: Bearer <token>" value;
// the scheme is case-insensitive. ok is false when the value is not a bearer
// credential or the token is empty.
func bearerToken(header string) (token string, ok bool) {
	scheme, token, found := strings.Cut(strings.TrimSpace(header), " ")
	if !found || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// scrapeCredential documents the scrape credential of /metrics.
type scrapeCredential struct{}

func (scrapeCredential) ConfigureRoute(c *RouteConfig) {
	if c.Responses == nil {
		c.Responses = map[int]openapi.Response{}
	}
	c.Responses[http.StatusUnauthorized] = openapi.Response{
		Description: "Missing or wrong scrape credential",
		Body:        ErrorBody{},
		Headers:     map[string]openapi.Header{"WWW-Authenticate": {Description: "The bearer challenge.", Required: true}},
	}
}

// respondsWithContent documents a non-JSON answer.
func respondsWithContent(status int, description, mediaType string) RouteOption {
	return optionFunc(func(c *RouteConfig) {
		if c.Responses == nil {
			c.Responses = map[int]openapi.Response{}
		}
		c.Responses[status] = openapi.Response{Description: description, MediaType: mediaType, Body: &openapi.Schema{Type: openapi.Types{"string"}}}
	})
}
