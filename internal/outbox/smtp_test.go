package outbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/textproto"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// testTimeout keeps the hanging-server tests short.
const testTimeout = 500 * time.Millisecond

func newSender(t *testing.T, opts SMTPOptions) *Sender {
	t.Helper()
	s, err := NewSender(opts)
	if err != nil {
		t.Fatalf("NewSender(%q): %v", opts.URL, err)
	}
	return s
}

func emlBytes(t *testing.T, r Reply) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteEML(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSendReceived sends the test reply and checks what the server got:
// the envelope, the exact bytes, and the headers and text as enmime reads
// them.
func TestSendReceived(t *testing.T) {
	srv := startServer(t, serverConfig{})
	s := newSender(t, SMTPOptions{URL: srv.URL("smtp", nil, ""), Timeout: 5 * time.Second, HeloName: "antwort.test"})
	eml := emlBytes(t, testReply())
	if err := s.Send(t.Context(), bytes.NewReader(eml)); err != nil {
		t.Fatalf("Send: %v", err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if got.From != "service@nordlicht.example" {
		t.Errorf("MAIL FROM = %q, want service@nordlicht.example", got.From)
	}
	if diff := cmp.Diff([]string{"juergen.mueller@kunde.example"}, got.To); diff != "" {
		t.Errorf("RCPT TO (-want +got):\n%s", diff)
	}
	// SMTP dot-stuffing must be invisible: the server has the very bytes.
	if !bytes.Equal(got.Data, eml) {
		t.Errorf("received bytes differ from the .eml:\n got: %q\nwant: %q", got.Data, eml)
	}
	headers, text := parse(t, got.Data)
	if diff := cmp.Diff(wantHeaders, headers); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(crlf(testText), text); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
}

// TestSendTransports covers TLS and AUTH combinations that must work.
func TestSendTransports(t *testing.T) {
	anna := &[2]string{"anna", "s3cr%40t"} // password "s3cr@t", percent-encoded
	users := map[string]string{"anna": "s3cr@t"}
	tests := []struct {
		name     string
		cfg      serverConfig
		scheme   string
		user     *[2]string
		query    string
		wantTLS  bool
		wantUser string
	}{
		{name: "plain, opportunistic without STARTTLS", cfg: serverConfig{}, scheme: "smtp"},
		{name: "opportunistic STARTTLS", cfg: serverConfig{startTLS: true}, scheme: "smtp", wantTLS: true},
		{name: "mandatory STARTTLS", cfg: serverConfig{startTLS: true}, scheme: "smtp", query: "starttls=mandatory", wantTLS: true},
		{name: "starttls=none ignores STARTTLS", cfg: serverConfig{startTLS: true}, scheme: "smtp", query: "starttls=none"},
		{name: "smtps", cfg: serverConfig{implicitTLS: true}, scheme: "smtps", wantTLS: true},
		{name: "AUTH PLAIN after STARTTLS", cfg: serverConfig{startTLS: true, users: users}, scheme: "smtp", user: anna, wantTLS: true, wantUser: "anna"},
		{name: "AUTH PLAIN on localhost without TLS", cfg: serverConfig{users: users}, scheme: "smtp", user: anna, query: "starttls=none", wantUser: "anna"},
		{name: "AUTH LOGIN only", cfg: serverConfig{startTLS: true, users: users, loginOnly: true}, scheme: "smtp", user: anna, wantTLS: true, wantUser: "anna"},
		{name: "AUTH PLAIN over smtps", cfg: serverConfig{implicitTLS: true, users: users}, scheme: "smtps", user: anna, wantTLS: true, wantUser: "anna"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, tt.cfg)
			s := newSender(t, SMTPOptions{URL: srv.URL(tt.scheme, tt.user, tt.query), Timeout: 5 * time.Second, TLSConfig: srv.TLSConfig()})
			if err := s.Send(t.Context(), bytes.NewReader(emlBytes(t, testReply()))); err != nil {
				t.Fatalf("Send: %v", err)
			}
			msgs := srv.Messages()
			if len(msgs) != 1 {
				t.Fatalf("server got %d messages, want 1", len(msgs))
			}
			if msgs[0].TLS != tt.wantTLS || msgs[0].User != tt.wantUser {
				t.Errorf("server saw TLS=%v user=%q, want TLS=%v user=%q", msgs[0].TLS, msgs[0].User, tt.wantTLS, tt.wantUser)
			}
		})
	}
}

// TestSendRefused covers servers and configurations that must fail.
func TestSendRefused(t *testing.T) {
	users := map[string]string{"anna": "s3cret"}
	tests := []struct {
		name      string
		cfg       serverConfig
		scheme    string
		user      *[2]string
		query     string
		untrusted bool  // client does not trust the server certificate
		wantIs    error // errors.Is target, if any
		wantCode  int   // SMTP reply code, if any
	}{
		{name: "RCPT refused", cfg: serverConfig{rejectRcpt: true}, scheme: "smtp", wantCode: 550},
		{name: "mandatory STARTTLS not offered", cfg: serverConfig{}, scheme: "smtp", query: "starttls=mandatory"},
		{name: "untrusted certificate", cfg: serverConfig{startTLS: true}, scheme: "smtp", untrusted: true},
		{name: "wrong password", cfg: serverConfig{startTLS: true, users: users}, scheme: "smtp", user: &[2]string{"anna", "wrong"}, wantCode: 535},
		{name: "AUTH required but no user", cfg: serverConfig{startTLS: true, users: users}, scheme: "smtp", wantCode: 502}, // go-smtp says 502, not 530
		{name: "user but server has no AUTH", cfg: serverConfig{startTLS: true}, scheme: "smtp", user: &[2]string{"anna", "s3cret"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startServer(t, tt.cfg)
			opts := SMTPOptions{URL: srv.URL(tt.scheme, tt.user, tt.query), Timeout: 5 * time.Second, TLSConfig: srv.TLSConfig()}
			if tt.untrusted {
				opts.TLSConfig = nil
			}
			err := newSender(t, opts).Send(t.Context(), bytes.NewReader(emlBytes(t, testReply())))
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("Send = %v, want errors.Is %v", err, tt.wantIs)
			}
			var te *textproto.Error
			if tt.wantCode != 0 && (!errors.As(err, &te) || te.Code != tt.wantCode) {
				t.Errorf("Send = %v, want SMTP reply %d", err, tt.wantCode)
			}
			if got, want := IsPermanent(err), tt.wantCode >= 500; got != want {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, got, want)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error shows the password: %v", err)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("server accepted %d messages, want 0", n)
			}
		})
	}
}

// TestSendNoPasswordInClear: with a user, a server that is not localhost
// and offers no TLS gets no password, even if it offers AUTH PLAIN.
func TestSendNoPasswordInClear(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no 127.0.0.2 loopback address: %v", err)
	}
	l.Close()
	srv := startServer(t, serverConfig{users: map[string]string{"anna": "s3cret"}, listen: "127.0.0.2:0"})
	s := newSender(t, SMTPOptions{URL: srv.URL("smtp", &[2]string{"anna", "s3cret"}, ""), Timeout: 5 * time.Second})
	err = s.Send(t.Context(), bytes.NewReader(emlBytes(t, testReply())))
	if !errors.Is(err, ErrCleartextAuth) {
		t.Errorf("Send = %v, want %v", err, ErrCleartextAuth)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server accepted %d messages, want 0", n)
	}
	// starttls=none to a remote host is refused up front.
	if _, err := NewSender(SMTPOptions{URL: srv.URL("smtp", &[2]string{"anna", "s3cret"}, "starttls=none")}); !errors.Is(err, ErrInvalidURL) {
		t.Errorf("NewSender(starttls=none with user) = %v, want %v", err, ErrInvalidURL)
	}
}

// TestSendTimeout: a server that stops answering costs one timeout, not
// forever.
func TestSendTimeout(t *testing.T) {
	tests := []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"no greeting", silentListener},
		{"no answer to DATA", func(t *testing.T) string {
			return startServer(t, serverConfig{hangData: true}).URL("smtp", nil, "")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSender(t, SMTPOptions{URL: tt.url(t), Timeout: testTimeout})
			start := time.Now()
			err := s.Send(t.Context(), bytes.NewReader(emlBytes(t, testReply())))
			elapsed := time.Since(start)
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("Send = %v, want a timeout", err)
			}
			if IsPermanent(err) {
				t.Errorf("IsPermanent(%v) = true, want false", err)
			}
			if elapsed < testTimeout || elapsed > 4*testTimeout {
				t.Errorf("Send took %v, want about %v", elapsed, testTimeout)
			}
		})
	}
}

// TestSendCanceled: cancelling ctx aborts a hanging send at once.
func TestSendCanceled(t *testing.T) {
	srv := startServer(t, serverConfig{hangData: true})
	s := newSender(t, SMTPOptions{URL: srv.URL("smtp", nil, "")}) // default 30s timeout
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := s.Send(ctx, bytes.NewReader(emlBytes(t, testReply())))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Send = %v, want context.DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("Send took %v after the context ended", elapsed)
	}

	// An already cancelled context does not even connect.
	ctx, cancel = context.WithCancel(t.Context())
	cancel()
	if err := s.Send(ctx, bytes.NewReader(emlBytes(t, testReply()))); !errors.Is(err, context.Canceled) {
		t.Errorf("Send(cancelled) = %v, want context.Canceled", err)
	}
}

func TestSendBadMessage(t *testing.T) {
	s := newSender(t, SMTPOptions{URL: "smtp://127.0.0.1:1"})
	tests := []struct {
		name, eml string
		want      error
	}{
		{"no header", "just text", ErrNoSender},
		{"no From", "To: a@x.example\r\n\r\nbody\r\n", ErrNoSender},
		{"no To", "From: a@x.example\r\nSubject: x\r\n\r\nbody\r\n", ErrNoRecipient},
		{"bad To", "From: a@x.example\r\nTo: nobody\r\n\r\nbody\r\n", ErrNoRecipient},
	}
	for _, tt := range tests {
		if err := s.Send(t.Context(), strings.NewReader(tt.eml)); !errors.Is(err, tt.want) {
			t.Errorf("%s: Send = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestEnvelope(t *testing.T) {
	eml := "From: =?utf-8?q?J=C3=BCrgen?= <j@x.example>\r\n" +
		"To: \"B, Bea\" <b@x.example>\r\n" +
		"Cc: B@X.example\r\n\r\nbody\r\n"
	from, rcpts, err := envelope([]byte(eml))
	if err != nil {
		t.Fatal(err)
	}
	if from != "j@x.example" {
		t.Errorf("from = %q, want j@x.example", from)
	}
	if diff := cmp.Diff([]string{"b@x.example"}, rcpts); diff != "" {
		t.Errorf("rcpts (-want +got):\n%s", diff)
	}
}

// TestSMTPSendsToOneRecipient: a message naming several recipients is
// not handed to the server; a reply goes to exactly one address.
func TestSMTPSendsToOneRecipient(t *testing.T) {
	for _, eml := range []string{
		"From: s@x.example\r\nTo: a@x.example, \"B, Bea\" <b@x.example>\r\n\r\nbody\r\n",
		"From: s@x.example\r\nTo: a@x.example\r\nCc: c@x.example\r\n\r\nbody\r\n",
		"From: s@x.example\r\nTo: Kunden: a@x.example, b@x.example;\r\n\r\nbody\r\n",
	} {
		_, rcpts, err := envelope([]byte(eml))
		if !errors.Is(err, ErrRecipients) {
			t.Errorf("envelope(%q) = %v, %v; want ErrRecipients", eml, rcpts, err)
		}
	}
}

func TestNewSender(t *testing.T) {
	good := []struct {
		url        string
		port       int
		implicit   bool
		user, pass string
	}{
		{"smtp://mail.example", 587, false, "", ""},
		{"smtp://user:p%40ss@mail.example:25?starttls=mandatory", 25, false, "user", "p@ss"},
		{"smtps://mail.example", 465, true, "", ""},
		{"smtp://[::1]:2525?starttls=none", 2525, false, "", ""},
		{"SMTP://mail.example/", 587, false, "", ""},
	}
	for _, tt := range good {
		s, err := NewSender(SMTPOptions{URL: tt.url})
		if err != nil {
			t.Errorf("NewSender(%q): %v", tt.url, err)
			continue
		}
		if s.port != tt.port || s.implicitTLS != tt.implicit || s.user != tt.user || s.pass != tt.pass || s.timeout != DefaultTimeout {
			t.Errorf("NewSender(%q) = port %d, smtps %v, user %q, pass %q, timeout %v", tt.url, s.port, s.implicitTLS, s.user, s.pass, s.timeout)
		}
		if strings.Contains(s.String(), "p@ss") || strings.Contains(s.String(), "p%40ss") {
			t.Errorf("String() = %q shows the password", s.String())
		}
	}

	bad := []string{
		"",
		"mail.example:587",
		"http://mail.example",
		"smtp://",
		"smtp://user:s3cret@mail.example:0",
		"smtp://user:s3cret@mail.example:99999",
		"smtp://user:s3cret@mail.example:abc",
		"smtp://user:s3cret@mail.example:587?starttls=maybe",
		"smtp://user:s3cret@mail.example:587?tls=yes",
		"smtp://user:s3cret@mail.example:587?starttls=none",
		"smtps://user:s3cret@mail.example?starttls=mandatory",
		"smtp://user:s3cret@mail.example/path",
		"smtp://user:s3cret@mail.example#frag",
		"smtp://:s3cret@mail.example",
		"smtp://user:s3cret@mail example",
		"smtp://user:s3cret@mail.example:587\n",
		"smtp://user:s3cret%zz@mail.example",
	}
	for _, u := range bad {
		_, err := NewSender(SMTPOptions{URL: u})
		if !errors.Is(err, ErrInvalidURL) {
			t.Errorf("NewSender(%q) = %v, want %v", u, err, ErrInvalidURL)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("NewSender(%q) error shows the password: %v", u, err)
		}
	}

	if _, err := NewSender(SMTPOptions{URL: "smtp://mail.example", Timeout: -time.Second}); err == nil {
		t.Error("NewSender with negative timeout succeeded")
	}
	// The caller's TLS config is copied, not changed.
	cfg := &tls.Config{}
	if _, err := NewSender(SMTPOptions{URL: "smtp://mail.example", TLSConfig: cfg}); err != nil || cfg.ServerName != "" {
		t.Errorf("NewSender changed the caller's TLS config (ServerName %q, err %v)", cfg.ServerName, err)
	}
}

// TestSMTPPasswordGivenApart: the password can be given apart from the
// URL (from a file or the environment), and never shows in an error.
func TestSMTPPasswordGivenApart(t *testing.T) {
	srv := startServer(t, serverConfig{startTLS: true, users: map[string]string{"anna": "Geheim-Passwort-42"}})
	url := srv.URL("smtp", nil, "")
	withUser := strings.Replace(url, "smtp://", "smtp://anna@", 1)
	s := newSender(t, SMTPOptions{URL: withUser, Password: "Geheim-Passwort-42", Timeout: 5 * time.Second, TLSConfig: srv.TLSConfig()})
	if err := s.Send(t.Context(), bytes.NewReader(emlBytes(t, testReply()))); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if msgs := srv.Messages(); len(msgs) != 1 || msgs[0].User != "anna" {
		t.Fatalf("server got %+v, want one message from user anna", msgs)
	}
	if strings.Contains(s.String(), "Geheim") {
		t.Errorf("String() = %q shows the password", s.String())
	}
	wrong := newSender(t, SMTPOptions{URL: withUser, Password: "Falsches-Passwort-7", Timeout: 5 * time.Second, TLSConfig: srv.TLSConfig()})
	if err := wrong.Send(t.Context(), bytes.NewReader(emlBytes(t, testReply()))); err == nil || strings.Contains(err.Error(), "Falsches") {
		t.Errorf("wrong password: Send = %v, want an error without the password", err)
	}
	for _, u := range []string{url, strings.Replace(url, "smtp://", "smtp://anna:Geheim-Passwort-42@", 1)} {
		_, err := NewSender(SMTPOptions{URL: u, Password: "Geheim-Passwort-42"})
		if !errors.Is(err, ErrInvalidURL) || strings.Contains(err.Error(), "Geheim") {
			t.Errorf("NewSender(%q, password apart) = %v, want ErrInvalidURL without the password", u, err)
		}
	}
}
