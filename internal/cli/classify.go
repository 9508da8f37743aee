package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
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
}

func newClassifyCmd(g *globalOptions) *cobra.Command {
	o := &classifyOptions{g: g}
	cmd := &cobra.Command{
		Use:   "classify [FILE...]",
		Short: "Classify messages with the active models",
		Long: `Classify messages from FILEs (or stdin, or "-") with the store's active intent
model and its sentiment model (or the built-in lexicon when none is trained).

Input (--in-format, sniffed when empty): JSONL with id, text, subject, from,
channel; plain text, one message per line; CSV with those columns; or one
RFC 5322 mail (.eml). Output (--format): JSONL, one object per message with
id, lang, intent{label,confidence,abstain,alternatives,model}, sentiment{…}
and explanation; or text, a readable table. A broken input line is reported
on stderr and skipped; the exit status is then 3.`,
		Example: `  antwort classify < inbox.jsonl
  echo "Wo bleibt meine Bestellung 4711?" | antwort classify --format text
  antwort classify --in-format eml mail.eml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.files = args
			return runClassify(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.inFormat, "in-format", "", "input format: jsonl, text, csv, tsv, eml (default: sniffed)")
	f.StringVar(&o.format, "format", "jsonl", "output: jsonl or text")
	f.Float64Var(&o.threshold, "threshold", 0, "abstain below this intent confidence (default: the model's)")
	f.IntVar(&o.explain, "explain", 5, "features listed per explanation (0 = none)")
	f.IntVar(&o.top, "top", 3, "alternative labels listed")
	f.StringVar(&o.textField, "text-field", "", `JSONL/CSV text field (default "text")`)
	return cmd
}

func runClassify(ctx context.Context, o *classifyOptions) error {
	if err := validFormat(o.format, "jsonl", "json", "text"); err != nil {
		return err
	}
	if o.threshold < 0 || o.threshold > 1 {
		return flagErrorf("--threshold %v: must lie in [0,1]", o.threshold)
	}
	switch o.inFormat {
	case "", "jsonl", "text", "csv", "tsv", "eml":
	default:
		return flagErrorf("--in-format %q: want jsonl, text, csv, tsv or eml", o.inFormat)
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
	var r io.Reader = o.g.io.In
	display := "stdin"
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return 0, err
		}
		defer f.Close()
		r, display = f, name
	}
	format := o.inFormat
	if format == "" && name != "-" && strings.HasSuffix(strings.ToLower(name), ".eml") {
		format = "eml"
	}
	rd, err := ingest.NewReader(r, display, format, ingest.Options{TextField: o.textField})
	if err != nil {
		return 0, err
	}
	skipped := 0
	for {
		msg, err := rd.Next(ctx)
		if errors.Is(err, io.EOF) {
			return skipped, nil
		}
		var p *ingest.Problem
		if errors.As(err, &p) {
			fmt.Fprintf(o.g.io.ErrOut, "antwort: skipped %v\n", err)
			skipped++
			continue
		}
		if err != nil {
			return skipped, err
		}
		res, err := eng.Classify(ctx, msg)
		if err != nil {
			return skipped, err
		}
		if err := out.write(res); err != nil {
			return skipped, err
		}
	}
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
