package authmod_test

import (
	"testing"

	"github.com/m8fx/kit/authmod"
)

// TestOutcomeWireValues: the outcome labels of the metrics are a contract
// with dashboards.
func TestOutcomeWireValues(t *testing.T) {
	for got, want := range map[authmod.Outcome]string{
		authmod.OutcomeActive:   "active",
		authmod.OutcomeRevoked:  "revoked",
		authmod.OutcomeFailed:   "failed",
		authmod.OutcomeFailOpen: "fail_open",
	} {
		if string(got) != want {
			t.Errorf("outcome %q, want %q", got, want)
		}
	}
}

// TestFailModeWireValues: the values of ACCESS_REVOCATION_FAILURE_MODE.
func TestFailModeWireValues(t *testing.T) {
	if authmod.FailClosed != "fail_closed" || authmod.FailOpen != "fail_open" {
		t.Fatalf("fail modes %q, %q", authmod.FailClosed, authmod.FailOpen)
	}
}

// recordingObserver records the events of an Observer.
type recordingObserver struct {
	reasons  []authmod.Reason
	outcomes []authmod.Outcome
}

func (o *recordingObserver) AuthFailed(r authmod.Reason) { o.reasons = append(o.reasons, r) }
func (o *recordingObserver) RevocationChecked(out authmod.Outcome) {
	o.outcomes = append(o.outcomes, out)
}
func (o *recordingObserver) RevocationCacheLookup(bool) {}
func (o *recordingObserver) JWKSRefreshed(bool)         {}

// TestObserverSeesGuardReasons: a custom Observer gets the typed reason of
// every refusal.
func TestObserverSeesGuardReasons(t *testing.T) {
	obs := &recordingObserver{}
	a := mustAuthenticator(t, authmod.AuthenticatorParams{
		Validator: stubValidator{}, Revocation: authmod.NoRevocation{}, Observer: obs,
	})
	for _, header := range []string{"", "Basic x", "Bearer a b"} {
		_, _ = a.Authenticate(t.Context(), header)
	}
	g := newGuardApp(t, authmod.AuthenticatorParams{Validator: stubValidator{}, Observer: obs})
	g.do("/user")
	g.do("/user", "Bearer x", "Bearer y")
	want := []authmod.Reason{"no_authorization_header", "several_authorization_headers"}
	if len(obs.reasons) != len(want) {
		t.Fatalf("reasons %q, want %q", obs.reasons, want)
	}
	for i := range want {
		if obs.reasons[i] != want[i] {
			t.Fatalf("reasons %q, want %q", obs.reasons, want)
		}
	}
}
