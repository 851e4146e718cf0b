package authmod

import (
	"context"
	"errors"

	"github.com/golang-jwt/jwt/v5"
)

// Claims are the access-token claims m8fx reads.
type Claims struct {
	jwt.RegisteredClaims
	// Type must be "access".
	Type     string `json:"type"`
	Email    string `json:"email"`
	FullName string `json:"full_name"`
	Role     string `json:"role"`
	// IsActive is nil when the claim is absent; an absent claim is treated as
	// inactive (secure by default).
	IsActive      *bool  `json:"is_active"`
	IsSuperuser   bool   `json:"is_superuser"`
	EmailVerified bool   `json:"email_verified"`
	TenantID      string `json:"tenant_id"`
}

// TokenValidator turns a raw bearer token into verified claims. Errors wrap
// [ErrInvalidToken] (answer 401) or [ErrKeysUnavailable] (answer 503).
type TokenValidator interface {
	Validate(ctx context.Context, token string) (*Claims, error)
}

// RevocationChecker asks whether verified claims were revoked. Errors wrap
// [ErrRevoked] (answer 401) or [ErrRevocationUnavailable] (answer 503 when
// failing closed).
type RevocationChecker interface {
	Check(ctx context.Context, claims *Claims) error
	Close() error
}

var (
	// ErrInvalidToken: the token is malformed, forged, expired or not for us.
	ErrInvalidToken = errors.New("invalid token")
	// ErrKeysUnavailable: no verification key is available (JWKS unreachable
	// since start); the request may succeed later.
	ErrKeysUnavailable = errors.New("token verification keys unavailable")
	// ErrRevoked: the auth service says the token was revoked.
	ErrRevoked = errors.New("token revoked")
	// ErrRevocationUnavailable: the revocation service gave no usable answer.
	ErrRevocationUnavailable = errors.New("revocation check unavailable")
)
