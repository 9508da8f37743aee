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
	"unicode/utf8"

	"time"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/internal/outbox"
	"github.com/antwort-dev/antwort/journal"
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
	journal  string
}

func newReplyCmd(g *globalOptions) *cobra.Command {
	o := &replyOptions{g: g}
	cmd := &cobra.Command{
		Use:   "reply [INPUT...]",
		Short: "Decide per message: send an answer, suggest a draft, escalate or ignore",
		Long: `For each message of the INPUTs (or stdin) classify it, search the knowledge base (--kb) with the text and the intent distribution,
fill the best article's template with what was found in the mail (name,
order number, dates; never contact data), and let the reply policy decide:
send, suggest, escalate or ignore, with every check that passed or failed.

An INPUT is what batch and parse read: a mail file (.eml), a folder of mail
files, a Maildir, or a spec dir:DIR, maildir:DIR, mbox:FILE, eml:FILE,
jsonl:FILE, csv:FILE, tsv:FILE, text:FILE; "-" or none is stdin (JSONL, text
lines, CSV, one mail or an mbox, sniffed; --in-format names it).

Output: one JSON object per message (--format jsonl) or a table (text).

Dry run is the default: nothing is sent. --outbox DIR writes the answers the
policy allows to send as .eml files into a Maildir (new/ = unsent); --drafts
DIR writes suggested drafts the same way for agents. --send (needs --smtp and
--outbox) then sends everything unsent in the outbox; a failed delivery stays
in the outbox, marked unsent, and is retried by the next --send. With
--outbox, the automatic answers per sender are counted in the journal
(--journal, shared with 'antwort batch'), so the policy's rate limit holds
across runs; without it they are counted for this run only.

The policy file (--policy, YAML) overrides the defaults; 'antwort reply
--print-policy' shows them.`,
		Example: `  antwort reply --db antwort.db --kb ./kb < inbox.jsonl
  antwort reply --db antwort.db --kb ./kb --outbox ./outbox mail.eml
  antwort reply --kb ./kb --format text inbox/         # a folder of mail files (or a Maildir)
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
	f.StringVar(&o.journal, "journal", "antwort.journal", "with --outbox: count automatic answers per sender in this journal file")
	f.StringVar(&o.inFormat, "in-format", "", inFormatUsage)
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
	if err := validInFormat(o.inFormat); err != nil {
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
	fromAddr, fromSet := brandSender(&pol, fromAddr, o.fromSet)
	iopts, err := ownMail(&pol, fromAddr, fromSet, o.ownDoms, ingest.Options{})
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
	rc := antwort.ReplyConfig{KB: k, Policy: &pol}
	if o.outbox != "" {
		j, err := journal.Open(o.journal, &journal.Options{Timeout: o.g.lockTimeout})
		if err != nil {
			return err
		}
		defer j.Close()
		rc.Limiter = reply.NewStoredLimiter(j, pol.RateLimit.Per)
	}
	eng, err = eng.WithReplies(rc)
	if err != nil {
		return err
	}
	o.g.policyNote(&pol, eng.Versions())
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
		rec := decisionRecord{Suggestion: s, Warnings: msg.Warnings, msg: msg}
		for _, w := range msg.Warnings {
			fmt.Fprintf(o.g.io.ErrOut, "antwort: warning: %s: %s\n", msgWhere(msg), w)
		}
		key, err := queueReply(from, messageKey(msg), msg, s, out, drafts)
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
// its key; "" when there was nothing to queue. key is the message's
// identity (messageKey): the reply's key is outbox.KeyFor(key), so a
// message is queued once however often it is processed. A message
// without a sender address gives an error wrapping outbox.ErrNoRecipient.
func queueReply(from mail.Address, key string, msg *ingest.Message, s *antwort.Suggestion, out, drafts *outbox.Outbox) (string, error) {
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
	if key == "" {
		return target.Put(r)
	}
	okey := outbox.KeyFor(key)
	if _, err := target.PutKey(okey, r); err != nil {
		return "", err
	}
	return okey, nil
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

	msg *ingest.Message // for the text format: where it came from, its subject
}

// decisionWriter prints decision records as JSONL or, for people, as one
// block per message with the draft indented and wrapped.
type decisionWriter struct {
	enc *json.Encoder
	w   io.Writer
	n   int
}

func newDecisionWriter(w io.Writer, format string) *decisionWriter {
	if format == "text" {
		return &decisionWriter{w: w}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &decisionWriter{enc: enc}
}

// draftWidth is where the text format wraps a draft's lines.
const draftWidth = 78

func (d *decisionWriter) write(r *decisionRecord) error {
	if d.enc != nil {
		return d.enc.Encode(r)
	}
	var b strings.Builder
	if d.n > 0 {
		b.WriteByte('\n')
	}
	d.n++
	head := r.ID
	if r.msg != nil && r.msg.Source != "" && r.msg.Source != r.ID {
		head = r.msg.Source + "  (" + r.ID + ")"
	}
	fmt.Fprintf(&b, "== %s\n", head)
	if r.msg != nil && r.msg.Subject != "" {
		fmt.Fprintf(&b, "   subject:    %s\n", r.msg.Subject)
	}
	fmt.Fprintf(&b, "   action:     %s\n", r.Decision.Action)
	for i, p := range r.Decision.Problems() {
		if r.Decision.Action == reply.Send {
			break
		}
		label := "why:"
		if i > 0 {
			label = ""
		}
		for _, line := range wrapText(p, 78-15) {
			fmt.Fprintf(&b, "   %-11s %s\n", label, line)
			label = ""
		}
	}
	pc := fmt.Sprintf("%.3f", r.Decision.PCorrect)
	if r.Decision.Rule == reply.RuleFitted {
		pc += fmt.Sprintf(" (sent from %.3f: at most %.1f %% wrong)", r.Decision.Threshold, 100*r.Decision.MaxWrong)
	} else {
		pc += " (hand thresholds: no fitted rule)"
	}
	if r.Decision.Action != reply.Ignore && r.Decision.Action != reply.Escalate {
		fmt.Fprintf(&b, "   p_correct:  %s\n", pc)
	}
	for _, q := range r.Requests {
		fmt.Fprintf(&b, "   request:    %s %.2f, article %s: %q\n", q.Intent, q.Confidence, orDash(q.Article), snippet(q.Sentence, 60))
	}
	fmt.Fprintf(&b, "   intent:     %s %s   sentiment: %s %s   lang: %s\n", labelText(r.Intent), confText(r.Intent),
		labelText(r.Sentiment), confText(r.Sentiment), r.Lang)
	article := orDash(r.Article)
	for _, a := range r.Answers {
		if a.ID == r.Article {
			article += fmt.Sprintf(" (score %.2f)", a.Score)
			break
		}
	}
	fmt.Fprintf(&b, "   article:    %s\n", article)
	if len(r.Missing) > 0 {
		fmt.Fprintf(&b, "   missing:    %s\n", strings.Join(r.Missing, ", "))
	}
	if r.Outbox != "" {
		fmt.Fprintf(&b, "   outbox:     %s\n", r.Outbox)
	}
	if r.Draft != "" {
		b.WriteString("   draft:\n")
		for _, line := range wrapText(r.Draft, draftWidth-6) {
			if line == "" {
				b.WriteString("\n")
				continue
			}
			b.WriteString("      " + line + "\n")
		}
	}
	_, err := io.WriteString(d.w, b.String())
	return err
}

func (d *decisionWriter) flush() error { return nil }

// wrapText breaks text into lines of at most width runes at spaces,
// keeping its blank lines and short lines (a salutation, a sign-off, a
// list item); a line of reflowLen runes or more that is followed by more
// text of its paragraph was wrapped by the article's author and is joined
// with it first. A word longer than width (a URL) gets a line of its own.
func wrapText(text string, width int) []string {
	var paras []string
	for _, line := range strings.Split(text, "\n") {
		if n := len(paras); n > 0 && utf8.RuneCountInString(paras[n-1]) >= reflowLen &&
			strings.TrimSpace(line) != "" && !listItem(line) {
			paras[n-1] += " " + strings.TrimSpace(line)
			continue
		}
		paras = append(paras, line)
	}
	var out []string
	for _, para := range paras {
		words := strings.Fields(para)
		if len(words) == 0 {
			out = append(out, "")
			continue
		}
		line, n := words[0], utf8.RuneCountInString(words[0])
		for _, w := range words[1:] {
			wn := utf8.RuneCountInString(w)
			if n+1+wn > width {
				out = append(out, line)
				line, n = w, wn
				continue
			}
			line += " " + w
			n += 1 + wn
		}
		out = append(out, line)
	}
	return out
}

// reflowLen is the length from which wrapText takes a line for part of a
// paragraph its author wrapped.
const reflowLen = 50

// listItem reports whether line starts like an item of a list: "- ",
// "* ", "• " or a number with '.' or ')'.
func listItem(line string) bool {
	s := strings.TrimSpace(line)
	for _, p := range []string{"- ", "* ", "• ", "– "} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')')
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
