package tracemod

import (
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/m8fx/kit/settingsmod"
)

// newResource describes the service: the SDK's telemetry attributes, the
// OTEL_RESOURCE_ATTRIBUTES pairs, then service.name, service.version and
// deployment.environment.name from the settings (which win).
func newResource(s settingsmod.TracingSettings) *resource.Resource {
	attrs := make([]attribute.KeyValue, 0, len(s.ResourceAttributes)+3)
	for _, kv := range s.ResourceAttributes {
		attrs = append(attrs, attribute.String(kv[0], kv[1]))
	}
	if s.ServiceName != "" {
		attrs = append(attrs, semconv.ServiceName(s.ServiceName))
	}
	if s.ServiceVersion != "" {
		attrs = append(attrs, semconv.ServiceVersion(s.ServiceVersion))
	}
	if s.Environment != "" {
		attrs = append(attrs, semconv.DeploymentEnvironmentNameKey.String(s.Environment))
	}
	// Merging a schemaless resource into the default never fails.
	r, err := resource.Merge(resource.Default(), resource.NewWithAttributes(semconv.SchemaURL, attrs...))
	if err != nil {
		return resource.NewWithAttributes(semconv.SchemaURL, attrs...)
	}
	return r
}
