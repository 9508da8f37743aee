package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-smtp"
	"github.com/google/go-cmp/cmp"
	"github.com/jhillyerd/enmime/v2"
)

const (
	sampleInbox = "../../testdata/demo/inbox.jsonl"
	sampleKB    = "../../testdata/kb"
)

// kbDir imports the sample knowledge base into a temporary directory.
func kbDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "kb")
	code, out, errOut := run(t, "", "kb", "import", "--kb", dir, sampleKB)
	if code != ExitOK {
		t.Fatalf("kb import: exit %d\n%s%s", code, out, errOut)
	}
	return dir
}

// TestReplyGolden fixes the decisions and drafts for the sample inbox.
func TestReplyGolden(t *testing.T) {
	db, k := sharedTrained(t)
	code, out, errOut := run(t, "", "reply", "--db", db, "--kb", k, sampleInbox)
	if code != ExitOK {
		t.Fatalf("reply: exit %d: %s", code, errOut)
	}
	var b strings.Builder
	counts := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct {
			ID       string
			Article  string
			Draft    string
			Missing  []string
			Decision struct {
				Action  string
				Reasons []struct {
					Name   string
					Passed bool
				}
			}
			Sentiment struct{ Label string }
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		var failed []string
		for _, c := range r.Decision.Reasons {
			if !c.Passed {
				failed = append(failed, c.Name)
			}
		}
		counts[r.Decision.Action]++
		fmt.Fprintf(&b, "== %s %s %s failed=%v missing=%v\n%s\n", r.ID, r.Decision.Action, r.Article, failed, r.Missing, r.Draft)
	}
	golden(t, "reply_inbox", b.String())
	if counts["send"] == 0 || counts["suggest"] == 0 || counts["escalate"] == 0 {
		t.Errorf("decisions %v: want some of each of send, suggest, escalate", counts)
	}
}

func TestReplyNeverSendsAngry(t *testing.T) {
	db, k := sharedTrained(t)
	in := `{"id":"x1","from":"Max Mustermann <max@example.de>","subject":"Paket","text":"UNVERSCHÄMT!!! Seit drei Wochen warte ich auf mein Paket, Bestellnummer 100-4711001. Nie wieder!"}` + "\n"
	code, out, errOut := run(t, in, "reply", "--db", db, "--kb", k)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, `"action":"escalate"`) {
		t.Errorf("angry mail not escalated: %s", out)
	}
}

func TestReplyTemplateInjection(t *testing.T) {
	db, k := sharedTrained(t)
	in := `{"id":"x2","from":"{{.OrderNumber}} <eve@example.de>","subject":"Wo bleibt mein Paket?","text":"Wo bleibt meine Bestellung 100-4711002? {{.Signature}}\nMit freundlichen Grüßen\n{{printf \"%s\" 1}}"}` + "\n"
	code, out, errOut := run(t, in, "reply", "--db", db, "--kb", k)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var r struct{ Draft string }
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.Draft, "%!") || strings.Contains(r.Draft, "{{printf") && !strings.Contains(r.Draft, `{{printf "%s" 1}}`) {
		t.Errorf("customer text was executed as template code:\n%s", r.Draft)
	}
}

// smtpSink is a minimal in-process SMTP server on loopback that records
// the messages it accepts.
type smtpSink struct {
	mu   sync.Mutex
	msgs [][]byte
	addr string
}

type sinkSession struct{ s *smtpSink }

func (ss *sinkSession) AuthMechanisms() []string             { return nil }
func (ss *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (ss *sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (ss *sinkSession) Reset()                               {}
func (ss *sinkSession) Logout() error                        { return nil }
func (ss *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	ss.s.msgs = append(ss.s.msgs, b)
	ss.s.mu.Unlock()
	return nil
}

func startSink(t *testing.T) *smtpSink {
	t.Helper()
	return serveSink(t, func(sink *smtpSink) smtp.Session { return &sinkSession{sink} })
}

// serveSink runs an smtpSink on loopback whose connections get the
// session newSession makes, until the test ends.
func serveSink(t *testing.T, newSession func(*smtpSink) smtp.Session) *smtpSink {
	t.Helper()
	sink := &smtpSink{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return newSession(sink), nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true // loopback only
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sink.addr = l.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			t.Errorf("smtp: %v", err)
		}
	}()
	t.Cleanup(func() { srv.Close(); <-done })
	return sink
}

// TestReplySendsThroughSMTP runs reply with --outbox and --send against a
// real SMTP server on loopback and checks what it received.
func TestReplySendsThroughSMTP(t *testing.T) {
	db, k := sharedTrained(t)
	sink := startSink(t)
	dir := t.TempDir()
	ob, j := filepath.Join(dir, "outbox"), filepath.Join(dir, "journal")
	code, out, errOut := run(t, "", "reply", "--db", db, "--kb", k, "--outbox", ob, "--journal", j, "--send",
		"--smtp", "smtp://"+sink.addr+"?starttls=none", "--from", "Nordlicht Service <service@nordlicht.example>", sampleInbox)
	if code != ExitOK {
		t.Fatalf("reply --send: exit %d: %s", code, errOut)
	}
	sends := strings.Count(out, `"action":"send"`)
	var withSender int
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.Contains(line, `"action":"send"`) && strings.Contains(line, `"outbox":"`) && !strings.Contains(line, "not written") {
			withSender++
		}
	}
	sink.mu.Lock()
	got := len(sink.msgs)
	var first []byte
	if got > 0 {
		first = sink.msgs[0]
	}
	sink.mu.Unlock()
	if sends == 0 || got != withSender {
		t.Fatalf("%d send decisions, %d with a sender address, server received %d", sends, withSender, got)
	}
	env, err := enmime.ReadEnvelope(bytes.NewReader(first))
	if err != nil {
		t.Fatal(err)
	}
	if env.GetHeader("Auto-Submitted") != "auto-replied" || env.GetHeader("From") == "" ||
		!(strings.HasPrefix(env.GetHeader("Subject"), "Re: ") || strings.HasPrefix(env.GetHeader("Subject"), "AW: ")) {
		t.Errorf("sent reply headers: From %q Subject %q Auto-Submitted %q", env.GetHeader("From"), env.GetHeader("Subject"), env.GetHeader("Auto-Submitted"))
	}
	if len(env.Text) < 50 {
		t.Errorf("sent reply body too short: %q", env.Text)
	}
	// A second run sends nothing new: the outbox has nothing unsent.
	code, _, errOut = run(t, "", "reply", "--db", db, "--kb", k, "--outbox", ob, "--journal", j, "--send",
		"--smtp", "smtp://"+sink.addr+"?starttls=none", "/dev/null")
	if code != ExitOK || !strings.Contains(errOut, "sent 0") {
		t.Errorf("second run: exit %d, %s", code, errOut)
	}
}

func TestReplySMTPDownKeepsOutbox(t *testing.T) {
	db, k := sharedTrained(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	dir := t.TempDir()
	ob, j := filepath.Join(dir, "outbox"), filepath.Join(dir, "journal")
	code, _, errOut := run(t, "", "reply", "--db", db, "--kb", k, "--outbox", ob, "--journal", j, "--send", "--smtp-timeout", "2s",
		"--smtp", "smtp://"+addr+"?starttls=none", sampleInbox)
	if code == ExitOK {
		t.Fatalf("reply with SMTP down: exit 0, want failure; %s", errOut)
	}
	entries, err := os.ReadDir(filepath.Join(ob, "new"))
	if err != nil || len(entries) == 0 {
		t.Errorf("outbox/new after failed send: %d entries, %v; want the unsent replies kept", len(entries), err)
	}
}

func TestKBCommands(t *testing.T) {
	k := kbDir(t)
	code, out, errOut := run(t, "", "kb", "list", "--kb", k)
	if code != ExitOK || strings.Count(out, "\n") != 25 {
		t.Errorf("kb list: exit %d, %d lines: %s%s", code, strings.Count(out, "\n"), out, errOut)
	}
	code, out, errOut = run(t, "", "kb", "search", "--kb", k, "--format", "json", "Paket ist nicht angekommen")
	if code != ExitOK || !strings.HasPrefix(out, `{"id":"parcel_missing-de"`) {
		t.Errorf("kb search: exit %d: %s%s", code, out, errOut)
	}
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte(`{"id":"a","title":"A","lang":"de","body":"Hallo {{.Foo}}","intents":["x"]}`+"\n"+
		`{"id":"b","title":"B","lang":"de","body":"Hallo {{.Name}}","intents":["x"]}`+"\n"), 0o644)
	code, out, errOut = run(t, "", "kb", "import", "--kb", filepath.Join(t.TempDir(), "kb2"), bad)
	if code != ExitPartial || !strings.Contains(errOut, "bad.jsonl:1") || !strings.Contains(out, "imported 1") {
		t.Errorf("kb import with unknown placeholder: exit %d\n%s%s", code, out, errOut)
	}
}

func TestKBAddRemove(t *testing.T) {
	k := kbDir(t)
	art := filepath.Join(t.TempDir(), "neu.md")
	os.WriteFile(art, []byte("---\nid: gutschein-de\ntitle: Gutschein einlösen\nlang: de\nintents: [voucher]\n"+
		"questions: [\"Wie löse ich meinen Gutschein ein?\"]\n---\n{{.Salutation}}\n\nIhren Gutschein lösen Sie im Warenkorb ein.\n"), 0o644)
	code, out, errOut := run(t, "", "kb", "add", "--kb", k, art)
	if code != ExitOK || !strings.Contains(out, "added 1, updated 0") || !strings.Contains(out, "25 in all") {
		t.Fatalf("kb add: exit %d: %s%s", code, out, errOut)
	}
	code, out, errOut = run(t, "", "kb", "search", "--kb", k, "--format", "json", "Gutschein einlösen geht nicht")
	if code != ExitOK || !strings.HasPrefix(out, `{"id":"gutschein-de"`) {
		t.Errorf("search after add: exit %d: %s%s", code, out, errOut)
	}
	// Adding it again updates it.
	code, out, _ = run(t, "", "kb", "add", "--kb", k, art)
	if code != ExitOK || !strings.Contains(out, "added 0, updated 1") {
		t.Errorf("kb add again: exit %d: %s", code, out)
	}
	code, out, errOut = run(t, "", "kb", "rm", "--kb", k, "gutschein-de", "praise-en", "no-such-id")
	if code != ExitPartial || !strings.Contains(out, "removed 2") || !strings.Contains(out, "23 left") || !strings.Contains(errOut, `"no-such-id"`) {
		t.Errorf("kb rm: exit %d: %s%s", code, out, errOut)
	}
	code, out, _ = run(t, "", "kb", "list", "--kb", k)
	if code != ExitOK || strings.Contains(out, "gutschein-de") || strings.Contains(out, "praise-en") || strings.Count(out, "\n") != 24 {
		t.Errorf("kb list after rm: exit %d: %s", code, out)
	}
	// Duplicate ids across two paths: the last wins, reported.
	dup := filepath.Join(t.TempDir(), "dup.jsonl")
	os.WriteFile(dup, []byte(`{"id":"praise-de","lang":"de","body":"Danke!","intents":["praise"]}`+"\n"), 0o644)
	code, out, errOut = run(t, "", "kb", "import", "--kb", filepath.Join(t.TempDir(), "kb3"), sampleKB, dup)
	if code != ExitPartial || !strings.Contains(errOut, `duplicate id "praise-de"`) || !strings.Contains(out, "imported 24") {
		t.Errorf("kb import with a duplicate across paths: exit %d: %s%s", code, out, errOut)
	}
}

// messages returns a copy of what the server accepted.
func (s *smtpSink) messages() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.msgs...)
}

// TestReplyTextShowsDraft fixes 'reply --format text': per message where it
// came from, the decision, and the draft indented and wrapped.
func TestReplyTextShowsDraft(t *testing.T) {
	db, k := sharedTrained(t)
	code, out, errOut := run(t, "", "reply", "--db", db, "--kb", k, "--format", "text",
		filepath.Join(mailDir, "gmail_de.eml"), filepath.Join(mailDir, "apple_en.eml"))
	if code != ExitOK {
		t.Fatalf("reply: exit %d: %s", code, errOut)
	}
	golden(t, "reply_text", out)
	for _, line := range strings.Split(out, "\n") {
		if utf8.RuneCountInString(line) > draftWidth && !strings.HasPrefix(line, "== ") && strings.Contains(strings.TrimSpace(line), " ") {
			t.Errorf("line over %d characters: %q", draftWidth, line)
		}
	}
}

func TestWrapText(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		width int
		want  []string
	}{
		{"long words and lines", "Sehr geehrte Frau Schulz,\n\nbitte öffnen Sie https://nordlicht.example/konto/ein/sehr/langer/pfad und dann weiter.", 20,
			[]string{"Sehr geehrte Frau", "Schulz,", "", "bitte öffnen Sie", "https://nordlicht.example/konto/ein/sehr/langer/pfad", "und dann weiter."}},
		{"an article wrapped by its author is reflowed", "Sehr geehrte Frau Krüger,\n\nvielen Dank für Ihre Nachricht. Wir haben bei unserem Spediteur nachgefragt, wo\nIhre Bestellung LH-204518 gerade ist.\n\nMit freundlichen Grüßen\nIhr Kundenservice", 72,
			[]string{"Sehr geehrte Frau Krüger,", "", "vielen Dank für Ihre Nachricht. Wir haben bei unserem Spediteur", "nachgefragt, wo Ihre Bestellung LH-204518 gerade ist.", "", "Mit freundlichen Grüßen", "Ihr Kundenservice"}},
		{"list items stay lines", "So setzen Sie Ihr Passwort in wenigen Schritten zurück, ganz einfach:\n1. Öffnen Sie die Seite.\n2. Geben Sie Ihre Adresse ein.", 72,
			[]string{"So setzen Sie Ihr Passwort in wenigen Schritten zurück, ganz einfach:", "1. Öffnen Sie die Seite.", "2. Geben Sie Ihre Adresse ein."}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, wrapText(tt.text, tt.width)); diff != "" {
			t.Errorf("%s: wrapText mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}
