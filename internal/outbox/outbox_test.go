package outbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-maildir"
	"github.com/google/go-cmp/cmp"
)

func openOutbox(t *testing.T) *Outbox {
	t.Helper()
	o, err := OpenOutbox(filepath.Join(t.TempDir(), "outbox"))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// replyTo returns a small reply to the customer n.
func replyTo(n int) Reply {
	return Reply{
		From:      mail.Address{Name: "Nordlicht Service", Address: "service@nordlicht.example"},
		To:        mail.Address{Name: fmt.Sprintf("Kunde %d", n), Address: fmt.Sprintf("kunde%d@kunde.example", n)},
		Subject:   fmt.Sprintf("Re: Bestellung %d", n),
		Lang:      "de",
		Text:      fmt.Sprintf("Hallo Kunde %d,\n.\nFrom Nordlicht\n", n),
		InReplyTo: fmt.Sprintf("<q%d@kunde.example>", n),
	}
}

func put(t *testing.T, o *Outbox, r Reply) string {
	t.Helper()
	key, err := o.Put(r)
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	return key
}

func read(t *testing.T, o *Outbox, key string) []byte {
	t.Helper()
	rc, err := o.Open(key)
	if err != nil {
		t.Fatalf("Open(%s): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func unsent(t *testing.T, o *Outbox) []string {
	t.Helper()
	keys, err := o.Unsent()
	if err != nil {
		t.Fatalf("Unsent: %v", err)
	}
	return keys
}

// rcpt returns the To address of a raw message.
func rcpt(t *testing.T, raw []byte) string {
	t.Helper()
	msg, err := mail.ReadMessage(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	to, err := msg.Header.AddressList("To")
	if err != nil || len(to) != 1 {
		t.Fatalf("To: %v %v", to, err)
	}
	return to[0].Address
}

func TestOpenOutbox(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b", "outbox")
	o, err := OpenOutbox(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"tmp", "new", "cur", "failed"} {
		if fi, err := os.Stat(filepath.Join(dir, sub)); err != nil || !fi.IsDir() {
			t.Errorf("%s: %v, want a directory", sub, err)
		}
	}
	if o.Dir() != dir {
		t.Errorf("Dir() = %q, want %q", o.Dir(), dir)
	}
	if _, err := OpenOutbox(dir); err != nil {
		t.Errorf("OpenOutbox on an existing Maildir: %v", err)
	}

	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenOutbox(file); err == nil {
		t.Error("OpenOutbox on a file succeeded")
	}
}

// TestOutboxLifecycle: Put → Unsent → Flush → sent, and the result is a
// Maildir that go-maildir reads.
func TestOutboxLifecycle(t *testing.T) {
	o := openOutbox(t)
	var keys, want []string
	for i := range 3 {
		keys = append(keys, put(t, o, replyTo(i)))
		want = append(want, fmt.Sprintf("kunde%d@kunde.example", i))
	}
	if diff := cmp.Diff(keys, unsent(t, o)); diff != "" {
		t.Fatalf("Unsent (-want +got):\n%s", diff)
	}
	queued := map[string][]byte{}
	for _, k := range keys {
		queued[k] = read(t, o, k)
		if _, err := os.Stat(filepath.Join(o.Dir(), "new", k)); err != nil {
			t.Errorf("queued message not in new/: %v", err)
		}
	}
	if des, _ := os.ReadDir(filepath.Join(o.Dir(), "tmp")); len(des) != 0 {
		t.Errorf("tmp/ holds %d files after Put, want 0", len(des))
	}

	srv := startServer(t, serverConfig{})
	s := newSender(t, SMTPOptions{URL: srv.URL("smtp", nil, ""), Timeout: 5 * time.Second})
	sent, failed, err := o.Flush(t.Context(), s)
	if sent != 3 || failed != 0 || err != nil {
		t.Fatalf("Flush = %d, %d, %v; want 3, 0, nil", sent, failed, err)
	}
	var got []string
	for i, m := range srv.Messages() {
		got = append(got, m.To[0])
		if string(m.Data) != string(queued[keys[i]]) {
			t.Errorf("message %d: server got other bytes than queued", i)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("server received (-want +got), oldest first:\n%s", diff)
	}
	if k := unsent(t, o); len(k) != 0 {
		t.Errorf("Unsent after Flush = %v, want none", k)
	}
	for _, k := range keys {
		if sent, err := o.IsSent(k); !sent || err != nil {
			t.Errorf("IsSent(%s) = %v, %v; want true", k, sent, err)
		}
		if _, err := os.Stat(filepath.Join(o.Dir(), "cur", k+":2,S")); err != nil {
			t.Errorf("sent message not at cur/<key>:2,S: %v", err)
		}
		if b := read(t, o, k); string(b) != string(queued[k]) {
			t.Errorf("sent message %s changed", k)
		}
	}

	// An independent Maildir reader sees three seen messages.
	msgs, err := maildir.Dir(o.Dir()).Messages()
	if err != nil {
		t.Fatal(err)
	}
	var mdKeys []string
	for _, m := range msgs {
		mdKeys = append(mdKeys, m.Key())
		if !slices.Equal(m.Flags(), []maildir.Flag{maildir.FlagSeen}) {
			t.Errorf("go-maildir: %s has flags %q, want S", m.Key(), m.Flags())
		}
	}
	slices.Sort(mdKeys)
	sortedKeys := slices.Sorted(slices.Values(keys))
	if diff := cmp.Diff(sortedKeys, mdKeys); diff != "" {
		t.Errorf("go-maildir keys (-want +got):\n%s", diff)
	}

	// A second Flush has nothing to do.
	if sent, failed, err := o.Flush(t.Context(), s); sent != 0 || failed != 0 || err != nil {
		t.Errorf("second Flush = %d, %d, %v; want 0, 0, nil", sent, failed, err)
	}
}

// TestFlushFailures: a refusing or hanging server leaves every message
// queued and intact, with the failure recorded; a later Flush to a working
// server sends them. A server that takes the data and never answers may
// have delivered: such messages are not sent again until released.
func TestFlushFailures(t *testing.T) {
	tests := []struct {
		name          string
		cfg           serverConfig
		wantPermanent bool
		wantIs        error
		uncertain     bool
	}{
		{"RCPT refused", serverConfig{rejectRcpt: true}, true, nil, false},
		{"no answer to DATA", serverConfig{hangData: true}, false, ErrUncertain, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := openOutbox(t)
			keys := []string{put(t, o, replyTo(1)), put(t, o, replyTo(2))}
			before := map[string][]byte{}
			for _, k := range keys {
				before[k] = read(t, o, k)
			}
			bad := startServer(t, tt.cfg)
			s := newSender(t, SMTPOptions{URL: bad.URL("smtp", nil, ""), Timeout: testTimeout})

			for attempt := 1; attempt <= 2; attempt++ {
				sent, failed, err := o.Flush(t.Context(), s)
				if sent != 0 || failed != 2 {
					t.Fatalf("Flush #%d = %d sent, %d failed; want 0, 2", attempt, sent, failed)
				}
				var be *BatchError
				if !errors.As(err, &be) || len(be.Failed) != 2 {
					t.Fatalf("Flush #%d error = %v, want a *BatchError with 2 failures", attempt, err)
				}
				if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
					t.Errorf("Flush #%d error = %v, want errors.Is %v", attempt, err, tt.wantIs)
				}
				wantUnsent := keys
				if tt.uncertain {
					wantUnsent = []string{} // in sending/, see Uncertain
				}
				if diff := cmp.Diff(wantUnsent, unsent(t, o)); diff != "" {
					t.Fatalf("Unsent after failed Flush (-want +got):\n%s", diff)
				}
				for _, k := range keys {
					if n := statesOf(t, o, k); n != 1 {
						t.Errorf("message %s is in %d states, want exactly 1", k, n)
					}
					if b := read(t, o, k); string(b) != string(before[k]) {
						t.Errorf("message %s changed after a failed Flush", k)
					}
					f, ok, err := o.Failure(k)
					if tt.uncertain {
						if ok || err != nil {
							t.Errorf("Failure(%s) of an uncertain delivery = %+v, %v, %v; want none (it is in sending/)", k, f, ok, err)
						}
						continue
					}
					if err != nil || !ok {
						t.Fatalf("Failure(%s) = %v, %v", k, ok, err)
					}
					if f.Attempts != attempt || f.Permanent != tt.wantPermanent || f.Error == "" || time.Since(f.Time) > time.Minute {
						t.Errorf("Failure(%s) = %+v, want attempt %d, permanent %v", k, f, attempt, tt.wantPermanent)
					}
				}
			}
			if n := len(bad.Messages()); n != 0 {
				t.Errorf("bad server recorded %d messages", n)
			}
			good := startServer(t, serverConfig{})
			gs := newSender(t, SMTPOptions{URL: good.URL("smtp", nil, ""), Timeout: 5 * time.Second})
			unc, err := o.Uncertain()
			if err != nil {
				t.Fatal(err)
			}
			if tt.uncertain {
				if diff := cmp.Diff(keys, unc); diff != "" {
					t.Errorf("Uncertain (-want +got):\n%s", diff)
				}
				// Not sent again, even to a working server, until released.
				if sent, failed, err := o.Flush(t.Context(), gs); sent != 0 || failed != 2 || !errors.Is(err, ErrUncertain) {
					t.Errorf("Flush of uncertain messages = %d, %d, %v; want 0, 2, ErrUncertain", sent, failed, err)
				}
				for _, k := range keys {
					if err := o.Release(k); err != nil {
						t.Fatal(err)
					}
				}
			} else if len(unc) != 0 {
				t.Errorf("Uncertain = %v after certain failures, want none", unc)
			}

			sent, failed, err := o.Flush(t.Context(), gs)
			if sent != 2 || failed != 0 || err != nil {
				t.Fatalf("Flush to a good server = %d, %d, %v; want 2, 0, nil", sent, failed, err)
			}
			for i, m := range good.Messages() {
				if string(m.Data) != string(before[keys[i]]) {
					t.Errorf("message %d arrived changed", i)
				}
			}
			for _, k := range keys {
				if _, ok, err := o.Failure(k); ok || err != nil {
					t.Errorf("Failure(%s) after sending = %v, %v; want none", k, ok, err)
				}
			}
			if des, _ := os.ReadDir(filepath.Join(o.Dir(), "failed")); len(des) != 0 {
				t.Errorf("failed/ holds %d files after sending, want 0", len(des))
			}
		})
	}
}

// TestFlushCanceled: a cancelled Flush stops and sends nothing more. The
// message whose data the server had taken is uncertain; the next one was
// not tried.
func TestFlushCanceled(t *testing.T) {
	o := openOutbox(t)
	keys := []string{put(t, o, replyTo(1)), put(t, o, replyTo(2))}
	srv := startServer(t, serverConfig{hangData: true})
	s := newSender(t, SMTPOptions{URL: srv.URL("smtp", nil, "")}) // 30s timeout
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	sent, failed, err := o.Flush(ctx, s)
	if sent != 0 || failed != 1 || !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrUncertain) {
		t.Errorf("Flush = %d, %d, %v; want 0, 1, context.DeadlineExceeded and ErrUncertain", sent, failed, err)
	}
	if elapsed := time.Since(start); elapsed > 3*time.Second {
		t.Errorf("Flush took %v after the context ended", elapsed)
	}
	if diff := cmp.Diff(keys[1:], unsent(t, o)); diff != "" {
		t.Errorf("Unsent (-want +got):\n%s", diff)
	}
	for _, k := range keys {
		if n := statesOf(t, o, k); n != 1 {
			t.Errorf("message %s is in %d states, want exactly 1", k, n)
		}
	}
	if _, ok, _ := o.Failure(keys[1]); ok {
		t.Errorf("Failure(%s) recorded for a message that was not tried", keys[1])
	}
	if unc, _ := o.Uncertain(); !slices.Equal(unc, keys[:1]) {
		t.Errorf("Uncertain = %v, want %v", unc, keys[:1])
	}
	if _, _, err := o.Flush(t.Context(), nil); err == nil {
		t.Error("Flush with a nil Sender succeeded")
	}
}

// TestConcurrent: many goroutines Put while others list and two Flush;
// every message is sent exactly once.
func TestConcurrent(t *testing.T) {
	o := openOutbox(t)
	srv := startServer(t, serverConfig{})
	s := newSender(t, SMTPOptions{URL: srv.URL("smtp", nil, ""), Timeout: 5 * time.Second})
	const n = 40
	var wg sync.WaitGroup
	keys := make([]string, n)
	errs := make(chan error, 2*n)
	for i := range n {
		wg.Go(func() {
			key, err := o.Put(replyTo(i))
			keys[i] = key
			if err != nil {
				errs <- err
			}
		})
		if i%10 == 0 {
			wg.Go(func() {
				if _, err := o.Unsent(); err != nil {
					errs <- err
				}
			})
		}
	}
	var flushed [2]int
	for f := range flushed {
		wg.Go(func() {
			sent, _, err := o.Flush(t.Context(), s)
			flushed[f] = sent
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	sent, _, err := o.Flush(t.Context(), s) // whatever was Put after the flushes looked
	if err != nil {
		t.Fatal(err)
	}
	if total := flushed[0] + flushed[1] + sent; total != n {
		t.Errorf("sent %d messages in total, want %d", total, n)
	}

	if got := len(slices.Compact(slices.Sorted(slices.Values(keys)))); got != n {
		t.Errorf("Put returned %d distinct keys, want %d", got, n)
	}
	seen := map[string]int{}
	for _, m := range srv.Messages() {
		seen[rcpt(t, m.Data)]++
	}
	for i := range n {
		if c := seen[fmt.Sprintf("kunde%d@kunde.example", i)]; c != 1 {
			t.Errorf("customer %d got %d messages, want 1", i, c)
		}
	}
}

// TestUnsentOrderAndForeign: keys sort by time, also past 9 deliveries in
// one microsecond; a message another program delivered is included; one a
// mail client moved to cur/ without S stays unsent.
func TestUnsentOrderAndForeign(t *testing.T) {
	o := openOutbox(t)
	var keys []string
	for i := range 12 {
		keys = append(keys, put(t, o, replyTo(i)))
	}

	// Another program delivers with go-maildir.
	time.Sleep(10 * time.Millisecond) // a later modification time
	d, err := maildir.NewDelivery(o.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(d, string(emlBytes(t, replyTo(99)))); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	got := unsent(t, o)
	if len(got) != 13 {
		t.Fatalf("Unsent = %d keys, want 13", len(got))
	}
	if diff := cmp.Diff(keys, got[:12]); diff != "" {
		t.Errorf("Unsent order (-want +got):\n%s", diff)
	}
	foreign := got[12]
	if b := read(t, o, foreign); rcpt(t, b) != "kunde99@kunde.example" {
		t.Errorf("foreign message reads wrong")
	}

	// A mail client looks at the outbox: go-maildir's Unseen moves
	// everything from new/ to cur/ with empty flags.
	if _, err := maildir.Dir(o.Dir()).Unseen(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, unsent(t, o)); diff != "" {
		t.Errorf("Unsent after a mail client moved messages (-want +got):\n%s", diff)
	}
	if err := o.MarkSent(foreign); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(o.Dir(), "cur", foreign+":2,S")); err != nil {
		t.Errorf("MarkSent of a message in cur/: %v", err)
	}
	if n := len(unsent(t, o)); n != 12 {
		t.Errorf("Unsent = %d keys, want 12", n)
	}
}

func TestOutboxErrors(t *testing.T) {
	o := openOutbox(t)
	key := put(t, o, replyTo(1))

	if _, err := o.Put(Reply{From: mail.Address{Address: "service@nordlicht.example"}}); !errors.Is(err, ErrNoRecipient) {
		t.Errorf("Put without To = %v, want %v", err, ErrNoRecipient)
	}
	for sub, want := range map[string]int{"tmp": 0, "new": 1} {
		if des, _ := os.ReadDir(filepath.Join(o.Dir(), sub)); len(des) != want {
			t.Errorf("%s/ holds %d files after a failed Put, want %d", sub, len(des), want)
		}
	}

	for _, bad := range []string{"", "../new/" + key, key + ":2,S", ".hidden", "a/b"} {
		if _, err := o.Open(bad); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Open(%q) = %v, want %v", bad, err, ErrInvalidKey)
		}
	}
	missing := "1.M000000P1Q1R00.nowhere"
	if _, err := o.Open(missing); !errors.Is(err, ErrNotFound) {
		t.Errorf("Open(missing) = %v, want %v", err, ErrNotFound)
	}
	if err := o.MarkSent(missing); !errors.Is(err, ErrNotFound) {
		t.Errorf("MarkSent(missing) = %v, want %v", err, ErrNotFound)
	}
	if err := o.MarkFailed(missing, errors.New("x")); !errors.Is(err, ErrNotFound) {
		t.Errorf("MarkFailed(missing) = %v, want %v", err, ErrNotFound)
	}

	if err := o.MarkFailed(key, nil); err != nil {
		t.Fatal(err)
	}
	if f, ok, err := o.Failure(key); !ok || err != nil || f.Attempts != 1 || f.Error != "unknown error" {
		t.Errorf("Failure after MarkFailed(nil) = %+v, %v, %v", f, ok, err)
	}
	if err := o.MarkSent(key); err != nil {
		t.Fatal(err)
	}
	if err := o.MarkSent(key); err != nil {
		t.Errorf("second MarkSent = %v, want nil", err)
	}
	if err := o.MarkFailed(key, errors.New("late")); !errors.Is(err, ErrAlreadySent) {
		t.Errorf("MarkFailed after MarkSent = %v, want %v", err, ErrAlreadySent)
	}
}

// TestPutKey: queueing under a caller's key is idempotent, whatever state
// the first message is in, and concurrent callers queue one message.
func TestPutKey(t *testing.T) {
	o := openOutbox(t)
	key := KeyFor("<q1@kunde.example>")
	if key != KeyFor("<q1@kunde.example>") || key == KeyFor("<q2@kunde.example>") {
		t.Fatalf("KeyFor is not a function of the id: %s", key)
	}
	created, err := o.PutKey(key, replyTo(1))
	if err != nil || !created {
		t.Fatalf("PutKey = %v, %v; want true", created, err)
	}
	first := read(t, o, key)
	if created, err := o.PutKey(key, replyTo(2)); created || err != nil {
		t.Errorf("second PutKey = %v, %v; want false, nil", created, err)
	}
	if string(read(t, o, key)) != string(first) {
		t.Error("second PutKey changed the queued message")
	}
	if err := o.MarkSent(key); err != nil {
		t.Fatal(err)
	}
	if created, err := o.PutKey(key, replyTo(1)); created || err != nil {
		t.Errorf("PutKey after sending = %v, %v; want false, nil", created, err)
	}
	// Racing writers of one key: exactly one creates it.
	k2 := KeyFor("race")
	var wg sync.WaitGroup
	var made atomic.Int32
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := o.PutKey(k2, replyTo(3))
			if err != nil {
				t.Error(err)
			}
			if c {
				made.Add(1)
			}
		}()
	}
	wg.Wait()
	if made.Load() != 1 {
		t.Errorf("%d racing PutKey calls created the message, want 1", made.Load())
	}
	if ks := unsent(t, o); !slices.Equal(ks, []string{k2}) {
		t.Errorf("Unsent = %v, want [%s]", ks, k2)
	}
	if tmp, _ := os.ReadDir(filepath.Join(o.Dir(), "tmp")); len(tmp) != 0 {
		t.Errorf("tmp/ holds %d files", len(tmp))
	}
	for _, bad := range []string{"", "a/b", "a:2,S", ".hidden"} {
		if _, err := o.PutKey(bad, replyTo(1)); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("PutKey(%q) = %v, want ErrInvalidKey", bad, err)
		}
	}
}

// TestFlushAfterCrash: a claim left by a process that died while sending
// keeps the message from being sent twice; the others are sent.
func TestFlushAfterCrash(t *testing.T) {
	o := openOutbox(t)
	keys := []string{put(t, o, replyTo(1)), put(t, o, replyTo(2))}
	// What a process killed between claiming and marking leaves behind.
	if ok, err := o.claim(keys[0]); !ok || err != nil {
		t.Fatal(ok, err)
	}
	srv := startServer(t, serverConfig{})
	s := newSender(t, SMTPOptions{URL: srv.URL("smtp", nil, ""), Timeout: 5 * time.Second})
	sent, failed, err := o.Flush(t.Context(), s)
	if sent != 1 || failed != 1 || !errors.Is(err, ErrUncertain) {
		t.Fatalf("Flush = %d, %d, %v; want 1 sent, 1 uncertain", sent, failed, err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("server got %d messages, want 1", n)
	}
	if sent, _ := o.IsSent(keys[0]); sent {
		t.Error("the uncertain message was marked sent")
	}
	if err := o.Release(keys[0]); err != nil {
		t.Fatal(err)
	}
	if sent, failed, err := o.Flush(t.Context(), s); sent != 1 || failed != 0 || err != nil {
		t.Errorf("Flush after Release = %d, %d, %v; want 1, 0, nil", sent, failed, err)
	}
	if unc, _ := o.Uncertain(); len(unc) != 0 {
		t.Errorf("Uncertain after sending = %v", unc)
	}
}

// statesOf counts the files named after key in new/, cur/, sending/ and
// failed/ (the failure record of a queued message is one with it).
func statesOf(t *testing.T, o *Outbox, key string) int {
	t.Helper()
	n := 0
	for _, sub := range []string{"new", "cur", "sending", "failed"} {
		des, err := os.ReadDir(filepath.Join(o.Dir(), sub))
		if err != nil {
			t.Fatal(err)
		}
		for _, de := range des {
			if k, _, _ := strings.Cut(de.Name(), ":"); k == key && !(sub == "failed" && n > 0) {
				n++
			}
		}
	}
	return n
}

// TestDeliveryCutOffLeavesOneState: a delivery cut off after the data
// leaves the message in exactly one state (sending/), not queued and
// failed and claimed at once; every later Flush reports it once, and
// Release queues it again.
func TestDeliveryCutOffLeavesOneState(t *testing.T) {
	o := openOutbox(t)
	key := put(t, o, replyTo(1))
	srv := startServer(t, serverConfig{hangData: true})
	s := newSender(t, SMTPOptions{URL: srv.URL("smtp", nil, ""), Timeout: 300 * time.Millisecond})
	for i := range 2 {
		sent, failed, err := o.Flush(t.Context(), s)
		if sent != 0 || failed != 1 || !errors.Is(err, ErrUncertain) {
			t.Fatalf("Flush #%d = %d, %d, %v; want 0, 1, ErrUncertain", i+1, sent, failed, err)
		}
		if n := statesOf(t, o, key); n != 1 {
			t.Fatalf("after Flush #%d the message is in %d places, want 1", i+1, n)
		}
		if _, err := os.Stat(filepath.Join(o.Dir(), "sending", key)); err != nil {
			t.Fatalf("not in sending/: %v", err)
		}
	}
	// Reopened (a new run), it is still uncertain, in one place.
	o2, err := OpenOutbox(o.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if unc, _ := o2.Uncertain(); !slices.Equal(unc, []string{key}) || statesOf(t, o2, key) != 1 {
		t.Fatalf("after reopening: Uncertain %v, %d places", unc, statesOf(t, o2, key))
	}
	if err := o2.Release(key); err != nil {
		t.Fatal(err)
	}
	good := startServer(t, serverConfig{})
	if sent, failed, err := o2.Flush(t.Context(), newSender(t, SMTPOptions{URL: good.URL("smtp", nil, "")})); sent != 1 || failed != 0 || err != nil {
		t.Fatalf("Flush after Release = %d, %d, %v", sent, failed, err)
	}
	if statesOf(t, o2, key) != 1 {
		t.Errorf("sent message in %d places", statesOf(t, o2, key))
	}
}

// TestOpenOutboxTidies: OpenOutbox removes temporary files a killed
// process left (its pid is gone, or they are older than 36 hours), keeps
// those of running writers, and brings an outbox of the earlier layout
// (a claim file in sending/, the message in new/, a failure record) to
// one state per message.
func TestOpenOutboxTidies(t *testing.T) {
	o := openOutbox(t)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skipf("no process to outlive: %v", err)
	}
	deadPID := strconv.Itoa(dead.Process.Pid)
	ownPID := strconv.Itoa(os.Getpid())
	files := map[string]bool{ // name in tmp/ or failed/ → kept
		"tmp/r0011.antwort=" + deadPID + "=3":                        false,
		"tmp/1767225600.M123456P" + deadPID + "Q7R0a1b2c3d4e5f.host": false,
		"tmp/r0022.antwort=" + ownPID + "=4":                         true,
		"tmp/1767225600.M123456P" + ownPID + "Q8R0a1b2c3d4e5f.host":  true,
		"tmp/old-file-without-pid":                                   false,
		"tmp/new-file-without-pid":                                   true,
		"failed/.tmp-" + deadPID + "-123":                            false,
		"failed/.tmp-" + ownPID + "-456":                             true,
	}
	for name := range files {
		if err := os.WriteFile(filepath.Join(o.Dir(), name), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-40 * time.Hour)
	if err := os.Chtimes(filepath.Join(o.Dir(), "tmp/old-file-without-pid"), old, old); err != nil {
		t.Fatal(err)
	}
	// The earlier layout after a cut-off delivery.
	key := put(t, o, replyTo(1))
	if err := os.WriteFile(filepath.Join(o.Dir(), "sending", key), []byte("2026-03-01T10:00:00Z\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(o.Dir(), "failed", key), []byte(`{"attempts":1}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	msg := read(t, o, key)

	o2, err := OpenOutbox(o.Dir())
	if err != nil {
		t.Fatal(err)
	}
	for name, kept := range files {
		if _, err := os.Stat(filepath.Join(o.Dir(), name)); (err == nil) != kept {
			t.Errorf("%s: exists %v, want %v", name, err == nil, kept)
		}
	}
	if n := statesOf(t, o2, key); n != 1 {
		t.Errorf("old-layout message in %d places, want 1", n)
	}
	if b, _ := os.ReadFile(filepath.Join(o.Dir(), "sending", key)); string(b) != string(msg) {
		t.Errorf("sending/%s holds %q, want the message", key, b)
	}
}
