package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress draws a bar with count, rate and ETA on stderr when it is a
// terminal (a spinner while the total is unknown). A nil *progress draws
// nothing; its methods are safe to call.
type progress struct {
	out   io.Writer
	what  string
	total int // -1: unknown
	start time.Time
	bar   *progressbar.ProgressBar
	ended bool
}

// newProgress returns a progress display for what, with total items (-1 if
// unknown), or nil when stderr is not a terminal.
func (g *globalOptions) newProgress(what string, total int) *progress {
	if !g.io.IsStderrTTY {
		return nil
	}
	return &progress{out: g.io.ErrOut, what: what, total: total, start: time.Now()}
}

// set shows done items (of total, when total is not 0: then it replaces
// the total given before).
func (p *progress) set(done, total int) {
	if p == nil || p.ended {
		return
	}
	if total != 0 && total != p.total {
		p.total = total
		if p.bar != nil {
			p.bar.ChangeMax(total)
		}
	}
	if p.bar == nil {
		p.bar = progressbar.NewOptions(p.total,
			progressbar.OptionSetWriter(p.out),
			progressbar.OptionSetDescription(p.what),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
		)
	}
	_ = p.bar.Set(done)
}

// printf writes a line of its own on stderr: the bar is cleared first and
// drawn again at the next set.
func (p *progress) printf(w io.Writer, format string, args ...any) {
	if p != nil && p.bar != nil && !p.ended {
		_ = p.bar.Clear()
	}
	fmt.Fprintf(w, format, args...)
}

// end removes the bar, so that what is printed next starts on a line of
// its own. It is safe to call more than once.
func (p *progress) end() {
	if p == nil || p.ended {
		return
	}
	p.ended = true
	if p.bar != nil {
		_ = p.bar.Finish()
		_ = p.bar.Clear()
		fmt.Fprint(p.out, "\r")
	}
}

// progress returns a Progress callback that draws a bar with rate and ETA
// on stderr when it is a terminal, and nil otherwise, and a function that
// ends it with a line saying how long it took.
func (g *globalOptions) progress(what string) (func(done, total int), func()) {
	p := g.newProgress(what, -1)
	if p == nil {
		return nil, func() {}
	}
	return p.set, func() {
		if p.bar != nil && !p.ended {
			p.end()
			fmt.Fprintf(p.out, "%s: done in %s\n", what, time.Since(p.start).Round(time.Millisecond))
		}
	}
}
