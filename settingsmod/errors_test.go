package settingsmod

import (
	"errors"
	"fmt"
	"testing"
)

func TestValidationErrorText(t *testing.T) {
	tests := []struct {
		name     string
		problems []Problem
		want     string
	}{
		{
			name:     "one problem, singular",
			problems: []Problem{{"DOMAIN", "is required"}},
			want:     "invalid settings (1 problem):\n  - DOMAIN: is required",
		},
		{
			name: "sorted by env then message",
			problems: []Problem{
				{"TOKEN_MODE", "b"},
				{"API_PREFIX", "z"},
				{"TOKEN_MODE", "a"},
			},
			want: "invalid settings (3 problems):\n  - API_PREFIX: z\n  - TOKEN_MODE: a\n  - TOKEN_MODE: b",
		},
		{
			name: "none",
			want: "invalid settings (0 problems):",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := (&ValidationError{Problems: tc.problems}).Error(); got != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestValidationErrorDoesNotReorderCallerSlice(t *testing.T) {
	ps := []Problem{{"B", "x"}, {"A", "y"}}
	_ = (&ValidationError{Problems: ps}).Error()
	if ps[0].Env != "B" {
		t.Fatalf("Error reordered the caller's slice: %v", ps)
	}
}

func TestNewValidationErrorSorts(t *testing.T) {
	ve := newValidationError([]Problem{{"B", "x"}, {"A", "z"}, {"A", "y"}})
	want := []Problem{{"A", "y"}, {"A", "z"}, {"B", "x"}}
	if fmt.Sprint(ve.Problems) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", ve.Problems, want)
	}
}

func TestValidationErrorAs(t *testing.T) {
	err := fmt.Errorf("boot: %w", newValidationError([]Problem{{"DOMAIN", "is required"}}))
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 1 {
		t.Fatalf("errors.As failed on %v", err)
	}
}

func TestProblemString(t *testing.T) {
	if got := (Problem{"HTTP_ADDR", "must be host:port"}).String(); got != "HTTP_ADDR: must be host:port" {
		t.Fatalf("got %q", got)
	}
}

func TestProblemsAdd(t *testing.T) {
	var ps problems
	ps.add("X", "got %d", 3)
	if len(ps) != 1 || ps[0] != (Problem{"X", "got 3"}) {
		t.Fatalf("got %v", ps)
	}
}
