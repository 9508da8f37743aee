package kb

import (
	"errors"
	"fmt"

	"github.com/antwort-dev/antwort/internal/fstree"
)

// Sentinel errors. Errors and problems returned by this package wrap one
// of them, so callers branch with errors.Is, never on message text.
var (
	// ErrNotFound is returned by Open when dir holds no knowledge base,
	// and by Get for an unknown article id.
	ErrNotFound = errors.New("kb: not found")

	// ErrExists is returned by Create when dir already holds a knowledge
	// base.
	ErrExists = errors.New("kb: already exists")

	// ErrLocked is returned by Open, Create and Import when the index lock
	// could not be taken within Options.Timeout: another KB value, in this
	// process or another one, holds the index in a conflicting mode (a
	// writer excludes everybody; readers exclude writers).
	ErrLocked = errors.New("kb: index is locked")

	// ErrReadOnly is returned by Put and Delete on a KB opened with
	// Options.ReadOnly, and by Create when asked for a read-only KB.
	ErrReadOnly = errors.New("kb: knowledge base is read-only")

	// ErrClosed is returned by the methods of a KB after Close.
	ErrClosed = errors.New("kb: knowledge base is closed")

	// ErrUnknownFormat is returned by ReadArticles when the input format is
	// not one it reads, or cannot be told from the path.
	ErrUnknownFormat = errors.New("kb: unknown format")

	// ErrMalformed is wrapped by a Problem for input that cannot be parsed:
	// Markdown without valid YAML front matter, a line that is not a JSON
	// object, a field of the wrong type, an unknown field, a broken CSV
	// record, invalid UTF-8.
	ErrMalformed = errors.New("kb: malformed input")

	// ErrMissingField is wrapped by a Problem (or a Put/Import error) for
	// an article without an id, a lang or a body, and by the error
	// ReadArticles returns for a CSV header without a required column.
	ErrMissingField = errors.New("kb: missing field")

	// ErrUnknownLang is wrapped for an article whose lang is not "de" or
	// "en", and returned by Search for a Query.Lang it does not know.
	ErrUnknownLang = errors.New("kb: unknown language")

	// ErrTooLarge is wrapped for a body larger than MaxBodyBytes, a Short
	// longer than MaxShortRunes, or an input line or file over its limit.
	ErrTooLarge = errors.New("kb: too large")

	// ErrDuplicate is wrapped by the Problem that reports an article
	// replaced by a later one with the same id (the later one wins).
	ErrDuplicate = errors.New("kb: duplicate id")

	// ErrInvalid is wrapped for an article id with control characters or
	// over MaxIDBytes, and for an article rejected by ReadOptions.Validate
	// (the problem then wraps the hook's error too).
	ErrInvalid = errors.New("kb: invalid article")

	// ErrLinkOutside is wrapped by the Problem for a symbolic link in a
	// folder of articles that leads out of the folder: it is not followed.
	ErrLinkOutside = fstree.ErrOutside
)

// Problem is one input article that was skipped, with where and why.
//
// ReadArticles returns problems as a slice. Problem implements error; its
// Unwrap returns Err, which wraps one of the package's sentinel errors.
type Problem struct {
	Source string // file name as given to ReadArticles, joined with the path inside a folder
	Line   int    // 1-based line of the article or of the offending field; 0 for a whole file
	Err    error  // why the article was skipped
}

// Error returns "source:line: reason", or "source: reason" when Line is 0.
func (p Problem) Error() string {
	msg := "unknown problem"
	if p.Err != nil {
		msg = p.Err.Error()
	}
	switch {
	case p.Line > 0:
		return fmt.Sprintf("%s:%d: %s", p.Source, p.Line, msg)
	case p.Source != "":
		return p.Source + ": " + msg
	default:
		return msg
	}
}

// Unwrap returns p.Err.
func (p Problem) Unwrap() error { return p.Err }

// kbError is an error with its own complete message that matches a
// sentinel (and an optional cause) under errors.Is. It keeps messages free
// of a repeated "kb: " prefix inside problems ("a.md:3: lang "fr" is not
// de or en").
type kbError struct {
	msg   string
	kind  error
	cause error
}

func (e *kbError) Error() string { return e.msg }

func (e *kbError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// errorf returns an error with the formatted message that wraps kind.
func errorf(kind error, format string, args ...any) error {
	return &kbError{msg: fmt.Sprintf(format, args...), kind: kind}
}

// wrapf is errorf with a cause that errors.Is and errors.As also find.
func wrapf(kind, cause error, format string, args ...any) error {
	return &kbError{msg: fmt.Sprintf(format, args...), kind: kind, cause: cause}
}
