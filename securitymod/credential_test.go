package securitymod

import "testing"

// The comparison itself is tested in internal/credential; this checks that
// the exported name keeps its contract.
func TestCredentialEqual(t *testing.T) {
	if !CredentialEqual("s3cret-value", "s3cret-value") {
		t.Fatal("equal credentials refused")
	}
	if CredentialEqual("s3cret-valuE", "s3cret-value") || CredentialEqual("", "") {
		t.Fatal("a wrong credential, or an unset one, matched")
	}
}
