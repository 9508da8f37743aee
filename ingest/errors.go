package ingest

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/antwort-dev/antwort/internal/fstree"
)

// Sentinel errors. Problems and errors returned by this package wrap one of
// them, so callers branch with errors.Is, never on message text.
var (
	// ErrUnknownFormat is returned when the input format is not one this
	// package reads, or cannot be told from the file name.
	ErrUnknownFormat = errors.New("ingest: unknown format")

	// ErrTooLarge is wrapped by a Problem for a line, record or file
	// longer than Options.MaxBytes.
	ErrTooLarge = errors.New("ingest: input too large")

	// ErrNoText is wrapped by a Problem for an item whose text is missing,
	// empty or only white space.
	ErrNoText = errors.New("ingest: no text")

	// ErrInvalidUTF8 is wrapped by a Problem for an item that is not valid
	// UTF-8 where UTF-8 is required.
	ErrInvalidUTF8 = errors.New("ingest: invalid UTF-8")

	// ErrMissingField is wrapped by a Problem for an item without a
	// required field, and by the error ReadLabeled and Reader.Next return
	// when a CSV or TSV header lacks a required column.
	ErrMissingField = errors.New("ingest: missing field")

	// ErrMalformed is wrapped by a Problem for an item that cannot be
	// parsed: a line that is not a JSON object, a field of the wrong type,
	// a record with the wrong number of fields, a mail enmime rejects.
	ErrMalformed = errors.New("ingest: malformed input")

	// ErrNoLabel is wrapped by a Problem for a file in directory mode
	// that lies directly in the root, so that no folder names its label.
	ErrNoLabel = errors.New("ingest: no label folder")

	// ErrBinary is wrapped by a Problem for a .txt or .eml file that holds
	// binary data (NUL bytes or mostly control characters) instead of text.
	ErrBinary = errors.New("ingest: binary data")

	// ErrAuto is wrapped by a Problem for a mail in labelled data that was
	// sent by a machine (an auto-reply, a bounce, list mail; see
	// Message.Auto): it is not used for training.
	ErrAuto = errors.New("ingest: machine-written mail")

	// ErrTooComplex is wrapped by a Problem for a mail whose MIME
	// structure is over the limits: more than 1000 parts, or multiparts
	// nested more than 32 levels deep.
	ErrTooComplex = errors.New("ingest: mail structure too complex")

	// ErrNotMail is wrapped by a Problem for an .eml input that does not
	// start with an RFC 5322 header field.
	ErrNotMail = errors.New("ingest: not a mail message")

	// ErrLinkOutside is wrapped by a Problem for a symbolic link in a
	// folder that leads out of the folder: it is not followed.
	ErrLinkOutside = fstree.ErrOutside
)

// Problem is one input item that was skipped, with where and why.
//
// ReadLabeled returns problems as a slice; Reader.Next and Source.Next
// return a *Problem as their error and continue with the following item
// on the next call. Problem implements error; its Unwrap returns Err,
// which wraps one of the package's sentinel errors (or an I/O error).
type Problem struct {
	Source string // file or stream name as given by the caller
	Line   int    // 1-based line of the item; 0 when the item is a whole file
	Err    error  // why the item was skipped
	// Index is the 1-based number of the message in an mbox file, 0
	// otherwise. Line is then the line of its "From " separator.
	Index int
}

// Where returns the place of the item in the form Message.Source uses:
// "export.mbox#17", "inbox.jsonl:3" or a file path.
func (p Problem) Where() string {
	switch {
	case p.Index > 0:
		return p.Source + "#" + strconv.Itoa(p.Index)
	case p.Line > 0:
		return p.Source + ":" + strconv.Itoa(p.Line)
	}
	return p.Source
}

// Error returns "source:line: reason", "source: reason" when Line is 0,
// and "source#index (line N): reason" for a message in an mbox.
func (p Problem) Error() string {
	msg := "unknown problem"
	if p.Err != nil {
		msg = p.Err.Error()
	}
	switch {
	case p.Index > 0 && p.Line > 0:
		return fmt.Sprintf("%s#%d (line %d): %s", p.Source, p.Index, p.Line, msg)
	case p.Index > 0:
		return fmt.Sprintf("%s#%d: %s", p.Source, p.Index, msg)
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

// detailError is an error with its own message that still matches a
// sentinel with errors.Is. It keeps Problem messages free of a repeated
// "ingest: " prefix ("file.jsonl:3: label field \"label\" missing").
type detailError struct {
	msg  string
	kind error
}

func (e *detailError) Error() string { return e.msg }
func (e *detailError) Unwrap() error { return e.kind }

// errorf returns an error with the formatted message that wraps kind.
func errorf(kind error, format string, args ...any) error {
	return &detailError{msg: fmt.Sprintf(format, args...), kind: kind}
}
