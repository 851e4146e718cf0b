package docsmod

import (
	"testing"

	"github.com/m8fx/kit/openapi"
)

func TestAcceptsGzip(t *testing.T) {
	for in, want := range map[string]bool{
		"":                         false,
		"gzip":                     true,
		"GZIP":                     true,
		"br, gzip;q=0.5":           true,
		"deflate, br":              false,
		"gzip;q=0":                 false,
		"gzip; q=0.000":            false,
		"identity, gzip ; q=1.0":   true,
		"x-gzip":                   false,
		"gzip;q=0.001, deflate":    true,
		"deflate;q=0.5, gzip;q=0 ": false,
	} {
		if got := acceptsGzip(in); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestETagMatches(t *testing.T) {
	const etag = `"abc"`
	for in, want := range map[string]bool{
		`"abc"`:          true,
		`W/"abc"`:        true,
		`"x", "abc"`:     true,
		`*`:              true,
		`"abcd"`:         false,
		``:               false,
		`abc`:            false,
		`"x",W/"y" ,"z"`: false,
	} {
		if got := etagMatches(in, etag); got != want {
			t.Errorf("etagMatches(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestJoinRoutePath(t *testing.T) {
	for _, tc := range []struct{ base, rel, want string }{
		{"/api", "/items/", "/api/items/"},
		{"/api", "/items", "/api/items"},
		{"/api/", "items/:id", "/api/items/:id"},
		{"/", "/metrics", "/metrics"},
		{"/api", "", "/api"},
		{"/api", "/", "/api/"},
	} {
		if got := joinRoutePath(tc.base, tc.rel); got != tc.want {
			t.Errorf("joinRoutePath(%q, %q) = %q, want %q", tc.base, tc.rel, got, tc.want)
		}
	}
}

func TestKitTagsLast(t *testing.T) {
	health := openapi.Tag{Name: "health", Description: "kit"}
	used := []openapi.Tag{{Name: "health"}, {Name: "items"}}
	if got := kitTagsLast(used, nil, []openapi.Tag{health}); len(got) != 2 || got[0].Name != "items" || got[1] != health {
		t.Errorf("undeclared: %v", got)
	}
	declared := []openapi.Tag{{Name: "health", Description: "mine"}}
	withDeclared := append(declared, openapi.Tag{Name: "items"})
	if got := kitTagsLast(withDeclared, declared, []openapi.Tag{health}); len(got) != 2 || got[0].Description != "mine" {
		t.Errorf("declared: %v", got)
	}
}

func TestDocsAssetsAreIndexed(t *testing.T) {
	assets := loadDocsAssets()
	for _, name := range []string{
		"swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css", "swagger-init.js", "redoc/redoc.standalone.js",
		"swagger-ui/LICENSE", "swagger-ui/NOTICE", "redoc/LICENSE",
	} {
		a, ok := assets[name]
		if !ok || len(a.body) == 0 || len(a.version) != 12 {
			t.Errorf("asset %s: %v", name, ok)
		}
	}
	if _, ok := assets["README.md"]; ok {
		t.Error("the vendoring notes are embedded")
	}
	small := &docsAsset{body: []byte("tiny"), contentType: "text/plain; charset=utf-8"}
	if small.gzipBody() != nil {
		t.Error("a tiny asset was compressed")
	}
}
