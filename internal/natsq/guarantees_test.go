package natsq

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/reply"
)

// oneSender returns generated mail i with the sender replaced by one
// fixed customer.
func oneSender(i int, text string) []byte {
	return bytes.Replace(genMail(i, text), fmt.Appendf(nil, "From: Kunde %d <kunde%d@kunde.example>", i, i),
		[]byte("From: Brigitte Hoffmann <b.hoffmann@kunde.example>"), 1)
}

// TestRateLimitHoldsAcrossWorkers: workers racing for one sender's
// answers, in one process or several, get exactly the limit between
// them; the count outlives the workers.
func TestRateLimitHoldsAcrossWorkers(t *testing.T) {
	ns := startNATS(t, nil)
	c := connect(t, ns.url)
	ctx := context.Background()
	kv, err := c.JS.KeyValue(ctx, AnswersBucket)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("race", func(t *testing.T) {
		// Two Limiters on two connections: two worker processes.
		c2 := connect(t, ns.url)
		kv2, err := c2.JS.KeyValue(ctx, AnswersBucket)
		if err != nil {
			t.Fatal(err)
		}
		ls := []reply.Limiter{NewLimiter(kv, time.Hour), NewLimiter(kv2, time.Hour)}
		key := reply.SenderKey("race@kunde.example")
		var taken atomic.Int64
		var wg sync.WaitGroup
		for i := range 32 {
			wg.Go(func() {
				ok, err := ls[i%2].Take(ctx, key, time.Now(), 3)
				if err != nil {
					t.Error(err)
				}
				if ok {
					taken.Add(1)
				}
			})
		}
		wg.Wait()
		if taken.Load() != 3 {
			t.Errorf("%d of 32 racing answers taken, want exactly 3", taken.Load())
		}
		if n, err := ls[0].Recent(ctx, key, time.Now()); n != 3 || err != nil {
			t.Errorf("Recent = %d, %v; want 3", n, err)
		}
	})

	t.Run("workers", func(t *testing.T) {
		texts := inboxTexts(t)
		k := kbDir(t)
		sends := 0
		for round := range 2 {
			// Mails from one sender; each round runs two new workers.
			p := NewPublisher(c, PublisherOptions{})
			for i := round * 40; i < (round+1)*40; i++ {
				if err := p.Publish(ctx, Item{Mail: oneSender(i, texts[i%len(texts)]), Source: fmt.Sprintf("gen#%d", i)}); err != nil {
					t.Fatal(err)
				}
			}
			if err := p.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			_, stop := runWorkers(t, 2, func(i int) WorkerConfig {
				return WorkerConfig{Conn: c, Name: fmt.Sprintf("r%dw%d", round, i), KBDir: k, Local: localEngine(t, 1), InFlight: 8}
			})
			waitFor(t, time.Minute, "the round's decisions", func() bool { return streamMsgs(t, c, DecisionsStream) >= uint64((round+1)*40) })
			stop()
		}
		limited := 0
		for _, d := range decisions(t, c.JS) {
			if d.Decision.Action == reply.Send {
				sends++
			}
			for _, f := range d.Decision.Failed() {
				if f == "rate limit" {
					limited++
				}
			}
		}
		if sends != 3 || limited == 0 {
			t.Errorf("80 mails from one sender, two rounds of two workers: %d automatic answers, %d held back by the rate limit; want 3 answers", sends, limited)
		}
	})
}

// TestWorkerRefusesShortAnswersTTL: a bucket that would forget answers
// within the rate limit's window stops the worker with a clear error.
func TestWorkerRefusesShortAnswersTTL(t *testing.T) {
	ns := startNATS(t, nil)
	c := connect(t, ns.url)
	ctx := context.Background()
	if err := c.JS.DeleteKeyValue(ctx, AnswersBucket); err != nil {
		t.Fatal(err)
	}
	if err := Setup(ctx, c.JS, SetupOptions{AnswersTTL: time.Hour}); err != nil {
		t.Fatal(err)
	}
	w, err := NewWorker(WorkerConfig{Conn: c, KBDir: kbDir(t), Local: localEngine(t, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Run(ctx); err == nil || !bytes.Contains([]byte(err.Error()), []byte("less than the rate limit's window")) {
		t.Errorf("Run with a 1h answers bucket and a 24h window = %v, want a refusal", err)
	}
}

// TestReusedMessageIDStillDecided: a different mail with the Message-ID
// of one published before is published, decided, reported as a reused
// ID and gets a reply key of its own; a copy of the first is dropped.
func TestReusedMessageIDStillDecided(t *testing.T) {
	ns := startNATS(t, nil)
	c := connect(t, ns.url)
	ctx := context.Background()
	texts := inboxTexts(t)
	first := genMail(1, texts[0])
	other := bytes.Replace(genMail(2, texts[1]), []byte("<m2@kunde.example>"), []byte("<m1@kunde.example>"), 1)
	var res []PublishResult
	p := NewPublisher(c, PublisherOptions{Done: func(r PublishResult) { res = append(res, r) }})
	for _, m := range [][]byte{first, other, first} {
		if err := p.Publish(ctx, Item{Mail: m}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 || res[0].Duplicate || res[1].Duplicate || !res[2].Duplicate || res[0].Key != res[1].Key {
		t.Fatalf("publish results %+v; want the two mails published under one key, the copy dropped", res)
	}
	runWorkers(t, 1, func(int) WorkerConfig {
		return WorkerConfig{Conn: c, KBDir: kbDir(t), Local: localEngine(t, 1), Reply: replyFn}
	})
	waitFor(t, time.Minute, "2 decisions", func() bool { return streamMsgs(t, c, DecisionsStream) >= 2 })
	ds := decisions(t, c.JS)
	// The worker decides both at once: either may be the first.
	if len(ds) != 2 || ds[0].ID != "m1@kunde.example" || ds[1].ID != "m1@kunde.example" || ds[0].ReusedID == ds[1].ReusedID {
		t.Fatalf("decisions %+v; want both mails decided, one marked reused_id", ds)
	}
	// Each would get its own reply: the keys differ.
	ids, err := c.JS.KeyValue(ctx, IDsBucket)
	if err != nil {
		t.Fatal(err)
	}
	if e, err := ids.Get(ctx, idKey("m1@kunde.example")); err != nil || len(e.Value()) != 32 {
		t.Errorf("IDs bucket entry: %v, %v", e, err)
	}
	if _, err := ids.Get(ctx, idKey("m2@kunde.example")); err != jetstream.ErrKeyNotFound {
		t.Errorf("IDs bucket has an entry for a Message-ID never decided: %v", err)
	}
	w := &Worker{ids: ids}
	var keys []string
	for _, raw := range [][]byte{first, other, first} {
		msg, err := ingest.Parse(ctx, bytes.NewReader(raw), ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		id, _, err := w.identity(ctx, msg)
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, ReplyKey(id))
	}
	if keys[0] == keys[1] || keys[0] != keys[2] {
		t.Errorf("reply keys %q: want one per message, the same for a copy", keys)
	}
}
