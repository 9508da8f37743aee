package journal

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout version this code writes and the highest
// it reads.
const SchemaVersion = 1

// DefaultTimeout is how long Open waits for the file lock when
// Options.Timeout is zero.
const DefaultTimeout = time.Second

var (
	bucketMeta    = []byte("meta")
	bucketDone    = []byte("done")
	bucketOutputs = []byte("outputs")
	bucketAnswers = []byte("answers")
	keySchema     = []byte("schema")
)

// Sentinel errors.
var (
	// ErrLocked is returned by Open when another process (or another
	// Journal in this one) holds the file: one batch run per journal.
	ErrLocked = errors.New("journal: locked by another run")

	// ErrSchema is returned by Open for a file written by a newer antwort
	// or that is not a journal.
	ErrSchema = errors.New("journal: unknown schema")

	// ErrClosed is returned after Close.
	ErrClosed = errors.New("journal: closed")
)

// Options configures Open. The zero value means the defaults.
type Options struct {
	// Timeout is how long to wait for the file lock; zero or negative
	// means DefaultTimeout. Open never waits forever.
	Timeout time.Duration
}

// Entry is what the journal keeps about one processed message.
type Entry struct {
	// Key identifies the message: its Message-ID (or, without one, a
	// hash of the raw mail).
	Key string `json:"-"`
	// Hash is a hash of the message's content (antwort.ContentHash). It
	// tells apart two different messages that carry one Message-ID: the
	// journal keeps an entry per key and hash. Entries written by older
	// versions have none.
	Hash   string    `json:"hash,omitempty"`
	Time   time.Time `json:"time"`
	Source string    `json:"source,omitempty"` // where the message was read
	Action string    `json:"action"`           // send, suggest, escalate, ignore
	Intent string    `json:"intent,omitempty"`
	// Outbox is the key of the reply queued for this message, if any.
	Outbox string `json:"outbox,omitempty"`
	// Route is where a copy of the message was filed, if anywhere.
	Route string `json:"route,omitempty"`
	// ReusedID is set by Commit when a message with the same Key and a
	// different Hash was recorded before this one.
	ReusedID bool `json:"reused_id,omitempty"`
}

// Status is what the journal knows of a message; see Check.
type Status int

const (
	// New: no message with the key was processed.
	New Status = iota
	// Processed: this message (same key, same content) was processed.
	Processed
	// Reused: a different message with the same key was processed, this
	// one was not: the key (Message-ID) is used twice.
	Reused
)

func (s Status) String() string {
	switch s {
	case New:
		return "new"
	case Processed:
		return "processed"
	case Reused:
		return "reused"
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// hashSep separates the key from the hash in the bbolt key of an entry
// whose key was taken by a different message (a byte no Message-ID has).
const hashSep = "\x00"

// dbKey is the bbolt key of the entry of the message with key and hash
// when the entry under key alone is another message's.
func dbKey(key, hash string) []byte { return []byte(key + hashSep + hash) }

// Journal records which messages a batch run has processed. It is safe
// for concurrent use; one process holds a journal file at a time.
type Journal struct {
	db   *bolt.DB
	path string
}

// Open opens (creating if missing) the journal file at path. A journal
// held by another run gives an error wrapping ErrLocked after
// opts.Timeout, naming the file.
func Open(path string, opts *Options) (*Journal, error) {
	timeout := DefaultTimeout
	if opts != nil && opts.Timeout > 0 {
		timeout = opts.Timeout
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, fmt.Errorf("%w: %s (waited %s; is another batch running?)", ErrLocked, path, timeout)
		}
		return nil, fmt.Errorf("journal: open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		if v := meta.Get(keySchema); v != nil {
			if len(v) != 8 || binary.BigEndian.Uint64(v) > SchemaVersion || binary.BigEndian.Uint64(v) == 0 {
				return fmt.Errorf("%w: %s has schema %x, this antwort reads up to %d", ErrSchema, path, v, SchemaVersion)
			}
		} else {
			if tx.Bucket(bucketDone) == nil && len(bucketNames(tx)) > 1 {
				return fmt.Errorf("%w: %s is a bbolt file but not a journal", ErrSchema, path)
			}
			if err := meta.Put(keySchema, binary.BigEndian.AppendUint64(nil, SchemaVersion)); err != nil {
				return err
			}
		}
		for _, b := range [][]byte{bucketDone, bucketOutputs, bucketAnswers} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		if errors.Is(err, ErrSchema) {
			return nil, err
		}
		return nil, fmt.Errorf("journal: open %s: %w", path, err)
	}
	return &Journal{db: db, path: path}, nil
}

func bucketNames(tx *bolt.Tx) []string {
	var out []string
	_ = tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		out = append(out, string(name))
		return nil
	})
	return out
}

// Path returns the journal's file name.
func (j *Journal) Path() string { return j.path }

// Close releases the file.
func (j *Journal) Close() error {
	if err := j.db.Close(); err != nil {
		return fmt.Errorf("journal: close %s: %w", j.path, err)
	}
	return nil
}

// Done reports whether a message with key has been processed (committed),
// whatever its content; Check tells different messages with one key
// apart.
func (j *Journal) Done(key string) (bool, error) {
	var done bool
	err := j.db.View(func(tx *bolt.Tx) error {
		done = tx.Bucket(bucketDone).Get([]byte(key)) != nil
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("journal: %s: %w", j.path, err)
	}
	return done, nil
}

// Check reports whether the message with key and content hash has been
// processed (committed): Processed, Reused when only a different message
// with this key was, or New. An entry recorded without a hash (by an
// older antwort) stands for every message with its key. An empty hash
// matches any entry of the key.
func (j *Journal) Check(key, hash string) (Status, error) {
	st := New
	err := j.db.View(func(tx *bolt.Tx) error {
		done := tx.Bucket(bucketDone)
		v := done.Get([]byte(key))
		if v == nil {
			return nil
		}
		h, err := entryHash(v)
		switch {
		case err != nil:
			return fmt.Errorf("entry %q: %w", key, err)
		case h == "" || hash == "" || h == hash || done.Get(dbKey(key, hash)) != nil:
			st = Processed
		default:
			st = Reused
		}
		return nil
	})
	if err != nil {
		return New, fmt.Errorf("journal: %s: %w", j.path, err)
	}
	return st, nil
}

// entryHash decodes the Hash of a stored entry.
func entryHash(v []byte) (string, error) {
	var e struct {
		Hash string `json:"hash"`
	}
	err := json.Unmarshal(v, &e)
	return e.Hash, err
}

// Get returns the entry of the first message processed with key; ok is
// false when none was.
func (j *Journal) Get(key string) (e Entry, ok bool, err error) {
	err = j.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketDone).Get([]byte(key))
		if v == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(v, &e)
	})
	if err != nil {
		return Entry{}, false, fmt.Errorf("journal: %s: entry %q: %w", j.path, key, err)
	}
	e.Key = key
	return e, ok, nil
}

// Commit records entries as processed and the given output offsets (how
// many bytes of each output file hold committed results), all in one
// transaction: after a crash the journal holds either all of it or none.
// An entry whose Key was recorded before with a different Hash is kept
// beside that one (and marked ReusedID); with the same Hash it replaces
// it.
func (j *Journal) Commit(ctx context.Context, entries []Entry, offsets map[string]int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := j.db.Update(func(tx *bolt.Tx) error {
		done := tx.Bucket(bucketDone)
		for _, e := range entries {
			if e.Key == "" {
				return errors.New("entry without a key")
			}
			if strings.Contains(e.Key, hashSep) || strings.Contains(e.Hash, hashSep) {
				return fmt.Errorf("entry %q: key or hash with a NUL byte", e.Key)
			}
			k := []byte(e.Key)
			if old := done.Get(k); old != nil && e.Hash != "" {
				h, err := entryHash(old)
				if err != nil {
					return fmt.Errorf("entry %q: %w", e.Key, err)
				}
				if h != "" && h != e.Hash {
					k, e.ReusedID = dbKey(e.Key, e.Hash), true
				}
			}
			b, err := json.Marshal(e)
			if err != nil {
				return err
			}
			if err := done.Put(k, b); err != nil {
				return err
			}
		}
		outs := tx.Bucket(bucketOutputs)
		for name, off := range offsets {
			if err := outs.Put([]byte(name), binary.BigEndian.AppendUint64(nil, uint64(off))); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("journal: commit to %s: %w", j.path, err)
	}
	return nil
}

// Offset returns the committed length of the output named name; ok is
// false when nothing was ever committed for it.
func (j *Journal) Offset(name string) (off int64, ok bool, err error) {
	err = j.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketOutputs).Get([]byte(name))
		if len(v) == 8 {
			off, ok = int64(binary.BigEndian.Uint64(v)), true
		}
		return nil
	})
	if err != nil {
		return 0, false, fmt.Errorf("journal: %s: %w", j.path, err)
	}
	return off, ok, nil
}

// Len returns the number of processed messages.
func (j *Journal) Len() (int, error) {
	var n int
	err := j.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketDone).Stats().KeyN
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("journal: %s: %w", j.path, err)
	}
	return n, nil
}

// Each calls f for every processed message, in key order (messages
// sharing a key: the first one first), until f returns an error, which
// Each returns.
func (j *Journal) Each(f func(Entry) error) error {
	return j.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDone).ForEach(func(k, v []byte) error {
			var e Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("journal: %s: entry %q: %w", j.path, k, err)
			}
			e.Key, _, _ = strings.Cut(string(k), hashSep)
			return f(e)
		})
	})
}

// LoadAnswers returns the automatic answers recorded for the sender key
// (see reply.NewStoredLimiter); nil when there are none. With
// SaveAnswers it makes a Journal a reply.AnswerStore, so that a
// per-sender rate limit holds across batch runs.
func (j *Journal) LoadAnswers(key string) ([]byte, error) {
	var out []byte
	err := j.db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketAnswers).Get([]byte(key)); v != nil {
			out = append([]byte(nil), v...)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("journal: %s: %w", j.path, err)
	}
	return out, nil
}

// SaveAnswers writes put (a nil value deletes its key) in one
// transaction and, when drop is not nil, deletes every other sender
// whose value drop reports as expired. See LoadAnswers.
func (j *Journal) SaveAnswers(put map[string][]byte, drop func(value []byte) bool) error {
	err := j.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAnswers)
		if drop != nil {
			var old [][]byte
			err := b.ForEach(func(k, v []byte) error {
				if _, ok := put[string(k)]; !ok && drop(v) {
					old = append(old, append([]byte(nil), k...))
				}
				return nil
			})
			if err != nil {
				return err
			}
			for _, k := range old {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
		}
		for k, v := range put {
			var err error
			if v == nil {
				err = b.Delete([]byte(k))
			} else {
				err = b.Put([]byte(k), v)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("journal: save answers to %s: %w", j.path, err)
	}
	return nil
}
