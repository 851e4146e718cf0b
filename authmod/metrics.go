package authmod

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/m8fx/kit/httpmod"
)

// metricsGroupAuth is the METRICS_GROUPS member of the auth metrics.
const metricsGroupAuth = "auth"

// maxReasonLabelLen bounds a reason label; longer or unusual reasons (from a
// custom validator or checker) are counted as "other", so that the label set
// stays bounded whatever an error says.
const maxReasonLabelLen = 48

// metricsObserver counts auth events on the app registry.
type metricsObserver struct {
	failures   *prometheus.CounterVec
	revocation *prometheus.CounterVec
	cache      *prometheus.CounterVec
	jwks       *prometheus.CounterVec
}

// NewMetricsObserver registers the auth metrics on m's registry and returns
// the Observer that feeds them, or nil when metrics or the auth group are off:
//
//	<p>auth_failures_total{reason}            refused requests by reason
//	<p>auth_revocation_checks_total{outcome}  active, revoked, failed, fail_open
//	<p>auth_revocation_cache_total{result}    hit, miss
//	<p>auth_jwks_refreshes_total{result}      ok, error
func NewMetricsObserver(m *httpmod.Metrics) (Observer, error) {
	if m == nil || !m.Enabled() || !m.GroupEnabled(metricsGroupAuth) {
		return nil, nil
	}
	o := &metricsObserver{
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: m.Name("auth_failures_total"),
			Help: "Requests refused by the auth guards, by reason.",
		}, []string{"reason"}),
		revocation: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: m.Name("auth_revocation_checks_total"),
			Help: "Token revocation checks, by outcome.",
		}, []string{"outcome"}),
		cache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: m.Name("auth_revocation_cache_total"),
			Help: "Revocation cache lookups, by result.",
		}, []string{"result"}),
		jwks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: m.Name("auth_jwks_refreshes_total"),
			Help: "JWKS fetches, by result.",
		}, []string{"result"}),
	}
	if err := m.Register(o.failures, o.revocation, o.cache, o.jwks); err != nil {
		return nil, fmt.Errorf("authmod: auth metrics: %w", err)
	}
	// Known label values exist from the start, so dashboards see zeros.
	for _, outcome := range []Outcome{OutcomeActive, OutcomeRevoked, OutcomeFailed, OutcomeFailOpen} {
		o.revocation.WithLabelValues(string(outcome))
	}
	for _, r := range []string{"hit", "miss"} {
		o.cache.WithLabelValues(r)
	}
	for _, r := range []string{"ok", "error"} {
		o.jwks.WithLabelValues(r)
	}
	return o, nil
}

func (o *metricsObserver) AuthFailed(reason Reason) {
	o.failures.WithLabelValues(reasonLabel(reason)).Inc()
}

func (o *metricsObserver) RevocationChecked(outcome Outcome) {
	o.revocation.WithLabelValues(string(outcome)).Inc()
}

func (o *metricsObserver) RevocationCacheLookup(hit bool) {
	if hit {
		o.cache.WithLabelValues("hit").Inc()
		return
	}
	o.cache.WithLabelValues("miss").Inc()
}

func (o *metricsObserver) JWKSRefreshed(ok bool) {
	if ok {
		o.jwks.WithLabelValues("ok").Inc()
		return
	}
	o.jwks.WithLabelValues("error").Inc()
}

// reasonLabel keeps reason codes ([a-z0-9_], bounded length) and maps
// anything else to "other".
func reasonLabel(reason Reason) string {
	if reason == "" || len(reason) > maxReasonLabelLen {
		return "other"
	}
	for i := 0; i < len(reason); i++ {
		c := reason[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return "other"
		}
	}
	return string(reason)
}
