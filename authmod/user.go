package authmod

import (
	"errors"
	"fmt"

	"github.com/google/uuid"
)

// User is the authenticated caller, built from verified token claims by a
// [UserMapper]. Guards store it in the request (see [UserFromContext]);
// handlers never see the raw token.
type User struct {
	ID            uuid.UUID `json:"id"`
	Email         string    `json:"email"`
	FullName      string    `json:"full_name"`
	Role          Role      `json:"role"`
	IsActive      bool      `json:"is_active"`
	IsSuperuser   bool      `json:"is_superuser"`
	EmailVerified bool      `json:"email_verified"`
	TenantID      string    `json:"tenant_id"`
}

// UserMapper turns verified claims into a [User]. An error makes the guard
// answer 401 "Could not validate credentials" (the token is not one this
// service can use).
//
// The kit's guards call the mapper once per verified token and reuse its
// answer for later requests with the same token (each request gets its own
// copy of the User), so a mapper must depend only on the claims; it gets its
// own copy of them.
//
// The mapper is a value in the fx graph; a service that needs more from the
// claims (or a different subject format) replaces it with fx.Decorate:
//
//	fx.Decorate(func(authmod.UserMapper) authmod.UserMapper { return myMapper })
type UserMapper func(claims *Claims) (*User, error)

// ErrBadSubject is wrapped by [DefaultUserMapper] when "sub" is not a UUID.
var ErrBadSubject = errors.New("subject is not a UUID")

// DefaultUserMapper is the fa-auth-m8 mapping: "sub" must be a UUID in its
// canonical 36-character form (and not the nil UUID); "role" is taken exactly
// as claimed (the hierarchy decides whether it is known); an absent
// "is_active" claim means inactive.
func DefaultUserMapper(claims *Claims) (*User, error) {
	if claims == nil {
		return nil, fmt.Errorf("%w: no claims", ErrInvalidToken)
	}
	id, err := parseSubject(claims.Subject)
	if err != nil {
		return nil, err
	}
	return &User{
		ID:            id,
		Email:         claims.Email,
		FullName:      claims.FullName,
		Role:          Role(claims.Role),
		IsActive:      claims.IsActive != nil && *claims.IsActive,
		IsSuperuser:   claims.IsSuperuser,
		EmailVerified: claims.EmailVerified,
		TenantID:      claims.TenantID,
	}, nil
}

// parseSubject accepts only the canonical xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx
// form: uuid.Parse also takes URN, braced and hyphen-less spellings, which
// would let one user appear under several ids.
func parseSubject(sub string) (uuid.UUID, error) {
	if len(sub) != 36 {
		return uuid.Nil, fmt.Errorf("%w: %w", ErrInvalidToken, ErrBadSubject)
	}
	id, err := uuid.Parse(sub)
	if err != nil || id == uuid.Nil {
		return uuid.Nil, fmt.Errorf("%w: %w", ErrInvalidToken, ErrBadSubject)
	}
	return id, nil
}
