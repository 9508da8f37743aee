package ingest

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestHTMLEmphasisGivesPlainText: HTML emphasis, headings and lists do not
// leave markup characters in the text classification and extraction see
// ("<b>A-61230</b>" must be "A-61230", not "*A-61230*"); quotes still go to
// Quoted.
func TestHTMLEmphasisGivesPlainText(t *testing.T) {
	html := "From: Jana Roth <jana@example.de>\r\nSubject: Reklamation\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/html; charset=utf-8\r\n\r\n" +
		"<html><body><h1>Reklamation</h1><p>Meine Bestellung <b>A-61230</b> kam <strong>kaputt</strong> an.</p>" +
		"<ul><li>Deckel gebrochen</li><li>Kabel fehlt</li></ul><p>Viele Grüße<br>Jana Roth</p>" +
		"<blockquote>Ihre Bestellung wurde versandt.</blockquote></body></html>\r\n"
	m, err := Parse(context.Background(), strings.NewReader(html), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "Reklamation\n\nMeine Bestellung A-61230 kam kaputt an.\n\nDeckel gebrochen\nKabel fehlt"
	if diff := cmp.Diff(want, m.Text); diff != "" {
		t.Errorf("text mismatch (-want +got):\n%s", diff)
	}
	if strings.ContainsAny(m.Text+m.Signature, "*>") {
		t.Errorf("markup left in text %q / signature %q", m.Text, m.Signature)
	}
	if !strings.Contains(m.Quoted, "Ihre Bestellung wurde versandt.") {
		t.Errorf("quoted = %q, want the blockquote", m.Quoted)
	}
}

// TestPlainEmphasisUnwrapped: the plain-text part of an HTML mail, where
// mail clients write bold as *…*, gives the same text.
func TestPlainEmphasisUnwrapped(t *testing.T) {
	mail := "From: Jana Roth <jana@example.de>\r\nSubject: Reklamation\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/alternative; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMeine Bestellung *A-61230* kam *kaputt* an.\r\n" +
		"--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Meine Bestellung <b>A-61230</b> kam <b>kaputt</b> an.</p>\r\n--b--\r\n"
	m, err := Parse(context.Background(), strings.NewReader(mail), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Meine Bestellung A-61230 kam kaputt an."; m.Text != want {
		t.Errorf("text = %q, want %q", m.Text, want)
	}
}

func TestUnwrapEmphasis(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Bestellung *A-61230* bitte", "Bestellung A-61230 bitte"},
		{"*A-61230*", "A-61230"},
		{"(*wichtig*)", "(wichtig)"},
		{"„*Sofort*“, bitte", "„Sofort“, bitte"},
		{"*sehr dringend*!", "sehr dringend!"},
		{"*a* *b*", "a b"},
		{"5*3*2 = 30", "5*3*2 = 30"},
		{"**doppelt**", "**doppelt**"},
		{"Preis* inkl. MwSt.\n*gilt nur heute", "Preis* inkl. MwSt.\n*gilt nur heute"},
		{"* Punkt eins\n* Punkt zwei", "* Punkt eins\n* Punkt zwei"},
		{"*offen\nzu*", "*offen\nzu*"},
		{"*x*y", "*x*y"},
		{"ohne Sternchen", "ohne Sternchen"},
	}
	for _, tt := range tests {
		if got := unwrapEmphasis(tt.in); got != tt.want {
			t.Errorf("unwrapEmphasis(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
