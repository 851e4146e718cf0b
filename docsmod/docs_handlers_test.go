package docsmod_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/fx"

	"github.com/m8fx/kit/docsmod"
	"github.com/m8fx/kit/securitymod"
)

func TestDocsOnOffPerEnvironmentAndSetting(t *testing.T) {
	type want struct{ openAPI, swagger, redoc bool }
	all, none := want{true, true, true}, want{}
	tests := []struct {
		name string
		env  map[string]string
		want want
	}{
		{"local: all on by default", map[string]string{"ENVIRONMENT": "local"}, all},
		{"development", map[string]string{"ENVIRONMENT": "development"}, all},
		{"staging", map[string]string{"ENVIRONMENT": "staging"}, all},
		{"production: all off", map[string]string{"ENVIRONMENT": "production"}, none},
		{"production: the SET_* flags do not reopen", map[string]string{
			"ENVIRONMENT": "production", "SET_OPEN_API": "true", "SET_DOCS": "true", "SET_REDOC": "true",
		}, none},
		{"strict production mode: all off", strict(map[string]string{"ENVIRONMENT": "staging"}), none},
		{"production + SERVE_DOCS_IN_PRODUCTION", map[string]string{"ENVIRONMENT": "production", "SERVE_DOCS_IN_PRODUCTION": "true"}, all},
		{"production + SERVE_DOCS_IN_PRODUCTION, SET_DOCS=false", map[string]string{
			"ENVIRONMENT": "production", "SERVE_DOCS_IN_PRODUCTION": "true", "SET_DOCS": "false",
		}, want{true, false, true}},
		{"SET_OPEN_API=false: the UIs need the document", map[string]string{"SET_OPEN_API": "false"}, none},
		{"SET_DOCS=false", map[string]string{"SET_DOCS": "false"}, want{true, false, true}},
		{"SET_REDOC=false", map[string]string{"SET_REDOC": "false"}, want{true, true, false}},
		{"SET_DOCS=false, SET_REDOC=false", map[string]string{"SET_DOCS": "false", "SET_REDOC": "false"}, want{true, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var docs *docsmod.Docs
			app := newDocsApp(t, tt.env, fx.Populate(&docs))
			o, s, r := docs.Enabled()
			if (want{o, s, r}) != tt.want {
				t.Errorf("Enabled() = %v %v %v, want %+v", o, s, r, tt.want)
			}
			for _, c := range []struct {
				path string
				on   bool
			}{
				{"/api/openapi.json", tt.want.openAPI},
				{"/api/docs", tt.want.swagger},
				{"/api/docs/assets/swagger-ui/swagger-ui-bundle.js", tt.want.swagger},
				{"/api/docs/assets/swagger-init.js", tt.want.swagger},
				{"/api/redoc", tt.want.redoc},
				{"/api/docs/assets/redoc/redoc.standalone.js", tt.want.redoc},
			} {
				for _, method := range []string{http.MethodGet, http.MethodHead} {
					rec := app.Do(httptest.NewRequest(method, c.path, nil))
					switch {
					case c.on && rec.Code != http.StatusOK:
						t.Errorf("%s %s: %d, want 200", method, c.path, rec.Code)
					case !c.on && rec.Code != http.StatusNotFound:
						t.Errorf("%s %s: %d, want 404", method, c.path, rec.Code)
					case !c.on && method == http.MethodGet && rec.Body.String() != `{"detail":"Not Found"}`:
						t.Errorf("GET %s: %s, want the plain 404", c.path, rec.Body)
					}
				}
			}
			// The service's own routes are there either way.
			if rec := app.Get("/api/items/"); rec.Code != http.StatusOK {
				t.Errorf("items: %d", rec.Code)
			}
		})
	}
}

func TestServeOpenAPI(t *testing.T) {
	app := newDocsApp(t, nil)
	get := app.Get("/api/openapi.json")
	if get.Code != http.StatusOK || get.Header().Get("Content-Type") != "application/json" || get.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("GET: %d %v", get.Code, get.Header())
	}
	// The same document every time (built once).
	if again := app.Get("/api/openapi.json"); again.Body.String() != get.Body.String() {
		t.Error("the document changed between two requests")
	}
	// HEAD: the headers of GET, no body.
	head := app.Do(httptest.NewRequest(http.MethodHead, "/api/openapi.json", nil))
	if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("Content-Type") != "application/json" {
		t.Errorf("HEAD: %d %v, %d bytes", head.Code, head.Header(), head.Body.Len())
	}
	if cl := head.Header().Get("Content-Length"); cl != strconv.Itoa(get.Body.Len()) {
		t.Errorf("HEAD Content-Length %q, GET sends %d bytes", cl, get.Body.Len())
	}
	// Other methods are not allowed.
	if rec := app.Do(httptest.NewRequest(http.MethodPost, "/api/openapi.json", nil)); rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", rec.Code)
	}
}

var (
	attrURL   = regexp.MustCompile(`(?i)\b(?:src|href|data-openapi-url|spec-url)="([^"]*)"`)
	anyScheme = regexp.MustCompile(`(?i)https?://|//[a-z0-9.-]+\.[a-z]{2,}`)
	inlineJS  = regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]+</script>`)
)

func TestDocsPagesAreOffline(t *testing.T) {
	app := newDocsApp(t, map[string]string{"PROJECT_NAME": "Items <beta>"})
	for _, tc := range []struct{ path, title, docRef string }{
		{"/api/docs", "<title>Items &lt;beta&gt; - Swagger UI</title>", `data-openapi-url="/api/openapi.json"`},
		{"/api/redoc", "<title>Items &lt;beta&gt; - ReDoc</title>", `spec-url="/api/openapi.json"`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			rec := app.Get(tc.path)
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
				t.Fatalf("GET %s: %d %q", tc.path, rec.Code, rec.Header().Get("Content-Type"))
			}
			page := rec.Body.String()
			if !strings.Contains(page, tc.title) || !strings.Contains(page, tc.docRef) {
				t.Errorf("title or document reference missing:\n%s", page)
			}
			if got := rec.Header().Get("Content-Security-Policy"); got != securitymod.DocsCSP {
				t.Errorf("CSP %q", got)
			}
			if rec.Header().Get("X-Content-Type-Options") != "nosniff" || rec.Header().Get("Cache-Control") != "no-cache" {
				t.Errorf("headers %v", rec.Header())
			}
			// No reference to another host, no inline script.
			if m := anyScheme.FindAllString(page, -1); len(m) > 0 {
				t.Errorf("references other hosts: %v", m)
			}
			if strings.Contains(page, "<script>") || inlineJS.MatchString(page) {
				t.Error("an inline script")
			}
			urls := attrURL.FindAllStringSubmatch(page, -1)
			if len(urls) < 2 {
				t.Fatal("no asset references found")
			}
			for _, u := range urls {
				ref := u[1]
				if ref == "data:," {
					continue
				}
				if !strings.HasPrefix(ref, "/api/") {
					t.Errorf("%s is not a local path", ref)
					continue
				}
				if rec := app.Get(ref); rec.Code != http.StatusOK {
					t.Errorf("%s answers %d", ref, rec.Code)
				}
			}
			// HEAD: the page's headers, CSP included, without the page.
			head := app.Do(httptest.NewRequest(http.MethodHead, tc.path, nil))
			if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("Content-Security-Policy") != securitymod.DocsCSP ||
				head.Header().Get("Content-Length") != strconv.Itoa(len(page)) {
				t.Errorf("HEAD: %d %v, %d bytes", head.Code, head.Header(), head.Body.Len())
			}
		})
	}
}

func TestDocsInProductionKeepTheirCSP(t *testing.T) {
	app := newDocsApp(t, map[string]string{"ENVIRONMENT": "production", "SERVE_DOCS_IN_PRODUCTION": "true"})
	for _, path := range []string{"/api/docs", "/api/redoc"} {
		rec := app.Get(path)
		if rec.Code != http.StatusOK || len(rec.Header().Values("Content-Security-Policy")) != 1 ||
			rec.Header().Get("Content-Security-Policy") != securitymod.DocsCSP {
			t.Errorf("GET %s: %d CSP %q", path, rec.Code, rec.Header().Values("Content-Security-Policy"))
		}
		if rec.Header().Get("X-Frame-Options") != "DENY" {
			t.Errorf("GET %s: the production headers are gone: %v", path, rec.Header())
		}
	}
	// Other routes keep the strict production policy.
	for _, path := range []string{"/api/items/", "/api/openapi.json"} {
		if csp := app.Get(path).Header().Get("Content-Security-Policy"); csp == securitymod.DocsCSP || csp == "" {
			t.Errorf("%s CSP %q", path, csp)
		}
	}
}

// strict returns env under STRICT_PRODUCTION_MODE, with the settings the
// configuration health check requires there (signed events, a Host list).
func strict(env map[string]string) map[string]string {
	env["STRICT_PRODUCTION_MODE"] = "true"
	env["EVENT_SIGNING_ENABLED"] = "true"
	env["EVENT_SIGNING_KEY"] = "test-event-signing-key-0123456789abcdef"
	env["ALLOWED_HOSTS"] = "example.com,127.0.0.1,localhost"
	return env
}
