package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/internal/outbox"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/reply"
)

type replyOptions struct {
	g        *globalOptions
	kbDir    string
	policy   string
	outbox   string
	drafts   string
	send     bool
	smtp     smtpFlags
	from     string
	fromSet  bool
	ownDoms  []string
	inFormat string
	format   string
	files    []string
}

func newReplyCmd(g *globalOptions) *cobra.Command {
	o := &replyOptions{g: g}
	cmd := &cobra.Command{
		Use:   "reply [FILE...]",
		Short: "Decide per message: send an answer, suggest a draft, escalate or ignore",
		Long: `For each message (FILEs or stdin; JSONL, text lines, CSV or one .eml) classify
it, search the knowledge base (--kb) with the text and the intent distribution,
fill the best article's template with what was found in the mail (name,
order number, dates; never contact data), and let the reply policy decide:
send, suggest, escalate or ignore, with every check that passed or failed.

Output: one JSON object per message (--format jsonl) or a table (text).

Dry run is the default: nothing is sent. --outbox DIR writes the answers the
policy allows to send as .eml files into a Maildir (new/ = unsent); --drafts
DIR writes suggested drafts the same way for agents. --send (needs --smtp and
--outbox) then sends everything unsent in the outbox; a failed delivery stays
in the outbox, marked unsent, and is retried by the next --send.

The policy file (--policy, YAML) overrides the defaults; 'antwort reply
--print-policy' shows them.`,
		Example: `  antwort reply --db antwort.db --kb ./kb < inbox.jsonl
  antwort reply --db antwort.db --kb ./kb --outbox ./outbox mail.eml
  ANTWORT_SMTP_PASSWORD=… antwort reply --db antwort.db --kb ./kb --outbox ./outbox --send --smtp smtp://user@host:587 inbox.jsonl`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.files = args
			o.fromSet = cmd.Flags().Changed("from")
			return runReply(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.kbDir, "kb", "kb", "knowledge base directory")
	f.StringVar(&o.policy, "policy", "", "reply policy file (YAML); default: built-in policy")
	f.StringVar(&o.outbox, "outbox", "", "write answers to send as .eml into this Maildir")
	f.StringVar(&o.drafts, "drafts", "", "write suggested drafts as .eml into this Maildir")
	f.BoolVar(&o.send, "send", false, "send what is unsent in --outbox via --smtp")
	o.smtp.register(f)
	f.StringVar(&o.from, "from", "Kundenservice <service@example.com>", "sender of the answers, never answered itself; when given, its domain marks our own mail")
	f.StringArrayVar(&o.ownDoms, "own-domain", nil, "a domain of our own: mail from it (From, Reply-To, Message-ID) is never answered (repeatable)")
	f.StringVar(&o.inFormat, "in-format", "", "input format: jsonl, text, csv, tsv, eml (default: sniffed)")
	f.StringVar(&o.format, "format", "jsonl", "output: jsonl or text")
	var printPolicy bool
	f.BoolVar(&printPolicy, "print-policy", false, "print the effective policy as YAML and exit")
	cmd.PreRunE = func(cmd *cobra.Command, args []string) error {
		if printPolicy {
			p, err := o.loadPolicy()
			if err != nil {
				return err
			}
			b, err := p.YAML()
			if err != nil {
				return err
			}
			_, err = g.io.Out.Write(b)
			if err == nil {
				err = errPrinted
			}
			return err
		}
		return nil
	}
	return cmd
}

// errPrinted ends a command that has done its job early.
var errPrinted = errors.New("printed")

func (o *replyOptions) loadPolicy() (reply.Policy, error) {
	if o.policy == "" {
		return reply.DefaultPolicy(), nil
	}
	return reply.LoadPolicy(o.policy)
}

func runReply(ctx context.Context, o *replyOptions) error {
	if err := validFormat(o.format, "jsonl", "json", "text"); err != nil {
		return err
	}
	if o.send && (o.smtp.url == "" || o.outbox == "") {
		return flagErrorf("--send needs --smtp and --outbox")
	}
	fromAddr, err := mail.ParseAddress(o.from)
	if err != nil {
		return flagErrorf("--from %q: %v", o.from, err)
	}
	pol, err := o.loadPolicy()
	if err != nil {
		return err
	}
	iopts, err := ownMail(&pol, fromAddr, o.fromSet, o.ownDoms, ingest.Options{})
	if err != nil {
		return err
	}
	store, err := o.g.openStore(true)
	if err != nil {
		return err
	}
	eng, err := antwort.Load(ctx, store, antwort.LoadOptions{Logger: o.g.logger})
	store.Close()
	if err != nil {
		return err
	}
	k, err := kb.Open(o.kbDir, &kb.Options{ReadOnly: true, Timeout: o.g.lockTimeout})
	if err != nil {
		return err
	}
	defer k.Close()
	eng, err = eng.WithReplies(antwort.ReplyConfig{KB: k, Policy: &pol})
	if err != nil {
		return err
	}
	var out, drafts *outbox.Outbox
	if o.outbox != "" {
		if out, err = outbox.OpenOutbox(o.outbox); err != nil {
			return err
		}
	}
	if o.drafts != "" {
		if drafts, err = outbox.OpenOutbox(o.drafts); err != nil {
			return err
		}
	}
	w := newDecisionWriter(o.g.io.Out, o.format)
	files := o.files
	if len(files) == 0 {
		files = []string{"-"}
	}
	skipped := 0
	for _, name := range files {
		n, err := o.replyStream(ctx, eng, name, *fromAddr, iopts, w, out, drafts)
		skipped += n
		if err != nil {
			w.flush()
			return err
		}
	}
	if err := w.flush(); err != nil {
		return err
	}
	if o.send {
		s, err := o.smtp.sender(o.g)
		if err != nil {
			return err
		}
		sent, failed, unc, err := flushCounts(out.Flush(ctx, s))
		fmt.Fprintf(o.g.io.ErrOut, "antwort: sent %d, failed %d (kept unsent in %s)", sent, failed, o.outbox)
		if unc > 0 {
			fmt.Fprintf(o.g.io.ErrOut, ", %d uncertain (a delivery was interrupted: check whether it arrived, then release it from %s)",
				unc, filepath.Join(o.outbox, "sending"))
		}
		fmt.Fprintln(o.g.io.ErrOut)
		if err != nil {
			return err
		}
		if failed+unc > 0 {
			return &partialError{skipped: failed + unc}
		}
	}
	if skipped > 0 {
		return &partialError{skipped: skipped}
	}
	return nil
}

func (o *replyOptions) replyStream(ctx context.Context, eng *antwort.Engine, name string, from mail.Address, iopts ingest.Options,
	w *decisionWriter, out, drafts *outbox.Outbox) (int, error) {
	return o.g.eachMessage(ctx, name, o.inFormat, iopts, func(msg *ingest.Message) error {
		s, err := eng.Suggest(ctx, msg)
		if err != nil {
			return err
		}
		rec := decisionRecord{Suggestion: s, Warnings: msg.Warnings}
		for _, w := range msg.Warnings {
			fmt.Fprintf(o.g.io.ErrOut, "antwort: warning: %s: %s\n", msgWhere(msg), w)
		}
		key, err := queueReply(from, msg, s, out, drafts)
		switch {
		case errors.Is(err, outbox.ErrNoRecipient):
			rec.Outbox = "not written: no sender address to answer"
		case err != nil:
			return err
		default:
			rec.Outbox = key
		}
		return w.write(&rec)
	})
}

// queueReply puts the answer the policy allows to send into out, or a
// suggested draft into drafts (either may be nil: not wanted), and returns
// its key; "" when there was nothing to queue. A message with an ID gets
// the key outbox.KeyFor(ID), so it is queued once however often it is
// processed. A message without a sender address gives an error wrapping
// outbox.ErrNoRecipient.
func queueReply(from mail.Address, msg *ingest.Message, s *antwort.Suggestion, out, drafts *outbox.Outbox) (string, error) {
	var target *outbox.Outbox
	switch s.Decision.Action {
	case reply.Send:
		target = out
	case reply.Suggest:
		target = drafts
	}
	if target == nil || s.Draft == "" {
		return "", nil
	}
	r := replyFor(from, msg, s)
	if msg.ID == "" {
		return target.Put(r)
	}
	key := outbox.KeyFor(msg.ID)
	if _, err := target.PutKey(key, r); err != nil {
		return "", err
	}
	return key, nil
}

// replyFor is the reply (or draft) to msg from the sender from: the
// suggestion's draft to the one mailbox msg.Recipient names, threaded to
// msg (In-Reply-To, References), marked automatic when the policy sends
// it.
func replyFor(from mail.Address, msg *ingest.Message, s *antwort.Suggestion) outbox.Reply {
	r := outbox.Reply{
		From: from, To: toMailbox(msg.Recipient()), Subject: msg.Subject, Lang: s.Lang, Text: s.Draft, Date: time.Now(),
		Auto:    s.Decision.Action == reply.Send,
		Headers: map[string]string{"X-Antwort-Intent": s.Intent.Label, "X-Antwort-Action": string(s.Decision.Action)},
	}
	if s.Article != "" {
		r.Headers["X-Antwort-Article"] = s.Article
	}
	if strings.Contains(msg.ID, "@") {
		r.InReplyTo = msg.ID
		r.References = msg.References
	}
	return r
}

// decisionRecord is one line of reply's output.
type decisionRecord struct {
	*antwort.Suggestion
	Outbox   string   `json:"outbox,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
}

type decisionWriter struct {
	enc *json.Encoder
	tw  *tabwriter.Writer
	n   int
}

func newDecisionWriter(w io.Writer, format string) *decisionWriter {
	if format == "text" {
		return &decisionWriter{tw: tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &decisionWriter{enc: enc}
}

func (d *decisionWriter) write(r *decisionRecord) error {
	if d.enc != nil {
		return d.enc.Encode(r)
	}
	if d.n == 0 {
		fmt.Fprintln(d.tw, "ID\tACTION\tINTENT\tSENTIMENT\tARTICLE\tWHY NOT SENT")
	}
	d.n++
	why := strings.Join(r.Decision.Failed(), ", ")
	fmt.Fprintf(d.tw, "%s\t%s\t%s %.2f\t%s\t%s\t%s\n", r.ID, r.Decision.Action, labelText(r.Intent), r.Intent.Confidence,
		labelText(r.Sentiment), orDash(r.Article), why)
	return nil
}

func (d *decisionWriter) flush() error {
	if d.tw != nil {
		return d.tw.Flush()
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
