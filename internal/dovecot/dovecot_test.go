package dovecot

import (
	"errors"
	"strings"
	"testing"
)

func TestStartDeliverRestart(t *testing.T) {
	s, err := Start(t.TempDir(), Options{})
	if errors.Is(err, ErrMissing) {
		t.Skip("dovecot is not installed here (apt-get install dovecot-imapd; .ci/run installs it)")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if err := s.Deliver([]byte("Subject: a\r\nMessage-ID: <a@x>\r\n\r\nHallo\r\n")); err != nil {
		t.Fatal(err)
	}
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	out, err := s.Doveadm("mailbox status", "messages", "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != "INBOX messages=1" {
		t.Errorf("doveadm mailbox status = %q, want INBOX messages=1", got)
	}
}
