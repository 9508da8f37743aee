package imapbox

import (
	"errors"
	"fmt"
)

// Sentinel errors. Errors returned by this package wrap one of them where
// a caller needs to tell the cases apart; branch with errors.Is.
var (
	// ErrURL is returned for an IMAP URL that cannot be used.
	ErrURL = errors.New("imap: bad URL")

	// ErrInsecure is returned when a setting would send the password in
	// the clear or trust an unverified server outside this machine.
	ErrInsecure = errors.New("imap: insecure")

	// ErrAuth is returned when the server refuses the user name and
	// password or token.
	ErrAuth = errors.New("imap: login refused")

	// ErrTLS is returned when the server's certificate does not verify or
	// the TLS handshake fails.
	ErrTLS = errors.New("imap: TLS")

	// ErrConnect is returned when the server cannot be reached or the
	// connection broke and did not come back within Options.Retry.
	ErrConnect = errors.New("imap: no connection")

	// ErrNoFolder is returned for a folder that does not exist; the
	// message names the folders that do.
	ErrNoFolder = errors.New("imap: no such folder")

	// ErrUnfetchable is wrapped by the problem reported for a mail the
	// server cannot hand out.
	ErrUnfetchable = errors.New("imap: mail cannot be fetched")

	// ErrClosed is returned after Close.
	ErrClosed = errors.New("imap: closed")
)

// connError is a connection that failed or broke. It matches ErrConnect
// and unwraps to its cause.
type connError struct {
	acct  *Account
	what  string // what was going on: "connecting", "UID FETCH"
	cause error
}

func connErr(a *Account, what string, cause error) error {
	return &connError{acct: a, what: what, cause: cause}
}

func (e *connError) Error() string {
	return fmt.Sprintf("%s: no connection (%s: %v)", e.acct, e.what, e.cause)
}
func (e *connError) Is(target error) bool { return target == ErrConnect }
func (e *connError) Unwrap() error        { return e.cause }

// reason is the short reason of err for a notice: for a connection error,
// what was going on and why it failed.
func reason(err error) string {
	var ce *connError
	if errors.As(err, &ce) {
		return ce.what + ": " + ce.cause.Error()
	}
	return err.Error()
}
