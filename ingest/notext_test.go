package ingest

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// forwardChain returns a mail that forwards a message nested n levels
// deep, as message/rfc822 parts (rfc822) or as text (a forward without
// comment, n times).
func forwardChain(n int, rfc822 bool) string {
	if rfc822 {
		inner := "From: Kunde <k@kunde.example>\r\nSubject: Frage\r\nContent-Type: text/plain\r\n\r\nWo bleibt meine Bestellung 4711-2231?\r\n"
		for i := range n {
			inner = fmt.Sprintf("From: P%d <p%d@x.example>\r\nSubject: Fwd: Frage\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n", i, i) + inner
		}
		return "Message-ID: <chain@kunde.example>\r\nTo: service@nordlicht.example\r\n" + inner
	}
	body := "Wo bleibt meine Bestellung 4711-2231?\r\n"
	for i := range n {
		body = fmt.Sprintf("---------- Forwarded message ---------\r\nFrom: Person %d <p%d@x.example>\r\nDate: Mon, 2 Mar 2026 10:00\r\nSubject: Fwd: Frage\r\nTo: s@x.example\r\n\r\n", i, i) + body
	}
	return "From: Kunde <k@kunde.example>\r\nTo: service@nordlicht.example\r\nSubject: Fwd: Frage\r\nMessage-ID: <fwd@kunde.example>\r\n\r\n" + body
}

// htmlMail returns a mail whose only body is html.
func htmlMail(html string) string {
	return "From: Kunde <k@kunde.example>\r\nTo: service@nordlicht.example\r\nSubject: Frage\r\nMessage-ID: <h@kunde.example>\r\n" +
		"Content-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n"
}

// TestNoTextIsNeverSilent: a mail whose body gives no text says why
// (Message.NoText and a warning) instead of passing on an empty text; a
// body that cannot be laid out is read without its layout.
func TestNoTextIsNeverSilent(t *testing.T) {
	const deep = 200000
	tests := []struct {
		name     string
		raw      string
		text     string // in Text
		noText   string // in NoText; "" for none
		warnings string // in Warnings
	}{
		{"200,000 nested divs", htmlMail("<html><body>" + strings.Repeat("<div>", deep) + "Wo bleibt meine Bestellung 4711-2231?" + strings.Repeat("</div>", deep) + "</body></html>"),
			"", "of the HTML part hold no text", "could not be laid out"},
		{"2,000 nested divs", htmlMail("<html><body>" + strings.Repeat("<div>", 2000) + "Wo bleibt meine Bestellung 4711-2231?" + strings.Repeat("</div>", 2000) + "</body></html>"),
			"Wo bleibt meine Bestellung 4711-2231?", "", "could not be laid out"},
		{"200 forwarded messages", forwardChain(200, true), "", "nested more than 3 levels deep", "no text: the mail forwards messages"},
		{"200 forwards without comment", forwardChain(200, false), "", "quoted history or forwarded messages", "no text:"},
		{"HTML without text", htmlMail(`<html><body><img src="cid:1"></body></html>`), "", "the HTML part holds no text", "no text:"},
		{"only an attachment", "From: Kunde <k@kunde.example>\r\nSubject: Rechnung\r\nMessage-ID: <a@kunde.example>\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=r.pdf\r\n\r\n%PDF-1.4\r\n--b--\r\n",
			"", "only attachments", "no text:"},
		{"two forwards are read", forwardChain(2, true), "Wo bleibt meine Bestellung", "", ""},
		{"one forward without comment is read", forwardChain(1, false), "Wo bleibt meine Bestellung", "", ""},
	}
	for _, tt := range tests {
		m, err := Parse(context.Background(), strings.NewReader(tt.raw), Options{})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		w := strings.Join(m.Warnings, "; ")
		switch {
		case !strings.Contains(m.Text, tt.text) || tt.text == "" && m.Text != "":
			t.Errorf("%s: Text %.100q, want %q", tt.name, m.Text, tt.text)
		case tt.noText == "" && m.NoText != "" || !strings.Contains(m.NoText, tt.noText):
			t.Errorf("%s: NoText %q, want %q", tt.name, m.NoText, tt.noText)
		case tt.warnings == "" && w != "" || !strings.Contains(w, tt.warnings):
			t.Errorf("%s: warnings %q, want %q", tt.name, w, tt.warnings)
		}
	}
}
