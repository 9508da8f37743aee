package report

import "errors"

// Errors returned by this package. Callers branch with errors.Is.
var (
	// ErrNoData is returned when there are no outcomes to report on.
	ErrNoData = errors.New("report: no outcomes")
	// ErrOptions is returned for invalid options (a target precision
	// outside (0,1], a negative minimum support, …).
	ErrOptions = errors.New("report: invalid options")
	// ErrPolicyFile is returned by UpdatePolicy for a policy file that is
	// not a YAML mapping or that the result would make invalid.
	ErrPolicyFile = errors.New("report: cannot update policy file")
)
