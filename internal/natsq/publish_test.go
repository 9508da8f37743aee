package natsq

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/antwort-dev/antwort/ingest"
)

// TestMailIDMatchesParse checks that the header-only MailID gives every
// test mail the ID ingest.Parse gives it.
func TestMailIDMatchesParse(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(mailDir, "*.eml"))
	if err != nil || len(files) < 10 {
		t.Fatalf("test mails: %v (%d)", err, len(files))
	}
	extra := map[string][]byte{
		"no-id":       []byte("From: a@b.example\r\nSubject: x\r\n\r\nHallo\r\n"),
		"folded":      []byte("From: a@b.example\r\nMessage-ID:\r\n <fold@x.example>\r\nSubject: x\r\n\r\nHallo\r\n"),
		"bare":        []byte("Message-Id: bare@x.example\nSubject: x\n\nHallo\n"),
		"mbox-from":   []byte("From someone Mon Mar  2 10:00:00 2026\nMessage-ID: <m@x.example>\nSubject: x\n\nHallo\n"),
		"id-in-body":  []byte("Subject: x\n\nMessage-ID: <not@header.example>\n"),
		"lower-case":  []byte("message-id: <Lower@X.example>\nsubject: x\n\nHallo\n"),
		"two-ids":     []byte("Message-ID: <first@x.example> <second@x.example>\nSubject: x\n\nHallo\n"),
		"blank-start": []byte("\r\n\r\nMessage-ID: <after-blank@x.example>\r\nSubject: x\r\n\r\nHallo\r\n"),
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		extra[filepath.Base(f)] = b
	}
	for name, raw := range extra {
		t.Run(name, func(t *testing.T) {
			msg, err := ingest.Parse(context.Background(), bytes.NewReader(raw), ingest.Options{})
			if err != nil {
				t.Skipf("does not parse: %v", err)
			}
			if got := MailID(raw); got != msg.ID {
				t.Errorf("MailID = %q, ingest.Parse ID = %q", got, msg.ID)
			}
		})
	}
}

// FuzzMailID checks that MailID never panics and agrees with ingest.Parse
// on every input that parses.
func FuzzMailID(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(mailDir, "*.eml"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("Message-ID: <a@b>\n\nx"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		id := MailID(raw)
		start := time.Now()
		msg, err := ingest.Parse(context.Background(), bytes.NewReader(raw), ingest.Options{})
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("ingest.Parse took %s on %d bytes", d, len(raw))
		}
		if err == nil && msg.ID != id {
			t.Errorf("MailID = %q, ingest.Parse ID = %q", id, msg.ID)
		}
	})
}

// TestItemMsg checks the subjects and headers of inbound messages.
func TestItemMsg(t *testing.T) {
	date := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		it      Item
		subject string
		key     string
		ctype   string
		body    string
	}{
		{"mail", Item{Mail: genMail(1, "Hallo"), Source: "new/1"}, "antwort.in.email", "m1@kunde.example", TypeMail, "Message-ID: <m1@kunde.example>"},
		{"post", Item{Post: &ingest.Message{ID: "tw-9", Channel: "Twitter", From: ingest.Address{Name: "@kunde"}, Text: "Wo bleibt mein Paket?", Date: date}, Source: "posts.jsonl:3"},
			"antwort.in.twitter", "tw-9", TypePost, `"created":"2026-03-02T10:00:00Z"`},
		{"post without id", Item{Post: &ingest.Message{ID: "posts.jsonl:4", Channel: "chat", Text: "Hallo"}, Source: "posts.jsonl:4"},
			"antwort.in.chat", "sha256:", TypePost, `"text":"Hallo"`},
		{"odd channel", Item{Post: &ingest.Message{ID: "x", Channel: "Face book.de", Text: "Hallo"}}, "antwort.in.face_book_de", "x", TypePost, `"id":"x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := tt.it.Msg()
			if err != nil {
				t.Fatal(err)
			}
			id, dedup := m.Header.Get(HeaderMessageID), m.Header.Get(HeaderMsgID)
			if m.Subject != tt.subject || !strings.HasPrefix(id, tt.key) || (dedup != id+" "+tt.it.Hash() && dedup != id) ||
				(tt.it.Mail != nil && len(tt.it.Hash()) != 32) || m.Header.Get(HeaderContentType) != tt.ctype ||
				m.Header.Get(HeaderSource) != tt.it.Source || !strings.Contains(string(m.Data), tt.body) {
				t.Errorf("Msg() = subject %q headers %v body %.200s", m.Subject, m.Header, m.Data)
			}
		})
	}
	if _, err := (Item{}).Msg(); err == nil {
		t.Error("an empty item gives no error")
	}
}

// TestPublishDuplicatesAndLargeMail publishes the same mails twice (the
// stream drops the second copies) and a mail larger than the server's
// max_payload (it goes to the mail bucket, and a worker still decides
// it).
func TestPublishDuplicatesAndLargeMail(t *testing.T) {
	ns := startNATS(t, func(o *server.Options) { o.MaxPayload = 64 << 10 })
	c := connect(t, ns.url)
	var res []PublishResult
	p := NewPublisher(c, PublisherOptions{Window: 3, Done: func(r PublishResult) { res = append(res, r) }})
	ctx := context.Background()
	big := genMail(99, "Ich möchte meinen Vertrag kündigen. "+strings.Repeat("Anhang ", 30000))
	items := []Item{{Mail: genMail(1, "Wo bleibt mein Paket?")}, {Mail: genMail(2, "Ich will mein Geld zurück")}, {Mail: big, Source: "big.eml"}}
	for range 2 {
		for _, it := range items {
			if err := p.Publish(ctx, it); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(res) != 6 {
		t.Fatalf("%d results, want 6", len(res))
	}
	for i, r := range res {
		if r.Err != nil || r.Duplicate != (i >= 3) || r.Large != (i%3 == 2) {
			t.Errorf("result %d: %+v", i, r)
		}
	}
	if n := streamMsgs(t, c, InboundStream); n != 3 {
		t.Errorf("inbound stream has %d messages, want 3", n)
	}
	runWorkers(t, 1, func(int) WorkerConfig { return WorkerConfig{Conn: c, KBDir: kbDir(t), Local: localEngine(t, 1)} })
	waitFor(t, time.Minute, "3 decisions", func() bool { return streamMsgs(t, c, DecisionsStream) >= 3 })
	found := false
	for _, d := range decisions(t, c.JS) {
		if d.ID == "m99@kunde.example" {
			found = d.Source == "big.eml" && d.Intent.Label != ""
		}
	}
	if !found {
		t.Error("the large mail was not decided")
	}
}
