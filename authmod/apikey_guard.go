package authmod

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/m8fx/kit/httpmod"
	"github.com/m8fx/kit/openapi"
)

// HeaderAPIKey is the request header of an API key.
const HeaderAPIKey = "X-API-Key"

// APIKeySchemeName is the API-key security scheme of the routes that take
// API keys in the OpenAPI document.
const APIKeySchemeName = "apiKeyAuth"

// ExtensionAPIKeyCapability is the operation extension naming the minimum
// capability of the API keys a route takes ([APIKeyRoutes] reads it).
const ExtensionAPIKeyCapability = "x-m8fx-api-key-capability"

// Answers of the API-key guards (fa-auth-m8's wording).
const (
	DetailInvalidAPIKey     = "Invalid or expired API key"
	DetailAPIKeyRateLimited = "API key rate limit exceeded"
	DetailAPIKeyUnavailable = "API key verification unavailable."
)

const (
	bodyInvalidAPIKey     = `{"detail":"` + DetailInvalidAPIKey + `"}`
	bodyAPIKeyRateLimited = `{"detail":"` + DetailAPIKeyRateLimited + `"}`
	bodyAPIKeyUnavailable = `{"detail":"` + DetailAPIKeyUnavailable + `"}`
)

// errAPIKeysOff is the declaration error of an API-key guard without an
// introspection client.
var errAPIKeysOff = errors.New("authmod: the route takes API keys, but API-key introspection is off (API_KEY_INTROSPECTION_ENABLED=false)")

// APIKeyPrincipalFromContext returns the owner of the API key an API-key
// guard admitted for the request, and false when the request was not
// authenticated by an API key. ctx is any of the contexts
// [UserFromContext] reads.
func APIKeyPrincipalFromContext(ctx context.Context) (*APIKeyPrincipal, bool) {
	uc := userContextOf(ctx)
	if uc == nil || uc.key == nil {
		return nil, false
	}
	return uc.key, true
}

// RequireAPIKey returns the guard of a route that machine clients call with
// an X-API-Key (introspected with the auth service on every request; see
// [APIKeyClient]). The key's owner must rank at least min, and for
// [RoleWriter] the key must be read_write. The capability of a key is at
// most writer: a min above writer, or unknown to the hierarchy, fails the
// route's declaration with one line.
//
// Answers: no or empty key, one over [MaxAPIKeyLength], or an inactive one: 401 {"detail":"Invalid or
// expired API key"} (no WWW-Authenticate); capability too low: 403; the
// auth service's 429: 429 with its Retry-After; no usable answer: 503
// {"detail":"API key verification unavailable."}.
func (a *Authenticator) RequireAPIKey(min Role) httpmod.Guard {
	g := &apiKeyGuard{auth: a, min: min}
	g.err = a.checkKeyCapability(min)
	return g
}

// MaxAPIKeyLength bounds an X-API-Key value: a longer one is answered 401
// without introspection (it is not sent to the auth service).
const MaxAPIKeyLength = 512

// RequireBearerOrAPIKey returns the guard of a route that both people and
// machines call. A request with an Authorization header is judged as a
// bearer token by access (an X-API-Key it also carries is ignored: bearer
// first); a request without one must carry an X-API-Key of capability
// keyMin ([Authenticator.RequireAPIKey]). The handler reads the user with
// [UserFromContext] or the key's owner with [APIKeyPrincipalFromContext].
func (a *Authenticator) RequireBearerOrAPIKey(access Access, keyMin Role) httpmod.Guard {
	bearer := a.Require(access)
	g := &apiKeyGuard{auth: a, min: keyMin, bearer: bearer}
	if err := a.checkKeyCapability(keyMin); err != nil {
		g.err = err
	} else if bg, ok := bearer.(*guard); ok {
		g.err = bg.err
	} else {
		g.err = errors.New("authmod: RequireBearerOrAPIKey takes a role or superuser access, not OwnerOr")
	}
	return g
}

// TakesAPIKeys reports whether API-key introspection is on
// (API_KEY_INTROSPECTION_ENABLED), so that the API-key guards can be
// declared; a service that runs with and without it picks its guards with
// it.
func (a *Authenticator) TakesAPIKeys() bool { return a.apiKeys != nil }

// checkKeyCapability refuses API-key capabilities above writer and roles
// the hierarchy does not know.
func (a *Authenticator) checkKeyCapability(min Role) error {
	switch {
	case a.apiKeys == nil:
		return errAPIKeysOff
	case !a.hierarchy.Known(min):
		return fmt.Errorf("authmod: API-key capability %q is not in the role hierarchy %v", min, a.hierarchy.Roles())
	case a.hierarchy.AtLeast(min, RoleWriter) && min != RoleWriter:
		return fmt.Errorf("authmod: API keys carry at most the %s capability; a route for %q cannot take them", RoleWriter, min)
	}
	return nil
}

// keyCapable reports whether the key's owner and access mode reach min.
func (a *Authenticator) keyCapable(p *APIKeyPrincipal, min Role) bool {
	if !a.hierarchy.AtLeast(p.Role, min) {
		return false
	}
	return !a.hierarchy.AtLeast(min, RoleWriter) || p.AccessMode == APIKeyReadWrite
}

// apiKeyGuard is the httpmod.Guard of RequireAPIKey and, with bearer set,
// of RequireBearerOrAPIKey.
type apiKeyGuard struct {
	auth   *Authenticator
	min    Role
	bearer httpmod.Guard
	err    error
}

func (g *apiKeyGuard) ConfigureRoute(c *httpmod.RouteConfig) {
	if g.err != nil {
		c.Fail(g.err)
		return
	}
	c.Guards = append(c.Guards, g)
}

func (g *apiKeyGuard) GuardHandler() gin.HandlerFunc {
	if g.err != nil {
		return g.auth.misconfigured(g.err)
	}
	var bearer gin.HandlerFunc
	if g.bearer != nil {
		bearer = g.bearer.GuardHandler()
	}
	return func(c *gin.Context) {
		if bearer != nil && len(c.Request.Header.Values("Authorization")) > 0 {
			bearer(c) // answers, or calls c.Next
			return
		}
		if g.auth.admitAPIKey(c, g.min) {
			c.Next()
		}
	}
}

// admitAPIKey introspects the request's API key and stores its owner in the
// request context, or answers the request and returns false.
func (a *Authenticator) admitAPIKey(c *gin.Context, min Role) bool {
	values := c.Request.Header.Values(HeaderAPIKey)
	if len(values) != 1 || strings.TrimSpace(values[0]) == "" {
		a.refuseKey(c, http.StatusUnauthorized, bodyInvalidAPIKey, "api_key_missing", nil)
		return false
	}
	key := strings.TrimSpace(values[0])
	if len(key) > MaxAPIKeyLength { // never sent: no issuer key is that long
		a.refuseKey(c, http.StatusUnauthorized, bodyInvalidAPIKey, "api_key_too_long", nil)
		return false
	}
	p, err := a.apiKeys.Introspect(c.Request.Context(), key)
	var limited *APIKeyRateLimitError
	switch {
	case err == nil:
	case errors.Is(err, ErrAPIKeyInactive):
		a.refuseKey(c, http.StatusUnauthorized, bodyInvalidAPIKey, "api_key_inactive", nil)
		return false
	case errors.As(err, &limited):
		if limited.RetryAfter != "" {
			c.Header("Retry-After", limited.RetryAfter)
		}
		a.refuseKey(c, http.StatusTooManyRequests, bodyAPIKeyRateLimited, "api_key_rate_limited", nil)
		return false
	default:
		a.refuseKey(c, http.StatusServiceUnavailable, bodyAPIKeyUnavailable, APIKeyFailureReason(err), err,
			zap.String("key", APIKeyFingerprint(key)))
		return false
	}
	if !a.keyCapable(p, min) {
		a.refuseKey(c, http.StatusForbidden, bodyNotEnoughPrivilege, "api_key_capability", nil)
		return false
	}
	uc := &userContext{Context: c.Request.Context(), by: a, key: p}
	c.Request = c.Request.WithContext(uc)
	a.traceOutcome(c, "")
	return true
}

// refuseKey answers an API-key request: one log line (debug, or warn for
// 503 with the failure reason and the key's fingerprint, never the key).
func (a *Authenticator) refuseKey(c *gin.Context, status int, body string, reason Reason, err error, fields ...zap.Field) {
	if a.observer != nil {
		a.observer.AuthFailed(reason)
	}
	a.traceOutcome(c, reason)
	if status == http.StatusServiceUnavailable {
		c.Header("Retry-After", RetryAfterSeconds)
		a.log.Warn("API-key verification unavailable", append(fields, zap.String("reason", string(reason)),
			zap.String("method", c.Request.Method), zap.String("path", c.Request.URL.Path), zap.Error(err))...)
	} else if ce := a.log.Check(zap.DebugLevel, "API key refused"); ce != nil {
		ce.Write(zap.String("reason", string(reason)), zap.Int("status", status),
			zap.String("method", c.Request.Method), zap.String("path", c.Request.URL.Path))
	}
	abortWith(c, status, body)
}

// GuardDoc documents the X-API-Key scheme (with the bearer scheme as the
// alternative for RequireBearerOrAPIKey), the key capability as an
// extension, and the answers.
func (g *apiKeyGuard) GuardDoc() openapi.Operation {
	errBody := httpmod.ErrorBody{}
	capability := "`" + string(g.min) + "`"
	if g.auth.hierarchy.AtLeast(g.min, RoleWriter) {
		capability += " (a `read_write` key)"
	}
	op := openapi.Operation{
		Description: "**Authorization:** an API key (`X-API-Key`) whose owner has role " + capability + " or higher.",
		Security:    []openapi.SecurityReq{{APIKeySchemeName: {}}},
		SecuritySchemes: map[string]openapi.SecurityScheme{APIKeySchemeName: {
			Type: "apiKey", In: "header", Name: HeaderAPIKey,
			Description: "An API key of the central auth service, introspected on every request.",
		}},
		Extensions: map[string]any{ExtensionAPIKeyCapability: string(g.min)},
		Responses: map[int]openapi.Response{
			http.StatusUnauthorized: {Description: "Missing, invalid or expired credentials", Body: errBody},
			http.StatusForbidden:    {Description: "The key's owner doesn't have enough privileges", Body: errBody},
			http.StatusTooManyRequests: {
				Description: "API key rate limit exceeded",
				Body:        errBody,
				Headers:     map[string]openapi.Header{"Retry-After": {Description: "The auth service's Retry-After, when it sent one."}},
			},
			http.StatusServiceUnavailable: {
				Description: "API key verification (or authentication) temporarily unavailable",
				Body:        errBody,
				Headers:     map[string]openapi.Header{"Retry-After": {Description: "Seconds to wait before retrying.", Required: true, Schema: &openapi.Schema{Type: openapi.Types{"integer"}}}},
			},
		},
	}
	if g.bearer == nil {
		return op
	}
	b := g.bearer.GuardDoc()
	op.Description = b.Description + " Or, without an `Authorization` header, " + strings.TrimPrefix(op.Description, "**Authorization:** ")
	op.Security = append(slices.Clone(b.Security), op.Security...)
	for name, s := range b.SecuritySchemes {
		op.SecuritySchemes[name] = s
	}
	for k, v := range b.Extensions {
		op.Extensions[k] = v
	}
	for status, r := range b.Responses {
		if status == http.StatusUnauthorized {
			r.Description = "Missing, invalid, expired or revoked token or API key"
			r.Headers = map[string]openapi.Header{"WWW-Authenticate": {Description: "The bearer challenge (bearer requests only)."}}
		}
		if _, ok := op.Responses[status]; !ok || status == http.StatusUnauthorized {
			op.Responses[status] = r
		}
	}
	return op
}

// APIKeyRoute is a route that takes API keys (see [APIKeyRoutes]).
type APIKeyRoute struct {
	Method, Path string
	// Capability is the minimum capability of the keys it takes.
	Capability Role
	// Bearer reports whether it takes a bearer token too.
	Bearer bool
}

// APIKeyRoutes lists the declared routes that take API keys, with their
// capability, in declaration order (fa-auth-m8's audit_api_key_routes).
// The module logs them at start, one line.
func APIKeyRoutes(routes []httpmod.DeclaredRoute) []APIKeyRoute {
	var out []APIKeyRoute
	for _, r := range routes {
		if r.HEADOf || r.AliasOf != "" {
			continue
		}
		capability, ok := r.Operation.Extensions[ExtensionAPIKeyCapability].(string)
		if !ok {
			continue
		}
		bearer := false
		for _, req := range r.Operation.Security {
			if _, ok := req[BearerSchemeName]; ok {
				bearer = true
			}
		}
		out = append(out, APIKeyRoute{Method: r.Method, Path: r.Path, Capability: Role(capability), Bearer: bearer})
	}
	return out
}
