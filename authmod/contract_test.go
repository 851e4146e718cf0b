package authmod_test

import (
	"errors"
	"testing"

	"github.com/m8fx/kit/authmod"
)

// The kit's implementations of the contract's interfaces.
var (
	_ authmod.TokenValidator    = (*authmod.Validator)(nil)
	_ authmod.RevocationChecker = (*authmod.RemoteRevocationClient)(nil)
	_ authmod.RevocationChecker = authmod.NoRevocation{}
	_ authmod.UserMapper        = authmod.DefaultUserMapper
)

// TestSentinelsAreDistinct: each sentinel names one answer (401 or 503), so
// none may wrap another.
func TestSentinelsAreDistinct(t *testing.T) {
	sentinels := []error{
		authmod.ErrInvalidToken, authmod.ErrKeysUnavailable, authmod.ErrRevoked, authmod.ErrRevocationUnavailable,
		authmod.ErrNoCredentials, authmod.ErrInactiveUser, authmod.ErrInsufficientRole, authmod.ErrBadSubject,
	}
	for i, a := range sentinels {
		for j, b := range sentinels {
			if i != j && errors.Is(a, b) {
				t.Errorf("%v wraps %v", a, b)
			}
		}
	}
}
