package imapbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// session is one logged-in connection that comes back after it breaks.
// It is used by one goroutine at a time.
type session struct {
	acct *Account
	opts *Options
	role string // "reading", "writing": names the connection in notices

	c     *imapclient.Client
	delim rune // hierarchy separator, 0 when the server has none

	sel      string // selected folder (server name), "" for none
	selRO    bool
	selData  *imap.SelectData
	validity map[string]uint32 // last UIDVALIDITY seen per folder

	// changed is signalled (without blocking) when the server reports
	// new or expunged messages in the selected folder.
	changed chan struct{}

	mu     sync.Mutex // guards c and closed between connect, drop and close
	closed bool
}

func newSession(a *Account, o *Options, role string) *session {
	return &session{acct: a, opts: o, role: role, validity: map[string]uint32{}, changed: make(chan struct{}, 1)}
}

func (s *session) signal() {
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// connect dials and logs in once, without retrying.
func (s *session) connect(ctx context.Context) error {
	h := &imapclient.UnilateralDataHandler{
		Expunge: func(uint32) { s.signal() },
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				s.signal()
			}
		},
	}
	c, err := dial(ctx, s.acct, s.opts, h)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		c.Close()
		return ErrClosed
	}
	s.c = c
	s.mu.Unlock()
	s.sel, s.selData = "", nil
	// The hierarchy separator, from LIST "" "".
	l, err := c.List("", "", nil).Collect()
	if err != nil {
		s.drop()
		return s.wrap(err, "LIST")
	}
	s.delim = '/'
	if len(l) > 0 {
		s.delim = l[0].Delim
	}
	return nil
}

// ensure connects when there is no connection; after a connection was
// lost, it retries with backoff for Options.Retry.
func (s *session) ensure(ctx context.Context, lost error) error {
	if s.c != nil {
		return nil
	}
	if lost == nil {
		return s.connect(ctx)
	}
	retry := s.opts.Retry
	if retry == 0 {
		retry = defaultRetry
	}
	start := time.Now()
	s.opts.notify("%s: the %s connection broke (%s); reconnecting", s.acct, s.role, reason(lost))
	for n := 0; ; n++ {
		if err := backoff(ctx, n); err != nil {
			return err
		}
		err := s.connect(ctx)
		if err == nil {
			s.opts.notify("%s: reconnected (%s connection) after %s", s.acct, s.role, time.Since(start).Round(100*time.Millisecond))
			return nil
		}
		if !isConnLost(err) {
			return err
		}
		if retry > 0 && time.Since(start) > retry {
			return &gaveUpError{connErr(s.acct, fmt.Sprintf("gave up reconnecting after %s", retry), err)}
		}
		s.opts.logger().Debug("imap reconnect failed", "attempt", n+1, "err", err)
	}
}

// gaveUpError ends the reconnection attempts: it wraps ErrConnect, but is
// not a lost connection to retry.
type gaveUpError struct{ err error }

func (e *gaveUpError) Error() string { return e.err.Error() }
func (e *gaveUpError) Unwrap() error { return e.err }

// drop forgets a broken connection.
func (s *session) drop() {
	s.mu.Lock()
	if s.c != nil {
		s.c.Close()
		s.c = nil
	}
	s.mu.Unlock()
	s.sel, s.selData = "", nil
}

// maxBreaks is how often the connection may break during one command
// before the command is given up: a server restart breaks it once, a
// command the connection dies of every time (a server or client bug)
// would break it for ever.
const maxBreaks = 3

// do runs f on the connection; when the connection breaks during f it
// reconnects (with backoff) and runs f again, so f must be safe to
// repeat. f selects what it needs itself.
func (s *session) do(ctx context.Context, f func(c *imapclient.Client) error) error {
	var lost error
	for n := 0; ; n++ {
		if err := s.ensure(ctx, lost); err != nil {
			return err
		}
		err := f(s.c)
		if err == nil || ctx.Err() != nil || !s.lost(err) {
			return err
		}
		s.drop()
		if n+1 == maxBreaks {
			return &gaveUpError{connErr(s.acct, fmt.Sprintf("the connection broke %d times in a row during the same command", maxBreaks), err)}
		}
		lost = err
	}
}

// lost reports whether err, returned by a command, means that the
// connection is gone.
func (s *session) lost(err error) bool { return lostOn(s.c, err) }

// lostOn reports whether err, returned by a command on c, means that the
// connection is gone: isConnLost, or c's reader has stopped.
func lostOn(c *imapclient.Client, err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if isConnLost(err) {
		return true
	}
	var ie *imap.Error
	if errors.As(err, &ie) || c == nil {
		return false
	}
	// The reader stops right after it fails the pending commands.
	t := time.NewTimer(100 * time.Millisecond)
	defer t.Stop()
	select {
	case <-c.Closed():
		return true
	case <-t.C:
		return false
	}
}

// serverName is the server's name of a folder written with "/".
func (s *session) serverName(folder string) string {
	if strings.EqualFold(folder, "INBOX") {
		return "INBOX"
	}
	if s.delim != 0 && s.delim != '/' {
		return strings.ReplaceAll(folder, "/", string(s.delim))
	}
	return folder
}

// userName is a server's folder name written with "/".
func (s *session) userName(name string) string {
	if s.delim != 0 && s.delim != '/' {
		return strings.ReplaceAll(name, string(s.delim), "/")
	}
	return name
}

// selectFolder selects folder (read-only with EXAMINE when ro) unless it
// is selected already, and reports a changed UIDVALIDITY.
func (s *session) selectFolder(folder string, ro bool) (*imap.SelectData, error) {
	name := s.serverName(folder)
	if s.sel == name && s.selRO == ro && s.selData != nil {
		return s.selData, nil
	}
	return s.reselect(folder, ro)
}

// reselect selects folder anew, so its UIDVALIDITY is the server's
// present one: a server may renumber a folder while a session has it
// selected and tell the session only when it next uses it.
func (s *session) reselect(folder string, ro bool) (*imap.SelectData, error) {
	name := s.serverName(folder)
	d, err := s.c.Select(name, &imap.SelectOptions{ReadOnly: ro}).Wait()
	if err != nil {
		s.sel, s.selData = "", nil
		var ie *imap.Error
		if errors.As(err, &ie) && ie.Type == imap.StatusResponseTypeNo {
			if l, lerr := s.listFolders(); lerr == nil && !slices.ContainsFunc(l, func(f Folder) bool { return f.Name == folder }) {
				return nil, fmt.Errorf("%w: %q on %s; the folders are: %s", ErrNoFolder, folder, s.acct, folderNames(l))
			}
		}
		return nil, s.wrap(err, "SELECT "+folder)
	}
	if old, ok := s.validity[folder]; ok && old != d.UIDValidity {
		s.opts.notify("%s: folder %q has a new UIDVALIDITY (%d, was %d): the server renumbered its mails; reading it anew (mails decided before are recognised by the journal)",
			s.acct, folder, d.UIDValidity, old)
	}
	s.validity[folder] = d.UIDValidity
	s.sel, s.selRO, s.selData = name, ro, d
	return d, nil
}

// keywordsKept reports whether the selected folder keeps keyword kw
// (PERMANENTFLAGS has it, or \* for any keyword).
func (s *session) keywordsKept(kw string) bool {
	if s.selData == nil {
		return false
	}
	for _, f := range s.selData.PermanentFlags {
		if f == imap.FlagWildcard || strings.EqualFold(string(f), kw) {
			return true
		}
	}
	return false
}

// Folder is a folder of the mailbox.
type Folder struct {
	Name  string   // with "/" between hierarchy levels, UTF-8
	Attrs []string // \Drafts, \Sent, \Noselect, ...
}

func (f Folder) has(attr imap.MailboxAttr) bool {
	return slices.ContainsFunc(f.Attrs, func(a string) bool { return strings.EqualFold(a, string(attr)) })
}

// listFolders lists every folder.
func (s *session) listFolders() ([]Folder, error) {
	l, err := s.c.List("", "*", nil).Collect()
	if err != nil {
		return nil, s.wrap(err, "LIST")
	}
	out := make([]Folder, 0, len(l))
	for _, d := range l {
		f := Folder{Name: s.userName(d.Mailbox)}
		for _, a := range d.Attrs {
			f.Attrs = append(f.Attrs, string(a))
		}
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b Folder) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func folderNames(l []Folder) string {
	var names []string
	for _, f := range l {
		if !f.has(imap.MailboxAttrNoSelect) && !f.has(imap.MailboxAttrNonExistent) {
			names = append(names, f.Name)
		}
	}
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ", ")
}

// wrap names the account and the command in an error.
func (s *session) wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	if isConnLost(err) {
		return connErr(s.acct, what, err)
	}
	return fmt.Errorf("imap: %s: %s: %w", s.acct, what, err)
}

// close logs out, or closes a connection that does not answer.
func (s *session) close() {
	s.mu.Lock()
	c := s.c
	s.c = nil
	s.closed = true
	s.mu.Unlock()
	if c == nil {
		return
	}
	done := make(chan struct{})
	go func() {
		c.Logout().Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	c.Close()
}
