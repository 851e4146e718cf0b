package authmod

import (
	"context"
	"crypto/sha256"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// vtClockAt is a settable clock.
type vtClockAt struct{ ns atomic.Int64 }

func (c *vtClockAt) set(t time.Time)    { c.ns.Store(t.UnixNano()) }
func (c *vtClockAt) now() time.Time     { return time.Unix(0, c.ns.Load()) }
func newVTClock(t time.Time) *vtClockAt { c := &vtClockAt{}; c.set(t); return c }

// TestCacheSkipsSignatureOnHit: a repeated token is answered from the cache
// (the key is not consulted again), and the cache is keyed by SHA-256.
func TestCacheSkipsSignatureOnHit(t *testing.T) {
	v := vtNewValidator(t, vtConfig(algHS256))
	tok := vtToken(t, algHS256, nil)
	vtCheck(t, v, tok, "")
	if v.cache.len() != 1 {
		t.Fatalf("cache has %d entries", v.cache.len())
	}
	sum := sha256.Sum256([]byte(tok))
	if _, ok := v.cache.shard(&sum).m[sum]; !ok {
		t.Fatal("entry not keyed by sha256(token)")
	}
	v.staticKey = vtKeys().hmacOther // a re-verification would now fail
	vtCheck(t, v, tok, "")
	// A different token still takes the full path.
	vtCheck(t, v, vtToken(t, algHS256, func(_, c map[string]any) { c["jti"] = "other" }), ReasonSignature)
}

// TestCacheEntriesHoldNoToken: entries store claims and times only.
func TestCacheEntriesHoldNoToken(t *testing.T) {
	typ := reflect.TypeFor[verifiedEntry]()
	for i := 0; i < typ.NumField(); i++ {
		if typ.Field(i).Type.Kind() == reflect.String || typ.Field(i).Type.Kind() == reflect.Slice {
			t.Fatalf("verifiedEntry.%s could hold the token", typ.Field(i).Name)
		}
	}
}

// TestCacheReturnsCopies: mutating returned claims never affects later
// answers (no cache poisoning).
func TestCacheReturnsCopies(t *testing.T) {
	v := vtNewValidator(t, vtConfig(algHS256))
	tok := vtToken(t, algHS256, func(_, c map[string]any) { c["aud"] = []string{"x", vtAud} })
	for i := 0; i < 3; i++ {
		c := vtCheck(t, v, tok, "")
		if c.Subject != vtSub || c.Role != "admin" || !*c.IsActive || c.Audience[1] != vtAud ||
			!c.ExpiresAt.Equal(vtNow.Add(15*time.Minute)) {
			t.Fatalf("round %d: poisoned claims %+v", i, c)
		}
		c.Subject, c.Role, c.Type = vtSub2, "superadmin", "refresh"
		*c.IsActive = false
		c.Audience[1] = "evil"
		c.ExpiresAt.Time = vtNow.Add(100 * time.Hour)
		c.IssuedAt = nil
	}
}

// TestCacheExpiry: an entry never outlives the token's exp; exp and nbf are
// re-checked on hits.
func TestCacheExpiry(t *testing.T) {
	clock := newVTClock(vtNow)
	cfg := vtConfig(algHS256)
	cfg.Now = clock.now
	v := vtNewValidator(t, cfg)
	tok := vtToken(t, algHS256, func(_, c map[string]any) {
		c["exp"] = vtNow.Add(time.Minute).Unix()
		c["nbf"] = vtNow.Unix()
	})
	vtCheck(t, v, tok, "")
	key := tokenKey(tok)

	clock.set(vtNow.Add(59 * time.Second))
	if _, ok := v.cache.get(key, clock.now()); !ok {
		t.Fatal("miss before exp")
	}
	clock.set(vtNow.Add(time.Minute))
	if _, ok := v.cache.get(key, clock.now()); ok {
		t.Fatal("hit at exp")
	}
	if v.cache.len() != 0 {
		t.Fatal("expired entry not dropped")
	}
	// Within the leeway the full path still accepts it (and it is not cached
	// again beyond exp).
	clock.set(vtNow.Add(time.Minute + time.Second))
	vtCheck(t, v, tok, "")
	if v.cache.len() != 0 {
		t.Fatal("a token past its exp was cached")
	}
	clock.set(vtNow.Add(time.Minute + 3*time.Second))
	vtCheck(t, v, tok, ReasonExpired)

	// nbf re-check on a hit: the clock goes back before nbf - leeway.
	clock.set(vtNow)
	vtCheck(t, v, tok, "")
	clock.set(vtNow.Add(-3 * time.Second))
	vtCheck(t, v, tok, ReasonNotYetValid)
}

// TestCacheBoundedAndOnlyVerified: junk never enters; size stays bounded.
func TestCacheBoundedAndOnlyVerified(t *testing.T) {
	cfg := vtConfig(algHS256)
	cfg.CacheSize = 10
	v := vtNewValidator(t, cfg)
	for i := 0; i < 500; i++ {
		_, _ = v.Validate(context.Background(), fmt.Sprintf("junk.%d.token", i))
		_, _ = v.Validate(context.Background(), vtToken(t, algHS256, func(_, c map[string]any) {
			c["jti"] = fmt.Sprint("r", i)
			c["type"] = "refresh"
		}))
	}
	if n := v.cache.len(); n != 0 {
		t.Fatalf("%d rejected tokens cached", n)
	}
	for i := 0; i < 100; i++ {
		vtCheck(t, v, vtToken(t, algHS256, func(_, c map[string]any) { c["jti"] = fmt.Sprint("j", i) }), "")
		if n := v.cache.len(); n > 10 {
			t.Fatalf("cache grew to %d", n)
		}
	}

	big := newVerifiedCache(5000, 0)
	if len(big.shards) != 16 {
		t.Fatalf("%d shards", len(big.shards))
	}
	exp := jwt.NewNumericDate(vtNow.Add(time.Hour))
	for i := 0; i < 20000; i++ {
		big.put(sha256.Sum256([]byte(fmt.Sprint(i))), newVerifiedEntry(&Claims{RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: exp}}), vtNow, big.generation())
	}
	if n := big.len(); n > 5000+16 {
		t.Fatalf("cache of 5000 holds %d", n)
	}
}

// TestCacheEvictsExpiredFirst: a full shard drops an expired entry before a
// live one.
func TestCacheEvictsExpiredFirst(t *testing.T) {
	c := newVerifiedCache(2, 0)
	live := &Claims{RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: jwt.NewNumericDate(vtNow.Add(time.Hour))}}
	soon := &Claims{RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: jwt.NewNumericDate(vtNow.Add(time.Second))}}
	kLive, kSoon, kNew := sha256.Sum256([]byte("live")), sha256.Sum256([]byte("soon")), sha256.Sum256([]byte("new"))
	c.put(kLive, newVerifiedEntry(live), vtNow, c.generation())
	c.put(kSoon, newVerifiedEntry(soon), vtNow, c.generation())
	later := vtNow.Add(time.Minute)
	c.put(kNew, newVerifiedEntry(cloneClaims(live)), later, c.generation())
	if _, ok := c.get(kLive, later); !ok {
		t.Fatal("live entry evicted while an expired one was present")
	}
	if _, ok := c.get(kNew, later); !ok {
		t.Fatal("new entry missing")
	}
}

// TestCacheDisabled: a negative CacheSize disables caching.
func TestCacheDisabled(t *testing.T) {
	cfg := vtConfig(algHS256)
	cfg.CacheSize = -1
	v := vtNewValidator(t, cfg)
	tok := vtToken(t, algHS256, nil)
	vtCheck(t, v, tok, "")
	v.staticKey = vtKeys().hmacOther
	vtCheck(t, v, tok, ReasonSignature)
}

// TestCacheConcurrent: concurrent puts, gets and purges (run with -race).
func TestCacheConcurrent(t *testing.T) {
	c := newVerifiedCache(2048, time.Second)
	claims := &Claims{RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: jwt.NewNumericDate(vtNow.Add(time.Hour))}, Type: "access"}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				k := sha256.Sum256([]byte(fmt.Sprint(g, i%300)))
				if i%3 == 0 {
					c.put(k, newVerifiedEntry(cloneClaims(claims)), vtNow, c.generation())
				} else if got, ok := c.get(k, vtNow); ok && got.claims.Type != "access" {
					t.Error("bad entry")
					return
				}
				if i%997 == 0 {
					c.purge()
				}
			}
		}()
	}
	wg.Wait()
}

// TestCloneClaims: every pointer and slice is copied.
func TestCloneClaims(t *testing.T) {
	active := true
	c := &Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Audience:  jwt.ClaimStrings{"a"},
			ExpiresAt: jwt.NewNumericDate(vtNow),
			NotBefore: jwt.NewNumericDate(vtNow),
			IssuedAt:  jwt.NewNumericDate(vtNow),
		},
		IsActive: &active,
	}
	d := cloneClaims(c)
	if !reflect.DeepEqual(c, d) {
		t.Fatal("clone differs")
	}
	if &d.Audience[0] == &c.Audience[0] || d.ExpiresAt == c.ExpiresAt || d.NotBefore == c.NotBefore ||
		d.IssuedAt == c.IssuedAt || d.IsActive == c.IsActive {
		t.Fatal("clone shares memory")
	}
	if cloneClaims(nil) != nil {
		t.Fatal("nil")
	}
}

// TestVerifiedCachePutAfterPurge: a verification that started before a purge
// (a JWKS key was withdrawn meanwhile) does not insert its result after it.
func TestVerifiedCachePutAfterPurge(t *testing.T) {
	c := newVerifiedCache(16, 0)
	exp := jwt.NewNumericDate(vtNow.Add(time.Hour))
	k := sha256.Sum256([]byte("token"))
	gen := c.generation() // verification starts
	c.purge()             // the key it used is withdrawn
	c.put(k, newVerifiedEntry(&Claims{RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: exp}}), vtNow, gen)
	if _, ok := c.get(k, vtNow); ok {
		t.Fatal("a result verified before the purge was cached after it")
	}
	c.put(k, newVerifiedEntry(&Claims{RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: exp}}), vtNow, c.generation())
	if _, ok := c.get(k, vtNow); !ok {
		t.Fatal("a fresh result was not cached")
	}
}
