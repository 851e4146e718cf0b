package authmod

import (
	"cmp"
	"maps"
	"slices"
)

// Role is the value of a token's "role" claim. The kit's roles are lower-case
// ("user", "reader", ...), exactly as fa-auth-m8 writes them; roles are
// compared as written, so "ADMIN" is not "admin".
type Role string

// The fa-auth-m8 roles, lowest first.
const (
	RoleUser       Role = "user"
	RoleReader     Role = "reader"
	RoleWriter     Role = "writer"
	RoleAdmin      Role = "admin"
	RoleSuperadmin Role = "superadmin"
)

// Ranks of the default roles in [DefaultRoleHierarchy]. They are spaced by 10
// so that a service can slot its own roles in between, e.g.
// h.With("auditor", 25) ranks an auditor above a reader and below a writer.
const (
	RankUser       = 10
	RankReader     = 20
	RankWriter     = 30
	RankAdmin      = 40
	RankSuperadmin = 50
)

// RoleHierarchy orders roles: a user whose role ranks at least as high as a
// guard's minimum role passes the guard. It is an immutable value; With and
// Renamed return changed copies and never modify the receiver, so a hierarchy
// can be shared freely between goroutines.
//
// The hierarchy is a value in the fx graph. A service changes it with
// fx.Decorate:
//
//	fx.Decorate(func(h authmod.RoleHierarchy) authmod.RoleHierarchy {
//		return h.With("auditor", 25)
//	})
//
// The zero value knows no role (every AtLeast is false); [NewAuthenticator]
// replaces a zero hierarchy with [DefaultRoleHierarchy].
type RoleHierarchy struct {
	ranks map[Role]int
}

// DefaultRoleHierarchy returns SUPERADMIN > ADMIN > WRITER > READER > USER
// with the Rank* constants as ranks.
func DefaultRoleHierarchy() RoleHierarchy {
	return RoleHierarchy{ranks: map[Role]int{
		RoleUser:       RankUser,
		RoleReader:     RankReader,
		RoleWriter:     RankWriter,
		RoleAdmin:      RankAdmin,
		RoleSuperadmin: RankSuperadmin,
	}}
}

// Rank returns the rank of role and whether the hierarchy knows the role.
func (h RoleHierarchy) Rank(role Role) (int, bool) {
	r, ok := h.ranks[role]
	return r, ok
}

// Known reports whether the hierarchy has role.
func (h RoleHierarchy) Known(role Role) bool {
	_, ok := h.ranks[role]
	return ok
}

// AtLeast reports whether have ranks at least as high as min. An unknown role
// (on either side) never passes.
func (h RoleHierarchy) AtLeast(have, min Role) bool {
	hr, ok := h.ranks[have]
	if !ok {
		return false
	}
	mr, ok := h.ranks[min]
	return ok && hr >= mr
}

// With returns a copy of h in which role has the given rank (added, or moved
// if it already exists). Several roles may share a rank. An empty role name
// is ignored, because no token can carry it as a meaningful role.
func (h RoleHierarchy) With(role Role, rank int) RoleHierarchy {
	if role == "" {
		return h
	}
	ranks := maps.Clone(h.ranks)
	if ranks == nil {
		ranks = make(map[Role]int, 1)
	}
	ranks[role] = rank
	return RoleHierarchy{ranks: ranks}
}

// Without returns a copy of h without role: tokens carrying it pass no guard.
func (h RoleHierarchy) Without(role Role) RoleHierarchy {
	if !h.Known(role) {
		return h
	}
	ranks := maps.Clone(h.ranks)
	delete(ranks, role)
	return RoleHierarchy{ranks: ranks}
}

// Renamed returns a copy of h in which the role old is called new, at the
// same rank; old is no longer known. It is for issuers that spell a role
// differently. If old is unknown or new is empty, h is returned unchanged.
//
// Accesses built from a renamed constant (e.g. AtLeast(RoleAdmin) after
// Renamed(RoleAdmin, "administrator")) no longer find their role and fail the
// route's declaration; use AtLeast("administrator") instead.
func (h RoleHierarchy) Renamed(old, new Role) RoleHierarchy {
	rank, ok := h.ranks[old]
	if !ok || new == "" || old == new {
		return h
	}
	ranks := maps.Clone(h.ranks)
	delete(ranks, old)
	ranks[new] = rank
	return RoleHierarchy{ranks: ranks}
}

// Roles returns the known roles, lowest rank first (ties by name).
func (h RoleHierarchy) Roles() []Role {
	roles := slices.Collect(maps.Keys(h.ranks))
	slices.SortFunc(roles, func(a, b Role) int {
		return cmp.Or(cmp.Compare(h.ranks[a], h.ranks[b]), cmp.Compare(a, b))
	})
	return roles
}

// IsZero reports whether h knows no role at all.
func (h RoleHierarchy) IsZero() bool { return len(h.ranks) == 0 }
