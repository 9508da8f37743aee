package reply

import "errors"

// ErrTemplate is returned by ParseTemplate for a body that does not parse,
// references a field Data does not have (the message names it, e.g.
// ".Foo"), calls a function other than and, or, not, eq, ne, len and
// print, or uses a construct templates may not use (range, define, block,
// template, printing the whole data with {{.}}). Render returns it when
// execution fails. Returned errors wrap it and name the template, field or
// construct at fault, so callers branch with [errors.Is], never on the
// text.
var ErrTemplate = errors.New("reply: invalid template")
