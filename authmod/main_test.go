package authmod

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine (a JWKS refresh loop, a
// revocation client, an HTTP connection) outlives them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
