package authmod_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/httpmod"
)

// guardEvent returns the attributes of the span's guard event.
func guardEvent(s sdktrace.ReadOnlySpan) map[string]string {
	for _, e := range s.Events() {
		if e.Name == authmod.GuardEventName {
			out := map[string]string{}
			for _, kv := range e.Attributes {
				out[string(kv.Key)] = kv.Value.String()
			}
			return out
		}
	}
	return nil
}

// TestTracingGuardAndClients: in stateful mode with tracing on, a guarded
// request's server span gets the guard's outcome as an event (the reason
// code on a refusal, never the token) and a jti-status client span whose
// traceparent reaches the auth service.
func TestTracingGuardAndClients(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	rev := fxtest_helpers.NewRevocationServer(t)
	rec := fxtest_helpers.NewSpanRecorder()
	routes := func(a *authmod.Authenticator) httpmod.Routes {
		return httpmod.RoutesFunc(func(r *httpmod.Router) {
			httpmod.Handle(r, http.MethodGet, "/me", func(c *gin.Context) { c.Status(http.StatusNoContent) }, a.Require(authmod.AnyUser()))
		})
	}
	app := fxtest_helpers.New(t, fxtest_helpers.WithEnv(is.Env()), fxtest_helpers.WithEnv(rev.Env()),
		fxtest_helpers.RecordSpans(rec), fxtest_helpers.WithOptions(httpmod.AsRoutes(routes)))

	token := is.Token()
	if r := app.Get("/api/me", "Authorization", fxtest_helpers.Bearer(token)); r.Code != http.StatusNoContent {
		t.Fatalf("GET /api/me: %d %s", r.Code, r.Body)
	}
	server := rec.Require(t, "GET /api/me", attribute.Int("http.response.status_code", http.StatusNoContent))
	if ev := guardEvent(server); ev["auth.outcome"] != "allowed" {
		t.Errorf("guard event %v, want allowed", ev)
	}
	jti := rec.Require(t, "POST "+authmod.SpanJTIStatus)
	if jti.SpanKind() != trace.SpanKindClient || jti.Parent().SpanID() != server.SpanContext().SpanID() {
		t.Errorf("jti-status span kind %v parent %v, want a client child of the server span", jti.SpanKind(), jti.Parent().SpanID())
	}
	if tps := rev.Traceparents(); len(tps) == 0 || !strings.Contains(tps[len(tps)-1], server.SpanContext().TraceID().String()) {
		t.Errorf("traceparents received %q, want trace %s", tps, server.SpanContext().TraceID())
	}

	rec.Reset()
	if r := app.Get("/api/me", "Authorization", "Bearer not-a-jwt"); r.Code != http.StatusUnauthorized {
		t.Fatalf("bad token: %d", r.Code)
	}
	denied := rec.Require(t, "GET /api/me", attribute.Int("http.response.status_code", http.StatusUnauthorized))
	if ev := guardEvent(denied); ev["auth.outcome"] != "denied" || ev["auth.reason"] == "" {
		t.Errorf("guard event %v, want denied with a reason", ev)
	}
	for _, s := range append(rec.Ended(), server, jti) {
		for _, kv := range s.Attributes() {
			if v := kv.Value.String(); strings.Contains(v, token) || strings.Contains(v, "not-a-jwt") || strings.Contains(v, rev.Secret()) {
				t.Errorf("%s: attribute %s holds a credential", s.Name(), kv.Key)
			}
		}
	}
}
