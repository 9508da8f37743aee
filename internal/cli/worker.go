package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/mail"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/internal/natsq"
	"github.com/antwort-dev/antwort/internal/outbox"
	"github.com/antwort-dev/antwort/models"
	"github.com/antwort-dev/antwort/reply"
)

type workerOptions struct {
	g             *globalOptions
	nats          natsFlags
	dbSet         bool
	kbDir         string
	policy        string
	from          string
	send          bool
	smtp          smtpFlags
	inFlight      int
	sendInFlight  int
	ackWait       time.Duration
	maxAckPending int
	maxAttempts   int
	listen        string
	name          string
	drainTimeout  time.Duration
	ownDoms       []string
	maxBytes      int64
}

func newWorkerCmd(g *globalOptions) *cobra.Command {
	o := &workerOptions{g: g}
	cmd := &cobra.Command{
		Use:   "worker",
		Short: "Decide messages from the NATS inbound stream; run as many as needed, on any machine",
		Long: `Take messages from the NATS JetStream inbound stream (fed by 'antwort
publish'), decide each (classify, search the knowledge base, apply the
reply policy) and publish the decision on antwort.decisions.<action>. All
workers share one durable consumer, so each message goes to one worker;
start as many as the load needs, on any machine that reaches NATS.

Models: the last 'antwort models push' (the worker follows every later
push without stopping; a push from a newer antwort is refused and the
worker keeps its models). Before any push, the active models of --db are
used; without those the worker waits for a push. The knowledge base of a
push is imported into --kb (the worker's copy); before any push --kb is
used as it is. Every decision records the push, the model versions and the
knowledge base that decided it.

Replies: with --from, a reply the policy sends is put on the outbox stream
before the message is acknowledged. Workers started with --send --smtp
also deliver replies, each at most once: a claim per reply in the bucket
antwort_replies is taken before it is sent; a reply whose delivery was
never confirmed is not sent again but dead-lettered for a person to check
('antwort worker dead', then 'antwort worker release KEY').

A message that is not a mail or post goes to the dead-letter stream at
once, with the reason; one that fails --max-attempts times (or is never
acknowledged because it crashes workers) likewise. A worker that dies
leaves its messages to the others after --ack-wait. NATS unreachable at
start: retried with backoff for --connect-retry, then exit 1. Connection
lost later: reconnects, nothing acknowledged is lost.

--listen serves /healthz (JSON; 200 when working) and /metrics
(Prometheus). SIGINT/SIGTERM stop fetching, let the messages in flight
finish (--drain-timeout) and exit 0.

On stdout: one JSON line when the worker listens and one when it stops.`,
		Example: `  antwort worker --nats nats://nats1:4222,nats://nats2:4222 --db worker.db --kb ./kb
  antwort worker --kb ./kb --from "Nordlicht Service <service@nordlicht.example>" --send --smtp smtp://mail:587 --listen :9464
  antwort worker list
  antwort worker dead --outbox
  antwort worker release r3f2a…`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// ANTWORT_DB names the store to use if there is one (as a
			// default would); only --db on the command line must exist.
			o.dbSet = cmd.Flags().Changed("db") && g.fromEnv["db"] == ""
			return runWorker(cmd.Context(), o)
		},
	}
	o.nats.register(cmd.PersistentFlags())
	f := cmd.Flags()
	f.StringVar(&o.kbDir, "kb", "kb", "the worker's knowledge base directory (a push replaces its content)")
	f.StringVar(&o.policy, "policy", "", "reply policy file (YAML); default: built-in policy")
	f.StringVar(&o.from, "from", "", "sender of replies, never answered itself (nor its domain); without it no replies are queued (decisions only)")
	f.BoolVar(&o.send, "send", false, "also deliver replies from the outbox stream via --smtp")
	o.smtp.register(f)
	f.IntVar(&o.inFlight, "in-flight", 8*runtime.GOMAXPROCS(0), "messages this worker fetches and processes at once (8 per core)")
	f.IntVar(&o.sendInFlight, "send-in-flight", 4, "replies this worker delivers at once (with --send)")
	f.DurationVar(&o.ackWait, "ack-wait", natsq.DefaultAckWait, "time before a message not acknowledged goes to another worker (sets the shared consumer)")
	f.IntVar(&o.maxAckPending, "max-ack-pending", natsq.DefaultMaxAckPending, "unacknowledged messages of all workers together (sets the shared consumer)")
	f.IntVar(&o.maxAttempts, "max-attempts", natsq.DefaultMaxAttempts, "attempts before a failing message is dead-lettered")
	f.StringVar(&o.listen, "listen", "127.0.0.1:0", "address for /healthz and /metrics (port 0: any free port; \"\": none)")
	f.StringVar(&o.name, "name", "", "worker name in decisions, claims and logs (default host-pid)")
	f.DurationVar(&o.drainTimeout, "drain-timeout", 30*time.Second, "time the messages in flight get at shutdown")
	f.StringArrayVar(&o.ownDoms, "own-domain", nil, "a domain of our own: mail from it (From, Reply-To, Message-ID) is never answered (repeatable)")
	f.Int64Var(&o.maxBytes, "max-bytes", 0, "dead-letter mails larger than this many bytes (default 25 MiB)")
	cmd.AddCommand(newWorkerListCmd(g, &o.nats), newWorkerDeadCmd(g, &o.nats), newWorkerReleaseCmd(g, &o.nats))
	return cmd
}

func runWorker(ctx context.Context, o *workerOptions) error {
	g := o.g
	switch {
	case o.inFlight < 1:
		return flagErrorf("--in-flight %d: need at least 1", o.inFlight)
	case o.sendInFlight < 1:
		return flagErrorf("--send-in-flight %d: need at least 1", o.sendInFlight)
	case o.maxAttempts < 1:
		return flagErrorf("--max-attempts %d: need at least 1", o.maxAttempts)
	case o.maxAckPending < o.inFlight:
		return flagErrorf("--max-ack-pending %d is below --in-flight %d", o.maxAckPending, o.inFlight)
	case o.ackWait < time.Second:
		return flagErrorf("--ack-wait %s: need at least 1s", o.ackWait)
	case o.send && o.smtp.url == "":
		return flagErrorf("--send needs --smtp")
	}
	var fromAddr *mail.Address
	if o.from != "" {
		var err error
		if fromAddr, err = mail.ParseAddress(o.from); err != nil {
			return flagErrorf("--from %q: %v", o.from, err)
		}
	}
	var sender *outbox.Sender
	if o.send {
		var err error
		if sender, err = o.smtp.sender(g); err != nil {
			return err
		}
	}
	pol := reply.DefaultPolicy()
	if o.policy != "" {
		var err error
		if pol, err = reply.LoadPolicy(o.policy); err != nil {
			return err
		}
	}
	// Local models: read once at start, the store closed at once, so a
	// trainer can write it meanwhile.
	var local func(context.Context) (*antwort.Engine, string, error)
	if _, err := os.Stat(g.db); err == nil {
		local = func(ctx context.Context) (*antwort.Engine, string, error) {
			store, err := g.openStore(true)
			if err != nil {
				return nil, "", err
			}
			defer store.Close()
			eng, err := antwort.Load(ctx, store, antwort.LoadOptions{Logger: g.logger, Explain: -1})
			return eng, "local:" + store.Path(), err
		}
	} else if o.dbSet {
		return fmt.Errorf("--db %s does not exist (without --db a worker runs on what 'antwort models push' distributes): %w", g.db, models.ErrNotFound)
	}

	var wk atomic.Pointer[natsq.Worker]
	c, err := o.nats.connect(ctx, g, "antwort worker", func(co *natsq.ConnectOptions) {
		co.OnDisconnect = func(err error) {
			if w := wk.Load(); w != nil {
				w.Disconnected(err)
			}
		}
		co.OnReconnect = func() {
			if w := wk.Load(); w != nil {
				w.Reconnected()
			}
		}
	})
	if err != nil {
		return err
	}
	defer c.Close()

	iopts, err := ownMail(&pol, fromAddr, fromAddr != nil, o.ownDoms, ingest.Options{MaxBytes: o.maxBytes})
	if err != nil {
		return err
	}
	cfg := natsq.WorkerConfig{
		Conn: c, Name: o.name, InFlight: o.inFlight, AckWait: o.ackWait, MaxAckPending: o.maxAckPending, MaxAttempts: o.maxAttempts,
		DrainTimeout: o.drainTimeout, KBDir: o.kbDir, KBTimeout: g.lockTimeout, Local: local, Policy: &pol,
		Ingest: iopts, Sender: sender, SendInFlight: o.sendInFlight, Logger: g.logger,
	}
	if fromAddr != nil {
		from := *fromAddr
		cfg.Reply = func(msg *ingest.Message, s *antwort.Suggestion) outbox.Reply { return replyFor(from, msg, s) }
	}
	w, err := natsq.NewWorker(cfg)
	if err != nil {
		return err
	}
	wk.Store(w)

	event := map[string]any{"event": "started", "worker": w.Name(), "pid": os.Getpid(), "nats": natsq.Redact(o.nats.url)}
	if o.listen != "" {
		ln, err := net.Listen("tcp", o.listen)
		if err != nil {
			return fmt.Errorf("--listen %s: %w", o.listen, err)
		}
		srv := &http.Server{Handler: w.Handler(), ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = srv.Serve(ln) }()
		defer func() {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			_ = srv.Shutdown(sctx)
			cancel()
		}()
		event["url"] = "http://" + ln.Addr().String()
	}
	mode := "decisions only (no --from)"
	switch {
	case sender != nil:
		mode = "queues and sends replies via " + sender.String()
	case fromAddr != nil:
		mode = "queues replies on the outbox stream (sent by workers with --send)"
	}
	g.say("worker %s on %s: %s; health and metrics on %v", w.Name(), natsq.Redact(o.nats.url), mode, orNone(event["url"]))
	if local == nil {
		g.say("no model store %s: using the last 'antwort models push' (waiting for one if there is none)", g.db)
	}
	enc := json.NewEncoder(g.io.Out)
	_ = enc.Encode(event)

	start := time.Now()
	runErr := w.Run(ctx)
	h := w.Health()
	_ = enc.Encode(map[string]any{"event": "stopped", "worker": w.Name(), "processed": h.Processed, "seconds": time.Since(start).Seconds()})
	if runErr != nil {
		return runErr
	}
	g.say("worker %s stopped after %d messages", w.Name(), h.Processed)
	return nil
}

func orNone(v any) any {
	if v == nil {
		return "none"
	}
	return v
}

func newWorkerListCmd(g *globalOptions, nf *natsFlags) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the live workers with their models and counts",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "jsonl" && format != "text" {
				return flagErrorf("--format %q: want jsonl or text", format)
			}
			c, err := nf.connect(cmd.Context(), g, "antwort worker list")
			if err != nil {
				return err
			}
			defer c.Close()
			ws, err := natsq.Workers(cmd.Context(), c.JS)
			if err != nil {
				return err
			}
			enc := json.NewEncoder(g.io.Out)
			for _, w := range ws {
				if format == "text" {
					push, versions := "-", "-"
					if w.Models != nil {
						push, versions = orDash(w.Models.Push), strings.Join(w.Models.Versions, ",")
					}
					fmt.Fprintf(g.io.Out, "%-24s %-12s push %-28s %-24s %8d processed\n", w.Name, w.Status, push, versions, w.Processed)
					continue
				}
				if err := enc.Encode(w); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "jsonl", "output: jsonl or text")
	return cmd
}

func newWorkerDeadCmd(g *globalOptions, nf *natsFlags) *cobra.Command {
	var (
		inbound, outboxOnly bool
		limit               int
	)
	cmd := &cobra.Command{
		Use:   "dead",
		Short: "List the dead letters: messages and replies that could not be processed, with the reason",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			filter := natsq.DeadPrefix + ".>"
			switch {
			case inbound && outboxOnly:
				return flagErrorf("--inbound and --outbox exclude each other")
			case inbound:
				filter = natsq.DeadPrefix + ".in.>"
			case outboxOnly:
				filter = natsq.DeadPrefix + ".outbox.>"
			}
			c, err := nf.connect(cmd.Context(), g, "antwort worker dead")
			if err != nil {
				return err
			}
			defer c.Close()
			ds, err := natsq.DeadLetters(cmd.Context(), c.JS, filter, limit)
			enc := json.NewEncoder(g.io.Out)
			for _, d := range ds {
				if err := enc.Encode(d); err != nil {
					return err
				}
			}
			return err
		},
	}
	cmd.Flags().BoolVar(&inbound, "inbound", false, "only inbound messages")
	cmd.Flags().BoolVar(&outboxOnly, "outbox", false, "only replies")
	cmd.Flags().IntVar(&limit, "limit", 0, "at most this many (0: all)")
	return cmd
}

func newWorkerReleaseCmd(g *globalOptions, nf *natsFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "release KEY...",
		Short: "Send dead-lettered replies again, after checking that the customer did not get them",
		Long: `Move the dead-lettered replies with the given keys (see 'antwort worker dead
--outbox') back to the outbox stream and remove their claims, so a worker
with --send delivers them. A reply the SMTP server accepted cannot be
released.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return flagErrorf("%s needs at least one KEY", cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := nf.connect(cmd.Context(), g, "antwort worker release")
			if err != nil {
				return err
			}
			defer c.Close()
			failed := 0
			for _, key := range args {
				if err := natsq.Release(cmd.Context(), c.JS, key); err != nil {
					if ctxErr := cmd.Context().Err(); ctxErr != nil {
						return ctxErr
					}
					failed++
					fmt.Fprintf(g.io.ErrOut, "antwort: %v\n", err)
					continue
				}
				fmt.Fprintf(g.io.ErrOut, "antwort: %s queued again\n", key)
			}
			if failed == len(args) {
				return errors.New("nothing released")
			}
			if failed > 0 {
				return &partialError{skipped: failed}
			}
			return nil
		},
	}
}
