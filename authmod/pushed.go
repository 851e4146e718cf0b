package authmod

import (
	"container/list"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of the pushed-revocation list.
const (
	// DefaultMaxPushed bounds the pushed-revocation list (revoked jtis and
	// users together).
	DefaultMaxPushed = 100_000
	// DefaultPushedTTL is how long a pushed revocation is remembered: the
	// longest lifetime of an access token ([DefaultMaxLifetime]), after
	// which no token it could refuse is still valid.
	DefaultPushedTTL = DefaultMaxLifetime
	// maxPushedEventIDs bounds the event ids remembered per user at its
	// highest revocation generation.
	maxPushedEventIDs = 16
)

// pushedKind tells a revoked jti from a revoked user.
type pushedKind uint8

const (
	pushedJTI pushedKind = iota + 1
	pushedUser
)

type pushedKey struct {
	kind pushedKind
	id   string
}

// pushedEntry is one remembered revocation.
type pushedEntry struct {
	key pushedKey
	// expires is when the entry is forgotten (recorded + TTL).
	expires time.Time
	// at (users): tokens issued in an earlier second are revoked.
	at time.Time
	// generation and eventIDs (users): the highest revocation generation
	// applied and the event ids applied at it, so that a replayed or older
	// v2 event does not move at forward.
	generation int64
	eventIDs   []string
}

// pushedList is the pushed-revocation list: the revocations received on the
// auth event stream, remembered for a while so that a guard refuses a
// revoked token at once, whatever the token mode. It is a revocationSink.
//
// It holds revoked jtis and, per user, the time of its latest revocation
// (or deletion): a token of that user issued in an earlier second is
// refused. It is bounded (the oldest entries are dropped first) and every
// entry is forgotten ttl after it was last recorded. flush does not clear
// it: a gap may lose events, but the revocations already known stay true.
//
// revoked is lock-free while the list is empty, and takes a read lock
// otherwise. pushedList is safe for concurrent use.
type pushedList struct {
	max int
	ttl time.Duration
	now func() time.Time

	// size is the number of entries (expired ones included until pruned);
	// newest is the expiry (unix ns) of the newest entry: past it, every
	// entry has expired. Both let revoked skip the lock.
	size   atomic.Int64
	newest atomic.Int64

	mu      sync.RWMutex
	entries map[pushedKey]*list.Element // of *pushedEntry
	order   *list.List                  // oldest recorded first
}

var _ revocationSink = (*pushedList)(nil)

func newPushedList(bound int, ttl time.Duration, now func() time.Time) *pushedList {
	if bound <= 0 {
		bound = DefaultMaxPushed
	}
	if ttl <= 0 {
		ttl = DefaultPushedTTL
	}
	if now == nil {
		now = time.Now
	}
	return &pushedList{max: bound, ttl: ttl, now: now, entries: make(map[pushedKey]*list.Element), order: list.New()}
}

// pushedUserKey is the key of a user: subjects and user ids are lower-case
// UUIDs, compared case-insensitively.
func pushedUserKey(userID string) pushedKey {
	return pushedKey{kind: pushedUser, id: strings.ToLower(userID)}
}

func (p *pushedList) revokeJTI(jti string) {
	if jti == "" {
		return
	}
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pruneLocked(now)
	k := pushedKey{kind: pushedJTI, id: jti}
	if el, ok := p.entries[k]; ok {
		p.touchLocked(el, now)
		return
	}
	p.insertLocked(&pushedEntry{key: k}, now)
}

func (p *pushedList) revokeUser(userID string, generation int64, eventID string, at time.Time) {
	p.recordUser(userID, generation, eventID, at)
}

func (p *pushedList) deleteUser(userID string, at time.Time) {
	p.recordUser(userID, 0, "", at)
}

// flush does nothing: a gap loses events, not the revocations known.
func (p *pushedList) flush() {}

// recordUser remembers that the tokens of userID issued before at are
// revoked. A v2 revocation (generation > 0) older than the highest applied
// for the user, or already applied (same generation and event id), is
// ignored: re-applying it with a later receive time would refuse tokens
// issued after the revocation.
func (p *pushedList) recordUser(userID string, generation int64, eventID string, at time.Time) {
	if userID == "" {
		return
	}
	now := p.now()
	if at.IsZero() {
		at = now
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pruneLocked(now)
	k := pushedUserKey(userID)
	el, ok := p.entries[k]
	if !ok {
		e := &pushedEntry{key: k, at: at, generation: generation}
		if generation > 0 && eventID != "" {
			e.eventIDs = []string{eventID}
		}
		p.insertLocked(e, now)
		return
	}
	e := el.Value.(*pushedEntry)
	if generation > 0 {
		switch {
		case generation < e.generation:
			return
		case generation == e.generation:
			if eventID != "" {
				for _, id := range e.eventIDs {
					if id == eventID {
						return
					}
				}
				if len(e.eventIDs) < maxPushedEventIDs {
					e.eventIDs = append(e.eventIDs, eventID)
				}
			}
		default:
			e.generation = generation
			e.eventIDs = e.eventIDs[:0]
			if eventID != "" {
				e.eventIDs = append(e.eventIDs, eventID)
			}
		}
	}
	if at.After(e.at) {
		e.at = at
	}
	p.touchLocked(el, now)
}

// insertLocked adds e, recorded now, dropping the oldest entries beyond the
// bound.
func (p *pushedList) insertLocked(e *pushedEntry, now time.Time) {
	e.expires = now.Add(p.ttl)
	p.entries[e.key] = p.order.PushBack(e)
	for p.order.Len() > p.max {
		p.removeLocked(p.order.Front())
	}
	p.publishLocked(e.expires)
}

// touchLocked marks el as recorded now.
func (p *pushedList) touchLocked(el *list.Element, now time.Time) {
	e := el.Value.(*pushedEntry)
	e.expires = now.Add(p.ttl)
	p.order.MoveToBack(el)
	p.publishLocked(e.expires)
}

// pruneLocked drops the expired entries (the oldest recorded come first).
func (p *pushedList) pruneLocked(now time.Time) {
	for el := p.order.Front(); el != nil; el = p.order.Front() {
		if now.Before(el.Value.(*pushedEntry).expires) {
			break
		}
		p.removeLocked(el)
	}
	p.size.Store(int64(p.order.Len()))
}

func (p *pushedList) removeLocked(el *list.Element) {
	delete(p.entries, el.Value.(*pushedEntry).key)
	p.order.Remove(el)
}

func (p *pushedList) publishLocked(expires time.Time) {
	if ns := expires.UnixNano(); ns > p.newest.Load() {
		p.newest.Store(ns)
	}
	p.size.Store(int64(p.order.Len()))
}

// len returns the number of entries, expired ones not yet pruned included.
func (p *pushedList) len() int { return int(p.size.Load()) }

// revoked reports whether c was revoked: its jti was, or its subject's user
// was revoked or deleted after the token was issued (in an earlier second
// than the revocation; a token without iat counts as issued before).
func (p *pushedList) revoked(c *Claims) bool {
	if c == nil || p.size.Load() == 0 {
		return false
	}
	now := p.now()
	if now.UnixNano() >= p.newest.Load() {
		return false // everything has expired
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	if c.ID != "" {
		if el, ok := p.entries[pushedKey{kind: pushedJTI, id: c.ID}]; ok && now.Before(el.Value.(*pushedEntry).expires) {
			return true
		}
	}
	if c.Subject != "" {
		if el, ok := p.entries[pushedUserKey(c.Subject)]; ok {
			e := el.Value.(*pushedEntry)
			if now.Before(e.expires) {
				if c.IssuedAt == nil {
					return true
				}
				return c.IssuedAt.Unix() < e.at.Unix()
			}
		}
	}
	return false
}
