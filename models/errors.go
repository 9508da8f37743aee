package models

import "errors"

// Errors returned by [Open] and the [Store] methods. Returned errors wrap
// these sentinels and carry the operation, model name, version or file path
// in their message, so callers branch with [errors.Is], never on the text.
var (
	// ErrNotFound is returned when a model name or version does not exist,
	// when version 0 (the active one) is asked for but no version of the name
	// is active, and by a read-only [Open] of a file that does not exist.
	ErrNotFound = errors.New("models: not found")

	// ErrActive is returned by [Store.Delete] for the active version of a
	// name. Activate another version (or roll back) first.
	ErrActive = errors.New("models: version is active")

	// ErrNoHistory is returned by [Store.Rollback] when the name has no
	// previously active version left that still exists.
	ErrNoHistory = errors.New("models: no previous active version")

	// ErrReadOnly is returned by the writing methods of a store opened with
	// [Options.ReadOnly].
	ErrReadOnly = errors.New("models: store is read-only")

	// ErrSchema is returned by [Open] when the file was written with a newer
	// schema than this code knows. The message names the file and both
	// schema versions.
	ErrSchema = errors.New("models: unsupported schema version")

	// ErrLocked is returned by [Open] when the file lock could not be taken
	// within [Options.Timeout] because another process, or another open
	// [Store] in this process, holds the file in a conflicting mode.
	ErrLocked = errors.New("models: file is locked")

	// ErrInvalidName is returned for a model name that is empty, longer than
	// [MaxNameLen] bytes or contains '/'.
	ErrInvalidName = errors.New("models: invalid model name")

	// ErrInvalidFile is returned by [Open] when the file is not a bbolt
	// database, or is a bbolt database that was not written by this package.
	ErrInvalidFile = errors.New("models: not a model store file")

	// ErrClosed is returned by the methods of a [Store] after [Store.Close].
	ErrClosed = errors.New("models: store is closed")
)

// storeError is the concrete error returned for the sentinels above. Its
// message is complete on its own ("models: open /x.db: locked by another
// process (waited 1s)") instead of ending in the sentinel's text, and it
// matches the sentinel and an optional cause under [errors.Is].
type storeError struct {
	msg   string
	kind  error
	cause error
}

func (e *storeError) Error() string { return e.msg }

func (e *storeError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}
