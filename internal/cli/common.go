package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/internal/imapbox"
)

// maxReported bounds how many skipped inputs are listed one by one.
const maxReported = 20

// dataOptions are the flags that select labelled data.
type dataOptions struct {
	paths      []string
	textField  string
	labelField string
	splitField string
	format     string
	label      string // label of the mails of an mbox (or a Maildir's own folder)
	imap       imapFlags
}

// readLabeled reads all paths, reports skipped items on stderr and returns
// the examples and the number skipped. fallbackLabel is the JSONL field
// used when an object has no "label" (and --label-field is not given).
func (g *globalOptions) readLabeled(ctx context.Context, d dataOptions, fallbackLabel string) ([]ingest.Labeled, int, error) {
	var all []ingest.Labeled
	skipped := 0
	for _, p := range d.paths {
		o := ingest.Options{TextField: d.textField, LabelField: d.labelField, LabelFallback: fallbackLabel,
			SplitField: d.splitField, Format: d.format, Label: d.label}
		var exs []ingest.Labeled
		var probs []ingest.Problem
		var err error
		if imapbox.IsURL(p) {
			exs, probs, err = g.readIMAPLabeled(ctx, &d.imap, p, o)
		} else {
			exs, probs, err = ingest.ReadLabeled(ctx, p, o)
		}
		if err != nil {
			return nil, 0, err
		}
		for i, pr := range probs {
			if i == maxReported {
				fmt.Fprintf(g.io.ErrOut, "antwort: %s: %d more problem(s) not shown\n", p, len(probs)-maxReported)
				break
			}
			fmt.Fprintf(g.io.ErrOut, "antwort: skipped %v\n", pr)
		}
		skipped += len(probs)
		all = append(all, exs...)
	}
	return all, skipped, nil
}

// inSplit keeps the examples of split ("" keeps all).
func inSplit(ls []ingest.Labeled, split string) []ingest.Labeled {
	if split == "" {
		return ls
	}
	kept := ls[:0]
	for _, l := range ls {
		if l.Split == split {
			kept = append(kept, l)
		}
	}
	return kept
}

func examples(ls []ingest.Labeled) []classifier.Example {
	out := make([]classifier.Example, len(ls))
	for i, l := range ls {
		out[i] = classifier.Example{Text: l.Text, Label: l.Label}
	}
	return out
}

// dataHash identifies a training set: SHA-256 over texts and labels in
// order, first 16 hex digits.
func dataHash(exs []classifier.Example) string {
	h := sha256.New()
	for _, e := range exs {
		io.WriteString(h, e.Text)
		h.Write([]byte{0})
		io.WriteString(h, e.Label)
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// trainFlags are the classifier options on the command line.
type trainFlags struct {
	kind      string
	c         float64
	folds     int
	seed      int64
	threshold float64
	bits      int
}

func (t trainFlags) options() (classifier.Options, error) {
	k := classifier.Kind(strings.ToLower(t.kind))
	if k != classifier.SVM && k != classifier.NB {
		return classifier.Options{}, flagErrorf("--kind %q: want svm or nb", t.kind)
	}
	if t.c < 0 {
		return classifier.Options{}, flagErrorf("--c %v: must be positive (0 = choose on held-out folds)", t.c)
	}
	if t.folds != 0 && t.folds < 2 {
		return classifier.Options{}, flagErrorf("--folds %d: need at least 2", t.folds)
	}
	if t.threshold < 0 || t.threshold > 1 {
		return classifier.Options{}, flagErrorf("--threshold %v: must lie in [0,1]", t.threshold)
	}
	if t.bits != 0 && (t.bits < 12 || t.bits > 24) {
		return classifier.Options{}, flagErrorf("--bits %d: must lie in 12..24", t.bits)
	}
	return classifier.Options{Kind: k, C: t.c, Folds: t.folds, Seed: t.seed, Threshold: t.threshold,
		Features: classifier.FeatureOptions{Bits: t.bits}}, nil
}

func classifierFormat() int { return classifier.FormatVersion }

// trainModel trains with a progress bar and wraps errors readably.
func (g *globalOptions) trainModel(ctx context.Context, what string, exs []classifier.Example, o classifier.Options) (*classifier.Model, time.Duration, error) {
	prog, finish := g.progress(what)
	o.Progress = prog
	o.Logger = g.logger
	start := time.Now()
	m, err := classifier.Train(ctx, exs, o)
	finish()
	if err != nil {
		if errors.Is(err, classifier.ErrOneLabel) || errors.Is(err, classifier.ErrNoData) {
			return nil, 0, fmt.Errorf("%s: %w (read %d examples)", what, err, len(exs))
		}
		return nil, 0, err
	}
	return m, time.Since(start), nil
}

// writeJSON writes v to w as one line of JSON, without escaping <, > and &
// (the output is read by people and programs, not embedded in HTML).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
