package httpmod_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestRouteParameters(t *testing.T) {
	h, _ := newNotes(t)
	tests := []struct {
		name, target string
		want         []string
	}{
		{"valid", "/api/notes/7?limit=100", nil},
		{"path not an integer", "/api/notes/abc", []string{"int_parsing@path.id"}},
		{"path below the bound", "/api/notes/0", []string{"greater_than_equal@path.id"}},
		{"query not an integer, never a strconv message", "/api/notes/7?limit=abc", []string{"int_parsing@query.limit"}},
		{"query above the bound", "/api/notes/7?limit=101", []string{"less_than_equal@query.limit"}},
		{"a uuid that does not parse", "/api/notes/7?owner=nope", []string{"uuid_parsing@query.owner"}},
		{"two values of a single parameter", "/api/notes/7?limit=1&limit=2", []string{"value_error@query.limit"}},
		{"every problem at once", "/api/notes/0?limit=abc&owner=x", []string{"uuid_parsing@query.owner", "int_parsing@query.limit", "greater_than_equal@path.id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := do(h, http.MethodGet, tt.target, "", "")
			if tt.want == nil {
				if rec.Code != http.StatusOK {
					t.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				return
			}
			var got []string
			for _, p := range problems(t, rec) {
				got = append(got, p.Type+"@"+locString(p.Loc))
				if strings.Contains(p.Msg, "strconv") || strings.Contains(p.Msg, "abc") {
					t.Errorf("message leaks the parser or the input: %q", p.Msg)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Fatalf("problems %v, want %v", got, tt.want)
			}
		})
	}
}
