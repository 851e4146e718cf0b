package healthmod

import "testing"

func TestStatusValid(t *testing.T) {
	tests := []struct {
		in   Status
		want bool
	}{
		{StatusOK, true},
		{StatusDegraded, true},
		{StatusFail, true},
		{StatusUnknown, true},
		{"", false},
		{"OK", false},
		{"bogus", false},
	}
	for _, tt := range tests {
		if got := tt.in.Valid(); got != tt.want {
			t.Errorf("Status(%q).Valid() = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestStatusNormalize(t *testing.T) {
	tests := []struct {
		in, want Status
	}{
		{StatusOK, StatusOK},
		{StatusDegraded, StatusDegraded},
		{StatusFail, StatusFail},
		{StatusUnknown, StatusUnknown},
		{"", StatusUnknown},
		{"healthy", StatusUnknown},
	}
	for _, tt := range tests {
		if got := tt.in.normalize(); got != tt.want {
			t.Errorf("Status(%q).normalize() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPolicyStrict(t *testing.T) {
	tests := []struct {
		in   Policy
		want bool
	}{
		{PolicyStrict, true},
		{"strict", true},
		{" Strict ", true},
		{PolicyLenient, false},
		{"", false},
		{"bogus", false},
	}
	for _, tt := range tests {
		if got := tt.in.strict(); got != tt.want {
			t.Errorf("Policy(%q).strict() = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestConstantsAreTheContract(t *testing.T) {
	tests := []struct{ got, want string }{
		{string(StatusOK), "ok"},
		{string(StatusDegraded), "degraded"},
		{string(StatusFail), "fail"},
		{string(StatusUnknown), "unknown"},
		{string(PolicyLenient), "LENIENT"},
		{string(PolicyStrict), "STRICT"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("constant = %q, want %q", tt.got, tt.want)
		}
	}
}
