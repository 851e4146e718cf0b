package authmod

import (
	"fmt"
	"slices"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/m8fx/kit/httpmod"
)

// eventMetrics counts the auth event stream on the app registry.
type eventMetrics struct {
	connected  prometheus.Gauge
	events     *prometheus.CounterVec
	gaps       prometheus.Counter
	reconnects prometheus.Counter
}

// knownEventTypes are the event_type label values; any other type is
// counted as "other", so the label set stays bounded whatever the stream
// sends.
var knownEventTypes = []string{eventTypeSessionRevoked, eventTypeUserDeleted, eventTypeGap}

// eventResults are the result label values of the events counter.
var eventResults = []string{EventDelivered, EventDroppedMalformed, EventDroppedSigFail}

// NewEventMetrics registers the auth event stream metrics on m's registry
// (fa-auth-m8's names, in the auth group) and returns the [EventObserver]
// that feeds them, or nil when metrics or the auth group are off:
//
//	<p>auth_event_stream_connected                        1 while connected
//	<p>auth_event_stream_events_total{event_type,result}  delivered, dropped_malformed, dropped_sig_fail
//	<p>auth_event_stream_gap_total                        gap events (caches flushed)
//	<p>auth_event_stream_reconnects_total                 reconnections
func NewEventMetrics(m *httpmod.Metrics) (EventObserver, error) {
	if m == nil || !m.Enabled() || !m.GroupEnabled(metricsGroupAuth) {
		return nil, nil
	}
	o := &eventMetrics{
		connected: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: m.Name("auth_event_stream_connected"),
			Help: "1 while the auth event stream is connected, else 0.",
		}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: m.Name("auth_event_stream_events_total"),
			Help: "Auth events received, by type and result.",
		}, []string{"event_type", "result"}),
		gaps: prometheus.NewCounter(prometheus.CounterOpts{
			Name: m.Name("auth_event_stream_gap_total"),
			Help: "Gap events (events may have been missed; caches flushed).",
		}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: m.Name("auth_event_stream_reconnects_total"),
			Help: "Reconnections of the auth event stream.",
		}),
	}
	if err := m.Register(o.connected, o.events, o.gaps, o.reconnects); err != nil {
		return nil, fmt.Errorf("authmod: auth event stream metrics: %w", err)
	}
	for _, t := range knownEventTypes {
		for _, r := range eventResults {
			o.events.WithLabelValues(t, r)
		}
	}
	return o, nil
}

func (o *eventMetrics) EventStreamConnected(up bool) {
	if up {
		o.connected.Set(1)
		return
	}
	o.connected.Set(0)
}

func (o *eventMetrics) EventReceived(eventType, result string) {
	if !slices.Contains(knownEventTypes, eventType) {
		eventType = "other"
	}
	if !slices.Contains(eventResults, result) {
		result = "other"
	}
	o.events.WithLabelValues(eventType, result).Inc()
}

func (o *eventMetrics) EventStreamGap() { o.gaps.Inc() }

func (o *eventMetrics) EventStreamReconnect() { o.reconnects.Inc() }
