package imapbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/antwort-dev/antwort/ingest"
)

// SourceOptions configure a Source. The zero value reads every mail of
// the folder once, read-write (flags are not changed by reading: bodies
// are fetched with BODY.PEEK).
type SourceOptions struct {
	// Skip lists keywords: a mail carrying one of them is not read
	// ("$antwort-done": decided before).
	Skip []string

	// ReadOnly opens the folder with EXAMINE, so the session changes
	// nothing in it.
	ReadOnly bool

	// Watch keeps reading after the mails there are: the Source waits
	// for new mail with IDLE (or, when the server has no IDLE, by
	// searching every Poll) until Stop is closed or the context ends.
	Watch bool

	// Poll is the polling interval without IDLE (default 1 s).
	Poll time.Duration

	// Stop, when closed, makes Next return io.EOF: mails handed out
	// before are the caller's to finish.
	Stop <-chan struct{}

	// OnWait, when set, is called (on the goroutine calling Next) each
	// time a watching Source has handed out every mail there is and
	// starts to wait for more: the moment to flush what was read so far.
	OnWait func()

	// Batch is the number of mails fetched per FETCH command (default
	// 100).
	Batch int

	// Parse are the options mails are parsed with. Parse.MaxBytes (default
	// 25 MiB) also bounds what is fetched: a larger mail is reported, not
	// fetched.
	Parse ingest.Options
}

const (
	defaultBatch = 100
	defaultPoll  = time.Second
	maxMailBytes = 25 << 20 // ingest's default
	// idleRecheck: even with IDLE, search now and then, in case a
	// notification was lost.
	idleRecheck = 5 * time.Minute
)

// SourceStats count what a Source met besides mail.
type SourceStats struct {
	Gone       int // mails deleted or moved by someone else between search and fetch
	Reconnects int // connections re-established
	Renumbered int // UIDVALIDITY changes seen
}

// Source reads the mails of one folder by UID, in UID order, fetching
// them in batches; it implements antwort's RawSource (mails are parsed by
// RawItem.Parse in the caller's workers). Every item's Source is the
// mail's URL (see Account.Source), which ParseSource reads back.
//
// Next and NextRaw return io.EOF after the last mail (in watch mode: once
// Stop is closed), a *ingest.Problem for a mail that is skipped (too
// large, not fetchable), and any other error when the folder cannot be
// read (a refused login, a folder that does not exist, a connection that
// did not come back within Options.Retry).
//
// When the connection breaks, the Source reconnects with backoff and goes
// on after the last UID it handed out; when the folder's UIDVALIDITY
// changed meanwhile, it reads the folder anew from the start (the
// caller's journal recognises mails it decided before). A Source is not
// safe for concurrent use: to end a watching Source from another
// goroutine, close SourceOptions.Stop.
type Source struct {
	mb     *Mailbox
	folder string
	opts   SourceOptions
	s      *session

	validity uint32
	last     uint32    // highest UID handed out or reported in this validity
	queue    []uint32  // UIDs found by the last search, not fetched yet
	pending  []item    // fetched, not handed out yet
	lost     error     // why the connection was dropped, for the notice
	breaks   int       // connection breaks since mail was last fetched
	slowTo   uint32    // fetch one mail at a time up to this UID
	ahead    *prefetch // the next batch, being fetched
	polling  bool      // notified that the server has no IDLE
	stats    SourceStats
}

// prefetch is a batch fetched in the background while the caller works
// on the one before: the server and antwort work at the same time.
type prefetch struct {
	batch []uint32
	done  chan struct{}
	// set before done is closed
	items []item
	gone  []uint32
	err   error
}

// item is a fetched mail or a problem, in UID order.
type item struct {
	raw     *ingest.RawItem
	problem error
}

// Source returns a Source for folder (written with "/" between levels)
// on a connection of its own, opened by the first Next.
func (mb *Mailbox) Source(folder string, opts SourceOptions) *Source {
	if opts.Batch <= 0 {
		opts.Batch = defaultBatch
	}
	if opts.Poll <= 0 {
		opts.Poll = defaultPoll
	}
	return &Source{mb: mb, folder: folder, opts: opts, s: newSession(mb.acct, mb.opts, "reading")}
}

// Stats returns what the Source met so far.
func (src *Source) Stats() SourceStats { return src.stats }

// Close logs out.
func (src *Source) Close() error {
	src.s.close()
	if src.ahead != nil {
		<-src.ahead.done // ended by the closed connection at the latest
	}
	return nil
}

// Next returns the next mail, parsed.
func (src *Source) Next(ctx context.Context) (*ingest.Message, error) {
	it, err := src.NextRaw(ctx)
	if err != nil {
		return nil, err
	}
	return it.Parse()
}

// NextRaw returns the next mail unparsed.
func (src *Source) NextRaw(ctx context.Context) (*ingest.RawItem, error) {
	for {
		if src.stopped() {
			return nil, io.EOF
		}
		if len(src.pending) > 0 {
			it := src.pending[0]
			src.pending = src.pending[1:]
			if it.problem != nil {
				return nil, it.problem
			}
			return it.raw, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		more, err := src.fill(ctx)
		switch {
		case err != nil && ctx.Err() == nil && src.s.lost(err):
			src.s.drop()
			src.lost = err
			src.broke(err)
			continue
		case err != nil:
			return nil, err
		case more:
			continue
		case !src.opts.Watch:
			return nil, io.EOF
		}
		if src.opts.OnWait != nil {
			src.opts.OnWait()
		}
		if err := src.wait(ctx); err != nil {
			if ctx.Err() == nil && src.s.lost(err) {
				src.s.drop()
				src.lost = err
				continue
			}
			return nil, err
		}
	}
}

func (src *Source) stopped() bool {
	if src.opts.Stop == nil {
		return false
	}
	select {
	case <-src.opts.Stop:
		return true
	default:
		return false
	}
}

// broke counts a connection that broke while mail was fetched. When it
// breaks again and again at the same place (a mail the server or the
// client cannot get through), the Source fetches one mail at a time, and
// at last reports the mail it cannot get and goes on after it.
func (src *Source) broke(err error) {
	src.breaks++
	switch {
	case len(src.queue) == 0 || src.breaks < maxBreaks:
	case src.breaks < 2*maxBreaks:
		src.slowTo = max(src.slowTo, src.queue[min(len(src.queue), src.opts.Batch)-1])
	default:
		u := src.queue[0]
		src.queue = src.queue[1:]
		src.last = max(src.last, u)
		src.breaks = maxBreaks // the rest of the batch still one at a time
		src.pending = append(src.pending, item{problem: &ingest.Problem{Source: src.url(u), Err: kindf(ErrUnfetchable,
			"the connection broke each of the %d times this mail was fetched (%s); the server's log may say why", maxBreaks, reason(err))}})
	}
}

// fill fetches the next batch into pending; more is false when the
// folder holds no unread mail after the last UID. Once a batch is in, the
// next one is fetched in the background.
func (src *Source) fill(ctx context.Context) (more bool, err error) {
	if a := src.ahead; a != nil {
		src.ahead = nil
		<-a.done
		if a.err != nil {
			return false, a.err
		}
		src.took(a.batch, a.items, a.gone)
		src.prefetch(ctx)
		return true, nil
	}
	if src.s.c == nil {
		lost := src.lost
		if err := src.s.ensure(ctx, lost); err != nil {
			return false, err
		}
		if lost != nil {
			src.stats.Reconnects++
		}
		src.lost = nil
	}
	d, err := src.s.selectFolder(src.folder, src.opts.ReadOnly)
	if err != nil {
		return false, err
	}
	if d.UIDValidity != src.validity {
		if src.validity != 0 {
			src.stats.Renumbered++
		}
		src.validity, src.last, src.queue = d.UIDValidity, 0, nil
	}
	if len(src.queue) == 0 {
		if src.queue, err = src.search(); err != nil {
			return false, err
		}
		if len(src.queue) == 0 {
			return false, nil
		}
	}
	batch := src.nextBatch()
	items, gone, err := src.fetch(ctx, src.s.c, batch)
	if err != nil {
		return false, err
	}
	src.took(batch, items, gone)
	src.prefetch(ctx)
	return true, nil
}

// nextBatch is the head of the queue to fetch next.
func (src *Source) nextBatch() []uint32 {
	n := min(len(src.queue), src.opts.Batch)
	if src.queue[0] <= src.slowTo {
		n = 1
	}
	return src.queue[:n]
}

// took takes a fetched batch off the queue.
func (src *Source) took(batch []uint32, items []item, gone []uint32) {
	if batch[0] <= src.slowTo {
		src.breaks = maxBreaks // fetched: count afresh, still one at a time
	} else {
		src.breaks = 0
	}
	src.queue = src.queue[len(batch):]
	src.last = max(src.last, batch[len(batch)-1])
	src.pending = append(src.pending, items...)
	if len(gone) > 0 {
		src.stats.Gone += len(gone)
		ids := make([]string, len(gone))
		for i, u := range gone {
			ids[i] = strconv.FormatUint(uint64(u), 10)
		}
		src.mb.opts.notify("%s: %d mail(s) in %q (UID %s) were deleted or moved by someone else before antwort read them",
			src.mb.acct, len(gone), src.folder, strings.Join(ids, ", "))
	}
}

// prefetch starts fetching the next batch, if there is one. The
// connection is the prefetch's alone until fill collects it.
func (src *Source) prefetch(ctx context.Context) {
	if len(src.queue) == 0 {
		return
	}
	a := &prefetch{batch: src.nextBatch(), done: make(chan struct{})}
	c := src.s.c
	go func() {
		defer close(a.done)
		a.items, a.gone, a.err = src.fetch(ctx, c, a.batch)
	}()
	src.ahead = a
}

// search returns the UIDs after src.last without a Skip keyword, sorted.
func (src *Source) search() ([]uint32, error) {
	var uids imap.UIDSet
	uids.AddRange(imap.UID(src.last+1), 0) // last+1:*
	crit := &imap.SearchCriteria{UID: []imap.UIDSet{uids}}
	for _, kw := range src.opts.Skip {
		crit.NotFlag = append(crit.NotFlag, imap.Flag(kw))
	}
	d, err := src.s.c.UIDSearch(crit, nil).Wait()
	if err != nil {
		return nil, src.s.wrap(err, "UID SEARCH")
	}
	var out []uint32
	if set, ok := d.All.(imap.UIDSet); ok {
		if nums, ok := set.Nums(); ok {
			for _, u := range nums {
				if uint32(u) > src.last { // "N:*" always matches the highest UID
					out = append(out, uint32(u))
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// fetch fetches the mails of batch: first their sizes, then the bodies of
// those within the limit. Mails the server does not return were deleted
// in between; a body the server cannot fetch is tried alone and reported.
func (src *Source) fetch(ctx context.Context, c *imapclient.Client, batch []uint32) (items []item, gone []uint32, err error) {
	max := src.opts.Parse.MaxBytes
	if max <= 0 {
		max = maxMailBytes
	}
	sizes, err := src.sizes(c, batch)
	if err != nil {
		return nil, nil, err
	}
	var small []uint32
	got := map[uint32]item{}
	for _, u := range batch {
		size, ok := sizes[u]
		switch {
		case !ok:
		case size > max:
			got[u] = item{problem: &ingest.Problem{Source: src.url(u), Err: kindf(ingest.ErrTooLarge,
				"mail is %d bytes, over the limit of %d (--max-bytes); not fetched", size, max)}}
		default:
			small = append(small, u)
		}
	}
	if len(small) > 0 {
		bodies, ferr := src.bodies(c, small, max)
		if ferr != nil && lostOn(c, ferr) {
			return nil, nil, ferr
		}
		for u, b := range bodies {
			got[u] = src.item(u, b, max)
		}
		if ferr != nil {
			// The server refused the batch: try each missing mail alone,
			// so one broken mail does not hold up the others.
			for _, u := range small {
				if _, ok := got[u]; ok {
					continue
				}
				if err := ctx.Err(); err != nil {
					return nil, nil, err
				}
				one, err := src.bodies(c, []uint32{u}, max)
				switch {
				case err != nil && lostOn(c, err):
					return nil, nil, err
				case err != nil:
					got[u] = item{problem: &ingest.Problem{Source: src.url(u), Err: kindf(ErrUnfetchable,
						"the server could not hand out this mail: %v", serverText(err))}}
				case one[u] != nil:
					got[u] = src.item(u, one[u], max)
				}
			}
		}
	}
	items = make([]item, 0, len(batch))
	for _, u := range batch {
		it, ok := got[u]
		if !ok {
			gone = append(gone, u)
			continue
		}
		items = append(items, it)
	}
	return items, gone, nil
}

// item is the fetched mail u, or a problem when it was larger than its
// RFC822.SIZE said and over max (bodies then fetches max+1 bytes).
func (src *Source) item(u uint32, body []byte, max int64) item {
	if int64(len(body)) > max {
		return item{problem: &ingest.Problem{Source: src.url(u), Err: kindf(ingest.ErrTooLarge,
			"mail is over the limit of %d bytes (--max-bytes)", max)}}
	}
	return item{raw: ingest.NewRawItem(src.url(u), body, src.opts.Parse)}
}

// sizes fetches RFC822.SIZE of uids.
func (src *Source) sizes(c *imapclient.Client, uids []uint32) (map[uint32]int64, error) {
	cmd := c.Fetch(uidSet(uids), &imap.FetchOptions{UID: true, RFC822Size: true})
	out := make(map[uint32]int64, len(uids))
	for {
		m := cmd.Next()
		if m == nil {
			break
		}
		buf, err := m.Collect()
		if err != nil {
			cmd.Close()
			return nil, src.s.wrap(err, "UID FETCH RFC822.SIZE")
		}
		if buf.UID != 0 {
			out[uint32(buf.UID)] = buf.RFC822Size
		}
	}
	if err := cmd.Close(); err != nil {
		return nil, src.s.wrap(err, "UID FETCH RFC822.SIZE")
	}
	return out, nil
}

// bodies fetches the whole mails of uids (BODY.PEEK[], which leaves
// \Seen alone), each read up to max bytes.
func (src *Source) bodies(c *imapclient.Client, uids []uint32, max int64) (map[uint32][]byte, error) {
	section := &imap.FetchItemBodySection{Peek: true}
	cmd := c.Fetch(uidSet(uids), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}})
	out := make(map[uint32][]byte, len(uids))
	for {
		m := cmd.Next()
		if m == nil {
			break
		}
		var uid uint32
		var body []byte
		for {
			fi := m.Next()
			if fi == nil {
				break
			}
			switch fi := fi.(type) {
			case imapclient.FetchItemDataUID:
				uid = uint32(fi.UID)
			case imapclient.FetchItemDataBodySection:
				if fi.Literal == nil {
					continue
				}
				b, err := readLimited(fi.Literal, max)
				if err != nil {
					cmd.Close()
					return out, src.s.wrap(err, "UID FETCH BODY.PEEK[]")
				}
				body = b
			}
		}
		if uid != 0 && body != nil {
			out[uid] = body
		}
	}
	if err := cmd.Close(); err != nil {
		return out, src.s.wrap(err, "UID FETCH BODY.PEEK[]")
	}
	return out, nil
}

// readLimited reads a literal of known size, at most max+1 bytes of it
// (the client discards the rest), so that a mail over max is told apart.
func readLimited(l imap.LiteralReader, max int64) ([]byte, error) {
	n := min(l.Size(), max+1)
	b := make([]byte, n)
	if _, err := io.ReadFull(l, b); err != nil {
		return nil, err
	}
	return b, nil
}

// wait blocks until the folder may hold new mail: an IDLE notification,
// or the next poll.
func (src *Source) wait(ctx context.Context) error {
	c := src.s.c
	if c == nil {
		return nil
	}
	if !c.Caps().Has(imap.CapIdle) && !c.Caps().Has(imap.CapIMAP4rev2) {
		if !src.polling {
			src.polling = true
			src.mb.opts.notify("%s offers no IDLE: looking for new mail every %s", src.mb.acct, src.opts.Poll)
		}
		t := time.NewTimer(src.opts.Poll)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-src.opts.Stop:
		case <-t.C:
		case <-c.Closed():
			return connErr(src.mb.acct, "waiting for mail", errServerClosed)
		}
		return nil
	}
	idle, err := c.Idle()
	if err != nil {
		return src.s.wrap(err, "IDLE")
	}
	t := time.NewTimer(idleRecheck)
	defer t.Stop()
	var waitErr error
	select {
	case <-ctx.Done():
		waitErr = ctx.Err()
	case <-src.opts.Stop:
	case <-src.s.changed:
	case <-t.C:
	case <-c.Closed():
		waitErr = connErr(src.mb.acct, "IDLE", errServerClosed)
	}
	if err := idle.Close(); err != nil && waitErr == nil {
		return src.s.wrap(err, "IDLE")
	}
	if err := idle.Wait(); err != nil && waitErr == nil {
		waitErr = src.s.wrap(err, "IDLE")
	}
	return waitErr
}

// url is the mail's URL.
func (src *Source) url(uid uint32) string {
	return src.mb.acct.Source(Ref{Folder: src.folder, UIDValidity: src.validity, UID: uid})
}

func uidSet(uids []uint32) imap.UIDSet {
	var s imap.UIDSet
	for _, u := range uids {
		s.AddNum(imap.UID(u))
	}
	return s
}

// serverText is the server's words in a refusal.
func serverText(err error) string {
	var ie *imap.Error
	if errors.As(err, &ie) {
		if ie.Code != "" {
			return "[" + string(ie.Code) + "] " + ie.Text
		}
		return ie.Text
	}
	return err.Error()
}

var errServerClosed = errors.New("the server closed the connection")

// kindError is an error with its own message that matches a sentinel.
type kindError struct {
	msg  string
	kind error
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

func kindf(kind error, format string, args ...any) error {
	return &kindError{msg: fmt.Sprintf(format, args...), kind: kind}
}
