package docsmod_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

func TestDocsAssets(t *testing.T) {
	app := newDocsApp(t, nil)
	for _, tc := range []struct{ name, file, ctype string }{
		{"swagger-ui/swagger-ui-bundle.js", "docsassets/swagger-ui/swagger-ui-bundle.js", "text/javascript; charset=utf-8"},
		{"swagger-ui/swagger-ui.css", "docsassets/swagger-ui/swagger-ui.css", "text/css; charset=utf-8"},
		{"swagger-init.js", "docsassets/swagger-init.js", "text/javascript; charset=utf-8"},
		{"redoc/redoc.standalone.js", "docsassets/redoc/redoc.standalone.js", "text/javascript; charset=utf-8"},
		{"swagger-ui/LICENSE", "docsassets/swagger-ui/LICENSE", "text/plain; charset=utf-8"},
		{"redoc/LICENSE", "docsassets/redoc/LICENSE", "text/plain; charset=utf-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			path := "/api/docs/assets/" + tc.name
			rec := app.Get(path)
			h := rec.Header()
			if rec.Code != http.StatusOK || h.Get("Content-Type") != tc.ctype || !bytes.Equal(rec.Body.Bytes(), want) {
				t.Fatalf("GET %s: %d %q, %d bytes (want %d)", path, rec.Code, h.Get("Content-Type"), rec.Body.Len(), len(want))
			}
			etag := h.Get("ETag")
			if h.Get("Cache-Control") != "public, max-age=86400" || len(etag) < 10 || h.Get("X-Content-Type-Options") != "nosniff" ||
				h.Get("Content-Encoding") != "" || h.Get("Vary") != "Accept-Encoding" {
				t.Errorf("headers %v", h)
			}
			// ETag: a match answers 304 without a body.
			for _, inm := range []string{etag, "W/" + etag, `"other", ` + etag, "*"} {
				if rec := app.Get(path, "If-None-Match", inm); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 || rec.Header().Get("ETag") != etag {
					t.Errorf("If-None-Match %s: %d, %d bytes", inm, rec.Code, rec.Body.Len())
				}
			}
			if rec := app.Get(path, "If-None-Match", `"other"`); rec.Code != http.StatusOK {
				t.Errorf("another ETag: %d", rec.Code)
			}
			// gzip, when the client accepts it and it pays.
			gz := app.Get(path, "Accept-Encoding", "br, gzip;q=0.8")
			if len(want) > 4096 {
				if gz.Header().Get("Content-Encoding") != "gzip" || gz.Body.Len() >= len(want) || gz.Header().Get("ETag") != etag {
					t.Fatalf("gzip: %v, %d bytes", gz.Header(), gz.Body.Len())
				}
				zr, err := gzip.NewReader(gz.Body)
				if err != nil {
					t.Fatal(err)
				}
				plain, err := io.ReadAll(zr)
				if err != nil || !bytes.Equal(plain, want) {
					t.Errorf("gzip: the body does not decompress to the file (%v)", err)
				}
			}
			if rec := app.Get(path, "Accept-Encoding", "gzip;q=0"); rec.Header().Get("Content-Encoding") != "" {
				t.Error("gzip sent although refused")
			}
			// HEAD: the headers of GET, no body.
			head := app.Do(httptest.NewRequest(http.MethodHead, path, nil))
			if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("ETag") != etag || head.Header().Get("Content-Type") != tc.ctype {
				t.Errorf("HEAD: %d %v, %d bytes", head.Code, head.Header(), head.Body.Len())
			}
		})
	}
}

func TestDocsAssetsNotFound(t *testing.T) {
	app := newDocsApp(t, nil)
	for _, path := range []string{
		"/api/docs/assets/nope.js", "/api/docs/assets/", "/api/docs/assets/README.md",
		"/api/docs/assets/%2e%2e/docs.go", "/api/docs/assets/swagger-ui/swagger-ui.css.map",
	} {
		if rec := app.Get(path); rec.Code != http.StatusNotFound || rec.Body.String() != `{"detail":"Not Found"}` {
			t.Errorf("GET %s: %d %s", path, rec.Code, rec.Body)
		}
	}
}

// With one UI off, its assets are not served; the other's are.
func TestDocsAssetsFollowTheirUI(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		swagger bool
		redoc   bool
	}{
		{"SET_DOCS=false", map[string]string{"SET_DOCS": "false"}, false, true},
		{"SET_REDOC=false", map[string]string{"SET_REDOC": "false"}, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := newDocsApp(t, tc.env)
			for path, on := range map[string]bool{
				"/api/docs/assets/swagger-ui/swagger-ui.css": tc.swagger,
				"/api/docs/assets/swagger-init.js":           tc.swagger,
				"/api/docs/assets/swagger-ui/LICENSE":        tc.swagger,
				"/api/docs/assets/redoc/redoc.standalone.js": tc.redoc,
				"/api/docs/assets/redoc/LICENSE":             tc.redoc,
			} {
				if rec := app.Get(path); (rec.Code == http.StatusOK) != on {
					t.Errorf("GET %s: %d, served %v", path, rec.Code, on)
				}
			}
		})
	}
}

func TestDocsAssetsLoadNothingFromElsewhere(t *testing.T) {
	app := newDocsApp(t, nil)
	if rec := app.Get("/api/docs/assets/swagger-ui/swagger-ui-bundle.js"); strings.Contains(rec.Body.String(), "cdn.") {
		t.Log("note: the Swagger UI bundle mentions a CDN host (not loaded by the page)")
	}
	if rec := app.Get("/api/docs/assets/redoc/redoc.standalone.js"); strings.Contains(rec.Body.String(), "cdn.redoc.ly") {
		t.Error("the ReDoc bundle still loads its logo from cdn.redoc.ly (see docsassets/README.md for the patch)")
	}
}
