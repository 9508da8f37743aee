package cli

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/journal"
)

// batchRecord is one line of batch's output.
type batchRecord struct {
	*antwort.Suggestion
	Source string `json:"source,omitempty"`
	Auto   string `json:"auto,omitempty"`
	Outbox string `json:"outbox,omitempty"`
	Route  string `json:"route,omitempty"`
	// ReusedID: a different message with this Message-ID was processed
	// before; this one was decided all the same.
	ReusedID bool `json:"reused_id,omitempty"`
	// Warnings are the message's (ingest.Message.Warnings): why it has no
	// reply address, why it has no text.
	Warnings []string `json:"warnings,omitempty"`
}

// messageKey is the identity of msg in the outbox, the routed copies and
// a NATS decisions stream: its ID and ContentHash, so that a different
// message reusing a Message-ID gets a reply of its own and a copy of a
// message does not.
func messageKey(msg *ingest.Message) string {
	if msg.ID == "" || msg.ContentHash == "" {
		return msg.ID
	}
	return msg.ID + " " + msg.ContentHash
}

// decisionOutput writes decisions as JSONL or CSV to a file or stdout. A
// file is cut back to the length the journal committed, then appended to.
type decisionOutput struct {
	kind string
	name string // absolute path; "" for stdout
	f    *os.File
	w    *bufio.Writer
	csv  *csv.Writer
	n    int    // records written by this run
	buf  []byte // the last JSON line, for reuse
	// stream is set when f is not a regular file (/dev/null, a pipe):
	// it is neither synced nor cut back.
	stream bool
	nats   *natsOutput // for nats:SUBJECT, which the fields above are not used for
}

func openDecisionOutput(g *globalOptions, kind, path string, j *journal.Journal) (*decisionOutput, error) {
	d := &decisionOutput{kind: kind}
	var w io.Writer = g.io.Out
	header := kind == "csv"
	if path != "-" {
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, err
		}
		f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("--out: %w", err)
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, err
		}
		if !fi.Mode().IsRegular() {
			// /dev/null, a pipe, a terminal: written as a stream, like
			// stdout; nothing to cut back, sync or record.
			d.f, d.stream = f, true
			d.w = bufio.NewWriterSize(f, 64<<10)
			if kind == "csv" {
				d.csv = csv.NewWriter(d.w)
				if err := d.csv.Write(csvHeader); err != nil {
					f.Close()
					return nil, err
				}
			}
			return d, nil
		}
		d.name = abs
		size := fi.Size()
		if j != nil {
			off, ok, err := j.Offset(abs)
			if err != nil {
				f.Close()
				return nil, err
			}
			switch {
			case ok && off < size:
				// Results written after the last commit: their messages
				// are processed again, so cut them.
				if err := f.Truncate(off); err != nil {
					f.Close()
					return nil, fmt.Errorf("--out %s: %w", path, err)
				}
				fmt.Fprintf(g.io.ErrOut, "antwort: %s: resuming after %d committed bytes (dropped %d uncommitted)\n", path, off, size-off)
				size = off
			case ok && off > size:
				fmt.Fprintf(g.io.ErrOut, "antwort: %s is shorter than the journal says (%d < %d bytes); appending\n", path, size, off)
			case !ok:
				// First use of this output with this journal: what is in
				// the file now is not ours; record its length at once, so
				// that a run killed before its first commit is cut back
				// to exactly this.
				if err := j.Commit(context.Background(), nil, map[string]int64{abs: size}); err != nil {
					f.Close()
					return nil, err
				}
				if size > 0 {
					fmt.Fprintf(g.io.ErrOut, "antwort: %s exists; appending\n", path)
				}
			}
		} else if size > 0 {
			if err := f.Truncate(0); err != nil {
				f.Close()
				return nil, err
			}
			size = 0
		}
		if _, err := f.Seek(size, io.SeekStart); err != nil {
			f.Close()
			return nil, err
		}
		header = header && size == 0
		d.f, w = f, f
	}
	d.w = bufio.NewWriterSize(w, 64<<10)
	if kind == "csv" {
		d.csv = csv.NewWriter(d.w)
		if header {
			if err := d.csv.Write(csvHeader); err != nil {
				return nil, err
			}
		}
	}
	return d, nil
}

var csvHeader = []string{"id", "source", "action", "intent", "intent_confidence", "sentiment", "sentiment_confidence",
	"lang", "article", "kb_score", "p_correct", "why_not_sent", "auto", "outbox", "route"}

// write writes r; key is the message's identity (messageKey), with which
// a NATS stream drops a record written twice.
func (d *decisionOutput) write(r *batchRecord, key string) error {
	d.n++
	if d.nats != nil {
		return d.nats.write(r, key)
	}
	if d.csv != nil {
		score := ""
		if len(r.Answers) > 0 {
			score = strconv.FormatFloat(r.Answers[0].Score, 'f', 3, 64)
		}
		return d.csv.Write([]string{r.ID, r.Source, string(r.Decision.Action), r.Intent.Label,
			strconv.FormatFloat(r.Intent.Confidence, 'f', 3, 64), r.Sentiment.Label,
			strconv.FormatFloat(r.Sentiment.Confidence, 'f', 3, 64), r.Lang, r.Article, score,
			strconv.FormatFloat(r.Decision.PCorrect, 'f', 3, 64), strings.Join(r.Decision.Problems(), "; "), r.Auto, r.Outbox, r.Route})
	}
	line, err := appendBatchRecord(d.buf[:0], r)
	if err != nil {
		return err
	}
	d.buf = line
	_, err = d.w.Write(line)
	return err
}

// sync flushes the output (and syncs a file) and returns its length.
func (d *decisionOutput) sync() (int64, error) {
	if d.nats != nil {
		return 0, d.nats.sync()
	}
	if d.csv != nil {
		d.csv.Flush()
		if err := d.csv.Error(); err != nil {
			return 0, err
		}
	}
	if err := d.w.Flush(); err != nil {
		return 0, fmt.Errorf("--out: %w", err)
	}
	if d.f == nil || d.stream {
		return 0, nil
	}
	if err := d.f.Sync(); err != nil {
		return 0, fmt.Errorf("--out: %w", err)
	}
	return d.f.Seek(0, io.SeekCurrent)
}

func (d *decisionOutput) close() {
	if d.nats != nil {
		d.nats.close()
	}
	if d.f != nil {
		d.f.Close()
	}
}
