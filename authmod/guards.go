package authmod

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/m8fx/kit/settingsmod"
	"github.com/m8fx/kit/tracemod"
	"go.uber.org/fx"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Errors of [Authenticator.Authenticate] beyond the contract's sentinels.
var (
	// ErrNoCredentials: the request carries no "Authorization: Bearer" token.
	ErrNoCredentials = errors.New("no bearer credentials")
	// ErrInactiveUser: the token is valid but the user is not active.
	ErrInactiveUser = errors.New("inactive user")
	// ErrInsufficientRole: the user's role is not admitted by the guard's
	// [Access] (below its minimum, unknown to the hierarchy, not one of its
	// roles, or not a superuser).
	ErrInsufficientRole = errors.New("insufficient role")
)

// maxBearerTokenBytes bounds the token a guard hands to the validator. Real
// access tokens are well under 2 KiB; the validator may be stricter.
const maxBearerTokenBytes = 16 << 10

// AuthenticatorParams are the dependencies of [NewAuthenticator]. In an fx
// app every field comes from the graph (authmod.Module provides them all);
// outside fx, fill the struct yourself:
//
//	auth, err := authmod.NewAuthenticator(authmod.AuthenticatorParams{
//		Validator:  v,
//		Revocation: authmod.NoRevocation{},
//	})
//
// Validator and Revocation are required (use [NoRevocation] for stateless
// tokens: an absent revocation checker is never assumed). A zero Hierarchy
// means [DefaultRoleHierarchy], a nil Mapper [DefaultUserMapper], a nil
// Logger no logging.
type AuthenticatorParams struct {
	fx.In

	Validator  TokenValidator
	Revocation RevocationChecker
	Hierarchy  RoleHierarchy `optional:"true"`
	Mapper     UserMapper    `optional:"true"`
	Logger     *zap.Logger   `optional:"true"`
	// Observer is told about every refused request (nil: not observed).
	Observer Observer `optional:"true"`
	// Events, when set, is the auth event stream. Without the kit's
	// revocation client (stateless and hybrid modes), a token whose jti or
	// whose user it reports revoked is refused (401) without a call to the
	// auth service; with it, the stream evicts the client's cache and
	// jti-status decides.
	Events *EventStream `optional:"true"`
	// Policy tunes the guards (the zero value is the default).
	Policy GuardPolicy `optional:"true"`
	// APIKeys introspects the X-API-Key of the routes that take API keys
	// ([Authenticator.RequireAPIKey]); nil: such routes fail their
	// declaration.
	APIKeys *APIKeyClient `optional:"true"`
	// Tracing, when enabled, gets each guard's outcome as a span event on
	// the request's span (see [GuardEventName]).
	Tracing *tracemod.Tracing `optional:"true"`
}

// GuardPolicy tunes the guards of an [Authenticator].
type GuardPolicy struct {
	// CachePrivileged lets the guards of privileged routes (writer and
	// above) use the revocation client's positive cache. By default (false)
	// they ask the auth service on every request, as fa-auth-m8's own guards
	// do.
	CachePrivileged bool
}

// GuardPolicyFromSettings reads REVOCATION_CACHE_PRIVILEGED_BYPASS (true by
// default: CachePrivileged is its opposite).
func GuardPolicyFromSettings(s *settingsmod.Settings) GuardPolicy {
	return GuardPolicy{CachePrivileged: !s.RevocationCachePrivilegedBypass}
}

// Authenticator builds the guards of routes ([Authenticator.Require]). Every
// guard, on every request:
//
//  1. reads "Authorization: Bearer <token>" (scheme case-insensitive, one
//     token68 credential, a single Authorization header);
//  2. validates the token ([TokenValidator]: signature, alg, kid, exp/nbf,
//     iss/aud, type=access);
//  3. maps the claims to a [User] ([UserMapper]);
//  4. refuses inactive users, and tokens the auth event stream reported
//     revoked (with [AuthenticatorParams.Events]);
//  5. asks the [RevocationChecker] (stateful mode: the auth service; the
//     guards of routes for writers and above skip its positive cache);
//  6. applies the guard's [Access] rule (the role against the
//     [RoleHierarchy], the superuser flag, or the resource's owner).
//
// Steps 3 to 6 run on every request even when the validator answers from its
// cache of verified tokens. Guards stacked on one route (a group guard plus a
// route guard) authenticate once per request and check each guard's role.
//
// Failures answer as the README's Authentication section lists, with {"detail": ...} bodies; the reason is
// logged (debug for 401/403, warn for 503) with the request path, never with
// the token or a library's error text in the response.
type Authenticator struct {
	validator  TokenValidator
	revocation RevocationChecker
	hierarchy  RoleHierarchy
	mapper     UserMapper
	log        *zap.Logger
	observer   Observer
	events     *EventStream
	apiKeys    *APIKeyClient
	// remote is revocation when it is the kit's client (nil otherwise).
	remote          *RemoteRevocationClient
	cachePrivileged bool
	traced          bool // guard outcomes go on the request's span
}

// NewAuthenticator returns an Authenticator. It refuses a nil p.Validator or
// p.Revocation: running guards without them would be a silent security hole
// (an fx app then fails to start with this error).
func NewAuthenticator(p AuthenticatorParams) (*Authenticator, error) {
	if p.Validator == nil {
		return nil, errors.New("authmod: NewAuthenticator: Validator is nil")
	}
	if p.Revocation == nil {
		return nil, errors.New("authmod: NewAuthenticator: Revocation is nil (use authmod.NoRevocation{} for stateless tokens)")
	}
	a := &Authenticator{
		validator:       p.Validator,
		revocation:      p.Revocation,
		hierarchy:       p.Hierarchy,
		mapper:          p.Mapper,
		log:             p.Logger,
		observer:        p.Observer,
		events:          p.Events,
		apiKeys:         p.APIKeys,
		cachePrivileged: p.Policy.CachePrivileged,
		traced:          p.Tracing.Enabled(),
	}
	a.remote, _ = p.Revocation.(*RemoteRevocationClient)
	if a.hierarchy.IsZero() {
		a.hierarchy = DefaultRoleHierarchy()
	}
	if a.mapper == nil {
		a.mapper = DefaultUserMapper
	}
	if a.log == nil {
		a.log = zap.NewNop()
	}
	a.log = a.log.Named("auth")
	return a, nil
}

// Hierarchy returns the role hierarchy the guards use.
func (a *Authenticator) Hierarchy() RoleHierarchy { return a.hierarchy }

// Authenticate runs steps 1 to 5 of the guards (everything but the access
// rule) for an Authorization header value, for code that is not a route
// (e.g. a websocket upgrade). The error wraps [ErrNoCredentials],
// [ErrInvalidToken], [ErrKeysUnavailable], [ErrInactiveUser], [ErrRevoked] or
// [ErrRevocationUnavailable].
func (a *Authenticator) Authenticate(ctx context.Context, authorization string) (*User, error) {
	u, _, _, d := a.authenticate(ctx, []string{authorization}, false)
	if d != nil {
		return nil, d
	}
	own := *u // u may be shared by the requests presenting the same token
	return &own, nil
}

// guard builds a handler whose rule returns "" to admit a user, or the
// reason (for the log) of a 403. A privileged guard (writer and above) asks
// the revocation service without its positive cache, unless CachePrivileged.
func (a *Authenticator) guard(rule func(*User) Reason, privileged bool) gin.HandlerFunc {
	fresh := privileged && !a.cachePrivileged && a.remote != nil
	return func(c *gin.Context) {
		var u *User
		if uc := userContextOf(c); uc != nil && uc.by == a && uc.user != nil {
			// Authenticated by an earlier guard of a on this route.
			u = uc.user
			if fresh && !uc.fresh {
				if d := a.revocationDenial(a.remote.CheckFresh(c.Request.Context(), uc.claims)); d != nil {
					a.deny(c, d)
					return
				}
				uc.fresh = true
			}
		} else {
			var claims *Claims
			var checkedFresh bool
			var d *denial
			u, claims, checkedFresh, d = a.authenticate(c.Request.Context(), c.Request.Header.Values("Authorization"), fresh)
			if d != nil {
				a.deny(c, d)
				return
			}
			setUser(c, u, claims, checkedFresh, a)
		}
		if reason := rule(u); reason != "" {
			a.deny(c, &denial{kind: denyForbidden, reason: reason, err: ErrInsufficientRole})
			return
		}
		a.traceOutcome(c, "")
		c.Next()
	}
}

// authenticate runs steps 1-5 on the values of the Authorization header.
// With fresh, the kit's revocation client is asked without its positive
// cache. It returns the user (possibly shared: callers copy it), the claims
// (private to the package) and whether the revocation answer was fresh.
func (a *Authenticator) authenticate(ctx context.Context, authorization []string, fresh bool) (*User, *Claims, bool, *denial) {
	token, d := bearerToken(authorization)
	if d != nil {
		return nil, nil, false, d
	}
	var claims *Claims
	var u *User
	shared := false
	if kv, ok := a.validator.(*Validator); ok {
		// The kit's own validator: the verified entry (shared by the
		// requests presenting the same token) is read, never copied.
		e, err := kv.verified(ctx, token)
		if err != nil {
			return nil, nil, false, validationDenial(err)
		}
		m, d := a.userFor(e)
		if d != nil {
			return nil, nil, false, d
		}
		u, claims, shared = &m.user, e.claims, e.cached
	} else {
		var err error
		claims, err = a.validator.Validate(ctx, token)
		if err != nil {
			return nil, nil, false, validationDenial(err)
		}
		if claims == nil {
			return nil, nil, false, &denial{kind: denyInvalid, reason: "no_claims", err: ErrInvalidToken}
		}
		var d *denial
		if u, d = a.mapUser(claims); d != nil {
			return nil, nil, false, d
		}
	}
	if !u.IsActive {
		return nil, nil, false, &denial{kind: denyInactive, reason: "inactive_user", err: ErrInactiveUser}
	}
	// With the kit's revocation client the stream's revocations reach its
	// cache, and jti-status stays the authority (a user-level event is
	// applied by generation there, so a token issued after the revocation
	// but before the event arrived still passes); without it (stateless and
	// hybrid modes) the pushed list decides.
	if a.events != nil && a.remote == nil && a.events.revoked(claims) {
		return nil, nil, false, &denial{kind: denyInvalid, reason: "revoked_by_event", err: errRevokedByEvent}
	}
	switch {
	case a.remote != nil && fresh:
		err := a.remote.CheckFresh(ctx, claims)
		return a.revocationResult(u, claims, true, err)
	case a.remote != nil:
		// Without a positive cache every answer comes from the service.
		err := a.remote.Check(ctx, claims)
		return a.revocationResult(u, claims, a.remote.ttl == 0, err)
	}
	if _, none := a.revocation.(NoRevocation); none {
		return u, claims, true, nil
	}
	checked := claims
	if shared {
		checked = cloneClaims(claims) // an unknown checker gets its own copy
	}
	err := a.revocation.Check(ctx, checked)
	return a.revocationResult(u, claims, true, err)
}

// revocationResult is authenticate's answer after the revocation check.
func (a *Authenticator) revocationResult(u *User, claims *Claims, fresh bool, err error) (*User, *Claims, bool, *denial) {
	if d := a.revocationDenial(err); d != nil {
		return nil, nil, false, d
	}
	return u, claims, fresh, nil
}

// revocationDenial is the answer to a revocation check's error (nil for
// none).
func (a *Authenticator) revocationDenial(err error) *denial {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrRevocationUnavailable) {
		return &denial{kind: denyUnavailable, cause: err, err: err}
	}
	return &denial{kind: denyInvalid, cause: err, err: invalid(err)}
}

// errRevokedByEvent is the refusal of a token the auth event stream
// reported revoked.
var errRevokedByEvent = fmt.Errorf("%w (auth event stream)", ErrRevoked)

// validationDenial is the answer to an error of the token validator.
func validationDenial(err error) *denial {
	if errors.Is(err, ErrKeysUnavailable) {
		return &denial{kind: denyUnavailable, cause: err, err: err}
	}
	return &denial{kind: denyInvalid, cause: err, err: invalid(err)}
}

// mapUser runs the UserMapper.
func (a *Authenticator) mapUser(claims *Claims) (*User, *denial) {
	u, err := a.mapper(claims)
	if err != nil || u == nil {
		if err == nil {
			err = errors.New("mapper returned no user")
		}
		return nil, &denial{kind: denyInvalid, reason: "user_mapping_failed", err: invalid(err)}
	}
	return u, nil
}

// userFor returns the user a maps from the claims of a verified entry. The
// answer is remembered in the entry, so a token seen again is neither
// verified nor mapped again (UserMapper documents that it must depend only
// on the claims); the mapper gets its own copy of cached claims.
func (a *Authenticator) userFor(e *verifiedEntry) (*mappedUser, *denial) {
	if m := e.mapped.Load(); m != nil && m.by == a {
		return m, nil
	}
	claims := e.claims
	if e.cached {
		claims = cloneClaims(claims)
	}
	u, d := a.mapUser(claims)
	if d != nil {
		return nil, d
	}
	m := &mappedUser{by: a, user: *u}
	e.mapped.Store(m)
	return m, nil
}

// invalid makes sure err wraps ErrInvalidToken (a 401 cause that is not one
// of the contract's sentinels, e.g. a custom mapper's error, still reads as
// an invalid token to callers of Authenticate).
func invalid(err error) error {
	if errors.Is(err, ErrInvalidToken) || errors.Is(err, ErrRevoked) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrInvalidToken, err)
}

// bearerToken extracts the credential of "Authorization: Bearer <token>".
// No header, another scheme, or "Bearer" without a credential is
// ErrNoCredentials (401 "Not authenticated", like fastapi's HTTPBearer);
// several Authorization headers, several credentials, characters outside
// token68 or an oversized token are an invalid token.
func bearerToken(values []string) (string, *denial) {
	switch len(values) {
	case 0:
		return "", &denial{kind: denyNoCredentials, reason: "no_authorization_header", err: ErrNoCredentials}
	case 1:
	default:
		return "", &denial{kind: denyInvalid, reason: "several_authorization_headers", err: ErrInvalidToken}
	}
	scheme, rest, _ := strings.Cut(values[0], " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", &denial{kind: denyNoCredentials, reason: "not_bearer_scheme", err: ErrNoCredentials}
	}
	token := strings.TrimLeft(rest, " ")
	if token == "" {
		return "", &denial{kind: denyNoCredentials, reason: "empty_bearer_token", err: ErrNoCredentials}
	}
	if len(token) > maxBearerTokenBytes {
		return "", &denial{kind: denyInvalid, reason: "token_too_large", err: ErrInvalidToken}
	}
	// One credential only. The characters themselves are left to the
	// validator, whose strict base64url decoding refuses anything outside
	// the JWT alphabet: scanning an 8 KiB header here as well would double
	// the cost of rejecting junk.
	if strings.IndexByte(token, ' ') >= 0 {
		return "", &denial{kind: denyInvalid, reason: "malformed_authorization_header", err: ErrInvalidToken}
	}
	return token, nil
}

type denyKind int

const (
	denyNoCredentials denyKind = iota + 1
	denyInvalid
	denyInactive
	denyForbidden
	denyUnavailable
)

// denial is why a request was refused: how to answer, a short reason for
// the log (or the validator/revocation error it is derived from, only when a
// log line is written), and the underlying error (for Authenticate's callers).
type denial struct {
	kind   denyKind
	reason Reason
	cause  error
	err    error
}

// logReason is the reason written to the log.
func (d *denial) logReason() Reason {
	if d.reason != "" {
		return d.reason
	}
	return errReason(d.cause)
}

func (d *denial) Error() string { return d.err.Error() }
func (d *denial) Unwrap() error { return d.err }

// deny logs d and writes the answer. The log fields are built only when the
// line is written, so refusing junk stays cheap.
func (a *Authenticator) deny(c *gin.Context, d *denial) {
	level, msg := zapcore.DebugLevel, "invalid credentials"
	switch d.kind {
	case denyNoCredentials:
		msg = "request not authenticated"
		abortNotAuthenticated(c)
	case denyInactive:
		msg = "inactive user refused"
		abortInactive(c)
	case denyForbidden:
		msg = "user lacks privileges"
		abortForbidden(c)
	case denyUnavailable:
		level, msg = zapcore.WarnLevel, "authentication unavailable"
		abortUnavailable(c)
	default:
		abortInvalidToken(c)
	}
	if a.observer != nil {
		a.observer.AuthFailed(d.logReason())
	}
	a.traceOutcome(c, d.logReason())
	if ce := a.log.Check(level, msg); ce != nil {
		fields := []zap.Field{
			zap.String("reason", string(d.logReason())),
			zap.String("method", c.Request.Method),
			zap.String("path", c.Request.URL.Path),
		}
		if d.kind == denyUnavailable {
			fields = append(fields, zap.Error(d.err))
		}
		ce.Write(fields...)
	}
}

// errReason is the log reason of a validator or revocation error: the
// revocation client's own reason codes, "revoked", or [ReasonOf].
func errReason(err error) Reason {
	var f *revocationFailure
	switch {
	case errors.As(err, &f):
		return f.reasonCode()
	case errors.Is(err, ErrRevoked):
		return "revoked"
	default:
		return ReasonOf(err)
	}
}
