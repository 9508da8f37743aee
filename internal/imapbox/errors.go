package imapbox

import "errors"

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
