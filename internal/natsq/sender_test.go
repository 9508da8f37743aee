package natsq

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/antwort-dev/antwort/internal/outbox"
)

// queue puts a reply to message id on the outbox stream as a worker
// does; dedup overrides the Nats-Msg-Id (a copy the stream does not drop).
func queue(t *testing.T, c *Conn, id, dedup string) string {
	t.Helper()
	key := ReplyKey(id)
	var buf bytes.Buffer
	err := outbox.WriteEML(&buf, outbox.Reply{From: mail.Address{Name: "Service", Address: "service@nordlicht.example"}, To: mail.Address{Name: "Kunde", Address: "kunde@kunde.example"},
		Subject: "Paket", Lang: "de", Text: "Ihr Paket ist unterwegs.", InReplyTo: id, Auto: true})
	if err != nil {
		t.Fatal(err)
	}
	m := nats.NewMsg(OutboxSubject(key))
	m.Data = buf.Bytes()
	m.Header.Set(HeaderMsgID, key+dedup)
	m.Header.Set(HeaderReplyKey, key)
	m.Header.Set(HeaderInReplyTo, id)
	if _, err := c.JS.PublishMsg(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	return key
}

func claimOf(t *testing.T, c *Conn, key string) Claim {
	t.Helper()
	kv, err := c.JS.KeyValue(context.Background(), ClaimsBucket)
	if err != nil {
		t.Fatal(err)
	}
	e, err := kv.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("claim %s: %v", key, err)
	}
	var cl Claim
	if err := json.Unmarshal(e.Value(), &cl); err != nil {
		t.Fatal(err)
	}
	return cl
}

// TestReplyClaims drives the sender through every claim state against a
// real SMTP server: a reply is sent once; a copy of a sent reply is not
// sent again; a delivery whose answer never comes is uncertain, is
// dead-lettered and not repeated, nor is a copy of it; a claim left by a
// sender that died before or during its send stops the reply too; Release
// sends it after a person checked; a temporary refusal is retried.
func TestReplyClaims(t *testing.T) {
	ns := startNATS(t, nil)
	c := connect(t, ns.url)
	ctx := context.Background()
	sink := startSink(t)
	sender, err := outbox.NewSender(outbox.SMTPOptions{URL: "smtp://" + sink.addr + "?starttls=none", Timeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	runWorkers(t, 1, func(int) WorkerConfig {
		return WorkerConfig{Conn: c, KBDir: kbDir(t), Local: localEngine(t, 1), Sender: sender, MaxAttempts: 2}
	})
	received := func(id string) int {
		n := 0
		for _, b := range sink.messages() {
			if bytes.Contains(b, []byte("In-Reply-To: <"+id+">")) {
				n++
			}
		}
		return n
	}
	outboxEmpty := func() bool { return streamMsgs(t, c, OutboxStream) == 0 }

	// Sent once; a copy is a duplicate.
	k1 := queue(t, c, "a@kunde.example", "")
	waitFor(t, 10*time.Second, "sent", func() bool { return outboxEmpty() && received("a@kunde.example") == 1 })
	if cl := claimOf(t, c, k1); cl.State != ClaimSent || cl.MessageID != "a@kunde.example" || cl.Worker == "" {
		t.Errorf("claim after sending: %+v", cl)
	}
	queue(t, c, "a@kunde.example", "#copy")
	waitFor(t, 10*time.Second, "copy handled", outboxEmpty)
	if n := received("a@kunde.example"); n != 1 {
		t.Errorf("reply a received %d times", n)
	}

	// No answer after the data: uncertain, dead-lettered, not repeated.
	sink.set(false, 2*time.Second)
	k2 := queue(t, c, "b@kunde.example", "")
	waitFor(t, 10*time.Second, "uncertain", func() bool { return outboxEmpty() && claimOf(t, c, k2).State == ClaimUncertain })
	sink.set(false, 0)
	queue(t, c, "b@kunde.example", "#copy")
	waitFor(t, 10*time.Second, "copy handled", outboxEmpty)
	if n := received("b@kunde.example"); n != 1 {
		t.Errorf("reply b received %d times, want 1 (the uncertain delivery)", n)
	}
	dead, err := DeadLetters(ctx, c.JS, DeadPrefix+".outbox."+k2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 2 || !strings.Contains(dead[0].Error, "uncertain") || !strings.Contains(dead[1].Error, "claimed by") || dead[0].Key != k2 {
		t.Errorf("dead letters of the uncertain reply: %+v", dead)
	}

	// A sender died after claiming (before or during its send).
	kv, err := c.JS.KeyValue(ctx, ClaimsBucket)
	if err != nil {
		t.Fatal(err)
	}
	k3 := ReplyKey("c@kunde.example")
	if _, err := kv.Create(ctx, k3, Claim{Key: k3, State: ClaimSending, Worker: "dead-worker", At: time.Now()}.encode()); err != nil {
		t.Fatal(err)
	}
	queue(t, c, "c@kunde.example", "")
	waitFor(t, 10*time.Second, "claimed reply handled", outboxEmpty)
	if n := received("c@kunde.example"); n != 0 {
		t.Errorf("a reply claimed by a dead sender was sent %d times", n)
	}
	dead, _ = DeadLetters(ctx, c.JS, DeadPrefix+".outbox."+k3, 0)
	if len(dead) != 1 || !strings.Contains(dead[0].Error, "dead-worker") || !strings.Contains(dead[0].Error, "antwort worker release "+k3) {
		t.Errorf("dead letters of the claimed reply: %+v", dead)
	}

	// Release after checking: sent once more, then it cannot be released.
	if err := Release(ctx, c.JS, k3); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "released reply sent", func() bool { return received("c@kunde.example") == 1 && outboxEmpty() })
	if err := Release(ctx, c.JS, k3); !errors.Is(err, ErrSent) {
		t.Errorf("Release of a sent reply: %v, want ErrSent", err)
	}
	if err := Release(ctx, c.JS, ReplyKey("nobody")); !errors.Is(err, ErrNotFound) {
		t.Errorf("Release of an unknown key: %v, want ErrNotFound", err)
	}

	// A temporary refusal frees the claim and is tried again; after
	// MaxAttempts it is dead-lettered and marked failed.
	sink.set(true, 0)
	k4 := queue(t, c, "d@kunde.example", "")
	waitFor(t, 20*time.Second, "refused reply dead-lettered", outboxEmpty)
	dead, _ = DeadLetters(ctx, c.JS, DeadPrefix+".outbox."+k4, 0)
	if len(dead) != 1 || !strings.Contains(dead[0].Error, "failed 2 times") || !strings.Contains(dead[0].Error, "451") {
		t.Errorf("dead letters of the refused reply: %+v", dead)
	}
	if _, err := kv.Get(ctx, k4); !errors.Is(err, jetstream.ErrKeyNotFound) {
		t.Errorf("claim of a reply that was never delivered: %v, want none", err)
	}
	sink.set(false, 0)
	if err := Release(ctx, c.JS, k4); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "released refused reply sent", func() bool { return received("d@kunde.example") == 1 })
}
