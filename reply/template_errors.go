package reply

import "errors"

// Errors returned by [NewExtractor], [ParseTemplate] and [Template.Render].
// Returned errors wrap these sentinels and name the pattern, template,
// field or construct at fault, so callers branch with [errors.Is], never on
// the text.
var (
	// ErrPattern is returned by NewExtractor for an extra pattern that does
	// not compile or has no capture group. The message names the kind
	// (order, customer, contract, ticket) and the pattern.
	ErrPattern = errors.New("reply: invalid pattern")

	// ErrTemplate is returned by ParseTemplate for a body that does not
	// parse, references a field Data does not have (the message names it,
	// e.g. ".Foo"), calls a function other than and, or, not, eq, ne, len
	// and print, or uses a construct templates may not use (range, define,
	// block, template, printing the whole data with {{.}}). Render returns
	// it when execution fails.
	ErrTemplate = errors.New("reply: invalid template")
)
