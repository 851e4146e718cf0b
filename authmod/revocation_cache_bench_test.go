package authmod

import (
	"fmt"
	"testing"
	"time"
)

// Run with:
//
//	go test -run '^$' -bench 'RevocationCache' -benchmem ./authmod

// benchCache returns a cache of n active entries spread over users users
// (entry i belongs to user i%users, at generation 5), and the key of entry
// 0.
func benchCache(b *testing.B, n, users int) (*revocationCache, revocationKey) {
	b.Helper()
	c := newRevocationCache(n)
	now := time.Unix(1000, 0)
	until := now.Add(time.Hour)
	for i := range n {
		k := revocationKey{iss: "https://auth.example.com", jti: fmt.Sprintf("jti-%08d", i), sub: benchUser(i % users)}
		c.admitActive(k, k.sub, 5, until, now, c.currentEpoch())
	}
	return c, revocationKey{iss: "https://auth.example.com", jti: fmt.Sprintf("jti-%08d", 0), sub: benchUser(0)}
}

func benchUser(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

// BenchmarkRevocationCacheGet: a positive-cache hit, without any watermark
// (plain) and with 10 000 watermarks, the hit's user's among them (below
// the entry's generation, so the entry is served).
func BenchmarkRevocationCacheGet(b *testing.B) {
	now := time.Unix(1000, 0)
	b.Run("plain", func(b *testing.B) {
		c, k := benchCache(b, 10_000, 1_000)
		b.ResetTimer()
		for range b.N {
			if revoked, ok := c.get(k, now); !ok || revoked {
				b.Fatal("not an active hit")
			}
		}
	})
	b.Run("watermarks", func(b *testing.B) {
		c, k := benchCache(b, 10_000, 1_000)
		for i := range revocationWatermarkUsers {
			c.revokeUser(benchUser(i), 4, fmt.Sprintf("e%d", i), now)
		}
		if len(c.marks) != revocationWatermarkUsers || c.len() != 10_000 {
			b.Fatalf("%d watermarks, %d entries", len(c.marks), c.len())
		}
		b.ResetTimer()
		for range b.N {
			if revoked, ok := c.get(k, now); !ok || revoked {
				b.Fatal("not an active hit")
			}
		}
	})
}

// BenchmarkRevocationCacheUserEvent: one user-level revocation (v2, a new
// generation) applied to a cache of 100 000 entries, for a user with 10 or
// 1 000 of them, or none; and the v1 form (whole user). The user's entries
// are put back between iterations, outside the timer.
func BenchmarkRevocationCacheUserEvent(b *testing.B) {
	const entries = 100_000
	now := time.Unix(1000, 0)
	for _, bc := range []struct {
		name  string
		users int // entries are spread over this many users
		gen   int64
	}{
		{"v2/10_entries_of_the_user", entries / 10, 6},
		{"v2/1000_entries_of_the_user", entries / 1000, 6},
		{"v1/10_entries_of_the_user", entries / 10, 0},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c, _ := benchCache(b, entries, bc.users)
			user := benchUser(0)
			var mine []revocationKey
			for i := 0; i < entries; i += bc.users {
				mine = append(mine, revocationKey{iss: "https://auth.example.com", jti: fmt.Sprintf("jti-%08d", i), sub: user})
			}
			gen := int64(5)
			b.ResetTimer()
			for i := range b.N {
				g := bc.gen
				if g > 0 {
					gen++ // a new generation every time, so it is applied
					g = gen
				}
				c.revokeUser(user, g, fmt.Sprintf("%s:%d", user, i), now)
				b.StopTimer()
				if c.len() != entries-len(mine) {
					b.Fatalf("%d entries left, want %d", c.len(), entries-len(mine))
				}
				for _, k := range mine {
					c.admitActive(k, user, gen, now.Add(time.Hour), now, c.currentEpoch())
				}
				b.StartTimer()
			}
		})
	}
	b.Run("v2/no_entry_of_the_user", func(b *testing.B) {
		c, _ := benchCache(b, entries, entries/10)
		b.ResetTimer()
		for i := range b.N {
			c.revokeUser("11111111-0000-4000-8000-000000000000", int64(i)+1, "", now)
		}
	})
}
