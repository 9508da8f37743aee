package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/internal/imapbox"
)

type parseOptions struct {
	g          *globalOptions
	in         []string
	format     string
	rawText    bool
	noClean    bool
	maxBytes   int64
	maxHeader  int64
	loopID     string
	ownDomains []string
	imap       imapFlags
}

func newParseCmd(g *globalOptions) *cobra.Command {
	o := &parseOptions{g: g}
	cmd := &cobra.Command{
		Use:   "parse [--in] SPEC...",
		Short: "Parse inbound mail and posts and print what antwort reads from them",
		Long: `Parse mail and posts the way 'antwort batch' and 'antwort train' read them and
print every message: JSONL on stdout (--format jsonl, the default; all fields
of the message and its source), or a readable block per message (--format
text). Use it to see what antwort makes of an inbox before answering it.

Inputs (--in SPEC or SPEC arguments, repeatable):
  eml:FILE       one mail (also a bare path ending in .eml)
  dir:DIR        every .eml file below DIR, in path order
  maildir:DIR    the mails in DIR/new and DIR/cur (read only: nothing is moved or flagged)
  mbox:FILE      an mbox file (also a bare path ending in .mbox)
  jsonl:FILE     posts or chat, one JSON object per line: id, channel, from or author,
                 subject, text, created or date
  csv:FILE       the same as a CSV with a header row (tsv:FILE for tab-separated)
  -              stdin (jsonl:-, eml:-, mbox:- name the format; "-" sniffs it)
  imaps://USER@HOST/FOLDER   an IMAP folder, read with EXAMINE (nothing changes
                 in it); imap:// for STARTTLS; password in ANTWORT_IMAP_PASSWORD
                 or --imap-password-file
A bare folder is a Maildir when it has cur/ or new/, else a folder of .eml files.

Each message has its id (the Message-ID, or "sha256:..." of the raw mail when
it has none), from, to, subject, date, threading (in_reply_to, references),
attachments (name, type, size; not parsed), the new text, the quoted history
and the signature that were cut from it, and "auto": why it must not be
answered (auto-reply, bounce, list or bulk mail, our own reply), empty for a
mail a person wrote. --raw-text adds "raw_text", the text before cleaning.

Items that cannot be read (not a mail, over --max-bytes, a header field over
--max-header-bytes, more than 1000 MIME parts, binary data, an unreadable
file) are reported on stderr with where they are and skipped. A summary of
the outcomes goes to stderr at the end; the exit status is 3 when some items
were rejected.`,
		Example: `  antwort parse mail.eml --format text
  antwort parse --in maildir:./mail/service > inbox.jsonl
  antwort parse --in mbox:export.mbox --in dir:./eml/ --own-domain nordlicht.example
  cat tweets.jsonl | antwort parse -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.in = append(o.in, args...)
			return runParse(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.in, "in", nil, "input spec: eml:FILE, dir:DIR, maildir:DIR, mbox:FILE, jsonl:FILE, csv:FILE, tsv:FILE or - (repeatable)")
	f.StringVar(&o.format, "format", "jsonl", "output: jsonl or text")
	f.BoolVar(&o.rawText, "raw-text", false, `add "raw_text": the decoded text before quotes and signature were cut`)
	f.BoolVar(&o.noClean, "no-clean", false, "keep quoted history and signature in the text")
	f.Int64Var(&o.maxBytes, "max-bytes", 0, "skip mails over this size in bytes (0 = 25 MiB; lines of JSONL/CSV: 1 MiB)")
	f.Int64Var(&o.maxHeader, "max-header-bytes", 0, "skip mails with a header field over this size (0 = 128 KiB)")
	f.StringVar(&o.loopID, "loop-id", "antwort", "X-Loop value that marks our own replies")
	f.StringArrayVar(&o.ownDomains, "own-domain", nil, "our mail domain: mail whose Message-ID is in it is our own (repeatable)")
	o.imap.register(f)
	return cmd
}

// parsedMessage is a message as antwort parse prints it.
type parsedMessage struct {
	*ingest.Message
	Source  string  `json:"source"`
	RawText *string `json:"raw_text,omitempty"`
}

// parseSummary counts the outcomes of a parse run.
type parseSummary struct {
	answerable int
	auto       map[string]int // reason kind -> count
	rejected   map[string]int // problem kind -> count
}

func (s *parseSummary) parsed() int {
	n := s.answerable
	for _, c := range s.auto {
		n += c
	}
	return n
}

func (s *parseSummary) nRejected() int {
	n := 0
	for _, c := range s.rejected {
		n += c
	}
	return n
}

func runParse(ctx context.Context, o *parseOptions) error {
	if len(o.in) == 0 {
		return flagErrorf("parse needs an input: --in SPEC or SPEC arguments (see antwort parse --help)")
	}
	if err := validFormat(o.format, "jsonl", "json", "text"); err != nil {
		return err
	}
	if o.maxBytes < 0 || o.maxHeader < 0 {
		return flagErrorf("--max-bytes and --max-header-bytes must not be negative")
	}
	opts := ingest.Options{
		MaxBytes: o.maxBytes, MaxHeaderBytes: o.maxHeader, LoopID: o.loopID, OwnDomains: o.ownDomains,
		NoClean: o.noClean || o.rawText, Stdin: o.g.io.In,
	}
	sum := &parseSummary{auto: map[string]int{}, rejected: map[string]int{}}
	enc := json.NewEncoder(o.g.io.Out)
	enc.SetEscapeHTML(false)
	var openErr error
	opened := 0
	start := time.Now()
	inputs := newIMAPInputs(o.g, &o.imap, imapbox.SourceOptions{ReadOnly: true})
	defer inputs.close()
	for _, spec := range o.in {
		var src inputSource
		var err error
		if imapbox.IsURL(spec) {
			src, err = inputs.open(ctx, spec, opts)
		} else {
			src, err = o.g.openInput(ctx, spec, "", false, opts)
		}
		if err != nil {
			if isContextErr(err) || isAuthError(err) {
				return err
			}
			fmt.Fprintf(o.g.io.ErrOut, "antwort: %v\n", err)
			sum.rejected["cannot open input"]++
			openErr = err
			continue
		}
		opened++
		err = o.parseSource(ctx, src, enc, sum)
		src.Close()
		if err != nil {
			return err
		}
	}
	o.printSummary(sum, time.Since(start))
	switch {
	case opened == 0:
		return openErr
	case sum.nRejected() > 0:
		return &partialError{skipped: sum.nRejected()}
	}
	return nil
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

func (o *parseOptions) parseSource(ctx context.Context, src inputSource, enc *json.Encoder, sum *parseSummary) error {
	for {
		m, err := src.Next(ctx)
		if err == io.EOF {
			return nil
		}
		var p *ingest.Problem
		if errors.As(err, &p) {
			fmt.Fprintf(o.g.io.ErrOut, "antwort: skipped %v\n", p)
			sum.rejected[problemKind(p.Err)]++
			continue
		}
		if err != nil {
			return err
		}
		out := parsedMessage{Message: m, Source: m.Source}
		if o.rawText {
			raw := m.Text
			out.RawText = &raw
			if !o.noClean {
				c := ingest.Clean(m.Text)
				m.Text, m.Quoted, m.Signature = c.Text, c.Quoted, c.Signature
			}
		}
		if m.Auto != "" {
			sum.auto[autoKind(m.Auto)]++
		} else {
			sum.answerable++
		}
		if o.format == "text" {
			writeParsedText(o.g.io.Out, out)
		} else if err := enc.Encode(out); err != nil {
			return err
		}
	}
}

// problemKind names the reason of a skipped item for the summary.
func problemKind(err error) string {
	for _, k := range []struct {
		err  error
		name string
	}{
		{ingest.ErrTooLarge, "too large"}, {ingest.ErrTooComplex, "too complex (MIME parts)"},
		{ingest.ErrBinary, "binary data"}, {ingest.ErrNotMail, "not a mail"},
		{ingest.ErrNoText, "no text"}, {ingest.ErrMalformed, "malformed"},
		{ingest.ErrInvalidUTF8, "invalid UTF-8"}, {ingest.ErrMissingField, "missing field"},
		{ingest.ErrUnknownFormat, "unknown format"},
	} {
		if errors.Is(err, k.err) {
			return k.name
		}
	}
	return "unreadable"
}

// autoKind shortens an Auto reason to its kind: "List-Id: <x>" -> "List-Id",
// "multipart/report (read receipt)" -> "multipart/report".
func autoKind(reason string) string {
	if i := strings.IndexAny(reason, ":("); i > 0 {
		return strings.TrimSpace(reason[:i])
	}
	return reason
}

func (o *parseOptions) printSummary(s *parseSummary, d time.Duration) {
	w := o.g.io.ErrOut
	parsed, rejected := s.parsed(), s.nRejected()
	fmt.Fprintf(w, "summary: %d read, %d parsed, %d rejected (%s)\n", parsed+rejected, parsed, rejected, d.Round(time.Millisecond))
	fmt.Fprintf(w, "  %-34s %6d\n", "parsed, to answer", s.answerable)
	fmt.Fprintf(w, "  %-34s %6d\n", "parsed, machine mail (ignore)", parsed-s.answerable)
	list := func(m map[string]int) {
		keys := slices.Sorted(maps.Keys(m))
		slices.SortStableFunc(keys, func(a, b string) int { return m[b] - m[a] })
		for _, k := range keys {
			fmt.Fprintf(w, "    %-32s %6d\n", k, m[k])
		}
	}
	list(s.auto)
	fmt.Fprintf(w, "  %-34s %6d\n", "rejected", rejected)
	list(s.rejected)
}

// writeParsedText prints one message as a readable block.
func writeParsedText(w io.Writer, p parsedMessage) {
	m := p.Message
	fmt.Fprintf(w, "== %s\n", p.Source)
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(w, "%-12s %s\n", name+":", value)
		}
	}
	field("ID", m.ID)
	field("Channel", m.Channel)
	field("From", m.From.String())
	field("Reply-To", m.ReplyTo.String())
	var to []string
	for _, a := range m.To {
		to = append(to, a.String())
	}
	field("To", strings.Join(to, ", "))
	field("Subject", m.Subject)
	if !m.Date.IsZero() {
		field("Date", m.Date.Format(time.RFC3339))
	}
	field("In-Reply-To", m.InReplyTo)
	field("References", strings.Join(m.References, " "))
	for _, w := range m.Warnings {
		field("Warning", w)
	}
	for _, a := range m.Attachments {
		name := a.Name
		if name == "" {
			name = "(no name)"
		}
		field("Attachment", fmt.Sprintf("%s (%s, %d bytes)", name, a.Type, a.Size))
	}
	if m.Auto != "" {
		field("Auto", m.Auto+" — do not answer")
	}
	if m.Size > 0 {
		field("Size", fmt.Sprintf("%d bytes", m.Size))
	}
	block := func(name, text string) {
		if text != "" {
			fmt.Fprintf(w, "-- %s\n%s\n", name, text)
		}
	}
	block("text", m.Text)
	block("signature", m.Signature)
	block("quoted", m.Quoted)
	if p.RawText != nil {
		block("raw text", *p.RawText)
	}
	fmt.Fprintln(w)
}
