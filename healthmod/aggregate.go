package healthmod

// Report is the outcome of one run of all checks: the aggregate status and
// the individual results sorted by name.
type Report struct {
	Status Status
	Checks []Result
}

// Aggregate folds results into one status:
//
//   - any fail                  -> fail
//   - STRICT and any unknown    -> fail
//   - any unknown               -> unknown
//   - any degraded              -> degraded
//   - otherwise (also no checks) -> ok
//
// A status that is not one of the four defined ones counts as unknown. A
// policy other than [PolicyStrict] (case-insensitive) counts as
// [PolicyLenient].
func Aggregate(policy Policy, results []Result) Status {
	var unknown, degraded bool
	for _, r := range results {
		switch r.Status.normalize() {
		case StatusFail:
			return StatusFail
		case StatusUnknown:
			unknown = true
		case StatusDegraded:
			degraded = true
		}
	}
	switch {
	case unknown && policy.strict():
		return StatusFail
	case unknown:
		return StatusUnknown
	case degraded:
		return StatusDegraded
	}
	return StatusOK
}
