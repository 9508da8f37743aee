package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/internal/outbox"
	"github.com/antwort-dev/antwort/journal"
)

// handle records one outcome: decision output, reply queueing, routing,
// journal entry; commits every so often.
func (b *batchRun) handle(ctx context.Context, oc *antwort.Outcome) error {
	if oc.Err != nil {
		b.failed++
		b.prog.printf(b.g.io.ErrOut, "antwort: failed %v\n", oc.Err)
		return nil
	}
	msg, s := oc.Message, oc.Suggestion
	rec := batchRecord{Suggestion: s, Source: msg.Source, ReusedID: oc.ReusedID, Warnings: msg.Warnings}
	if msg.Auto != "" {
		rec.Auto = msg.Auto
	}
	b.warn(msg)
	if oc.ReusedID {
		if b.reused++; b.reused <= maxReported {
			fmt.Fprintf(b.g.io.ErrOut, "antwort: %s: Message-ID %q was used before by a different message; decided all the same (reused_id)\n", orDash(msg.Source), msg.ID)
		}
	}
	action := string(s.Decision.Action)
	key := messageKey(msg)
	if b.j != nil && key != "" {
		okey, err := queueReply(b.from, key, msg, s, b.outbox, b.drafts)
		switch {
		case errors.Is(err, outbox.ErrNoRecipient):
			rec.Outbox = "not queued: no sender address to answer"
		case err != nil:
			return fmt.Errorf("%s: queue reply: %w", msg.Source, err)
		default:
			rec.Outbox = okey
		}
		if b.imap != nil {
			if err := b.imap.handle(ctx, msg, s, &rec, key); err != nil {
				return err
			}
		}
		if b.route != nil {
			if msg.Raw == nil {
				b.noRoute = true
			} else {
				p, err := b.route.file(msg, key, action, s.Intent.Label)
				if err != nil {
					return err
				}
				rec.Route = p
				if b.o.move && movable(msg) {
					b.moves = append(b.moves, msg.Source)
				}
			}
		}
	}
	if err := b.out.write(&rec, key); err != nil {
		return err
	}
	b.counts[action]++
	if s.Intent.Label != "" {
		b.intents[s.Intent.Label]++
	}
	if b.j != nil && key != "" {
		b.pending = append(b.pending, journal.Entry{Key: msg.ID, Hash: msg.ContentHash, Time: time.Now().UTC(), Source: msg.Source,
			Action: action, Intent: s.Intent.Label, Outbox: rec.Outbox, Route: rec.Route})
	}
	if len(b.pending) >= commitEvery || time.Since(b.last) >= commitAfter {
		return b.commit(ctx)
	}
	return nil
}

// commit makes the output durable, records the pending entries and the
// output's length in the journal, then removes routed originals.
func (b *batchRun) commit(ctx context.Context) error {
	b.last = time.Now()
	off, err := b.out.sync()
	if err != nil {
		return err
	}
	if b.j == nil {
		b.pending = b.pending[:0]
		return nil
	}
	if len(b.pending) == 0 && b.out.name == "" && (b.imap == nil || len(b.imap.marks)+len(b.imap.later) == 0) {
		return nil
	}
	offsets := map[string]int64{}
	if b.out.name != "" {
		offsets[b.out.name] = off
	}
	if b.imap != nil {
		if err := b.imap.beforeCommit(); err != nil {
			return err
		}
	}
	if err := b.j.Commit(ctx, b.pending, offsets); err != nil {
		return err
	}
	b.pending = b.pending[:0]
	for _, p := range b.moves {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(b.g.io.ErrOut, "antwort: route-move: %v\n", err)
		}
	}
	b.moves = b.moves[:0]
	if b.imap != nil {
		if err := b.imap.committed(ctx); err != nil {
			return err
		}
	}
	select {
	case b.flush <- struct{}{}:
	default:
	}
	return nil
}

// warn reports the warnings of msg on stderr, the first maxReported
// messages one by one, the rest in the summary.
func (b *batchRun) warn(msg *ingest.Message) {
	if len(msg.Warnings) == 0 {
		return
	}
	b.warned++
	switch {
	case b.warned <= maxReported:
		for _, w := range msg.Warnings {
			fmt.Fprintf(b.g.io.ErrOut, "antwort: warning: %s: %s\n", msgWhere(msg), w)
		}
	case b.warned == maxReported+1:
		fmt.Fprintf(b.g.io.ErrOut, "antwort: more warnings are counted but not shown\n")
	}
}

// msgWhere names msg in messages: where it was read, else its ID.
func msgWhere(msg *ingest.Message) string {
	if msg.Source != "" {
		return msg.Source
	}
	return msg.ID
}

func (b *batchRun) summary(st antwort.RunStats, elapsed time.Duration, s *sendTally) {
	w := b.g.io.ErrOut
	rate := float64(st.Processed) / max(elapsed.Seconds(), 1e-9)
	fmt.Fprintf(w, "antwort: batch: %d processed in %s (%.0f/s)", st.Processed, elapsed.Round(time.Millisecond), rate)
	var acts []string
	for _, a := range []string{"send", "suggest", "escalate", "ignore"} {
		if n := b.counts[a]; n > 0 {
			acts = append(acts, fmt.Sprintf("%s %d", a, n))
		}
	}
	if len(acts) > 0 {
		fmt.Fprintf(w, ": %s", strings.Join(acts, ", "))
	}
	fmt.Fprintln(w)
	var skips []string
	for _, x := range []struct {
		n    int
		what string
	}{{st.Done, "already done"}, {st.Duplicates, "duplicate (same Message-ID and content)"}, {st.Old, "older than --since"},
		{st.Problems, "broken (reported above)"}, {st.Failed, "failed (reported above)"}} {
		if x.n > 0 {
			skips = append(skips, fmt.Sprintf("%d %s", x.n, x.what))
		}
	}
	if len(skips) > 0 {
		fmt.Fprintf(w, "antwort: batch: skipped %s\n", strings.Join(skips, ", "))
	}
	if st.ReusedIDs > 0 {
		fmt.Fprintf(w, "antwort: batch: %d message(s) carried the Message-ID of a different message; they were decided (reused_id)\n", st.ReusedIDs)
	}
	if len(b.intents) > 0 {
		type kv struct {
			k string
			n int
		}
		var top []kv
		for k, n := range b.intents {
			top = append(top, kv{k, n})
		}
		sort.Slice(top, func(i, j int) bool { return top[i].n > top[j].n || top[i].n == top[j].n && top[i].k < top[j].k })
		var parts []string
		for i, x := range top {
			if i == 10 {
				parts = append(parts, fmt.Sprintf("… %d more", len(top)-10))
				break
			}
			parts = append(parts, fmt.Sprintf("%s %d", x.k, x.n))
		}
		fmt.Fprintf(w, "antwort: batch: intents: %s\n", strings.Join(parts, ", "))
	}
	if b.warned > 0 {
		fmt.Fprintf(w, "antwort: batch: %d messages with warnings (no reply address, no text; see the decisions' \"warnings\")\n", b.warned)
	}
	if b.noRoute {
		fmt.Fprintf(w, "antwort: batch: posts from JSONL/CSV inputs are not mail and were not routed\n")
	}
	if b.o.send {
		fmt.Fprintf(w, "antwort: batch: sent %d replies, %d failed (kept in %s)", s.sent, s.failed, b.o.outbox)
		if s.uncertain > 0 {
			fmt.Fprintf(w, ", %d uncertain (a delivery was interrupted: check whether they arrived, then move each back to new/ to send it again, or to cur/ with :2,S when it arrived; they are in %s)",
				s.uncertain, filepath.Join(b.o.outbox, "sending"))
		}
		fmt.Fprintln(w)
	}
}

// sendTally counts deliveries across Flush calls.
type sendTally struct {
	mu                      sync.Mutex
	sent, failed, uncertain int
}

func (t *sendTally) flush(ctx context.Context, ob *outbox.Outbox, s *outbox.Sender) {
	sent, failed, unc, _ := flushCounts(ob.Flush(ctx, s))
	t.mu.Lock()
	t.sent += sent
	// The messages still unsent, and those uncertain, after the latest
	// Flush (which reports the uncertain ones of earlier flushes again):
	// each reply is counted once.
	t.failed, t.uncertain = failed, unc
	t.mu.Unlock()
}

// flushCounts splits what Outbox.Flush returns into replies sent, failed
// (still queued) and uncertain (in sending/, for a person to check), and
// an error other than these replies' own (an interruption, an outbox
// that cannot be read). Flush counts the uncertain ones among the failed.
func flushCounts(sent, failed int, err error) (int, int, int, error) {
	unc := 0
	var be *outbox.BatchError
	if errors.As(err, &be) {
		for _, f := range be.Failed {
			if errors.Is(f.Err, outbox.ErrUncertain) {
				unc++
			}
		}
	}
	if _, only := err.(*outbox.BatchError); only {
		err = nil
	}
	return sent, failed - unc, unc, err
}
