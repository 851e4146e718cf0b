package authmod

import (
	"strings"
	"testing"
)

func TestReasonLabelIsBounded(t *testing.T) {
	tests := map[Reason]string{
		"expired":                       "expired",
		"revocation_unreachable":        "revocation_unreachable",
		"":                              "other",
		"Has Spaces":                    "other",
		"user@example.com":              "other",
		Reason(strings.Repeat("a", 49)): "other",
		Reason(strings.Repeat("a", 48)): strings.Repeat("a", 48),
		"no_authorization_header":       "no_authorization_header",
	}
	for in, want := range tests {
		if got := reasonLabel(in); got != want {
			t.Errorf("reasonLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewMetricsObserverOff(t *testing.T) {
	o, err := NewMetricsObserver(nil)
	if o != nil || err != nil {
		t.Fatalf("NewMetricsObserver(nil) = %v, %v", o, err)
	}
}
