package tracemod

import (
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// sdkProcessor shortens the table of config_test.go.
type sdkProcessor = sdktrace.SpanProcessor

func TestNewSampler(t *testing.T) {
	sampled := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1}, TraceFlags: trace.FlagsSampled, Remote: true})
	unsampled := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{1}, SpanID: trace.SpanID{1}, Remote: true})
	tests := []struct {
		name   string
		ratio  float64
		parent trace.SpanContext
		want   bool
	}{
		{"always_on", 0, trace.SpanContext{}, true},
		{"always_off", 1, trace.SpanContext{}, false},
		{"traceidratio", 0, trace.SpanContext{}, false},
		{"traceidratio", 1, trace.SpanContext{}, true},
		{"parentbased_always_on", 0, unsampled, false},
		{"parentbased_always_off", 1, sampled, true},
		{"parentbased_traceidratio", 0, sampled, true},
		{"parentbased_traceidratio", 1, unsampled, false},
		{"parentbased_traceidratio", 0, trace.SpanContext{}, false},
		{"", 1, trace.SpanContext{}, true},
	}
	for _, tt := range tests {
		s, err := newSampler(tt.name, tt.ratio)
		if err != nil {
			t.Fatal(err)
		}
		ctx := trace.ContextWithSpanContext(t.Context(), tt.parent)
		r := s.ShouldSample(sdktrace.SamplingParameters{ParentContext: ctx, TraceID: trace.TraceID{0xff, 0xff}, Name: "x"})
		if got := r.Decision == sdktrace.RecordAndSample; got != tt.want {
			t.Errorf("%s(%v) with parent sampled=%v: sampled %v, want %v", tt.name, tt.ratio, tt.parent.IsSampled(), got, tt.want)
		}
	}
	if _, err := newSampler("sometimes", 1); err == nil {
		t.Error("unknown sampler accepted")
	}
}
