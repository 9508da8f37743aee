package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/internal/imapbox"
	"github.com/antwort-dev/antwort/internal/outbox"
	"github.com/antwort-dev/antwort/journal"
	"github.com/antwort-dev/antwort/reply"
)

// Keywords antwort sets in IMAP mailboxes.
const (
	// doneKeyword marks a mail whose decision the journal has committed.
	doneKeyword = "$antwort-done"
	// learnedKeyword marks a mail in a correction folder that was
	// recorded as feedback.
	learnedKeyword = "$antwort-learned"
	// queuedKeyword marks a mail publish handed to the NATS stream.
	queuedKeyword = "$antwort-queued"
	// defaultCorrections is the folder whose sub-folders, named after
	// intents, agents move misclassified mails into.
	defaultCorrections = "antwort/Korrektur"
	// learnEvery is how often --watch looks into the correction folders.
	learnEvery = 30 * time.Second
	// watchStopGrace is how long a stopping --watch waits for the mails
	// in hand before it gives them up (they are read again next time).
	watchStopGrace = 30 * time.Second
)

// imapBatch is what batch does in an IMAP mailbox: it marks decided mails
// once the journal has committed them (the keyword $antwort-done, or a
// move with --route-move), appends drafts and sent answers, files mails
// into folders or keywords (--route imap:PREFIX, keyword:PREFIX), and
// turns mails agents moved into the correction folders into feedback.
type imapBatch struct {
	o    *batchOptions
	j    *journal.Journal // nil in a dry run
	from mail.Address     // the sender of the answers
	in   *imapInputs
	mb   *imapbox.Mailbox // the mailbox of the IMAP input
	stop chan struct{}    // closed to end --watch

	drafts    string   // folder for drafts, "" for none
	draftSend bool     // without --outbox the answers the policy would send become drafts too
	drafter   *drafter // appends the drafts beside the decisions
	sent      string   // folder for delivered answers, "" for none
	routeDir  string   // --route imap:PREFIX
	routeKW   string   // --route keyword:PREFIX
	correct   string   // correction folder, "" for none
	labels    []string

	marks []imapMark // decided, to mark after the next commit
	later []imapMark // skipped as duplicates: marked once their key is committed

	sentMu   sync.Mutex
	sentKeys []string // outbox keys to copy into sent once delivered

	learnMu sync.Mutex
	tally   imapTally
}

// imapMark is a mail to mark (or move) after its decision is committed.
type imapMark struct {
	ref            imapbox.Ref
	key, hash      string // the journal's key and content hash
	action, intent string
	msgID          string
	again          bool // decided by an earlier run: copy only if the copy is missing
}

type imapTally struct {
	drafts, draftsThere, marked, moved, copied, stale, learned, sent int
	noKeywords                                                       bool
}

// hasIMAP reports whether any input is an IMAP URL.
func hasIMAP(specs []string) bool { return slices.ContainsFunc(specs, imapbox.IsURL) }

// setUpIMAP checks the IMAP flags of batch and, when an input is an IMAP
// folder, logs in and prepares drafts, sent and correction folders. It
// returns the inputs' opener (also for runs without IMAP) and the IMAP
// part of the run (nil without IMAP).
func (o *batchOptions) setUpIMAP(ctx context.Context, j *journal.Journal, from mail.Address, labels []string) (_ *imapInputs, _ *imapBatch, err error) {
	var specs []string
	for _, s := range o.in {
		if imapbox.IsURL(s) {
			specs = append(specs, s)
		}
	}
	imapDrafts := strings.HasPrefix(o.drafts, "imap:")
	kind, prefix, _ := strings.Cut(o.route, ":")
	imapRoute := o.route != "" && (kind == "imap" || kind == "keyword")
	if len(specs) == 0 {
		switch {
		case imapDrafts:
			return nil, nil, flagErrorf("--drafts %s needs an IMAP --in (the drafts go into its mailbox)", o.drafts)
		case imapRoute:
			return nil, nil, flagErrorf("--route %s needs an IMAP --in", o.route)
		case o.watch:
			return nil, nil, flagErrorf("--watch needs an IMAP --in (imaps://USER@HOST/FOLDER)")
		case o.sent != "":
			return nil, nil, flagErrorf("--sent %s needs an IMAP --in", o.sent)
		}
		return newIMAPInputs(o.g, &o.imap, imapbox.SourceOptions{}), nil, nil
	}
	if o.watch && len(o.in) != 1 {
		return nil, nil, flagErrorf("--watch reads one IMAP folder: give exactly one --in")
	}
	if o.sent != "" && !o.send {
		return nil, nil, flagErrorf("--sent puts delivered answers into a folder: it needs --send")
	}
	if o.watch && !o.retrySet {
		o.imap.retry = -1 // a watching run waits for its server
	}
	ib := &imapBatch{o: o, j: j, from: from, stop: make(chan struct{}), labels: labels}
	so := imapbox.SourceOptions{Skip: []string{doneKeyword}, ReadOnly: o.dryRun, Watch: o.watch, Poll: o.poll, Stop: ib.stop}
	ib.in = newIMAPInputs(o.g, &o.imap, so)
	defer func() {
		if err != nil {
			ib.drafter.close()
			ib.in.close()
		}
	}()
	mb, _, err := ib.in.mailbox(ctx, specs[0])
	if err != nil {
		return nil, nil, err
	}
	ib.mb = mb
	if imapDrafts {
		if ib.drafts, err = ib.folder(ctx, strings.TrimPrefix(o.drafts, "imap:"), imapbox.Drafts); err != nil {
			return nil, nil, err
		}
		ib.draftSend = o.outbox == ""
		if ib.drafter, err = newDrafter(ctx, ib.in, specs[0], ib.drafts); err != nil {
			return nil, nil, err
		}
	}
	if o.send && o.sent != "none" {
		if ib.sent, err = ib.folder(ctx, strings.TrimPrefix(o.sent, "imap:"), imapbox.Sent); err != nil {
			return nil, nil, err
		}
	}
	if imapRoute {
		if prefix == "" {
			return nil, nil, flagErrorf("--route %s: name the folder or keyword prefix (imap:antwort, keyword:antwort-)", o.route)
		}
		if kind == "imap" {
			ib.routeDir = strings.Trim(prefix, "/")
		} else {
			ib.routeKW = prefix
		}
	}
	if !o.dryRun && o.corrections != "" && o.corrections != "none" {
		ib.correct = strings.Trim(o.corrections, "/")
		for _, l := range labels {
			if err := mb.Ensure(ctx, ib.correct+"/"+l); err != nil {
				return nil, nil, fmt.Errorf("--corrections: %w", err)
			}
		}
	}
	return ib.in, ib, nil
}

// folder returns the named folder (created if missing), or the folder
// with the special use attr when name is "".
func (ib *imapBatch) folder(ctx context.Context, name, attr string) (string, error) {
	if name == "" {
		return ib.mb.SpecialFolder(ctx, attr)
	}
	name = strings.Trim(name, "/")
	return name, ib.mb.Ensure(ctx, name)
}

// handle puts the draft of a decided mail into the drafts folder and
// queues the mail for marking after the next commit.
func (ib *imapBatch) handle(ctx context.Context, msg *ingest.Message, s *antwort.Suggestion, rec *batchRecord, key string) error {
	ref, ok := imapbox.ParseSource(msg.Source)
	if !ok || ib.j == nil {
		return nil
	}
	action := s.Decision.Action
	if ib.drafts != "" && s.Draft != "" && (action == reply.Suggest || action == reply.Escalate || action == reply.Send && ib.draftSend) {
		id, err := ib.draft(ctx, msg, s, key)
		switch {
		case errors.Is(err, outbox.ErrNoRecipient):
			rec.Outbox = "not queued: no sender address to answer"
		case err != nil:
			return fmt.Errorf("%s: draft: %w", msg.Source, err)
		default:
			rec.Outbox = "imap:" + ib.drafts + " " + id
		}
	}
	if action == reply.Send && ib.sent != "" && rec.Outbox != "" && !strings.HasPrefix(rec.Outbox, "imap:") {
		ib.sentMu.Lock()
		ib.sentKeys = append(ib.sentKeys, rec.Outbox)
		ib.sentMu.Unlock()
	}
	if r := ib.routeOf(string(action), s.Intent.Label); r != "" {
		rec.Route = r
	}
	ib.marks = append(ib.marks, imapMark{ref: ref, action: string(action), intent: s.Intent.Label, msgID: msg.ID})
	return nil
}

// draft appends the draft answer to msg to the drafts folder, once: its
// Message-ID is derived from key, so a mail decided again after a crash
// finds its draft there.
func (ib *imapBatch) draft(ctx context.Context, msg *ingest.Message, s *antwort.Suggestion, key string) (string, error) {
	r := replyFor(ib.from, msg, s)
	r.Auto = false // an agent sends it
	r.MessageID = "<" + strings.TrimSuffix(outbox.KeyFor(key), ".antwort") + ".draft@" + domainOr(ib.from.Address) + ">"
	var buf bytes.Buffer
	if err := outbox.WriteEML(&buf, r); err != nil {
		return "", err
	}
	if err := ib.drafter.put(buf.Bytes()); err != nil {
		return "", err
	}
	return r.MessageID, nil
}

// drafterConns is the number of connections that append drafts. A server
// stores each APPEND on its own and syncs it to disk; appends to one
// folder on several connections wait for each other (measured with
// Dovecot: 109 appends/s on one connection, 112 on three, 133 on six), so
// one connection of its own, beside the decisions, is what pays.
const drafterConns = 1

// drafter appends drafts on connections of its own while the decisions
// go on. Before the journal commits a decision, wait makes sure its draft
// is stored: a draft is never missing for a committed decision, and one
// stored for a decision that was not committed is found by its
// Message-ID when the mail is decided again.
type drafter struct {
	folder  string
	jobs    chan []byte
	workers sync.WaitGroup
	pending sync.WaitGroup

	mu           sync.Mutex
	err          error
	added, there int
}

// newDrafter logs in (drafterConns times) to the account of spec.
func newDrafter(ctx context.Context, in *imapInputs, spec, folder string) (*drafter, error) {
	d := &drafter{folder: folder, jobs: make(chan []byte, commitEvery)}
	a, err := imapbox.ParseURL(spec)
	if err != nil {
		return nil, err
	}
	o, err := in.flags.options(in.g, a)
	if err != nil {
		return nil, err
	}
	ctx = context.WithoutCancel(ctx) // the drafts of the mails in hand are stored after SIGTERM too
	for range drafterConns {
		mb, err := imapbox.Open(ctx, a, o)
		if err != nil {
			d.close()
			return nil, err
		}
		d.workers.Add(1)
		go func() {
			defer d.workers.Done()
			defer mb.Close()
			for raw := range d.jobs {
				added, err := mb.Append(ctx, folder, raw, `\Draft`)
				d.mu.Lock()
				switch {
				case err != nil && d.err == nil:
					d.err = fmt.Errorf("draft into %s: %w", folder, err)
				case added:
					d.added++
				case err == nil:
					d.there++
				}
				d.mu.Unlock()
				d.pending.Done()
			}
		}()
	}
	return d, nil
}

// put queues a draft; it fails when an earlier draft could not be stored.
func (d *drafter) put(raw []byte) error {
	d.mu.Lock()
	err := d.err
	d.mu.Unlock()
	if err != nil {
		return err
	}
	d.pending.Add(1)
	d.jobs <- raw
	return nil
}

// wait returns once every queued draft is stored, or why one was not.
func (d *drafter) wait() error {
	if d == nil {
		return nil
	}
	d.pending.Wait()
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.err
}

// close stops the connections after the queued drafts.
func (d *drafter) close() {
	if d != nil {
		close(d.jobs)
		d.workers.Wait()
	}
}

// beforeCommit waits until the drafts of the decisions about to be
// committed are stored.
func (ib *imapBatch) beforeCommit() error { return ib.drafter.wait() }

// domainOr is the domain of addr, for Message-IDs.
func domainOr(addr string) string {
	if d := domainOf(addr); d != "" {
		return d
	}
	return "antwort.invalid"
}

// skipped queues a mail Run skipped: one decided by an earlier run is
// marked (and routed) after the next commit, one read twice in this run
// once its key is committed.
func (ib *imapBatch) skipped(msg *ingest.Message, key, reason string) {
	ref, ok := imapbox.ParseSource(msg.Source)
	if !ok || ib.j == nil {
		return
	}
	m := imapMark{ref: ref, key: key, hash: msg.ContentHash, msgID: msg.ID, again: true}
	if e, found, err := ib.j.Get(key); err == nil && found {
		m.action, m.intent = e.Action, e.Intent
	}
	if reason == "done" {
		ib.marks = append(ib.marks, m)
	} else {
		ib.later = append(ib.later, m)
	}
}

// committed marks, moves or copies the mails whose decisions the journal
// has just committed.
func (ib *imapBatch) committed(ctx context.Context) error {
	marks := ib.marks
	ib.marks = nil
	keep := ib.later[:0]
	for _, m := range ib.later {
		if st, err := ib.j.Check(m.key, m.hash); err == nil && st == journal.Processed {
			marks = append(marks, m)
		} else {
			keep = append(keep, m)
		}
	}
	ib.later = keep
	if len(marks) == 0 {
		return nil
	}
	// Group the mails by what is done to them.
	type group struct {
		keywords []string
		dest     string
		refs     []imapbox.Ref
		marks    []imapMark
	}
	groups := map[string]*group{}
	var order []string
	for _, m := range marks {
		g := group{keywords: []string{doneKeyword}}
		if m.action != "" {
			if ib.routeDir != "" {
				g.dest = ib.routeDir + "/" + routeFolder(ib.o.routeBy, m.action, m.intent)
			}
			if ib.routeKW != "" {
				g.keywords = append(g.keywords, routeKeywords(ib.routeKW, ib.o.routeBy, m.action, m.intent)...)
			}
		}
		k := g.dest + "\x00" + strings.Join(g.keywords, " ")
		if groups[k] == nil {
			groups[k] = &g
			order = append(order, k)
		}
		groups[k].refs = append(groups[k].refs, m.ref)
		groups[k].marks = append(groups[k].marks, m)
	}
	for _, k := range order {
		g := groups[k]
		if g.dest != "" && ib.o.move {
			ch, err := ib.mb.Move(ctx, g.refs, g.dest)
			if err != nil {
				return err
			}
			ib.tally.moved += ch.Done
			ib.tally.stale += ch.Stale
			continue
		}
		if g.dest != "" {
			refs := g.refs[:0:0]
			for i, m := range g.marks {
				if m.again && m.msgID != "" && !strings.HasPrefix(m.msgID, "sha256:") {
					if there, err := ib.mb.HasHeader(ctx, g.dest, "Message-ID", "<"+m.msgID+">"); err == nil && there {
						continue // copied before the crash
					}
				}
				refs = append(refs, g.refs[i])
			}
			ch, err := ib.mb.Copy(ctx, refs, g.dest)
			if err != nil {
				return err
			}
			ib.tally.copied += ch.Done
		}
		ch, err := ib.mb.Mark(ctx, g.refs, g.keywords...)
		if err != nil {
			return err
		}
		ib.tally.marked += ch.Done
		ib.tally.stale += ch.Stale
		ib.tally.noKeywords = ib.tally.noKeywords || ch.NoKeywords
	}
	return nil
}

// routeOf names where --route files a mail, for the decision record.
func (ib *imapBatch) routeOf(action, intent string) string {
	switch {
	case ib.routeDir != "":
		return "imap:" + ib.routeDir + "/" + routeFolder(ib.o.routeBy, action, intent)
	case ib.routeKW != "":
		return "keyword:" + strings.Join(routeKeywords(ib.routeKW, ib.o.routeBy, action, intent), " ")
	}
	return ""
}

// routeFolder is the folder below the route prefix: action, intent or
// action/intent.
func routeFolder(by, action, intent string) string {
	if intent == "" {
		intent = "unknown"
	}
	switch by {
	case "intent":
		return folderName(intent)
	case "action/intent":
		return folderName(action) + "/" + folderName(intent)
	}
	return folderName(action)
}

// routeKeywords are the keywords --route keyword:PREFIX sets.
func routeKeywords(prefix, by, action, intent string) []string {
	if intent == "" {
		intent = "unknown"
	}
	switch by {
	case "intent":
		return []string{keyword(prefix + intent)}
	case "action/intent":
		return []string{keyword(prefix + action), keyword(prefix + intent)}
	}
	return []string{keyword(prefix + action)}
}

// keyword makes s an IMAP keyword (an atom of printable ASCII without
// the special characters); umlauts are spelt out.
func keyword(s string) string {
	s = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss").Replace(s)
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`(){%*"\]`, r) {
			return '_'
		}
		return r
	}, s)
}

// copySent copies the answers delivered since the last call into the sent
// folder, as a mail client does.
func (ib *imapBatch) copySent(ctx context.Context, ob *outbox.Outbox) {
	if ib.sent == "" || ob == nil {
		return
	}
	ib.sentMu.Lock()
	keys := ib.sentKeys
	ib.sentKeys = nil
	ib.sentMu.Unlock()
	var keep []string
	for _, k := range keys {
		sent, err := ob.IsSent(k)
		if err != nil || !sent {
			keep = append(keep, k)
			continue
		}
		if err := ib.copyOne(ctx, ob, k); err != nil {
			fmt.Fprintf(ib.o.g.io.ErrOut, "antwort: imap: %s: not put into %s: %v\n", k, ib.sent, err)
			keep = append(keep, k)
			continue
		}
		ib.tally.sent++
	}
	ib.sentMu.Lock()
	ib.sentKeys = append(keep, ib.sentKeys...)
	ib.sentMu.Unlock()
}

func (ib *imapBatch) copyOne(ctx context.Context, ob *outbox.Outbox, key string) error {
	rc, err := ob.Open(key)
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return err
	}
	_, err = ib.mb.Append(ctx, ib.sent, raw, `\Seen`)
	return err
}

// summary reports what was done in the mailbox.
func (ib *imapBatch) summary() {
	t, st := ib.tally, ib.in.stats()
	if d := ib.drafter; d != nil {
		t.drafts, t.draftsThere = d.added, d.there
	}
	var parts []string
	for _, x := range []struct {
		n    int
		what string
	}{{t.marked, "marked " + doneKeyword}, {t.moved, "moved"}, {t.copied, "copied"}, {t.drafts, "drafts added"},
		{t.draftsThere, "drafts there already"}, {t.sent, "answers put into " + ib.sent}, {t.learned, "corrections learned"},
		{st.Gone, "deleted by someone else while read"}, {st.Reconnects, "reconnections"}, {st.Renumbered, "UIDVALIDITY changes"},
		{t.stale, "not marked (folder renumbered; read again next time)"}} {
		if x.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", x.n, x.what))
		}
	}
	if t.noKeywords {
		parts = append(parts, "the folder keeps no keywords: decided mails stay unmarked")
	}
	if len(parts) > 0 {
		fmt.Fprintf(ib.o.g.io.ErrOut, "antwort: batch: imap: %s\n", strings.Join(parts, ", "))
	}
}

// watch prepares a --watch run. It returns the context for Run, which
// outlives ctx: when ctx ends (SIGTERM), the IMAP folder stops handing out
// mail, the mails in hand are decided and committed, and Run returns; only
// if that takes longer than watchStopGrace is the context cancelled.
// Meanwhile decisions are committed on a timer and the correction folders
// are looked into. stop ends all that.
func (b *batchRun) watch(ctx context.Context, lock sync.Locker) (runCtx context.Context, stop func()) {
	if b.imap == nil || !b.o.watch {
		return ctx, func() {}
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stopAfter := context.AfterFunc(ctx, func() {
		fmt.Fprintf(b.g.io.ErrOut, "antwort: batch: stopping: finishing the mails in hand\n")
		close(b.imap.stop)
		time.AfterFunc(watchStopGrace, cancel)
	})
	stopCommits := b.watchCommits(runCtx, lock)
	stopLearning := b.imap.watchLearning(runCtx)
	return runCtx, func() {
		stopAfter()
		stopCommits()
		stopLearning()
		cancel()
	}
}

// copySent copies delivered answers into the IMAP sent folder.
func (b *batchRun) copySent(ctx context.Context) {
	if b.imap != nil {
		b.imap.copySent(ctx, b.outbox)
	}
}

// watchCommits commits decisions at least every commitAfter while --watch
// waits for mail, so that a mail is marked soon after it is decided even
// when no further mail follows. lock is held around each commit.
func (b *batchRun) watchCommits(ctx context.Context, lock sync.Locker) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(commitAfter / 2)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				lock.Lock()
				if (len(b.pending) > 0 || b.imap != nil && len(b.imap.later) > 0) && time.Since(b.last) >= commitAfter {
					if err := b.commit(ctx); err != nil && ctx.Err() == nil {
						fmt.Fprintf(b.g.io.ErrOut, "antwort: %v\n", err)
					}
				}
				lock.Unlock()
			}
		}
	}()
	return func() { cancel(); <-done }
}
