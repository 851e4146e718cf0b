package healthmod_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/httpmod"
)

func ExampleNewRunner() {
	checks := []healthmod.Check{
		healthmod.NewCheck("database", func(ctx context.Context) error {
			return errors.New("dial postgres://app:secret@db:5432/items: connection refused")
		}),
		healthmod.NewCheckFunc("cache", func(ctx context.Context) healthmod.Result {
			return healthmod.Result{Status: healthmod.StatusDegraded}
		}),
	}
	r := healthmod.NewRunner(healthmod.DefaultConfig(), checks)
	rep := r.Run(context.Background())
	fmt.Println("aggregate:", rep.Status)
	for _, res := range rep.Checks {
		fmt.Printf("%s: %s %q\n", res.Name, res.Status, res.Error)
	}
	// Output:
	// aggregate: fail
	// cache: degraded ""
	// database: fail "dial postgres://***:***@db:5432/items: connection refused"
}

func ExampleAggregate() {
	results := []healthmod.Result{
		{Name: "database", Status: healthmod.StatusOK},
		{Name: "search", Status: healthmod.StatusUnknown},
	}
	fmt.Println(healthmod.Aggregate(healthmod.PolicyLenient, results))
	fmt.Println(healthmod.Aggregate(healthmod.PolicyStrict, results))
	// Output:
	// unknown
	// fail
}

func ExampleScrub() {
	fmt.Println(healthmod.Scrub("dial postgres://app:p%40ss@db:5432/x failed"))
	fmt.Println(healthmod.Scrub("redis://:pw@cache:6379 refused"))
	fmt.Println(healthmod.Scrub("dial tcp 10.0.0.1:5432: connection refused"))
	// Output:
	// dial postgres://***:***@db:5432/x failed
	// redis://***:***@cache:6379 refused
	// dial tcp 10.0.0.1:5432: connection refused
}

func ExampleScrubMeta() {
	meta := healthmod.ScrubMeta(map[string]any{
		"db_password": "hunter2",
		"tokenizer":   "bpe",
		"url":         "amqp://guest:guest@rabbit:5672/",
	})
	out, _ := json.Marshal(meta) // JSON sorts the keys
	fmt.Println(string(out))
	// Output:
	// {"db_password":"REDACTED","tokenizer":"bpe","url":"amqp://***:***@rabbit:5672/"}
}

func ExampleResult_MarshalJSON() {
	out, _ := json.Marshal(healthmod.Result{Name: "database", Status: healthmod.StatusOK, LatencyMS: 3.2})
	fmt.Println(string(out))
	// Output:
	// {"name":"database","status":"ok","latency_ms":3.2,"error":null,"ok":true}
}

func ExampleHandler() {
	gin.SetMode(gin.TestMode)
	cfg := healthmod.DefaultConfig()
	cfg.Timeout = time.Second
	readiness := healthmod.NewReadiness()
	h := healthmod.NewHandler(healthmod.HandlerParams{
		Config:    cfg,
		Runner:    healthmod.NewRunner(cfg, []healthmod.Check{healthmod.NewCheck("database", func(context.Context) error { return nil })}),
		Readiness: readiness,
	})
	engine := gin.New()
	h.Register(httpmod.NewRouter(engine.Group("/api"), httpmod.NewRouteTable(httpmod.RouteTableConfig{})))

	get := func(path string) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		rec := httptest.NewRecorder()
		engine.ServeHTTP(rec, req)
		fmt.Println(rec.Code, rec.Body.String())
	}
	get("/api/health/")
	readiness.MarkReady()
	get("/api/health/")
	get("/api/health/live")
	readiness.MarkDraining()
	get("/api/health/ready")
	// Output:
	// 503 {"ready":false,"status":"initializing"}
	// 200 {"status":"ok"}
	// 200 {"status":"ok"}
	// 503 {"ready":false,"status":"draining"}
}
