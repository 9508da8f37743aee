package natsq

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// TestBadMessagesDeadLettered publishes things that are not mail or posts
// onto the inbound stream: each goes to the dead-letter stream with the
// reason, the good mail beside them is decided, and nothing stays in the
// inbound stream.
func TestBadMessagesDeadLettered(t *testing.T) {
	ns := startNATS(t, nil)
	c := connect(t, ns.url)
	ctx := context.Background()
	bad := []struct {
		name, subject, ctype string
		data                 []byte
		reason               string
	}{
		{"empty", "antwort.in.email", "", nil, "not a mail"},
		{"binary", "antwort.in.email", "", []byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11\x12\x13\x14"), "binary"},
		{"prose", "antwort.in.email", TypeMail, []byte("Hallo, das ist keine Mail, nur ein Satz.\n"), "not a mail"},
		{"post without text", "antwort.in.chat", TypePost, []byte(`{"id":"c1","channel":"chat"}`), "text"},
		{"broken json", "antwort.in.chat", TypePost, []byte(`{"id":"c2","text":`), "invalid json"},
	}
	for _, b := range bad {
		m := nats.NewMsg(b.subject)
		m.Data = b.data
		m.Header.Set(HeaderSource, b.name)
		if b.ctype != "" {
			m.Header.Set(HeaderContentType, b.ctype)
		}
		if _, err := c.JS.PublishMsg(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	publishMails(t, c, 0, 1)
	runWorkers(t, 1, func(int) WorkerConfig { return WorkerConfig{Conn: c, KBDir: kbDir(t), Local: localEngine(t, 1)} })
	waitFor(t, 30*time.Second, "inbound stream empty", func() bool { return streamMsgs(t, c, InboundStream) == 0 })
	dead, err := DeadLetters(ctx, c.JS, DeadPrefix+".in.>", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != len(bad) {
		t.Fatalf("%d dead letters, want %d: %+v", len(dead), len(bad), dead)
	}
	bySource := map[string]DeadLetter{}
	for _, d := range dead {
		bySource[d.Source] = d
	}
	for _, b := range bad {
		d := bySource[b.name]
		if d.Source != b.name || !strings.Contains(strings.ToLower(d.Error), b.reason) || d.Attempts != 1 || d.Worker == "" ||
			!strings.HasPrefix(d.Subject, DeadPrefix+".in.") {
			t.Errorf("dead letter of %q = %+v, want a reason with %q", b.name, d, b.reason)
		}
	}
	if n := streamMsgs(t, c, DecisionsStream); n != 1 {
		t.Errorf("%d decisions, want 1 (the good mail)", n)
	}
}

// TestCrashLoopDeadLettered delivers a message MaxAttempts times without
// acknowledging it (as workers that crash on it would): the next worker
// that gets it dead-letters it instead of trying again.
func TestCrashLoopDeadLettered(t *testing.T) {
	ns := startNATS(t, nil)
	c := connect(t, ns.url)
	ctx := context.Background()
	publishMails(t, c, 0, 1)
	cons, err := c.JS.CreateOrUpdateConsumer(ctx, InboundStream, jetstream.ConsumerConfig{Durable: WorkersConsumer,
		AckPolicy: jetstream.AckExplicitPolicy, AckWait: DefaultAckWait, MaxDeliver: -1, FilterSubject: InboundPrefix + ".>"})
	if err != nil {
		t.Fatal(err)
	}
	const attempts = 3
	for range attempts {
		m, err := cons.Next(jetstream.FetchMaxWait(5 * time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Nak(); err != nil { // a crash, made quick
			t.Fatal(err)
		}
	}
	runWorkers(t, 1, func(int) WorkerConfig {
		return WorkerConfig{Conn: c, KBDir: kbDir(t), Local: localEngine(t, 1), MaxAttempts: attempts}
	})
	waitFor(t, 30*time.Second, "inbound stream empty", func() bool { return streamMsgs(t, c, InboundStream) == 0 })
	dead, err := DeadLetters(ctx, c.JS, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 1 || !strings.Contains(dead[0].Error, "delivered 3 times and never acknowledged") || dead[0].MessageID != "m0@kunde.example" {
		t.Errorf("dead letters: %+v", dead)
	}
	if n := streamMsgs(t, c, DecisionsStream); n != 0 {
		t.Errorf("%d decisions for a dead-lettered message", n)
	}
}

// TestFailingMessageRetriedThenDeadLettered makes every decision fail
// (the decisions stream is gone): each message is tried MaxAttempts times
// with a delay in between, then dead-lettered with the last error; nothing
// is acknowledged without a decision.
func TestFailingMessageRetriedThenDeadLettered(t *testing.T) {
	ns := startNATS(t, nil)
	c := connect(t, ns.url)
	ctx := context.Background()
	publishMails(t, c, 0, 2)
	if err := c.JS.DeleteStream(ctx, DecisionsStream); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	runWorkers(t, 1, func(int) WorkerConfig {
		return WorkerConfig{Conn: c, KBDir: kbDir(t), Local: localEngine(t, 1), MaxAttempts: 2}
	})
	waitFor(t, 30*time.Second, "inbound stream empty", func() bool { return streamMsgs(t, c, InboundStream) == 0 })
	if took := time.Since(start); took < time.Second {
		t.Errorf("dead-lettered after %s: no delay before the second attempt", took)
	}
	dead, err := DeadLetters(ctx, c.JS, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 2 {
		t.Fatalf("%d dead letters, want 2: %+v", len(dead), dead)
	}
	for _, d := range dead {
		if d.Attempts != 2 || !strings.Contains(d.Error, "failed 2 times; last error: publish decision") {
			t.Errorf("dead letter %+v", d)
		}
	}
}

// TestInFlightBounded checks that one worker never holds more messages
// unacknowledged than its InFlight.
func TestInFlightBounded(t *testing.T) {
	ns := startNATS(t, nil)
	c := connect(t, ns.url)
	publishMails(t, c, 0, 300)
	const limit = 3
	ws, _ := runWorkers(t, 1, func(int) WorkerConfig {
		return WorkerConfig{Conn: c, KBDir: kbDir(t), Local: localEngine(t, 1), InFlight: limit}
	})
	ctx := context.Background()
	peak, serverPeak := int64(0), 0
	waitFor(t, time.Minute, "all decided", func() bool {
		peak = max(peak, ws[0].Health().InFlight)
		if cons, err := c.JS.Consumer(ctx, InboundStream, WorkersConsumer); err == nil {
			if info, err := cons.Info(ctx); err == nil {
				serverPeak = max(serverPeak, info.NumAckPending)
			}
		}
		return streamMsgs(t, c, DecisionsStream) >= 300
	})
	if peak > limit || peak == 0 {
		t.Errorf("peak of messages in flight %d, want 1..%d", peak, limit)
	}
	// The server counts a message until the acknowledgement reaches it.
	t.Logf("peak in flight %d at the worker, %d unacknowledged at the server", peak, serverPeak)
}
