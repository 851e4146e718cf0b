package httpmod_test

import (
	"maps"
	"math"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/httpmod"
)

// metricsApp starts an app with metrics on (unless env says otherwise),
// GET {API_PREFIX}/items/:id and opts.
func metricsApp(t *testing.T, env map[string]string, opts ...fxtest_helpers.Option) *fxtest_helpers.App {
	t.Helper()
	all := map[string]string{"METRICS_ENABLED": "true"}
	maps.Copy(all, env)
	items := func() httpmod.RoutesFunc {
		return func(r *httpmod.Router) {
			httpmod.Handle(r, http.MethodGet, "/items/:id", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"id": c.Param("id")}) })
		}
	}
	opts = append([]fxtest_helpers.Option{
		fxtest_helpers.WithEnv(all),
		fxtest_helpers.WithOptions(httpmod.AsRoutes(items)),
	}, opts...)
	return fxtest_helpers.New(t, opts...)
}

// scrape GETs /metrics (with header pairs) and parses the text exposition.
func scrape(t *testing.T, app *fxtest_helpers.App, headers ...string) map[string]*dto.MetricFamily {
	t.Helper()
	rec := app.Get(httpmod.MetricsPath, headers...)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", rec.Code, rec.Body.String())
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("parsing /metrics: %v", err)
	}
	return fams
}

// counter returns the value of the series of f with exactly labels (-1 when
// there is none).
func counter(f *dto.MetricFamily, labels map[string]string) float64 {
	if f == nil {
		return -1
	}
next:
	for _, m := range f.GetMetric() {
		if len(m.GetLabel()) != len(labels) {
			continue
		}
		for _, l := range m.GetLabel() {
			if labels[l.GetName()] != l.GetValue() {
				continue next
			}
		}
		return m.GetCounter().GetValue()
	}
	return -1
}

func TestMetricsDisabled(t *testing.T) {
	var m *httpmod.Metrics
	app := metricsApp(t, map[string]string{"METRICS_ENABLED": "false"}, fxtest_helpers.Populate(&m))
	app.Get("/api/items/1")
	for _, path := range []string{"/metrics", "/api/metrics"} {
		if rec := app.Get(path); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, rec.Code)
		}
	}
	// No middleware: nothing recorded (the registry still exists for modules).
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fams {
		if strings.Contains(f.GetName(), "http_") {
			t.Errorf("%s registered with METRICS_ENABLED=false", f.GetName())
		}
	}
}

func TestMetricsServedAtTheRoot(t *testing.T) {
	app := metricsApp(t, nil)
	app.Get("/api/items/1")
	app.Get("/api/items/2")
	app.Get("/api/nope")
	if rec := app.Get("/api/metrics"); rec.Code != http.StatusNotFound {
		t.Errorf("/metrics under API_PREFIX: %d, want 404", rec.Code)
	}
	rec := app.Get("/metrics")
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q", ct)
	}
	fams := scrape(t, app)
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total",
		"api_http_requests_total", "api_http_request_duration_seconds", "api_http_errors_total", "api_http_status_total"} {
		if fams[name] == nil {
			t.Errorf("%s missing", name)
		}
	}
	checks := []struct {
		family string
		labels map[string]string
		want   float64
	}{
		{"api_http_requests_total", map[string]string{"method": "GET", "endpoint": "/api/items/:id", "status_code": "200"}, 2},
		{"api_http_requests_total", map[string]string{"method": "GET", "endpoint": httpmod.UnmatchedRoute, "status_code": "404"}, 2},
		{"api_http_requests_total", map[string]string{"method": "GET", "endpoint": "/metrics", "status_code": "200"}, 1},
		{"api_http_errors_total", map[string]string{"method": "GET", "endpoint": httpmod.UnmatchedRoute, "status_class": "4xx"}, 2},
		{"api_http_status_total", map[string]string{"status_code": "200"}, 3},
	}
	for _, c := range checks {
		if got := counter(fams[c.family], c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.family, c.labels, got, c.want)
		}
	}
	hist := fams["api_http_request_duration_seconds"]
	if hist.GetType() != dto.MetricType_HISTOGRAM {
		t.Fatalf("duration type %v", hist.GetType())
	}
	for _, m := range hist.GetMetric() {
		if len(m.GetLabel()) != 2 {
			t.Errorf("duration labels %v, want method and endpoint", m.GetLabel())
		}
		var bounds []float64
		for _, b := range m.GetHistogram().GetBucket() {
			if !math.IsInf(b.GetUpperBound(), 1) {
				bounds = append(bounds, b.GetUpperBound())
			}
		}
		if !slices.Equal(bounds, httpmod.DurationBuckets()) {
			t.Errorf("buckets %v, want %v", bounds, httpmod.DurationBuckets())
		}
	}
}

func TestMetricsGroupsSetting(t *testing.T) {
	all := []string{"api_http_requests_total", "api_http_request_duration_seconds", "api_http_errors_total", "api_http_status_total"}
	tests := []struct {
		groups string
		want   []string
	}{
		{"all", all},
		{"traffic", all[:1]},
		{"performance", all[1:2]},
		{"reliability", all[2:3]},
		{"health", all[3:]},
		{"traffic,reliability", []string{all[0], all[2]}},
		{"auth", nil},
	}
	for _, tt := range tests {
		t.Run(tt.groups, func(t *testing.T) {
			app := metricsApp(t, map[string]string{"METRICS_GROUPS": tt.groups})
			app.Get("/api/nope")
			fams := scrape(t, app)
			for _, name := range all {
				want := strings.Contains(strings.Join(tt.want, " "), name)
				if got := fams[name] != nil; got != want {
					t.Errorf("%s present %v, want %v", name, got, want)
				}
			}
		})
	}
	if err := fxtest_helpers.BuildErr(t, fxtest_helpers.WithSetting("METRICS_GROUPS", "trafic")); err == nil ||
		!strings.Contains(err.Error(), "METRICS_GROUPS") {
		t.Errorf("unknown group: %v", err)
	}
}

func TestMetricsPrefixFromAPIPrefix(t *testing.T) {
	app := metricsApp(t, map[string]string{"API_PREFIX": "/v1/item-svc"})
	app.Get("/v1/item-svc/items/1")
	fams := scrape(t, app)
	got := counter(fams["v1_item_svc_http_requests_total"],
		map[string]string{"method": "GET", "endpoint": "/v1/item-svc/items/:id", "status_code": "200"})
	if got != 1 {
		t.Fatalf("v1_item_svc_http_requests_total = %v, want 1", got)
	}
}

func TestMetricsTwoAppsInOneProcess(t *testing.T) {
	a := metricsApp(t, nil)
	b := metricsApp(t, nil)
	for range 3 {
		a.Get("/api/items/1")
	}
	b.Get("/api/items/1")
	labels := map[string]string{"method": "GET", "endpoint": "/api/items/:id", "status_code": "200"}
	if got := counter(scrape(t, a)["api_http_requests_total"], labels); got != 3 {
		t.Errorf("app a: %v, want 3", got)
	}
	if got := counter(scrape(t, b)["api_http_requests_total"], labels); got != 1 {
		t.Errorf("app b: %v, want 1", got)
	}
}

// queueDepth is a service collector registered with AsCollector.
func queueDepth() prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "itemsvc_queue_depth", Help: "Jobs waiting."})
	g.Set(7)
	return g
}

func TestAsCollector(t *testing.T) {
	var m *httpmod.Metrics
	app := metricsApp(t, nil,
		fxtest_helpers.WithOptions(httpmod.AsCollector(queueDepth)),
		fxtest_helpers.Populate(&m),
	)
	// A module registering on the app's registry from the graph.
	jobs := prometheus.NewCounter(prometheus.CounterOpts{Name: m.Name("jobs_total"), Help: "Jobs."})
	if err := m.Register(jobs); err != nil {
		t.Fatal(err)
	}
	jobs.Add(2)
	fams := scrape(t, app)
	if g := fams["itemsvc_queue_depth"]; g == nil || g.GetMetric()[0].GetGauge().GetValue() != 7 {
		t.Errorf("AsCollector gauge: %v", g)
	}
	if got := counter(fams["api_jobs_total"], map[string]string{}); got != 2 {
		t.Errorf("api_jobs_total = %v, want 2", got)
	}
	if prometheus.Registerer(m.Registry()) == prometheus.DefaultRegisterer {
		t.Error("the app registry is the global default")
	}
}

func TestAsCollectorDuplicateFailsTheBuild(t *testing.T) {
	err := fxtest_helpers.BuildErr(t,
		fxtest_helpers.WithSetting("METRICS_ENABLED", "true"),
		fxtest_helpers.WithOptions(
			httpmod.AsCollector(queueDepth),
			httpmod.AsCollector(queueDepth),
		),
	)
	if err == nil || !strings.Contains(err.Error(), "itemsvc_queue_depth") {
		t.Fatalf("BuildErr = %v", err)
	}
}
