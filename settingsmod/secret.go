package settingsmod

import (
	"fmt"
	"log/slog"
)

// redacted is what every printed form of a Secret shows.
const redacted = "***"

// Secret is a string setting that must never be printed: String, every fmt
// verb, JSON, text marshalling, slog and zap all show "***". Read the real value
// with Value.
type Secret string

// Value returns the secret itself. Call it only where the secret is used.
func (s Secret) Value() string { return string(s) }

// IsSet reports whether the secret is non-empty.
func (s Secret) IsSet() bool { return s != "" }

// String returns "***".
func (s Secret) String() string { return redacted }

// GoString returns "***" so that %#v does not print the value.
func (s Secret) GoString() string { return redacted }

// Format prints "***" for every verb (%v %+v %#v %s %q %x ...).
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		_, _ = fmt.Fprintf(f, "%q", redacted)
		return
	}
	_, _ = f.Write([]byte(redacted))
}

// MarshalJSON returns the JSON string "***".
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText returns "***".
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// UnmarshalText stores text as the secret (used by the env loader).
func (s *Secret) UnmarshalText(text []byte) error {
	*s = Secret(text)
	return nil
}

// LogValue makes log/slog print "***".
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }
