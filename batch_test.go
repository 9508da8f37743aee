package antwort

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/journal"
	"github.com/antwort-dev/antwort/kb"
)

// sliceSource yields fixed messages; a nil entry is a broken item.
type sliceSource struct {
	msgs []*ingest.Message
	i    int
	err  error // returned after the messages instead of io.EOF
}

func (s *sliceSource) Next(ctx context.Context) (*ingest.Message, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if s.i >= len(s.msgs) {
		if s.err != nil {
			return nil, s.err
		}
		return nil, io.EOF
	}
	m := s.msgs[s.i]
	s.i++
	if m == nil {
		return nil, &ingest.Problem{Source: "slice", Line: s.i, Err: ingest.ErrNotMail}
	}
	return m, nil
}

var (
	engineOnce sync.Once
	engineVal  *Engine
	engineErr  error
)

// classifyEngine is an engine trained on the sample corpus (shared by the
// tests of this file).
func classifyEngine(t *testing.T) *Engine {
	t.Helper()
	engineOnce.Do(func() {
		var m *classifier.Model
		m, engineErr = classifier.Train(context.Background(), sample(t, "intent"), classifier.Options{})
		if engineErr == nil {
			engineVal, engineErr = New(Config{Intent: m})
		}
	})
	if engineErr != nil {
		t.Fatal(engineErr)
	}
	return engineVal
}

// classifyOnly processes a message with Classify (no knowledge base).
func classifyOnly(e *Engine) func(context.Context, *ingest.Message) (*Suggestion, error) {
	return func(ctx context.Context, m *ingest.Message) (*Suggestion, error) {
		r, err := e.Classify(ctx, m)
		if err != nil {
			return nil, err
		}
		return &Suggestion{Result: r}, nil
	}
}

func TestRun(t *testing.T) {
	e := classifyEngine(t)
	day := func(d int) time.Time { return time.Date(2026, 3, d, 10, 0, 0, 0, time.UTC) }
	msgs := []*ingest.Message{
		{ID: "a", Text: "Mein Paket ist nicht angekommen, Sendungsverfolgung zeigt nichts. Bestellung 4711", Date: day(5)},
		{ID: "b", Text: "Ich möchte meinen Vertrag kündigen.", Date: day(6)},
		nil, // broken
		{ID: "a", Text: "Mein Paket ist nicht angekommen, Bestellung 4711", Date: day(7)}, // the same Message-ID again (which of the two is processed depends on the workers)
		{ID: "c", Text: "Mein Passwort funktioniert nicht mehr", Date: day(1)},            // old
		{ID: "d", Text: "Please refund my order", Date: day(8)},                           // done before
		{ID: "", Text: "no id, never a duplicate"},
		{ID: "", Text: "no id, never a duplicate"},
	}
	var problems, skipped []string
	var got []string
	st, err := e.Run(context.Background(), &sliceSource{msgs: msgs}, func(o *Outcome) error {
		if o.Err != nil {
			return o.Err
		}
		got = append(got, o.Message.ID+":"+o.Suggestion.Intent.Label)
		return nil
	}, RunOptions{
		Workers: 3,
		Since:   day(3),
		Done: func(k, _ string) (journal.Status, error) {
			if k == "d" {
				return journal.Processed, nil
			}
			return journal.New, nil
		},
		Process: classifyOnly(e),
		Problem: func(err error) { problems = append(problems, err.Error()) },
		Skipped: func(m *ingest.Message, key, reason string) { skipped = append(skipped, key+":"+reason) },
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(skipped)
	if diff := cmp.Diff([]string{"a:duplicate", "d:done"}, skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	sort.Strings(got)
	want := []string{":", ":", "a:parcel_missing", "b:cancel_contract"}
	for i := range got {
		if strings.HasPrefix(got[i], ":") {
			got[i] = ":"
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("processed (-want +got):\n%s", diff)
	}
	wantSt := RunStats{Read: 7, Problems: 1, Duplicates: 1, Done: 1, Old: 1, Processed: 4}
	if diff := cmp.Diff(wantSt, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	if len(problems) != 1 || !strings.Contains(problems[0], "slice:3") {
		t.Errorf("problems %q, want the broken item at slice:3", problems)
	}
}

// TestReusedMessageIDStillDecided: a different mail that carries the
// Message-ID of one read before (in this run, or in an earlier one as the
// journal says) is decided and reported as a reused ID; a copy of a mail
// is still skipped.
func TestReusedMessageIDStillDecided(t *testing.T) {
	e := classifyEngine(t)
	parse := func(from, body string) *ingest.Message {
		t.Helper()
		m, err := ingest.Parse(context.Background(), strings.NewReader("Message-ID: <4711@kunde.example>\nFrom: "+from+
			"\nSubject: Anfrage\n\n"+body+"\n"), ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	first := parse("attacker@evil.example", "Ich möchte meinen Vertrag kündigen.")
	customer := parse("b.hoffmann@kunde.example", "Mein Paket ist nicht angekommen, Bestellung 4711")
	copyOfFirst := parse("attacker@evil.example", "Ich möchte meinen Vertrag kündigen.")
	j, err := journal.Open(filepath.Join(t.TempDir(), "j"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	run := func(msgs ...*ingest.Message) (RunStats, []string) {
		t.Helper()
		var got []string
		st, err := e.Run(context.Background(), &sliceSource{msgs: msgs}, func(o *Outcome) error {
			got = append(got, fmt.Sprintf("%s reused=%v", o.Suggestion.Intent.Label, o.ReusedID))
			return j.Commit(context.Background(), []journal.Entry{{Key: o.Message.ID, Hash: o.Message.ContentHash}}, nil)
		}, RunOptions{Workers: 1, Done: j.Check, Process: classifyOnly(e)})
		if err != nil {
			t.Fatal(err)
		}
		return st, got
	}
	st, got := run(first, customer, copyOfFirst)
	if diff := cmp.Diff([]string{"cancel_contract reused=false", "parcel_missing reused=true"}, got); diff != "" {
		t.Errorf("one run (-want +got):\n%s", diff)
	}
	if st.Processed != 2 || st.Duplicates != 1 || st.ReusedIDs != 1 {
		t.Errorf("one run: %+v, want 2 processed, 1 duplicate, 1 reused ID", st)
	}
	// The next run: both are done; a third mail with the ID is decided.
	third := parse("c.weber@kunde.example", "Bitte ändern Sie meine Adresse.")
	st, got = run(customer, first, third)
	if len(got) != 1 || !strings.HasSuffix(got[0], "reused=true") || st.Done != 2 || st.ReusedIDs != 1 {
		t.Errorf("next run: %v, %+v; want the third mail decided as a reused ID, two done", got, st)
	}
}

func TestRunFailuresAndStops(t *testing.T) {
	e := classifyEngine(t)
	msgs := make([]*ingest.Message, 200)
	for i := range msgs {
		msgs[i] = &ingest.Message{ID: fmt.Sprint(i), Text: "Paket fehlt", Source: fmt.Sprintf("in.jsonl:%d", i+1)}
	}

	t.Run("a failing message is reported, the rest processed", func(t *testing.T) {
		n := 0
		var failed []error
		st, err := e.Run(context.Background(), &sliceSource{msgs: msgs}, func(o *Outcome) error {
			if o.Err != nil {
				failed = append(failed, o.Err)
			} else {
				n++
			}
			return nil
		}, RunOptions{Process: func(ctx context.Context, m *ingest.Message) (*Suggestion, error) {
			if m.ID == "17" {
				return nil, errors.New("boom")
			}
			return classifyOnly(e)(ctx, m)
		}})
		if err != nil || n != 199 || st.Failed != 1 || len(failed) != 1 || !strings.Contains(failed[0].Error(), "in.jsonl:18: boom") {
			t.Errorf("Run = %+v, %v; %d processed, failures %v", st, err, n, failed)
		}
	})

	t.Run("limit", func(t *testing.T) {
		st, err := e.Run(context.Background(), &sliceSource{msgs: msgs}, func(*Outcome) error { return nil },
			RunOptions{Limit: 25, Process: classifyOnly(e)})
		if err != nil || st.Processed != 25 {
			t.Errorf("Run with limit 25 = %+v, %v", st, err)
		}
	})

	t.Run("sink error stops the run", func(t *testing.T) {
		stop := errors.New("disk full")
		calls := 0
		_, err := e.Run(context.Background(), &sliceSource{msgs: msgs}, func(*Outcome) error {
			calls++
			if calls == 5 {
				return stop
			}
			return nil
		}, RunOptions{Process: classifyOnly(e)})
		if !errors.Is(err, stop) || calls != 5 {
			t.Errorf("Run = %v after %d sink calls, want the sink's error after 5", err, calls)
		}
	})

	t.Run("source error stops the run", func(t *testing.T) {
		bad := errors.New("disk gone")
		_, err := e.Run(context.Background(), &sliceSource{msgs: msgs[:3], err: bad}, func(*Outcome) error { return nil },
			RunOptions{Process: classifyOnly(e)})
		if !errors.Is(err, bad) {
			t.Errorf("Run = %v, want the source's error", err)
		}
	})

	t.Run("cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		calls := 0
		_, err := e.Run(ctx, &sliceSource{msgs: msgs}, func(*Outcome) error {
			calls++
			if calls == 3 {
				cancel()
			}
			return nil
		}, RunOptions{Process: classifyOnly(e)})
		if !errors.Is(err, context.Canceled) || calls > 3 {
			t.Errorf("Run = %v with %d sink calls, want context.Canceled after 3", err, calls)
		}
	})
}

// TestRunRawSource reads a folder of mails through ingest with parsing in
// the workers: every mail once, the broken one reported by path.
func TestRunRawSource(t *testing.T) {
	e := classifyEngine(t)
	dir := t.TempDir()
	for i := range 30 {
		n := i
		if i >= 25 && i < 28 {
			n = i - 25 // a copy of mail 0, 1 or 2
		}
		mail := fmt.Sprintf("From: Kunde %d <k%d@example.de>\r\nSubject: Bestellung %d\r\nMessage-ID: <m%d@example.de>\r\n\r\nWo bleibt meine Bestellung %d?\r\n", n, n, 4700+n, n%25, 4700+n)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%02d.eml", i)), []byte(mail), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "zz-broken.eml"), []byte("\x00\x01\x02 binary"), 0o644)
	src, err := ingest.Open(context.Background(), "dir:"+dir, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var ids []string
	var problems []string
	st, err := e.Run(context.Background(), src, func(o *Outcome) error {
		if o.Err != nil {
			return o.Err
		}
		ids = append(ids, o.Message.ID)
		return nil
	}, RunOptions{Process: classifyOnly(e), Problem: func(err error) { problems = append(problems, err.Error()) }})
	if err != nil {
		t.Fatal(err)
	}
	// 30 files, Message-IDs m0..m24 with m0..m4 twice: m0..m2 copies of
	// one mail, m3 and m4 used by two different mails.
	if st.Processed != 27 || st.Duplicates != 3 || st.ReusedIDs != 2 || st.Problems != 1 || len(ids) != 27 {
		t.Errorf("stats %+v, %d ids", st, len(ids))
	}
	if len(problems) != 1 || !strings.Contains(problems[0], "zz-broken.eml") {
		t.Errorf("problems %q, want zz-broken.eml named", problems)
	}
}

// BenchmarkSuggest measures the whole decision for one message (classify,
// knowledge-base search, entities, template, policy) with the sample
// models and knowledge base, over the sample inbox.
func BenchmarkSuggest(b *testing.B) {
	ctx := context.Background()
	im, err := classifier.Train(ctx, sample(b, "intent"), classifier.Options{})
	if err != nil {
		b.Fatal(err)
	}
	sm, err := classifier.Train(ctx, sample(b, "sentiment"), classifier.Options{})
	if err != nil {
		b.Fatal(err)
	}
	eng, err := New(Config{Intent: im, Sentiment: sm, Explain: -1})
	if err != nil {
		b.Fatal(err)
	}
	arts, probs, err := kb.ReadArticles(ctx, "testdata/kb", kb.ReadOptions{})
	if err != nil || len(probs) > 0 {
		b.Fatal(err, probs)
	}
	dir := filepath.Join(b.TempDir(), "kb")
	if _, err := kb.Import(ctx, dir, arts, nil); err != nil {
		b.Fatal(err)
	}
	k, err := kb.Open(dir, &kb.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer k.Close()
	if eng, err = eng.WithReplies(ReplyConfig{KB: k}); err != nil {
		b.Fatal(err)
	}
	src, err := ingest.Open(ctx, "jsonl:testdata/demo/inbox.jsonl", ingest.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var msgs []*ingest.Message
	for {
		m, err := src.Next(ctx)
		if err != nil {
			break
		}
		m.From = ingest.Address{Name: "Kunde", Address: "kunde@example.de"}
		msgs = append(msgs, m)
	}
	src.Close()
	i := 0
	for b.Loop() {
		if _, err := eng.Suggest(ctx, msgs[i%len(msgs)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "msgs/s")
}

// TestRunKeepsReadOrder: outcomes and problems reach the caller in the
// order they were read, however the workers finish, so the output of a
// batch can be diffed across runs.
func TestRunKeepsReadOrder(t *testing.T) {
	var msgs []*ingest.Message
	var want []string
	for i := range 600 {
		if i%97 == 50 {
			msgs = append(msgs, nil) // broken
			want = append(want, fmt.Sprintf("problem slice:%d", i+1))
			continue
		}
		id := fmt.Sprintf("m%03d", i)
		msgs = append(msgs, &ingest.Message{ID: id, Text: id})
		want = append(want, id)
	}
	var got []string
	_, err := (&Engine{}).Run(context.Background(), &sliceSource{msgs: msgs}, func(o *Outcome) error {
		got = append(got, o.Message.ID)
		return nil
	}, RunOptions{
		Workers: 4,
		Process: func(ctx context.Context, m *ingest.Message) (*Suggestion, error) {
			if n := len(m.ID); m.ID[n-1] == '3' || m.ID[n-1] == '7' {
				time.Sleep(time.Millisecond) // finish out of order
			}
			return &Suggestion{}, nil
		},
		Problem: func(err error) {
			var p *ingest.Problem
			errors.As(err, &p)
			got = append(got, fmt.Sprintf("problem %s:%d", p.Source, p.Line))
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-read +handed on):\n%s", diff)
	}
}

// TestRunSlowMessageDoesNotStallWork: while the first message is still
// being processed, the other workers go on with the messages read after
// it (their output waits, their work does not).
func TestRunSlowMessageDoesNotStallWork(t *testing.T) {
	const workers, ahead = 4, 100 // ahead < orderWindow*workers
	var msgs []*ingest.Message
	for i := range ahead + 1 {
		msgs = append(msgs, &ingest.Message{ID: fmt.Sprint(i)})
	}
	var mu sync.Mutex
	done := 0
	others := make(chan struct{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var got []string
	_, err := (&Engine{}).Run(ctx, &sliceSource{msgs: msgs}, func(o *Outcome) error {
		got = append(got, o.Message.ID)
		return nil
	}, RunOptions{
		Workers: workers,
		Process: func(ctx context.Context, m *ingest.Message) (*Suggestion, error) {
			if m.ID == "0" {
				select { // the slow one: waits until all others are done
				case <-others:
				case <-ctx.Done():
					return nil, ctx.Err()
				}
				return &Suggestion{}, nil
			}
			mu.Lock()
			done++
			if done == ahead {
				close(others)
			}
			mu.Unlock()
			return &Suggestion{}, nil
		},
	})
	if err != nil {
		t.Fatalf("Run: %v (the other messages were not worked on while the first was)", err)
	}
	if len(got) != ahead+1 || got[0] != "0" || got[ahead] != fmt.Sprint(ahead) {
		t.Errorf("handed on %d outcomes, first %q", len(got), got[:1])
	}
}
