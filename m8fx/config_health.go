package m8fx

import (
	"errors"
	"fmt"
	"strings"

	"github.com/m8fx/kit/settingsmod"
)

// ConfigFinding is one finding of [CheckConfig]: a setting that is allowed
// (the settings loaded) but probably wrong for where the service runs.
type ConfigFinding struct {
	// Variable is the environment variable the finding is about.
	Variable string
	// Message says what is wrong and what to do.
	Message string
	// Fatal findings stop the start (under STRICT_PRODUCTION_MODE).
	Fatal bool
}

// CheckConfig returns the findings of the configuration health check, in a
// fixed order. m8fx.Module runs it at start, before the startup validators:
// each warning is one log line naming its variable, and the fatal findings
// stop the start with one error naming them.
//
//   - JWKS_URI set with ACCESS_TOKEN_ALGORITHM=HS256: the JWKS is not used;
//   - JWKS_CACHE_TTL_SECONDS under 30: the JWKS is fetched very often;
//   - in production: EVENT_SIGNING_ENABLED=false (fatal under
//     STRICT_PRODUCTION_MODE), ALLOWED_HOSTS empty (fatal under
//     STRICT_PRODUCTION_MODE), ACCESS_REVOCATION_FAILURE_MODE=fail_open
//     (revoked tokens are accepted while the auth service is down), and
//     TOKEN_MODE stateless or hybrid without EVENT_STREAM_ENABLED (revoked
//     tokens stay valid until they expire).
func CheckConfig(s *settingsmod.Settings) []ConfigFinding {
	if s == nil {
		return nil
	}
	var out []ConfigFinding
	add := func(variable, message string, fatal bool) {
		out = append(out, ConfigFinding{Variable: variable, Message: message, Fatal: fatal})
	}
	if s.JWKSURI != "" && strings.EqualFold(s.AccessTokenAlgorithm, "HS256") {
		add("JWKS_URI", "is set but not used: ACCESS_TOKEN_ALGORITHM=HS256 verifies with ACCESS_SECRET_KEY", false)
	}
	if s.JWKSURI != "" && s.JWKSCacheTTLSeconds < 30 {
		add("JWKS_CACHE_TTL_SECONDS", "is under 30: the JWKS is fetched from the auth service very often", false)
	}
	if !s.IsProduction() {
		return out
	}
	strict := s.StrictProductionMode
	if !s.EventSigningEnabled {
		add("EVENT_SIGNING_ENABLED", "is false in production: auth events would not be signed", strict)
	}
	if len(s.AllowedHosts) == 0 {
		add("ALLOWED_HOSTS", "is empty in production: any Host header is accepted", strict)
	}
	if s.AccessRevocationFailureMode == "fail_open" && s.IsStateful() {
		add("ACCESS_REVOCATION_FAILURE_MODE", "is fail_open in production: revoked tokens are accepted while the auth service does not answer", false)
	}
	if !s.IsStateful() && !s.EventStreamEnabled {
		add("TOKEN_MODE", "is "+s.TokenMode+" without EVENT_STREAM_ENABLED: a revoked token stays valid until it expires", false)
	}
	return out
}

// errFatalConfig is wrapped by the start error of fatal findings.
var errFatalConfig = errors.New("configuration health check failed")

// fatalFindings returns one error naming every fatal finding, or nil.
func fatalFindings(findings []ConfigFinding) error {
	var names []string
	for _, f := range findings {
		if f.Fatal {
			names = append(names, f.Variable+" "+f.Message)
		}
	}
	if len(names) == 0 {
		return nil
	}
	return fmt.Errorf("%w (STRICT_PRODUCTION_MODE): %s", errFatalConfig, strings.Join(names, "; "))
}
