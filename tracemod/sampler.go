package tracemod

import (
	"fmt"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// newSampler returns the sampler named by OTEL_TRACES_SAMPLER with the
// ratio of OTEL_TRACES_SAMPLER_ARG; "" is parentbased_traceidratio.
func newSampler(name string, ratio float64) (sdktrace.Sampler, error) {
	switch name {
	case "always_on":
		return sdktrace.AlwaysSample(), nil
	case "always_off":
		return sdktrace.NeverSample(), nil
	case "traceidratio":
		return sdktrace.TraceIDRatioBased(ratio), nil
	case "parentbased_always_on":
		return sdktrace.ParentBased(sdktrace.AlwaysSample()), nil
	case "parentbased_always_off":
		return sdktrace.ParentBased(sdktrace.NeverSample()), nil
	case "parentbased_traceidratio", "":
		return sdktrace.ParentBased(sdktrace.TraceIDRatioBased(ratio)), nil
	}
	return nil, fmt.Errorf("tracemod: unknown sampler %q", name)
}
