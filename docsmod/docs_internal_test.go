package docsmod

import (
	"testing"

	"github.com/m8fx/kit/openapi"
)

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

func TestToOpenAPIPath(t *testing.T) {
	for in, want := range map[string]string{
		"/api/items/:id":    "/api/items/{id}",
		"/api/items/{id}":   "/api/items/{id}",
		"/files/*name":      "/files/{name}",
		"/a/:x/b/:y":        "/a/{x}/b/{y}",
		"/plain/":           "/plain/",
		"/time:now":         "/time:now",
		"/api/docs/assets/": "/api/docs/assets/",
	} {
		if got := toOpenAPIPath(in); got != want {
			t.Errorf("toOpenAPIPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOwnRoute(t *testing.T) {
	d := &Docs{prefix: "/api"}
	for path, want := range map[string]bool{
		"/api/openapi.json":      true,
		"/api/docs":              true,
		"/api/redoc":             true,
		"/api/docs/assets/*file": true,
		"/openapi.json":          false,
		"/api/docs/":             false,
		"/api/items/":            false,
	} {
		if got := d.ownRoute(path); got != want {
			t.Errorf("ownRoute(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestKitTagsLast(t *testing.T) {
	health := openapi.Tag{Name: "health", Description: "kit"}
	meta := openapi.Tag{Name: "meta", Description: "kit meta"}
	kit := []openapi.Tag{health, meta}
	for _, tc := range []struct {
		name           string
		used, declared []openapi.Tag
		want           []openapi.Tag
	}{
		{"undeclared kit tags move last, with their descriptions",
			[]openapi.Tag{{Name: "meta"}, {Name: "health"}, {Name: "items"}}, nil,
			[]openapi.Tag{{Name: "items"}, meta, health}},
		{"a kit tag the service declares stays",
			[]openapi.Tag{{Name: "health", Description: "mine"}, {Name: "items"}, {Name: "meta"}},
			[]openapi.Tag{{Name: "health", Description: "mine"}},
			[]openapi.Tag{{Name: "health", Description: "mine"}, {Name: "items"}, meta}},
		{"no kit tags", []openapi.Tag{{Name: "a"}, {Name: "b"}}, nil, []openapi.Tag{{Name: "a"}, {Name: "b"}}},
		{"none", nil, nil, []openapi.Tag{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := kitTagsLast(tc.used, tc.declared, kit)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("got %v, want %v", got, tc.want)
					break
				}
			}
		})
	}
}
