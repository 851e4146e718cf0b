package httpmod_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/m8fx/kit/httpmod"
)

func TestRouteBindsAndValidatesTheBody(t *testing.T) {
	h, _ := newNotes(t)
	const js = "application/json"
	tests := []struct {
		name, ct, body string
		want           []string // "type@loc"
	}{
		{"at the runtime limit, 10 characters", js, `{"text":"abcdefghij"}`, nil},
		{"10 characters of two bytes", js, `{"text":"éééééééééé"}`, nil},
		{"over the runtime limit", js, `{"text":"abcdefghijk"}`, []string{"string_too_long@body.text"}},
		{"blank text fails the pattern (no trimming)", js, `{"text":"   "}`, []string{"string_pattern_mismatch@body.text"}},
		{"a rule and the pattern of one field, both reported", js, `{"text":"           "}`, []string{"string_too_long@body.text", "string_pattern_mismatch@body.text"}},
		{"missing field", js, `{}`, []string{"missing@body.text"}},
		{"wrong types, every problem at once", js, `{"text":5,"level":"x","tags":{}}`, []string{"string_type@body.text", "int_type@body.level", "list_type@body.tags"}},
		{"item rules", js, `{"text":"a","tags":["","abcdefghijk"]}`, []string{"string_too_short@body.tags.0", "string_too_long@body.tags.1"}},
		{"too many items and a bound", js, `{"text":"a","tags":["a","b","c","d"],"level":9}`, []string{"too_long@body.tags", "less_than_equal@body.level"}},
		{"enum", js, `{"text":"a","kind":"x"}`, []string{"enum@body.kind"}},
		{"trailing data", js, `{"text":"a"} junk`, []string{"json_invalid@body.13"}},
		{"two objects", js, `{"text":"a"}{"text":"b"}`, []string{"json_invalid@body.12"}},
		{"duplicate keys", js, `{"text":"a","text":"b"}`, []string{"json_invalid@body.12"}},
		{"invalid UTF-8", js, "{\"text\":\"a\xff\"}", []string{"json_invalid@body.10"}},
		{"case-folded member", js, `{"Text":"a"}`, []string{"extra_forbidden@body.Text", "missing@body.text"}},
		{"missing body", js, ``, []string{"missing@body"}},
		{"header and body problems together", js, `{"text":""}`, []string{"string_pattern_mismatch@body.text"}},
		{"charset parameter is fine", js + "; charset=utf-8", `{"text":"a"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, http.MethodPost, "/api/notes/", tt.ct, tt.body)
			if tt.want == nil {
				if rec.Code != http.StatusCreated {
					t.Fatalf("status %d, want 201: %s", rec.Code, rec.Body)
				}
				return
			}
			var got []string
			for _, p := range problems(t, rec) {
				got = append(got, p.Type+"@"+locString(p.Loc))
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Fatalf("problems %v, want %v (%s)", got, tt.want, rec.Body)
			}
		})
	}
}

func TestRouteRefusesOtherMediaAndLargeBodies(t *testing.T) {
	h, _ := newNotes(t)
	tests := []struct {
		name, ct, body string
		status         int
		detail         string
	}{
		{"text/plain", "text/plain", `{"text":"a"}`, http.StatusUnsupportedMediaType, "Unsupported media type: the request body must be application/json"},
		{"no content type", "", `{"text":"a"}`, http.StatusUnsupportedMediaType, "Unsupported media type: the request body must be application/json"},
		{"another charset", "application/json; charset=latin1", `{"text":"a"}`, http.StatusUnsupportedMediaType, "Unsupported media type: the request body must be application/json"},
		{"over the body limit", "application/json", `{"text":"` + strings.Repeat("a", 300) + `"}`, http.StatusRequestEntityTooLarge, "Request body too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, http.MethodPost, "/api/notes/", tt.ct, tt.body)
			if rec.Code != tt.status || rec.Body.String() != `{"detail":"`+tt.detail+`"}` {
				t.Fatalf("%d %s, want %d %q", rec.Code, rec.Body, tt.status, tt.detail)
			}
		})
	}
}

func TestRouteRejectUnknownFields(t *testing.T) {
	h, _ := newNotes(t, httpmod.RejectUnknownFields())
	got := problems(t, do(h, http.MethodPost, "/api/notes/", "application/json", `{"text":"a","extra":1}`))
	if len(got) != 1 || got[0].Type != "extra_forbidden" || locString(got[0].Loc) != "body.extra" {
		t.Fatalf("problems %+v", got)
	}
	h, _ = newNotes(t)
	if rec := do(h, http.MethodPost, "/api/notes/", "application/json", `{"text":"a","extra":1}`); rec.Code != http.StatusCreated {
		t.Fatalf("unknown fields are ignored by default: %d %s", rec.Code, rec.Body)
	}
}

func TestRouteLocatesANestedBodyField(t *testing.T) {
	type letter struct {
		Body string `json:"text" validate:"max=3"`
	}
	type in struct{ Body letter }
	gin.SetMode(gin.TestMode)
	e := gin.New()
	table := httpmod.NewRouteTable(httpmod.RouteTableConfig{})
	httpmod.Route(httpmod.NewRouter(e.Group("/api"), table), http.MethodPost, "/letters", handler[in])
	if err := table.Err(); err != nil {
		t.Fatal(err)
	}
	got := problems(t, do(e, http.MethodPost, "/api/letters", "application/json", `{"text":"abcd"}`))
	if len(got) != 1 || locString(got[0].Loc) != "body.text" {
		t.Fatalf("problems %+v, want string_too_long at body.text", got)
	}
}
