package antwort

import "errors"

// Errors returned by this package.
var (
	// ErrNoModel is returned when a required model is missing: New without
	// an intent model, or Load on a store with no active intent model.
	ErrNoModel = errors.New("antwort: no intent model")

	// ErrClosed is returned by Live.Reload after Live.Close.
	ErrClosed = errors.New("antwort: closed")
)
