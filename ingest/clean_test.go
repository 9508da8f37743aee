package ingest

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// cleanCorpus is the corpus of real-looking German and English replies;
// each NAME.txt has its expected split in NAME.golden.
const cleanCorpus = "../testdata/mail/clean"

// formatCleaned renders a Cleaned for a golden file.
func formatCleaned(c Cleaned) string {
	return "=== text\n" + c.Text + "\n=== quoted\n" + c.Quoted + "\n=== signature\n" + c.Signature + "\n"
}

// golden compares got with the golden file path, or rewrites it with -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./ingest -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func TestCleanCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(cleanCorpus, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 25 {
		t.Fatalf("found %d corpus files in %s, want at least 25", len(files), cleanCorpus)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			c := Clean(string(b))
			golden(t, strings.TrimSuffix(f, ".txt")+".golden", formatCleaned(c))
			// Nothing is lost: every non-blank input line is in one part.
			all := c.Text + "\n" + c.Quoted + "\n" + c.Signature
			for _, l := range strings.Split(string(b), "\n") {
				if l = strings.TrimSpace(l); l != "" && !strings.Contains(all, l) {
					t.Errorf("line %q is in none of text, quoted, signature", l)
				}
			}
			if c.Text == "" {
				t.Errorf("Clean left no text")
			}
		})
	}
}

func TestClean(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Cleaned
	}{
		{"empty", "", Cleaned{}},
		{"blank", " \n\n\t\n", Cleaned{}},
		{"one line", "Wo ist mein Paket?", Cleaned{Text: "Wo ist mein Paket?"}},
		{"only a sign-off", "Viele Grüße", Cleaned{Text: "Viele Grüße"}},
		{"sign-off as the first line", "Viele Grüße\nMax", Cleaned{Text: "Viele Grüße\nMax"}},
		{"CRLF", "Hallo,\r\nbitte kündigen.\r\n\r\nMfG\r\nK. Weber\r\n", Cleaned{Text: "Hallo,\nbitte kündigen.", Signature: "MfG\nK. Weber"}},
		{"sign-off followed by prose stays", "Hallo,\nPaket fehlt.\nViele Grüße\nIch hoffe, Sie können mir bald helfen, denn ich warte schon lange.",
			Cleaned{Text: "Hallo,\nPaket fehlt.\nViele Grüße\nIch hoffe, Sie können mir bald helfen, denn ich warte schon lange."}},
		{"sign-off followed by a question stays", "Paket fehlt.\nGruß\nWann kommt es?", Cleaned{Text: "Paket fehlt.\nGruß\nWann kommt es?"}},
		{"Grüße in a sentence", "Ich sende Grüße an Ihr Team, aber das Paket fehlt noch immer.", Cleaned{Text: "Ich sende Grüße an Ihr Team, aber das Paket fehlt noch immer."}},
		{"thanks as the last line", "Paket ist da.\nDanke!", Cleaned{Text: "Paket ist da.\nDanke!"}},
		{"thanks with a name", "Paket ist da.\nDanke!\nMax", Cleaned{Text: "Paket ist da.", Signature: "Danke!\nMax"}},
		{"thanks, name on the line", "The parcel arrived.\nThanks, John", Cleaned{Text: "The parcel arrived.", Signature: "Thanks, John"}},
		{"gruss with name", "Vertrag bitte kündigen.\nGruß Max", Cleaned{Text: "Vertrag bitte kündigen.", Signature: "Gruß Max"}},
		{"umlaut-free spelling", "Vertrag bitte kuendigen.\n\nMit freundlichen Gruessen\nMax", Cleaned{Text: "Vertrag bitte kuendigen.", Signature: "Mit freundlichen Gruessen\nMax"}},
		{"quote only", "> alte Nachricht\n> noch alt", Cleaned{Quoted: "> alte Nachricht\n> noch alt"}},
		{"attribution without time is not cut", "Hallo,\nOn Monday I wrote:\nthe parcel is missing.", Cleaned{Text: "Hallo,\nOn Monday I wrote:\nthe parcel is missing."}},
		{"attribution with time cuts without >", "Neue Frage.\n\nAm 12.03.2026 um 10:15 schrieb Service <s@x.example>:\nAlte Antwort ohne Zitatzeichen.",
			Cleaned{Text: "Neue Frage.", Quoted: "Am 12.03.2026 um 10:15 schrieb Service <s@x.example>:\nAlte Antwort ohne Zitatzeichen."}},
		{"weak attribution needs >", "Mein Kollege schrieb:\nDas Paket kommt.", Cleaned{Text: "Mein Kollege schrieb:\nDas Paket kommt."}},
		{"weak attribution with >", "Danke.\n\nMax Muster schrieb:\n> Das Paket kommt.", Cleaned{Text: "Danke.", Quoted: "Max Muster schrieb:\n> Das Paket kommt."}},
		{"Von: in the text is not a header block", "Von: Hamburg\nNach: Berlin\nDatum: 12.03.\nDas Paket hängt fest.",
			Cleaned{Text: "Von: Hamburg\nNach: Berlin\nDatum: 12.03.\nDas Paket hängt fest."}},
		{"one-line header block", "Bitte prüfen.\n\nFrom: Service <s@x.example> Sent: Monday, March 9, 2026 Subject: Invoice\nold",
			Cleaned{Text: "Bitte prüfen.", Quoted: "From: Service <s@x.example> Sent: Monday, March 9, 2026 Subject: Invoice\nold"}},
		{"PS after the signature", "Neue IBAN anbei.\n\nViele Grüße\nTom\n\nP.S. Bitte ab April.", Cleaned{Text: "Neue IBAN anbei.\n\nP.S. Bitte ab April.", Signature: "Viele Grüße\nTom"}},
		{"mobile footer without sign-off", "Paket kaputt.\n\nSent from my iPhone", Cleaned{Text: "Paket kaputt.", Signature: "Sent from my iPhone"}},
		{"long signature block", "Bitte Rechnung korrigieren.\n\nMit freundlichen Grüßen\n\nDr. Erika Mustermann\nLeitung Einkauf\nMuster AG\nHauptstraße 1\n10115 Berlin\nTel. +49 30 1234567\nFax +49 30 1234568\nwww.muster.example",
			Cleaned{Text: "Bitte Rechnung korrigieren.", Signature: "Mit freundlichen Grüßen\n\nDr. Erika Mustermann\nLeitung Einkauf\nMuster AG\nHauptstraße 1\n10115 Berlin\nTel. +49 30 1234567\nFax +49 30 1234568\nwww.muster.example"}},
		{"sigdash without space far from the end is text", "Teil eins\n--\n" + strings.Repeat("Zeile\n", 30), Cleaned{Text: "Teil eins\n--\n" + strings.TrimSuffix(strings.Repeat("Zeile\n", 30), "\n")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Clean(tt.in)); diff != "" {
				t.Errorf("Clean(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}
