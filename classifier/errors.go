package classifier

import (
	"errors"
	"fmt"
)

// Errors returned by this package. Callers branch with errors.Is.
var (
	// ErrNoData is returned by Train when no usable example is given.
	ErrNoData = errors.New("classifier: no training examples")
	// ErrOneLabel is returned by Train when all examples carry one label.
	ErrOneLabel = errors.New("classifier: need at least two labels")
	// ErrFormat is returned by UnmarshalBinary for data that is not an
	// encoded model, or is truncated or corrupt.
	ErrFormat = errors.New("classifier: not a valid model encoding")
	// ErrNewerFormat is returned by UnmarshalBinary for a model encoded by
	// a newer version of antwort than this one.
	ErrNewerFormat = errors.New("classifier: model encoded by a newer format version")
	// ErrOptions is returned by Train for invalid options.
	ErrOptions = errors.New("classifier: invalid options")
)

func errorf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrOptions}, args...)...)
}
