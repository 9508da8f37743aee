package imapbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"sync"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Mailbox is a logged-in IMAP account. Its own connection carries the
// changes antwort makes (keywords, moves, appended drafts); each Source
// reads on a connection of its own, so reading and IDLE never wait for
// changes and the other way round. A Mailbox is safe for concurrent use;
// its commands run one at a time.
type Mailbox struct {
	acct *Account
	opts *Options

	mu      sync.Mutex
	s       *session
	known   map[string]map[string]bool // folder -> Message-IDs in it (appends)
	created map[string]bool
	noKW    map[string]bool // folders that said they do not keep keywords
}

// Open logs in to the account and checks that its folder exists (the
// error lists the folders that do). The first connection is not retried:
// a wrong host, password or certificate fails at once.
func Open(ctx context.Context, acct *Account, opts Options) (*Mailbox, error) {
	mb := &Mailbox{acct: acct, opts: &opts, known: map[string]map[string]bool{}, created: map[string]bool{}, noKW: map[string]bool{}}
	mb.s = newSession(acct, mb.opts, "writing")
	if err := mb.s.connect(ctx); err != nil {
		return nil, err
	}
	l, err := mb.s.listFolders()
	if err != nil {
		mb.s.close()
		return nil, err
	}
	if !slices.ContainsFunc(l, func(f Folder) bool { return strings.EqualFold(f.Name, acct.Folder) }) {
		mb.s.close()
		return nil, fmt.Errorf("%w: %q on %s; the folders are: %s", ErrNoFolder, acct.Folder, acct, folderNames(l))
	}
	return mb, nil
}

// Account returns the account.
func (mb *Mailbox) Account() *Account { return mb.acct }

// Close logs out of every connection of the Mailbox but its Sources'.
func (mb *Mailbox) Close() error {
	mb.s.close()
	return nil
}

// Folders lists the folders of the account, sorted by name.
func (mb *Mailbox) Folders(ctx context.Context) ([]Folder, error) {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	var l []Folder
	err := mb.s.do(ctx, func(*imapclient.Client) error {
		var err error
		l, err = mb.s.listFolders()
		return err
	})
	return l, err
}

// UIDValidity returns the folder's UIDVALIDITY (STATUS).
func (mb *Mailbox) UIDValidity(ctx context.Context, folder string) (uint32, error) {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	var v uint32
	err := mb.s.do(ctx, func(c *imapclient.Client) error {
		d, err := c.Status(mb.s.serverName(folder), &imap.StatusOptions{UIDValidity: true}).Wait()
		if err != nil {
			return err
		}
		v = d.UIDValidity
		return nil
	})
	return v, mb.s.wrap(err, "STATUS "+folder)
}

// Special-use attributes (RFC 6154) of the folders antwort writes to.
const (
	Drafts = string(imap.MailboxAttrDrafts)
	Sent   = string(imap.MailboxAttrSent)
)

// wellKnown are the usual names of the special folders, for servers that
// do not mark them.
var wellKnown = map[string][]string{
	Drafts: {"Drafts", "Entwürfe", "INBOX/Drafts", "INBOX.Drafts", "[Gmail]/Drafts", "[Gmail]/Entwürfe"},
	Sent:   {"Sent", "Sent Items", "Sent Messages", "Gesendet", "Gesendete Elemente", "Gesendete Objekte", "INBOX/Sent", "INBOX.Sent", "[Gmail]/Sent Mail", "[Gmail]/Gesendet"},
}

// SpecialFolder finds the folder with the special-use attribute attr
// (Drafts, Sent), else one with a usual name for it; the error lists the
// folders there are.
func (mb *Mailbox) SpecialFolder(ctx context.Context, attr string) (string, error) {
	l, err := mb.Folders(ctx)
	if err != nil {
		return "", err
	}
	for _, f := range l {
		if f.has(imap.MailboxAttr(attr)) {
			return f.Name, nil
		}
	}
	for _, name := range wellKnown[attr] {
		for _, f := range l {
			if strings.EqualFold(f.Name, name) {
				return f.Name, nil
			}
		}
	}
	return "", fmt.Errorf("%w: no folder on %s is marked %s or has a usual name for it; name one (imap:FOLDER); the folders are: %s",
		ErrNoFolder, mb.acct, attr, folderNames(l))
}

// Ensure creates folder (and the levels above it) unless it exists, and
// subscribes to it, so that mail clients show it.
func (mb *Mailbox) Ensure(ctx context.Context, folder string) error {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	return mb.ensure(ctx, folder)
}

func (mb *Mailbox) ensure(ctx context.Context, folder string) error {
	if mb.created[folder] || strings.EqualFold(folder, "INBOX") {
		return nil
	}
	err := mb.s.do(ctx, func(c *imapclient.Client) error {
		name := mb.s.serverName(folder)
		err := c.Create(name, nil).Wait()
		var ie *imap.Error
		if err != nil && errors.As(err, &ie) && ie.Type == imap.StatusResponseTypeNo {
			// Exists already (ALREADYEXISTS, or a server that says it in
			// words): fine when LIST shows it.
			l, lerr := mb.s.listFolders()
			if lerr != nil {
				return lerr
			}
			if !slices.ContainsFunc(l, func(f Folder) bool { return f.Name == folder }) {
				return fmt.Errorf("imap: %s: cannot create folder %q: %s", mb.acct, folder, serverText(err))
			}
			err = nil
		}
		if err != nil {
			return mb.s.wrap(err, "CREATE "+folder)
		}
		if err := c.Subscribe(name).Wait(); err != nil && mb.s.lost(err) {
			return err
		}
		return nil
	})
	if err == nil {
		mb.created[folder] = true
	}
	return err
}

// Changed is what Mark, Move and Copy did.
type Changed struct {
	Done int // messages changed (or already so)
	// Stale are refs whose folder has a new UIDVALIDITY: their UIDs name
	// other mails now, so they were left alone.
	Stale int
	// NoKeywords is set when a folder does not keep keywords
	// (PERMANENTFLAGS), so Mark could not mark in it.
	NoKeywords bool
}

// Mark adds the keywords to the mails refs name (STORE +FLAGS.SILENT).
// Marking a mail again changes nothing.
func (mb *Mailbox) Mark(ctx context.Context, refs []Ref, keywords ...string) (Changed, error) {
	flags := make([]imap.Flag, len(keywords))
	for i, k := range keywords {
		flags[i] = imap.Flag(k)
	}
	return mb.each(ctx, refs, "STORE", func(c *imapclient.Client, folder string, uids imap.UIDSet) error {
		for _, k := range keywords {
			if !mb.s.keywordsKept(k) {
				if !mb.noKW[folder] {
					mb.noKW[folder] = true
					mb.opts.notify("%s: folder %q does not keep keywords such as %s; decided mails stay unmarked there (the journal remembers them)", mb.acct, folder, k)
				}
				return errNoKeywords
			}
		}
		return c.Store(uids, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: flags}, nil).Close()
	})
}

var errNoKeywords = errors.New("keywords not kept")

// Move moves the mails refs name into dest (MOVE, or COPY, \Deleted and
// UID EXPUNGE on servers without MOVE). A mail moved before is gone from
// its folder and is not moved again.
func (mb *Mailbox) Move(ctx context.Context, refs []Ref, dest string) (Changed, error) {
	if err := mb.Ensure(ctx, dest); err != nil {
		return Changed{}, err
	}
	return mb.each(ctx, refs, "MOVE", func(c *imapclient.Client, _ string, uids imap.UIDSet) error {
		_, err := c.Move(uids, mb.s.serverName(dest)).Wait()
		return err
	})
}

// Copy copies the mails refs name into dest.
func (mb *Mailbox) Copy(ctx context.Context, refs []Ref, dest string) (Changed, error) {
	if err := mb.Ensure(ctx, dest); err != nil {
		return Changed{}, err
	}
	return mb.each(ctx, refs, "COPY", func(c *imapclient.Client, _ string, uids imap.UIDSet) error {
		_, err := c.Copy(uids, mb.s.serverName(dest)).Wait()
		return err
	})
}

// each runs f on the refs of each folder, selected read-write, skipping
// refs of an older UIDVALIDITY.
func (mb *Mailbox) each(ctx context.Context, refs []Ref, what string, f func(c *imapclient.Client, folder string, uids imap.UIDSet) error) (Changed, error) {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	var ch Changed
	byFolder := map[string][]Ref{}
	var order []string
	for _, r := range refs {
		if _, ok := byFolder[r.Folder]; !ok {
			order = append(order, r.Folder)
		}
		byFolder[r.Folder] = append(byFolder[r.Folder], r)
	}
	for _, folder := range order {
		rs := byFolder[folder]
		var done, stale int
		err := mb.s.do(ctx, func(c *imapclient.Client) error {
			// Select anew each time: the folder may have been renumbered
			// while this connection had it selected, and the server may
			// tell only when it is used.
			d, err := mb.s.reselect(folder, false)
			if err != nil {
				return err
			}
			var uids []uint32
			done, stale = 0, 0
			for _, r := range rs {
				if r.UIDValidity != d.UIDValidity {
					stale++
					continue
				}
				uids = append(uids, r.UID)
			}
			if len(uids) == 0 {
				return nil
			}
			if err := f(c, folder, uidSet(uids)); err != nil {
				return err
			}
			done = len(uids)
			return nil
		})
		if errors.Is(err, errNoKeywords) {
			ch.NoKeywords = true
			continue
		}
		if err != nil {
			return ch, mb.s.wrap(err, what+" in "+folder)
		}
		ch.Done += done
		ch.Stale += stale
	}
	return ch, nil
}

// Append adds the message raw to folder with the given flags (such as
// \Draft), once: a message whose Message-ID the folder holds already is
// not added again, also after a broken connection left it unclear
// whether the server stored it. It reports whether it added the message.
// raw must have a Message-ID.
func (mb *Mailbox) Append(ctx context.Context, folder string, raw []byte, flags ...string) (bool, error) {
	id := messageID(raw)
	if id == "" {
		return false, fmt.Errorf("imap: append to %q: the message has no Message-ID", folder)
	}
	mb.mu.Lock()
	defer mb.mu.Unlock()
	if err := mb.ensure(ctx, folder); err != nil {
		return false, err
	}
	fl := make([]imap.Flag, len(flags))
	for i, f := range flags {
		fl[i] = imap.Flag(f)
	}
	added := false
	uncertain := false
	err := mb.s.do(ctx, func(c *imapclient.Client) error {
		known, err := mb.knownIDs(folder)
		if err != nil {
			return err
		}
		if uncertain {
			// The last attempt broke off: did the server store it?
			if known[id], err = mb.has(folder, "Message-ID", id); err != nil {
				return err
			}
		}
		if known[id] {
			return nil
		}
		uncertain = true
		cmd := c.Append(mb.s.serverName(folder), int64(len(raw)), &imap.AppendOptions{Flags: fl})
		if _, err := cmd.Write(raw); err != nil {
			cmd.Close()
			return err
		}
		if err := cmd.Close(); err != nil {
			return err
		}
		if _, err := cmd.Wait(); err != nil {
			var ie *imap.Error
			if errors.As(err, &ie) && ie.Type == imap.StatusResponseTypeNo {
				uncertain = false
			}
			return err
		}
		known[id] = true
		added = true
		return nil
	})
	if err != nil {
		return false, mb.s.wrap(err, "APPEND to "+folder)
	}
	return added, nil
}

// knownIDs returns the Message-IDs of folder, read once
// (FETCH BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]) and kept up to date by
// Append.
func (mb *Mailbox) knownIDs(folder string) (map[string]bool, error) {
	if k, ok := mb.known[folder]; ok {
		return k, nil
	}
	d, err := mb.s.selectFolder(folder, true)
	if err != nil {
		return nil, err
	}
	k := map[string]bool{}
	if d.NumMessages > 0 {
		var all imap.SeqSet
		all.AddRange(1, 0)
		section := &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"Message-ID"}, Peek: true}
		cmd := mb.s.c.Fetch(all, &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{section}})
		for {
			m := cmd.Next()
			if m == nil {
				break
			}
			buf, err := m.Collect()
			if err != nil {
				cmd.Close()
				return nil, err
			}
			for _, b := range buf.BodySection {
				if id := messageID(append(b.Bytes, "\r\n"...)); id != "" {
					k[id] = true
				}
			}
		}
		if err := cmd.Close(); err != nil {
			return nil, err
		}
	}
	mb.known[folder] = k
	return k, nil
}

// has reports whether folder holds a message whose header field has value
// (SEARCH HEADER, a substring match).
func (mb *Mailbox) has(folder, field, value string) (bool, error) {
	if _, err := mb.s.selectFolder(folder, true); err != nil {
		return false, err
	}
	d, err := mb.s.c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: field, Value: value}}}, nil).Wait()
	if err != nil {
		return false, err
	}
	if set, ok := d.All.(imap.UIDSet); ok {
		nums, _ := set.Nums()
		return len(nums) > 0, nil
	}
	return false, nil
}

// HasHeader reports whether folder holds a message whose header field
// contains value: HasHeader(ctx, "Drafts", "In-Reply-To", "<id@host>").
func (mb *Mailbox) HasHeader(ctx context.Context, folder, field, value string) (bool, error) {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	var found bool
	err := mb.s.do(ctx, func(*imapclient.Client) error {
		var err error
		found, err = mb.has(folder, field, value)
		return err
	})
	return found, err
}

// messageID is the Message-ID of a raw message, with angle brackets, or
// "".
func messageID(raw []byte) string {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return ""
	}
	id := strings.TrimSpace(m.Header.Get("Message-Id"))
	if id == "" {
		return ""
	}
	return "<" + strings.Trim(id, "<>") + ">"
}
