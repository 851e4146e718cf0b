package settingsmod

import (
	"reflect"
	"strings"
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

func TestPrivateBaseURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"http://auth:8000/user/private/v1/jti-status", "http://auth:8000/user/private/v1"},
		{"http://auth:8000/user/private/v1/jti-status/", "http://auth:8000/user/private/v1"},
		{"https://auth.example.com/user/private/v1/", "https://auth.example.com/user/private/v1"},
		{"https://auth.example.com/private/v1", "https://auth.example.com/private/v1"},
		{"https://auth.example.com/jti-status-v2", "https://auth.example.com/jti-status-v2"},
		{"", ""},
	} {
		s := Settings{IntrospectionURL: tc.in}
		if got := s.PrivateBaseURL(); got != tc.want {
			t.Errorf("PrivateBaseURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestEffectiveServiceTokenScopes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		scopes []string
		stream bool
		want   []string
	}{
		{"default", []string{"introspection"}, false, []string{"introspection"}},
		{"stream adds event-stream", []string{"introspection"}, true, []string{"introspection", "event-stream"}},
		{"no duplicate", []string{"event-stream", " introspection ", "event-stream"}, true, []string{"event-stream", "introspection"}},
		{"empty items dropped", []string{"", "introspection", " "}, false, []string{"introspection"}},
		{"nothing", nil, false, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Settings{ServiceTokenScopes: tc.scopes, EventStreamEnabled: tc.stream}
			if got := s.EffectiveServiceTokenScopes(); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestInternalCallDefaults(t *testing.T) {
	s := mustLoad(t, validEnv())
	if s.InternalClientID != "" || s.ServiceTokenExchangeEnabled || !s.RevocationCachePrivilegedBypass ||
		s.EventStreamEnabled || s.EventStreamRequired {
		t.Fatalf("unexpected defaults: %+v", s)
	}
	if !reflect.DeepEqual(s.ServiceTokenScopes, []string{"introspection"}) {
		t.Errorf("SERVICE_TOKEN_SCOPES default = %q", s.ServiceTokenScopes)
	}
	if s.ServiceTokenRefreshLeeway() != 30*time.Second || s.EventStreamConnectTimeout() != 5*time.Second ||
		s.EventStreamReadTimeout() != time.Minute {
		t.Errorf("durations: leeway %v, connect %v, read %v", s.ServiceTokenRefreshLeeway(), s.EventStreamConnectTimeout(), s.EventStreamReadTimeout())
	}
	s = mustLoad(t, withEnv(map[string]string{
		"INTERNAL_CLIENT_ID":                   "svc-a",
		"PRIVATE_API_SECRET":                   strings.Repeat("p", 16),
		"SERVICE_TOKEN_SCOPES":                 "introspection,api-key-introspection",
		"SERVICE_TOKEN_REFRESH_LEEWAY_SECONDS": "10",
		"EVENT_STREAM_CONNECT_TIMEOUT":         "2.5",
		"EVENT_STREAM_READ_TIMEOUT":            "90",
	}))
	if s.InternalClientID != "svc-a" || s.ServiceTokenRefreshLeeway() != 10*time.Second ||
		s.EventStreamConnectTimeout() != 2500*time.Millisecond || s.EventStreamReadTimeout() != 90*time.Second {
		t.Errorf("loaded: %+v", s)
	}
	if got := s.EffectiveServiceTokenScopes(); !reflect.DeepEqual(got, []string{"introspection", "api-key-introspection"}) {
		t.Errorf("scopes = %q", got)
	}
}

func TestAPIKeyIntrospectionDerived(t *testing.T) {
	s := mustLoad(t, validEnv())
	if s.APIKeyIntrospectionEnabled || s.APIKeyIntrospectionEndpoint() != "" ||
		s.APIKeyIntrospectionMaxConcurrency != 20 || s.APIKeyIntrospectionMaxResponseBytes != 8192 ||
		s.APIKeyIntrospectionSchemaVersion != "1" || s.APIKeyIntrospectionCircuitFailureThreshold != 5 {
		t.Fatalf("unexpected defaults: %+v", s)
	}
	if s.APIKeyIntrospectionConnectTimeout() != 2*time.Second || s.APIKeyIntrospectionReadTimeout() != 3*time.Second ||
		s.APIKeyIntrospectionPoolTimeout() != 2*time.Second || s.APIKeyIntrospectionCircuitReset() != 30*time.Second {
		t.Errorf("durations: %v %v %v %v", s.APIKeyIntrospectionConnectTimeout(), s.APIKeyIntrospectionReadTimeout(),
			s.APIKeyIntrospectionPoolTimeout(), s.APIKeyIntrospectionCircuitReset())
	}
	for _, tc := range []struct{ explicit, introspection, want string }{
		{"", "http://auth:8000/user/private/v1/jti-status", "http://auth:8000/user/private/v1/api-keys/introspect"},
		{"", "http://auth:8000/user/private/v1/", "http://auth:8000/user/private/v1/api-keys/introspect"},
		{" https://keys.example.com/introspect ", "http://auth:8000/jti-status", "https://keys.example.com/introspect"},
		{"", "", ""},
	} {
		s := Settings{APIKeyIntrospectionURL: tc.explicit, IntrospectionURL: tc.introspection}
		if got := s.APIKeyIntrospectionEndpoint(); got != tc.want {
			t.Errorf("endpoint(%q, %q) = %q, want %q", tc.explicit, tc.introspection, got, tc.want)
		}
	}
	s = &Settings{ServiceTokenScopes: []string{"introspection"}, EventStreamEnabled: true, APIKeyIntrospectionEnabled: true}
	if got := s.EffectiveServiceTokenScopes(); !reflect.DeepEqual(got, []string{"introspection", "event-stream", "api-key-introspection"}) {
		t.Errorf("scopes = %q", got)
	}
	s = &Settings{ServiceTokenScopes: []string{"api-key-introspection"}, APIKeyIntrospectionEnabled: true}
	if got := s.EffectiveServiceTokenScopes(); !reflect.DeepEqual(got, []string{"api-key-introspection"}) {
		t.Errorf("scopes without duplicate = %q", got)
	}
}

func TestServiceMetadataSettings(t *testing.T) {
	s := mustLoad(t, validEnv())
	if s.APIVersion != "v1" || s.ContractName != "" || s.ContractVersion != "" || s.ContractRange != "" {
		t.Fatalf("unexpected defaults: %q %q %q %q", s.APIVersion, s.ContractName, s.ContractVersion, s.ContractRange)
	}
	if s.EffectiveContractName() != "Test" {
		t.Errorf("contract name defaults to PROJECT_NAME, got %q", s.EffectiveContractName())
	}
	s = mustLoad(t, withEnv(map[string]string{"API_VERSION": "v2", "CONTRACT_NAME": "items-api", "CONTRACT_VERSION": "1.4.0", "CONTRACT_RANGE": ">=1.2 <2"}))
	if s.APIVersion != "v2" || s.EffectiveContractName() != "items-api" || s.ContractVersion != "1.4.0" || s.ContractRange != ">=1.2 <2" {
		t.Errorf("got %q %q %q %q", s.APIVersion, s.EffectiveContractName(), s.ContractVersion, s.ContractRange)
	}
}
