package healthmod

import "testing"

func TestAggregate(t *testing.T) {
	r := func(ss ...Status) []Result {
		out := make([]Result, len(ss))
		for i, s := range ss {
			out[i] = Result{Name: string(rune('a' + i)), Status: s}
		}
		return out
	}
	tests := []struct {
		name    string
		policy  Policy
		results []Result
		want    Status
	}{
		{"no checks", PolicyLenient, nil, StatusOK},
		{"no checks strict", PolicyStrict, []Result{}, StatusOK},
		{"all ok", PolicyLenient, r(StatusOK, StatusOK), StatusOK},
		{"degraded", PolicyLenient, r(StatusOK, StatusDegraded), StatusDegraded},
		{"degraded strict", PolicyStrict, r(StatusDegraded), StatusDegraded},
		{"unknown lenient", PolicyLenient, r(StatusOK, StatusUnknown), StatusUnknown},
		{"unknown beats degraded", PolicyLenient, r(StatusDegraded, StatusUnknown), StatusUnknown},
		{"unknown strict", PolicyStrict, r(StatusOK, StatusUnknown), StatusFail},
		{"unknown strict lower-case", "strict", r(StatusUnknown), StatusFail},
		{"fail lenient", PolicyLenient, r(StatusOK, StatusFail), StatusFail},
		{"fail first", PolicyLenient, r(StatusFail, StatusUnknown, StatusDegraded), StatusFail},
		{"fail last", PolicyLenient, r(StatusDegraded, StatusUnknown, StatusFail), StatusFail},
		{"fail strict", PolicyStrict, r(StatusFail), StatusFail},
		{"invalid status counts as unknown", PolicyLenient, r(StatusOK, "bogus"), StatusUnknown},
		{"empty status strict", PolicyStrict, r(""), StatusFail},
		{"empty policy is lenient", "", r(StatusUnknown), StatusUnknown},
		{"invalid policy is lenient", "PARANOID", r(StatusUnknown), StatusUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Aggregate(tt.policy, tt.results); got != tt.want {
				t.Errorf("Aggregate(%q, ...) = %q, want %q", tt.policy, got, tt.want)
			}
		})
	}
}
