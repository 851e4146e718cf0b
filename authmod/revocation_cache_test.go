package authmod

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// cacheNow is the clock of the cache tests.
var cacheNow = time.Unix(1000, 0)

// putActive caches an active answer for k (user k.sub) at generation gen
// for an hour, failing the test if it was treated as revoked.
func putActive(t *testing.T, c *revocationCache, k revocationKey, gen int64) {
	t.Helper()
	if c.admitActive(k, normUserID(k.sub), gen, cacheNow.Add(time.Hour), cacheNow, c.currentEpoch()) {
		t.Fatalf("admitActive(%v, %d) treated as revoked", k, gen)
	}
}

// lookup reports whether k has an entry, and whether it says revoked.
func lookup(c *revocationCache, k revocationKey) (hit, revoked bool) {
	revoked, hit = c.get(k, cacheNow)
	return hit, revoked
}

func TestRevocationCacheExpiry(t *testing.T) {
	c := newRevocationCache(10)
	now := cacheNow
	k := revocationKey{iss: "i", jti: "j", sub: "s"}
	c.admitActive(k, "s", 1, now.Add(time.Second), now, c.currentEpoch())
	if revoked, ok := c.get(k, now); !ok || revoked {
		t.Fatalf("get = %v, %v; want active", revoked, ok)
	}
	if _, ok := c.get(k, now.Add(time.Second)); ok {
		t.Fatal("entry used at its until")
	}
	if c.len() != 0 || len(c.users) != 0 || len(c.jtis) != 0 {
		t.Fatal("an expired entry must be dropped (with its index links) when touched")
	}
	c.putRevoked(k, now, now) // already expired: not stored
	c.admitActive(k, "s", 1, now, now, c.currentEpoch())
	c.admitActive(k, "s", 1, time.Time{}, now, c.currentEpoch()) // zero until: not cached
	if c.len() != 0 {
		t.Fatal("an entry expiring now was stored")
	}
}

func TestRevocationCacheRevokedIsSticky(t *testing.T) {
	c := newRevocationCache(10)
	now := cacheNow
	k := revocationKey{iss: "i", jti: "j", sub: "s"}
	c.putRevoked(k, now.Add(time.Hour), now)
	c.admitActive(k, "s", 1, now.Add(2*time.Hour), now, c.currentEpoch())
	if revoked, ok := c.get(k, now); !ok || !revoked {
		t.Fatalf("get = %v, %v; an active answer replaced a revoked one", revoked, ok)
	}
	// An active entry is upgraded to revoked, and leaves the indexes.
	k2 := revocationKey{iss: "i", jti: "j2", sub: "s"}
	putActive(t, c, k2, 1)
	c.putRevoked(k2, now.Add(time.Hour), now)
	if revoked, _ := c.get(k2, now); !revoked {
		t.Fatal("a revoked answer did not replace an active one")
	}
	if len(c.users) != 0 || len(c.jtis) != 0 {
		t.Fatalf("revoked entries are indexed: users %d, jtis %d", len(c.users), len(c.jtis))
	}
	// Events never evict revoked entries.
	c.revokeUser("s", 0, "", now)
	c.revokeJTI("j")
	c.flush()
	if revoked, ok := c.get(k, now); !ok || !revoked {
		t.Fatal("an event evicted a revoked entry")
	}
	// A revoked entry that expired is replaced by an active answer.
	c.admitActive(k, "s", 1, now.Add(3*time.Hour), now.Add(2*time.Hour), c.currentEpoch())
	if revoked, ok := c.get(k, now.Add(2*time.Hour)); !ok || revoked {
		t.Fatalf("get = %v, %v; want the new active answer", revoked, ok)
	}
}

func TestRevocationCacheLRU(t *testing.T) {
	c := newRevocationCache(2)
	a, b, d := revocationKey{jti: "a", sub: "u"}, revocationKey{jti: "b", sub: "u"}, revocationKey{jti: "d", sub: "u"}
	putActive(t, c, a, 1)
	putActive(t, c, b, 1)
	c.get(a, cacheNow) // a is now the most recently used
	putActive(t, c, d, 1)
	if hit, _ := lookup(c, b); hit {
		t.Fatal("the least recently used entry was kept")
	}
	if hit, _ := lookup(c, a); !hit {
		t.Fatal("a recently used entry was evicted")
	}
	if c.len() != 2 {
		t.Fatalf("len = %d, want 2", c.len())
	}
	if _, ok := c.jtis["b"]; ok {
		t.Fatal("an evicted entry stayed in the jti index")
	}
	n := 0
	for e := c.users["u"]; e != nil; e = e.byUser.next {
		n++
	}
	if n != 2 {
		t.Fatalf("user chain has %d entries, want 2", n)
	}
	none := newRevocationCache(0)
	none.putRevoked(a, cacheNow.Add(time.Hour), cacheNow)
	putActive(t, none, a, 1)
	if none.len() != 0 {
		t.Fatal("a zero-size cache stored an entry")
	}
}

func TestFlightKeyIsUnambiguous(t *testing.T) {
	a := flightKey(revocationKey{iss: "a\x00", jti: "b", sub: "c"})
	b := flightKey(revocationKey{iss: "a", jti: "\x00b", sub: "c"})
	if a == b {
		t.Fatal("different keys share a flight key")
	}
}

// TestRevocationCacheWatermarkRules is the watermark rule of the protocol
// (§3): below ignored, equal applied unless the event id was applied, above
// applied and resetting the ids.
func TestRevocationCacheWatermarkRules(t *testing.T) {
	type event struct {
		gen int64
		id  string
	}
	for _, tc := range []struct {
		name    string
		events  []event // applied first
		then    event
		applied bool // whether then is applied
		mark    int64
	}{
		{"first event", nil, event{3, "u:3:a"}, true, 3},
		{"first event without id", nil, event{3, ""}, true, 3},
		{"below the watermark is ignored", []event{{5, "u:5:a"}}, event{4, "u:4:a"}, false, 5},
		{"below, no id, ignored", []event{{5, ""}}, event{4, ""}, false, 5},
		{"equal, new id, applied", []event{{5, "u:5:a"}}, event{5, "u:5:b"}, true, 5},
		{"equal, same id, ignored", []event{{5, "u:5:a"}}, event{5, "u:5:a"}, false, 5},
		{"equal, both ids remembered", []event{{5, "u:5:a"}, {5, "u:5:b"}}, event{5, "u:5:a"}, false, 5},
		{"equal, no id, always applied", []event{{5, ""}}, event{5, ""}, true, 5},
		{"equal, no id after an id, applied", []event{{5, "u:5:a"}}, event{5, ""}, true, 5},
		{"above resets the ids", []event{{5, "u:5:a"}, {6, "u:6:a"}}, event{6, "u:5:a"}, true, 6},
		{"above, same id as before, applied", []event{{5, "x"}}, event{6, "x"}, true, 6},
		{"above applied", []event{{5, "u:5:a"}}, event{7, "u:7:a"}, true, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newRevocationCache(100)
			c.mu.Lock()
			defer c.mu.Unlock()
			for _, e := range tc.events {
				c.applyWatermark("u", e.gen, e.id)
			}
			if got := c.applyWatermark("u", tc.then.gen, tc.then.id); got != tc.applied {
				t.Fatalf("applied = %v, want %v", got, tc.applied)
			}
			if got := c.marks["u"].gen; got != tc.mark {
				t.Fatalf("watermark = %d, want %d", got, tc.mark)
			}
		})
	}
}

// TestRevocationCacheIgnoredEventEvictsNothing: a repeated delivery (same
// generation and id) or an older one leaves the cache alone.
func TestRevocationCacheIgnoredEventEvictsNothing(t *testing.T) {
	c := newRevocationCache(100)
	c.revokeUser("u", 5, "u:5:a", cacheNow)
	k := revocationKey{jti: "j", sub: "u"}
	putActive(t, c, k, 5)
	c.revokeUser("u", 5, "u:5:a", cacheNow) // repeated: ignored
	c.revokeUser("u", 4, "u:4:a", cacheNow) // older: ignored
	if hit, _ := lookup(c, k); !hit {
		t.Fatal("an ignored event evicted an entry")
	}
	c.revokeUser("u", 6, "u:6:a", cacheNow)
	if hit, _ := lookup(c, k); hit {
		t.Fatal("a newer event did not evict the entry below it")
	}
}

func TestRevocationCacheActiveBelowWatermarkIsRevoked(t *testing.T) {
	c := newRevocationCache(100)
	user := uuid.NewString()
	c.revokeUser(strings.ToUpper(user), 4, "e", cacheNow) // ids are normalised
	k := revocationKey{iss: "i", jti: "j", sub: user}
	if !c.admitActive(k, user, 3, cacheNow.Add(time.Hour), cacheNow, c.currentEpoch()) {
		t.Fatal("an active answer below the watermark was not treated as revoked")
	}
	if c.len() != 0 {
		t.Fatal("an answer below the watermark was cached")
	}
	// Without a cache TTL too (zero until).
	if !c.admitActive(k, user, 3, time.Time{}, cacheNow, c.currentEpoch()) {
		t.Fatal("the watermark must hold without caching")
	}
	// At the watermark and above: active.
	for _, gen := range []int64{4, 5} {
		if c.admitActive(k, user, gen, cacheNow.Add(time.Hour), cacheNow, c.currentEpoch()) {
			t.Fatalf("generation %d treated as revoked", gen)
		}
	}
	// Another user is not concerned.
	if c.admitActive(revocationKey{jti: "x", sub: "other"}, "other", 1, cacheNow.Add(time.Hour), cacheNow, c.currentEpoch()) {
		t.Fatal("another user's answer treated as revoked")
	}
}

// TestRevocationCacheGetChecksWatermark: an entry below its user's watermark
// is never served, even if it was somehow left in the cache.
func TestRevocationCacheGetChecksWatermark(t *testing.T) {
	c := newRevocationCache(100)
	k := revocationKey{jti: "j", sub: "u"}
	putActive(t, c, k, 2)
	c.mu.Lock()
	c.applyWatermark("u", 3, "") // without the eviction
	c.mu.Unlock()
	if hit, revoked := lookup(c, k); !hit || !revoked {
		t.Fatalf("hit, revoked = %v, %v; want a revoked hit", hit, revoked)
	}
	if c.len() != 0 {
		t.Fatal("the entry was kept")
	}
}

func TestRevocationCacheWatermarksAreBounded(t *testing.T) {
	c := newRevocationCache(10)
	c.maxMarks = 3
	for i := range 5 {
		c.revokeUser(fmt.Sprintf("u%d", i), 1, "", cacheNow)
	}
	if len(c.marks) != 3 || c.markOrder.Len() != 3 {
		t.Fatalf("%d watermarks (%d in order), want 3", len(c.marks), c.markOrder.Len())
	}
	for i, want := range []bool{false, false, true, true, true} {
		if _, ok := c.watermarkOf(fmt.Sprintf("u%d", i)); ok != want {
			t.Errorf("u%d has a watermark = %v, want %v (oldest inserted dropped)", i, ok, want)
		}
	}
	// Raising a watermark does not make it younger: u2 stays the oldest.
	c.revokeUser("u2", 9, "", cacheNow)
	c.revokeUser("u5", 1, "", cacheNow)
	if _, ok := c.watermarkOf("u2"); ok {
		t.Error("u2 was inserted first and must go first")
	}
	// The event ids of one generation are bounded too.
	for i := range revocationWatermarkIDs + 10 {
		c.revokeUser("u3", 1, fmt.Sprintf("id%d", i), cacheNow)
	}
	if n := len(c.marks["u3"].applied); n != revocationWatermarkIDs {
		t.Errorf("%d ids remembered, want %d", n, revocationWatermarkIDs)
	}
	if got := newRevocationCache(1).maxMarks; got != 10_000 {
		t.Errorf("default watermark bound %d, want 10000", got)
	}
}

// TestRevocationCacheEvictions: evict-jti, evict-user (v1 and user.deleted),
// evict-user-below and flush-all touch exactly what they name.
func TestRevocationCacheEvictions(t *testing.T) {
	alice, bob := uuid.NewString(), uuid.NewString()
	keys := map[string]revocationKey{
		"a1": {iss: "i", jti: "a1", sub: alice}, // generation 1
		"a2": {iss: "i", jti: "a2", sub: alice}, // generation 2
		"a3": {iss: "i", jti: "a3", sub: alice}, // generation 3
		"b1": {iss: "i", jti: "b1", sub: bob},   // generation 1
		// The same jti under another issuer: a jti eviction takes both.
		"x1": {iss: "other", jti: "a1", sub: alice},
	}
	gens := map[string]int64{"a1": 1, "a2": 2, "a3": 3, "b1": 1, "x1": 1}
	for _, tc := range []struct {
		name  string
		apply func(c *revocationCache)
		gone  []string
		mark  int64 // alice's watermark afterwards (0: none)
	}{
		{"evict jti", func(c *revocationCache) { c.revokeJTI("a1") }, []string{"a1", "x1"}, 0},
		{"evict unknown jti", func(c *revocationCache) { c.revokeJTI("nope") }, nil, 0},
		{"evict user below 3", func(c *revocationCache) { c.revokeUser(alice, 3, alice+":3:all:-", cacheNow) }, []string{"a1", "a2", "x1"}, 3},
		{"evict user below 1", func(c *revocationCache) { c.revokeUser(alice, 1, "", cacheNow) }, nil, 1},
		{"evict user (v1)", func(c *revocationCache) { c.revokeUser(alice, 0, "", cacheNow) }, []string{"a1", "a2", "a3", "x1"}, 0},
		{"evict user upper-case id", func(c *revocationCache) { c.revokeUser(strings.ToUpper(alice), 0, "", cacheNow) }, []string{"a1", "a2", "a3", "x1"}, 0},
		{"user deleted", func(c *revocationCache) { c.deleteUser(bob, cacheNow) }, []string{"b1"}, 0},
		{"flush", func(c *revocationCache) { c.flush() }, []string{"a1", "a2", "a3", "b1", "x1"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newRevocationCache(100)
			revokedKey := revocationKey{iss: "i", jti: "r", sub: alice}
			c.putRevoked(revokedKey, cacheNow.Add(time.Hour), cacheNow)
			for name, k := range keys {
				putActive(t, c, k, gens[name])
			}
			before := c.currentEpoch()
			tc.apply(c)
			if c.currentEpoch() == before {
				t.Error("the event did not move the epoch")
			}
			for name, k := range keys {
				hit, _ := lookup(c, k)
				if gone := slices.Contains(tc.gone, name); hit == gone {
					t.Errorf("%s cached = %v, want %v", name, hit, !gone)
				}
			}
			if hit, revoked := lookup(c, revokedKey); !hit || !revoked {
				t.Error("the revoked entry was evicted")
			}
			if got, _ := c.watermarkOf(normUserID(alice)); got != tc.mark {
				t.Errorf("alice's watermark = %d, want %d", got, tc.mark)
			}
		})
	}
}

func TestRevocationCacheFlushKeepsWatermarks(t *testing.T) {
	c := newRevocationCache(100)
	c.revokeUser("u", 5, "", cacheNow)
	c.flush()
	if got, ok := c.watermarkOf("u"); !ok || got != 5 {
		t.Fatalf("watermark after flush = %d, %v", got, ok)
	}
	if !c.admitActive(revocationKey{jti: "j", sub: "u"}, "u", 4, cacheNow.Add(time.Hour), cacheNow, c.currentEpoch()) {
		t.Fatal("the watermark did not survive the flush")
	}
}

// TestRevocationCacheEventDuringCall: an active answer asked for before an
// event and arriving after it is returned but not cached.
func TestRevocationCacheEventDuringCall(t *testing.T) {
	for _, event := range []func(c *revocationCache){
		func(c *revocationCache) { c.revokeJTI("j") },
		func(c *revocationCache) { c.revokeUser("u", 0, "", cacheNow) },
		func(c *revocationCache) { c.deleteUser("u", cacheNow) },
		func(c *revocationCache) { c.flush() },
	} {
		c := newRevocationCache(100)
		epoch := c.currentEpoch()
		event(c)
		k := revocationKey{jti: "j", sub: "u"}
		if c.admitActive(k, "u", 1, cacheNow.Add(time.Hour), cacheNow, epoch) {
			t.Fatal("treated as revoked")
		}
		if c.len() != 0 {
			t.Fatal("an answer that raced an event was cached")
		}
	}
}

// TestRevocationCacheIndexesStayConsistent drives many operations and checks
// that the indexes hold exactly the active entries.
func TestRevocationCacheIndexesStayConsistent(t *testing.T) {
	c := newRevocationCache(50)
	users := []string{"u0", "u1", "u2", "u3"}
	for i := range 2000 {
		user := users[i%len(users)]
		k := revocationKey{jti: fmt.Sprintf("j%d", i%97), sub: user}
		switch i % 11 {
		case 0:
			c.revokeUser(user, int64(i%7), "", cacheNow)
		case 1:
			c.revokeJTI(k.jti)
		case 2:
			c.putRevoked(k, cacheNow.Add(time.Hour), cacheNow)
		case 3:
			c.deleteUser(user, cacheNow)
		case 4:
			if i%5 == 0 {
				c.flush()
			}
		default:
			c.admitActive(k, user, int64(i%9)+1, cacheNow.Add(time.Hour), cacheNow, c.currentEpoch())
		}
		checkIndexes(t, c)
	}
}

// checkIndexes fails if the user and jti chains do not hold exactly the
// active entries of c.
func checkIndexes(t *testing.T, c *revocationCache) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	active := 0
	for el := c.order.Front(); el != nil; el = el.Next() {
		if !el.Value.(*revocationEntry).revoked {
			active++
		}
	}
	count := func(heads map[string]*revocationEntry, links func(*revocationEntry) *chainLinks, name func(*revocationEntry) string) int {
		n := 0
		for head, e := range heads {
			if e == nil || links(e).prev != nil {
				t.Fatalf("chain %q has a bad head", head)
			}
			for prev := (*revocationEntry)(nil); e != nil; prev, e = e, links(e).next {
				if e.revoked || name(e) != head || links(e).prev != prev || c.items[e.key] != e.el {
					t.Fatalf("chain %q holds a wrong entry %+v", head, e.key)
				}
				n++
			}
		}
		return n
	}
	if n := count(c.users, userLinks, func(e *revocationEntry) string { return e.user }); n != active {
		t.Fatalf("user chains hold %d entries, %d active", n, active)
	}
	if n := count(c.jtis, jtiLinks, func(e *revocationEntry) string { return e.key.jti }); n != active {
		t.Fatalf("jti chains hold %d entries, %d active", n, active)
	}
	if len(c.items) != c.order.Len() {
		t.Fatalf("items %d, order %d", len(c.items), c.order.Len())
	}
}

func TestNormUserID(t *testing.T) {
	id := uuid.NewString()
	for in, want := range map[string]string{
		id:                  id,
		strings.ToUpper(id): id,
		"not-a-uuid":        "not-a-uuid",
		"":                  "",
	} {
		if got := normUserID(in); got != want {
			t.Errorf("normUserID(%q) = %q, want %q", in, got, want)
		}
	}
}
