package authmod

import (
	"container/list"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Bounds of the revocation cache's event state.
const (
	// revocationWatermarkUsers bounds the per-user watermarks (upstream:
	// 10 000 users, the oldest inserted dropped first).
	revocationWatermarkUsers = 10_000
	// revocationWatermarkIDs bounds the event ids remembered at one
	// generation of one user. Past it, a repeated delivery is applied again,
	// which is harmless: evicting below a generation is idempotent.
	revocationWatermarkIDs = 64
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
//
// Active entries are tagged with the user and the auth generation of the
// answer, and indexed by user and by jti, so that the revocations of the
// auth event stream (the revocationSink methods) evict exactly the entries
// they name without scanning the cache. Per user, a watermark remembers the
// highest generation revoked so far (see applyWatermark); an active answer
// below it is treated as revoked.
//
// Revoked entries are never evicted by events: once revoked, a token stays
// revoked.
type revocationCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *revocationEntry, most recently used first
	items map[revocationKey]*list.Element
	// users and jtis are the heads of the chains of active entries by user
	// and by jti.
	users map[string]*revocationEntry
	jtis  map[string]*revocationEntry

	marks     map[string]*watermark
	markOrder *list.List // of user ids, oldest inserted first
	maxMarks  int
	// epoch changes with every event; an active answer asked for before an
	// event and arriving after it is not cached (the event may be about it).
	epoch uint64
}

type revocationEntry struct {
	key     revocationKey
	revoked bool
	until   time.Time
	// user (normalised) and gen are the tags of an active entry.
	user string
	gen  int64
	el   *list.Element
	// byUser and byJTI link an active entry into its chains.
	byUser, byJTI chainLinks
}

// chainLinks are the links of an entry in one of the index chains.
type chainLinks struct{ prev, next *revocationEntry }

func userLinks(e *revocationEntry) *chainLinks { return &e.byUser }
func jtiLinks(e *revocationEntry) *chainLinks  { return &e.byJTI }

// watermark is the revocation state of one user: the highest generation
// revoked so far and the event ids applied at that generation.
type watermark struct {
	gen     int64
	applied map[string]struct{}
	el      *list.Element // in markOrder
}

func newRevocationCache(maxEntries int) *revocationCache {
	return &revocationCache{
		max:       maxEntries,
		order:     list.New(),
		items:     make(map[revocationKey]*list.Element),
		users:     make(map[string]*revocationEntry),
		jtis:      make(map[string]*revocationEntry),
		marks:     make(map[string]*watermark),
		markOrder: list.New(),
		maxMarks:  revocationWatermarkUsers,
	}
}

// normUserID returns the form of a user id the cache indexes: the canonical
// lower-case spelling of a UUID, any other id as is.
func normUserID(id string) string {
	if len(id) == 36 {
		if u, err := uuid.Parse(id); err == nil {
			return u.String()
		}
	}
	return id
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
		c.remove(e)
		return false, false
	}
	if !e.revoked && len(c.marks) != 0 {
		// Raising a watermark evicts the entries below it; this is the
		// second line of defence.
		if m := c.marks[e.user]; m != nil && e.gen < m.gen {
			c.remove(e)
			return true, true
		}
	}
	c.order.MoveToFront(el)
	return e.revoked, true
}

// currentEpoch returns the event epoch, to pass to admitActive.
func (c *revocationCache) currentEpoch() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.epoch
}

// putRevoked remembers that k is revoked until until (exclusive). A revoked
// answer replaces an active one.
func (c *revocationCache) putRevoked(k revocationKey, until, now time.Time) {
	if !now.Before(until) || c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		e := el.Value.(*revocationEntry)
		if !e.revoked {
			c.unlink(e)
			e.revoked, e.user, e.gen = true, "", 0
		}
		e.until = until
		c.order.MoveToFront(el)
		return
	}
	c.insert(&revocationEntry{key: k, revoked: true, until: until})
}

// admitActive takes an active answer for k about user (normalised) at auth
// generation gen, asked for when the event epoch was epoch. It reports
// whether the answer must be treated as revoked: its generation is below
// the user's watermark (then nothing is cached). Otherwise the answer is
// cached until until (exclusive; zero: not cached), unless an event came
// while it was asked for, or a revoked answer for k is remembered.
func (c *revocationCache) admitActive(k revocationKey, user string, gen int64, until, now time.Time, epoch uint64) (revoked bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if m := c.marks[user]; m != nil && gen < m.gen {
		return true
	}
	if until.IsZero() || !now.Before(until) || c.max <= 0 || epoch != c.epoch {
		return false
	}
	if el, ok := c.items[k]; ok {
		e := el.Value.(*revocationEntry)
		if e.revoked {
			if now.Before(e.until) {
				return false // once revoked, stays revoked
			}
			c.remove(e) // expired: replaced below
		} else {
			e.gen, e.until = gen, until
			c.order.MoveToFront(el)
			return false
		}
	}
	c.insert(&revocationEntry{key: k, until: until, user: user, gen: gen})
	return false
}

// insert adds a new entry (k not present) and evicts the least recently
// used ones past the bound. Called with mu held.
func (c *revocationCache) insert(e *revocationEntry) {
	e.el = c.order.PushFront(e)
	c.items[e.key] = e.el
	if !e.revoked {
		chainAdd(c.users, e.user, e, userLinks)
		chainAdd(c.jtis, e.key.jti, e, jtiLinks)
	}
	for c.order.Len() > c.max {
		c.remove(c.order.Back().Value.(*revocationEntry))
	}
}

// remove drops e from the cache and its indexes. Called with mu held.
func (c *revocationCache) remove(e *revocationEntry) {
	c.order.Remove(e.el)
	delete(c.items, e.key)
	if !e.revoked {
		c.unlink(e)
	}
}

// unlink takes an active entry out of the user and jti chains.
func (c *revocationCache) unlink(e *revocationEntry) {
	chainRemove(c.users, e.user, e, userLinks)
	chainRemove(c.jtis, e.key.jti, e, jtiLinks)
}

// chainAdd puts e at the head of the chain of name.
func chainAdd(heads map[string]*revocationEntry, name string, e *revocationEntry, links func(*revocationEntry) *chainLinks) {
	l := links(e)
	l.prev, l.next = nil, heads[name]
	if l.next != nil {
		links(l.next).prev = e
	}
	heads[name] = e
}

// chainRemove takes e out of the chain of name.
func chainRemove(heads map[string]*revocationEntry, name string, e *revocationEntry, links func(*revocationEntry) *chainLinks) {
	l := links(e)
	switch {
	case l.prev != nil:
		links(l.prev).next = l.next
	case l.next != nil:
		heads[name] = l.next
	default:
		delete(heads, name)
	}
	if l.next != nil {
		links(l.next).prev = l.prev
	}
	l.prev, l.next = nil, nil
}

// evictUserBelow drops the active entries of user whose generation is below
// gen. Called with mu held.
func (c *revocationCache) evictUserBelow(user string, gen int64) {
	for e := c.users[user]; e != nil; {
		next := e.byUser.next
		if e.gen < gen {
			c.remove(e)
		}
		e = next
	}
}

// evictUser drops every active entry of user. Called with mu held.
func (c *revocationCache) evictUser(user string) {
	for e := c.users[user]; e != nil; {
		next := e.byUser.next
		c.remove(e)
		e = next
	}
}

// applyWatermark applies the watermark rule to a revocation of user at
// generation gen with event id eventID ("" when the event has none), and
// reports whether the revocation is to be applied:
//
//   - gen below the watermark: ignored;
//   - gen at the watermark: applied unless eventID was already applied at
//     it (no id: always applied);
//   - gen above the watermark, or no watermark: applied, and the watermark
//     becomes gen with {eventID} applied ({} without an id).
//
// At most maxMarks users have a watermark; the oldest inserted goes first.
// Called with mu held.
func (c *revocationCache) applyWatermark(user string, gen int64, eventID string) bool {
	m := c.marks[user]
	switch {
	case m != nil && gen < m.gen:
		return false
	case m != nil && gen == m.gen:
		if eventID == "" {
			return true
		}
		if _, dup := m.applied[eventID]; dup {
			return false
		}
	case m != nil:
		m.gen = gen
		clear(m.applied)
	default:
		m = &watermark{gen: gen, el: c.markOrder.PushBack(user)}
		c.marks[user] = m
		for len(c.marks) > c.maxMarks {
			oldest := c.markOrder.Front()
			c.markOrder.Remove(oldest)
			delete(c.marks, oldest.Value.(string))
		}
	}
	if eventID != "" && len(m.applied) < revocationWatermarkIDs {
		if m.applied == nil {
			m.applied = make(map[string]struct{}, 1)
		}
		m.applied[eventID] = struct{}{}
	}
	return true
}

// The revocationSink of the auth event stream.
var _ revocationSink = (*revocationCache)(nil)

// revokeJTI evicts the active entries of the token jti.
func (c *revocationCache) revokeJTI(jti string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	for e := c.jtis[jti]; e != nil; {
		next := e.byJTI.next
		c.remove(e)
		e = next
	}
}

// revokeUser evicts the active entries of userID below generation (after
// the watermark rule), or all of them when generation is not positive (a v1
// event). at is not used: every cached answer has a generation.
func (c *revocationCache) revokeUser(userID string, generation int64, eventID string, _ time.Time) {
	user := normUserID(userID)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	if generation <= 0 {
		c.evictUser(user)
		return
	}
	if c.applyWatermark(user, generation, eventID) {
		c.evictUserBelow(user, generation)
	}
}

// deleteUser evicts every active entry of userID.
func (c *revocationCache) deleteUser(userID string, _ time.Time) {
	user := normUserID(userID)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	c.evictUser(user)
}

// flush forgets every active entry; revoked entries and watermarks stay.
func (c *revocationCache) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	for el := c.order.Front(); el != nil; {
		next := el.Next()
		if e := el.Value.(*revocationEntry); !e.revoked {
			c.remove(e)
		}
		el = next
	}
}

// len returns the number of entries (expired ones included until touched).
func (c *revocationCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// watermarkOf returns the watermark of user (normalised) and whether there
// is one; for tests.
func (c *revocationCache) watermarkOf(user string) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.marks[user]
	if m == nil {
		return 0, false
	}
	return m.gen, true
}
