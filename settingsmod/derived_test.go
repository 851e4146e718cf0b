package settingsmod

import (
	"reflect"
	"testing"
	"time"
)

func TestModeFlags(t *testing.T) {
	tests := []struct {
		name                                              string
		s                                                 Settings
		production, local, docsGated, stateless, stateful bool
	}{
		{name: "local", s: Settings{Environment: "local", TokenMode: "stateless"}, local: true, stateless: true},
		{name: "staging", s: Settings{Environment: "staging", TokenMode: "hybrid"}, stateless: true},
		{name: "production", s: Settings{Environment: "production", TokenMode: "stateful"}, production: true, docsGated: true, stateful: true},
		{name: "production serving docs", s: Settings{Environment: "production", ServeDocsInProduction: true}, production: true},
		{name: "strict mode", s: Settings{Environment: "development", StrictProductionMode: true}, production: true, docsGated: true},
		{name: "unknown mode", s: Settings{TokenMode: "x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.s
			got := []bool{s.IsProduction(), s.IsLocal(), s.DocsGated(), s.IsStateless(), s.IsStateful()}
			want := []bool{tc.production, tc.local, tc.docsGated, tc.stateless, tc.stateful}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("production, local, docsGated, stateless, stateful = %v, want %v", got, want)
			}
		})
	}
}

func TestAllowedOrigins(t *testing.T) {
	tests := []struct {
		name     string
		cors     []string
		frontend string
		want     []string
	}{
		{"frontend only", nil, "http://localhost:3000", []string{"http://localhost:3000"}},
		{"nothing", nil, "", nil},
		{
			"normalised, ordered, deduplicated",
			[]string{" HTTPS://B.test:443/ ", "", "http://a.test:80", "https://b.test", "http://a.test"},
			"https://b.test/app",
			[]string{"https://b.test", "http://a.test"},
		},
		{"frontend path dropped", []string{"http://a.test"}, "https://app.test:8443/ui/", []string{"http://a.test", "https://app.test:8443"}},
		{"invalid items left out", []string{"*", "http://a.test/x", "http://ok.test"}, "not a url", []string{"http://ok.test"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := Settings{BackendCORSOrigins: tc.cors, FrontendHost: tc.frontend}
			if got := s.AllowedOrigins(); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestOptionalDefaults(t *testing.T) {
	zero, ten := 0, 10
	tests := []struct {
		name      string
		s         Settings
		drain     time.Duration
		logFormat string
		leeway    time.Duration
	}{
		{"local", Settings{Environment: "local"}, 0, "console", 5 * time.Second},
		{"staging", Settings{Environment: "staging", TokenStrictValidation: true}, 5 * time.Second, "json", 2 * time.Second},
		{"explicit", Settings{Environment: "local", ShutdownDrainSeconds: &ten, LogFormat: "json", TokenLeewaySeconds: &zero, TokenStrictValidation: true}, 10 * time.Second, "json", 0},
		{"explicit zero drain in production", Settings{Environment: "production", ShutdownDrainSeconds: &zero, LogFormat: "console", TokenLeewaySeconds: &ten}, 0, "console", 10 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.s.ShutdownDrain(); got != tc.drain {
				t.Errorf("ShutdownDrain = %v, want %v", got, tc.drain)
			}
			if got := tc.s.EffectiveLogFormat(); got != tc.logFormat {
				t.Errorf("EffectiveLogFormat = %q, want %q", got, tc.logFormat)
			}
			if got := tc.s.TokenLeeway(); got != tc.leeway {
				t.Errorf("TokenLeeway = %v, want %v", got, tc.leeway)
			}
		})
	}
}

func TestDurations(t *testing.T) {
	s := mustLoad(t, withEnv(map[string]string{
		"JWKS_CACHE_TTL_SECONDS":           "60",
		"REVOCATION_CACHE_TTL_SECONDS":     "3",
		"HTTP_READ_HEADER_TIMEOUT_SECONDS": "4",
		"HTTP_READ_TIMEOUT_SECONDS":        "11",
		"HTTP_WRITE_TIMEOUT_SECONDS":       "12",
		"HTTP_IDLE_TIMEOUT_SECONDS":        "13",
		"REQUEST_TIMEOUT_SECONDS":          "7",
	}))
	tests := []struct {
		name      string
		got, want time.Duration
	}{
		{"JWKSCacheTTL", s.JWKSCacheTTL(), time.Minute},
		{"RevocationCacheTTL", s.RevocationCacheTTL(), 3 * time.Second},
		{"HTTPReadHeaderTimeout", s.HTTPReadHeaderTimeout(), 4 * time.Second},
		{"HTTPReadTimeout", s.HTTPReadTimeout(), 11 * time.Second},
		{"HTTPWriteTimeout", s.HTTPWriteTimeout(), 12 * time.Second},
		{"HTTPIdleTimeout", s.HTTPIdleTimeout(), 13 * time.Second},
		{"RequestTimeout", s.RequestTimeout(), 7 * time.Second},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}

func TestDefaultDurations(t *testing.T) {
	s := mustLoad(t, validEnv())
	if s.JWKSCacheTTL() != 5*time.Minute || s.RevocationCacheTTL() != 0 || s.HTTPReadHeaderTimeout() != 5*time.Second ||
		s.HTTPReadTimeout() != 30*time.Second || s.HTTPWriteTimeout() != 35*time.Second || s.HTTPIdleTimeout() != 2*time.Minute ||
		s.RequestTimeout() != 30*time.Second {
		t.Fatalf("unexpected defaults: %+v", s)
	}
}

func TestMetricsGroupEnabled(t *testing.T) {
	tests := []struct {
		groups []string
		name   string
		want   bool
	}{
		{[]string{"all"}, "auth", true},
		{[]string{"traffic", "auth"}, "auth", true},
		{[]string{" auth "}, "auth", true},
		{[]string{"traffic"}, "auth", false},
		{nil, "auth", false},
	}
	for _, tc := range tests {
		s := Settings{MetricsGroups: tc.groups}
		if got := s.MetricsGroupEnabled(tc.name); got != tc.want {
			t.Errorf("groups %q, %s: got %v", tc.groups, tc.name, got)
		}
	}
}
