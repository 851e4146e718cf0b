package authmod_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/m8fx/kit/authmod"
)

func boolPtr(b bool) *bool { return &b }

func TestDefaultUserMapper(t *testing.T) {
	id := uuid.New()
	u, err := authmod.DefaultUserMapper(&authmod.Claims{
		RegisteredClaims: jwt.RegisteredClaims{Subject: id.String()},
		Email:            "a@example.test", FullName: "A B", Role: "writer",
		IsActive: boolPtr(true), IsSuperuser: true, EmailVerified: true, TenantID: "t1",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := authmod.User{ID: id, Email: "a@example.test", FullName: "A B", Role: authmod.RoleWriter,
		IsActive: true, IsSuperuser: true, EmailVerified: true, TenantID: "t1"}
	if *u != want {
		t.Fatalf("got %+v, want %+v", *u, want)
	}
	data, _ := json.Marshal(u)
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	for _, k := range []string{"id", "email", "full_name", "role", "is_active", "is_superuser", "email_verified", "tenant_id"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON has no %q: %s", k, data)
		}
	}
}

func TestDefaultUserMapperIsActive(t *testing.T) {
	sub := uuid.NewString()
	for _, tc := range []struct {
		claim *bool
		want  bool
	}{{nil, false}, {boolPtr(false), false}, {boolPtr(true), true}} {
		u, err := authmod.DefaultUserMapper(&authmod.Claims{RegisteredClaims: jwt.RegisteredClaims{Subject: sub}, IsActive: tc.claim})
		if err != nil {
			t.Fatal(err)
		}
		if u.IsActive != tc.want {
			t.Errorf("is_active %v: IsActive = %v", tc.claim, u.IsActive)
		}
	}
}

func TestDefaultUserMapperRoleAsClaimed(t *testing.T) {
	u, err := authmod.DefaultUserMapper(&authmod.Claims{RegisteredClaims: jwt.RegisteredClaims{Subject: uuid.NewString()}, Role: "ADMIN"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Role != "ADMIN" {
		t.Errorf("Role = %q, want the claim as written", u.Role)
	}
}

func TestDefaultUserMapperRejectsBadSubjects(t *testing.T) {
	id := uuid.New()
	for _, sub := range []string{
		"", "42", "not-a-uuid", uuid.Nil.String(),
		"urn:uuid:" + id.String(), "{" + id.String() + "}", id.String()[:8] + id.String()[9:13] + id.String()[14:18] + id.String()[19:23] + id.String()[24:],
		"zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
	} {
		_, err := authmod.DefaultUserMapper(&authmod.Claims{RegisteredClaims: jwt.RegisteredClaims{Subject: sub}})
		if !errors.Is(err, authmod.ErrInvalidToken) || !errors.Is(err, authmod.ErrBadSubject) {
			t.Errorf("sub %q: err = %v, want ErrInvalidToken+ErrBadSubject", sub, err)
		}
	}
	if _, err := authmod.DefaultUserMapper(nil); !errors.Is(err, authmod.ErrInvalidToken) {
		t.Errorf("nil claims: %v", err)
	}
}
