package m8fx

import (
	"errors"
	"strings"
	"testing"

	"github.com/m8fx/kit/settingsmod"
)

func TestCheckConfig(t *testing.T) {
	base := func() settingsmod.Settings {
		return settingsmod.Settings{
			Environment:                 "local",
			TokenMode:                   "stateful",
			AccessTokenAlgorithm:        "RS256",
			JWKSCacheTTLSeconds:         300,
			EventSigningEnabled:         true,
			AccessRevocationFailureMode: "fail_closed",
			AllowedHosts:                []string{"api.example.com"},
		}
	}
	cases := []struct {
		name string
		edit func(*settingsmod.Settings)
		want string // "VARIABLE:fatal" items, comma separated
	}{
		{"clean local", func(*settingsmod.Settings) {}, ""},
		{"JWKS with HS256", func(s *settingsmod.Settings) { s.AccessTokenAlgorithm, s.JWKSURI = "HS256", "https://auth/jwks.json" }, "JWKS_URI:false"},
		{"short JWKS TTL", func(s *settingsmod.Settings) { s.JWKSURI, s.JWKSCacheTTLSeconds = "https://auth/jwks.json", 10 }, "JWKS_CACHE_TTL_SECONDS:false"},
		{"short TTL without JWKS is no finding", func(s *settingsmod.Settings) { s.JWKSCacheTTLSeconds = 10 }, ""},
		{"unsigned events outside production", func(s *settingsmod.Settings) { s.EventSigningEnabled = false }, ""},
		{"unsigned events in production", func(s *settingsmod.Settings) { s.Environment, s.EventSigningEnabled = "production", false }, "EVENT_SIGNING_ENABLED:false"},
		{"unsigned events, strict", func(s *settingsmod.Settings) { s.StrictProductionMode, s.EventSigningEnabled = true, false }, "EVENT_SIGNING_ENABLED:true"},
		{"no allowed hosts in production", func(s *settingsmod.Settings) { s.Environment, s.AllowedHosts = "production", nil }, "ALLOWED_HOSTS:false"},
		{"no allowed hosts, strict", func(s *settingsmod.Settings) { s.StrictProductionMode, s.AllowedHosts = true, nil }, "ALLOWED_HOSTS:true"},
		{"fail open in production", func(s *settingsmod.Settings) {
			s.Environment, s.AccessRevocationFailureMode = "production", "fail_open"
		}, "ACCESS_REVOCATION_FAILURE_MODE:false"},
		{"stateless without the stream in production", func(s *settingsmod.Settings) { s.Environment, s.TokenMode = "production", "stateless" }, "TOKEN_MODE:false"},
		{"stateless with the stream in production", func(s *settingsmod.Settings) {
			s.Environment, s.TokenMode, s.EventStreamEnabled = "production", "stateless", true
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := base()
			tc.edit(&s)
			var got []string
			for _, f := range CheckConfig(&s) {
				if f.Message == "" || strings.Contains(f.Message, "\n") {
					t.Errorf("finding %s has message %q", f.Variable, f.Message)
				}
				got = append(got, f.Variable+":"+map[bool]string{true: "true", false: "false"}[f.Fatal])
			}
			if strings.Join(got, ",") != tc.want {
				t.Fatalf("findings %v, want %q", got, tc.want)
			}
		})
	}
	if CheckConfig(nil) != nil {
		t.Fatal("nil settings have findings")
	}
}

func TestFatalFindings(t *testing.T) {
	if err := fatalFindings([]ConfigFinding{{Variable: "A", Message: "warn only"}}); err != nil {
		t.Fatalf("warnings only: %v", err)
	}
	err := fatalFindings([]ConfigFinding{
		{Variable: "ALLOWED_HOSTS", Message: "is empty", Fatal: true},
		{Variable: "JWKS_URI", Message: "is unused"},
		{Variable: "EVENT_SIGNING_ENABLED", Message: "is false", Fatal: true},
	})
	if !errors.Is(err, errFatalConfig) || strings.Contains(err.Error(), "\n") ||
		!strings.Contains(err.Error(), "ALLOWED_HOSTS is empty; EVENT_SIGNING_ENABLED is false") || strings.Contains(err.Error(), "JWKS_URI") {
		t.Fatalf("err = %q", err)
	}
}
