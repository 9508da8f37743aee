package journal

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
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
	Key    string    `json:"-"`
	Time   time.Time `json:"time"`
	Source string    `json:"source,omitempty"` // where the message was read
	Action string    `json:"action"`           // send, suggest, escalate, ignore
	Intent string    `json:"intent,omitempty"`
	// Outbox is the key of the reply queued for this message, if any.
	Outbox string `json:"outbox,omitempty"`
	// Route is where a copy of the message was filed, if anywhere.
	Route string `json:"route,omitempty"`
}

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
		if _, err := tx.CreateBucketIfNotExists(bucketDone); err != nil {
			return err
		}
		_, err = tx.CreateBucketIfNotExists(bucketOutputs)
		return err
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

// Done reports whether the message with key has been processed (committed).
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

// Get returns the entry of key; ok is false when it was not processed.
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
			b, err := json.Marshal(e)
			if err != nil {
				return err
			}
			if err := done.Put([]byte(e.Key), b); err != nil {
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

// Each calls f for every processed message, in key order, until f returns
// an error, which Each returns.
func (j *Journal) Each(f func(Entry) error) error {
	return j.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDone).ForEach(func(k, v []byte) error {
			var e Entry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("journal: %s: entry %q: %w", j.path, k, err)
			}
			e.Key = string(k)
			return f(e)
		})
	})
}
