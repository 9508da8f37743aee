package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/journal"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/models"
)

// Exit codes, the one place they are defined. docs/cli.md and the root
// command's help list them.
const (
	ExitOK          = 0   // success
	ExitError       = 1   // any other error
	ExitUsage       = 2   // bad command line: unknown command or flag, missing argument
	ExitPartial     = 3   // finished, but some inputs were skipped (reported on stderr)
	ExitModel       = 4   // model or store missing, or from a newer or unknown format
	ExitLocked      = 5   // the model store, the journal or the knowledge base is locked by another process
	ExitAuth        = 6   // the mail server refused the login (IMAP password or token)
	ExitInterrupted = 130 // interrupted (SIGINT/SIGTERM)
)

const exitHelp = `Exit status:
  0    success
  1    error
  2    usage error (unknown command or flag, missing argument)
  3    finished, but some inputs were skipped (each reported on stderr)
  4    model or store missing, or written by a newer or unknown format
  5    model store, journal or knowledge base locked by another process
  6    the mail server refused the login (IMAP password or token)
  130  interrupted`

// FlagError is a usage error; the command's usage is printed with it.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

func flagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// errPartial marks a command that finished but skipped some input.
var errPartial = errors.New("some inputs were skipped")

// partialError reports how many inputs were skipped.
type partialError struct{ skipped int }

func (e *partialError) Error() string {
	return fmt.Sprintf("%d input(s) skipped; see the messages above", e.skipped)
}
func (e *partialError) Unwrap() error { return errPartial }

// exitCode maps an error returned by a command to the process exit code.
func exitCode(err error) int {
	var fe *FlagError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.As(err, &fe), strings.HasPrefix(err.Error(), "unknown command"),
		strings.HasPrefix(err.Error(), "unknown flag"), strings.HasPrefix(err.Error(), "unknown shorthand flag"):
		return ExitUsage
	case errors.Is(err, errPartial):
		return ExitPartial
	case errors.Is(err, models.ErrLocked), errors.Is(err, journal.ErrLocked), errors.Is(err, kb.ErrLocked):
		return ExitLocked
	case isAuthError(err):
		return ExitAuth
	case errors.Is(err, antwort.ErrNoModel), errors.Is(err, models.ErrNotFound), errors.Is(err, models.ErrSchema),
		errors.Is(err, models.ErrInvalidFile), errors.Is(err, classifier.ErrFormat), errors.Is(err, classifier.ErrNewerFormat):
		return ExitModel
	default:
		return ExitError
	}
}
