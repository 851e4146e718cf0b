package main

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/m8fx/kit/authmod"
	"github.com/m8fx/kit/fxtest_helpers"
)

func TestUsersMe(t *testing.T) {
	is := fxtest_helpers.NewIssuer(t, "HS256")
	app := fxtest_helpers.New(t,
		fxtest_helpers.WithEnv(is.Env()),
		fxtest_helpers.WithSQLite(), fxtest_helpers.WithOptions(serviceOptions()...),
	)
	sub := "6f1c2b9e-3a5d-4c7e-9f10-2b3c4d5e6f70"
	tests := []struct {
		name   string
		header string
		status int
	}{
		{"valid token", "Bearer " + is.Token(fxtest_helpers.TokenSubject(sub), fxtest_helpers.TokenRole(authmod.RoleWriter)), http.StatusOK},
		{"no token", "", http.StatusUnauthorized},
		{"garbage", "Bearer not.a.token", http.StatusUnauthorized},
		{"inactive", "Bearer " + is.Token(fxtest_helpers.TokenInactive()), http.StatusForbidden},
		{"expired", "Bearer " + is.Token(fxtest_helpers.TokenExpiry(-time.Minute)), http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.header != "" {
				headers = []string{"Authorization", tt.header}
			}
			rec := app.Get("/api/users/me", headers...)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d (%s)", rec.Code, tt.status, rec.Body)
			}
			if tt.status != http.StatusOK {
				return
			}
			var u authmod.User
			if err := json.Unmarshal(rec.Body.Bytes(), &u); err != nil {
				t.Fatal(err)
			}
			if u.ID.String() != sub || u.Role != authmod.RoleWriter || !u.IsActive {
				t.Fatalf("user %+v", u)
			}
		})
	}
}
