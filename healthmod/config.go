package healthmod

import (
	"net/http"
	"time"

	"github.com/m8fx/kit/settingsmod"
)

// Default values of [Config].
const (
	DefaultTimeout  = 500 * time.Millisecond
	DefaultCacheTTL = 2 * time.Second
)

// Config tunes the health subsystem. The module provides it from the settings
// with [ConfigFromSettings]; an application changes it with fx.Decorate at the root:
//
//	fx.Decorate(func(c healthmod.Config) healthmod.Config {
//		c.Policy = healthmod.PolicyStrict
//		c.DetailAuthorizer = isInternalNetwork
//		return c
//	})
type Config struct {
	// Timeout is the deadline of each check (default 500ms). Zero or negative
	// means the default.
	Timeout time.Duration
	// Policy decides whether unknown results fail the report (default LENIENT).
	Policy Policy
	// DetailPublic exposes per-check detail to every caller (default false).
	DetailPublic bool
	// DetailAuthorizer, when set, grants the detail body to requests for which
	// it returns true. It must not write to the response.
	DetailAuthorizer func(*http.Request) bool
	// CacheTTL is how long a report is reused (default 2s). Zero disables the
	// cache; negative values count as zero.
	CacheTTL time.Duration
	// ServiceName and ServiceVersion are reported in the detail body.
	ServiceName, ServiceVersion string
}

// DefaultConfig returns the defaults: Timeout 500ms, Policy LENIENT, detail
// private, no authorizer, CacheTTL 2s, no service name or version.
func DefaultConfig() Config {
	return Config{
		Timeout:  DefaultTimeout,
		Policy:   PolicyLenient,
		CacheTTL: DefaultCacheTTL,
	}
}

// ConfigFromSettings returns [DefaultConfig] with ServiceName from PROJECT_NAME and
// ServiceVersion from SERVICE_VERSION. A nil s yields the defaults.
func ConfigFromSettings(s *settingsmod.Settings) Config {
	cfg := DefaultConfig()
	if s != nil {
		cfg.ServiceName = s.ProjectName
		cfg.ServiceVersion = s.ServiceVersion
	}
	return cfg
}

// timeout returns the effective per-check timeout.
func (c Config) timeout() time.Duration {
	if c.Timeout <= 0 {
		return DefaultTimeout
	}
	return c.Timeout
}

// cacheTTL returns the effective cache TTL (never negative).
func (c Config) cacheTTL() time.Duration {
	if c.CacheTTL < 0 {
		return 0
	}
	return c.CacheTTL
}
