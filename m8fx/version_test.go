package m8fx_test

import (
	"regexp"
	"testing"

	"github.com/m8fx/kit/m8fx"
)

func TestVersionIsSemantic(t *testing.T) {
	if !regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$`).MatchString(m8fx.Version) {
		t.Fatalf("Version %q is not a semantic version", m8fx.Version)
	}
}

func TestCapabilities(t *testing.T) {
	caps := m8fx.Capabilities()
	for _, name := range []string{"lifecycle_phases", "typed_routes", "startup_validators", "jwks", "graceful_drain"} {
		if !caps[name] {
			t.Errorf("capability %q not reported", name)
		}
	}
	if caps["async"] {
		t.Error("async reported although the kit has no async mode")
	}
	// Each call returns a fresh map: a caller's change does not leak.
	caps["jwks"] = false
	if !m8fx.Capabilities()["jwks"] {
		t.Error("Capabilities shares its map between calls")
	}
}
