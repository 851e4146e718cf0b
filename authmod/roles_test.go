package authmod_test

import (
	"slices"
	"testing"

	"github.com/m8fx/kit/authmod"
)

func TestDefaultRoleHierarchyOrder(t *testing.T) {
	h := authmod.DefaultRoleHierarchy()
	want := []authmod.Role{authmod.RoleUser, authmod.RoleReader, authmod.RoleWriter, authmod.RoleAdmin, authmod.RoleSuperadmin}
	if got := h.Roles(); !slices.Equal(got, want) {
		t.Fatalf("Roles() = %v, want %v", got, want)
	}
	for i, have := range want {
		for j, min := range want {
			if got := h.AtLeast(have, min); got != (i >= j) {
				t.Errorf("AtLeast(%s, %s) = %v, want %v", have, min, got, i >= j)
			}
		}
	}
}

func TestRoleHierarchyUnknownRolesNeverPass(t *testing.T) {
	h := authmod.DefaultRoleHierarchy()
	for _, tc := range []struct{ have, min authmod.Role }{
		{"hacker", authmod.RoleUser},
		{"ADMIN", authmod.RoleUser}, // claim values are lower-case; no folding
		{"", authmod.RoleUser},
		{authmod.RoleSuperadmin, "hacker"},
		{"hacker", "hacker"},
	} {
		if h.AtLeast(tc.have, tc.min) {
			t.Errorf("AtLeast(%q, %q) = true, want false", tc.have, tc.min)
		}
	}
	if _, ok := h.Rank("hacker"); ok {
		t.Error(`Rank("hacker") known`)
	}
	if r, ok := h.Rank(authmod.RoleAdmin); !ok || r != authmod.RankAdmin {
		t.Errorf("Rank(admin) = %d, %v", r, ok)
	}
	var zero authmod.RoleHierarchy
	if zero.AtLeast(authmod.RoleSuperadmin, authmod.RoleUser) || !zero.IsZero() || len(zero.Roles()) != 0 {
		t.Error("zero hierarchy must know no role")
	}
}

func TestRoleHierarchyWithIsACopy(t *testing.T) {
	base := authmod.DefaultRoleHierarchy()
	h := base.With("auditor", 25)
	if base.Known("auditor") {
		t.Fatal("With modified its receiver")
	}
	if !h.AtLeast("auditor", authmod.RoleReader) || h.AtLeast("auditor", authmod.RoleWriter) {
		t.Error("auditor@25 must rank above reader and below writer")
	}
	if !h.AtLeast(authmod.RoleWriter, "auditor") {
		t.Error("writer must pass an auditor minimum")
	}
	want := []authmod.Role{"user", "reader", "auditor", "writer", "admin", "superadmin"}
	if got := h.Roles(); !slices.Equal(got, want) {
		t.Errorf("Roles() = %v, want %v", got, want)
	}
	// Moving an existing role, and ignoring an empty name.
	moved := h.With(authmod.RoleUser, 99)
	if !moved.AtLeast(authmod.RoleUser, authmod.RoleSuperadmin) || h.AtLeast(authmod.RoleUser, authmod.RoleSuperadmin) {
		t.Error("With on an existing role must move it in the copy only")
	}
	if got := h.With("", 1).Roles(); !slices.Equal(got, want) {
		t.Errorf("With(\"\") changed the roles: %v", got)
	}
	var zero authmod.RoleHierarchy
	if !zero.With("x", 1).Known("x") {
		t.Error("With on the zero hierarchy")
	}
}

func TestRoleHierarchyRenamedAndWithout(t *testing.T) {
	base := authmod.DefaultRoleHierarchy()
	h := base.Renamed(authmod.RoleAdmin, "administrator")
	if h.Known(authmod.RoleAdmin) || !base.Known(authmod.RoleAdmin) {
		t.Fatal("Renamed must drop the old name in the copy only")
	}
	if r, ok := h.Rank("administrator"); !ok || r != authmod.RankAdmin {
		t.Errorf("Rank(administrator) = %d, %v", r, ok)
	}
	if got := base.Renamed("nope", "x"); !slices.Equal(got.Roles(), base.Roles()) {
		t.Error("renaming an unknown role must change nothing")
	}
	if got := base.Renamed(authmod.RoleUser, ""); !got.Known(authmod.RoleUser) {
		t.Error("renaming to an empty name must change nothing")
	}
	w := base.Without(authmod.RoleReader)
	if w.Known(authmod.RoleReader) || !base.Known(authmod.RoleReader) {
		t.Error("Without must drop the role in the copy only")
	}
}
