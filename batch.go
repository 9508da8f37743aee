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
	"github.com/antwort-dev/antwort/journal"
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
	// ReusedID is set when a different message (another ContentHash)
	// with the same key was read before in this run or, as Done
	// reported, processed by an earlier one: the key (a Message-ID) is
	// used twice. The message was processed all the same.
	ReusedID bool
}

// RunOptions configures Run. The zero value means the defaults.
type RunOptions struct {
	// Workers is the number of messages processed at once (default
	// GOMAXPROCS).
	Workers int

	// Key returns the identity of a message for de-duplication (default
	// its ID; a message with an empty key is never a duplicate). A
	// message is a duplicate when its key and its ContentHash were both
	// seen before; a different message with a known key is processed
	// (see Outcome.ReusedID).
	Key func(*ingest.Message) string

	// Done reports what an earlier run (a journal, see journal.Check)
	// knows of the message with key and content hash: journal.Processed
	// messages are skipped and counted in RunStats.Done, journal.Reused
	// ones processed and marked Outcome.ReusedID. Nil means nothing was
	// processed before.
	Done func(key, hash string) (journal.Status, error)

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

	// MaxBytes bounds the raw messages in flight, read and not yet handed
	// to sink, in bytes (default 64 MiB): parsing a mail takes a few
	// times its size, so this bounds Run's memory whatever the size of
	// the mails and the number of workers. A larger message is processed
	// alone.
	MaxBytes int64

	// Problem is called (from the goroutine that called Run, like sink)
	// for every broken item: one the Source reports, or a mail that does
	// not parse. Nil ignores them; they are counted anyway.
	Problem func(error)

	// Skipped is called (from the goroutine that called Run, like sink)
	// for every message skipped because it was seen before in this run
	// (reason "duplicate") or Done reported it processed ("done"), with its
	// key, so that a caller can, say, mark it in the mailbox it came
	// from. Nil ignores them.
	Skipped func(msg *ingest.Message, key, reason string)

	// Progress is called (from the goroutine that called Run) after each
	// item read is dealt with, processed, skipped or broken, with the
	// number dealt with so far, for a progress display. Nil means none.
	Progress func(done int)
}

// RunStats counts what Run did.
type RunStats struct {
	Read       int // messages read from the source (not counting problems)
	Problems   int // broken items reported by the source
	Duplicates int // messages whose key and content were seen before in this run
	ReusedIDs  int // messages processed although their key was used by a different message (Outcome.ReusedID)
	Done       int // messages skipped because Done said so
	Old        int // messages skipped because of Since
	Processed  int // messages handed to sink without error
	Failed     int // messages whose processing failed (Outcome.Err)
}

// Run processes the messages of src with opts.Workers goroutines and hands
// every outcome to sink, one at a time from the calling goroutine, in the
// order the messages were read (as are problems to opts.Problem), so the
// same input gives the same output on every run. When src is a RawSource,
// the workers parse the mail too. A message whose key and ContentHash were
// seen earlier in this run, or that opts.Done reports as processed, is
// skipped: Run processes each message once. (Of two copies read close
// together, the one a worker gets to first is processed; with one worker,
// the first one read.) A different message with a key seen before is
// processed and marked Outcome.ReusedID: reusing a Message-ID never hides
// a message.
//
// Memory stays bounded whatever the number of messages: at most
// orderWindow messages per worker are in flight (read, but not yet handed
// to sink: a slow message holds back the output of those read after it,
// not the work on them), and the de-duplication sets keep 16 bytes per
// message.
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
	budget := newByteBudget(opts.MaxBytes)

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan job, 2*workers)
	results := make(chan result, 2*workers)
	// A slot per message read and not yet handed on in order.
	slots := make(chan struct{}, orderWindow*workers)

	// Reader: the only goroutine touching src.
	var wgRead sync.WaitGroup
	wgRead.Add(1)
	go func() {
		defer wgRead.Done()
		defer close(jobs)
		for n := 0; opts.Limit <= 0 || n < opts.Limit; n++ {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			j := job{seq: n}
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
				j = job{seq: n, problem: err}
			}
			j.size = j.bytes()
			if !budget.acquire(ctx, j.size) {
				return
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				budget.release(j.size)
				return
			}
		}
	}()

	var (
		seenMu   sync.Mutex
		seed     = maphash.MakeSeed()
		seenKeys = map[uint64]struct{}{} // keys
		seenMsgs = map[uint64]struct{}{} // keys with content hashes
	)
	// admit decides whether msg is processed; it returns the reason when
	// not, and whether its key was used by a different message.
	admit := func(msg *ingest.Message) (skip string, reused bool, err error) {
		if k := key(msg); k != "" {
			var h maphash.Hash
			h.SetSeed(seed)
			h.WriteString(k)
			hk := h.Sum64()
			h.WriteByte(0)
			h.WriteString(msg.ContentHash)
			hm := h.Sum64()
			seenMu.Lock()
			_, keySeen := seenKeys[hk]
			_, dup := seenMsgs[hm]
			seenKeys[hk], seenMsgs[hm] = struct{}{}, struct{}{}
			seenMu.Unlock()
			if dup {
				return skipDuplicate, false, nil
			}
			reused = keySeen
			if opts.Done != nil {
				st, err := opts.Done(k, msg.ContentHash)
				if err != nil {
					return "", false, err
				}
				switch st {
				case journal.Processed:
					return skipDone, false, nil
				case journal.Reused:
					reused = true
				}
			}
		}
		if !opts.Since.IsZero() && !msg.Date.IsZero() && msg.Date.Before(opts.Since) {
			return skipOld, false, nil
		}
		return "", reused, nil
	}

	var wgWork sync.WaitGroup
	for range workers {
		wgWork.Add(1)
		go func() {
			defer wgWork.Done()
			for j := range jobs {
				if ctx.Err() != nil {
					budget.release(j.size)
					continue // drain
				}
				r := result{seq: j.seq, problem: j.problem, msg: j.msg, size: j.size}
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
				reused := false
				if r.problem == nil {
					skip, re, err := admit(r.msg)
					if err != nil {
						cancel(err)
						budget.release(r.size)
						continue
					}
					r.skip, reused = skip, re
				}
				if r.problem == nil && r.skip == "" {
					s, err := process(ctx, r.msg)
					if err != nil && ctx.Err() != nil {
						budget.release(r.size)
						continue // stopped early; not this message's fault
					}
					if err != nil {
						err = fmt.Errorf("%s: %w", msgWhere(r.msg), err)
					}
					r.out = &Outcome{Message: r.msg, Suggestion: s, Err: err, ReusedID: reused}
				}
				select {
				case results <- r:
				case <-ctx.Done():
					budget.release(r.size)
				}
			}
		}()
	}
	go func() {
		wgWork.Wait()
		close(results)
	}()

	var sinkErr error
	handle := func(r result) {
		switch {
		case r.problem != nil:
			st.Problems++
			if opts.Problem != nil {
				opts.Problem(r.problem)
			}
			return
		case r.skip == skipDuplicate:
			st.Read++
			st.Duplicates++
			if opts.Skipped != nil {
				opts.Skipped(r.msg, key(r.msg), r.skip)
			}
			return
		case r.skip == skipDone:
			st.Read++
			st.Done++
			if opts.Skipped != nil {
				opts.Skipped(r.msg, key(r.msg), r.skip)
			}
			return
		case r.skip == skipOld:
			st.Read++
			st.Old++
			return
		}
		st.Read++
		if r.out.ReusedID {
			st.ReusedIDs++
		}
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
	// Results arrive as workers finish; they are handed on in read order.
	pending := map[int]result{}
	next := 0
	for r := range results {
		if sinkErr != nil || ctx.Err() != nil {
			budget.release(r.size)
			continue // drain so the workers can stop
		}
		pending[r.seq] = r
		for sinkErr == nil && ctx.Err() == nil {
			r, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			<-slots
			handle(r)
			// The message (with Options.KeepRaw, its raw bytes too) is
			// done with once sink returns.
			budget.release(r.size)
			if opts.Progress != nil {
				opts.Progress(next)
			}
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

// orderWindow is how many messages per worker Run lets the reader get
// ahead of the message it hands to sink next, so that output in read order
// costs no throughput while one message takes longer than the others.
const orderWindow = 256

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
	seq     int // position in the source, from 0
	msg     *ingest.Message
	raw     *ingest.RawItem
	problem error
	size    int64 // bytes held from the budget
}

// bytes is the size of the job's message as the byte budget counts it.
func (j *job) bytes() int64 {
	switch {
	case j.raw != nil:
		return int64(len(j.raw.Data))
	case j.msg != nil:
		return max(j.msg.Size, int64(len(j.msg.Text)))
	}
	return 0
}

// result is what a worker made of a job.
type result struct {
	seq     int
	msg     *ingest.Message
	out     *Outcome
	skip    string
	problem error
	size    int64 // bytes held from the budget
}

// defaultMaxBytes is RunOptions.MaxBytes when it is not set.
const defaultMaxBytes = 64 << 20

// byteBudget bounds the bytes of messages in flight. A message larger
// than the whole budget gets it alone, so every message is processed.
type byteBudget struct {
	mu    sync.Mutex
	cond  *sync.Cond
	max   int64
	inUse int64
}

func newByteBudget(max int64) *byteBudget {
	if max <= 0 {
		max = defaultMaxBytes
	}
	b := &byteBudget{max: max}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// acquire waits until n bytes fit (or nothing else is in flight) and
// takes them; false when ctx ended first.
func (b *byteBudget) acquire(ctx context.Context, n int64) bool {
	stop := context.AfterFunc(ctx, func() {
		b.mu.Lock()
		b.cond.Broadcast()
		b.mu.Unlock()
	})
	defer stop()
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.inUse > 0 && b.inUse+n > b.max {
		if ctx.Err() != nil {
			return false
		}
		b.cond.Wait()
	}
	if ctx.Err() != nil {
		return false
	}
	b.inUse += n
	return true
}

// release gives n bytes back.
func (b *byteBudget) release(n int64) {
	if n == 0 {
		return
	}
	b.mu.Lock()
	b.inUse -= n
	b.cond.Broadcast()
	b.mu.Unlock()
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
