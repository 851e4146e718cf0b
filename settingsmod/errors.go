package settingsmod

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Problem is one thing wrong with the settings: the environment variable at
// fault and a message saying what is expected. A Message never contains the
// value of a [Secret].
type Problem struct {
	Env     string
	Message string
}

// String returns "ENV: message".
func (p Problem) String() string { return p.Env + ": " + p.Message }

// ValidationError lists every problem found while loading settings. Loading
// collects all problems before failing, so one boot shows everything to fix.
//
// Its Error text is
//
//	invalid settings (N problems):
//	  - ENV_NAME: message
//	  - ...
//
// with problems sorted by env name, then message.
type ValidationError struct {
	Problems []Problem
}

// Error lists the problems, one a line, sorted by env name then message.
func (e *ValidationError) Error() string {
	ps := sortedProblems(e.Problems)
	var b strings.Builder
	noun := "problems"
	if len(ps) == 1 {
		noun = "problem"
	}
	fmt.Fprintf(&b, "invalid settings (%d %s):", len(ps), noun)
	for _, p := range ps {
		b.WriteString("\n  - ")
		b.WriteString(p.String())
	}
	return b.String()
}

// newValidationError returns a ValidationError holding ps in sorted order.
func newValidationError(ps []Problem) *ValidationError {
	return &ValidationError{Problems: sortedProblems(ps)}
}

// sortedProblems returns a sorted copy of ps.
func sortedProblems(ps []Problem) []Problem {
	out := slices.Clone(ps)
	slices.SortStableFunc(out, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Env, b.Env), cmp.Compare(a.Message, b.Message))
	})
	return out
}

// problems collects Problems while validating.
type problems []Problem

// add records a problem for env with a formatted message.
func (ps *problems) add(env, format string, args ...any) {
	*ps = append(*ps, Problem{Env: env, Message: fmt.Sprintf(format, args...)})
}
