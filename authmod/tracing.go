package authmod

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/m8fx/kit/tracemod"
)

// Operations of the client spans of the calls to the auth service: a span
// is named "<METHOD> <operation>" ("GET jwks", "POST jti-status").
const (
	SpanJWKS         = "jwks"
	SpanJTIStatus    = "jti-status"
	SpanServiceToken = "service-token"
	SpanEventStream  = "event-stream"
	SpanAPIKey       = "api-key-introspection"
)

// Guard span event: name and attributes. The token, the key and the claims
// never go on a span; the outcome and the reason code do.
const (
	GuardEventName   = "auth.guard"
	attrGuardOutcome = attribute.Key("auth.outcome")
	attrGuardReason  = attribute.Key("auth.reason")
)

// traceClient wraps c's transport in t's client instrumentation (a client
// span per call, traceparent injected), in place; with tracing off it does
// nothing. Only the kit's own clients are changed in place: a client the
// caller gave is copied first by every constructor.
func traceClient(t *tracemod.Tracing, c *http.Client, operation string) {
	if c == nil || !t.Enabled() {
		return
	}
	c.Transport = t.Transport(c.Transport, operation)
}

// TraceWith makes the validator's JWKS fetches client spans of t. Call it
// before [Validator.Start]; the module does.
func (v *Validator) TraceWith(t *tracemod.Tracing) {
	if v.jwks == nil || !t.Enabled() {
		return
	}
	if !v.jwks.ownsHTTP { // the caller's client: never change it
		c := *v.jwks.client
		v.jwks.client = &c
	}
	traceClient(t, v.jwks.client, SpanJWKS)
}

// TraceWith makes the jti-status calls client spans of t. Call it before
// the first Check; the module does.
func (r *RemoteRevocationClient) TraceWith(t *tracemod.Tracing) {
	traceClient(t, r.client, SpanJTIStatus)
}

// TraceWith makes the service-token exchanges client spans of t. Call it
// before the first Authorize; the module does.
func (c *InternalAuthClient) TraceWith(t *tracemod.Tracing) {
	traceClient(t, c.client, SpanServiceToken)
}

// TraceWith makes the event-stream connections client spans of t (one span
// per connection, ended when it closes). Call it before
// [EventStream.Start]; the module does.
func (s *EventStream) TraceWith(t *tracemod.Tracing) {
	traceClient(t, s.client, SpanEventStream)
}

// TraceWith makes the API-key introspections client spans of t. Call it
// before the first Introspect; the module does.
func (c *APIKeyClient) TraceWith(t *tracemod.Tracing) {
	traceClient(t, c.client, SpanAPIKey)
}

// traceOutcome records the guard's outcome on the request's span as an
// [GuardEventName] event: "allowed", or "denied" with the reason code.
// It costs nothing when tracing is off (a.traced is false).
func (a *Authenticator) traceOutcome(c *gin.Context, reason Reason) {
	if !a.traced {
		return
	}
	span := trace.SpanFromContext(c.Request.Context())
	if !span.IsRecording() {
		return
	}
	if reason == "" {
		span.AddEvent(GuardEventName, trace.WithAttributes(attrGuardOutcome.String("allowed")))
		return
	}
	span.AddEvent(GuardEventName, trace.WithAttributes(attrGuardOutcome.String("denied"), attrGuardReason.String(string(reason))))
}
