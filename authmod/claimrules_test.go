package authmod

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestCanonicalUUID and TestValidJTI: the claim helpers.
func TestCanonicalUUID(t *testing.T) {
	for s, want := range map[string]bool{
		vtSub:                                    true,
		"00000000-0000-0000-0000-000000000000":   false,
		strings.ToUpper(vtSub):                   false,
		"{" + vtSub + "}":                        false,
		"urn:uuid:" + vtSub:                      false,
		strings.ReplaceAll(vtSub, "-", ""):       false,
		vtSub[:35] + "g":                         false,
		"":                                       false,
		"3f2b7c1e-8a4d-4e6f-9b1a-2c3d4e5f6a7b ":  false,
		"ffffffff-ffff-ffff-ffff-ffffffffffff":   true,
		"3f2b7c1e+8a4d-4e6f-9b1a-2c3d4e5f6a7b":   false,
		"3f2b7c1e-8a4d-4e6f-9b1a-2c3d4e5f6a7":    false,
		"3f2b7c1e-8a4d-4e6f-9b1a-2c3d4e5f6a7b00": false,
	} {
		if got := canonicalUUID(s); got != want {
			t.Errorf("canonicalUUID(%q) = %v", s, got)
		}
	}
}

func TestValidJTI(t *testing.T) {
	for s, want := range map[string]bool{
		"a": true, strings.Repeat("x", 128): true, "3f2b7c1e-8a4d": true, "jti with space": true, "ünï": true,
		"": false, strings.Repeat("x", 129): false, "a\x00b": false, "a\tb": false, "\xff": false, "a\u202eb": false,
	} {
		if got := validJTI(s); got != want {
			t.Errorf("validJTI(%q) = %v", s, got)
		}
	}
}

// TestCheckClaims: each rule, directly on decoded claims, with its reason
// and its cause in the chain.
func TestCheckClaims(t *testing.T) {
	iat := jwt.NewNumericDate(vtNow)
	good := func() *Claims {
		return &Claims{
			RegisteredClaims: jwt.RegisteredClaims{
				Subject: vtSub, ID: "j1", IssuedAt: iat, ExpiresAt: jwt.NewNumericDate(vtNow.Add(time.Hour)),
			},
			Type: "access",
		}
	}
	cases := []struct {
		name       string
		mutate     func(*Claims)
		requireJTI bool
		reason     Reason
		cause      error
	}{
		{"valid", func(*Claims) {}, true, "", nil},
		{"no jti when not required", func(c *Claims) { c.ID = "" }, false, "", nil},
		{"refresh token", func(c *Claims) { c.Type = "refresh" }, false, ReasonType, errBadType},
		{"upper-case subject", func(c *Claims) { c.Subject = strings.ToUpper(vtSub) }, false, ReasonSubject, errBadSubject},
		{"missing jti when required", func(c *Claims) { c.ID = "" }, true, ReasonJTI, errBadJTI},
		{"bad jti even when not required", func(c *Claims) { c.ID = "a\x00" }, false, ReasonJTI, errBadJTI},
		{"no exp", func(c *Claims) { c.ExpiresAt = nil }, false, ReasonLifetime, errMissingExp},
		{"no iat", func(c *Claims) { c.IssuedAt = nil }, false, ReasonLifetime, errMissingIat},
		{"exp before iat", func(c *Claims) { c.ExpiresAt = jwt.NewNumericDate(vtNow.Add(-time.Second)) }, false, ReasonLifetime, errNegativeLife},
		{"too long", func(c *Claims) { c.ExpiresAt = jwt.NewNumericDate(vtNow.Add(25 * time.Hour)) }, false, ReasonLifetime, errLifetime},
		{"exactly the maximum", func(c *Claims) { c.ExpiresAt = jwt.NewNumericDate(vtNow.Add(24 * time.Hour)) }, false, "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.mutate(c)
			err := checkClaims(c, tc.requireJTI, DefaultMaxLifetime)
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if ReasonOf(err) != tc.reason || !errors.Is(err, ErrInvalidToken) || !errors.Is(err, tc.cause) {
				t.Fatalf("err %v (reason %q), want reason %q and cause %v", err, ReasonOf(err), tc.reason, tc.cause)
			}
		})
	}
}
