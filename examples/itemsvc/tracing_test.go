package main

import (
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/phase"
	"github.com/m8fx/kit/tracemod"
)

// otlpReceiver is a real OTLP/HTTP trace receiver on loopback: it decodes
// every export with the OTLP protobuf types and keeps the spans.
type otlpReceiver struct {
	*httptest.Server
	mu    sync.Mutex
	spans []*tracepb.Span
	res   []*commonpb.KeyValue // resource attributes of every export
}

func newOTLPReceiver(t *testing.T) *otlpReceiver {
	r := &otlpReceiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodPost || req.URL.Path != "/v1/traces" || req.Header.Get("Content-Type") != "application/x-protobuf" {
			http.Error(w, "unexpected export", http.StatusBadRequest)
			return
		}
		body, err := io.ReadAll(req.Body)
		var export coltracepb.ExportTraceServiceRequest
		if err == nil {
			err = proto.Unmarshal(body, &export)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.mu.Lock()
		for _, rs := range export.GetResourceSpans() {
			r.res = append(r.res, rs.GetResource().GetAttributes()...)
			for _, ss := range rs.GetScopeSpans() {
				r.spans = append(r.spans, ss.GetSpans()...)
			}
		}
		r.mu.Unlock()
		out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
		_, _ = w.Write(out)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *otlpReceiver) snapshot() ([]*tracepb.Span, []*commonpb.KeyValue) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*tracepb.Span(nil), r.spans...), append([]*commonpb.KeyValue(nil), r.res...)
}

func attrString(attrs []*commonpb.KeyValue, key string) string {
	for _, kv := range attrs {
		if kv.GetKey() == key {
			v := kv.GetValue()
			if s, ok := v.GetValue().(*commonpb.AnyValue_StringValue); ok {
				return s.StringValue
			}
			if i, ok := v.GetValue().(*commonpb.AnyValue_IntValue); ok {
				return strconv.FormatInt(i.IntValue, 10)
			}
			return v.String()
		}
	}
	return ""
}

// TestTracingEndToEnd runs the service in stateful mode with OTLP/HTTP
// export to a real receiver and serves one authenticated GET
// /api/items/:id with an inbound traceparent over the network: the server
// span continues the trace, is named by the route template and has a
// database child span and a jti-status client span, whose traceparent the
// fake issuer received with the same trace id; no attribute holds a
// secret; the access log line carries the trace id and the duration
// histogram an exemplar with it.
func TestTracingEndToEnd(t *testing.T) {
	recv := newOTLPReceiver(t)
	rev := fxtest_helpers.NewRevocationServer(t)
	env := rev.Env() // TOKEN_MODE=stateful
	env["OTEL_EXPORTER_OTLP_ENDPOINT"] = recv.URL
	env["OTEL_SERVICE_NAME"] = "itemsvc-test"
	env["OTEL_RESOURCE_ATTRIBUTES"] = "team=items"
	env["METRICS_ENABLED"] = "true"
	var tracing *tracemod.Tracing
	app := newItemsApp(t, fxtest_helpers.WithSQLite(), fxtest_helpers.WithEnv(env), fxtest_helpers.Populate(&tracing))
	if !tracing.Enabled() {
		t.Fatal("OTEL_EXPORTER_OTLP_ENDPOINT is set but tracing is off")
	}
	token, _ := app.issuer.TokenWithClaims(fxtest_helpers.TokenRole(authmod.RoleWriter))
	item := app.mustCreate(t, token, "traced")

	const traceID, parentID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	req, _ := http.NewRequest(http.MethodGet, app.URL+"/api/items/"+strconv.FormatInt(item.ID, 10)+"?secret_q=nope", nil)
	req.Header.Set("Authorization", fxtest_helpers.Bearer(token))
	req.Header.Set("traceparent", "00-"+traceID+"-"+parentID+"-01")
	req.Header.Set("X-API-Key", "never-on-a-span")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET the item: %d", resp.StatusCode)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := tracing.ForceFlush(ctx); err != nil {
		t.Fatal(err)
	}
	spans, resource := recv.snapshot()
	var server *tracepb.Span
	inTrace := map[string]*tracepb.Span{}
	for _, s := range spans {
		if hex.EncodeToString(s.GetTraceId()) != traceID {
			continue
		}
		inTrace[hex.EncodeToString(s.GetSpanId())] = s
		if s.GetKind() == tracepb.Span_SPAN_KIND_SERVER {
			server = s
		}
	}
	if server == nil {
		t.Fatalf("no server span continues trace %s; %d spans received", traceID, len(spans))
	}
	if server.GetName() != "GET /api/items/:id" {
		t.Errorf("server span named %q, want the route template", server.GetName())
	}
	if got := hex.EncodeToString(server.GetParentSpanId()); got != parentID {
		t.Errorf("server span's parent %s, want the inbound %s", got, parentID)
	}
	for key, want := range map[string]string{"http.route": "/api/items/:id", "http.request.method": "GET", "http.response.status_code": "200", "server.address": "127.0.0.1"} {
		if got := attrString(server.GetAttributes(), key); got != want {
			t.Errorf("server span %s = %q, want %q", key, got, want)
		}
	}
	serverID := hex.EncodeToString(server.GetSpanId())
	var db, jti *tracepb.Span
	for _, s := range inTrace {
		if hex.EncodeToString(s.GetParentSpanId()) != serverID {
			continue
		}
		switch {
		case attrString(s.GetAttributes(), "db.system.name") == "sqlite":
			db = s
		case s.GetName() == http.MethodGet+" "+authmod.SpanJTIStatus || s.GetName() == http.MethodPost+" "+authmod.SpanJTIStatus:
			jti = s
		}
	}
	if db == nil {
		t.Errorf("no database child span of the server span")
	} else {
		if attrString(db.GetAttributes(), "db.operation.name") != "SELECT" || !strings.HasSuffix(attrString(db.GetAttributes(), "db.collection.name"), "items") {
			t.Errorf("database span %q: %v", db.GetName(), db.GetAttributes())
		}
	}
	if jti == nil {
		t.Errorf("no jti-status client span under the server span")
	} else if jti.GetKind() != tracepb.Span_SPAN_KIND_CLIENT {
		t.Errorf("jti-status span kind %v", jti.GetKind())
	}
	var joined bool
	for _, tp := range rev.Traceparents() {
		if strings.HasPrefix(tp, "00-"+traceID+"-") {
			joined = true
		}
	}
	if !joined {
		t.Errorf("the issuer received no traceparent of trace %s: %q", traceID, rev.Traceparents())
	}
	if attrString(resource, "service.name") != "itemsvc-test" || attrString(resource, "team") != "items" {
		t.Errorf("resource attributes %v", resource)
	}
	assertNoSecretInSpans(t, spans, token, rev.Secret(), fxtest_helpers.DefaultEnv()["ACCESS_SECRET_KEY"], "never-on-a-span", "secret_q", "Bearer")

	// The access log line carries the trace id.
	var logged bool
	for _, e := range app.Logs.FilterMessage("http request").All() {
		if e.ContextMap()["route"] == "/api/items/:id" && e.ContextMap()["trace_id"] == traceID && e.ContextMap()["span_id"] == serverID {
			logged = true
		}
	}
	if !logged {
		t.Error("no access log line of the GET with its trace_id and span_id")
	}

	// The duration histogram has an exemplar with the trace id.
	mreq, _ := http.NewRequest(http.MethodGet, app.URL+"/metrics", nil)
	mreq.Header.Set("Accept", "application/openmetrics-text; version=1.0.0")
	mresp, err := http.DefaultClient.Do(mreq)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(mresp.Body)
	_ = mresp.Body.Close()
	var exemplar bool
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "api_http_request_duration_seconds_bucket{") && strings.Contains(line, `endpoint="/api/items/:id"`) &&
			strings.Contains(line, `# {`) && strings.Contains(line, `trace_id="`+traceID+`"`) {
			exemplar = true
		}
	}
	if !exemplar {
		t.Errorf("no exemplar with trace %s in the OpenMetrics output (%s)", traceID, mresp.Header.Get("Content-Type"))
	}
}

// assertNoSecretInSpans fails when any attribute or event attribute of
// spans contains one of secrets.
func assertNoSecretInSpans(t *testing.T, spans []*tracepb.Span, secrets ...string) {
	t.Helper()
	check := func(where string, attrs []*commonpb.KeyValue) {
		for _, kv := range attrs {
			v := kv.GetKey() + "=" + kv.GetValue().String()
			for _, s := range secrets {
				if s != "" && strings.Contains(v, s) {
					t.Errorf("%s: attribute %s holds a secret", where, kv.GetKey())
				}
			}
		}
	}
	for _, s := range spans {
		check(s.GetName(), s.GetAttributes())
		for _, e := range s.GetEvents() {
			check(s.GetName()+" event "+e.GetName(), e.GetAttributes())
		}
	}
}

// TestTracingLifecycle: the tracer provider starts before the HTTP listen
// and, at stop, is shut down after the HTTP shutdown and before the
// database pool closes; with tracing off it has no hook at all.
func TestTracingLifecycle(t *testing.T) {
	for _, on := range []bool{true, false} {
		recv := newOTLPReceiver(t)
		hooks, record := fxtest_helpers.RecordHooks()
		env := map[string]string{}
		if on {
			env["OTEL_EXPORTER_OTLP_ENDPOINT"] = recv.URL
		}
		app := newItemsApp(t, fxtest_helpers.WithSQLite(), fxtest_helpers.WithEnv(env), fxtest_helpers.WithOptions(record))
		app.Stop(t)
		index := func(list []string, entry string) int {
			for i, e := range list {
				if e == entry {
					return i
				}
			}
			return -1
		}
		start, stop := hooks.Order(phase.Starting), hooks.Order(phase.Stopping)
		const tracingHook, httpHook, dbHook = "auth:tracemod.provideTracing", "serve:httpmod.registerServer", "resources:dbmod.newModuleDB"
		if !on {
			if index(start, tracingHook) >= 0 {
				t.Errorf("tracing off but a tracing hook ran: %v", start)
			}
			continue
		}
		if ts, hs := index(start, tracingHook), index(start, httpHook); ts < 0 || hs < 0 || ts > hs {
			t.Errorf("start order %v: tracing must start before the HTTP listen", start)
		}
		ts, hs, ds := index(stop, tracingHook), index(stop, httpHook), index(stop, dbHook)
		if ts < 0 || hs < 0 || ds < 0 || !(hs < ts && ts < ds) {
			t.Errorf("stop order %v: want the HTTP shutdown, then tracing, then the pool", stop)
		}
	}
}
