package phase_test

import (
	"strings"
	"testing"

	"github.com/m8fx/kit/phase"
)

func TestPhaseAndStageNames(t *testing.T) {
	var names []string
	for _, p := range phase.All() {
		names = append(names, p.String())
	}
	if got := strings.Join(names, ","); got != "resources,auth,serve,ready" {
		t.Fatalf("phases %s", got)
	}
	if got := phase.Phase(7).String(); got != "phase(7)" {
		t.Fatalf("unknown phase %q", got)
	}
	if phase.Starting.String() != "start" || phase.Stopping.String() != "stop" {
		t.Fatal("stage names")
	}
}
