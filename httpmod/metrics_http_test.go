package httpmod

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	dto "github.com/prometheus/client_model/go"

	"github.com/m8fx/kit/settingsmod"
)

// metricsSettings enables metrics with the given groups.
func metricsSettings(groups ...string) *settingsmod.Settings {
	s := testSettings()
	s.MetricsEnabled = true
	s.MetricsGroups = groups
	return s
}

func newMetricsForTest(t testing.TB, groups ...string) (*Metrics, Middleware) {
	t.Helper()
	m, err := NewMetrics(MetricsConfigFromSettings(metricsSettings(groups...)))
	if err != nil {
		t.Fatal(err)
	}
	mw, err := NewMetricsMiddleware(m)
	if err != nil {
		t.Fatal(err)
	}
	return m, mw
}

// gathered returns the families of m by name.
func gathered(t *testing.T, m *Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*dto.MetricFamily{}
	for _, f := range fams {
		out[f.GetName()] = f
	}
	return out
}

// series returns the metric of f whose labels are exactly labels, or nil.
func series(f *dto.MetricFamily, labels map[string]string) *dto.Metric {
	if f == nil {
		return nil
	}
next:
	for _, m := range f.GetMetric() {
		if len(m.GetLabel()) != len(labels) {
			continue
		}
		for _, l := range m.GetLabel() {
			if v, ok := labels[l.GetName()]; !ok || v != l.GetValue() {
				continue next
			}
		}
		return m
	}
	return nil
}

func TestMetricsMiddlewareRecords(t *testing.T) {
	m, mw := newMetricsForTest(t, "all")
	e, _ := newTestEngine(t, EngineParams{
		Middleware: []Middleware{mw},
		Routes: routes(func(r *Router) {
			Handle(r, http.MethodGet, "/items/:id", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
			Handle(r, http.MethodGet, "/boom", func(*gin.Context) { panic("boom") })
			Handle(r, http.MethodGet, "/late-boom", func(c *gin.Context) {
				c.String(http.StatusAccepted, "partial")
				panic("after writing")
			})
		}),
	})
	for _, rq := range []struct{ method, path string }{
		{"GET", "/api/items/1"}, {"GET", "/api/items/2"}, {"GET", "/api/nothing"},
		{"POST", "/api/items/1"}, {"BREW", "/api/items/1"}, {"GET", "/api/boom"}, {"GET", "/api/late-boom"},
		{"HEAD", "/api/items/3"},
	} {
		serve(e, rq.method, rq.path)
	}
	f := gathered(t, m)
	counts := []struct {
		family string
		labels map[string]string
		want   float64
	}{
		{"api_http_requests_total", map[string]string{"method": "GET", "endpoint": "/api/items/:id", "status_code": "200"}, 2},
		{"api_http_requests_total", map[string]string{"method": "HEAD", "endpoint": "/api/items/:id", "status_code": "200"}, 1},
		{"api_http_requests_total", map[string]string{"method": "GET", "endpoint": UnmatchedRoute, "status_code": "404"}, 1},
		{"api_http_requests_total", map[string]string{"method": "POST", "endpoint": UnmatchedRoute, "status_code": "405"}, 1},
		{"api_http_requests_total", map[string]string{"method": MethodOther, "endpoint": UnmatchedRoute, "status_code": "405"}, 1},
		{"api_http_requests_total", map[string]string{"method": "GET", "endpoint": "/api/boom", "status_code": "500"}, 1},
		{"api_http_requests_total", map[string]string{"method": "GET", "endpoint": "/api/late-boom", "status_code": "202"}, 1},
		{"api_http_errors_total", map[string]string{"method": "GET", "endpoint": UnmatchedRoute, "status_class": "4xx"}, 1},
		{"api_http_errors_total", map[string]string{"method": "POST", "endpoint": UnmatchedRoute, "status_class": "4xx"}, 1},
		{"api_http_errors_total", map[string]string{"method": "GET", "endpoint": "/api/boom", "status_class": "5xx"}, 1},
		{"api_http_status_total", map[string]string{"status_code": "200"}, 3},
		{"api_http_status_total", map[string]string{"status_code": "404"}, 1},
		{"api_http_status_total", map[string]string{"status_code": "405"}, 2},
		{"api_http_errors_total", map[string]string{"method": MethodOther, "endpoint": UnmatchedRoute, "status_class": "4xx"}, 1},
		{"api_http_status_total", map[string]string{"status_code": "500"}, 1},
	}
	for _, c := range counts {
		s := series(f[c.family], c.labels)
		if s == nil || s.GetCounter().GetValue() != c.want {
			t.Errorf("%s%v = %v, want %v", c.family, c.labels, s.GetCounter().GetValue(), c.want)
		}
	}
	if s := series(f["api_http_errors_total"], map[string]string{"method": "GET", "endpoint": "/api/items/:id", "status_class": "2xx"}); s != nil {
		t.Error("a 2xx answer counted as an error")
	}
	h := series(f["api_http_request_duration_seconds"], map[string]string{"method": "GET", "endpoint": "/api/items/:id"})
	if h == nil || h.GetHistogram().GetSampleCount() != 2 {
		t.Fatalf("duration histogram: %v", h)
	}
	var bounds []float64
	for _, b := range h.GetHistogram().GetBucket() {
		bounds = append(bounds, b.GetUpperBound())
	}
	if len(bounds) != len(DurationBuckets()) {
		t.Fatalf("buckets %v, want %v", bounds, DurationBuckets())
	}
	for i := range bounds {
		if bounds[i] != DurationBuckets()[i] {
			t.Fatalf("buckets %v, want %v", bounds, DurationBuckets())
		}
	}
}

// TestMetricsClientClosedRequest: requests whose client went away before an
// answer are counted as 499 (a 4xx), through a typed route's error and a
// plain handler that wrote nothing; answered ones keep their status.
func TestMetricsClientClosedRequest(t *testing.T) {
	m, mw := newMetricsForTest(t, "all")
	e, _ := newTestEngine(t, EngineParams{
		Middleware: []Middleware{mw},
		Routes: routes(func(r *Router) {
			Route(r, http.MethodPost, "/items", func(ctx context.Context, _ *NoInput) (*struct{}, error) {
				return nil, fmt.Errorf("inserting: %w", ctx.Err())
			})
			Handle(r, http.MethodGet, "/stream", func(c *gin.Context) {
				if c.Request.Context().Err() == nil {
					c.String(http.StatusOK, "data")
				}
			})
		}),
	})
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	for _, rq := range []struct {
		method, path string
		ctx          context.Context
	}{
		{http.MethodPost, "/api/items", gone}, {http.MethodPost, "/api/items", gone},
		{http.MethodGet, "/api/stream", gone}, {http.MethodGet, "/api/stream", context.Background()},
	} {
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequestWithContext(rq.ctx, rq.method, rq.path, nil))
	}
	f := gathered(t, m)
	for _, c := range []struct {
		family string
		labels map[string]string
		want   float64
	}{
		{"api_http_requests_total", map[string]string{"method": "POST", "endpoint": "/api/items", "status_code": "499"}, 2},
		{"api_http_requests_total", map[string]string{"method": "GET", "endpoint": "/api/stream", "status_code": "499"}, 1},
		{"api_http_requests_total", map[string]string{"method": "GET", "endpoint": "/api/stream", "status_code": "200"}, 1},
		{"api_http_errors_total", map[string]string{"method": "POST", "endpoint": "/api/items", "status_class": "4xx"}, 2},
		{"api_http_status_total", map[string]string{"status_code": "499"}, 3},
	} {
		if s := series(f[c.family], c.labels); s == nil || s.GetCounter().GetValue() != c.want {
			t.Errorf("%s%v = %v, want %v", c.family, c.labels, s.GetCounter().GetValue(), c.want)
		}
	}
	for _, code := range []string{"500", "503"} {
		if s := series(f["api_http_status_total"], map[string]string{"status_code": code}); s != nil {
			t.Errorf("a cancelled request counted as %s", code)
		}
	}
}

func TestMetricsMiddlewareGroups(t *testing.T) {
	families := map[string]string{
		"traffic":     "api_http_requests_total",
		"performance": "api_http_request_duration_seconds",
		"reliability": "api_http_errors_total",
		"health":      "api_http_status_total",
	}
	tests := []struct {
		groups []string
		want   []string
	}{
		{[]string{"all"}, []string{"traffic", "performance", "reliability", "health"}},
		{[]string{"traffic"}, []string{"traffic"}},
		{[]string{"performance"}, []string{"performance"}},
		{[]string{"reliability"}, []string{"reliability"}},
		{[]string{"health"}, []string{"health"}},
		{[]string{"traffic", "health"}, []string{"traffic", "health"}},
		{[]string{"auth"}, nil},
	}
	for _, tt := range tests {
		m, mw := newMetricsForTest(t, tt.groups...)
		e, _ := newTestEngine(t, EngineParams{Middleware: []Middleware{mw}})
		serve(e, "GET", "/api/nothing") // a 404: every group records it
		got := gathered(t, m)
		for group, name := range families {
			want := false
			for _, g := range tt.want {
				want = want || g == group
			}
			if _, ok := got[name]; ok != want {
				t.Errorf("METRICS_GROUPS=%v: %s present %v, want %v", tt.groups, name, ok, want)
			}
		}
	}
}

func TestNewMetricsMiddlewareTwiceFails(t *testing.T) {
	m, _ := newMetricsForTest(t, "all")
	if _, err := NewMetricsMiddleware(m); err == nil {
		t.Fatal("a second middleware on one registry must fail (duplicate metrics)")
	}
}

func TestMetricsMiddlewareSlot(t *testing.T) {
	_, mw := newMetricsForTest(t, "all")
	if mw.Name != NameMetrics || mw.Priority != PriorityMetrics || mw.Handler == nil {
		t.Fatalf("middleware %+v", mw)
	}
}

func TestMethodLabel(t *testing.T) {
	for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"} {
		if got := methodLabel(m); got != m {
			t.Errorf("methodLabel(%q) = %q", m, got)
		}
	}
	for _, m := range []string{"get", "BREW", "PROPFIND", "", "GET "} {
		if got := methodLabel(m); got != MethodOther {
			t.Errorf("methodLabel(%q) = %q, want %q", m, got, MethodOther)
		}
	}
}

func TestMetricsChildrenCache(t *testing.T) {
	m, err := NewMetrics(MetricsConfigFromSettings(metricsSettings("all")))
	if err != nil {
		t.Fatal(err)
	}
	h, err := newHTTPMetrics(m)
	if err != nil {
		t.Fatal(err)
	}
	k := childKey{method: "GET", endpoint: "/x", status: 200}
	var wg sync.WaitGroup
	got := make([]*metricChildren, 16)
	for i := range got {
		wg.Go(func() { got[i] = h.lookup(k) })
	}
	wg.Wait()
	for _, ch := range got {
		if ch != got[0] {
			t.Fatal("concurrent lookups resolved different children")
		}
	}
	if got[0].errors != nil {
		t.Error("a 200 has an errors child")
	}
	if h.lookup(childKey{method: "GET", endpoint: "/x", status: 503}).errors == nil {
		t.Error("a 503 has no errors child")
	}
	if n := len(*h.children.Load()); n != 2 {
		t.Errorf("%d cached keys, want 2", n)
	}
}

// discardWriter is an http.ResponseWriter that keeps nothing, so the
// benchmarks measure the engine and not a recorder.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}

// benchEngine is a bare gin engine with GET /api/items/:id, with or without
// the metrics middleware (all groups), so that the difference between the two
// benchmarks is the middleware's cost.
func benchEngine(b *testing.B, withMetrics bool) http.Handler {
	e := gin.New()
	if withMetrics {
		_, mw := newMetricsForTest(b, "all")
		e.Use(mw.Handler)
	}
	e.GET("/api/items/:id", func(c *gin.Context) { c.Status(http.StatusOK) })
	return e
}

func runBench(b *testing.B, h http.Handler) {
	req := httptest.NewRequest(http.MethodGet, "/api/items/42", nil)
	w := &discardWriter{h: http.Header{}}
	h.ServeHTTP(w, req) // warm the children cache
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		h.ServeHTTP(w, req)
	}
}

var benchSink time.Duration

// BenchmarkMetricsMiddleware measures a request through gin with and without
// the metrics middleware; the per-request cost is the difference.
//
//	go test -run '^$' -bench BenchmarkMetricsMiddleware -benchmem -count 5 ./httpmod/
func BenchmarkMetricsMiddleware(b *testing.B) {
	b.Run("clock-floor", func(b *testing.B) { // the two clock reads the middleware makes
		for b.Loop() {
			benchSink = time.Since(time.Now())
		}
	})
	b.Run("baseline", func(b *testing.B) { runBench(b, benchEngine(b, false)) })
	b.Run("metrics", func(b *testing.B) { runBench(b, benchEngine(b, true)) })
	b.Run("metrics-parallel", func(b *testing.B) {
		h := benchEngine(b, true)
		req := httptest.NewRequest(http.MethodGet, "/api/items/42", nil)
		h.ServeHTTP(&discardWriter{h: http.Header{}}, req)
		b.ReportAllocs()
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			w := &discardWriter{h: http.Header{}}
			for pb.Next() {
				h.ServeHTTP(w, req)
			}
		})
	})
}
