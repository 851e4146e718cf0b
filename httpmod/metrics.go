package httpmod

import (
	"fmt"
	"slices"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/m8fx/kit/settingsmod"
)

// Names of the METRICS_GROUPS groups served by httpmod ("auth" belongs to
// authmod).
const (
	MetricsGroupTraffic     = "traffic"
	MetricsGroupPerformance = "performance"
	MetricsGroupReliability = "reliability"
	MetricsGroupHealth      = "health"
)

// Metrics is the app's own Prometheus registry, never the global default:
// two apps in one process each have theirs. It holds the Go runtime and
// process collectors, every collector registered with [AsCollector] and the
// HTTP metrics of [NewMetricsMiddleware]. [MetricsModule] provides one per app
// (whatever METRICS_ENABLED says, so that modules can always register);
// /metrics serves it only when METRICS_ENABLED=true.
//
// Other modules take *Metrics from the graph to register collectors they
// also use themselves (a counter they increment):
//
//	func newAuthMetrics(m *httpmod.Metrics) (*authMetrics, error) {
//		am := &authMetrics{failures: prometheus.NewCounterVec(prometheus.CounterOpts{
//			Name: m.Name("auth_token_failures_total"), Help: "...",
//		}, []string{"reason"})}
//		if !m.GroupEnabled("auth") {
//			return am, nil // counting into an unregistered vector is harmless
//		}
//		return am, m.Register(am.failures)
//	}
type Metrics struct {
	registry *prometheus.Registry
	prefix   string
	cfg      MetricsConfig
}

// MetricsConfig is what [NewMetrics] serves and names.
type MetricsConfig struct {
	// Enabled serves /metrics (METRICS_ENABLED).
	Enabled bool
	// Groups lists the metric groups to collect, "all" for every group
	// (METRICS_GROUPS).
	Groups []string
	// Prefix starts every metric name ([MetricsPrefix] of API_PREFIX).
	Prefix string
	// ScrapeCredential, when set, is the bearer credential /metrics
	// requires (METRICS_SCRAPE_CREDENTIAL).
	ScrapeCredential settingsmod.Secret
}

// MetricsConfigFromSettings reads METRICS_ENABLED, METRICS_GROUPS,
// METRICS_SCRAPE_CREDENTIAL and API_PREFIX.
func MetricsConfigFromSettings(s *settingsmod.Settings) MetricsConfig {
	return MetricsConfig{
		Enabled:          s.MetricsEnabled,
		Groups:           slices.Clone(s.MetricsGroups),
		Prefix:           MetricsPrefix(s.APIPrefix),
		ScrapeCredential: s.MetricsScrapeCredential,
	}
}

// NewMetrics returns a registry for one app with the Go runtime and process
// collectors and the given collectors registered. A registration error (two
// collectors describing the same metric) is returned.
func NewMetrics(cfg MetricsConfig, cs ...prometheus.Collector) (*Metrics, error) {
	m := &Metrics{registry: prometheus.NewRegistry(), prefix: cfg.Prefix, cfg: cfg}
	base := []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	}
	if err := m.Register(append(base, cs...)...); err != nil {
		return nil, err
	}
	return m, nil
}

// Registry returns the app's registry (a prometheus.Registerer and
// prometheus.Gatherer).
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// Register registers each collector on the app's registry and returns the
// first error, which names the collector's first metric.
func (m *Metrics) Register(cs ...prometheus.Collector) error {
	for _, c := range cs {
		if err := m.registry.Register(c); err != nil {
			return fmt.Errorf("httpmod: registering the metrics collector of %s: %w", firstDesc(c), err)
		}
	}
	return nil
}

// firstDesc describes the first metric of c, for error messages.
func firstDesc(c prometheus.Collector) string {
	ch := make(chan *prometheus.Desc)
	go func() {
		c.Describe(ch)
		close(ch)
	}()
	first := ""
	for d := range ch { // drain, so the goroutine ends
		if first == "" {
			first = d.String()
		}
	}
	if first == "" {
		return "a collector without metrics"
	}
	return first
}

// Prefix is the metric name prefix derived from API_PREFIX (see
// [MetricsPrefix]), e.g. "api_".
func (m *Metrics) Prefix() string { return m.prefix }

// Name returns Prefix()+name, e.g. "api_http_requests_total".
func (m *Metrics) Name(name string) string { return m.prefix + name }

// Enabled reports METRICS_ENABLED.
func (m *Metrics) Enabled() bool { return m.cfg.Enabled }

// GroupEnabled reports whether METRICS_ENABLED is true and METRICS_GROUPS
// lists group (or "all").
func (m *Metrics) GroupEnabled(group string) bool {
	return m.cfg.Enabled && m.groupListed(group)
}

// groupListed reports whether Groups lists group or "all", whatever Enabled
// says.
func (m *Metrics) groupListed(group string) bool {
	for _, g := range m.cfg.Groups {
		if g = strings.TrimSpace(g); g == "all" || g == group {
			return true
		}
	}
	return false
}

// MetricsPrefix turns API_PREFIX into a metric name prefix: the slashes at
// both ends are dropped, every character outside [a-zA-Z0-9_] becomes "_",
// and "_" is appended: "/api" -> "api_", "/v1/svc" -> "v1_svc_",
// "/my-api" -> "my_api_". An empty or "/" prefix gives "". A prefix starting
// with a digit gets a leading "_" so that the metric names stay valid.
func MetricsPrefix(apiPrefix string) string {
	p := strings.Trim(apiPrefix, "/")
	if p == "" {
		return ""
	}
	var b strings.Builder
	b.Grow(len(p) + 2)
	if p[0] >= '0' && p[0] <= '9' {
		b.WriteByte('_')
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' {
			b.WriteByte(c)
		} else {
			b.WriteByte('_')
		}
	}
	b.WriteByte('_')
	return b.String()
}
