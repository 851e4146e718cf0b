// Package ssefeed writes the server side of the auth event stream (SSE) as
// fa-auth-m8 does: the headers, a gap frame when a resume is impossible,
// the replayed frames, then live frames with a heartbeat comment, until the
// feed is cut (the connection is closed mid-body), the server closes, or
// the client goes away. The dev issuer and the test helpers' fake issuer
// serve their streams with it.
package ssefeed
