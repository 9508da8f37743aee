package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// authSession is a sinkSession that wants AUTH PLAIN with one password.
type authSession struct {
	sinkSession
	password string
	authed   bool
}

func (a *authSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (a *authSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "anna" || pass != a.password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "bad credentials"}
		}
		a.authed = true
		return nil
	}), nil
}

func (a *authSession) Mail(string, *smtp.MailOptions) error {
	if !a.authed {
		return smtp.ErrAuthRequired
	}
	return nil
}

// startAuthSink is startSink with AUTH PLAIN (user anna) on loopback.
func startAuthSink(t *testing.T, password string) *smtpSink {
	t.Helper()
	return serveSink(t, func(sink *smtpSink) smtp.Session {
		return &authSession{sinkSession: sinkSession{sink}, password: password}
	})
}

// TestSMTPPasswordNotOnCommandLine: the SMTP password comes from
// --smtp-password-file or ANTWORT_SMTP_PASSWORD, so no command line shows
// it; replies are delivered with it, and it never shows on stderr.
func TestSMTPPasswordNotOnCommandLine(t *testing.T) {
	const password = "Geheim-Passwort-42"
	db, k := sharedTrained(t)
	sink := startAuthSink(t, password)
	pwFile := filepath.Join(t.TempDir(), "smtp.pw")
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	url := "smtp://anna@" + sink.addr + "?starttls=none"
	delivered := func() int { sink.mu.Lock(); defer sink.mu.Unlock(); return len(sink.msgs) }

	args := []string{"reply", "-v", "--db", db, "--kb", k, "--send", "--smtp", url, "--journal", filepath.Join(t.TempDir(), "journal"), sampleInbox}
	code, _, errOut := run(t, "", append(args, "--outbox", filepath.Join(t.TempDir(), "ob1"), "--smtp-password-file", pwFile)...)
	if code != ExitOK || delivered() == 0 {
		t.Fatalf("password file: exit %d, %d delivered\n%s", code, delivered(), errOut)
	}
	stderr := errOut
	n := delivered()

	t.Setenv(envSMTPPassword, password)
	code, _, errOut = run(t, "", append(args, "--outbox", filepath.Join(t.TempDir(), "ob2"))...)
	if code != ExitOK || delivered() != 2*n {
		t.Fatalf("environment: exit %d, %d delivered (want %d)\n%s", code, delivered(), 2*n, errOut)
	}
	stderr += errOut

	t.Setenv(envSMTPPassword, "Falsches-Passwort-7")
	code, _, errOut = run(t, "", append(args, "--outbox", filepath.Join(t.TempDir(), "ob3"))...)
	if code == ExitOK || delivered() != 2*n {
		t.Errorf("wrong password: exit %d, %d delivered", code, delivered())
	}
	stderr += errOut

	// Given in the URL as well: refused, without repeating it.
	code, _, errOut = run(t, "", "reply", "--db", db, "--kb", k, "--send", "--outbox", filepath.Join(t.TempDir(), "ob4"), "--journal", filepath.Join(t.TempDir(), "journal"),
		"--smtp", "smtp://anna:"+password+"@"+sink.addr, sampleInbox)
	if code != ExitUsage || !strings.Contains(errOut, "give it once") {
		t.Errorf("password in the URL and the environment: exit %d\n%s", code, errOut)
	}
	stderr += errOut
	for _, secret := range []string{password, "Falsches-Passwort-7"} {
		if strings.Contains(stderr, secret) {
			t.Errorf("stderr shows the password %q:\n%s", secret, stderr)
		}
	}
}

// TestSecretsRedactedFromStderr: whatever is written to stderr, errors of
// libraries included, comes out with registered secrets replaced, in
// any form a URL writes them; short values are left alone.
func TestSecretsRedactedFromStderr(t *testing.T) {
	var b bytes.Buffer
	r := &redactWriter{w: &b}
	g := &globalOptions{redact: r}
	g.secretURL("nats://u1:n%40ts-pass@h1:4222, nats://tok-en-123@h2:4222")
	g.secret("p@ss/wörd?1")
	g.secret("abc")
	for _, line := range []string{
		"dial tcp: smtp://anna:p%40ss%2Fw%C3%B6rd%3F1@mail: refused\n",
		"auth p@ss/wörd?1 failed; nats n@ts-pass and tok-en-123\n",
		"abc stays\n",
	} {
		if _, err := io.WriteString(r, line); err != nil {
			t.Fatal(err)
		}
	}
	got := b.String()
	for _, s := range []string{"p@ss/wörd?1", "p%40ss%2Fw%C3%B6rd%3F1", "n@ts-pass", "tok-en-123"} {
		if strings.Contains(got, s) {
			t.Errorf("%q not redacted:\n%s", s, got)
		}
	}
	if !strings.Contains(got, "abc stays") || strings.Count(got, "xxxxx") != 4 {
		t.Errorf("redacted output:\n%s", got)
	}
}
