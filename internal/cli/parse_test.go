package cli

import (
	"encoding/json"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort/internal/outbox"
)

const mailDir = "../../testdata/mail"

func TestParseCommand(t *testing.T) {
	dir := t.TempDir()
	// A folder with good mails, machine mail and a broken file.
	for _, name := range []string{"gmail_de.eml", "ooo_de.eml", "bounce.eml", "own_reply_de.eml", "attachment_pdf_de.eml"} {
		b, err := os.ReadFile(filepath.Join(mailDir, name))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	os.WriteFile(filepath.Join(dir, "zz_broken.eml"), []byte("only text, no header\n"), 0o644)

	code, out, errOut := run(t, "", "parse", "--in", "dir:"+dir)
	if code != ExitPartial {
		t.Fatalf("exit %d, want %d (one broken file)\n%s", code, ExitPartial, errOut)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m struct {
			ID, Source, Subject, Text, Signature, Auto string
			Attachments                                []struct{ Name string }
		}
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, line)
		}
		if !strings.HasPrefix(m.Source, dir) || m.ID == "" || m.Text == "" {
			t.Errorf("incomplete message: %s", line)
		}
		got = append(got, filepath.Base(m.Source)+" auto="+m.Auto+" atts="+strconv.Itoa(len(m.Attachments)))
	}
	want := []string{
		"attachment_pdf_de.eml auto= atts=1",
		"bounce.eml auto=multipart/report (delivery status notification) atts=2",
		"gmail_de.eml auto= atts=0",
		"ooo_de.eml auto=Auto-Submitted: auto-replied atts=0",
		"own_reply_de.eml auto=X-Loop: antwort (our own reply) atts=0",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parsed messages mismatch (-want +got):\n%s", diff)
	}
	for _, s := range []string{
		"zz_broken.eml: not a mail message",
		"summary: 6 read, 5 parsed, 1 rejected",
		"parsed, to answer                       2",
		"parsed, machine mail (ignore)           3",
		"    not a mail                            1",
		"    X-Loop                                1",
	} {
		if !strings.Contains(errOut, s) {
			t.Errorf("stderr lacks %q:\n%s", s, errOut)
		}
	}
	if strings.Contains(out, `"raw_text"`) || strings.Contains(out, `\u003c`) {
		t.Errorf("stdout has raw_text without --raw-text, or escaped HTML characters")
	}
}

func TestParseCommandText(t *testing.T) {
	code, out, errOut := run(t, "", "parse", filepath.Join(mailDir, "outlook_de_reply.eml"), "--format", "text", "--raw-text")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, s := range []string{
		"From:        Katharina Vogel <k.vogel@example.de>",
		"Subject:     AW: Bestellung 4711-2026 nicht angekommen",
		"Date:        2026-03-12T09:14:58Z",
		"In-Reply-To: 3f2a9c1e8b7d4e5f@nordlicht.example",
		"-- text\nSehr geehrte Damen und Herren,",
		"-- signature\nMit freundlichen Grüßen",
		"-- quoted\n-----Ursprüngliche Nachricht-----",
		"-- raw text\nSehr geehrte Damen und Herren,",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("text output lacks %q:\n%s", s, out)
		}
	}
}

func TestParseCommandStdinAndOptions(t *testing.T) {
	mail := "From: Service <service@nordlicht.example>\nSubject: AW: Frage\nMessage-ID: <r1@nordlicht.example>\n\nAntwort\n"
	code, out, _ := run(t, mail, "parse", "eml:-", "--own-domain", "nordlicht.example")
	if code != ExitOK || !strings.Contains(out, `"auto":"Message-ID domain nordlicht.example (our own message)"`) || !strings.Contains(out, `"source":"stdin"`) {
		t.Errorf("exit %d, out %s", code, out)
	}
	jsonl := `{"id":"t1","channel":"twitter","author":"@kunde","text":"wo ist mein paket","created":"2026-03-12T10:00:00Z"}` + "\n"
	code, out, _ = run(t, jsonl, "parse", "-")
	if code != ExitOK || !strings.Contains(out, `"from":{"name":"@kunde"}`) || !strings.Contains(out, `"date":"2026-03-12T10:00:00Z"`) {
		t.Errorf("jsonl on stdin: exit %d, out %s", code, out)
	}
	big := filepath.Join(mailDir, "gmail_de.eml")
	code, _, errOut := run(t, "", "parse", big, "--max-bytes", "100")
	if code != ExitPartial || !strings.Contains(errOut, "over the limit of 100") {
		t.Errorf("--max-bytes: exit %d, stderr %s", code, errOut)
	}
}

func TestParseCommandErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"parse"}, ExitUsage, "parse needs an input"},
		{[]string{"parse", "--in", "/does/not/exist.eml"}, ExitError, "no such file"},
		{[]string{"parse", "--in", "maildir:" + mailDir}, ExitError, "is not a Maildir"},
		{[]string{"parse", "x.eml", "--format", "yaml"}, ExitUsage, "--format"},
		// One input missing, one fine: the rest is processed, exit 3.
		{[]string{"parse", "/does/not/exist.eml", filepath.Join(mailDir, "apple_en.eml")}, ExitPartial, "cannot open input"},
	}
	for _, tt := range tests {
		code, _, errOut := run(t, "", tt.args...)
		if code != tt.code || !strings.Contains(errOut, tt.err) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tt.args, code, errOut, tt.code, tt.err)
		}
	}
}

// TestTrainFromMaildir trains on a labelled Maildir tree and on mbox files
// with the label from the file name.
func TestTrainFromMaildir(t *testing.T) {
	db := filepath.Join(t.TempDir(), "antwort.db")
	code, out, errOut := run(t, "", "train", "--db", db, "--data", "maildir:"+filepath.Join(mailDir, "labelled"), "--folds", "2")
	if code != ExitOK {
		t.Fatalf("train maildir: exit %d\n%s%s", code, out, errOut)
	}
	var r trainResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	want := map[string]int{"cancel_contract": 5, "invoice_wrong": 5, "parcel_missing": 5, "password_reset": 5}
	if diff := cmp.Diff(want, r.Labels); diff != "" || r.Examples != 20 || r.Skipped != 0 {
		t.Errorf("labels mismatch (-want +got):\n%s (examples %d, skipped %d)", diff, r.Examples, r.Skipped)
	}
	// The model classifies a new mail.
	code, out, errOut = run(t, "", "classify", "--db", db, "--in-format", "eml", filepath.Join(mailDir, "latin1_qp_de.eml"))
	if code != ExitOK || !strings.Contains(out, `"label":"cancel_contract"`) {
		t.Errorf("classify after training on mail: exit %d\n%s%s", code, out, errOut)
	}

	// mbox: label from --label, or from the file name.
	mbox := filepath.Join(t.TempDir(), "praise.mbox")
	var b strings.Builder
	for i, text := range []string{"Danke für die schnelle Hilfe!", "Super Service, vielen Dank.", "Great support, thank you!", "Toller Fahrer, sehr freundlich."} {
		b.WriteString("From x@example.com Thu Mar 12 10:15:00 2026\nFrom: k" + string(rune('a'+i)) + "@example.de\nSubject: Lob\n\n" + text + "\n\n")
	}
	os.WriteFile(mbox, []byte(b.String()), 0o644)
	code, out, errOut = run(t, "", "train", "--db", db, "--data", "maildir:"+filepath.Join(mailDir, "labelled"), "--data", "mbox:"+mbox, "--folds", "2")
	if code != ExitOK || !strings.Contains(out, `"praise":4`) {
		t.Errorf("train with mbox: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = run(t, "", "train", "--db", db, "--data", "maildir:"+filepath.Join(mailDir, "labelled"), "--data", mbox, "--label", "lob", "--folds", "2")
	if code != ExitOK || !strings.Contains(out, `"lob":4`) {
		t.Errorf("train with mbox and --label: exit %d\n%s%s", code, out, errOut)
	}
}

// TestParseOwnReply: a reply as internal/outbox writes it is recognised as
// our own, so that a batch never answers it.
func TestParseOwnReply(t *testing.T) {
	var b strings.Builder
	err := outbox.WriteEML(&b, outbox.Reply{
		From: mail.Address{Name: "Nordlicht Service", Address: "service@nordlicht.example"}, To: mail.Address{Name: "Kunde", Address: "kunde@example.de"},
		Subject: "Bestellung 4711", Lang: "de", Text: "Guten Tag,\nIhr Paket ist unterwegs.\n\nIhr Kundenservice",
		InReplyTo: "<m1@example.de>",
	})
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, b.String(), "parse", "eml:-")
	if code != ExitOK || !strings.Contains(out, `"auto":"X-Loop: antwort (our own reply)"`) || !strings.Contains(out, `"in_reply_to":"m1@example.de"`) {
		t.Errorf("exit %d, out %s%s", code, out, errOut)
	}
}
