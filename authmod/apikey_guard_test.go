package authmod_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/attribute"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/fxtest_helpers"
	"github.com/m8fx/kit/httpmod"
)

// keyApp is an app with routes for each API-key guard, talking to the fake
// issuer's introspection endpoint.
type keyApp struct {
	*fxtest_helpers.App
	rev    *fxtest_helpers.RevocationServer
	is     *fxtest_helpers.Issuer
	client *http.Client
	keys   *authmod.APIKeyClient
}

func keyRoutes(auth *authmod.Authenticator) httpmod.Routes {
	answer := func(c *gin.Context) {
		if p, ok := authmod.APIKeyPrincipalFromContext(c); ok {
			c.JSON(http.StatusOK, gin.H{"key_owner": p.UserID.String(), "mode": p.AccessMode})
			return
		}
		if u, ok := authmod.UserFromContext(c); ok {
			c.JSON(http.StatusOK, gin.H{"user": u.ID.String()})
			return
		}
		c.String(http.StatusInternalServerError, "no principal")
	}
	return httpmod.RoutesFunc(func(r *httpmod.Router) {
		httpmod.Handle(r, http.MethodGet, "/read", answer, auth.RequireAPIKey(authmod.RoleReader))
		httpmod.Handle(r, http.MethodPost, "/write", answer, auth.RequireAPIKey(authmod.RoleWriter))
		httpmod.Handle(r, http.MethodGet, "/either", answer, auth.RequireBearerOrAPIKey(authmod.AtLeast(authmod.RoleReader), authmod.RoleReader))
	})
}

func startKeyApp(t *testing.T, extra map[string]string, opts ...fxtest_helpers.Option) *keyApp {
	t.Helper()
	a := &keyApp{rev: fxtest_helpers.NewRevocationServer(t, fxtest_helpers.RevocationClient("items-svc", "")), is: fxtest_helpers.NewIssuer(t, "HS256")}
	env := a.is.Env()
	for k, v := range a.rev.Env() {
		env[k] = v
	}
	env["TOKEN_MODE"] = "stateless"
	env["API_KEY_INTROSPECTION_ENABLED"] = "true"
	env["API_KEY_INTROSPECTION_CIRCUIT_RESET_SECONDS"] = "30"
	for k, v := range extra {
		env[k] = v
	}
	a.App = fxtest_helpers.New(t, append([]fxtest_helpers.Option{
		fxtest_helpers.WithEnv(env),
		fxtest_helpers.WithOptions(httpmod.AsRoutes(keyRoutes)),
		fxtest_helpers.Populate(&a.keys),
	}, opts...)...)
	a.client = &http.Client{Timeout: 10 * time.Second}
	return a
}

// call sends method path with the given headers (name, value pairs).
func (a *keyApp) call(t *testing.T, method, path string, headers ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, a.URL+"/api"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := a.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(body)
}

func TestAPIKeyGuardAnswers(t *testing.T) {
	a := startKeyApp(t, nil)
	reader := a.rev.CreateAPIKey(fxtest_helpers.APIKeyRole("reader"))
	writerRO := a.rev.CreateAPIKey(fxtest_helpers.APIKeyRole("writer"))
	writerRW := a.rev.CreateAPIKey(fxtest_helpers.APIKeyRole("writer"), fxtest_helpers.APIKeyReadWrite())
	adminRW := a.rev.CreateAPIKey(fxtest_helpers.APIKeyRole("admin"), fxtest_helpers.APIKeyReadWrite())
	userKey := a.rev.CreateAPIKey(fxtest_helpers.APIKeyRole("user"))
	inactive := a.rev.CreateAPIKey(fxtest_helpers.APIKeyRole("admin"), fxtest_helpers.APIKeyInactive())

	invalid := `{"detail":"Invalid or expired API key"}`
	forbidden := `{"detail":"The user doesn't have enough privileges"}`
	cases := []struct {
		name, method, path, key string
		status                  int
		body                    string
	}{
		{"missing key", http.MethodGet, "/read", "", 401, invalid},
		{"blank key", http.MethodGet, "/read", "   ", 401, invalid},
		{"unknown key", http.MethodGet, "/read", "fxk_nope", 401, invalid},
		{"inactive key", http.MethodGet, "/read", inactive, 401, invalid},
		{"key over MaxAPIKeyLength", http.MethodGet, "/read", strings.Repeat("k", authmod.MaxAPIKeyLength+1), 401, invalid},
		{"reader key reads", http.MethodGet, "/read", reader, 200, ""},
		{"user key below reader", http.MethodGet, "/read", userKey, 403, forbidden},
		{"read-only writer key on a writer route", http.MethodPost, "/write", writerRO, 403, forbidden},
		{"reader key on a writer route", http.MethodPost, "/write", reader, 403, forbidden},
		{"read-write writer key writes", http.MethodPost, "/write", writerRW, 200, ""},
		{"admin owner capped at writer: writes", http.MethodPost, "/write", adminRW, 200, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var h []string
			if tc.key != "" {
				h = []string{"X-API-Key", tc.key}
			}
			status, header, body := a.call(t, tc.method, tc.path, h...)
			if status != tc.status || (tc.body != "" && body != tc.body) {
				t.Fatalf("%s %s = %d %s, want %d %s", tc.method, tc.path, status, body, tc.status, tc.body)
			}
			if status == 401 && header.Get("WWW-Authenticate") != "" {
				t.Fatal("an API-key 401 carries WWW-Authenticate")
			}
		})
	}
	if a.Logs.FilterMessageSnippet(reader).Len() != 0 || strings.Contains(a.allLogs(), reader) {
		t.Fatal("a raw key appears in the logs")
	}
	if calls, want := a.rev.APIKeyCalls(), len(cases)-3; calls != want { // missing, blank and too long: no call
		t.Errorf("introspection calls = %d, want %d", calls, want)
	}
}

// TestAPIKeyGuardTracing: with tracing on, the API-key guard records its
// outcome on the request's span (the reason code on a refusal, never the
// key), like the bearer guard.
func TestAPIKeyGuardTracing(t *testing.T) {
	rec := fxtest_helpers.NewSpanRecorder()
	a := startKeyApp(t, nil, fxtest_helpers.RecordSpans(rec))
	key := a.rev.CreateAPIKey(fxtest_helpers.APIKeyRole("reader"))
	if status, _, body := a.call(t, http.MethodGet, "/read", "X-API-Key", key); status != http.StatusOK {
		t.Fatalf("GET /read: %d %s", status, body)
	}
	allowed := rec.Require(t, "GET /api/read", attribute.Int("http.response.status_code", http.StatusOK))
	if ev := guardEvent(allowed); ev["auth.outcome"] != "allowed" {
		t.Errorf("guard event %v, want allowed", ev)
	}
	rec.Reset()
	if status, _, _ := a.call(t, http.MethodPost, "/write", "X-API-Key", key); status != http.StatusForbidden {
		t.Fatalf("POST /write with a reader key: %d", status)
	}
	denied := rec.Require(t, "POST /api/write", attribute.Int("http.response.status_code", http.StatusForbidden))
	if ev := guardEvent(denied); ev["auth.outcome"] != "denied" || ev["auth.reason"] != "api_key_capability" {
		t.Errorf("guard event %v, want denied with api_key_capability", ev)
	}
	for _, s := range append(rec.Ended(), allowed, denied) {
		for _, kv := range s.Attributes() {
			if strings.Contains(kv.Value.String(), key) {
				t.Errorf("%s: attribute %s holds the key", s.Name(), kv.Key)
			}
		}
	}
}

// allLogs is every log line's message and fields, for leak checks.
func (a *keyApp) allLogs() string {
	var b strings.Builder
	for _, e := range a.Logs.All() {
		b.WriteString(e.Message)
		for k, v := range e.ContextMap() {
			b.WriteString(" " + k + "=")
			raw, _ := json.Marshal(v)
			b.Write(raw)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestAPIKeyGuardIssuerFailures(t *testing.T) {
	a := startKeyApp(t, nil)
	key := a.rev.CreateAPIKey(fxtest_helpers.APIKeyRole("reader"))

	a.rev.APIKeyRateLimit("17")
	status, header, body := a.call(t, http.MethodGet, "/read", "X-API-Key", key)
	if status != 429 || header.Get("Retry-After") != "17" || body != `{"detail":"API key rate limit exceeded"}` {
		t.Fatalf("429 relay: %d %q %s", status, header.Get("Retry-After"), body)
	}

	a.rev.APIKeyStatus(http.StatusInternalServerError)
	before := a.rev.APIKeyCalls()
	for i := 1; i <= 5; i++ {
		status, header, body = a.call(t, http.MethodGet, "/read", "X-API-Key", key)
		if status != 503 || body != `{"detail":"API key verification unavailable."}` || header.Get("Retry-After") == "" {
			t.Fatalf("issuer 500, request %d: %d %s", i, status, body)
		}
	}
	if got := a.rev.APIKeyCalls() - before; got != 5 {
		t.Fatalf("5 failing requests made %d introspections", got)
	}
	// The breaker is open: the sixth request fails without a call.
	if status, _, _ = a.call(t, http.MethodGet, "/read", "X-API-Key", key); status != 503 || a.rev.APIKeyCalls()-before != 5 {
		t.Fatalf("sixth request: %d after %d calls; want 503 without reaching the issuer", status, a.rev.APIKeyCalls()-before)
	}
	if strings.Contains(a.allLogs(), key) {
		t.Fatal("a raw key appears in the logs")
	}
}

func TestAPIKeyGuardAudienceMismatch(t *testing.T) {
	a := startKeyApp(t, nil)
	key := a.rev.CreateAPIKey(fxtest_helpers.APIKeyRole("reader"), fxtest_helpers.APIKeyAudience("another-service"))
	if status, _, _ := a.call(t, http.MethodGet, "/read", "X-API-Key", key); status != 503 {
		t.Fatalf("a key for another audience: %d, want 503", status)
	}
	if n := a.Logs.FilterMessageSnippet("audience").Len(); n == 0 {
		t.Fatal("no error log line for the audience mismatch")
	}
}

func TestBearerOrAPIKey(t *testing.T) {
	a := startKeyApp(t, nil)
	key := a.rev.CreateAPIKey(fxtest_helpers.APIKeyRole("reader"))
	token := a.is.Token(fxtest_helpers.TokenRole(authmod.RoleReader))

	status, _, body := a.call(t, http.MethodGet, "/either", "X-API-Key", key)
	if status != 200 || !strings.Contains(body, "key_owner") {
		t.Fatalf("key alone: %d %s", status, body)
	}
	calls := a.rev.APIKeyCalls()
	status, _, body = a.call(t, http.MethodGet, "/either", "Authorization", "Bearer "+token, "X-API-Key", key)
	if status != 200 || !strings.Contains(body, `"user"`) || a.rev.APIKeyCalls() != calls {
		t.Fatalf("bearer and key: %d %s (%d introspections); want the bearer, no introspection", status, body, a.rev.APIKeyCalls()-calls)
	}
	// Bearer first: a bad bearer token is refused even with a good key.
	status, header, _ := a.call(t, http.MethodGet, "/either", "Authorization", "Bearer junk", "X-API-Key", key)
	if status != 401 || header.Get("WWW-Authenticate") == "" {
		t.Fatalf("bad bearer with a good key: %d, want the bearer's 401", status)
	}
	if status, _, body = a.call(t, http.MethodGet, "/either"); status != 401 || body != `{"detail":"Invalid or expired API key"}` {
		t.Fatalf("no credential: %d %s", status, body)
	}
}

func TestAPIKeyRoutesAuditAndDocs(t *testing.T) {
	a := startKeyApp(t, nil)
	line := a.Logs.FilterMessage("routes taking API keys").All()
	if len(line) != 1 {
		t.Fatalf("%d audit lines, want 1", len(line))
	}
	got, _ := json.Marshal(line[0].ContextMap()["routes"])
	want := `["GET /api/read reader","POST /api/write writer","GET /api/either reader (or bearer)"]`
	if string(got) != want {
		t.Fatalf("audited routes %s, want %s", got, want)
	}
	status, _, doc := a.call(t, http.MethodGet, "/openapi.json")
	if status != 200 {
		t.Fatalf("openapi.json: %d", status)
	}
	for _, s := range []string{`"apiKeyAuth"`, `"in":"header"`, `"name":"X-API-Key"`, `"x-m8fx-api-key-capability":"writer"`, `"429"`} {
		if !strings.Contains(doc, s) {
			t.Errorf("the document lacks %s", s)
		}
	}
}

func TestAPIKeyGuardAboveWriterFailsTheDeclaration(t *testing.T) {
	rev := fxtest_helpers.NewRevocationServer(t, fxtest_helpers.RevocationClient("items-svc", ""))
	is := fxtest_helpers.NewIssuer(t, "HS256")
	env := is.Env()
	for k, v := range rev.Env() {
		env[k] = v
	}
	env["TOKEN_MODE"], env["API_KEY_INTROSPECTION_ENABLED"] = "stateless", "true"
	routes := func(auth *authmod.Authenticator) httpmod.Routes {
		return httpmod.RoutesFunc(func(r *httpmod.Router) {
			httpmod.Handle(r, http.MethodDelete, "/x", func(*gin.Context) {}, auth.RequireAPIKey(authmod.RoleAdmin))
		})
	}
	err := fxtest_helpers.BuildErr(t, fxtest_helpers.WithEnv(env), fxtest_helpers.WithOptions(httpmod.AsRoutes(routes)))
	if err == nil || !strings.Contains(err.Error(), "API keys carry at most the writer capability") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("declaration error = %v", err)
	}
}
