package authmod

import (
	"context"
	"net/http"
	"time"
)

// InternalAuth authenticates the kit's private calls to fa-auth-m8: the
// jti-status check, the auth event stream and API-key introspection. The
// kit's implementation is [NewInternalAuth]; in fx it is a value of the
// graph that apps may replace with fx.Decorate.
type InternalAuth interface {
	// Authorize sets the credential headers of one private call. In
	// service-token mode it may first exchange a token (one exchange at a
	// time, shared by concurrent callers); an exchange failure is returned
	// and is a transport failure for the caller (its fail mode applies).
	Authorize(ctx context.Context, req *http.Request) error
	// Invalidate is called when the issuer answered a private call with
	// 401. It reports whether one retry with a fresh credential may succeed:
	// true only in service-token mode, where the cached token is dropped.
	Invalidate() bool
}

// revocationSink receives the revocations of the auth event stream. The
// revocation cache (stateful mode) and the pushed-revocation list (every
// mode, with the stream on) implement it.
type revocationSink interface {
	// revokeJTI: the token with this jti was revoked.
	revokeJTI(jti string)
	// revokeUser: the tokens of userID with an auth generation below
	// generation were revoked (a v2 event; eventID, possibly "", tells
	// repeated deliveries apart), or all of its tokens when generation is 0
	// (a v1 event). at is when the event was received: for tokens without a
	// generation, those issued before it are revoked.
	revokeUser(userID string, generation int64, eventID string, at time.Time)
	// deleteUser: the user was deleted; all its tokens are revoked.
	deleteUser(userID string, at time.Time)
	// flush: events may have been missed (a gap); every remembered positive
	// answer is forgotten.
	flush()
}
