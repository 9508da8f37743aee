package reply

import "errors"

// ErrPolicy is returned by ParsePolicy and LoadPolicy for a policy file
// that is not valid: unknown keys, thresholds outside [0,1], bad patterns.
var ErrPolicy = errors.New("reply: invalid policy")
