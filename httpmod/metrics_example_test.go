package httpmod_test

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/settingsmod"
)

// The app registry, the HTTP metrics and /metrics without fx.
func ExampleNewMetrics() {
	gin.SetMode(gin.TestMode)
	s := &settingsmod.Settings{
		APIPrefix: "/api", MetricsEnabled: true, MetricsGroups: []string{"traffic"},
		MetricsScrapeCredential: "scrape-me",
	}
	metrics, err := httpmod.NewMetrics(httpmod.MetricsConfigFromSettings(s))
	if err != nil {
		panic(err)
	}
	mw, err := httpmod.NewMetricsMiddleware(metrics)
	if err != nil {
		panic(err)
	}
	items := httpmod.RoutesFunc(func(r *httpmod.Router) {
		httpmod.Handle(r, http.MethodGet, "/items/:id", func(c *gin.Context) { c.String(http.StatusOK, c.Param("id")) })
	})
	engine, err := httpmod.NewEngine(httpmod.EngineParams{
		Settings:   s,
		Logger:     zap.NewNop(),
		Routes:     []httpmod.Routes{items},
		RootRoutes: []httpmod.Routes{httpmod.NewMetricsRoutes(metrics, zap.NewNop())},
		Middleware: []httpmod.Middleware{mw},
	})
	if err != nil {
		panic(err)
	}
	get := func(path, auth string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		engine.ServeHTTP(rec, req)
		return rec
	}
	get("/api/items/1", "")
	get("/api/items/2", "")

	fmt.Println(get("/metrics", "").Code)
	sc := bufio.NewScanner(get("/metrics", "Bearer scrape-me").Body)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "api_http_requests_total{") {
			fmt.Println(sc.Text())
		}
	}
	// Output:
	// 401
	// api_http_requests_total{endpoint="/api/items/:id",method="GET",status_code="200"} 2
	// api_http_requests_total{endpoint="/metrics",method="GET",status_code="401"} 1
}
