package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/antwort-dev/antwort/internal/dovecot"
)

// startDovecot starts a throwaway Dovecot for the test, or skips the test
// where Dovecot is not installed.
func startDovecot(t *testing.T, o dovecot.Options) *dovecot.Server {
	t.Helper()
	s, err := dovecot.Start(t.TempDir(), o)
	if errors.Is(err, dovecot.ErrMissing) {
		t.Skip("Dovecot is not installed here, so the IMAP integration test cannot run (apt-get install dovecot-imapd; .ci/run installs it)")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop() })
	return s
}

// inboxMails builds customer mails from the sample inbox: mail i has the
// Message-ID <imap-i@kunde.example>.
func inboxMails(t *testing.T, from, to int) [][]byte {
	t.Helper()
	f, err := os.Open(sampleInbox)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type post struct{ Channel, From, Subject, Text string }
	var posts []post
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var p post
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		if p.Channel == "email" && strings.Contains(p.From, "@") && p.Subject != "" {
			posts = append(posts, p)
		}
	}
	var out [][]byte
	for i := from; i < to; i++ {
		p := posts[i%len(posts)]
		out = append(out, []byte(fmt.Sprintf("From: %s\r\nTo: Kundenservice <service@nordlicht.example>\r\nSubject: =?utf-8?q?%s?=\r\n"+
			"Message-ID: <imap-%d@kunde.example>\r\nDate: Mon, 02 Mar 2026 10:%02d:00 +0100\r\nMIME-Version: 1.0\r\n"+
			"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n%s\r\n",
			p.From, qword(p.Subject), i, i%60, strings.ReplaceAll(p.Text, "\n", "\r\n"))))
	}
	return out
}

// qword encodes s for an RFC 2047 Q encoded-word.
func qword(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		switch {
		case c == ' ':
			b.WriteByte('_')
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "=%02X", c)
		}
	}
	return b.String()
}

// stored is a mail as doveadm fetch shows it.
type stored struct {
	uid, flags, messageID, inReplyTo, to string
}

// fetchStored lists the mails of folder with doveadm.
func fetchStored(t *testing.T, s *dovecot.Server, folder string) []stored {
	t.Helper()
	out, err := s.Doveadm("fetch", "uid flags hdr.message-id hdr.in-reply-to hdr.to", "mailbox", folder, "all")
	if err != nil {
		t.Fatal(err)
	}
	var ms []stored
	for _, rec := range strings.Split(string(out), "\f") {
		var m stored
		for _, line := range strings.Split(rec, "\n") {
			k, v, _ := strings.Cut(line, ": ")
			switch k {
			case "uid":
				m.uid = v
			case "flags":
				m.flags = v
			case "hdr.message-id":
				m.messageID = v
			case "hdr.in-reply-to":
				m.inReplyTo = v
			case "hdr.to":
				m.to = v
			}
		}
		if m.uid != "" {
			ms = append(ms, m)
		}
	}
	return ms
}

func byID(ms []stored, id string) (stored, bool) {
	for _, m := range ms {
		if m.messageID == id {
			return m, true
		}
	}
	return stored{}, false
}

// decisionIDs reads batch's JSONL output: message id -> times decided.
func decisionIDs(t *testing.T, path string) (map[string]int, map[string]string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	outbox := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if line == "" {
			continue
		}
		var r struct {
			ID     string
			Outbox string
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		n[r.ID]++
		outbox[r.ID] = r.Outbox
	}
	return n, outbox
}

// lockedBuffer collects a child's stderr.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestIMAPWithDovecot runs antwort against a real Dovecot, started as a
// child process with a throwaway configuration: the first sync (decisions,
// drafts in Drafts, keywords), a second run that reads nothing, --watch
// with IDLE through a server crash and a renumbered folder (UIDVALIDITY),
// a clean SIGTERM, learning from the correction folder, and mails whose
// keyword was lost in a renumbering, recognised by the journal; and the bad
// inputs (see testIMAPBadInput).
func TestIMAPWithDovecot(t *testing.T) {
	s := startDovecot(t, dovecot.Options{})
	db, k := trained(t), kbDir(t)
	t.Setenv("ANTWORT_IMAP_PASSWORD", s.Password)
	dir := t.TempDir()
	journalFile, out := filepath.Join(dir, "journal"), filepath.Join(dir, "decisions.jsonl")
	args := func(extra ...string) []string {
		return append([]string{"batch", "--db", db, "--kb", k, "--in", s.URL("INBOX"), "--journal", journalFile,
			"--out", "jsonl:" + out, "--drafts", "imap:", "--route", "keyword:antwort-"}, extra...)
	}
	if err := s.Deliver(inboxMails(t, 0, 12)...); err != nil {
		t.Fatal(err)
	}

	t.Run("initial sync", func(t *testing.T) {
		code, _, errOut := run(t, "", args()...)
		if code != ExitOK {
			t.Fatalf("batch: exit %d\n%s", code, errOut)
		}
		decided, outbox := decisionIDs(t, out)
		inbox := fetchStored(t, s, "INBOX")
		drafts := fetchStored(t, s, "Drafts")
		if len(decided) != 12 || len(inbox) != 12 {
			t.Fatalf("%d decisions, %d mails in INBOX; want 12 and 12\n%s", len(decided), len(inbox), errOut)
		}
		for _, m := range inbox {
			if !strings.Contains(m.flags, "$antwort-done") || !strings.Contains(m.flags, "antwort-") {
				t.Errorf("%s has flags %q, want $antwort-done and an antwort-<action> keyword", m.messageID, m.flags)
			}
		}
		wantDrafts := 0
		for id, ob := range outbox {
			if !strings.HasPrefix(ob, "imap:Drafts ") {
				continue
			}
			wantDrafts++
			found := false
			for _, d := range drafts {
				if d.inReplyTo == "<"+id+">" {
					found = true
					if !strings.Contains(d.flags, `\Draft`) || !strings.Contains(d.to, "@") {
						t.Errorf("draft for %s: flags %q, To %q; want \\Draft and the customer", id, d.flags, d.to)
					}
				}
			}
			if !found {
				t.Errorf("no draft in Drafts answers %s", id)
			}
		}
		if wantDrafts == 0 || len(drafts) != wantDrafts {
			t.Errorf("Drafts holds %d mails, the decisions name %d drafts", len(drafts), wantDrafts)
		}
		code, _, errOut = run(t, "", args()...)
		if code != ExitOK || !strings.Contains(errOut, "0 processed") {
			t.Errorf("second run: exit %d, want nothing read:\n%s", code, errOut)
		}
	})

	t.Run("watch through a crash and a renumbering", func(t *testing.T) {
		cmd := childCmd(t, args("--watch")...)
		var stderr lockedBuffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		defer func() {
			if cmd.ProcessState == nil {
				cmd.Process.Kill()
			}
		}()
		done := func(id string) func() bool {
			return func() bool {
				m, ok := byID(fetchStored(t, s, "INBOX"), id)
				return ok && strings.Contains(m.flags, "$antwort-done")
			}
		}
		time.Sleep(time.Second) // the first sync finds nothing; now it waits in IDLE
		if err := s.Deliver(inboxMails(t, 12, 13)...); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, 20*time.Second, "mail 12 decided via IDLE", done("<imap-12@kunde.example>"))

		if err := s.Restart(); err != nil { // SIGKILL, then a new start
			t.Fatal(err)
		}
		if err := s.Deliver(inboxMails(t, 13, 14)...); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, 30*time.Second, "mail 13 decided after the crash", done("<imap-13@kunde.example>"))

		if _, err := s.Doveadm("mailbox update", "--uid-validity", "4242", "INBOX"); err != nil {
			t.Fatal(err)
		}
		if err := s.Deliver(inboxMails(t, 14, 15)...); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, 30*time.Second, "mail 14 decided after the renumbering", done("<imap-14@kunde.example>"))

		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("after SIGTERM: %v\n%s", err, stderr.String())
			}
		case <-time.After(45 * time.Second):
			t.Fatalf("no exit 45 s after SIGTERM\n%s", stderr.String())
		}
		for _, want := range []string{"reconnected", "new UIDVALIDITY", "stopping"} {
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
			}
		}
		decided, _ := decisionIDs(t, out)
		for id, n := range decided {
			if n != 1 {
				t.Errorf("%s decided %d times", id, n)
			}
		}
		if len(decided) != 15 {
			t.Errorf("%d mails decided, want 15", len(decided))
		}
		seen := map[string]bool{}
		for _, d := range fetchStored(t, s, "Drafts") {
			if seen[d.inReplyTo] {
				t.Errorf("two drafts answer %s", d.inReplyTo)
			}
			seen[d.inReplyTo] = true
		}
	})

	t.Run("correction folder becomes feedback", func(t *testing.T) {
		if _, err := s.Doveadm("move", "antwort/Korrektur/refund_request", "mailbox", "INBOX", "header", "Message-ID", "<imap-1@kunde.example>"); err != nil {
			t.Fatal(err)
		}
		code, _, errOut := run(t, "", args()...)
		if code != ExitOK || !strings.Contains(errOut, "learned 1 correction(s) from antwort/Korrektur (refund_request 1)") {
			t.Fatalf("batch: exit %d, want 1 correction learned:\n%s", code, errOut)
		}
		ms := fetchStored(t, s, "antwort/Korrektur/refund_request")
		if len(ms) != 1 || !strings.Contains(ms[0].flags, "$antwort-learned") {
			t.Errorf("correction folder holds %+v, want the mail with $antwort-learned", ms)
		}
		code, stdout, errOut := run(t, "", "retrain", "--db", db, "--dry-run")
		if code != ExitOK || !strings.Contains(stdout, `"feedback_examples":1`) {
			t.Errorf("retrain: exit %d, want 1 feedback example:\n%s%s", code, stdout, errOut)
		}
	})

	t.Run("keywords lost in a renumbering", func(t *testing.T) {
		// Twice: the mails are recognised by the journal, marked again and
		// filed into the route folders, once.
		for i, validity := range []string{"5151", "5252"} {
			if _, err := s.Doveadm("flags remove", "$antwort-done", "mailbox", "INBOX", "all"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Doveadm("mailbox update", "--uid-validity", validity, "INBOX"); err != nil {
				t.Fatal(err)
			}
			code, _, errOut := run(t, "", "batch", "--db", db, "--kb", k, "--in", s.URL("INBOX"), "--journal", journalFile,
				"--out", "jsonl:"+out, "--drafts", "imap:", "--route", "imap:routed")
			if code != ExitOK || !strings.Contains(errOut, "0 processed") || !strings.Contains(errOut, "14 already done") {
				t.Fatalf("run %d: exit %d, want the 14 mails recognised as done:\n%s", i+1, code, errOut)
			}
			for _, m := range fetchStored(t, s, "INBOX") {
				if !strings.Contains(m.flags, "$antwort-done") {
					t.Errorf("%s not marked again: %q", m.messageID, m.flags)
				}
			}
			routed := 0
			for _, action := range []string{"send", "suggest", "escalate", "ignore"} {
				if _, err := s.Doveadm("mailbox status", "messages", "routed/"+action); err == nil {
					routed += len(fetchStored(t, s, "routed/"+action))
				}
			}
			if routed != 14 {
				t.Errorf("run %d: %d mails in routed/*, want each of the 14 once", i+1, routed)
			}
		}
		decided, _ := decisionIDs(t, out)
		if len(decided) != 15 {
			t.Errorf("%d mails in the output, want 15", len(decided))
		}
	})

	t.Run("bad input", func(t *testing.T) { testIMAPBadInput(t, db, k) })
}

// testIMAPBadInput: a wrong password exits 6; a missing folder names the
// folders there are; a 30 MB mail and a mail the server cannot read are
// reported and skipped while the others are decided; folders with umlauts
// (modified UTF-7) are labels for training; a server without IDLE is
// polled.
func testIMAPBadInput(t *testing.T, db, k string) {
	s := startDovecot(t, dovecot.Options{})
	dir := t.TempDir()

	t.Setenv("ANTWORT_IMAP_PASSWORD", s.Password)
	t.Run("missing folder", func(t *testing.T) {
		code, _, errOut := run(t, "", "batch", "--db", db, "--kb", k, "--in", s.URL("Eingang"), "--journal", filepath.Join(dir, "j0"))
		if code != ExitError || !strings.Contains(errOut, `"Eingang"`) || !strings.Contains(errOut, "INBOX, Sent") {
			t.Errorf("missing folder: exit %d, want 1 naming the folders:\n%s", code, errOut)
		}
	})

	t.Run("30 MB mail and an unreadable mail", func(t *testing.T) {
		mails := inboxMails(t, 0, 3)
		big := append(bytes.Clone(mails[0][:bytes.Index(mails[0], []byte("\r\n\r\n"))]), "\r\n\r\n"...)
		big = bytes.Replace(big, []byte("imap-0@"), []byte("imap-big@"), 1)
		big = append(big, bytes.Repeat([]byte("Dies ist eine sehr lange Zeile im Anhang.\r\n"), 30<<20/43)...)
		if err := s.Deliver(append(mails, big)...); err != nil {
			t.Fatal(err)
		}
		// The server cannot read the file of mail 1.
		files, _ := filepath.Glob(filepath.Join(s.Maildir(), "new", "*"))
		for _, f := range files {
			if b, _ := os.ReadFile(f); bytes.Contains(b, []byte("<imap-1@kunde.example>")) {
				os.Chmod(f, 0)
			}
		}
		out := filepath.Join(dir, "d.jsonl")
		code, _, errOut := run(t, "", "batch", "--db", db, "--kb", k, "--in", s.URL("INBOX"), "--journal", filepath.Join(dir, "j1"),
			"--out", "jsonl:"+out, "--corrections", "none")
		if code != ExitPartial {
			t.Errorf("exit %d, want %d\n%s", code, ExitPartial, errOut)
		}
		for _, want := range []string{"over the limit of 26214400", "the connection broke each of the 3 times this mail was fetched", "2 processed"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("stderr lacks %q:\n%s", want, errOut)
			}
		}
		decided, _ := decisionIDs(t, out)
		if !hasKeys(decided, "imap-0@kunde.example", "imap-2@kunde.example") {
			t.Errorf("decided %v, want mails 0 and 2", decided)
		}
	})

	t.Run("umlaut folders as labels", func(t *testing.T) {
		mails := inboxMails(t, 100, 112)
		for i, m := range mails {
			folder := "Archiv/Kündigungen"
			if i%2 == 1 {
				folder = "Archiv/Rechnungsprüfung"
			}
			if _, err := s.Doveadm("mailbox create", folder); err != nil && !strings.Contains(err.Error(), "exists") {
				t.Fatal(err)
			}
			cmd := exec.Command("doveadm", "-c", filepath.Join(s.Dir, "dovecot.conf"), "save", "-u", s.User, "-m", folder)
			cmd.Stdin = bytes.NewReader(m)
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("doveadm save: %v: %s", err, b)
			}
		}
		newDB := filepath.Join(dir, "labels.db")
		code, stdout, errOut := run(t, "", "train", "--db", newDB, "--task", "intent", "--data", s.URL("Archiv"), "--folds", "2", "--c", "1")
		if code != ExitOK {
			t.Fatalf("train from IMAP folders: exit %d\n%s%s", code, stdout, errOut)
		}
		var info struct{ Labels map[string]int }
		if err := json.Unmarshal([]byte(stdout), &info); err != nil {
			t.Fatalf("%v: %s", err, stdout)
		}
		if info.Labels["Kündigungen"] != 6 || info.Labels["Rechnungsprüfung"] != 6 {
			t.Errorf("labels %v, want Kündigungen and Rechnungsprüfung with 6 mails each", info.Labels)
		}
	})

	t.Run("server without IDLE", func(t *testing.T) {
		s2 := startDovecot(t, dovecot.Options{NoIdle: true})
		t.Setenv("ANTWORT_IMAP_PASSWORD", s2.Password)
		cmd := childCmd(t, "batch", "--db", db, "--kb", k, "--in", s2.URL("INBOX"), "--journal", filepath.Join(dir, "j2"),
			"--out", "jsonl:"+filepath.Join(dir, "d2.jsonl"), "--watch", "--poll", "200ms", "--corrections", "none")
		var stderr lockedBuffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer cmd.Process.Kill()
		time.Sleep(500 * time.Millisecond)
		if err := s2.Deliver(inboxMails(t, 0, 1)...); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, 20*time.Second, "the mail decided by polling", func() bool {
			m, ok := byID(fetchStored(t, s2, "INBOX"), "<imap-0@kunde.example>")
			return ok && strings.Contains(m.flags, "$antwort-done")
		})
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if !strings.Contains(stderr.String(), "offers no IDLE") {
			t.Errorf("stderr does not say it polls:\n%s", stderr.String())
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		// Last: Dovecot slows down logins from an address after a failure.
		t.Setenv("ANTWORT_IMAP_PASSWORD", "falsch")
		code, _, errOut := run(t, "", "parse", "--in", s.URL("INBOX"))
		if code != ExitAuth || !strings.Contains(errOut, "refused") || strings.Contains(errOut, "falsch") {
			t.Errorf("parse with a wrong password: exit %d, want %d and a clear error without the password:\n%s", code, ExitAuth, errOut)
		}
	})
}

// hasKeys reports whether m has exactly the keys want.
func hasKeys(m map[string]int, want ...string) bool {
	if len(m) != len(want) {
		return false
	}
	for _, w := range want {
		if m[w] == 0 {
			return false
		}
	}
	return true
}
