package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/internal/outbox"
	"github.com/antwort-dev/antwort/journal"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/reply"
)

type batchOptions struct {
	g        *globalOptions
	kbDir    string
	policy   string
	in       []string
	out      string
	journal  string
	dryRun   bool
	outbox   string
	drafts   string
	send     bool
	smtp     smtpFlags
	from     string
	route    string
	routeBy  string
	move     bool
	limit    int
	since    string
	workers  int
	maxBytes int64
	ownDoms  []string
	fromSet  bool
	nats     natsFlags // for --out nats:SUBJECT

	// IMAP (see imap.go, imap_batch.go)
	imap        imapFlags
	retrySet    bool
	watch       bool
	poll        time.Duration
	sent        string
	corrections string
}

func newBatchCmd(g *globalOptions) *cobra.Command {
	o := &batchOptions{g: g}
	cmd := &cobra.Command{
		Use:   "batch --in SPEC [--in SPEC...]",
		Short: "Process inbound queues: decide, queue replies, route mails; resumable",
		Long: `Read every message of the inputs (--in, repeatable), classify it, search the
knowledge base, let the reply policy decide (send, suggest, escalate, ignore)
and write one decision per message to --out. Inputs:

  maildir:DIR  dir:DIR  eml:FILE  mbox:FILE  jsonl:FILE  csv:FILE  -  (stdin)

A journal (--journal, a bbolt file) records each processed message under its
Message-ID (or a content hash) and a hash of its content: kill the run at any
moment and start the same command again, and it goes on where it stopped. A
message is processed once across runs; copies of one mail are processed once,
but a different mail that reuses a Message-ID is decided too (reported on
stderr and marked "reused_id"). The --out file is cut back to what the journal
committed, so it holds each message exactly once. The journal also counts the
automatic answers per sender, so the policy's rate limit holds across runs.

Replies: with --outbox DIR, the answers the policy allows to send are queued
there as .eml (a Maildir); with --drafts DIR, suggested drafts for agents.
Queueing is idempotent (one reply per message, whatever was interrupted).
--send (with --smtp) then delivers the outbox during and after the run, at
most once per reply: a delivery interrupted after the data was sent is left
for a person to check instead of being repeated. Without --send nothing is
sent.

Routing: --route maildir:DIR files a copy of each mail into a Maildir folder
per action (--route-by action, the default), intent, or action/intent;
--route-move then removes the original from a Maildir or folder input after
the journal has recorded it. Mails are never deleted otherwise.

IMAP: --in imaps://USER@HOST/FOLDER (imap:// upgrades with STARTTLS; ?tls=none
only for a server on this machine) reads a mailbox folder by UID. The password
comes from ANTWORT_IMAP_PASSWORD or --imap-password-file, never the URL; an
OAuth 2.0 token (XOAUTH2: Microsoft 365, Gmail) from --imap-token-file. A mail
gets the keyword $antwort-done once the journal has committed its decision, and
is not read again. --drafts imap:[FOLDER] appends drafts (\Draft, threaded,
the customer in To) to the drafts folder, also for the answers the policy would
send when there is no --outbox; --route imap:PREFIX copies each mail into
PREFIX/<action> (--route-move moves it), --route keyword:PREFIX sets keywords
instead; with --send, delivered answers are put into the sent folder (--sent).
--watch keeps the connection and decides new mail as it arrives (IDLE, else
polling every --poll); SIGTERM finishes the mails in hand, commits and logs
out (exit 0). Mails agents move into antwort/Korrektur/<intent> (--corrections)
become feedback that 'antwort retrain' learns from. A refused login exits 6.

Auto-replies, bounces, mailing lists and antwort's own replies are recognised
and get the action "ignore". Broken mails are reported on stderr with where
they are and skipped; the exit status is then 3. --dry-run decides and writes
--out only: no journal, no outbox, no routing, no sending.`,
		Example: `  antwort batch --db antwort.db --kb ./kb --in maildir:./mail/service --out jsonl:decisions.jsonl
  antwort batch --kb ./kb --in mbox:export.mbox --in dir:./eml/ --in jsonl:tweets.jsonl --out csv:decisions.csv
  antwort batch --kb ./kb --in maildir:./mail/service --route maildir:./mail/sorted --route-by intent
  antwort batch --kb ./kb --in maildir:./mail/service --outbox ./outbox --send --smtp smtp://user@host:587 --smtp-password-file ./smtp.pw
  ANTWORT_IMAP_PASSWORD=… antwort batch --kb ./kb --in imaps://service@mail.example.de/INBOX --drafts imap: --route imap:antwort --watch`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.fromSet = cmd.Flags().Changed("from")
			o.retrySet = cmd.Flags().Changed("imap-retry")
			return runBatch(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.in, "in", nil, "input: maildir:DIR, dir:DIR, eml:FILE, mbox:FILE, jsonl:FILE, csv:FILE, imaps://USER@HOST/FOLDER or - (repeatable)")
	f.StringVar(&o.out, "out", "jsonl:-", "decisions: jsonl:FILE, csv:FILE (- = stdout), nats:SUBJECT (a JetStream stream, see --nats)")
	o.nats.register(f)
	f.StringVar(&o.kbDir, "kb", "kb", "knowledge base directory")
	f.StringVar(&o.policy, "policy", "", "reply policy file (YAML); default: built-in policy")
	f.StringVar(&o.journal, "journal", "antwort.journal", "journal file")
	f.BoolVar(&o.dryRun, "dry-run", false, "decide and write --out only: no journal, outbox, routing or sending")
	f.StringVar(&o.outbox, "outbox", "", "queue the answers to send as .eml in this Maildir")
	f.StringVar(&o.drafts, "drafts", "", "write suggested drafts as .eml into this Maildir, or with imap:[FOLDER] into the IMAP input's drafts folder")
	f.BoolVar(&o.send, "send", false, "deliver the outbox via --smtp")
	o.smtp.register(f)
	f.StringVar(&o.from, "from", "Kundenservice <service@example.com>", "sender of the answers, never answered itself; when given, its domain marks our own mail")
	f.StringArrayVar(&o.ownDoms, "own-domain", nil, "a domain of our own: mail from it (From, Reply-To, Message-ID) is never answered (repeatable)")
	f.StringVar(&o.route, "route", "", "file a copy of each mail into maildir:DIR/<folder> or imap:PREFIX/<folder>, or set keywords keyword:PREFIX<name>")
	f.StringVar(&o.routeBy, "route-by", "action", "route folders: action, intent or action/intent")
	f.BoolVar(&o.move, "route-move", false, "move mails out of a Maildir, folder or IMAP input instead of copying (after they are journaled)")
	f.IntVar(&o.limit, "limit", 0, "stop after this many messages (0 = all)")
	f.StringVar(&o.since, "since", "", "skip mails dated before this (2026-03-01 or RFC 3339)")
	f.IntVar(&o.workers, "workers", 2*runtime.GOMAXPROCS(0), "messages processed in parallel (default: two per core, so reading overlaps with work)")
	f.Int64Var(&o.maxBytes, "max-bytes", 0, "skip mails larger than this many bytes (default 25 MiB)")
	o.imap.register(f)
	f.BoolVar(&o.watch, "watch", false, "keep reading the IMAP folder: decide new mail as it arrives (IDLE) until SIGTERM")
	f.DurationVar(&o.poll, "poll", time.Second, "with --watch on a server without IDLE: look for new mail this often")
	f.StringVar(&o.sent, "sent", "", `with --send and an IMAP input: folder for delivered answers (imap:FOLDER; default the \Sent folder; "none": not kept)`)
	f.StringVar(&o.corrections, "corrections", defaultCorrections, `with an IMAP input: folder whose sub-folders, one per intent, agents move misclassified mails into ("none": off)`)
	return cmd
}

// batchRun is the state of one batch run, used by the sink on Run's
// calling goroutine only (the flusher has its own).
type batchRun struct {
	from    mail.Address // the sender of the answers
	o       *batchOptions
	g       *globalOptions
	prog    *progress        // nil when stderr is not a terminal
	j       *journal.Journal // nil in a dry run
	out     *decisionOutput
	outbox  *outbox.Outbox
	drafts  *outbox.Outbox
	route   *router
	pending []journal.Entry
	moves   []string // originals to remove after the next commit
	last    time.Time
	flush   chan struct{} // wakes the flusher after a commit
	counts  map[string]int
	intents map[string]int
	failed  int
	reused  int // messages that reused another message's Message-ID
	warned  int // messages with warnings
	noRoute bool
	imap    *imapBatch // the IMAP input's mailbox, nil without one
}

const (
	commitEvery = 256
	commitAfter = 250 * time.Millisecond
)

func runBatch(ctx context.Context, o *batchOptions) error {
	if len(o.in) == 0 {
		return flagErrorf("batch needs at least one --in")
	}
	if o.workers < 1 {
		return flagErrorf("--workers %d: need at least 1", o.workers)
	}
	if o.send && (o.smtp.url == "" || o.outbox == "") {
		return flagErrorf("--send needs --smtp and --outbox")
	}
	if o.dryRun && (o.send || o.outbox != "" || o.drafts != "" || o.route != "") {
		return flagErrorf("--dry-run changes nothing: it cannot be combined with --send, --outbox, --drafts or --route")
	}
	switch o.routeBy {
	case "action", "intent", "action/intent":
	default:
		return flagErrorf("--route-by %q: want action, intent or action/intent", o.routeBy)
	}
	if o.move && o.route == "" {
		return flagErrorf("--route-move needs --route")
	}
	batchGC()
	var since time.Time
	if o.since != "" {
		var err error
		if since, err = parseSince(o.since); err != nil {
			return flagErrorf("--since %q: %v", o.since, err)
		}
	}
	fromAddr, err := mail.ParseAddress(o.from)
	if err != nil {
		return flagErrorf("--from %q: %v", o.from, err)
	}
	var sender *outbox.Sender
	if o.send {
		if sender, err = o.smtp.sender(o.g); err != nil {
			return err
		}
	}
	outKind, outPath, ok := strings.Cut(o.out, ":")
	if !ok || (outKind != "jsonl" && outKind != "csv" && outKind != "nats") || outPath == "" {
		return flagErrorf("--out %q: want jsonl:FILE, csv:FILE (FILE - for stdout) or nats:SUBJECT", o.out)
	}
	pol := reply.DefaultPolicy()
	if o.policy != "" {
		if pol, err = reply.LoadPolicy(o.policy); err != nil {
			return err
		}
	}
	fromAddr, fromSet := brandSender(&pol, fromAddr, o.fromSet)
	iopts, err := ownMail(&pol, fromAddr, fromSet, o.ownDoms, ingest.Options{})
	if err != nil {
		return err
	}

	// Models (read-only), knowledge base (read-only), engine.
	store, err := o.g.openStore(true)
	if err != nil {
		return err
	}
	eng, err := antwort.Load(ctx, store, antwort.LoadOptions{Logger: o.g.logger, Explain: -1})
	store.Close()
	if err != nil {
		return err
	}
	k, err := kb.Open(o.kbDir, &kb.Options{ReadOnly: true, Timeout: o.g.lockTimeout})
	if err != nil {
		return err
	}
	defer k.Close()

	b := &batchRun{o: o, g: o.g, from: *fromAddr, counts: map[string]int{}, intents: map[string]int{}, last: time.Now(), flush: make(chan struct{}, 1)}
	rc := antwort.ReplyConfig{KB: k, Policy: &pol}
	if !o.dryRun {
		if b.j, err = journal.Open(o.journal, &journal.Options{Timeout: o.g.lockTimeout}); err != nil {
			return err
		}
		defer b.j.Close()
		// The per-sender rate limit counts in the journal, so it holds
		// across runs; a dry run counts in memory and records nothing.
		rc.Limiter = reply.NewStoredLimiter(b.j, pol.RateLimit.Per)
	}
	if eng, err = eng.WithReplies(rc); err != nil {
		return err
	}
	o.g.policyNote(&pol, eng.Versions())
	if outKind == "nats" {
		b.out, err = openNatsOutput(ctx, o.g, &o.nats, outPath)
	} else {
		b.out, err = openDecisionOutput(o.g, outKind, outPath, b.j)
	}
	if err != nil {
		return err
	}
	defer b.out.close()
	if o.outbox != "" {
		if b.outbox, err = outbox.OpenOutbox(o.outbox); err != nil {
			return err
		}
	}
	if o.drafts != "" && !strings.HasPrefix(o.drafts, "imap:") {
		if b.drafts, err = outbox.OpenOutbox(o.drafts); err != nil {
			return err
		}
	}
	if o.route != "" {
		kind, dir, ok := strings.Cut(o.route, ":")
		switch {
		case kind == "imap" || kind == "keyword": // into the IMAP input's mailbox
		case !ok || kind != "maildir" || dir == "":
			return flagErrorf("--route %q: want maildir:DIR, imap:PREFIX or keyword:PREFIX", o.route)
		default:
			b.route = &router{dir: dir, by: o.routeBy}
		}
	}
	in, ib, err := o.setUpIMAP(ctx, b.j, b.from, eng.Labels(antwort.IntentModel))
	if err != nil {
		return err
	}
	defer in.close()
	b.imap = ib
	if ib != nil {
		defer ib.drafter.close()
	}

	iopts.MaxBytes, iopts.KeepRaw, iopts.Stdin = o.maxBytes, o.route != "", o.g.io.In
	src := &multiSource{g: o.g, specs: o.in, opts: iopts, imap: in}
	defer src.Close()
	if ib != nil {
		if err := ib.learn(ctx); err != nil {
			fmt.Fprintf(o.g.io.ErrOut, "antwort: %v\n", err)
		}
	}

	// Deliveries run beside the processing, woken after each commit.
	var sendStats sendTally
	var wgSend sync.WaitGroup
	sendCtx, stopSend := context.WithCancel(ctx)
	if o.send {
		wgSend.Add(1)
		go func() {
			defer wgSend.Done()
			for {
				select {
				case <-sendCtx.Done():
					return
				case <-b.flush:
					sendStats.flush(sendCtx, b.outbox, sender)
					b.copySent(sendCtx)
				}
			}
		}()
	}

	if o.g.io.IsStderrTTY {
		b.prog = o.g.newProgress("batch", o.countInputs(ctx, iopts))
		defer b.prog.end()
	}
	problems := 0
	start := time.Now()
	// The sink and, with --watch, a ticker that commits while no mail
	// comes, take turns.
	var sinkMu sync.Mutex
	runCtx, stopWatch := b.watch(ctx, &sinkMu)
	st, runErr := eng.Run(runCtx, src, func(oc *antwort.Outcome) error {
		sinkMu.Lock()
		defer sinkMu.Unlock()
		return b.handle(runCtx, oc)
	}, antwort.RunOptions{
		Workers: o.workers, Limit: o.limit, Since: since,
		Skipped: func(msg *ingest.Message, key, reason string) {
			if b.imap != nil {
				sinkMu.Lock()
				b.imap.skipped(msg, key, reason)
				sinkMu.Unlock()
			}
		},
		Done: func(key, hash string) (journal.Status, error) {
			if b.j == nil {
				return journal.New, nil
			}
			return b.j.Check(key, hash)
		},
		Problem: func(err error) {
			problems++
			if problems <= maxReported {
				b.prog.printf(o.g.io.ErrOut, "antwort: skipped %v\n", err)
			} else if problems == maxReported+1 {
				b.prog.printf(o.g.io.ErrOut, "antwort: more skipped inputs are counted but not shown\n")
			}
		},
		Progress: func(done int) { b.prog.set(done, 0) },
	})
	stopWatch()
	b.prog.end() // the summary starts on a line of its own
	// Commit what was written, also after an interruption: those results
	// are complete.
	commitErr := b.commit(context.WithoutCancel(ctx))
	elapsed := time.Since(start)
	stopSend()
	wgSend.Wait()
	if o.send && runErr == nil && commitErr == nil {
		sendStats.flush(ctx, b.outbox, sender) // what the last commit queued
		b.copySent(ctx)
	}
	b.summary(st, elapsed, &sendStats)
	if b.imap != nil {
		b.imap.summary()
	}
	switch {
	case runErr != nil:
		return runErr
	case commitErr != nil:
		return commitErr
	case st.Problems > 0 || st.Failed > 0 || sendStats.failed > 0 || sendStats.uncertain > 0:
		return &partialError{skipped: st.Problems + st.Failed + sendStats.failed + sendStats.uncertain}
	}
	return nil
}

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
			fmt.Fprintf(w, ", %d uncertain (a delivery was interrupted: check whether they arrived, then release them from %s)",
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

// batchRecord is one line of batch's output.
type batchRecord struct {
	*antwort.Suggestion
	Source string `json:"source,omitempty"`
	Auto   string `json:"auto,omitempty"`
	Outbox string `json:"outbox,omitempty"`
	Route  string `json:"route,omitempty"`
	// ReusedID: a different message with this Message-ID was processed
	// before; this one was decided all the same.
	ReusedID bool `json:"reused_id,omitempty"`
	// Warnings are the message's (ingest.Message.Warnings): why it has no
	// reply address, why it has no text.
	Warnings []string `json:"warnings,omitempty"`
}

// messageKey is the identity of msg in the outbox, the routed copies and
// a NATS decisions stream: its ID and ContentHash, so that a different
// message reusing a Message-ID gets a reply of its own and a copy of a
// message does not.
func messageKey(msg *ingest.Message) string {
	if msg.ID == "" || msg.ContentHash == "" {
		return msg.ID
	}
	return msg.ID + " " + msg.ContentHash
}

// decisionOutput writes decisions as JSONL or CSV to a file or stdout. A
// file is cut back to the length the journal committed, then appended to.
type decisionOutput struct {
	kind string
	name string // absolute path; "" for stdout
	f    *os.File
	w    *bufio.Writer
	csv  *csv.Writer
	n    int           // records written by this run
	enc  *json.Encoder // JSON lines into w
	// stream is set when f is not a regular file (/dev/null, a pipe):
	// it is neither synced nor cut back.
	stream bool
	nats   *natsOutput // for nats:SUBJECT, which the fields above are not used for
}

func openDecisionOutput(g *globalOptions, kind, path string, j *journal.Journal) (*decisionOutput, error) {
	d := &decisionOutput{kind: kind}
	var w io.Writer = g.io.Out
	header := kind == "csv"
	if path != "-" {
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, err
		}
		f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("--out: %w", err)
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		if !fi.Mode().IsRegular() {
			// /dev/null, a pipe, a terminal: written as a stream, like
			// stdout; nothing to cut back, sync or record.
			d.f, d.stream = f, true
			d.w = bufio.NewWriterSize(f, 64<<10)
			if kind == "csv" {
				d.csv = csv.NewWriter(d.w)
				if err := d.csv.Write(csvHeader); err != nil {
					f.Close()
					return nil, err
				}
			}
			return d, nil
		}
		d.name = abs
		size := fi.Size()
		if j != nil {
			off, ok, err := j.Offset(abs)
			if err != nil {
				f.Close()
				return nil, err
			}
			switch {
			case ok && off < size:
				// Results written after the last commit: their messages
				// are processed again, so cut them.
				if err := f.Truncate(off); err != nil {
					f.Close()
					return nil, fmt.Errorf("--out %s: %w", path, err)
				}
				fmt.Fprintf(g.io.ErrOut, "antwort: %s: resuming after %d committed bytes (dropped %d uncommitted)\n", path, off, size-off)
				size = off
			case ok && off > size:
				fmt.Fprintf(g.io.ErrOut, "antwort: %s is shorter than the journal says (%d < %d bytes); appending\n", path, size, off)
			case !ok:
				// First use of this output with this journal: what is in
				// the file now is not ours; record its length at once, so
				// that a run killed before its first commit is cut back
				// to exactly this.
				if err := j.Commit(context.Background(), nil, map[string]int64{abs: size}); err != nil {
					f.Close()
					return nil, err
				}
				if size > 0 {
					fmt.Fprintf(g.io.ErrOut, "antwort: %s exists; appending\n", path)
				}
			}
		} else if size > 0 {
			if err := f.Truncate(0); err != nil {
				f.Close()
				return nil, err
			}
			size = 0
		}
		if _, err := f.Seek(size, io.SeekStart); err != nil {
			f.Close()
			return nil, err
		}
		header = header && size == 0
		d.f, w = f, f
	}
	d.w = bufio.NewWriterSize(w, 64<<10)
	if kind == "csv" {
		d.csv = csv.NewWriter(d.w)
		if header {
			if err := d.csv.Write(csvHeader); err != nil {
				return nil, err
			}
		}
	}
	return d, nil
}

var csvHeader = []string{"id", "source", "action", "intent", "intent_confidence", "sentiment", "sentiment_confidence",
	"lang", "article", "kb_score", "p_correct", "why_not_sent", "auto", "outbox", "route"}

// write writes r; key is the message's identity (messageKey), with which
// a NATS stream drops a record written twice.
func (d *decisionOutput) write(r *batchRecord, key string) error {
	d.n++
	if d.nats != nil {
		return d.nats.write(r, key)
	}
	if d.csv != nil {
		score := ""
		if len(r.Answers) > 0 {
			score = strconv.FormatFloat(r.Answers[0].Score, 'f', 3, 64)
		}
		return d.csv.Write([]string{r.ID, r.Source, string(r.Decision.Action), r.Intent.Label,
			strconv.FormatFloat(r.Intent.Confidence, 'f', 3, 64), r.Sentiment.Label,
			strconv.FormatFloat(r.Sentiment.Confidence, 'f', 3, 64), r.Lang, r.Article, score,
			strconv.FormatFloat(r.Decision.PCorrect, 'f', 3, 64), strings.Join(r.Decision.Problems(), "; "), r.Auto, r.Outbox, r.Route})
	}
	// encoding/json with the encoder's reused buffer: a hand-written
	// encoder for this one record shape was measured at about 2 % of a
	// batch run's time per mail (5 % on a loaded machine), too little to
	// keep 850 lines of it.
	if d.enc == nil {
		d.enc = json.NewEncoder(d.w)
	}
	return d.enc.Encode(r)
}

// sync flushes the output (and syncs a file) and returns its length.
func (d *decisionOutput) sync() (int64, error) {
	if d.nats != nil {
		return 0, d.nats.sync()
	}
	if d.csv != nil {
		d.csv.Flush()
		if err := d.csv.Error(); err != nil {
			return 0, err
		}
	}
	if err := d.w.Flush(); err != nil {
		return 0, fmt.Errorf("--out: %w", err)
	}
	if d.f == nil || d.stream {
		return 0, nil
	}
	if err := d.f.Sync(); err != nil {
		return 0, fmt.Errorf("--out: %w", err)
	}
	return d.f.Seek(0, io.SeekCurrent)
}

func (d *decisionOutput) close() {
	if d.nats != nil {
		d.nats.close()
	}
	if d.f != nil {
		d.f.Close()
	}
}

// router files copies of mails into Maildir folders.
type router struct {
	dir string
	by  string
	mu  sync.Mutex
	ok  map[string]bool // folders created
}

// file writes a copy of msg into the folder for action/intent and returns
// its path. The file name is derived from key, so filing again is a no-op.
func (r *router) file(msg *ingest.Message, key, action, intent string) (string, error) {
	if intent == "" {
		intent = "unknown"
	}
	var folder string
	switch r.by {
	case "intent":
		folder = folderName(intent)
	case "action/intent":
		folder = filepath.Join(folderName(action), folderName(intent))
	default:
		folder = folderName(action)
	}
	base := filepath.Join(r.dir, folder)
	r.mu.Lock()
	if r.ok == nil {
		r.ok = map[string]bool{}
	}
	if !r.ok[base] {
		for _, sub := range []string{"tmp", "new", "cur"} {
			if err := os.MkdirAll(filepath.Join(base, sub), 0o700); err != nil {
				r.mu.Unlock()
				return "", fmt.Errorf("--route: %w", err)
			}
		}
		r.ok[base] = true
	}
	r.mu.Unlock()
	name := strings.TrimSuffix(outbox.KeyFor(key), ".antwort") + ".routed"
	dst := filepath.Join(base, "new", name)
	if _, err := os.Stat(dst); err == nil {
		return dst, nil
	}
	tmp := filepath.Join(base, "tmp", name)
	if err := os.WriteFile(tmp, msg.Raw, 0o600); err != nil {
		return "", fmt.Errorf("--route: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return "", fmt.Errorf("--route: %w", err)
	}
	return dst, nil
}

// folderName makes a label safe as a folder name.
func folderName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '/' || r == '\\' || r == 0 || r < ' ':
			return '_'
		}
		return r
	}, s)
	if s == "" || s == "." || s == ".." || strings.HasPrefix(s, ".") {
		s = "_" + s
	}
	return s
}

// movable reports whether msg was read from a file of its own (Maildir,
// folder or single .eml), which --route-move may remove.
func movable(msg *ingest.Message) bool {
	if msg.Source == "" || strings.ContainsAny(msg.Source, "#") {
		return false
	}
	fi, err := os.Stat(msg.Source)
	return err == nil && fi.Mode().IsRegular()
}

func domainOf(addr string) string {
	_, d, _ := strings.Cut(addr, "@")
	return strings.ToLower(d)
}

func parseSince(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("want YYYY-MM-DD or RFC 3339")
}

// Garbage collector settings of a batch run, unless the GOGC and
// GOMEMLIMIT environment variables say otherwise.
const (
	batchGCPercent = 200       // collect when the heap has grown by 3x its live size, not 2x
	batchMemLimit  = 400 << 20 // but collect harder before the heap passes 400 MiB
)

// batchGC makes a batch run trade memory for CPU: a run allocates a
// little per mail and keeps little of it, so collecting less often saves
// CPU while the memory limit bounds the peak. Measured with bench/batch.sh
// (100,000 mails, 2 cores): GOGC 100 23.1-24.2 s, peak RSS 127-129 MB;
// 200 20.9-21.4 s, 175-177 MB; 400 21.5-21.8 s, 267 MB.
func batchGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(batchGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(batchMemLimit)
	}
}
