package authmod

import (
	"errors"
	"fmt"
	"testing"
)

// TestReason: codes for our errors, wrapped errors, and foreign errors.
func TestReasonOf(t *testing.T) {
	lib := errors.New("library says: token is expired")
	expired := invalidToken(ReasonExpired, lib)
	cases := []struct {
		err  error
		want Reason
	}{
		{nil, ""},
		{expired, ReasonExpired},
		{fmt.Errorf("guard: %w", expired), ReasonExpired},
		{keysUnavailable(nil), ReasonKeysUnavailable},
		{fmt.Errorf("x: %w", ErrKeysUnavailable), ReasonKeysUnavailable},
		{fmt.Errorf("x: %w", ErrInvalidToken), ReasonInvalid},
		{errors.New("boom"), ReasonError},
		{fmt.Errorf("guard: %w", apiKeyFail(APIKeyReasonCircuitOpen, "open")), APIKeyReasonCircuitOpen},
		{ErrAPIKeyInactive, ReasonError}, // an answer, not a failure: no failure reason
	}
	for _, tc := range cases {
		if got := ReasonOf(tc.err); got != tc.want {
			t.Errorf("ReasonOf(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
	if !errors.Is(expired, ErrInvalidToken) || errors.Is(expired, ErrKeysUnavailable) {
		t.Fatal("sentinel")
	}
	if !errors.Is(expired, lib) {
		t.Fatal("library error not in the chain")
	}
	if expired.Error() != "invalid token: expired" {
		t.Fatalf("message %q", expired.Error())
	}
	ku := keysUnavailable(lib)
	if !errors.Is(ku, ErrKeysUnavailable) || errors.Is(ku, ErrInvalidToken) || ku.Error() != "token verification keys unavailable: keys_unavailable" {
		t.Fatalf("keys unavailable error %q", ku)
	}
}
