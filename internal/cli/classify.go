package cli

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
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
	p := newClassifyPipeline(ctx, eng, o.g.io.Out, o.format, o.workers)
	files := o.files
	if len(files) == 0 {
		files = []string{"-"}
	}
	skipped := 0
	for _, name := range files {
		var n int
		n, err = o.g.eachMessage(p.ctx, name, o.inFormat, ingest.Options{TextField: o.textField}, p.add)
		skipped += n
		if err != nil {
			break
		}
	}
	// A failure of the pipeline (a write error) stops the reading with
	// a context error: report the failure.
	if perr := p.close(); perr != nil {
		err = perr
	}
	if err != nil {
		return err
	}
	if skipped > 0 {
		return &partialError{skipped: skipped}
	}
	return nil
}

// classifyPipeline classifies messages, added one by one, in batches on
// worker goroutines while the caller reads on, and writes the results in
// input order from one more goroutine: reading, classifying and writing
// overlap. Workers encode JSONL themselves, so the writer only copies.
type classifyPipeline struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	eng    *antwort.Engine
	out    *resultWriter
	batch  []*ingest.Message
	work   chan *classifyJob // to the workers
	order  chan *classifyJob // to the writer, in input order
	free   chan []byte       // written jobs' JSONL buffers, for reuse
	wg     sync.WaitGroup    // workers and writer
	err    error             // the first failure; written by the writer
}

// classifyJob is one batch of messages and, once done is closed, its
// results: encoded in out (JSONL) or in results (text), or err.
type classifyJob struct {
	msgs    []*ingest.Message
	results []*antwort.Result
	out     []byte
	err     error
	done    chan struct{}
}

// classifyBatchSize is the number of messages a worker classifies at a
// time.
const classifyBatchSize = 256

func newClassifyPipeline(ctx context.Context, eng *antwort.Engine, w io.Writer, format string, workers int) *classifyPipeline {
	p := &classifyPipeline{
		eng: eng, out: newResultWriter(w, format),
		work:  make(chan *classifyJob, workers),
		order: make(chan *classifyJob, 2*workers+1),
		free:  make(chan []byte, 3*workers+1),
	}
	p.ctx, p.cancel = context.WithCancelCause(ctx)
	p.wg.Add(workers + 1)
	for range workers {
		go func() {
			defer p.wg.Done()
			for job := range p.work {
				p.classify(job)
				close(job.done)
			}
		}()
	}
	go func() {
		defer p.wg.Done()
		for job := range p.order {
			<-job.done
			if p.err != nil {
				continue
			}
			err := job.err
			if err == nil {
				err = p.out.write(job)
			}
			if job.out != nil {
				select {
				case p.free <- job.out[:0]:
				default:
				}
			}
			if err != nil {
				p.err = err
				p.cancel(err)
			}
		}
	}()
	return p
}

// add queues msg; it fails when the pipeline has failed or ctx is done.
func (p *classifyPipeline) add(msg *ingest.Message) error {
	if p.ctx.Err() != nil {
		return context.Cause(p.ctx)
	}
	p.batch = append(p.batch, msg)
	if len(p.batch) == classifyBatchSize {
		p.send()
	}
	return nil
}

// send hands the batch to the writer and the workers.
func (p *classifyPipeline) send() {
	if len(p.batch) == 0 {
		return
	}
	job := &classifyJob{msgs: p.batch, done: make(chan struct{})}
	p.batch = make([]*ingest.Message, 0, classifyBatchSize)
	p.order <- job
	p.work <- job
}

// classify classifies the messages of job and encodes their results.
func (p *classifyPipeline) classify(job *classifyJob) {
	if p.out.enc {
		select {
		case job.out = <-p.free:
		default:
		}
	}
	out := job.out
	for _, msg := range job.msgs {
		r, err := p.eng.Classify(p.ctx, msg)
		if err == nil && p.out.enc {
			out, err = appendResult(out, r)
		} else if err == nil {
			job.results = append(job.results, r)
		}
		if err != nil {
			job.err = err
			return
		}
	}
	job.out = out
}

// close classifies and writes what was added, waits for the goroutines
// to end and returns the first failure.
func (p *classifyPipeline) close() error {
	p.send()
	close(p.order)
	close(p.work)
	p.wg.Wait()
	p.cancel(nil)
	if err := p.out.flush(); p.err == nil {
		p.err = err
	}
	return p.err
}

// resultWriter prints results as JSONL (encoded by the workers) or as a
// table.
type resultWriter struct {
	w    io.Writer
	enc  bool // JSONL
	tw   *tabwriter.Writer
	rows int
}

func newResultWriter(w io.Writer, format string) *resultWriter {
	rw := &resultWriter{w: w, enc: format != "text"}
	if !rw.enc {
		rw.tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	}
	return rw
}

// write prints the results of job.
func (rw *resultWriter) write(job *classifyJob) error {
	if rw.enc {
		_, err := rw.w.Write(job.out)
		return err
	}
	for _, r := range job.results {
		if rw.rows == 0 {
			fmt.Fprintln(rw.tw, "ID\tLANG\tINTENT\tCONF\tSENTIMENT\tCONF\tWHY")
		}
		rw.rows++
		fmt.Fprintf(rw.tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Lang, labelText(r.Intent), confText(r.Intent),
			labelText(r.Sentiment), confText(r.Sentiment), why(r))
	}
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
