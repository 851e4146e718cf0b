package healthmod

import "strings"

// Status is the outcome of one health check or of a whole report.
type Status string

// The four statuses, from best to worst as far as [Aggregate] is concerned
// (unknown sits between degraded and fail).
const (
	// StatusOK: the dependency works.
	StatusOK Status = "ok"
	// StatusDegraded: the dependency works with reduced quality; it never
	// makes the service unhealthy on its own.
	StatusDegraded Status = "degraded"
	// StatusFail: the dependency does not work; the health endpoints answer 503.
	StatusFail Status = "fail"
	// StatusUnknown: the check could not tell. Under [PolicyStrict] it counts
	// as a failure.
	StatusUnknown Status = "unknown"
)

// Valid reports whether s is one of the four defined statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusOK, StatusDegraded, StatusFail, StatusUnknown:
		return true
	}
	return false
}

// normalize maps anything that is not a defined status (including "") to
// [StatusUnknown], so that a buggy check can never report an invented status.
func (s Status) normalize() Status {
	if s.Valid() {
		return s
	}
	return StatusUnknown
}

// Policy decides how [StatusUnknown] results count in [Aggregate].
type Policy string

const (
	// PolicyLenient (the default): only a failing check fails the report.
	PolicyLenient Policy = "LENIENT"
	// PolicyStrict: a failing or an unknown check fails the report.
	PolicyStrict Policy = "STRICT"
)

// strict reports whether p is [PolicyStrict], compared case-insensitively.
// Every other value, including "", behaves as [PolicyLenient].
func (p Policy) strict() bool {
	return strings.EqualFold(strings.TrimSpace(string(p)), string(PolicyStrict))
}
