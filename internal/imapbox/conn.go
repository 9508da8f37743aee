package imapbox

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
)

// Options configure how a Mailbox connects and logs in. The zero value
// means the defaults; a login needs Password or Token.
type Options struct {
	// Password is sent with AUTHENTICATE PLAIN, or LOGIN when the server
	// does not offer PLAIN. Used when Token is nil.
	Password string

	// Token returns an OAuth 2.0 access token for AUTHENTICATE XOAUTH2
	// (Microsoft 365, Gmail). It is called for every connection and
	// reconnection, so a token file that another program refreshes is
	// read anew.
	Token func() (string, error)

	// InsecureSkipVerify accepts any server certificate. The caller
	// decides when that is allowed (see the command line's
	// --insecure-skip-verify).
	InsecureSkipVerify bool

	// RootCAs are the certificate authorities trusted for the server;
	// nil means the system's.
	RootCAs *x509.CertPool

	// DialTimeout bounds connecting and logging in (default 30 s).
	DialTimeout time.Duration

	// Retry is how long to keep reconnecting, with backoff, after a
	// connection broke (default 5 minutes; negative: for ever). It does
	// not apply to the first connection, which fails at once, nor to a
	// refused login.
	Retry time.Duration

	// Notify receives what a person running antwort should know, one
	// line each: reconnections, a changed UIDVALIDITY, mails that
	// vanished while they were read, polling instead of IDLE. nil
	// discards them.
	Notify func(msg string)

	// Logger receives debug logs; nil discards them.
	Logger *slog.Logger
}

const (
	defaultDialTimeout = 30 * time.Second
	defaultRetry       = 5 * time.Minute
	firstBackoff       = 200 * time.Millisecond
	maxBackoff         = 5 * time.Second
)

func (o *Options) notify(format string, args ...any) {
	if o.Notify != nil {
		o.Notify(fmt.Sprintf(format, args...))
	}
}

func (o *Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

// dial connects to the account's server, secures the connection as the
// account says and logs in. h receives the server's unilateral data.
func dial(ctx context.Context, a *Account, o *Options, h *imapclient.UnilateralDataHandler) (*imapclient.Client, error) {
	timeout := o.DialTimeout
	if timeout <= 0 {
		timeout = defaultDialTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	d := net.Dialer{KeepAlive: 15 * time.Second}
	raw, err := d.DialContext(ctx, "tcp", a.Addr())
	if err != nil {
		return nil, connErr(a, "connecting", err)
	}
	// Bound the greeting, STARTTLS and the login by the dial timeout.
	if dl, ok := ctx.Deadline(); ok {
		raw.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	copts := &imapclient.Options{UnilateralDataHandler: h, TLSConfig: o.tlsConfig(a)}
	var c *imapclient.Client
	switch a.Security {
	case ImplicitTLS:
		tc := tls.Client(raw, copts.TLSConfig)
		if err := tc.HandshakeContext(ctx); err != nil {
			raw.Close()
			return nil, tlsError(a, o, err)
		}
		c = imapclient.New(tc, copts)
	case StartTLS:
		if c, err = imapclient.NewStartTLS(raw, copts); err != nil {
			raw.Close()
			var ie *imap.Error
			if errors.As(err, &ie) {
				return nil, fmt.Errorf("%w: %s refused STARTTLS (%v), so the password would go in the clear; use imaps:// (port 993), or ?tls=none for a test server on this machine", ErrInsecure, a, err)
			}
			return nil, tlsError(a, o, err)
		}
	default:
		c = imapclient.New(raw, copts)
	}
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, connErr(a, "waiting for the greeting", err)
	}
	if err := login(c, a, o); err != nil {
		c.Close()
		return nil, err
	}
	raw.SetDeadline(time.Time{})
	return c, nil
}

func (o *Options) tlsConfig(a *Account) *tls.Config {
	return &tls.Config{ServerName: a.Host, RootCAs: o.RootCAs, InsecureSkipVerify: o.InsecureSkipVerify, MinVersion: tls.VersionTLS12}
}

// tlsError explains a failed TLS handshake.
func tlsError(a *Account, o *Options, err error) error {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
	)
	if errors.As(err, &unknown) || errors.As(err, &hostname) || errors.As(err, &invalid) || errors.As(err, &verify) {
		hint := "give the certificate of its authority with --imap-ca-file"
		if IsLoopback(a.Host) {
			hint += ", or for a test server on this machine --insecure-skip-verify"
		}
		return fmt.Errorf("%w: %s: the server's certificate does not verify (%v); %s", ErrTLS, a, err, hint)
	}
	if isConnLost(err) {
		return connErr(a, "TLS handshake", err)
	}
	return fmt.Errorf("%w: %s: TLS handshake failed: %v", ErrTLS, a, err)
}

// login authenticates: XOAUTH2 with a token, else AUTHENTICATE PLAIN or
// LOGIN with the password.
func login(c *imapclient.Client, a *Account, o *Options) error {
	caps := c.Caps()
	var err error
	mech := "LOGIN"
	switch {
	case o.Token != nil:
		mech = "XOAUTH2"
		tok, terr := o.Token()
		if terr != nil {
			return fmt.Errorf("%w: %s: reading the access token: %v", ErrAuth, a, terr)
		}
		x := &xoauth2{user: a.User, token: strings.TrimSpace(tok)}
		err = c.Authenticate(x)
		if err != nil && x.detail != "" {
			err = fmt.Errorf("%w (server said: %s)", err, x.detail)
		}
	case o.Password == "":
		return fmt.Errorf("%w: %s: no password: set ANTWORT_IMAP_PASSWORD or --imap-password-file (or --imap-token-file for XOAUTH2)", ErrAuth, a)
	case caps.Has(imap.AuthCap(sasl.Plain)):
		mech = "PLAIN"
		err = c.Authenticate(sasl.NewPlainClient("", a.User, o.Password))
	case caps.Has(imap.CapLoginDisabled):
		return fmt.Errorf("%w: %s refuses LOGIN on this connection and offers no AUTH=PLAIN", ErrAuth, a)
	default:
		err = c.Login(a.User, o.Password).Wait()
	}
	if err == nil {
		return nil
	}
	var ie *imap.Error
	if errors.As(err, &ie) {
		return fmt.Errorf("%w: %s: the server refused the %s login of %q: %v", ErrAuth, a, mech, a.User, err)
	}
	return connErr(a, "logging in", err)
}

// xoauth2 is the SASL mechanism XOAUTH2 of Google and Microsoft: the user
// name and the bearer token in one initial response.
type xoauth2 struct {
	user, token string
	detail      string // the server's error JSON, if it sent one
}

func (x *xoauth2) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}

// Next answers the error challenge (a JSON status) with an empty
// response, after which the server fails the command.
func (x *xoauth2) Next(challenge []byte) ([]byte, error) {
	x.detail = strings.TrimSpace(string(challenge))
	return []byte{}, nil
}

// isConnLost reports whether err says the connection is gone: a network
// error, an end of stream, a BYE from a server shutting down, or a
// reconnection that failed. A status response of the server (NO, BAD), a
// refused login, a TLS failure or a cancelled context are not.
// (imapclient reports some broken connections as plain text errors;
// session.lost also looks at the connection itself.)
func isConnLost(err error) bool {
	var gaveUp *gaveUpError
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &gaveUp) {
		return false
	}
	var ie *imap.Error
	if errors.As(err, &ie) {
		return ie.Type == imap.StatusResponseTypeBye
	}
	var ne net.Error
	return errors.Is(err, ErrConnect) || errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// backoff waits before reconnection attempt n (0-based): 200 ms doubling
// up to 5 s. It returns ctx's error when ctx ends first.
func backoff(ctx context.Context, n int) error {
	d := firstBackoff << min(n, 5)
	d = min(d, maxBackoff)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
