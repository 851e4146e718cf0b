package authmod

import (
	"testing"
	"time"
)

func TestRevocationCacheExpiry(t *testing.T) {
	c := newRevocationCache(10)
	now := time.Unix(1000, 0)
	k := revocationKey{iss: "i", jti: "j", sub: "s"}
	c.put(k, false, now.Add(time.Second), now)
	if revoked, ok := c.get(k, now); !ok || revoked {
		t.Fatalf("get = %v, %v; want active", revoked, ok)
	}
	if _, ok := c.get(k, now.Add(time.Second)); ok {
		t.Fatal("entry used at its until")
	}
	if c.len() != 0 {
		t.Fatal("an expired entry must be dropped when touched")
	}
	c.put(k, true, now, now) // already expired: not stored
	if c.len() != 0 {
		t.Fatal("an entry expiring now was stored")
	}
}

func TestRevocationCacheRevokedIsSticky(t *testing.T) {
	c := newRevocationCache(10)
	now := time.Unix(1000, 0)
	k := revocationKey{iss: "i", jti: "j", sub: "s"}
	c.put(k, true, now.Add(time.Hour), now)
	c.put(k, false, now.Add(2*time.Hour), now)
	if revoked, ok := c.get(k, now); !ok || !revoked {
		t.Fatalf("get = %v, %v; an active answer replaced a revoked one", revoked, ok)
	}
	// An active entry is upgraded to revoked.
	k2 := revocationKey{iss: "i", jti: "j2", sub: "s"}
	c.put(k2, false, now.Add(time.Hour), now)
	c.put(k2, true, now.Add(time.Hour), now)
	if revoked, _ := c.get(k2, now); !revoked {
		t.Fatal("a revoked answer did not replace an active one")
	}
}

func TestRevocationCacheLRU(t *testing.T) {
	c := newRevocationCache(2)
	now := time.Unix(1000, 0)
	until := now.Add(time.Hour)
	a, b, d := revocationKey{jti: "a"}, revocationKey{jti: "b"}, revocationKey{jti: "d"}
	c.put(a, false, until, now)
	c.put(b, false, until, now)
	c.get(a, now) // a is now the most recently used
	c.put(d, false, until, now)
	if _, ok := c.get(b, now); ok {
		t.Fatal("the least recently used entry was kept")
	}
	if _, ok := c.get(a, now); !ok {
		t.Fatal("a recently used entry was evicted")
	}
	if c.len() != 2 {
		t.Fatalf("len = %d, want 2", c.len())
	}
	none := newRevocationCache(0)
	none.put(a, true, until, now)
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
