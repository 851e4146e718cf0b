package httpmod

import (
	"maps"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
)

// NameMetrics is the [Middleware] name of the HTTP metrics layer.
const NameMetrics = "metrics"

// MethodOther is the method label of requests whose method is not one of the
// standard HTTP methods, so the label set stays bounded.
const MethodOther = "OTHER"

// DurationBuckets returns the buckets of http_request_duration_seconds (a
// new slice each time: the kit keeps no mutable package state).
func DurationBuckets() []float64 {
	return []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
}

// NewMetricsMiddleware registers the HTTP metrics of the groups enabled in
// METRICS_GROUPS on m and returns the middleware that records them, at
// [PriorityMetrics] (<p> is [Metrics.Prefix]):
//
//	traffic      <p>http_requests_total{method,endpoint,status_code}        counter
//	performance  <p>http_request_duration_seconds{method,endpoint}          histogram (DurationBuckets())
//	reliability  <p>http_errors_total{method,endpoint,status_class}         counter, 4xx and 5xx only
//	health       <p>http_status_total{status_code}                          counter
//
// endpoint is gin's route template ("/api/items/:id"), or [UnmatchedRoute] for
// requests that matched no route; method is the request method, or
// [MethodOther] for a non-standard one. A panic that passes through is counted
// as the 500 the recovery answers; a request whose client went away before
// an answer was written as 499 ([StatusClientClosedRequest]). It does not look at METRICS_ENABLED
// ([MetricsModule] does); calling it twice on one registry is an error.
func NewMetricsMiddleware(m *Metrics, opts ...MetricsOption) (Middleware, error) {
	h, err := newHTTPMetrics(m)
	if err != nil {
		return Middleware{}, err
	}
	for _, o := range opts {
		o(h)
	}
	return Middleware{Name: NameMetrics, Priority: PriorityMetrics, Handler: h.handle}, nil
}

// httpMetrics records the HTTP metrics. A vector is nil when its group is off.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	errors   *prometheus.CounterVec
	status   *prometheus.CounterVec
	// exemplars adds the trace id of sampled requests to the durations
	// ([WithTraceExemplars]).
	exemplars bool

	// children caches the metric children of each (method, endpoint,
	// status) seen, so the hot path is one lock-free map read: the map is
	// copied on write (rare: the key set is bounded by routes x methods x
	// statuses) and read through an atomic pointer.
	children atomic.Pointer[map[childKey]*metricChildren]
	mu       sync.Mutex // serialises writers of children
}

// childKey identifies one combination of labels. method and endpoint are
// constants or gin's route strings, never request data.
type childKey struct {
	method   string
	endpoint string
	status   int
}

// metricChildren are the resolved children of one childKey; nil when the
// group is off (errors is also nil below 400).
type metricChildren struct {
	requests prometheus.Counter
	duration prometheus.Observer
	errors   prometheus.Counter
	status   prometheus.Counter
}

func newHTTPMetrics(m *Metrics) (*httpMetrics, error) {
	h := &httpMetrics{}
	empty := map[childKey]*metricChildren{}
	h.children.Store(&empty)
	var cs []prometheus.Collector
	if m.groupListed(MetricsGroupTraffic) {
		h.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: m.Name("http_requests_total"),
			Help: "HTTP requests served, by method, route template and status code.",
		}, []string{"method", "endpoint", "status_code"})
		cs = append(cs, h.requests)
	}
	if m.groupListed(MetricsGroupPerformance) {
		h.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    m.Name("http_request_duration_seconds"),
			Help:    "Time to serve HTTP requests, by method and route template.",
			Buckets: DurationBuckets(),
		}, []string{"method", "endpoint"})
		cs = append(cs, h.duration)
	}
	if m.groupListed(MetricsGroupReliability) {
		h.errors = prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: m.Name("http_errors_total"),
			Help: "HTTP requests answered 4xx or 5xx, by method, route template and status class.",
		}, []string{"method", "endpoint", "status_class"})
		cs = append(cs, h.errors)
	}
	if m.groupListed(MetricsGroupHealth) {
		h.status = prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: m.Name("http_status_total"),
			Help: "HTTP responses by status code.",
		}, []string{"status_code"})
		cs = append(cs, h.status)
	}
	if err := m.Register(cs...); err != nil {
		return nil, err
	}
	return h, nil
}

// handle is the middleware.
func (h *httpMetrics) handle(c *gin.Context) {
	var start time.Time
	if h.duration != nil { // the clock is read only when durations are kept
		start = time.Now()
	}
	ctx := c.Request.Context() // the server's, before any route deadline
	done := false
	defer func() {
		if !done { // a panic is passing through to the recovery
			status := http.StatusInternalServerError
			if c.Writer.Written() {
				status = c.Writer.Status()
			}
			h.observe(c, status, start)
		}
	}()
	c.Next()
	done = true
	h.observe(c, requestStatus(c, ctx), start)
}

// observe records one request.
func (h *httpMetrics) observe(c *gin.Context, status int, start time.Time) {
	ch := h.lookup(childKey{method: methodLabel(c.Request.Method), endpoint: routeLabel(c), status: status})
	if ch.requests != nil {
		ch.requests.Inc()
	}
	if ch.duration != nil {
		observeDuration(h.exemplars, ch.duration, c.Request, time.Since(start).Seconds())
	}
	if ch.errors != nil {
		ch.errors.Inc()
	}
	if ch.status != nil {
		ch.status.Inc()
	}
}

// lookup returns the cached children of k, resolving them on first use.
func (h *httpMetrics) lookup(k childKey) *metricChildren {
	if ch, ok := (*h.children.Load())[k]; ok {
		return ch
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	old := *h.children.Load()
	if ch, ok := old[k]; ok {
		return ch
	}
	ch := h.resolve(k)
	next := maps.Clone(old)
	next[k] = ch
	h.children.Store(&next)
	return ch
}

// resolve looks the children of k up in the vectors.
func (h *httpMetrics) resolve(k childKey) *metricChildren {
	code := strconv.Itoa(k.status)
	ch := &metricChildren{}
	if h.requests != nil {
		ch.requests = h.requests.WithLabelValues(k.method, k.endpoint, code)
	}
	if h.duration != nil {
		ch.duration = h.duration.WithLabelValues(k.method, k.endpoint)
	}
	if h.errors != nil && k.status >= 400 && k.status < 600 {
		ch.errors = h.errors.WithLabelValues(k.method, k.endpoint, strconv.Itoa(k.status/100)+"xx")
	}
	if h.status != nil {
		ch.status = h.status.WithLabelValues(code)
	}
	return ch
}

// methodLabel maps the request method to a constant label: the standard
// methods to themselves, anything else to [MethodOther].
func methodLabel(method string) string {
	switch method {
	case http.MethodGet:
		return http.MethodGet
	case http.MethodHead:
		return http.MethodHead
	case http.MethodPost:
		return http.MethodPost
	case http.MethodPut:
		return http.MethodPut
	case http.MethodPatch:
		return http.MethodPatch
	case http.MethodDelete:
		return http.MethodDelete
	case http.MethodOptions:
		return http.MethodOptions
	case http.MethodConnect:
		return http.MethodConnect
	case http.MethodTrace:
		return http.MethodTrace
	}
	return MethodOther
}
