package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// idsOf returns the "id" of each JSON line of out.
func idsOf(t *testing.T, out string) []string {
	t.Helper()
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var r struct{ ID string }
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		ids = append(ids, r.ID)
	}
	return ids
}

// TestClassifyAndReplyReadInputSpecs: classify and reply read every input
// batch and parse read (a plain folder, dir:, maildir:, mbox:, eml:, a
// folder of mail files without .eml), through the same input helper, and
// see the same messages in the same order as parse.
func TestClassifyAndReplyReadInputSpecs(t *testing.T) {
	db, k := sharedTrained(t)
	tmp := t.TempDir()
	// An mbox of two mails and an MH-style folder (files named 1, 2).
	mh := filepath.Join(tmp, "mh")
	if err := os.Mkdir(mh, 0o755); err != nil {
		t.Fatal(err)
	}
	var mbox []byte
	for i, name := range []string{"gmail_de.eml", "apple_en.eml"} {
		b, err := os.ReadFile(filepath.Join(mailDir, name))
		if err != nil {
			t.Fatal(err)
		}
		mbox = append(append(append(mbox, "From someone@example.com Thu Mar 12 10:15:00 2026\n"...), b...), '\n')
		if err := os.WriteFile(filepath.Join(mh, string(rune('1'+i))), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	mboxPath := filepath.Join(tmp, "export.mbox")
	if err := os.WriteFile(mboxPath, mbox, 0o644); err != nil {
		t.Fatal(err)
	}
	specs := []string{
		mailDir,
		"dir:" + mailDir,
		"maildir:" + filepath.Join(mailDir, "labelled", "cancel_contract"),
		filepath.Join(mailDir, "labelled", "cancel_contract"),
		"mbox:" + mboxPath,
		mboxPath,
		"eml:" + filepath.Join(mailDir, "gmail_de.eml"),
		mh,
	}
	for _, spec := range specs {
		t.Run(filepath.Base(spec), func(t *testing.T) {
			code, out, errOut := run(t, "", "parse", spec)
			if code != ExitOK {
				t.Fatalf("parse %s: exit %d: %s", spec, code, errOut)
			}
			want := idsOf(t, out)
			if len(want) == 0 {
				t.Fatalf("parse %s: no messages", spec)
			}
			code, out, errOut = run(t, "", "classify", "--db", db, spec)
			if code != ExitOK {
				t.Fatalf("classify %s: exit %d: %s", spec, code, errOut)
			}
			if diff := cmp.Diff(want, idsOf(t, out)); diff != "" {
				t.Errorf("classify %s: ids mismatch with parse (-parse +classify):\n%s", spec, diff)
			}
			code, out, errOut = run(t, "", "reply", "--db", db, "--kb", k, spec)
			if code != ExitOK {
				t.Fatalf("reply %s: exit %d: %s", spec, code, errOut)
			}
			if diff := cmp.Diff(want, idsOf(t, out)); diff != "" {
				t.Errorf("reply %s: ids mismatch with parse (-parse +reply):\n%s", spec, diff)
			}
		})
	}
}

// TestClassifyFolderGolden fixes classify's table for a plain folder of
// mail files, the first thing a newcomer tries.
func TestClassifyFolderGolden(t *testing.T) {
	db, _ := sharedTrained(t)
	code, out, errOut := run(t, "", "classify", "--db", db, "--format", "text", filepath.Join(mailDir, "labelled", "parcel_missing"))
	if code != ExitOK {
		t.Fatalf("classify: exit %d: %s", code, errOut)
	}
	golden(t, "classify_folder", out)
}

// TestClassifyInputErrors: a missing input and a bad --in-format say what
// is wrong; a plain text file without a known extension is read as lines.
func TestClassifyInputErrors(t *testing.T) {
	db, _ := sharedTrained(t)
	code, _, errOut := run(t, "", "classify", "--db", db, "no-such-folder")
	if code != ExitError || !strings.Contains(errOut, `"no-such-folder"`) || !strings.Contains(errOut, "no such file") {
		t.Errorf("missing input: exit %d, %q", code, errOut)
	}
	code, _, errOut = run(t, "", "classify", "--db", db, "--in-format", "xml", "-")
	if code != ExitUsage || !strings.Contains(errOut, `--in-format "xml"`) {
		t.Errorf("bad --in-format: exit %d, %q", code, errOut)
	}
	lines := filepath.Join(t.TempDir(), "requests")
	if err := os.WriteFile(lines, []byte("Wo bleibt mein Paket?\nI forgot my password\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "", "classify", "--db", db, lines)
	if code != ExitOK || len(idsOf(t, out)) != 2 {
		t.Errorf("text lines: exit %d, %d results, %s", code, len(idsOf(t, out)), errOut)
	}
}

// TestReplyHTMLEmphasisKeepsOrderNumber: an HTML-only mail with the order
// number in bold gets it into the draft ("<b>A-61230</b>" once became
// "*A-61230*", was not found, and the draft showed a placeholder).
func TestReplyHTMLEmphasisKeepsOrderNumber(t *testing.T) {
	db, k := sharedTrained(t)
	mail := filepath.Join(t.TempDir(), "bold.eml")
	body := "From: Jana Roth <jana.roth@example.de>\r\nTo: service@nordlicht.example\r\nSubject: Paket nicht angekommen\r\n" +
		"Message-ID: <bold-1@example.de>\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
		"<p>Hallo,</p><p>mein Paket zur Bestellung <b>A-61230</b> ist immer noch nicht angekommen. Wo bleibt es?</p><p>Viele Grüße<br>Jana Roth</p>\r\n"
	if err := os.WriteFile(mail, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "", "reply", "--db", db, "--kb", k, mail)
	if code != ExitOK {
		t.Fatalf("reply: exit %d: %s", code, errOut)
	}
	var r struct {
		Found struct {
			OrderNumber string `json:"order_number"`
		}
		Draft   string
		Missing []string
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if r.Found.OrderNumber != "A-61230" || !strings.Contains(r.Draft, "A-61230") || strings.Contains(r.Draft, "[Bestellnummer]") {
		t.Errorf("order number %q, missing %v, draft:\n%s", r.Found.OrderNumber, r.Missing, r.Draft)
	}
}
