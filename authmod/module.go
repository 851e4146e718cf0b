package authmod

import (
	"context"

	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/phase"
	"github.com/m8fx/kit/settingsmod"
)

// Module provides authentication to an m8fx app (m8fx.Module includes it):
//
//   - *[Validator], also as [TokenValidator], from the settings; its JWKS is
//     fetched on start and its refresh stopped on stop;
//   - [RevocationChecker]: a [RemoteRevocationClient] when TOKEN_MODE=stateful
//     (closed on stop), else [NoRevocation];
//   - [RoleHierarchy] ([DefaultRoleHierarchy]) and [UserMapper]
//     ([DefaultUserMapper]);
//   - *[Authenticator], whose guards routes use;
//   - the "jwks" health check, when keys come from JWKS_URI.
//
// Its hooks are in the phase.Auth phase: they start after the databases and
// before the HTTP listen, and stop in the reverse order.
//
// It needs *settingsmod.Settings (and uses *zap.Logger when present). Apps
// and tests replace RoleHierarchy, TokenValidator, RevocationChecker or
// UserMapper with fx.Decorate at the root.
var Module = fx.Module("auth",
	phase.In(phase.Auth),
	fx.Provide(
		provideObserver,
		provideValidator,
		asTokenValidator,
		provideRevocationChecker,
		DefaultRoleHierarchy,
		defaultUserMapper,
		NewAuthenticator,
	),
	healthmod.AsChecks(jwksChecks),
	// The validator and the revocation checker are part of the app whether
	// or not a route uses a guard: the JWKS is fetched at start (and a
	// failure is reported then), and the clients are closed at stop.
	fx.Invoke(func(TokenValidator, RevocationChecker) {}),
)

// moduleDeps are what the module's constructors take from the graph.
type moduleDeps struct {
	fx.In

	Lifecycle fx.Lifecycle
	Settings  *settingsmod.Settings
	Logger    *zap.Logger `optional:"true"`
	Observer  Observer    `optional:"true"`
}

// provideObserver feeds the auth metrics when the app has metrics with the
// auth group on (httpmod.MetricsModule is part of m8fx.Module); otherwise the
// Observer is nil and nothing is counted.
func provideObserver(p struct {
	fx.In
	Metrics *httpmod.Metrics `optional:"true"`
}) (Observer, error) {
	return NewMetricsObserver(p.Metrics)
}

// provideValidator builds the validator from the settings and ties its JWKS
// refresh to the app lifecycle.
func provideValidator(d moduleDeps) (*Validator, error) {
	cfg, err := ValidatorConfigFromSettings(d.Settings)
	if err != nil {
		return nil, err
	}
	cfg.Logger = d.Logger
	cfg.Observer = d.Observer
	v, err := NewValidator(cfg)
	if err != nil {
		return nil, err
	}
	d.Lifecycle.Append(fx.Hook{
		OnStart: v.Start,
		OnStop:  func(context.Context) error { return v.Close() },
	})
	return v, nil
}

func asTokenValidator(v *Validator) TokenValidator { return v }

// provideRevocationChecker builds the checker of TOKEN_MODE
// ([NewRevocationChecker]); a remote client is closed on stop.
func provideRevocationChecker(d moduleDeps) (RevocationChecker, error) {
	cfg, err := RevocationConfigFromSettings(d.Settings)
	if err != nil {
		return nil, err
	}
	cfg.Logger = d.Logger
	cfg.Observer = d.Observer
	c, err := NewRevocationChecker(cfg, d.Settings.IsStateful())
	if err != nil {
		return nil, err
	}
	if _, none := c.(NoRevocation); !none {
		d.Lifecycle.Append(fx.StopHook(c.Close))
	}
	return c, nil
}

func defaultUserMapper() UserMapper { return DefaultUserMapper }

// jwksChecks returns the "jwks" check when the token validator in the graph
// (the kit's, or a decorator that forwards UsesJWKS and JWKSCheck) reads
// keys from a JWKS; none otherwise.
func jwksChecks(v TokenValidator) []healthmod.Check {
	j, ok := v.(interface {
		UsesJWKS() bool
		JWKSCheck() healthmod.Check
	})
	if !ok || !j.UsesJWKS() {
		return nil
	}
	return []healthmod.Check{j.JWKSCheck()}
}
