package antwort

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/antwort-dev/antwort/ingest"
)

// Source yields messages one at a time: Next returns io.EOF after the last
// one. An error wrapping an *ingest.Problem is one broken item; Run reports
// it and reads on. *ingest.Source implements Source.
type Source interface {
	Next(ctx context.Context) (*ingest.Message, error)
}

// RawSource is a Source that can also hand out items unparsed, so that Run
// parses them in its workers, in parallel, instead of in the one goroutine
// that reads. *ingest.Source implements it.
type RawSource interface {
	Source
	NextRaw(ctx context.Context) (*ingest.RawItem, error)
}

// Outcome is what Run did with one message.
type Outcome struct {
	Message *ingest.Message
	// Suggestion is the engine's answer; nil when Err is set.
	Suggestion *Suggestion
	// Err is why the message could not be processed.
	Err error
}

// RunOptions configures Run. The zero value means the defaults.
type RunOptions struct {
	// Workers is the number of messages processed at once (default
	// GOMAXPROCS).
	Workers int

	// Key returns the identity of a message for de-duplication (default
	// its ID; a message with an empty key is never a duplicate).
	Key func(*ingest.Message) string

	// Done reports whether the message with key was processed by an
	// earlier run (a journal); such messages are skipped and counted in
	// RunStats.Done. Nil means none were.
	Done func(key string) (bool, error)

	// Limit stops reading after this many items (0 = no limit). Broken and
	// skipped items count, so a run with a limit reads a bounded amount.
	Limit int

	// Since skips messages dated before it (zero = none skipped).
	// Messages without a date are processed.
	Since time.Time

	// Process handles one message. Nil means Suggest, so the Engine needs
	// a knowledge base (WithReplies); use Classify-only processing by
	// setting it.
	Process func(ctx context.Context, msg *ingest.Message) (*Suggestion, error)

	// Problem is called (from the goroutine that called Run, like sink)
	// for every broken item: one the Source reports, or a mail that does
	// not parse. Nil ignores them; they are counted anyway.
	Problem func(error)

	// Skipped is called (from the goroutine that called Run, like sink)
	// for every message skipped because its key was seen before in this
	// run (reason "duplicate") or Done reported it ("done"), with its key,
	// so that a caller can, say, mark it in the mailbox it came from. Nil
	// ignores them.
	Skipped func(msg *ingest.Message, key, reason string)
}

// RunStats counts what Run did.
type RunStats struct {
	Read       int // messages read from the source (not counting problems)
	Problems   int // broken items reported by the source
	Duplicates int // messages whose key was seen before in this run
	Done       int // messages skipped because Done said so
	Old        int // messages skipped because of Since
	Processed  int // messages handed to sink without error
	Failed     int // messages whose processing failed (Outcome.Err)
}

// Run processes the messages of src with opts.Workers goroutines and hands
// every outcome to sink, one at a time from the calling goroutine, in the
// order they finish. When src is a RawSource, the workers parse the mail
// too. A message whose key was seen earlier in this run, or that opts.Done
// reports as done, is skipped: Run processes each key once. (Of two
// messages with the same key read close together, the one a worker gets
// to first is processed; with one worker, the first one read.)
//
// Memory stays bounded whatever the number of messages: at most a few
// messages per worker are in flight, and the de-duplication set keeps 8
// bytes per message key.
//
// Run returns when every goroutine it started has stopped: after the
// source is exhausted, after ctx is done (returning ctx's error), or after
// sink, opts.Done or the source itself (with an error that is not a
// Problem) fails, whose error it returns. Outcomes still in flight when it
// stops early are dropped, not handed to sink.
func (e *Engine) Run(ctx context.Context, src Source, sink func(*Outcome) error, opts RunOptions) (RunStats, error) {
	var st RunStats
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	key := opts.Key
	if key == nil {
		key = func(m *ingest.Message) string { return m.ID }
	}
	process := opts.Process
	if process == nil {
		process = e.Suggest
	}
	raw, _ := src.(RawSource)

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan job, 2*workers)
	results := make(chan result, 2*workers)

	// Reader: the only goroutine touching src.
	var wgRead sync.WaitGroup
	wgRead.Add(1)
	go func() {
		defer wgRead.Done()
		defer close(jobs)
		for n := 0; opts.Limit <= 0 || n < opts.Limit; n++ {
			var j job
			var err error
			if raw != nil {
				j.raw, err = raw.NextRaw(ctx)
			} else {
				j.msg, err = src.Next(ctx)
			}
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				var p *ingest.Problem
				if !errors.As(err, &p) || ctx.Err() != nil {
					cancel(err)
					return
				}
				j = job{problem: err}
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
		}
	}()

	var (
		seenMu sync.Mutex
		seed   = maphash.MakeSeed()
		seen   = map[uint64]struct{}{}
	)
	// admit decides whether msg is processed; it returns the reason when not.
	admit := func(msg *ingest.Message) (skip string, err error) {
		if k := key(msg); k != "" {
			h := maphash.String(seed, k)
			seenMu.Lock()
			_, dup := seen[h]
			seen[h] = struct{}{}
			seenMu.Unlock()
			if dup {
				return skipDuplicate, nil
			}
			if opts.Done != nil {
				done, err := opts.Done(k)
				if err != nil {
					return "", err
				}
				if done {
					return skipDone, nil
				}
			}
		}
		if !opts.Since.IsZero() && !msg.Date.IsZero() && msg.Date.Before(opts.Since) {
			return skipOld, nil
		}
		return "", nil
	}

	var wgWork sync.WaitGroup
	for range workers {
		wgWork.Add(1)
		go func() {
			defer wgWork.Done()
			for j := range jobs {
				if ctx.Err() != nil {
					continue // drain
				}
				r := result{problem: j.problem, msg: j.msg}
				if j.raw != nil {
					msg, err := j.raw.Parse()
					if err != nil {
						var p *ingest.Problem
						if !errors.As(err, &p) {
							err = &ingest.Problem{Source: j.raw.Source, Err: err}
						}
						r.problem = err
					}
					r.msg = msg
				}
				if r.problem == nil {
					skip, err := admit(r.msg)
					if err != nil {
						cancel(err)
						continue
					}
					r.skip = skip
				}
				if r.problem == nil && r.skip == "" {
					s, err := process(ctx, r.msg)
					if err != nil && ctx.Err() != nil {
						continue // stopped early; not this message's fault
					}
					if err != nil {
						err = fmt.Errorf("%s: %w", msgWhere(r.msg), err)
					}
					r.out = &Outcome{Message: r.msg, Suggestion: s, Err: err}
				}
				select {
				case results <- r:
				case <-ctx.Done():
				}
			}
		}()
	}
	go func() {
		wgWork.Wait()
		close(results)
	}()

	var sinkErr error
	for r := range results {
		if sinkErr != nil || ctx.Err() != nil {
			continue // drain so the workers can stop
		}
		switch {
		case r.problem != nil:
			st.Problems++
			if opts.Problem != nil {
				opts.Problem(r.problem)
			}
			continue
		case r.skip == skipDuplicate:
			st.Read++
			st.Duplicates++
			if opts.Skipped != nil {
				opts.Skipped(r.msg, key(r.msg), r.skip)
			}
			continue
		case r.skip == skipDone:
			st.Read++
			st.Done++
			if opts.Skipped != nil {
				opts.Skipped(r.msg, key(r.msg), r.skip)
			}
			continue
		case r.skip == skipOld:
			st.Read++
			st.Old++
			continue
		}
		st.Read++
		if r.out.Err != nil {
			st.Failed++
		} else {
			st.Processed++
		}
		if err := sink(r.out); err != nil {
			sinkErr = err
			cancel(err)
		}
	}
	wgRead.Wait()
	if sinkErr != nil {
		return st, sinkErr
	}
	if err := context.Cause(ctx); err != nil {
		return st, err
	}
	return st, nil
}

// Reasons a worker skips a message.
const (
	skipDuplicate = "duplicate"
	skipDone      = "done"
	skipOld       = "old"
)

// job is one item for a worker: a parsed message, a raw one, or a problem
// the source reported (passed through so all reporting happens in order on
// the sink's goroutine).
type job struct {
	msg     *ingest.Message
	raw     *ingest.RawItem
	problem error
}

// result is what a worker made of a job.
type result struct {
	msg     *ingest.Message
	out     *Outcome
	skip    string
	problem error
}

// msgWhere names a message in errors: its source, else its ID.
func msgWhere(m *ingest.Message) string {
	if m.Source != "" {
		return m.Source
	}
	if m.ID != "" {
		return m.ID
	}
	return "message"
}
