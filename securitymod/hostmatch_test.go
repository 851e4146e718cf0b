package securitymod

import "testing"

func TestNormaliseHost(t *testing.T) {
	tests := []struct{ in, want string }{
		{"api.example.com", "api.example.com"},
		{"API.Example.com", "api.example.com"},
		{"api.example.com:8443", "api.example.com"},
		{"api.example.com:", "api.example.com"},
		{"api.example.com.", "api.example.com"},
		{"api.example.com.:80", "api.example.com"},
		{"api.example.com:x", ""},
		{"api.example.com:1234567", ""},
		{"10.0.0.1:8000", "10.0.0.1"},
		{"[::1]", "::1"},
		{"[::1]:8000", "::1"},
		{"[0:0::1]:8000", "::1"},
		{"[2001:DB8::1]", "2001:db8::1"},
		{"::1", "::1"},
		{"[::1", ""},
		{"[::1]x", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := normaliseHost(tt.in); got != tt.want {
			t.Errorf("normaliseHost(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHostMatcher(t *testing.T) {
	m, err := newHostMatcher([]string{" API.example.com ", "*.Example.org", "[::1]:8000", "10.0.0.1", ""})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		host string
		ok   bool
	}{
		{"api.example.com", true},
		{"api.example.com:1", true},
		{"example.com", false},
		{"a.example.org", true},
		{"a.b.example.org", true},
		{"example.org", false},
		{".example.org", false},
		{"aexample.org", false},
		{"[::1]:9", true},
		{"10.0.0.1", true},
		{"10.0.0.1.nip.io", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := m.allowed(tt.host); got != tt.ok {
			t.Errorf("allowed(%q) = %v, want %v", tt.host, got, tt.ok)
		}
	}
	if m.empty() {
		t.Error("empty() on a non-empty list")
	}
}

func TestHostMatcherEmptyAndStar(t *testing.T) {
	empty, err := newHostMatcher([]string{" ", ""})
	if err != nil || !empty.empty() {
		t.Fatalf("blank items: %v, empty %v", err, empty.empty())
	}
	star, err := newHostMatcher([]string{"*"})
	if err != nil || star.empty() || !star.allowed("whatever:1") || !star.allowed("") {
		t.Fatalf("star: %v", err)
	}
}

func TestValidHostName(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"api.example.com", true},
		{"my_svc-1", true},
		{"::1", true},
		{"10.0.0.1", true},
		{"", false},
		{"a..b", false},
		{"a b", false},
		{"a/b", false},
		{"*.b", false},
		{"a@b", false},
	}
	for _, tt := range tests {
		if got := validHostName(tt.in); got != tt.ok {
			t.Errorf("validHostName(%q) = %v, want %v", tt.in, got, tt.ok)
		}
	}
}
