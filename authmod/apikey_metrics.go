package authmod

import (
	"fmt"
	"slices"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/m8fx/kit/httpmod"
)

// apiKeyMetrics counts API-key introspection on the app registry.
type apiKeyMetrics struct {
	introspections *prometheus.CounterVec
	circuit        prometheus.Gauge
	loadShed       prometheus.Counter
}

// apiKeyResults are the result label values of the introspections counter;
// anything else is counted as "other".
var apiKeyResults = []string{
	APIKeyResultActive, APIKeyResultInactive, APIKeyResultMissing, APIKeyResultRateLimited,
	string(APIKeyReasonLoadShed), string(APIKeyReasonCircuitOpen), string(APIKeyReasonIssuerUnavailable),
	string(APIKeyReasonUnexpectedStatus), string(APIKeyReasonConsumerUnauthorized),
	string(APIKeyReasonResponseTooLarge), string(APIKeyReasonMalformedResponse),
	string(APIKeyReasonAudienceMismatch), string(APIKeyReasonInternalAuth),
	string(APIKeyReasonCancelled), string(APIKeyReasonClientClosed),
}

// NewAPIKeyMetrics registers the API-key introspection metrics on m's
// registry (in the auth group) and returns the [APIKeyObserver] that feeds
// them, or nil when metrics or the auth group are off:
//
//	<p>auth_api_key_introspections_total{result}  active, inactive, missing, rate_limited or a failure reason
//	<p>auth_api_key_circuit_state                 0 closed, 1 open, 2 half-open
//	<p>auth_api_key_load_shed_total               calls refused for want of a concurrency slot
func NewAPIKeyMetrics(m *httpmod.Metrics) (APIKeyObserver, error) {
	if m == nil || !m.Enabled() || !m.GroupEnabled(metricsGroupAuth) {
		return nil, nil
	}
	o := &apiKeyMetrics{
		introspections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: m.Name("auth_api_key_introspections_total"),
			Help: "API-key introspections, by result.",
		}, []string{"result"}),
		circuit: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: m.Name("auth_api_key_circuit_state"),
			Help: "State of the API-key introspection circuit breaker: 0 closed, 1 open, 2 half-open.",
		}),
		loadShed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: m.Name("auth_api_key_load_shed_total"),
			Help: "API-key introspections refused because no concurrency slot was free in time.",
		}),
	}
	if err := m.Register(o.introspections, o.circuit, o.loadShed); err != nil {
		return nil, fmt.Errorf("authmod: api-key metrics: %w", err)
	}
	for _, r := range apiKeyResults {
		o.introspections.WithLabelValues(r)
	}
	return o, nil
}

func (o *apiKeyMetrics) APIKeyIntrospected(result string) {
	if !slices.Contains(apiKeyResults, result) {
		result = "other"
	}
	o.introspections.WithLabelValues(result).Inc()
}

func (o *apiKeyMetrics) APIKeyCircuit(state string) {
	switch state {
	case APIKeyCircuitOpen:
		o.circuit.Set(1)
	case APIKeyCircuitHalfOpen:
		o.circuit.Set(2)
	default:
		o.circuit.Set(0)
	}
}

func (o *apiKeyMetrics) APIKeyLoadShed() { o.loadShed.Inc() }
