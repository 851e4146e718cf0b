package tracemod

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/m8fx/kit/settingsmod"
)

type idleCounter struct {
	http.RoundTripper
	closed int
}

func (c *idleCounter) CloseIdleConnections() { c.closed++ }

func TestTransport(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Header.Get("traceparent") }))
	defer srv.Close()
	base := &idleCounter{RoundTripper: srv.Client().Transport}

	if rt := (*Tracing)(nil).Transport(base, "op"); rt != base {
		t.Error("tracing off: the transport is wrapped")
	}

	rec := tracetest.NewSpanRecorder()
	tr := mustNew(t, Config{SpanProcessors: []sdkProcessor{rec}, Settings: settingsmod.TracingSettings{Sampler: "always_on"}})
	client := &http.Client{Transport: tr.Transport(base, "jti-status")}
	ctx, parent := tr.Tracer("test").Start(t.Context(), "request")
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/status?jti=x", strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer secret-token")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	parent.End()
	client.CloseIdleConnections()
	if base.closed != 1 {
		t.Error("CloseIdleConnections did not reach the base transport")
	}
	if !strings.HasPrefix(got, "00-"+parent.SpanContext().TraceID().String()+"-") {
		t.Errorf("traceparent %q not of the caller's trace", got)
	}
	var span trace.SpanKind
	for _, s := range rec.Ended() {
		if s.Name() == "POST jti-status" {
			span = s.SpanKind()
			if s.Parent().SpanID() != parent.SpanContext().SpanID() {
				t.Error("client span not a child of the caller's span")
			}
			for _, kv := range s.Attributes() {
				if strings.Contains(kv.Value.String(), "secret-token") {
					t.Errorf("attribute %s holds the token", kv.Key)
				}
			}
		}
	}
	if span != trace.SpanKindClient {
		t.Errorf("no client span named POST jti-status; ended %d spans", len(rec.Ended()))
	}
}
