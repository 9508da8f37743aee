package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/internal/imapbox"
	"github.com/antwort-dev/antwort/internal/natsq"
	"github.com/antwort-dev/antwort/journal"
)

// natsFlags are the flags of the commands that talk to NATS.
type natsFlags struct {
	url      string
	creds    string
	retry    time.Duration
	replicas int
}

func (n *natsFlags) register(f *pflag.FlagSet) {
	f.StringVar(&n.url, "nats", "nats://127.0.0.1:4222", "NATS server URL(s), comma-separated")
	f.StringVar(&n.creds, "nats-creds", "", "NATS credentials file (JWT and seed)")
	f.DurationVar(&n.retry, "connect-retry", 30*time.Second, "how long to keep trying while NATS does not answer at start (with backoff)")
	f.IntVar(&n.replicas, "replicas", 1, "copies of each stream and bucket when they are created (3 in a three-node cluster)")
}

// connect connects, checks JetStream and creates what is missing.
func (n *natsFlags) connect(ctx context.Context, g *globalOptions, name string, hooks ...func(*natsq.ConnectOptions)) (*natsq.Conn, error) {
	if n.replicas < 1 {
		return nil, flagErrorf("--replicas %d: need at least 1", n.replicas)
	}
	g.secretURL(n.url)
	opts := natsq.ConnectOptions{Name: name, Retry: n.retry, CredsFile: n.creds, Logger: g.logger}
	if n.retry == 0 {
		opts.Retry = -1
	}
	for _, h := range hooks {
		h(&opts)
	}
	c, err := natsq.Connect(ctx, n.url, opts)
	if err != nil {
		return nil, err
	}
	if err := natsq.Setup(ctx, c.JS, natsq.SetupOptions{Replicas: n.replicas}); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

type publishOptions struct {
	g        *globalOptions
	nats     natsFlags
	in       []string
	journal  string
	maxBytes int64
	window   int
	imap     imapFlags
	watch    bool
	retrySet bool
}

func newPublishCmd(g *globalOptions) *cobra.Command {
	o := &publishOptions{g: g}
	cmd := &cobra.Command{
		Use:   "publish --in SPEC [--in SPEC...]",
		Short: "Feed mails and posts into the NATS inbound stream for workers",
		Long: `Read every message of the inputs (--in, repeatable) and publish it on the
NATS JetStream inbound stream ANTWORT_IN, subject antwort.in.<channel>
(antwort.in.email for mail), for 'antwort worker' to decide. Inputs:

  maildir:DIR  dir:DIR  eml:FILE  mbox:FILE  jsonl:FILE  csv:FILE  -  (stdin)
  imaps://USER@HOST/FOLDER  (imap:// for STARTTLS; see 'antwort batch --help')

A mail is published as it is (message/rfc822); a post from JSONL or CSV as
a JSON object. Headers: Message-ID (the Message-ID, or a hash of the mail),
Nats-Msg-Id (the Message-ID and a hash of the content), Channel,
Content-Type, Antwort-Source (where it was read). The stream drops a message
it saw in the last 10 minutes (same Message-ID and content; a different mail
that reuses a Message-ID is published); with --journal FILE, messages
published by an earlier run are skipped whatever their age (for repeated runs
over the same mailbox). A mail larger
than the server's max_payload goes into the object store antwort_mail and
the message carries its name.

Streams, buckets and object stores that do not exist yet are created
(--replicas copies). Files are read only; a mail of an IMAP folder gets the
keyword $antwort-queued once the stream has stored it (and the journal, with
--journal, has recorded it), and mails with it or with $antwort-done are not
read again. --watch keeps reading the IMAP folder (IDLE) until SIGTERM.
Unreadable items are reported on stderr and skipped (exit 3). A summary goes
to stdout as one JSON object.`,
		Example: `  antwort publish --nats nats://127.0.0.1:4222 --in maildir:./mail/service
  antwort publish --in mbox:export.mbox --in jsonl:tweets.jsonl --journal publish.journal`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.retrySet = cmd.Flags().Changed("imap-retry")
			return runPublish(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	o.nats.register(f)
	f.StringArrayVar(&o.in, "in", nil, "input: maildir:DIR, dir:DIR, eml:FILE, mbox:FILE, jsonl:FILE, csv:FILE, imaps://USER@HOST/FOLDER or - (repeatable)")
	f.StringVar(&o.journal, "journal", "", "skip messages an earlier run published, recorded in this file")
	f.Int64Var(&o.maxBytes, "max-bytes", 0, "skip mails larger than this many bytes (default 25 MiB)")
	f.IntVar(&o.window, "window", 256, "messages published and not yet acknowledged by the stream")
	o.imap.register(f)
	f.BoolVar(&o.watch, "watch", false, "keep reading the IMAP folder: publish new mail as it arrives (IDLE) until SIGTERM")
	return cmd
}

// publishSummary is publish's output.
type publishSummary struct {
	Read       int     `json:"read"`
	Published  int     `json:"published"`
	Duplicates int     `json:"duplicates"`
	Done       int     `json:"done_before"`
	Large      int     `json:"large"`
	Problems   int     `json:"problems"`
	Failed     int     `json:"failed"`
	Seconds    float64 `json:"seconds"`
	PerSecond  float64 `json:"per_second"`
}

func runPublish(ctx context.Context, o *publishOptions) error {
	g := o.g
	if len(o.in) == 0 {
		return flagErrorf("publish needs at least one --in")
	}
	if o.window < 1 {
		return flagErrorf("--window %d: need at least 1", o.window)
	}
	if o.watch && (len(o.in) != 1 || !hasIMAP(o.in)) {
		return flagErrorf("--watch reads one IMAP folder: give exactly one --in imaps://USER@HOST/FOLDER")
	}
	if o.watch && !o.retrySet {
		o.imap.retry = -1
	}

	// IMAP folders: mails published before carry $antwort-queued; in
	// watch mode, what was published is flushed and marked whenever the
	// folder has no more mail for now, and SIGTERM ends the reading.
	stop := make(chan struct{})
	var flushIdle func()
	so := imapbox.SourceOptions{Skip: []string{doneKeyword, queuedKeyword}, Watch: o.watch, Stop: stop,
		OnWait: func() { flushIdle() }}
	inputs := newIMAPInputs(g, &o.imap, so)
	defer inputs.close()
	defer context.AfterFunc(ctx, func() { close(stop) })()

	var j *journal.Journal
	if o.journal != "" {
		var err error
		if j, err = journal.Open(o.journal, &journal.Options{Timeout: g.lockTimeout}); err != nil {
			return err
		}
		defer j.Close()
	}
	c, err := o.nats.connect(ctx, g, "antwort publish")
	if err != nil {
		return err
	}
	defer c.Close()

	var sum publishSummary
	var pending []journal.Entry
	var queued []string // IMAP mails stored by the stream, to mark
	var commitErr error
	commit := func() {
		if j != nil && len(pending) > 0 && commitErr == nil {
			commitErr = j.Commit(context.WithoutCancel(ctx), pending, nil)
			pending = pending[:0]
		}
		if len(queued) > 0 && commitErr == nil {
			commitErr = inputs.mark(context.WithoutCancel(ctx), queued, queuedKeyword)
			queued = queued[:0]
		}
	}
	p := natsq.NewPublisher(c, natsq.PublisherOptions{Window: o.window, Done: func(r natsq.PublishResult) {
		switch {
		case r.Err != nil:
			sum.Failed++
			if sum.Failed <= maxReported {
				fmt.Fprintf(g.io.ErrOut, "antwort: not published %s (%s): %v\n", r.Source, r.Key, r.Err)
			}
			return
		case r.Duplicate:
			sum.Duplicates++
		default:
			sum.Published++
		}
		if r.Large {
			sum.Large++
		}
		if j != nil {
			pending = append(pending, journal.Entry{Key: r.Key, Hash: r.Hash, Time: time.Now().UTC(), Source: r.Source, Action: "published"})
		}
		if imapbox.IsURL(r.Source) {
			queued = append(queued, r.Source)
		}
		if len(pending) >= commitEvery || len(queued) >= commitEvery {
			commit()
		}
	}})

	progress, endProgress := g.progress("publish")
	defer endProgress()
	src := &multiSource{g: g, specs: o.in, opts: ingest.Options{MaxBytes: o.maxBytes, Stdin: g.io.In}, imap: inputs}
	defer src.Close()
	start := time.Now()
	var runErr error
	flushIdle = func() {
		if err := p.Flush(ctx); err == nil {
			commit()
		}
	}
	for {
		it, err := src.NextRaw(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pr *ingest.Problem
			if errors.As(err, &pr) && ctx.Err() == nil {
				sum.Problems++
				if sum.Problems <= maxReported {
					fmt.Fprintf(g.io.ErrOut, "antwort: skipped %v\n", err)
				}
				continue
			}
			runErr = err
			break
		}
		item := natsq.Item{Mail: it.Data, Source: it.Source}
		if it.Data == nil {
			msg, err := it.Parse()
			if err != nil {
				sum.Problems++
				if sum.Problems <= maxReported {
					fmt.Fprintf(g.io.ErrOut, "antwort: skipped %v\n", err)
				}
				continue
			}
			item = natsq.Item{Post: msg, Source: it.Source}
		}
		sum.Read++
		if j != nil {
			st, err := j.Check(item.Key(), item.Hash())
			if err != nil {
				runErr = err
				break
			}
			if st == journal.Processed {
				sum.Done++
				continue
			}
		}
		if err := p.Publish(ctx, item); err != nil {
			runErr = err
			break
		}
		if progress != nil {
			progress(sum.Read, -1)
		}
		if commitErr != nil {
			runErr = commitErr
			break
		}
	}
	if o.watch && errors.Is(runErr, context.Canceled) {
		runErr = nil // SIGTERM ends --watch
	}
	// What was handed to NATS is waited for, also after an interruption.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	flushErr := p.Flush(fctx)
	cancel()
	commit()
	if sum.Problems > maxReported {
		fmt.Fprintf(g.io.ErrOut, "antwort: %d more skipped inputs not shown\n", sum.Problems-maxReported)
	}
	el := time.Since(start)
	sum.Seconds = el.Seconds()
	sum.PerSecond = float64(sum.Published+sum.Duplicates) / max(el.Seconds(), 1e-9)
	fmt.Fprintf(g.io.ErrOut, "antwort: publish: %d read, %d published, %d already in the stream, %d published before (journal), %d large, %d skipped, %d failed in %s (%.0f/s)\n",
		sum.Read, sum.Published, sum.Duplicates, sum.Done, sum.Large, sum.Problems, sum.Failed, el.Round(time.Millisecond), sum.PerSecond)
	if err := json.NewEncoder(g.io.Out).Encode(sum); err != nil {
		return err
	}
	switch {
	case runErr != nil:
		return runErr
	case flushErr != nil:
		return fmt.Errorf("waiting for the stream to acknowledge: %w", flushErr)
	case commitErr != nil:
		return commitErr
	case sum.Problems+sum.Failed > 0:
		return &partialError{skipped: sum.Problems + sum.Failed}
	}
	return nil
}

// natsOutput is batch's --out nats:SUBJECT: each decision is published on
// SUBJECT with its message's identity (Message-ID and content hash) as
// Nats-Msg-Id, so the stream drops a decision published again (a rerun
// after a kill) within its de-duplication window.
type natsOutput struct {
	ctx context.Context
	c   *natsq.Conn
	p   *natsq.RecordPublisher
}

func openNatsOutput(ctx context.Context, g *globalOptions, nf *natsFlags, subject string) (*decisionOutput, error) {
	c, err := nf.connect(ctx, g, "antwort batch")
	if err != nil {
		return nil, fmt.Errorf("--out nats:%s: %w", subject, err)
	}
	p, err := natsq.NewRecordPublisher(ctx, c, subject)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("--out nats:%s: %w", subject, err)
	}
	return &decisionOutput{kind: "nats", nats: &natsOutput{ctx: context.WithoutCancel(ctx), c: c, p: p}}, nil
}

func (n *natsOutput) write(r *batchRecord, key string) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return n.p.Publish(n.ctx, key, b)
}

// sync waits (at most a minute) until the stream has stored every
// decision written.
func (n *natsOutput) sync() error {
	ctx, cancel := context.WithTimeout(n.ctx, time.Minute)
	defer cancel()
	return n.p.Sync(ctx)
}

func (n *natsOutput) close() { n.c.Close() }
