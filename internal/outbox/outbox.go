package outbox

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Outbox is a Maildir of replies waiting to be sent. See the package
// documentation for the on-disk state scheme. An Outbox is safe for
// concurrent use; Flush calls on the same Outbox run one at a time. Only
// one process should Flush a given directory.
type Outbox struct {
	dir  string
	host string // host part of new keys, escaped as Maildir wants
	pid  int
	seq  atomic.Uint64

	mu      sync.Mutex // serializes state changes and failure records
	flushMu sync.Mutex // serializes Flush
}

// Failure is the last failed delivery attempt of a message, as recorded by
// MarkFailed.
type Failure struct {
	Attempts  int       `json:"attempts"`  // failed attempts so far
	Time      time.Time `json:"time"`      // when the last attempt failed
	Error     string    `json:"error"`     // its error message
	Permanent bool      `json:"permanent"` // the server answered 5xx (IsPermanent)
}

const (
	tmpDir     = "tmp"
	newDir     = "new"
	curDir     = "cur"
	failedDir  = "failed"
	sendingDir = "sending"

	// infoSep separates a key from its Maildir info ("2,S").
	infoSep = ":"
)

// OpenOutbox opens the Maildir at dir, creating dir (with its parents)
// and its tmp, new, cur and failed subdirectories, mode 0700, when they are
// missing.
func OpenOutbox(dir string) (*Outbox, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("outbox: open: %w", err)
	}
	for _, d := range []string{dir, filepath.Join(dir, tmpDir), filepath.Join(dir, newDir),
		filepath.Join(dir, curDir), filepath.Join(dir, failedDir), filepath.Join(dir, sendingDir)} {
		if err := os.Mkdir(d, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("outbox: open %s: %w", dir, err)
		}
		if fi, err := os.Stat(d); err != nil {
			return nil, fmt.Errorf("outbox: open %s: %w", dir, err)
		} else if !fi.IsDir() {
			return nil, fmt.Errorf("outbox: open %s: %s is not a directory", dir, d)
		}
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	host = strings.NewReplacer("/", `\057`, ":", `\072`).Replace(host)
	o := &Outbox{dir: dir, host: host, pid: os.Getpid()}
	if err := o.tidy(); err != nil {
		return nil, fmt.Errorf("outbox: open %s: %w", dir, err)
	}
	return o, nil
}

// staleAge is the age after which a temporary file is removed even when
// the process that wrote it may still run (its pid may have been reused):
// the 36 hours of the Maildir convention.
const staleAge = 36 * time.Hour

// tidy removes what an interrupted process left behind, so that every
// message is in exactly one state: temporary files in tmp/ and failed/
// whose writer is gone (or that are older than staleAge), and the claim
// files of the outbox layout before messages moved into sending/
// themselves (the message is moved there instead).
func (o *Outbox) tidy() error {
	for _, sub := range []string{tmpDir, failedDir} {
		des, err := os.ReadDir(filepath.Join(o.dir, sub))
		if err != nil {
			return err
		}
		for _, de := range des {
			name := de.Name()
			if sub == failedDir && !strings.HasPrefix(name, ".tmp-") || de.IsDir() {
				continue
			}
			if pid, ok := writerPID(sub, name); ok && pid != o.pid && !processAlive(pid) {
				_ = os.Remove(filepath.Join(o.dir, sub, name))
				continue
			}
			if fi, err := de.Info(); err == nil && time.Since(fi.ModTime()) > staleAge {
				_ = os.Remove(filepath.Join(o.dir, sub, name))
			}
		}
	}
	des, err := os.ReadDir(filepath.Join(o.dir, sendingDir))
	if err != nil {
		return err
	}
	for _, de := range des {
		key := de.Name()
		if de.IsDir() || validKey(key) != nil {
			continue
		}
		e, err := o.locateIn(key, newDir, curDir)
		if errors.Is(err, ErrNotFound) {
			continue // the message itself: an uncertain delivery
		}
		if err != nil {
			return err
		}
		if e.sent {
			// Sent after all (marked by hand): the claim goes.
			_ = os.Remove(filepath.Join(o.dir, sendingDir, key))
			continue
		}
		// An old claim file, or a crash between claiming and removing
		// the queued copy: the message takes the claim's place.
		if err := os.Rename(e.path, filepath.Join(o.dir, sendingDir, key)); err != nil {
			return err
		}
		_ = os.Remove(o.failurePath(key))
	}
	return nil
}

// writerPID returns the pid of the process that wrote the temporary file
// name in sub: PutKey's "<key>=<pid>=<seq>", Put's "…P<pid>Q…" (its keys
// never hold '='), and writeFileAtomic's ".tmp-<pid>-…".
func writerPID(sub, name string) (int, bool) {
	var s string
	switch parts := strings.Split(name, "="); {
	case sub == failedDir:
		s, _, _ = strings.Cut(strings.TrimPrefix(name, ".tmp-"), "-")
	case len(parts) >= 3:
		s = parts[len(parts)-2]
	case keyTime.MatchString(name):
		s = name[strings.Index(name, "P")+1 : strings.Index(name, "Q")]
	default:
		return 0, false
	}
	pid, err := strconv.Atoi(s)
	return pid, err == nil && pid > 0
}

// processAlive reports whether a process with pid runs on this machine.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

// Dir returns the Maildir's path.
func (o *Outbox) Dir() string { return o.dir }

// Put renders r with WriteEML and queues it: the message is written and
// synced to tmp/, then renamed into new/, so a reader never sees a partial
// message. It returns the message's key.
func (o *Outbox) Put(r Reply) (key string, err error) {
	msg, err := r.render()
	if err != nil {
		return "", err
	}
	key = o.newKey()
	tmp := filepath.Join(o.dir, tmpDir, key)
	if err := writeFileSync(tmp, msg); err != nil {
		return "", fmt.Errorf("outbox: put: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(o.dir, newDir, key)); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("outbox: put: %w", err)
	}
	syncDir(filepath.Join(o.dir, newDir))
	return key, nil
}

// PutKey is Put with a key chosen by the caller, for idempotent queueing:
// when a message with key is already in the outbox (queued, sent or
// failed), PutKey writes nothing and returns false. A batch that is
// killed and run again thus queues each reply once, whatever the point it
// was killed at; KeyFor derives a key from the customer's message.
// Two PutKey calls with the same key at the same moment queue one message.
func (o *Outbox) PutKey(key string, r Reply) (created bool, err error) {
	if err := validKey(key); err != nil {
		return false, err
	}
	if _, err := o.locate(key); err == nil {
		return false, nil
	} else if !errors.Is(err, ErrNotFound) {
		return false, err
	}
	msg, err := r.render()
	if err != nil {
		return false, err
	}
	tmp := filepath.Join(o.dir, tmpDir, key+"="+strconv.Itoa(o.pid)+"="+strconv.FormatUint(o.seq.Add(1), 10))
	if err := writeFileSync(tmp, msg); err != nil {
		return false, fmt.Errorf("outbox: put: %w", err)
	}
	defer os.Remove(tmp)
	// Link fails when the name exists: of two racing writers one wins.
	if err := os.Link(tmp, filepath.Join(o.dir, newDir, key)); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		return false, fmt.Errorf("outbox: put: %w", err)
	}
	syncDir(filepath.Join(o.dir, newDir))
	return true, nil
}

// KeyFor returns the outbox key of the reply to the message with the
// given id (its Message-ID or another stable identifier): the same id
// always gives the same key.
func KeyFor(id string) string {
	sum := sha256.Sum256([]byte(id))
	return "r" + hex.EncodeToString(sum[:16]) + ".antwort"
}

// validKey checks that key can name a Maildir file.
func validKey(key string) error {
	if key == "" || len(key) > 200 || strings.ContainsAny(key, "/\x00"+infoSep) || strings.ContainsRune(key, filepath.Separator) ||
		strings.HasPrefix(key, ".") {
		return fmt.Errorf("%w: %q", ErrInvalidKey, key)
	}
	return nil
}

// writeFileSync creates path (which must not exist) with b and syncs it.
func writeFileSync(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// newKey returns a unique Maildir key "sec.MusecPpidQseqRrand.host" (the
// Dovecot style of time.unique.host) that sorts by creation time.
func (o *Outbox) newKey() string {
	now := time.Now()
	var rnd [6]byte
	rand.Read(rnd[:])
	return fmt.Sprintf("%d.M%06dP%dQ%dR%s.%s", now.Unix(), now.Nanosecond()/1000,
		o.pid, o.seq.Add(1), hex.EncodeToString(rnd[:]), o.host)
}

var keyTime = regexp.MustCompile(`^(\d+)\.M(\d{6})P\d+Q(\d+)R`)

// entry is a message file found in new/, cur/ or sending/.
type entry struct {
	key     string
	path    string
	flags   string // Maildir info flags, "" in new/
	sent    bool
	sending bool // in sending/: being delivered, or uncertain
}

// Unsent returns the keys of all unsent messages (new/, plus cur/
// entries without flag S), oldest first.
func (o *Outbox) Unsent() ([]string, error) {
	var all []entry
	for _, sub := range []string{newDir, curDir} {
		es, err := o.list(sub)
		if err != nil {
			return nil, err
		}
		all = append(all, es...)
	}
	type item struct {
		key  string
		t    time.Time
		seq  uint64
		path string
	}
	var items []item
	for _, e := range all {
		if e.sent {
			continue
		}
		it := item{key: e.key, path: e.path}
		if m := keyTime.FindStringSubmatch(e.key); m != nil {
			sec, _ := strconv.ParseInt(m[1], 10, 64)
			usec, _ := strconv.ParseInt(m[2], 10, 64)
			it.t = time.Unix(sec, usec*1000)
			it.seq, _ = strconv.ParseUint(m[3], 10, 64)
		} else if fi, err := os.Stat(e.path); err == nil {
			it.t = fi.ModTime() // delivered by another program
		}
		items = append(items, it)
	}
	slices.SortFunc(items, func(a, b item) int {
		if c := a.t.Compare(b.t); c != 0 {
			return c
		}
		if a.seq != b.seq {
			if a.seq < b.seq {
				return -1
			}
			return 1
		}
		return strings.Compare(a.key, b.key)
	})
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = it.key
	}
	return keys, nil
}

// list returns the message files in the subdirectory sub.
func (o *Outbox) list(sub string) ([]entry, error) {
	des, err := os.ReadDir(filepath.Join(o.dir, sub))
	if err != nil {
		return nil, fmt.Errorf("outbox: list: %w", err)
	}
	var out []entry
	for _, de := range des {
		name := de.Name()
		if strings.HasPrefix(name, ".") || de.IsDir() {
			continue
		}
		out = append(out, parseEntry(filepath.Join(o.dir, sub), name))
	}
	return out, nil
}

func parseEntry(dir, name string) entry {
	key, info, _ := strings.Cut(name, infoSep)
	e := entry{key: key, path: filepath.Join(dir, name), sending: filepath.Base(dir) == sendingDir}
	if flags, ok := strings.CutPrefix(info, "2,"); ok {
		e.flags = flags
		e.sent = filepath.Base(dir) == curDir && strings.Contains(flags, "S")
	}
	return e
}

// locate finds the file holding key: in new/, cur/ or sending/.
func (o *Outbox) locate(key string) (entry, error) {
	return o.locateIn(key, newDir, curDir, sendingDir)
}

// locateIn finds the file holding key in the subdirectories subs.
func (o *Outbox) locateIn(key string, subs ...string) (entry, error) {
	if err := validKey(key); err != nil {
		return entry{}, err
	}
	// The common cases without reading a directory.
	for _, c := range []struct{ sub, name string }{
		{newDir, key}, {curDir, key + infoSep + "2,S"}, {sendingDir, key},
	} {
		if !slices.Contains(subs, c.sub) {
			continue
		}
		if _, err := os.Lstat(filepath.Join(o.dir, c.sub, c.name)); err == nil {
			return parseEntry(filepath.Join(o.dir, c.sub), c.name), nil
		}
	}
	for _, sub := range subs {
		if sub == sendingDir {
			continue // only ever holds <key>
		}
		es, err := o.list(sub)
		if err != nil {
			return entry{}, err
		}
		for _, e := range es {
			if e.key == key {
				return e, nil
			}
		}
	}
	return entry{}, fmt.Errorf("%w: %s", ErrNotFound, key)
}

// Open opens the message with the given key, sent or not.
func (o *Outbox) Open(key string) (io.ReadCloser, error) {
	// A concurrent MarkSent may move the file between locate and open.
	for range 3 {
		e, err := o.locate(key)
		if err != nil {
			return nil, err
		}
		f, err := os.Open(e.path)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("outbox: open: %w", err)
		}
	}
	return nil, fmt.Errorf("%w: %s", ErrNotFound, key)
}

// IsSent reports whether the message with the given key has been marked
// sent.
func (o *Outbox) IsSent(key string) (bool, error) {
	e, err := o.locate(key)
	return e.sent, err
}

// MarkSent records that the message was delivered: it moves to cur/ with
// the Maildir flag S, and its failure record is removed. Marking a sent
// message again does nothing.
func (o *Outbox) MarkSent(key string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	e, err := o.locate(key)
	if err != nil {
		return err
	}
	if e.sent {
		return nil
	}
	flags := []byte(e.flags + "S")
	slices.Sort(flags)
	flags = slices.Compact(flags)
	dst := filepath.Join(o.dir, curDir, key+infoSep+"2,"+string(flags))
	if err := os.Rename(e.path, dst); err != nil {
		return fmt.Errorf("outbox: mark sent: %w", err)
	}
	syncDir(filepath.Join(o.dir, curDir))
	if err := os.Remove(o.failurePath(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("outbox: mark sent: %w", err)
	}
	return nil
}

// MarkFailed records a failed delivery attempt. The message stays unsent
// and untouched; the attempt count, time and reason go to the failure
// record failed/<key> (see Failure). It returns ErrAlreadySent for a sent
// message.
func (o *Outbox) MarkFailed(key string, reason error) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	e, err := o.locate(key)
	if err != nil {
		return err
	}
	if e.sent {
		return fmt.Errorf("%w: %s", ErrAlreadySent, key)
	}
	f, _, err := o.readFailure(key)
	if err != nil {
		return err
	}
	if e.sending {
		return fmt.Errorf("%w: %s: mark failed", ErrUncertain, key)
	}
	f.Attempts++
	f.Time = time.Now().UTC().Truncate(time.Millisecond)
	f.Error = "unknown error"
	f.Permanent = false
	if reason != nil {
		f.Error = reason.Error()
		f.Permanent = IsPermanent(reason)
	}
	b, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("outbox: mark failed: %w", err)
	}
	if err := writeFileAtomic(o.failurePath(key), append(b, '\n')); err != nil {
		return fmt.Errorf("outbox: mark failed: %w", err)
	}
	return nil
}

// Failure returns the failure record of the message with the given key;
// ok is false when no attempt to send it has failed (or it has been sent
// since).
func (o *Outbox) Failure(key string) (f Failure, ok bool, err error) {
	if _, err := o.locate(key); err != nil {
		return Failure{}, false, err
	}
	return o.readFailure(key)
}

func (o *Outbox) failurePath(key string) string {
	return filepath.Join(o.dir, failedDir, key)
}

func (o *Outbox) readFailure(key string) (Failure, bool, error) {
	var f Failure
	b, err := os.ReadFile(o.failurePath(key))
	if errors.Is(err, fs.ErrNotExist) {
		return f, false, nil
	}
	if err != nil {
		return f, false, fmt.Errorf("outbox: failure record: %w", err)
	}
	if err := json.Unmarshal(bytes.TrimSpace(b), &f); err != nil {
		return f, false, fmt.Errorf("outbox: failure record %s: %w", key, err)
	}
	return f, true, nil
}

// Flush sends every unsent message, oldest first, one SMTP connection per
// message. A sent message is marked sent; a message that could not be sent
// is marked failed (see MarkFailed) and stays queued for the next Flush.
// Failed messages are retried on every Flush, permanent failures too:
// check Failure to give up on them.
//
// Delivery is at most once. Before a message is handed to the server,
// Flush claims it: the message itself moves from new/ to sending/ (and
// the directory is synced). It moves on to cur/ (sent) when the server
// has accepted it, and back to new/ when the server has certainly not (a
// refusal, or a failure before the end of the data). A message left in
// sending/ — the process died during the send, or the connection broke
// after the data was sent and before the server answered — may have been
// delivered: Flush does not send it again but reports it with an error
// wrapping ErrUncertain, until someone checks and calls Release (or
// MarkSent). A reply is never sent twice and never lost, and each message
// is in exactly one of new/ (or cur/ unflagged), sending/ and cur/ with S.
//
// Per-message failures are reported as a *BatchError after all messages
// were tried; uncertain deliveries, those of earlier runs included, count
// as failed and wrap ErrUncertain. Any other error stops Flush at once:
// when ctx is done (the interrupted message is not marked failed), or
// when the outbox itself cannot be read or updated.
func (o *Outbox) Flush(ctx context.Context, s *Sender) (sent int, failed int, err error) {
	if s == nil {
		return 0, 0, errors.New("outbox: flush: nil Sender")
	}
	o.flushMu.Lock()
	defer o.flushMu.Unlock()

	var batch BatchError
	uncertain, err := o.Uncertain()
	if err != nil {
		return 0, 0, err
	}
	for _, key := range uncertain {
		failed++
		batch.Failed = append(batch.Failed, KeyError{Key: key, Err: fmt.Errorf("%w: a send was interrupted; check whether it arrived, then release it", ErrUncertain)})
	}
	keys, err := o.Unsent()
	if err != nil {
		return 0, 0, err
	}
	stop := func(err error) (int, int, error) {
		if len(batch.Failed) > 0 {
			err = errors.Join(err, &batch)
		}
		return sent, failed, err
	}
	for _, key := range keys {
		if err := ctx.Err(); err != nil {
			return stop(fmt.Errorf("outbox: flush: %w", err))
		}
		claimed, err := o.claim(key)
		if err != nil {
			return stop(err)
		}
		if !claimed {
			continue // removed or claimed since Unsent
		}
		sendErr, err := o.sendOne(ctx, s, key)
		switch {
		case err != nil:
			_ = o.unclaim(key)
			return stop(err)
		case sendErr == nil:
			if err := o.MarkSent(key); err != nil {
				// Delivered; it stays in sending/, so it is not sent again.
				return stop(fmt.Errorf("outbox: flush: %s was sent but: %w", key, err))
			}
			sent++
		case errors.Is(sendErr, ErrUncertain):
			// It stays in sending/.
			failed++
			batch.Failed = append(batch.Failed, KeyError{Key: key, Err: sendErr})
			if ctx.Err() != nil {
				return stop(sendErr)
			}
		case ctx.Err() != nil:
			_ = o.unclaim(key)
			return stop(sendErr)
		default:
			if err := o.unclaim(key); err != nil {
				return stop(err)
			}
			if err := o.MarkFailed(key, sendErr); err != nil {
				return stop(err)
			}
			failed++
			batch.Failed = append(batch.Failed, KeyError{Key: key, Err: sendErr})
		}
	}
	if len(batch.Failed) > 0 {
		return sent, failed, &batch
	}
	return sent, failed, nil
}

// claim moves the queued message key into sending/; false means it is
// not queued (any more).
func (o *Outbox) claim(key string) (bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	e, err := o.locateIn(key, newDir, curDir)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if e.sent {
		return false, nil
	}
	dst := filepath.Join(o.dir, sendingDir, key)
	// Link fails when dst exists: one claim only.
	if err := os.Link(e.path, dst); err != nil {
		if errors.Is(err, fs.ErrExist) || errors.Is(err, fs.ErrNotExist) {
			return false, nil
		}
		return false, fmt.Errorf("outbox: claim %s: %w", key, err)
	}
	if err := os.Remove(e.path); err != nil {
		os.Remove(dst)
		return false, fmt.Errorf("outbox: claim %s: %w", key, err)
	}
	syncDir(filepath.Join(o.dir, sendingDir))
	syncDir(filepath.Dir(e.path))
	return true, nil
}

// unclaim moves the message key from sending/ back to new/: it was
// certainly not delivered.
func (o *Outbox) unclaim(key string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := os.Rename(filepath.Join(o.dir, sendingDir, key), filepath.Join(o.dir, newDir, key)); err != nil {
		return fmt.Errorf("outbox: unclaim %s: %w", key, err)
	}
	syncDir(filepath.Join(o.dir, newDir))
	return nil
}

// Uncertain returns the keys of the messages whose delivery was
// interrupted (those in sending/): they may or may not have reached the
// server, and Flush does not send them until they are released.
func (o *Outbox) Uncertain() ([]string, error) {
	es, err := os.ReadDir(filepath.Join(o.dir, sendingDir))
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	var out []string
	for _, e := range es {
		if key := e.Name(); !e.IsDir() && validKey(key) == nil {
			out = append(out, key)
		}
	}
	return out, nil
}

// Release lets Flush send the message with key again after an uncertain
// delivery (see Flush): it moves back from sending/ to new/. Call it when
// the message did not arrive.
func (o *Outbox) Release(key string) error {
	if err := validKey(key); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	err := os.Rename(filepath.Join(o.dir, sendingDir, key), filepath.Join(o.dir, newDir, key))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("outbox: release %s: %w", key, err)
	}
	syncDir(filepath.Join(o.dir, newDir))
	return nil
}

// sendOne sends the claimed message key. sendErr is the delivery error;
// err is an error reading the outbox.
func (o *Outbox) sendOne(ctx context.Context, s *Sender, key string) (sendErr, err error) {
	f, err := os.Open(filepath.Join(o.dir, sendingDir, key))
	if err != nil {
		return nil, fmt.Errorf("outbox: open: %w", err)
	}
	defer f.Close()
	return s.Send(ctx, f), nil
}

// writeFileAtomic writes b to a temporary file next to path, syncs it and
// renames it over path.
func writeFileAtomic(path string, b []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(b); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// syncDir makes a rename into dir durable. Errors are ignored: not every
// file system can sync a directory, and the rename itself succeeded.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
