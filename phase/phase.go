package phase

import "fmt"

// Phase is a step of an app's start; stop runs the steps in reverse.
type Phase int

const (
	// Resources holds the connections the rest of the app uses (database
	// pools, brokers): they start first and close last.
	Resources Phase = iota
	// Auth holds the token keys and the auth clients.
	Auth
	// Serve holds the HTTP listener.
	Serve
	// Ready holds the startup validators and the ready flag.
	Ready

	numPhases = iota
)

// All lists the phases in start order.
func All() []Phase { return []Phase{Resources, Auth, Serve, Ready} }

// String is the phase's lower-case name ("resources", "auth", "serve",
// "ready").
func (p Phase) String() string {
	switch p {
	case Resources:
		return "resources"
	case Auth:
		return "auth"
	case Serve:
		return "serve"
	case Ready:
		return "ready"
	}
	return fmt.Sprintf("phase(%d)", int(p))
}

func (p Phase) valid() bool { return p >= 0 && p < numPhases }
