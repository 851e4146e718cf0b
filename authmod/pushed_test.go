package authmod

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// esClock is a settable clock.
type esClock struct {
	mu  sync.Mutex
	now time.Time
}

func newESClock() *esClock { return &esClock{now: time.Unix(1_800_000_000, 250_000_000)} }

func (c *esClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *esClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// esClaims returns claims for jti and sub issued at iat.
func esClaims(jti, sub string, iat time.Time) *Claims {
	return &Claims{RegisteredClaims: jwt.RegisteredClaims{
		ID: jti, Subject: sub, IssuedAt: jwt.NewNumericDate(iat),
	}}
}

const (
	esUser  = "0b9e4a52-7d1c-4f7e-9a51-3c2d1e0f9a8b"
	esUser2 = "5f0c2b1a-9e8d-4c7b-a6f5-e4d3c2b1a098"
)

func TestPushedJTI(t *testing.T) {
	clk := newESClock()
	p := newPushedList(0, 0, clk.Now)
	c := esClaims("jti-1", esUser, clk.Now().Add(-time.Hour))
	if p.revoked(c) || p.revoked(nil) {
		t.Fatal("empty list revokes")
	}
	p.revokeJTI("jti-1")
	p.revokeJTI("") // ignored
	if !p.revoked(c) {
		t.Error("revoked jti accepted")
	}
	if p.revoked(esClaims("jti-2", esUser, clk.Now().Add(-time.Hour))) {
		t.Error("another jti of the user refused")
	}
	if p.len() != 1 {
		t.Errorf("len = %d, want 1", p.len())
	}
}

func TestPushedUserIssuedAt(t *testing.T) {
	clk := newESClock()
	p := newPushedList(0, 0, clk.Now)
	at := clk.Now() // x.25 s
	p.revokeUser(esUser, 3, "u:3:all:x", at)

	sec := at.Truncate(time.Second)
	cases := []struct {
		name string
		iat  time.Time
		want bool
	}{
		{"issued an hour before", at.Add(-time.Hour), true},
		{"issued in the previous second", sec.Add(-time.Second), true},
		{"issued in the same second", sec, false},
		{"issued after", at.Add(time.Second), false},
	}
	for _, tc := range cases {
		if got := p.revoked(esClaims("j", esUser, tc.iat)); got != tc.want {
			t.Errorf("%s: revoked = %v, want %v", tc.name, got, tc.want)
		}
	}
	if p.revoked(esClaims("j", esUser2, at.Add(-time.Hour))) {
		t.Error("another user refused")
	}
	// Subjects compare case-insensitively (both are UUIDs).
	if !p.revoked(esClaims("j", "0B9E4A52-7D1C-4F7E-9A51-3C2D1E0F9A8B", at.Add(-time.Hour))) {
		t.Error("upper-case subject accepted")
	}
	// A token without iat cannot prove it is newer.
	noIat := &Claims{RegisteredClaims: jwt.RegisteredClaims{ID: "j", Subject: esUser}}
	if !p.revoked(noIat) {
		t.Error("token without iat accepted")
	}
}

func TestPushedDeleteUser(t *testing.T) {
	clk := newESClock()
	p := newPushedList(0, 0, clk.Now)
	p.deleteUser(esUser, clk.Now())
	if !p.revoked(esClaims("j", esUser, clk.Now().Add(-time.Minute))) {
		t.Error("token of a deleted user accepted")
	}
	if p.revoked(esClaims("j", esUser, clk.Now().Add(time.Second))) {
		t.Error("token issued after the deletion refused")
	}
}

func TestPushedUserGenerations(t *testing.T) {
	clk := newESClock()
	p := newPushedList(0, 0, clk.Now)
	t0 := clk.Now()
	p.revokeUser(esUser, 5, "e5", t0)
	later := t0.Add(10 * time.Second)
	mid := esClaims("j", esUser, t0.Add(5*time.Second)) // issued between t0 and later

	// A replayed event, or an older generation, does not move "revoked at".
	p.revokeUser(esUser, 5, "e5", later)
	p.revokeUser(esUser, 4, "e4", later)
	if p.revoked(mid) {
		t.Fatal("replayed or older revocation refused a newer token")
	}
	// Another event at the same generation, a newer generation, and a v1
	// event (generation 0) do.
	for _, ev := range []struct {
		gen int64
		id  string
	}{{5, "e5b"}, {6, "e6"}, {0, ""}} {
		p2 := newPushedList(0, 0, clk.Now)
		p2.revokeUser(esUser, 5, "e5", t0)
		p2.revokeUser(esUser, ev.gen, ev.id, later)
		if !p2.revoked(mid) {
			t.Errorf("revocation gen %d id %q did not move the time forward", ev.gen, ev.id)
		}
	}
	// An earlier time never moves it back.
	p.revokeUser(esUser, 0, "", t0.Add(-time.Hour))
	if !p.revoked(esClaims("j", esUser, t0.Add(-time.Minute))) {
		t.Error("earlier revocation moved the time back")
	}
}

func TestPushedFlushKeepsRevocations(t *testing.T) {
	clk := newESClock()
	p := newPushedList(0, 0, clk.Now)
	p.revokeJTI("j1")
	p.deleteUser(esUser, clk.Now())
	p.flush()
	if !p.revoked(esClaims("j1", esUser2, clk.Now())) || !p.revoked(esClaims("j", esUser, clk.Now().Add(-time.Hour))) {
		t.Error("flush forgot revocations")
	}
}

func TestPushedBound(t *testing.T) {
	clk := newESClock()
	p := newPushedList(3, 0, clk.Now)
	for i := range 5 {
		p.revokeJTI(fmt.Sprintf("j%d", i))
		clk.Advance(time.Millisecond)
	}
	if p.len() != 3 {
		t.Fatalf("len = %d, want 3", p.len())
	}
	for i, want := range []bool{false, false, true, true, true} {
		if got := p.revoked(esClaims(fmt.Sprintf("j%d", i), "", clk.Now())); got != want {
			t.Errorf("j%d revoked = %v, want %v (oldest dropped first)", i, got, want)
		}
	}
	// Re-recording an entry makes it the newest.
	p.revokeJTI("j2")
	p.deleteUser(esUser, clk.Now())
	if !p.revoked(esClaims("j2", "", clk.Now())) || p.revoked(esClaims("j3", "", clk.Now())) {
		t.Error("re-recorded entry was dropped before an older one")
	}
	// Users and jtis share the bound.
	if p.len() != 3 || !p.revoked(esClaims("x", esUser, clk.Now().Add(-time.Hour))) {
		t.Errorf("len = %d after a user entry", p.len())
	}
}

func TestPushedTTL(t *testing.T) {
	clk := newESClock()
	p := newPushedList(0, time.Hour, clk.Now)
	p.revokeJTI("j1")
	clk.Advance(30 * time.Minute)
	p.deleteUser(esUser, clk.Now())
	old := clk.Now().Add(-2 * time.Hour)

	clk.Advance(31 * time.Minute) // j1 is 61 min old, the user 31 min
	if p.revoked(esClaims("j1", "", clk.Now())) {
		t.Error("expired jti still refused")
	}
	if !p.revoked(esClaims("j", esUser, old)) {
		t.Error("live user entry forgotten")
	}
	clk.Advance(30 * time.Minute)
	if p.revoked(esClaims("j", esUser, old)) {
		t.Error("expired user entry still refused")
	}
	// A later write prunes the expired entries.
	p.revokeJTI("j2")
	if p.len() != 1 {
		t.Errorf("len = %d after pruning, want 1", p.len())
	}
	// Re-recording refreshes the TTL.
	clk.Advance(50 * time.Minute)
	p.revokeJTI("j2")
	clk.Advance(50 * time.Minute)
	if !p.revoked(esClaims("j2", "", clk.Now())) {
		t.Error("refreshed entry expired")
	}
}

func TestPushedDefaults(t *testing.T) {
	p := newPushedList(0, 0, nil)
	if DefaultPushedTTL != DefaultMaxLifetime {
		t.Error("DefaultPushedTTL is not the longest token lifetime")
	}
	if p.max != DefaultMaxPushed || p.ttl != DefaultPushedTTL {
		t.Errorf("defaults = %d, %s", p.max, p.ttl)
	}
}

func TestPushedConcurrent(t *testing.T) {
	p := newPushedList(100, 0, nil)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range 500 {
				p.revokeJTI(fmt.Sprintf("j%d-%d", g, i))
				p.revokeUser(fmt.Sprintf("u%d", i%7), int64(i%3), "", time.Now())
			}
		}()
		go func() {
			defer wg.Done()
			for i := range 500 {
				p.revoked(esClaims(fmt.Sprintf("j%d-%d", g, i), "u1", time.Now()))
			}
		}()
	}
	wg.Wait()
	if p.len() > 100 {
		t.Errorf("len = %d over the bound", p.len())
	}
}

func BenchmarkPushedRevokedEmpty(b *testing.B) {
	p := newPushedList(0, 0, nil)
	c := esClaims("j", esUser, time.Now())
	for b.Loop() {
		if p.revoked(c) {
			b.Fatal("revoked")
		}
	}
}

func TestPushedRevokedEmptyAllocates(t *testing.T) {
	p := newPushedList(0, 0, func() time.Time { t.Fatal("clock read on the empty fast path"); return time.Time{} })
	c := esClaims("j", esUser, time.Now())
	if n := testing.AllocsPerRun(100, func() { p.revoked(c) }); n != 0 {
		t.Errorf("allocs = %v", n)
	}
}
