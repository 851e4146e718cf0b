package authmod

import (
	"context"
	"errors"
	"net/http"

	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/m8fx/kit/healthmod"
	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/phase"
	"github.com/m8fx/kit/settingsmod"
	"github.com/m8fx/kit/tracemod"
)

// Module provides authentication to an m8fx app (m8fx.Module includes it):
//
//   - *[Validator], also as [TokenValidator], from the settings; its JWKS is
//     fetched on start and its refresh stopped on stop;
//   - [InternalAuth], the credentials of every private call to the auth
//     service ([NewInternalAuth]: legacy, bootstrap or service-token mode);
//   - [RevocationChecker]: a [RemoteRevocationClient] when TOKEN_MODE=stateful
//     (closed on stop), else [NoRevocation];
//   - *[APIKeyClient] when API_KEY_INTROSPECTION_ENABLED=true (nil
//     otherwise), which the API-key guards use; the routes that take API
//     keys are logged at start, one line ([APIKeyRoutes]);
//   - *[EventStream] when EVENT_STREAM_ENABLED=true (nil otherwise): started
//     after the revocation client (its first connection is asynchronous, so
//     it never delays the start) and stopped before it; its revocations reach
//     the revocation cache and every guard, in every token mode;
//   - [RoleHierarchy] ([DefaultRoleHierarchy]), [UserMapper]
//     ([DefaultUserMapper]) and [GuardPolicy] ([GuardPolicyFromSettings]);
//   - *[Authenticator], whose guards routes use;
//   - the "jwks" health check, when keys come from JWKS_URI, and the
//     "auth_events" check with the event stream.
//
// Its hooks are in the phase.Auth phase: they start after the databases and
// before the HTTP listen, and stop in the reverse order.
//
// It needs *settingsmod.Settings (and uses *zap.Logger when present). Apps
// and tests replace RoleHierarchy, TokenValidator, RevocationChecker,
// InternalAuth, GuardPolicy or UserMapper with fx.Decorate at the root.
var Module = fx.Module("auth",
	phase.In(phase.Auth),
	fx.Provide(
		provideObserver,
		provideEventObserver,
		provideValidator,
		asTokenValidator,
		provideInternalAuth,
		provideEventStream,
		provideAPIKeyObserver,
		provideAPIKeyClient,
		provideRevocationChecker,
		DefaultRoleHierarchy,
		defaultUserMapper,
		GuardPolicyFromSettings,
		NewAuthenticator,
	),
	healthmod.AsChecks(jwksChecks),
	healthmod.AsChecks(eventStreamChecks),
	// The validator, the revocation checker and the event stream are part of
	// the app whether or not a route uses a guard: the JWKS is fetched at
	// start (and a failure is reported then), and the clients are closed at
	// stop.
	fx.Invoke(func(TokenValidator, RevocationChecker) {}),
	fx.Invoke(startEventStream),
	fx.Invoke(logAPIKeyRoutes),
)

// moduleDeps are what the module's constructors take from the graph.
type moduleDeps struct {
	fx.In

	Lifecycle fx.Lifecycle
	Settings  *settingsmod.Settings
	Logger    *zap.Logger `optional:"true"`
	Observer  Observer    `optional:"true"`
	// Tracing, when enabled, makes the calls to the auth service client
	// spans (see tracing.go).
	Tracing *tracemod.Tracing `optional:"true"`
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
	v.TraceWith(d.Tracing)
	d.Lifecycle.Append(fx.Hook{
		OnStart: v.Start,
		OnStop:  func(context.Context) error { return v.Close() },
	})
	return v, nil
}

func asTokenValidator(v *Validator) TokenValidator { return v }

// provideEventObserver feeds the auth event stream metrics (nil without
// metrics or the auth group).
func provideEventObserver(p struct {
	fx.In
	Metrics *httpmod.Metrics `optional:"true"`
}) (EventObserver, error) {
	return NewEventMetrics(p.Metrics)
}

// provideAPIKeyObserver feeds the API-key metrics (nil without metrics or
// the auth group).
func provideAPIKeyObserver(p struct {
	fx.In
	Metrics *httpmod.Metrics `optional:"true"`
}) (APIKeyObserver, error) {
	return NewAPIKeyMetrics(p.Metrics)
}

type apiKeyDeps struct {
	fx.In

	Lifecycle fx.Lifecycle
	Settings  *settingsmod.Settings
	Auth      InternalAuth
	Logger    *zap.Logger       `optional:"true"`
	Observer  APIKeyObserver    `optional:"true"`
	Tracing   *tracemod.Tracing `optional:"true"`
}

// provideAPIKeyClient builds the API-key introspection client when
// API_KEY_INTROSPECTION_ENABLED (nil otherwise), with the app's
// InternalAuth, closed on stop.
func provideAPIKeyClient(d apiKeyDeps) (*APIKeyClient, error) {
	if !d.Settings.APIKeyIntrospectionEnabled {
		return nil, nil
	}
	cfg, err := APIKeyConfigFromSettings(d.Settings)
	if err != nil {
		return nil, err
	}
	cfg.Auth, cfg.Logger, cfg.Observer = d.Auth, d.Logger, d.Observer
	c, err := NewAPIKeyClient(cfg)
	if err != nil {
		return nil, err
	}
	c.TraceWith(d.Tracing)
	d.Lifecycle.Append(fx.StopHook(c.Close))
	return c, nil
}

// logAPIKeyRoutes logs, at start, the routes that take API keys and their
// capability (one line), when API-key introspection is on.
func logAPIKeyRoutes(p struct {
	fx.In
	Lifecycle fx.Lifecycle
	Keys      *APIKeyClient       `optional:"true"`
	Table     *httpmod.RouteTable `optional:"true"`
	Logger    *zap.Logger         `optional:"true"`
}) {
	if p.Keys == nil || p.Table == nil || p.Logger == nil {
		return
	}
	p.Lifecycle.Append(fx.StartHook(func() {
		routes := APIKeyRoutes(p.Table.Routes())
		list := make([]string, len(routes))
		for i, r := range routes {
			list[i] = r.Method + " " + r.Path + " " + string(r.Capability)
			if r.Bearer {
				list[i] += " (or bearer)"
			}
		}
		p.Logger.Info("routes taking API keys", zap.Strings("routes", list))
	}))
}

// provideInternalAuth builds the credentials of private calls. Without an
// INTROSPECTION_URL no private call is made, and the InternalAuth refuses
// to authorize one.
func provideInternalAuth(d moduleDeps) (InternalAuth, error) {
	if d.Settings.PrivateBaseURL() == "" {
		return noPrivateCalls{}, nil
	}
	cfg, err := InternalAuthConfigFromSettings(d.Settings)
	if err != nil {
		return nil, err
	}
	cfg.Logger = d.Logger
	c, err := NewInternalAuth(cfg)
	if err != nil {
		return nil, err
	}
	c.TraceWith(d.Tracing)
	return c, nil
}

// noPrivateCalls is the InternalAuth of an app without INTROSPECTION_URL.
type noPrivateCalls struct{}

var errNoPrivateCalls = errors.New("authmod: no private call is configured (INTROSPECTION_URL is not set)")

func (noPrivateCalls) Authorize(context.Context, *http.Request) error { return errNoPrivateCalls }
func (noPrivateCalls) Invalidate() bool                               { return false }

type eventStreamDeps struct {
	fx.In

	Settings *settingsmod.Settings
	Auth     InternalAuth
	Logger   *zap.Logger       `optional:"true"`
	Observer EventObserver     `optional:"true"`
	Tracing  *tracemod.Tracing `optional:"true"`
}

// provideEventStream builds the auth event stream when EVENT_STREAM_ENABLED
// (nil otherwise); startEventStream ties it to the lifecycle.
func provideEventStream(d eventStreamDeps) (*EventStream, error) {
	if !d.Settings.EventStreamEnabled {
		return nil, nil
	}
	cfg, err := EventStreamConfigFromSettings(d.Settings)
	if err != nil {
		return nil, err
	}
	cfg.Auth, cfg.Logger, cfg.Observer = d.Auth, d.Logger, d.Observer
	s, err := NewEventStream(cfg)
	if err != nil {
		return nil, err
	}
	s.TraceWith(d.Tracing)
	return s, nil
}

// startEventStream appends the event stream's hook after the revocation
// client's (which it feeds): it starts after it and stops before it.
func startEventStream(lc fx.Lifecycle, events *EventStream, _ RevocationChecker) {
	if events == nil {
		return
	}
	lc.Append(fx.Hook{OnStart: events.Start, OnStop: func(context.Context) error { return events.Close() }})
}

// eventStreamChecks returns the "auth_events" check with the event stream
// (failing readiness under EVENT_STREAM_REQUIRED).
func eventStreamChecks(events *EventStream, s *settingsmod.Settings) []healthmod.Check {
	if events == nil {
		return nil
	}
	return []healthmod.Check{events.HealthCheck(s.EventStreamRequired)}
}

type revocationDeps struct {
	fx.In

	Lifecycle fx.Lifecycle
	Settings  *settingsmod.Settings
	Logger    *zap.Logger `optional:"true"`
	Observer  Observer    `optional:"true"`
	Auth      InternalAuth
	Events    *EventStream      `optional:"true"`
	Tracing   *tracemod.Tracing `optional:"true"`
}

// provideRevocationChecker builds the checker of TOKEN_MODE
// ([NewRevocationChecker]), with the app's InternalAuth; a remote client
// receives the event stream's revocations and is closed on stop.
func provideRevocationChecker(d revocationDeps) (RevocationChecker, error) {
	cfg, err := RevocationConfigFromSettings(d.Settings)
	if err != nil {
		return nil, err
	}
	cfg.Logger = d.Logger
	cfg.Observer = d.Observer
	cfg.Auth = d.Auth
	c, err := NewRevocationChecker(cfg, d.Settings.IsStateful())
	if err != nil {
		return nil, err
	}
	if rc, ok := c.(*RemoteRevocationClient); ok {
		rc.TraceWith(d.Tracing)
		if d.Events != nil {
			d.Events.subscribe(rc.sink())
		}
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
