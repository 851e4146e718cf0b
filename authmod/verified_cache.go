package authmod

import (
	"crypto/sha256"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// verifiedCache remembers tokens that passed full verification, so that a
// token seen again skips the signature check. It is keyed by the SHA-256 of
// the exact token string (never the raw token), each entry expires at the
// token's exp (it never outlives the token), its size is bounded (a full
// shard evicts expired entries first, else an arbitrary one), and only
// verified tokens are inserted, so a flood of junk or forged tokens cannot
// fill it. It is safe for concurrent use.
//
// Entries hold a private copy of the claims that is never handed out: get
// returns a fresh deep copy, so a caller that modifies its *Claims cannot
// poison later answers.
type verifiedCache struct {
	shards   []verifiedShard
	perShard int
	leeway   time.Duration
	// gen counts purges: a verification that started before a purge (it may
	// have used a key withdrawn since) must not insert its result after it.
	gen atomic.Uint64
}

type verifiedShard struct {
	mu sync.RWMutex
	m  map[[sha256.Size]byte]*verifiedEntry
}

type verifiedEntry struct {
	claims *Claims   // private; cloned on the way out
	exp    time.Time // the token's exp
	nbf    time.Time // the token's nbf, zero if absent
	// cached is true when the entry may be shared by several requests (the
	// validator has a verified-token cache).
	cached bool
	// mapped is the user the last Authenticator that met this token mapped
	// from its claims (see Authenticator.userFor).
	mapped atomic.Pointer[mappedUser]
}

// mappedUser is the answer of an Authenticator's UserMapper for the claims
// of one verified token. It is never modified after it is stored: guards
// copy user into each request.
type mappedUser struct {
	by   *Authenticator
	user User
}

// evictScan is how many entries a full shard looks at for expired ones before
// evicting an arbitrary entry.
const evictScan = 8

// newVerifiedCache returns a cache of about size entries, or nil when size
// is not positive (caching disabled).
func newVerifiedCache(size int, leeway time.Duration) *verifiedCache {
	if size <= 0 {
		return nil
	}
	n := 1
	if size >= 1024 {
		n = 16
	}
	c := &verifiedCache{
		shards:   make([]verifiedShard, n),
		perShard: (size + n - 1) / n,
		leeway:   leeway,
	}
	for i := range c.shards {
		c.shards[i].m = make(map[[sha256.Size]byte]*verifiedEntry)
	}
	return c
}

// tokenKey is the SHA-256 of the exact token string. Real tokens (under
// 2 KiB) are copied into a stack buffer first, which avoids the heap copy of
// a []byte(token) conversion.
func tokenKey(token string) [sha256.Size]byte {
	var buf [2048]byte
	if len(token) <= len(buf) {
		n := copy(buf[:], token)
		return sha256.Sum256(buf[:n])
	}
	return sha256.Sum256([]byte(token))
}

func (c *verifiedCache) shard(k *[sha256.Size]byte) *verifiedShard {
	return &c.shards[int(k[0])%len(c.shards)]
}

// get returns the entry of a verified token if it is still valid at now:
// before its exp (no leeway: an entry never outlives the token; in the
// leeway window the token goes through full verification again) and not
// before its nbf minus the leeway. The entry's claims are private: callers
// outside the package only ever see a copy.
func (c *verifiedCache) get(k [sha256.Size]byte, now time.Time) (*verifiedEntry, bool) {
	s := c.shard(&k)
	s.mu.RLock()
	e := s.m[k]
	s.mu.RUnlock()
	if e == nil {
		return nil, false
	}
	if !now.Before(e.exp) {
		s.mu.Lock()
		if s.m[k] == e {
			delete(s.m, k)
		}
		s.mu.Unlock()
		return nil, false
	}
	if !e.nbf.IsZero() && now.Before(e.nbf.Add(-c.leeway)) {
		return nil, false
	}
	return e, true
}

// generation is read before a verification and given back to put.
func (c *verifiedCache) generation() uint64 { return c.gen.Load() }

// newVerifiedEntry wraps verified claims; the entry takes ownership of
// them (the caller must not modify or hand them out).
func newVerifiedEntry(claims *Claims) *verifiedEntry {
	e := &verifiedEntry{claims: claims}
	if claims.ExpiresAt != nil {
		e.exp = claims.ExpiresAt.Time
	}
	if claims.NotBefore != nil {
		e.nbf = claims.NotBefore.Time
	}
	return e
}

// put remembers the entry of a verified token, unless the cache was purged
// since gen was read.
func (c *verifiedCache) put(k [sha256.Size]byte, e *verifiedEntry, now time.Time, gen uint64) {
	if e.claims.ExpiresAt == nil || !now.Before(e.exp) {
		return
	}
	s := c.shard(&k)
	s.mu.Lock()
	defer s.mu.Unlock()
	// Checked under the shard lock: purge bumps gen before clearing the
	// shards, so an insert either lands before that shard is cleared or sees
	// the new generation.
	if c.gen.Load() != gen {
		return
	}
	if _, ok := s.m[k]; !ok && len(s.m) >= c.perShard {
		s.evictLocked(now)
	}
	s.m[k] = e
}

// evictLocked frees one slot: an expired entry among the first few the map
// iteration (randomised) yields, else the first one.
func (s *verifiedShard) evictLocked(now time.Time) {
	var victim *[sha256.Size]byte
	seen := 0
	for key, e := range s.m {
		if !now.Before(e.exp) {
			delete(s.m, key)
			return
		}
		if victim == nil {
			kk := key
			victim = &kk
		}
		seen++
		if seen >= evictScan {
			break
		}
	}
	if victim != nil {
		delete(s.m, *victim)
	}
}

// purge forgets every entry (after a key was withdrawn from the JWKS, tokens
// signed by it must be verified again).
func (c *verifiedCache) purge() {
	c.gen.Add(1)
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.Lock()
		clear(s.m)
		s.mu.Unlock()
	}
}

// len returns the number of entries, expired ones included.
func (c *verifiedCache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.m)
		s.mu.RUnlock()
	}
	return n
}

// claimsBox holds Claims together with the values its pointers point to,
// so that decoding (decodeClaims) or copying (cloneClaims) claims costs a
// single allocation.
type claimsBox struct {
	c             Claims
	exp, nbf, iat jwt.NumericDate
	active        bool
	aud           [1]string
}

// cloneClaims returns a deep copy of c (slices and pointers included).
func cloneClaims(c *Claims) *Claims {
	if c == nil {
		return nil
	}
	b := &claimsBox{c: *c}
	out := &b.c
	switch len(c.Audience) {
	case 0:
		if c.Audience != nil {
			out.Audience = jwt.ClaimStrings{}
		}
	case 1:
		b.aud[0] = c.Audience[0]
		out.Audience = b.aud[:1:1]
	default:
		out.Audience = append(jwt.ClaimStrings(nil), c.Audience...)
	}
	if c.ExpiresAt != nil {
		b.exp = *c.ExpiresAt
		out.ExpiresAt = &b.exp
	}
	if c.NotBefore != nil {
		b.nbf = *c.NotBefore
		out.NotBefore = &b.nbf
	}
	if c.IssuedAt != nil {
		b.iat = *c.IssuedAt
		out.IssuedAt = &b.iat
	}
	if c.IsActive != nil {
		b.active = *c.IsActive
		out.IsActive = &b.active
	}
	return out
}
