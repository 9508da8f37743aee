package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/internal/imapbox"
)

// inFormats are the values of classify's and reply's --in-format.
var inFormats = []string{"jsonl", "text", "csv", "tsv", "eml", "mbox", "dir", "maildir"}

// input is an opened input: an ingest.Source and the special file
// (a pipe, /dev/stdin) it reads as a stream, if any.
type input struct {
	*ingest.Source
	f *os.File
}

func (in *input) Close() error {
	err := in.Source.Close()
	if in.f != nil {
		err = errors.Join(err, in.f.Close())
	}
	return err
}

// openInput opens one input of classify, reply, parse or batch: an input
// spec as ingest.Open takes it (KIND:PATH, a file, a folder, "-" for
// stdin). format, when set, is the kind of a bare path or of stdin
// ("--in-format eml"). With lines set (classify, reply), a bare path that
// is neither a folder nor a regular file (a pipe, /dev/stdin) is read as
// a stream with its format sniffed, as stdin is, and a bare file whose
// format cannot be told from its name or start (no mail header, no
// "From " line, no '{') is read as text, one message per line.
func (g *globalOptions) openInput(ctx context.Context, spec, format string, lines bool, opts ingest.Options) (*input, error) {
	opts.Stdin = g.io.In
	kind, path := ingest.SplitSpec(spec)
	if format != "" && (kind == "" || kind == ingest.KindStream) {
		spec = format + ":" + path
	}
	if lines && kind == "" && path != "-" {
		if fi, err := os.Stat(path); err == nil && !fi.IsDir() && !fi.Mode().IsRegular() {
			f, err := os.Open(path)
			if err != nil {
				return nil, fmt.Errorf("input %s: %w", path, err)
			}
			opts.Stdin = f
			stream := "-"
			if format != "" {
				stream = format + ":-"
			}
			src, err := ingest.Open(ctx, stream, opts)
			if err != nil {
				f.Close()
				return nil, err
			}
			return &input{Source: src, f: f}, nil
		}
	}
	src, err := ingest.Open(ctx, spec, opts)
	if err != nil && lines && kind == "" && format == "" && errors.Is(err, ingest.ErrUnknownFormat) {
		src, err = ingest.Open(ctx, ingest.KindText+":"+path, opts)
	}
	if err != nil {
		return nil, err
	}
	return &input{Source: src}, nil
}

// eachMessage reads the messages of the input spec (see openInput; "-"
// is stdin), calls fn for each, reports broken items on stderr and skips
// them; it returns how many it skipped. It stops at fn's first error.
func (g *globalOptions) eachMessage(ctx context.Context, spec, format string, opts ingest.Options, fn func(*ingest.Message) error) (int, error) {
	src, err := g.openInput(ctx, spec, format, true, opts)
	if err != nil {
		return 0, err
	}
	defer src.Close()
	skipped := 0
	for {
		msg, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			return skipped, nil
		}
		var p *ingest.Problem
		if errors.As(err, &p) {
			fmt.Fprintf(g.io.ErrOut, "antwort: skipped %v\n", err)
			skipped++
			continue
		}
		if err != nil {
			return skipped, err
		}
		if err := fn(msg); err != nil {
			return skipped, err
		}
	}
}

const inFormatUsage = "format of a bare path or stdin: jsonl, text, csv, tsv, eml, mbox, dir, maildir (default: told from the name or content)"

// validInFormat checks an --in-format value.
func validInFormat(f string) error {
	if f == "" || slices.Contains(inFormats, f) {
		return nil
	}
	return flagErrorf("--in-format %q: want one of %s", f, strings.Join(inFormats, ", "))
}

// multiSource reads several inputs one after the other.
type multiSource struct {
	g     *globalOptions
	specs []string
	opts  ingest.Options
	imap  *imapInputs // opens the IMAP folders among the inputs (imap.go)
	cur   inputSource
	i     int
}

func (m *multiSource) open(ctx context.Context) error {
	for m.cur == nil {
		if m.i >= len(m.specs) {
			return io.EOF
		}
		spec := m.specs[m.i]
		m.i++
		var src inputSource
		var err error
		if m.imap != nil && imapbox.IsURL(spec) {
			src, err = m.imap.open(ctx, spec, m.opts)
		} else {
			src, err = m.g.openInput(ctx, spec, "", false, m.opts)
		}
		if err != nil {
			return fmt.Errorf("--in %s: %w", imapbox.RedactURL(spec), err)
		}
		m.cur = src
	}
	return nil
}

func (m *multiSource) Next(ctx context.Context) (*ingest.Message, error) {
	for {
		if err := m.open(ctx); err != nil {
			return nil, err
		}
		msg, err := m.cur.Next(ctx)
		if errors.Is(err, io.EOF) {
			m.cur.Close()
			m.cur = nil
			continue
		}
		return msg, err
	}
}

func (m *multiSource) NextRaw(ctx context.Context) (*ingest.RawItem, error) {
	for {
		if err := m.open(ctx); err != nil {
			return nil, err
		}
		it, err := m.cur.NextRaw(ctx)
		if errors.Is(err, io.EOF) {
			m.cur.Close()
			m.cur = nil
			continue
		}
		return it, err
	}
}

func (m *multiSource) Close() error {
	if m.cur != nil {
		return m.cur.Close()
	}
	return nil
}

// countInputs returns how many items the batch inputs hold (at most
// --limit), for the progress bar's total and ETA, or -1 when that is not
// cheap to know (stdin, an input that cannot be opened: its error comes
// when it is read).
func (o *batchOptions) countInputs(ctx context.Context, opts ingest.Options) int {
	total := 0
	for _, spec := range o.in {
		n, ok, err := ingest.Count(ctx, spec, opts)
		if err != nil || !ok {
			return -1
		}
		total += n
	}
	if o.limit > 0 && o.limit < total {
		total = o.limit
	}
	return total
}
