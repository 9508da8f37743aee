package ingest

import (
	"context"
	"strings"
	"testing"
)

// TestContentHash: copies of one mail that took different ways share a
// ContentHash; two different mails with one Message-ID do not.
func TestContentHash(t *testing.T) {
	const mail = "Message-ID: <4711@kunde.example>\nFrom: Brigitte Hoffmann <b.hoffmann@kunde.example>\nTo: service@example.com\n" +
		"Subject: Paket fehlt\nDate: Tue, 03 Mar 2026 10:00:00 +0100\n\nMein Paket ist nicht angekommen.\nBestellnummer 12345\n"
	hash := func(raw string) string {
		t.Helper()
		m, err := Parse(context.Background(), strings.NewReader(raw), Options{})
		if err != nil {
			t.Fatal(err)
		}
		return m.ContentHash
	}
	h := hash(mail)
	for name, raw := range map[string]string{
		"relayed":       "Received: from mx1 by mx2; Tue, 3 Mar 2026 10:00:01 +0100\nDelivered-To: service@example.com\n" + mail,
		"CRLF":          strings.ReplaceAll(mail, "\n", "\r\n"),
		"mbox":          "From b.hoffmann@kunde.example Tue Mar  3 10:00:00 2026\n" + mail + "\n\n",
		"folded":        strings.Replace(mail, "Subject: Paket fehlt", "Subject: Paket\n fehlt", 1),
		"spam-checked":  strings.Replace(mail, "\n\n", "\nX-Spam-Score: 0.1\n\n", 1),
		"header order":  strings.Replace(strings.Replace(mail, "To: service@example.com\n", "", 1), "\n\n", "\nTo: service@example.com\n\n", 1),
		"field case":    strings.Replace(mail, "Subject:", "SUBJECT:", 1),
		"trailing line": mail + "\n\n",
	} {
		if got := hash(raw); got != h {
			t.Errorf("%s copy: ContentHash %s, want the original's %s", name, got, h)
		}
	}
	for name, raw := range map[string]string{
		"other body":    strings.Replace(mail, "12345", "12346", 1),
		"other sender":  strings.Replace(mail, "b.hoffmann@kunde.example>", "attacker@evil.example>", 1),
		"other subject": strings.Replace(mail, "Paket fehlt", "Rechnung", 1),
		"other date":    strings.Replace(mail, "10:00:00", "10:00:01", 1),
		"cc added":      strings.Replace(mail, "\n\n", "\nCc: x@example.com\n\n", 1),
	} {
		if got := hash(raw); got == h {
			t.Errorf("%s: same ContentHash as the original", name)
		}
	}
	post := func(line string) string {
		t.Helper()
		r, err := NewReader(strings.NewReader(line), "posts.jsonl", "jsonl", Options{})
		if err != nil {
			t.Fatal(err)
		}
		m, err := r.Next(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return m.ContentHash
	}
	p := post(`{"id":"tw-1","channel":"twitter","from":"@kunde42","text":"Wo bleibt mein Paket?"}`)
	if got := post(`{"text":"Wo bleibt mein Paket?","from":"@kunde42","channel":"twitter","id":"tw-1"}`); got != p {
		t.Errorf("the same post with its fields in another order: %s, want %s", got, p)
	}
	if got := post(`{"id":"tw-1","channel":"twitter","from":"@kunde42","text":"Wo bleibt meine Rechnung?"}`); got == p {
		t.Errorf("another post with the same id has the same ContentHash")
	}
}
