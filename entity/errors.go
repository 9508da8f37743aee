package entity

import "errors"

// ErrPattern is returned by NewExtractor for an extra pattern that does
// not compile or has no capture group. The returned error wraps it and
// names the kind (order, customer, contract, ticket) and the pattern, so
// callers branch with [errors.Is], never on the text.
var ErrPattern = errors.New("entity: invalid pattern")
