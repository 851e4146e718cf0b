package settingsmod

import (
	"strings"
	"testing"
)

func TestParseHTTPURL(t *testing.T) {
	tests := []struct {
		raw, wantErr string
	}{
		{"http://a.test", ""},
		{"HTTPS://A.test:8443/x?y#z", ""},
		{"http://[::1]:80", ""},
		{"", "http:// or https://"},
		{" http://a.test", "whitespace"},
		{"http://a .test", "whitespace"},
		{"ftp://a.test", "http:// or https://"},
		{"//a.test", "http:// or https://"},
		{"http:///path", "must include a host"},
		{"http://:80", "must include a host"},
		{"http://a.test:0", "port between 1 and 65535"},
		{"http://a.test:65536", "port between 1 and 65535"},
		{"http://%zz", "not a valid URL"},
	}
	for _, tc := range tests {
		_, err := parseHTTPURL(tc.raw)
		if tc.wantErr == "" {
			if err != nil {
				t.Errorf("%q: %v", tc.raw, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%q: want %q, got %v", tc.raw, tc.wantErr, err)
		}
	}
}

func TestParseHTTPURLHidesCredentials(t *testing.T) {
	for _, raw := range []string{"ftp://user:pw-marker@a.test", "http://user:pw-marker@a.test:99999", "http://u:pw-marker@%zz"} {
		if _, err := parseHTTPURL(raw); err == nil || strings.Contains(err.Error(), "pw-marker") {
			t.Errorf("%q: %v", raw, err)
		}
	}
}

func TestNormaliseOrigin(t *testing.T) {
	tests := []struct {
		raw, want, wantErr string
	}{
		{raw: "http://a.test", want: "http://a.test"},
		{raw: "HTTP://A.Test/", want: "http://a.test"},
		{raw: "http://a.test:80", want: "http://a.test"},
		{raw: "https://a.test:443", want: "https://a.test"},
		{raw: "http://a.test:443", want: "http://a.test:443"},
		{raw: "https://a.test:80", want: "https://a.test:80"},
		{raw: "http://[::1]:3000", want: "http://[::1]:3000"},
		{raw: "http://[::1]:80", want: "http://[::1]"},
		{raw: "*", wantErr: `must not be "*"`},
		{raw: "http://a.test/x", wantErr: "path"},
		{raw: "http://a.test//", wantErr: "path"},
		{raw: "http://a.test?", wantErr: "query"},
		{raw: "http://a.test?x=1", wantErr: "query"},
		{raw: "http://a.test#", wantErr: "fragment"},
		{raw: "http://a.test#x", wantErr: "fragment"},
		{raw: "http://u@a.test", wantErr: "user info"},
		{raw: "a.test", wantErr: "http:// or https://"},
	}
	for _, tc := range tests {
		got, err := normaliseOrigin(tc.raw)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%q: want error %q, got %q, %v", tc.raw, tc.wantErr, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: got %q, %v; want %q", tc.raw, got, err, tc.want)
		}
	}
}

func TestOriginOf(t *testing.T) {
	tests := []struct {
		raw, want string
		ok        bool
	}{
		{"https://App.Example.com/app/?x#y", "https://app.example.com", true},
		{"http://localhost:3000/", "http://localhost:3000", true},
		{"localhost:3000", "", false},
	}
	for _, tc := range tests {
		got, err := originOf(tc.raw)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("%q: got %q, %v", tc.raw, got, err)
		}
	}
}

func TestIsLoopbackHost(t *testing.T) {
	tests := []struct {
		host string
		want bool
	}{
		{"localhost", true},
		{"LOCALHOST", true},
		{"localhost.", true},
		{"app.localhost", true},
		{"127.0.0.1", true},
		{"127.1.2.3", true},
		{"::1", true},
		{"example.com", false},
		{"localhost.example.com", false},
		{"10.0.0.1", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := isLoopbackHost(tc.host); got != tc.want {
			t.Errorf("isLoopbackHost(%q) = %v", tc.host, got)
		}
	}
}
