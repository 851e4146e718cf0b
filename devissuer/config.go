package devissuer

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"go.uber.org/zap"
)

// Defaults of [Config].
const (
	DefaultPrefix          = "/user"
	DefaultAlgorithm       = "RS256"
	DefaultAudience        = "m8fx-dev"
	DefaultClientID        = "dev-consumer"
	DefaultHeartbeat       = 15 * time.Second
	DefaultServiceTokenTTL = 15 * time.Minute
	DefaultJWKSMaxAge      = 300 * time.Second
)

// Config configures a dev issuer.
type Config struct {
	// Dir is the state folder (created 0700; the state file is 0600).
	Dir string
	// BaseURL is the issuer's own address as consumers reach it, e.g.
	// http://127.0.0.1:9000 (no prefix): it builds the URLs of
	// [Server.ConsumerEnv] and the default issuer.
	BaseURL string
	// Prefix is the path prefix of every route (default "/user"; "" is
	// refused: use "/" for none).
	Prefix string
	// Algorithm signs access tokens: RS256, ES256 or HS256 ("": the state
	// folder's, or RS256 for a new one). A state folder keeps its
	// algorithm: opening it with another fails.
	Algorithm string
	// Issuer is the iss claim (default BaseURL + Prefix).
	Issuer string
	// Audience is the aud claim ("": the state folder's, or "m8fx-dev"
	// for a new one).
	Audience string
	// ClientID is the consumer client created in a new state folder
	// (default "dev-consumer"), granted every scope.
	ClientID string
	// Heartbeat is the event stream's heartbeat period (default 15 s).
	Heartbeat time.Duration
	// ServiceTokenTTL is the lifetime of exchanged service tokens
	// (default 15 min).
	ServiceTokenTTL time.Duration
	// Logger receives one line per private call refused and per developer
	// action (nil: none). Secrets and tokens are never logged.
	Logger *zap.Logger
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

func (c *Config) normalize() error {
	var errs []error
	if c.Dir == "" {
		errs = append(errs, errors.New("the state folder (Dir) is required"))
	}
	u, err := url.Parse(c.BaseURL)
	if c.BaseURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") {
		errs = append(errs, fmt.Errorf("base URL %q: want http(s)://host:port without a path", c.BaseURL))
	}
	c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	switch {
	case c.Prefix == "":
		c.Prefix = DefaultPrefix
	case c.Prefix == "/":
		c.Prefix = ""
	case !strings.HasPrefix(c.Prefix, "/") || strings.HasSuffix(c.Prefix, "/") || strings.ContainsAny(c.Prefix, "?#% "):
		errs = append(errs, fmt.Errorf("prefix %q: want a path like /user", c.Prefix))
	}
	switch c.Algorithm {
	case "", "RS256", "ES256", "HS256":
	default:
		errs = append(errs, fmt.Errorf("algorithm %q: want RS256, ES256 or HS256", c.Algorithm))
	}
	if c.Issuer == "" {
		c.Issuer = c.BaseURL + c.Prefix
	}
	if c.ClientID == "" {
		c.ClientID = DefaultClientID
	}
	if c.Heartbeat <= 0 {
		c.Heartbeat = DefaultHeartbeat
	}
	if c.ServiceTokenTTL <= 0 {
		c.ServiceTokenTTL = DefaultServiceTokenTTL
	}
	if c.Logger == nil {
		c.Logger = zap.NewNop()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = e.Error()
		}
		return fmt.Errorf("devissuer: %s", strings.Join(msgs, "; "))
	}
	return nil
}
