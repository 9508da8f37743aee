package natsq

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/internal/outbox"
)

// inboxTexts returns the texts of the demo inbox.
func inboxTexts(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(demoInbox)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var texts []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r struct{ Text string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		texts = append(texts, r.Text)
	}
	return texts
}

// publishMails publishes n generated mails.
func publishMails(t *testing.T, c *Conn, from, n int) {
	t.Helper()
	texts := inboxTexts(t)
	var failed []string
	p := NewPublisher(c, PublisherOptions{Done: func(r PublishResult) {
		if r.Err != nil {
			failed = append(failed, r.Key+": "+r.Err.Error())
		}
	}})
	ctx := context.Background()
	for i := from; i < from+n; i++ {
		if err := p.Publish(ctx, Item{Mail: genMail(i, texts[i%len(texts)]), Source: fmt.Sprintf("gen#%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(failed) > 0 {
		t.Fatalf("publish failed: %v", failed)
	}
}

func replyFn(msg *ingest.Message, s *antwort.Suggestion) outbox.Reply {
	return outbox.Reply{From: mail.Address{Name: "Nordlicht Service", Address: "service@nordlicht.example"}, To: mail.Address{Name: msg.Recipient().Name, Address: msg.Recipient().Address}, Subject: msg.Subject,
		Lang: s.Lang, Text: s.Draft, InReplyTo: msg.ID, Auto: true}
}

// runWorkers runs n workers until stop is called; stop waits for them.
func runWorkers(t *testing.T, n int, cfg func(i int) WorkerConfig) (ws []*Worker, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		w, err := NewWorker(cfg(i))
		if err != nil {
			t.Fatal(err)
		}
		ws = append(ws, w)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.Run(ctx); err != nil {
				errs <- err
			}
		}()
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Errorf("worker: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return ws, stop
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func streamMsgs(t *testing.T, c *Conn, name string) uint64 {
	t.Helper()
	st, err := c.JS.Stream(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// TestWorkersDecideAndSend runs two workers that decide and deliver: every
// message gets one decision, every send decision one reply at the SMTP
// server, and the inbound and outbox streams end empty.
func TestWorkersDecideAndSend(t *testing.T) {
	ns := startNATS(t, nil)
	c := connect(t, ns.url)
	sink := startSink(t)
	sender, err := outbox.NewSender(outbox.SMTPOptions{URL: "smtp://" + sink.addr + "?starttls=none", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	const n = 200
	publishMails(t, c, 0, n)
	k := kbDir(t)
	runWorkers(t, 2, func(i int) WorkerConfig {
		return WorkerConfig{Conn: c, Name: fmt.Sprintf("w%d", i), KBDir: k, Local: localEngine(t, 1), Reply: replyFn, Sender: sender, InFlight: 4}
	})
	waitFor(t, time.Minute, "all decisions", func() bool { return streamMsgs(t, c, DecisionsStream) >= n })
	waitFor(t, time.Minute, "empty inbound and outbox", func() bool {
		return streamMsgs(t, c, InboundStream) == 0 && streamMsgs(t, c, OutboxStream) == 0
	})
	ds := decisions(t, c.JS)
	seen := map[string]int{}
	sends := map[string]bool{}
	for _, d := range ds {
		seen[d.ID]++
		if d.Decision.Action == "send" && strings.HasPrefix(d.Outbox, "r") {
			sends[d.ID] = true
		}
		if d.Models.Origin != "local:test" || d.Models.Versions[0] != "intent@1" || d.Worker == "" || d.Source == "" {
			t.Errorf("decision %s records models %+v, worker %q, source %q", d.ID, d.Models, d.Worker, d.Source)
		}
	}
	if len(seen) != n || len(ds) != n {
		t.Errorf("%d decisions for %d messages, want %d each", len(ds), len(seen), n)
	}
	if len(sends) == 0 {
		t.Fatal("no send decisions: the test proves nothing")
	}
	got := map[string]int{}
	for _, b := range sink.messages() {
		m, err := mail.ReadMessage(strings.NewReader(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		got[strings.Trim(m.Header.Get("In-Reply-To"), "<>")]++
	}
	for id, c := range got {
		if c != 1 || !sends[id] {
			t.Errorf("%s answered %d times (send decision: %v)", id, c, sends[id])
		}
	}
	if len(got) != len(sends) {
		t.Errorf("%d replies delivered for %d send decisions", len(got), len(sends))
	}
	t.Logf("%d messages, %d send decisions, %d replies", n, len(sends), len(got))
}
