package settingsmod

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// Extension is a settings type that contains the kit's [Settings]: *Settings
// itself, or a pointer to a service's struct that embeds Settings (the Base
// method is promoted to it).
type Extension interface {
	Base() *Settings
}

// ExtraValidator is implemented by a service's settings type to check its own
// fields. [LoadInto] adds the Problems it returns to the kit's. Problems must
// not contain secret values.
type ExtraValidator interface {
	ValidateSettings() []Problem
}

// Load loads and validates the kit settings from src. A validation failure is
// a *[ValidationError] listing every problem.
func Load(src Source) (*Settings, error) {
	var s Settings
	if err := LoadInto(src, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// NewFromEnv is [EnvSource] followed by [Load], for code outside fx.
func NewFromEnv() (*Settings, error) {
	src, err := EnvSource()
	if err != nil {
		return nil, err
	}
	return Load(src)
}

// LoadInto fills every env-tagged field of dst (the kit's and the service's
// own) from src, validates the kit part, and, when dst implements
// [ExtraValidator], the service part. All problems, including values that do
// not parse and NAME_FILE files that cannot be read, come back as one
// *[ValidationError]. dst must be a non-nil pointer to a struct that embeds
// Settings by value.
func LoadInto(src Source, dst Extension) error {
	if err := checkTarget(dst); err != nil {
		return err
	}
	environment := src.merged()
	keys, err := envKeys(dst, environment)
	if err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	ps, unknown := applyFileSources(environment, keys)
	parseProblems, err := parseInto(dst, environment)
	if err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	for _, p := range parseProblems {
		unknown[p.Env] = true
	}
	ps = append(ps, parseProblems...)

	base := dst.Base()
	base.normaliseLists()
	checks := validateKit(base)
	if v, ok := dst.(ExtraValidator); ok {
		checks = append(checks, v.ValidateSettings()...)
	}
	// A value that did not parse or load already has its problem; rules on
	// its zero value would only add noise.
	for _, p := range checks {
		if !unknown[p.Env] {
			ps = append(ps, p)
		}
	}
	if len(ps) > 0 {
		return newValidationError(ps)
	}
	return nil
}

// checkTarget refuses what LoadInto cannot fill, instead of panicking.
func checkTarget(dst Extension) error {
	if dst == nil {
		return errors.New("settings: LoadInto needs a non-nil pointer to a struct, got nil")
	}
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("settings: LoadInto needs a non-nil pointer to a struct, got %T", dst)
	}
	if dst.Base() == nil {
		return fmt.Errorf("settings: %T.Base() returned nil: embed settingsmod.Settings by value", dst)
	}
	return nil
}

// normaliseLists trims the items of the list settings and drops empty ones.
func (s *Settings) normaliseLists() {
	s.BackendCORSOrigins = cleanList(s.BackendCORSOrigins)
	s.AllowedHosts = cleanList(s.AllowedHosts)
	s.MetricsGroups = cleanList(s.MetricsGroups)
	s.OtelHTTPServerRequestHeaders = cleanList(s.OtelHTTPServerRequestHeaders)
}

// cleanList returns the trimmed, non-empty items of items (nil when none).
func cleanList(items []string) []string {
	var out []string
	for _, it := range items {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}
