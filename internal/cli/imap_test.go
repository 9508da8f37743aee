package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/antwort-dev/antwort/internal/imapbox"
	"github.com/antwort-dev/antwort/internal/natsq"
)

// memIMAP is an IMAP server in this process (go-imap's in-memory server)
// with one user, for the commands' tests that need no Dovecot.
type memIMAP struct {
	user *imapmemserver.User
	addr string
}

func startMemIMAP(t *testing.T) *memIMAP {
	t.Helper()
	m := &memIMAP{user: imapmemserver.NewUser("service", "secret")}
	for _, f := range []string{"INBOX", "Drafts", "Sent"} {
		if err := m.user.Create(f, nil); err != nil {
			t.Fatal(err)
		}
	}
	mem := imapmemserver.New()
	mem.AddUser(m.user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapMove: {}, imap.CapUIDPlus: {}},
		Logger:       log.New(io.Discard, "", 0),
		InsecureAuth: true,
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	m.addr = ln.Addr().String()
	t.Setenv("ANTWORT_IMAP_PASSWORD", "secret")
	return m
}

func (m *memIMAP) url(folder string) string {
	return "imap://service@" + m.addr + "/" + folder + "?tls=none"
}

type memLiteral struct{ *bytes.Reader }

func (l memLiteral) Size() int64 { return l.Reader.Size() }

func (m *memIMAP) put(t *testing.T, raws ...[]byte) {
	t.Helper()
	for _, raw := range raws {
		if _, err := m.user.Append("INBOX", memLiteral{bytes.NewReader(raw)}, &imap.AppendOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// unmarked counts the mails of folder without $antwort-done, and lists
// the folders, as antwort itself sees them.
func (m *memIMAP) unmarked(t *testing.T, folder string) (int, []string) {
	t.Helper()
	mb, err := imapbox.Open(context.Background(), mustAccount(t, m.url(folder)), imapbox.Options{Password: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	defer mb.Close()
	src := mb.Source(folder, imapbox.SourceOptions{Skip: []string{doneKeyword, queuedKeyword}, ReadOnly: true})
	defer src.Close()
	n := 0
	for {
		if _, err := src.NextRaw(context.Background()); err != nil {
			if err != io.EOF {
				t.Fatal(err)
			}
			break
		}
		n++
	}
	l, err := mb.Folders(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range l {
		names = append(names, f.Name)
	}
	return n, names
}

// TestIMAPDryRunChangesNothing: --dry-run decides the mails of an IMAP
// folder and changes nothing in the mailbox: no keyword, no draft, no
// folder; a real run afterwards marks every mail.
func TestIMAPDryRunChangesNothing(t *testing.T) {
	srv := startMemIMAP(t)
	srv.put(t, inboxMails(t, 0, 5)...)
	db, k := trained(t), kbDir(t)
	code, stdout, errOut := run(t, "", "batch", "--db", db, "--kb", k, "--in", srv.url("INBOX"), "--dry-run")
	if code != ExitOK || strings.Count(stdout, "\n") != 5 {
		t.Fatalf("dry run: exit %d, %d decisions:\n%s", code, strings.Count(stdout, "\n"), errOut)
	}
	if n, folders := srv.unmarked(t, "INBOX"); n != 5 || !slices.Equal(folders, []string{"Drafts", "INBOX", "Sent"}) {
		t.Errorf("after a dry run: %d unmarked mails, folders %v; want 5 and Drafts, INBOX, Sent", n, folders)
	}
	if n, _ := srv.unmarked(t, "Drafts"); n != 0 {
		t.Errorf("dry run wrote %d drafts", n)
	}

	code, _, errOut = run(t, "", "batch", "--db", db, "--kb", k, "--in", srv.url("INBOX"), "--journal", filepath.Join(t.TempDir(), "j"),
		"--drafts", "imap:", "--out", "jsonl:"+filepath.Join(t.TempDir(), "out.jsonl"))
	if code != ExitOK {
		t.Fatalf("batch: exit %d\n%s", code, errOut)
	}
	if n, folders := srv.unmarked(t, "INBOX"); n != 0 || !slices.Contains(folders, "antwort/Korrektur/refund_request") {
		t.Errorf("after the run: %d unmarked mails, folders %v; want 0 and the correction folders", n, folders)
	}
	if n, _ := srv.unmarked(t, "Drafts"); n == 0 {
		t.Errorf("the run wrote no drafts")
	}
}

// TestIMAPSentFolder: with --send, each answer the SMTP server accepted
// is put into the Sent folder once, as a mail client does.
func TestIMAPSentFolder(t *testing.T) {
	srv := startMemIMAP(t)
	srv.put(t, inboxMails(t, 0, 12)...)
	sink := startSink(t)
	db, k := trained(t), kbDir(t)
	dir := t.TempDir()
	args := []string{"batch", "--db", db, "--kb", k, "--in", srv.url("INBOX"), "--journal", filepath.Join(dir, "j"),
		"--out", "jsonl:" + filepath.Join(dir, "out.jsonl"), "--outbox", filepath.Join(dir, "outbox"), "--send",
		"--smtp", "smtp://" + sink.addr + "?starttls=none", "--from", "Nordlicht Service <service@nordlicht.example>", "--corrections", "none"}
	for range 2 {
		code, _, errOut := run(t, "", args...)
		if code != ExitOK {
			t.Fatalf("batch: exit %d\n%s", code, errOut)
		}
	}
	sent := len(sink.messages())
	if sent == 0 {
		t.Fatal("the sample mails led to no answer sent; the test needs one")
	}
	st, err := srv.user.Status("Sent", &imap.StatusOptions{NumMessages: true})
	if err != nil {
		t.Fatal(err)
	}
	if int(*st.NumMessages) != sent {
		t.Errorf("Sent holds %d mails, the SMTP server got %d", *st.NumMessages, sent)
	}
}

// TestIMAPPublishMarksQueued: publish reads an IMAP folder into the NATS
// stream and marks each mail $antwort-queued once the stream has it; a
// second run reads nothing.
func TestIMAPPublishMarksQueued(t *testing.T) {
	srv := startMemIMAP(t)
	srv.put(t, inboxMails(t, 0, 4)...)
	url := startNATS(t)
	c := natsConn(t, url)
	code, out, errOut := run(t, "", "publish", "--nats", url, "--in", srv.url("INBOX"))
	var sum publishSummary
	if err := json.Unmarshal([]byte(out), &sum); err != nil || code != ExitOK || sum.Published != 4 {
		t.Fatalf("publish: exit %d, %s%s", code, out, errOut)
	}
	if n := streamCount(t, c, natsq.InboundStream); n != 4 {
		t.Errorf("stream holds %d messages, want 4", n)
	}
	if n, _ := srv.unmarked(t, "INBOX"); n != 0 {
		t.Errorf("%d mails without $antwort-queued after publish", n)
	}
	code, out, _ = run(t, "", "publish", "--nats", url, "--in", srv.url("INBOX"))
	json.Unmarshal([]byte(out), &sum)
	if code != ExitOK || sum.Read != 0 {
		t.Errorf("second publish: exit %d, %+v; want nothing read", code, sum)
	}
}

func mustAccount(t *testing.T, url string) *imapbox.Account {
	t.Helper()
	a, err := imapbox.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestIMAPLoginFlags: the password comes from a file or the environment,
// never the URL; a token file is read at every login; skipping the
// certificate check is refused for a host that is not named.
func TestIMAPLoginFlags(t *testing.T) {
	g := &globalOptions{}
	g.io, _, _ = Test("")
	dir := t.TempDir()
	remote := mustAccount(t, "imaps://service@mail.example.de/INBOX")
	local := mustAccount(t, "imaps://service@127.0.0.1:1993/INBOX")

	t.Setenv("ANTWORT_IMAP_PASSWORD", "aus-der-umgebung")
	if o, err := (&imapFlags{}).options(g, remote); err != nil || o.Password != "aus-der-umgebung" {
		t.Errorf("password from the environment: %q, %v", o.Password, err)
	}
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("aus-der-datei\n"), 0o600)
	if o, err := (&imapFlags{passwordFile: pw}).options(g, remote); err != nil || o.Password != "aus-der-datei" {
		t.Errorf("password from a file: %q, %v", o.Password, err)
	}
	tok := filepath.Join(dir, "token")
	os.WriteFile(tok, []byte("erstes\n"), 0o600)
	o, err := (&imapFlags{tokenFile: tok}).options(g, remote)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := o.Token()
	os.WriteFile(tok, []byte("zweites\n"), 0o600)
	second, _ := o.Token()
	if first != "erstes" || second != "zweites" {
		t.Errorf("token read %q then %q, want the file read anew", first, second)
	}

	for _, tt := range []struct {
		insecure string
		acct     *imapbox.Account
		ok       bool
	}{
		{insecureLoopback, local, true},
		{insecureLoopback, remote, false},
		{"mail.example.de", remote, true},
		{"other.example.de", remote, false},
	} {
		o, err := (&imapFlags{insecure: tt.insecure}).options(g, tt.acct)
		if (err == nil) != tt.ok || (err == nil && !o.InsecureSkipVerify) {
			t.Errorf("--insecure-skip-verify=%s for %s: %v, want ok %v", tt.insecure, tt.acct.Host, err, tt.ok)
		}
	}

	code, _, errOut := run(t, "", "parse", "--in", "imaps://service:geheim@mail.example.de/INBOX")
	if code != ExitUsage || !strings.Contains(errOut, "never in the URL") || strings.Contains(errOut, "geheim") {
		t.Errorf("password in the URL: exit %d:\n%s", code, errOut)
	}
}
