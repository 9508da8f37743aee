package outbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// DefaultTimeout is the SMTP timeout used when SMTPOptions.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// SMTPOptions configures a Sender.
type SMTPOptions struct {
	// URL names the server:
	//
	//	smtp://user:pass@host:587   submission, STARTTLS when offered
	//	smtp://host:25?starttls=mandatory
	//	smtp://localhost:25?starttls=none
	//	smtps://user:pass@host:465  implicit TLS
	//
	// The port defaults to 587 for smtp and 465 for smtps. The starttls
	// query parameter (smtp only) is "opportunistic" (the default: use
	// STARTTLS when the server offers it), "mandatory" (fail without it) or
	// "none" (never). User and password are percent-decoded; when a user is
	// given the Sender authenticates with PLAIN, or LOGIN when the server
	// offers only that, and only over TLS or to localhost.
	URL string

	// Password is the password of the URL's user, given apart from the
	// URL so that it need not appear on a command line or in a
	// configuration that shows the URL (read it from a file or the
	// environment). A URL with a password of its own, or without a user,
	// cannot take one: NewSender fails with ErrInvalidURL.
	Password string

	// Timeout bounds connecting (TCP, TLS, greeting, EHLO, STARTTLS, AUTH
	// together) and then each SMTP command, including the wait for the
	// server's answer after the message data. Zero means DefaultTimeout.
	Timeout time.Duration

	// HeloName is the name sent with EHLO. Empty means this machine's
	// host name (os.Hostname).
	HeloName string

	// TLSConfig is used for STARTTLS and smtps. Nil means a default
	// config that verifies the server certificate against the URL's host.
	// ServerName is filled in from the URL when empty. Tests may set
	// InsecureSkipVerify.
	TLSConfig *tls.Config
}

// Sender sends complete messages over SMTP. It opens one connection per
// message. A Sender is immutable and safe for concurrent use.
type Sender struct {
	host        string
	port        int
	implicitTLS bool
	policy      gomail.TLSPolicy
	user, pass  string
	timeout     time.Duration
	helo        string
	tlsConfig   *tls.Config
	redacted    string // the URL with the password replaced, for messages
}

// NewSender checks opts and returns a Sender. It does not connect. An
// unusable URL gives an error wrapping ErrInvalidURL; the password never
// appears in it.
func NewSender(opts SMTPOptions) (*Sender, error) {
	u, err := url.Parse(opts.URL)
	if err != nil {
		// url.Error repeats the input, password included.
		return nil, fmt.Errorf("%w: cannot parse it (not shown: it may contain a password)", ErrInvalidURL)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w %q: %s", ErrInvalidURL, u.Redacted(), fmt.Sprintf(format, args...))
	}
	s := &Sender{redacted: u.Redacted(), policy: gomail.TLSOpportunistic}
	switch u.Scheme {
	case "smtp":
		s.port = gomail.DefaultPortTLS
	case "smtps":
		s.port = gomail.DefaultPortSSL
		s.implicitTLS = true
	default:
		return nil, bad("scheme must be smtp or smtps")
	}
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.Fragment != "" {
		return nil, bad("want scheme://[user[:password]@]host[:port][?starttls=...]")
	}
	s.host = u.Hostname()
	if s.host == "" {
		return nil, bad("no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, bad("bad port %q", p)
		}
		s.port = n
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, bad("bad query")
	}
	for k, v := range q {
		if k != "starttls" {
			return nil, bad("unknown parameter %q", k)
		}
		if len(v) != 1 {
			return nil, bad("starttls given %d times", len(v))
		}
		switch v[0] {
		case "opportunistic":
			s.policy = gomail.TLSOpportunistic
		case "mandatory":
			s.policy = gomail.TLSMandatory
		case "none":
			s.policy = gomail.NoTLS
		default:
			return nil, bad("starttls must be opportunistic, mandatory or none, not %q", v[0])
		}
		if s.implicitTLS {
			return nil, bad("starttls does not apply to smtps")
		}
	}
	if opts.Password != "" {
		switch {
		case u.User == nil || u.User.Username() == "":
			return nil, bad("a password needs a user in the URL (smtp://user@host)")
		case hasPassword(u):
			return nil, bad("the URL has a password and one is given apart; give it once")
		}
		u.User = url.UserPassword(u.User.Username(), opts.Password)
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
		if s.user == "" {
			return nil, bad("password without user")
		}
		if s.policy == gomail.NoTLS && !s.implicitTLS && !isLocalhost(s.host) {
			return nil, bad("starttls=none would send the password in clear text")
		}
	}

	switch {
	case opts.Timeout < 0:
		return nil, fmt.Errorf("outbox: negative SMTP timeout %v", opts.Timeout)
	case opts.Timeout == 0:
		s.timeout = DefaultTimeout
	default:
		s.timeout = opts.Timeout
	}
	s.helo = opts.HeloName

	if opts.TLSConfig != nil {
		s.tlsConfig = opts.TLSConfig.Clone()
	} else {
		s.tlsConfig = &tls.Config{}
	}
	if s.tlsConfig.ServerName == "" {
		s.tlsConfig.ServerName = s.host
	}
	if s.tlsConfig.MinVersion == 0 {
		s.tlsConfig.MinVersion = tls.VersionTLS12
	}
	return s, nil
}

func hasPassword(u *url.URL) bool {
	_, ok := u.User.Password()
	return ok
}

// String returns the server URL with the password masked.
func (s *Sender) String() string { return s.redacted }

// Send reads a complete RFC 5322 message from r and delivers it: the
// envelope sender is the address in the From header, the envelope
// recipient the one address in To (and Cc). The message is sent byte for
// byte (Bcc headers are not stripped, so don't use them).
//
// Send returns ErrNoSender or ErrNoRecipient for a message without
// addresses, ErrRecipients for one with more than one recipient (a reply
// goes to exactly one address), and ErrCleartextAuth rather than send a
// password unencrypted
// to a server other than localhost. SMTP replies are returned as errors wrapping
// *textproto.Error (see IsPermanent); a timeout wraps
// os.ErrDeadlineExceeded. Cancelling ctx aborts the connection at once and
// gives an error wrapping ctx.Err().
//
// A timeout or cancellation while waiting for the server's answer to the
// message data is ambiguous: the server may have accepted the message.
// Send reports it as an error, so a retry can deliver the message twice.
func (s *Sender) Send(ctx context.Context, r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("outbox: read message: %w", err)
	}
	from, rcpts, err := envelope(raw)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("outbox: smtp %s: %w", s.redacted, err)
	}
	return s.send(ctx, from, rcpts, raw)
}

func (s *Sender) send(ctx context.Context, from string, rcpts []string, raw []byte) (err error) {
	addr := net.JoinHostPort(s.host, strconv.Itoa(s.port))
	fail := func(op string, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return fmt.Errorf("outbox: smtp %s %s: %w: %w", op, addr, cerr, err)
		}
		return fmt.Errorf("outbox: smtp %s %s: %w", op, addr, err)
	}

	// The dial function keeps the raw connection, so that ctx can abort
	// any blocked read or write, and so that it is closed on every path
	// (go-mail leaves it open when EHLO, STARTTLS or AUTH fail).
	var conn net.Conn
	stop := func() bool { return false }
	dial := func(dctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		c, err := d.DialContext(dctx, network, addr)
		if err != nil {
			return nil, err
		}
		conn = c
		stop = context.AfterFunc(ctx, func() { c.Close() })
		if !s.implicitTLS {
			return c, nil
		}
		tc := tls.Client(c, s.tlsConfig)
		if err := tc.HandshakeContext(dctx); err != nil {
			return nil, err
		}
		return tc, nil
	}
	defer func() {
		stop()
		if conn != nil {
			conn.Close()
		}
	}()

	opts := []gomail.Option{
		gomail.WithPort(s.port),
		gomail.WithTimeout(s.timeout),
		gomail.WithTLSPolicy(s.policy),
		gomail.WithTLSConfig(s.tlsConfig),
		gomail.WithDialContextFunc(dial),
	}
	if s.implicitTLS {
		opts = append(opts, gomail.WithSSL()) // no STARTTLS on top of TLS
	}
	if s.helo != "" {
		opts = append(opts, gomail.WithHELO(s.helo))
	}
	if s.user != "" {
		opts = append(opts, gomail.WithSMTPAuthCustom(&plainOrLogin{user: s.user, pass: s.pass, host: s.host}))
	}
	client, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return fail("setup", err)
	}
	c, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fail("connect", err)
	}

	// Every command gets a fresh deadline of s.timeout.
	do := func(op string, f func() error) error {
		if err := c.UpdateDeadline(s.timeout); err != nil {
			return fail(op, err)
		}
		if err := f(); err != nil {
			return fail(op, err)
		}
		return nil
	}
	quit := func() { _ = do("quit", c.Quit) }
	// After a refusal the session is still in step, so end it politely;
	// after an I/O error or timeout just drop the connection.
	refused := func(err error) error {
		var te *textproto.Error
		if errors.As(err, &te) {
			quit()
		}
		return err
	}

	if err := do("mail from", func() error { return c.Mail(angle(from)) }); err != nil {
		return refused(err)
	}
	for _, rcpt := range rcpts {
		if err := do("rcpt to", func() error { return c.Rcpt(angle(rcpt)) }); err != nil {
			return refused(err)
		}
	}
	var w io.WriteCloser
	if err := do("data", func() (err error) { w, err = c.Data(); return err }); err != nil {
		return refused(err)
	}
	if err := do("data", func() error { _, err := w.Write(raw); return err }); err != nil {
		return err
	}
	// Close writes the final "." and waits for the server's answer. An
	// answer is certain (a refusal); anything else (a timeout, a broken
	// connection) leaves open whether the server took the message.
	if err := do("data end", w.Close); err != nil {
		var te *textproto.Error
		if errors.As(err, &te) {
			return refused(err)
		}
		return fmt.Errorf("%w: %w", ErrUncertain, err)
	}
	quit() // the message is accepted; a failing QUIT changes nothing
	return nil
}

// angle returns addr as an SMTP path "<addr>".
func angle(addr string) string {
	return (&mail.Address{Address: addr}).String()
}

// envelope returns the sender address from the From header and the
// recipient address from To and Cc of the message in raw.
func envelope(raw []byte) (from string, rcpts []string, err error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return "", nil, fmt.Errorf("%w: cannot read header: %v", ErrNoSender, err)
	}
	froms, err := msg.Header.AddressList("From")
	if err != nil || len(froms) == 0 {
		return "", nil, fmt.Errorf("%w: from %q: %v", ErrNoSender, msg.Header.Get("From"), err)
	}
	seen := map[string]bool{}
	for _, field := range []string{"To", "Cc"} {
		addrs, err := msg.Header.AddressList(field)
		if errors.Is(err, mail.ErrHeaderNotPresent) {
			continue
		}
		if err != nil {
			return "", nil, fmt.Errorf("%w: %s %q: %v", ErrNoRecipient, strings.ToLower(field), msg.Header.Get(field), err)
		}
		for _, a := range addrs {
			if k := strings.ToLower(a.Address); !seen[k] {
				seen[k] = true
				rcpts = append(rcpts, a.Address)
			}
		}
	}
	switch {
	case len(rcpts) == 0:
		return "", nil, ErrNoRecipient
	case len(rcpts) > 1:
		return "", nil, fmt.Errorf("%w: %d (%s)", ErrRecipients, len(rcpts), strings.Join(rcpts, ", "))
	}
	return froms[0].Address, rcpts, nil
}

func isLocalhost(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// plainOrLogin authenticates with PLAIN, or with LOGIN when the server
// offers only that. It refuses to send the password over a connection
// without TLS unless the server is localhost (as do the go-mail mechanisms
// it delegates to).
type plainOrLogin struct {
	user, pass, host string
	impl             smtp.Auth
}

func (a *plainOrLogin) Start(si *smtp.ServerInfo) (string, []byte, error) {
	offers := func(mech string) bool {
		for _, m := range si.Auth {
			if strings.EqualFold(m, mech) {
				return true
			}
		}
		return false
	}
	if !si.TLS && !isLocalhost(si.Name) {
		return "", nil, ErrCleartextAuth
	}
	switch {
	case offers("PLAIN"):
		a.impl = smtp.PlainAuth("", a.user, a.pass, a.host, false)
	case offers("LOGIN"):
		a.impl = smtp.LoginAuth(a.user, a.pass, a.host, false)
	case len(si.Auth) == 0:
		return "", nil, errors.New("server does not offer AUTH")
	default:
		return "", nil, fmt.Errorf("server offers neither PLAIN nor LOGIN but %s", strings.Join(si.Auth, " "))
	}
	return a.impl.Start(si)
}

func (a *plainOrLogin) Next(fromServer []byte, more bool) ([]byte, error) {
	return a.impl.Next(fromServer, more)
}
