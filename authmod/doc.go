// Package authmod authenticates requests to an m8fx consumer service with
// access tokens issued by the central auth service (fa-auth-m8), the way
// fastapi-m8 does: local JWT validation, a role hierarchy, gin guards, and
// (in stateful token mode) a revocation check against the auth service.
//
// # Validation
//
// A [Validator] accepts exactly one algorithm (ACCESS_TOKEN_ALGORITHM: RS256
// by default, ES256, or HS256 by explicit choice) with its key: a JWKS
// (JWKS_URI, fetched on start, refreshed in the background and on unknown
// kids), a PEM public key (ACCESS_PUBLIC_KEY_FILE) or a shared secret
// (ACCESS_SECRET_KEY). It checks the signature, exp/nbf/iat (with leeway),
// iss and aud (TOKEN_STRICT_VALIDATION, on by default), type=access and, in
// stateful mode, jti. Errors wrap [ErrInvalidToken] (401) or
// [ErrKeysUnavailable] (503); [ReasonOf] names the cause for logs.
//
// Each segment of a token is decoded once: the header is scanned and its
// rules applied, the claims are decoded by the same walk that refuses
// duplicate members, the signature is verified with golang-jwt/v5's signing
// method and the registered claims with golang-jwt's jwt.Validator. JWKS
// keys are found by github.com/MicahParks/keyfunc/v3 in the kit's own
// read-only jwkset storage, which holds every JWKS behaviour (algorithm
// filter, size cap, rate-limited refresh on unknown kids, last good keys on
// failure). A verified token is remembered until its exp, so a token seen
// again costs a hash and a map lookup, and is mapped to its [User] once.
//
// # Users and roles
//
// Verified [Claims] become a [User] through the [UserMapper]
// ([DefaultUserMapper]: sub is the UUID id; is_active absent means
// inactive). Roles are the lower-case claim values of fa-auth-m8, ordered by
// a [RoleHierarchy]: superadmin > admin > writer > reader > user. A role
// that the hierarchy does not know passes no guard.
//
// # Guards
//
// [Authenticator.Require] returns the guard of an [Access] as an option of
// an httpmod route declaration: [AnyUser], [AtLeast] a role of the
// hierarchy, [AnyOf] exact roles, [Superuser] (role superadmin and
// is_superuser=true), or [OwnerOr] (the owner of the resource the typed input
// names, or a minimum role). The guard documents itself: bearer security,
// its rule, and its 401/403/503 answers. On every request it reads
// "Authorization: Bearer <token>", validates the token, maps the user,
// refuses inactive users, asks the revocation checker and applies the rule.
// Handlers read the user from the request context with [UserFromContext]:
//
//	httpmod.Route(r, http.MethodDelete, "/items/:id", h.delete, auth.Require(authmod.AtLeast(authmod.RoleAdmin)))
//
//	func (h *handlers) delete(ctx context.Context, in *ItemRef) (*Deleted, error) {
//		user, _ := authmod.UserFromContext(ctx)
//		...
//	}
//
// On a raw gin route, the same guard's gin handler does the work
// (auth.Require(access).GuardHandler()); the handler reads the user there
// with [UserFromContext](c), since a *gin.Context is a context.Context.
//
// Refusals follow the fastapi-m8 contract, with {"detail": ...} bodies:
//
//	no bearer token                          401 "Not authenticated"               WWW-Authenticate: Bearer
//	invalid, expired, foreign, revoked token 401 "Could not validate credentials"  WWW-Authenticate: Bearer error="invalid_token"
//	inactive user                            403 "Inactive user"
//	role too low / not a superuser           403 "The user doesn't have enough privileges"
//	keys or revocation unavailable           503 "Authentication temporarily unavailable"  Retry-After: 5
//
// The reason of every refusal is logged (debug, or warn for 503) with the
// request path; the token and library error texts are never in the answer,
// and the token is never logged.
//
// # Revocation
//
// With TOKEN_MODE=stateful the [RevocationChecker] is a
// [RemoteRevocationClient]: it POSTs {"jti", "expected_user_id",
// "schema_version": "2"} to INTROSPECTION_URL with the credentials of the
// [InternalAuth] (legacy X-Internal-Token, bootstrap X-Internal-Client +
// X-Internal-Token, or an exchanged service token). Concurrent checks of
// one token share a call; "active" answers may be cached for
// REVOCATION_CACHE_TTL_SECONDS (default 0: ask on every request), tagged with
// the user's auth_generation; guards of routes for writers and above skip
// that cache ([GuardPolicy]); "revoked" answers are remembered until the
// token expires, and nothing outlives the token's exp. With
// EVENT_STREAM_ENABLED an [EventStream] pushes revocations: it evicts the
// revocation cache in stateful mode, and in stateless and hybrid modes the
// guards refuse the tokens it reports revoked. When the auth service gives no
// answer, ACCESS_REVOCATION_FAILURE_MODE decides: fail_closed (default, 503)
// or fail_open (accept and warn). A wrong answer (malformed, a user_id that
// is not the token's sub) always fails closed. Stateless and hybrid modes
// use [NoRevocation].
//
// # Module and overrides
//
// [Module] (part of m8fx.Module) provides all of the above from the
// settings, starts and stops the JWKS refresh and the revocation client with
// the app, and registers the "jwks" health check when a JWKS is used. Every
// piece is also usable without fx (NewValidator, NewRemoteRevocationClient,
// NewAuthenticator).
//
// RoleHierarchy, TokenValidator, RevocationChecker and UserMapper are values
// in the graph; replace or wrap them with fx.Decorate at the root:
//
//	fx.Decorate(func(h authmod.RoleHierarchy) authmod.RoleHierarchy {
//		return h.With("auditor", 25) // between reader (20) and writer (30)
//	})
//	fx.Decorate(func() authmod.RevocationChecker { return authmod.NoRevocation{} })
//
// Package fxtest_helpers has an in-process issuer (keys, JWKS, tokens) and a
// fake revocation server for tests of services.
package authmod
