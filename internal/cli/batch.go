package cli

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"runtime"
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

func parseSince(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("want YYYY-MM-DD or RFC 3339")
}
