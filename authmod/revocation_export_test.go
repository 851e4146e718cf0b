package authmod

// Test-only access to the revocation client's internals, for the external
// tests in package authmod_test.

// SetRevocationJoinHook makes every Check of r call f once it has joined the
// (possibly shared) call for its token, before waiting for the answer.
func SetRevocationJoinHook(r *RemoteRevocationClient, f func()) { r.testHookJoined = f }

// RevocationCacheLen returns the number of entries in r's answer cache.
func RevocationCacheLen(r *RemoteRevocationClient) int { return r.cache.len() }
