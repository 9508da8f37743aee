package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/ingest"
)

type classifyOptions struct {
	g         *globalOptions
	files     []string
	inFormat  string
	format    string
	threshold float64
	explain   int
	top       int
	textField string
	workers   int
}

func newClassifyCmd(g *globalOptions) *cobra.Command {
	o := &classifyOptions{g: g}
	cmd := &cobra.Command{
		Use:   "classify [INPUT...]",
		Short: "Classify messages with the active models",
		Long: `Classify messages from INPUTs (or stdin, or "-") with the store's active intent
model and its sentiment model (or the built-in lexicon when none is trained).

An INPUT is what batch and parse read: a file, a folder of mail files, a
Maildir, or a spec dir:DIR, maildir:DIR, mbox:FILE, eml:FILE, jsonl:FILE,
csv:FILE, tsv:FILE, text:FILE. Files and stdin (--in-format, sniffed when
empty): JSONL with id, text, subject, from, channel; plain text, one message
per line; CSV with those columns; one RFC 5322 mail (.eml); or an mbox. Output (--format): JSONL, one object per message with
id, lang, intent{label,confidence,abstain,alternatives,model}, sentiment{…}
and explanation; or text, a readable table. A broken input line is reported
on stderr and skipped; the exit status is then 3.`,
		Example: `  antwort classify < inbox.jsonl
  echo "Wo bleibt meine Bestellung 4711?" | antwort classify --format text
  antwort classify --format text inbox/          # a folder of mail files (or a Maildir)
  antwort classify mbox:export.mbox`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.files = args
			return runClassify(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.inFormat, "in-format", "", inFormatUsage)
	f.StringVar(&o.format, "format", "jsonl", "output: jsonl or text")
	f.Float64Var(&o.threshold, "threshold", 0, "abstain below this intent confidence (default: the model's)")
	f.IntVar(&o.explain, "explain", 5, "features listed per explanation (0 = none)")
	f.IntVar(&o.top, "top", 3, "alternative labels listed")
	f.StringVar(&o.textField, "text-field", "", `JSONL/CSV text field (default "text")`)
	f.IntVar(&o.workers, "workers", runtime.GOMAXPROCS(0), "messages classified in parallel (output keeps input order)")
	return cmd
}

func runClassify(ctx context.Context, o *classifyOptions) error {
	if err := validFormat(o.format, "jsonl", "json", "text"); err != nil {
		return err
	}
	if o.workers < 1 {
		return flagErrorf("--workers %d: need at least 1", o.workers)
	}
	if o.threshold < 0 || o.threshold > 1 {
		return flagErrorf("--threshold %v: must lie in [0,1]", o.threshold)
	}
	if err := validInFormat(o.inFormat); err != nil {
		return err
	}
	store, err := o.g.openStore(true)
	if err != nil {
		return err
	}
	explain := o.explain
	if explain == 0 {
		explain = -1
	}
	top := o.top
	if top == 0 {
		top = -1
	}
	eng, err := antwort.Load(ctx, store, antwort.LoadOptions{Threshold: o.threshold, Explain: explain, Alternatives: top, Logger: o.g.logger})
	store.Close()
	if err != nil {
		return err
	}
	out := newResultWriter(o.g.io.Out, o.format)
	files := o.files
	if len(files) == 0 {
		files = []string{"-"}
	}
	skipped := 0
	for _, name := range files {
		n, err := classifyStream(ctx, o, eng, name, out)
		skipped += n
		if err != nil {
			out.flush()
			return err
		}
	}
	if err := out.flush(); err != nil {
		return err
	}
	if skipped > 0 {
		return &partialError{skipped: skipped}
	}
	return nil
}

func classifyStream(ctx context.Context, o *classifyOptions, eng *antwort.Engine, name string, out *resultWriter) (int, error) {
	// Read a batch, classify it on all cores, write it in input order.
	const batchSize = 512
	batch := make([]*ingest.Message, 0, batchSize)
	results := make([]*antwort.Result, batchSize)
	flush := func() error {
		if err := classifyBatch(ctx, eng, batch, results[:len(batch)], o.workers); err != nil {
			return err
		}
		for _, r := range results[:len(batch)] {
			if err := out.write(r); err != nil {
				return err
			}
		}
		batch = batch[:0]
		return nil
	}
	skipped, err := o.g.eachMessage(ctx, name, o.inFormat, ingest.Options{TextField: o.textField}, func(msg *ingest.Message) error {
		batch = append(batch, msg)
		if len(batch) == batchSize {
			return flush()
		}
		return nil
	})
	if err != nil {
		return skipped, err
	}
	return skipped, flush()
}

// classifyBatch classifies msgs into results with up to workers
// goroutines, which have all returned when it does.
func classifyBatch(ctx context.Context, eng *antwort.Engine, msgs []*ingest.Message, results []*antwort.Result, workers int) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range min(workers, len(msgs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(msgs) {
					return
				}
				r, err := eng.Classify(ctx, msgs[i])
				if err != nil {
					errs[w] = err
					return
				}
				results[i] = r
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// resultWriter prints results as JSONL or as a table.
type resultWriter struct {
	format string
	enc    *json.Encoder
	tw     *tabwriter.Writer
	rows   int
}

func newResultWriter(w io.Writer, format string) *resultWriter {
	rw := &resultWriter{format: format}
	if format == "text" {
		rw.tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	} else {
		rw.enc = json.NewEncoder(w)
		rw.enc.SetEscapeHTML(false)
	}
	return rw
}

func (rw *resultWriter) write(r *antwort.Result) error {
	if rw.enc != nil {
		return rw.enc.Encode(r)
	}
	if rw.rows == 0 {
		fmt.Fprintln(rw.tw, "ID\tLANG\tINTENT\tCONF\tSENTIMENT\tCONF\tWHY")
	}
	rw.rows++
	fmt.Fprintf(rw.tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Lang, labelText(r.Intent), confText(r.Intent),
		labelText(r.Sentiment), confText(r.Sentiment), why(r))
	return nil
}

func labelText(l antwort.Label) string {
	if l.Label == "" {
		return "-"
	}
	if l.Abstain {
		return l.Label + "?"
	}
	return l.Label
}

func confText(l antwort.Label) string {
	if l.Label == "" {
		return "-"
	}
	return fmt.Sprintf("%.2f", l.Confidence)
}

func why(r *antwort.Result) string {
	var parts []string
	for i, c := range r.Explanation.Intent {
		if i == 3 {
			break
		}
		parts = append(parts, c.Feature)
	}
	return strings.Join(parts, " ")
}

func (rw *resultWriter) flush() error {
	if rw.tw != nil {
		return rw.tw.Flush()
	}
	return nil
}
