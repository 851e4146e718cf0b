package credential

import "testing"

func TestEqual(t *testing.T) {
	tests := []struct {
		name        string
		given, want string
		ok          bool
	}{
		{"equal", "s3cret-value", "s3cret-value", true},
		{"different", "s3cret-valuE", "s3cret-value", false},
		{"prefix", "s3cret", "s3cret-value", false},
		{"longer", "s3cret-value-x", "s3cret-value", false},
		{"empty given", "", "s3cret-value", false},
		{"empty want never matches", "", "", false},
		{"empty want, non-empty given", "x", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Equal(tt.given, tt.want); got != tt.ok {
				t.Fatalf("Equal(%q, %q) = %v, want %v", tt.given, tt.want, got, tt.ok)
			}
		})
	}
}
