package authmod

import (
	"container/list"
	"sync"
	"time"
)

// revocationKey identifies one revocation answer. It is never the raw token:
// the answer is about the token id (iss, jti), and is asked for one expected
// user (sub), so the sub is part of the key too.
type revocationKey struct {
	iss, jti, sub string
}

// revocationCache remembers revocation answers, bounded in size (least
// recently used entries go first) and in time (an entry never outlives its
// "until", which the client sets no later than the token's exp).
type revocationCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *revocationEntry, most recently used first
	items map[revocationKey]*list.Element
}

type revocationEntry struct {
	key     revocationKey
	revoked bool
	until   time.Time
}

func newRevocationCache(maxEntries int) *revocationCache {
	return &revocationCache{
		max:   maxEntries,
		order: list.New(),
		items: make(map[revocationKey]*list.Element),
	}
}

// get returns the remembered answer for k, if one is still valid at now.
func (c *revocationCache) get(k revocationKey, now time.Time) (revoked, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		return false, false
	}
	e := el.Value.(*revocationEntry)
	if !now.Before(e.until) {
		c.order.Remove(el)
		delete(c.items, k)
		return false, false
	}
	c.order.MoveToFront(el)
	return e.revoked, true
}

// put remembers an answer for k until until (exclusive). A revoked answer is
// never replaced by an active one: once revoked, a token stays revoked.
func (c *revocationCache) put(k revocationKey, revoked bool, until, now time.Time) {
	if !now.Before(until) || c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		e := el.Value.(*revocationEntry)
		if e.revoked && !revoked && now.Before(e.until) {
			return
		}
		e.revoked, e.until = revoked, until
		c.order.MoveToFront(el)
		return
	}
	c.items[k] = c.order.PushFront(&revocationEntry{key: k, revoked: revoked, until: until})
	for c.order.Len() > c.max {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.items, oldest.Value.(*revocationEntry).key)
	}
}

// len returns the number of entries (expired ones included until touched).
func (c *revocationCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
