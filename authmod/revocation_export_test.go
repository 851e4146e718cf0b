package authmod

// Test-only access to the revocation client's internals, for the external
// tests in package authmod_test.

// SetRevocationJoinHook makes every Check of r call f once it has joined the
// (possibly shared) call for its token, before waiting for the answer.
func SetRevocationJoinHook(r *RemoteRevocationClient, f func()) { r.testHookJoined = f }

// RevocationCacheLen returns the number of entries in r's answer cache.
func RevocationCacheLen(r *RemoteRevocationClient) int { return r.cache.len() }

// RevocationSinkRevokeUser passes a user-level revocation to r's cache, as
// the event stream does (generation 0: a v1 event, the whole user).
func RevocationSinkRevokeUser(r *RemoteRevocationClient, userID string, generation int64, eventID string) {
	r.sink().revokeUser(userID, generation, eventID, r.now())
}

// RevocationSinkRevokeJTI passes a jti revocation to r's cache.
func RevocationSinkRevokeJTI(r *RemoteRevocationClient, jti string) { r.sink().revokeJTI(jti) }

// RevocationSinkFlush passes a gap (flush) to r's cache.
func RevocationSinkFlush(r *RemoteRevocationClient) { r.sink().flush() }
