package fxtest_helpers_test

import (
	"net/http"
	"testing"

	"go.opentelemetry.io/otel/attribute"

	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/tracemod"
)

func TestSpanRecorder(t *testing.T) {
	rec := fxtest_helpers.NewSpanRecorder()
	var tr *tracemod.Tracing
	app := fxtest_helpers.New(t, fxtest_helpers.RecordSpans(rec), fxtest_helpers.Populate(&tr))
	if !tr.Enabled() {
		t.Fatal("RecordSpans did not turn tracing on")
	}
	app.Get("/api/health/live")
	app.Get("/nowhere")
	s := rec.Require(t, "GET /api/health/live", attribute.String("http.route", "/api/health/live"), attribute.Int("http.response.status_code", http.StatusOK))
	if s.Parent().IsValid() {
		t.Error("a request without traceparent has a parent span")
	}
	if got := rec.Names(); len(got) != 2 || got[1] != "GET" {
		t.Errorf("Names() = %v", got)
	}
	if _, ok := rec.Find("GET /api/health/live", attribute.Int("http.response.status_code", 500)); ok {
		t.Error("Find matched a span without the attribute")
	}
	if rec.Processor() == nil || len(rec.Ended()) != 2 {
		t.Error("Processor or Ended")
	}
	rec.Reset()
	if len(rec.Names()) != 0 {
		t.Error("Reset kept spans")
	}
}
