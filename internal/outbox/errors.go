package outbox

import (
	"errors"
	"fmt"
	"net/textproto"
	"strings"
)

// Errors returned by this package. Test for them with errors.Is.
var (
	// ErrNoRecipient is returned when a Reply has no usable To address, or
	// when a message handed to Sender.Send has no To or Cc recipient.
	ErrNoRecipient = errors.New("outbox: no recipient")

	// ErrRecipients is returned by Sender.Send for a message with more
	// than one recipient in To and Cc: a reply goes to exactly one
	// address.
	ErrRecipients = errors.New("outbox: more than one recipient")

	// ErrNoSender is returned when a Reply has no usable From address, or
	// when a message handed to Sender.Send has no From header.
	ErrNoSender = errors.New("outbox: no sender")

	// ErrInvalidHeader is returned when Reply.Headers names a header that
	// WriteEML writes itself (or an address header), has a malformed field
	// name, or when Reply.MessageID is not a usable msg-id.
	ErrInvalidHeader = errors.New("outbox: invalid header")

	// ErrInvalidURL is returned by NewSender when SMTPOptions.URL cannot be
	// used. Its message never contains the URL's password.
	ErrInvalidURL = errors.New("outbox: invalid SMTP URL")

	// ErrInvalidKey is returned when a key is empty or could not have been
	// produced by Put (it contains a path separator, ':' or a leading dot).
	ErrInvalidKey = errors.New("outbox: invalid key")

	// ErrNotFound is returned when no message with the given key exists in
	// the outbox.
	ErrNotFound = errors.New("outbox: message not found")

	// ErrCleartextAuth is returned by Sender.Send when the URL has a user
	// but the connection is not encrypted and the server is not localhost:
	// the password is not sent.
	ErrCleartextAuth = errors.New("outbox: refusing to send credentials without TLS")

	// ErrUncertain marks a delivery that may or may not have reached the
	// server: the connection broke, or the process died, after the message
	// data was sent and before the server answered. Flush does not send
	// such a message again until it is released (Outbox.Release).
	ErrUncertain = errors.New("outbox: delivery uncertain")

	// ErrAlreadySent is returned by MarkFailed for a message that has
	// already been marked sent.
	ErrAlreadySent = errors.New("outbox: message already sent")
)

// IsPermanent reports whether err carries a permanent SMTP rejection: a 5xx
// reply from the server (for example "550 no such user"). Connection
// problems, timeouts and 4xx replies are temporary and worth a retry.
func IsPermanent(err error) bool {
	var te *textproto.Error
	return errors.As(err, &te) && te.Code >= 500 && te.Code <= 599
}

// KeyError is one message's failure inside a BatchError.
type KeyError struct {
	Key string // outbox key of the message
	Err error  // why sending it failed
}

// BatchError is returned by Outbox.Flush when some messages could not be
// sent. Those messages were marked failed and are still unsent; the others
// were sent. Unwrap exposes the individual errors to errors.Is and
// errors.As.
type BatchError struct {
	Failed []KeyError
}

// Error implements error.
func (e *BatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "outbox: %d message(s) not sent", len(e.Failed))
	for i, f := range e.Failed {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(e.Failed)-i)
			break
		}
		fmt.Fprintf(&b, "; %s: %v", f.Key, f.Err)
	}
	return b.String()
}

// Unwrap returns the individual send errors.
func (e *BatchError) Unwrap() []error {
	errs := make([]error, len(e.Failed))
	for i, f := range e.Failed {
		errs[i] = f.Err
	}
	return errs
}
