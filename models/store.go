package models

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/antwort-dev/antwort/internal/buildinfo"
)

// SchemaVersion is the layout version this code writes into the "meta"
// bucket and the highest one it can read. Version 2 added the audit,
// feedback, seen, seenorder and data buckets (see the package comment);
// a version 1 file is migrated when it is opened read-write and read as
// having empty logs when it is opened read-only.
const SchemaVersion = 2

// DefaultTimeout is how long [Open] waits for the file lock when
// [Options.Timeout] is zero.
const DefaultTimeout = time.Second

// MaxNameLen is the maximum length of a model name in bytes.
const MaxNameLen = 64

// fileMode is the permission of a newly created store file.
const fileMode = 0o600

// Bucket and key names of the layout described in the package comment.
var (
	bucketMeta   = []byte("meta")
	bucketModels = []byte("models")
	bucketInfo   = []byte("info")
	bucketBlob   = []byte("blob")
	keySchema    = []byte("schema")
	keyActive    = []byte("active")
	keyHistory   = []byte("history")
	keyNext      = []byte("next")
)

// Options configures [Open]. The zero value (and a nil *Options) opens the
// file read-write, waiting at most [DefaultTimeout] for the lock.
type Options struct {
	// Timeout is how long Open waits for the file lock held by another
	// process or another open Store. Zero or negative means
	// DefaultTimeout; Open never waits forever.
	Timeout time.Duration

	// ReadOnly opens the file with a shared lock, so several read-only
	// stores (in one or many processes) can use it at the same time, but not
	// while a read-write store holds it. The file must exist. Save,
	// Activate, Rollback and Delete return ErrReadOnly.
	ReadOnly bool
}

// Store is a versioned store of encoded models in one bbolt file. It is
// safe for concurrent use by multiple goroutines.
type Store struct {
	db       *bolt.DB
	path     string
	readOnly bool
	actor    string // default actor of audit entries, see ActorFrom
}

// Info describes one saved version of a model. The store treats the model
// itself as an opaque blob; Info is the metadata saved next to it.
type Info struct {
	Name    string    `json:"name"`
	Version int       `json:"version"` // 1, 2, 3, … per name; assigned by Save, never reused
	Created time.Time `json:"created"` // set by Save if zero; stored in UTC

	Kind        string          `json:"kind"`      // model family, e.g. "svm", "nb"
	DataHash    string          `json:"data_hash"` // hash of the training data
	Examples    int             `json:"examples"`  // number of training examples
	Labels      map[string]int  `json:"labels"`    // label -> example count
	Options     json.RawMessage `json:"options,omitempty"`
	CodeVersion string          `json:"code_version"`
	// Build is the antwort build that saved the version; Save fills it
	// in from the running binary when the caller leaves it empty.
	Build   Build              `json:"build,omitzero"`
	Metrics map[string]float64 `json:"metrics,omitempty"`
	Note    string             `json:"note,omitempty"`

	// BaseHash is the DataHash of the labelled data a retrained model
	// started from (its own DataHash for a model trained from data alone).
	BaseHash string `json:"base_hash,omitempty"`
	// Feedback is the number of feedback examples the model was trained
	// on, FeedbackSeq the sequence number of the last feedback entry
	// considered.
	Feedback    int   `json:"feedback,omitempty"`
	FeedbackSeq int64 `json:"feedback_seq,omitempty"`
	// HeldOut, when positive, says the model never saw the held-out rows
	// of its data: those whose key hashes to 0 modulo HeldOut (see the
	// root package's retraining).
	HeldOut int `json:"held_out,omitempty"`

	Size   int  `json:"size"`   // blob length in bytes; set by Save
	Active bool `json:"active"` // set by Load, Info, List and Rollback; never stored
}

// Build describes a build of antwort (see [CurrentBuild]).
type Build struct {
	// Version is the module version ("v0.2.0", a pseudo-version, or
	// "(devel)"); Commit the VCS revision, Time its commit time (RFC
	// 3339) and Modified whether the work tree had changes; GoVersion the
	// Go release that built it.
	Version   string `json:"version,omitempty"`
	Commit    string `json:"commit,omitempty"`
	Time      string `json:"time,omitempty"`
	Modified  bool   `json:"modified,omitempty"`
	GoVersion string `json:"go,omitempty"`
}

// CurrentBuild returns the build of the running binary, from
// runtime/debug.ReadBuildInfo and the -ldflags of a release build.
func CurrentBuild() Build { return Build(buildinfo.Read()) }

// record is the JSON stored under "info". Its Active field shadows
// Info.Active and is always false, so "active" is never written.
type record struct {
	Info
	Active bool `json:"active,omitempty"`
}

// Open opens the store file at path, creating the file and its buckets if
// it does not exist and opts does not ask for ReadOnly. A nil opts means the
// defaults described on [Options].
//
// Open returns an error wrapping ErrLocked if the lock is not obtained
// within the timeout, ErrNotFound for a read-only open of a missing file,
// ErrInvalidFile if the file is not a store written by this package, and
// ErrSchema if it was written by a newer schema. Every error names the file.
func Open(path string, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}

	if o.ReadOnly {
		// bbolt would try to initialise an empty file and fail with EBADF
		// on the read-only descriptor; check first for a clear message.
		fi, err := os.Stat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, newError(ErrNotFound, err, "open %s: no such file", path)
		case err != nil:
			return nil, fmt.Errorf("models: open %s: %w", path, err)
		case fi.Size() == 0:
			return nil, newError(ErrInvalidFile, nil, "open %s: empty file is not a model store", path)
		}
	}

	db, err := bolt.Open(path, fileMode, &bolt.Options{Timeout: o.Timeout, ReadOnly: o.ReadOnly})
	if err != nil {
		switch {
		case errors.Is(err, berrors.ErrTimeout):
			return nil, newError(ErrLocked, nil, "open %s: locked by another process (waited %s)", path, o.Timeout)
		case isOSError(err):
			var pathErr *fs.PathError
			if errors.As(err, &pathErr) && pathErr.Path == path {
				return nil, fmt.Errorf("models: %w", err) // already "open <path>: …"
			}
			return nil, fmt.Errorf("models: open %s: %w", path, err)
		}
		// Anything else bbolt reports while reading the meta pages
		// (invalid database, version mismatch, checksum error, file size
		// too small, …) means the content is not a usable bbolt file.
		return nil, newError(ErrInvalidFile, nil, "open %s: not a bbolt database file (%v)", path, err)
	}

	s := &Store{db: db, path: path, readOnly: o.ReadOnly, actor: LocalActor()}
	if o.ReadOnly {
		err = db.View(s.checkSchema)
	} else {
		err = db.Update(s.initSchema)
	}
	if err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

// isOSError reports whether err came from the operating system (opening,
// statting, locking or mapping the file) rather than from bbolt's checks of
// the file content.
func isOSError(err error) bool {
	var pathErr *fs.PathError
	var errno syscall.Errno
	return errors.As(err, &pathErr) || errors.As(err, &errno)
}

// initSchema creates the meta and models buckets in a new file, or checks
// the schema of an existing one. It runs in the writable transaction of Open.
func (s *Store) initSchema(tx *bolt.Tx) error {
	if tx.Bucket(bucketMeta) != nil {
		if err := s.checkSchema(tx); err != nil {
			return err
		}
		return s.migrate(tx)
	}
	if err := tx.ForEach(func([]byte, *bolt.Bucket) error { return errForeign }); err != nil {
		return newError(ErrInvalidFile, nil, "open %s: bbolt file has no %q bucket; not a model store", s.path, bucketMeta)
	}
	meta, err := tx.CreateBucket(bucketMeta)
	if err != nil {
		return fmt.Errorf("models: open %s: %w", s.path, err)
	}
	if err := meta.Put(keySchema, []byte(strconv.Itoa(SchemaVersion))); err != nil {
		return fmt.Errorf("models: open %s: %w", s.path, err)
	}
	if _, err := tx.CreateBucket(bucketModels); err != nil {
		return fmt.Errorf("models: open %s: %w", s.path, err)
	}
	return s.createLogBuckets(tx)
}

// errForeign stops the bucket scan in initSchema; it never leaves the package.
var errForeign = errors.New("foreign bucket")

// checkSchema verifies the meta bucket and schema version of an existing file.
func (s *Store) checkSchema(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return newError(ErrInvalidFile, nil, "open %s: bbolt file has no %q bucket; not a model store", s.path, bucketMeta)
	}
	raw := meta.Get(keySchema)
	v, err := strconv.Atoi(string(raw))
	if err != nil || v < 1 {
		return newError(ErrInvalidFile, nil, "open %s: bad schema version %q in %q bucket", s.path, raw, bucketMeta)
	}
	if v > SchemaVersion {
		return newError(ErrSchema, nil, "open %s: schema version %d is newer than supported version %d", s.path, v, SchemaVersion)
	}
	if tx.Bucket(bucketModels) == nil {
		return newError(ErrInvalidFile, nil, "open %s: no %q bucket", s.path, bucketModels)
	}
	return nil
}

// Close releases the file and its lock. It waits for running calls to
// finish. Calls after Close return ErrClosed; a second Close returns nil.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("models: close %s: %w", s.path, err)
	}
	return nil
}

// Path returns the file path the store was opened with.
func (s *Store) Path() string { return s.path }

// Save stores blob as the next version of name and returns the saved Info.
// It sets Name, Version (one more than the highest version ever saved for
// name), Size, and Created if it is zero; Created is stored in UTC. The
// caller's Name, Version, Size and Active are ignored. Save does not
// activate the new version; call [Store.Activate].
func (s *Store) Save(ctx context.Context, name string, info Info, blob []byte) (Info, error) {
	op := "save " + strconv.Quote(name)
	if err := s.checkWrite(ctx, op, name); err != nil {
		return Info{}, err
	}
	info.Name = name
	info.Size = len(blob)
	info.Active = false
	if info.Created.IsZero() {
		info.Created = time.Now()
	}
	info.Created = info.Created.UTC().Round(0)
	if info.Build == (Build{}) {
		info.Build = CurrentBuild()
	}
	if info.CodeVersion == "" {
		info.CodeVersion = info.Build.Version
	}

	err := s.update(op, func(tx *bolt.Tx) error {
		nb, err := tx.Bucket(bucketModels).CreateBucketIfNotExists([]byte(name))
		if err != nil {
			return err
		}
		infos, err := nb.CreateBucketIfNotExists(bucketInfo)
		if err != nil {
			return err
		}
		blobs, err := nb.CreateBucketIfNotExists(bucketBlob)
		if err != nil {
			return err
		}
		v := getVersion(nb, keyNext)
		if v < 1 {
			v = 1
		}
		info.Version = v
		data, err := json.Marshal(record{Info: info})
		if err != nil {
			return fmt.Errorf("encode info: %w", err)
		}
		if err := infos.Put(versionKey(v), data); err != nil {
			return err
		}
		if err := blobs.Put(versionKey(v), blob); err != nil {
			return err
		}
		if err := nb.Put(keyNext, versionKey(v+1)); err != nil {
			return err
		}
		return s.audit(ctx, tx, AuditEntry{Action: AuditSave, Name: name, Version: v, Note: info.Note})
	})
	if err != nil {
		return Info{}, err
	}
	return info, nil
}

// Activate makes version the active version of name. The previously active
// version, if any and if different, is pushed on the name's history for
// [Store.Rollback]. Activating the already active version does nothing.
func (s *Store) Activate(ctx context.Context, name string, version int) error {
	op := fmt.Sprintf("activate %q version %d", name, version)
	if err := s.checkWrite(ctx, op, name); err != nil {
		return err
	}
	return s.update(op, func(tx *bolt.Tx) error {
		nb, infos, err := s.lookup(tx, op, name)
		if err != nil {
			return err
		}
		if version < 1 || infos.Get(versionKey(version)) == nil {
			return newError(ErrNotFound, nil, "%s: no such version", op)
		}
		prev := getVersion(nb, keyActive)
		if prev == version {
			return s.audit(ctx, tx, AuditEntry{Action: AuditActivate, Name: name, Version: version, Previous: prev, Note: "already active"})
		}
		if prev > 0 {
			hist, err := getHistory(nb)
			if err != nil {
				return err
			}
			if err := putHistory(nb, append(hist, prev)); err != nil {
				return err
			}
		}
		if err := nb.Put(keyActive, versionKey(version)); err != nil {
			return err
		}
		return s.audit(ctx, tx, AuditEntry{Action: AuditActivate, Name: name, Version: version, Previous: prev})
	})
}

// Rollback re-activates the version that was active before the current one
// and returns its Info. It pops the name's history, skipping versions that
// were deleted since, and does not push the current version. It returns an
// error wrapping ErrNoHistory if no earlier version is left.
func (s *Store) Rollback(ctx context.Context, name string) (Info, error) {
	op := "rollback " + strconv.Quote(name)
	if err := s.checkWrite(ctx, op, name); err != nil {
		return Info{}, err
	}
	var info Info
	err := s.update(op, func(tx *bolt.Tx) error {
		nb, infos, err := s.lookup(tx, op, name)
		if err != nil {
			return err
		}
		hist, err := getHistory(nb)
		if err != nil {
			return err
		}
		active := getVersion(nb, keyActive)
		for len(hist) > 0 {
			v := hist[len(hist)-1]
			hist = hist[:len(hist)-1]
			data := infos.Get(versionKey(v))
			if v == active || data == nil {
				continue
			}
			if info, err = decodeInfo(data, v, v); err != nil {
				return err
			}
			if err := putHistory(nb, hist); err != nil {
				return err
			}
			if err := nb.Put(keyActive, versionKey(v)); err != nil {
				return err
			}
			return s.audit(ctx, tx, AuditEntry{Action: AuditRollback, Name: name, Version: v, Previous: active})
		}
		return newError(ErrNoHistory, nil, "%s: no previous active version", op)
	})
	if err != nil {
		return Info{}, err
	}
	return info, nil
}

// Load returns the Info and a copy of the blob of a version of name.
// Version 0 means the active version; if none is active, the error wraps
// ErrNotFound.
func (s *Store) Load(ctx context.Context, name string, version int) (Info, []byte, error) {
	op := fmt.Sprintf("load %q version %d", name, version)
	var (
		info Info
		blob []byte
	)
	if err := checkRead(ctx, op, name); err != nil {
		return Info{}, nil, err
	}
	err := s.view(op, func(tx *bolt.Tx) error {
		nb, infos, err := s.lookup(tx, op, name)
		if err != nil {
			return err
		}
		if info, err = s.get(nb, infos, op, version); err != nil {
			return err
		}
		var v []byte
		if b := nb.Bucket(bucketBlob); b != nil {
			v = b.Get(versionKey(info.Version))
		}
		if v == nil {
			return fmt.Errorf("missing blob of version %d", info.Version)
		}
		blob = make([]byte, len(v))
		copy(blob, v)
		return nil
	})
	if err != nil {
		return Info{}, nil, err
	}
	return info, blob, nil
}

// Info returns the Info of a version of name without its blob. Version 0
// means the active version.
func (s *Store) Info(ctx context.Context, name string, version int) (Info, error) {
	op := fmt.Sprintf("info %q version %d", name, version)
	var info Info
	if err := checkRead(ctx, op, name); err != nil {
		return Info{}, err
	}
	err := s.view(op, func(tx *bolt.Tx) error {
		nb, infos, err := s.lookup(tx, op, name)
		if err != nil {
			return err
		}
		info, err = s.get(nb, infos, op, version)
		return err
	})
	if err != nil {
		return Info{}, err
	}
	return info, nil
}

// List returns the Info of every version of every name, sorted by name
// (byte order) and then version, with Active set. An empty store gives an
// empty, non-nil slice.
func (s *Store) List(ctx context.Context) ([]Info, error) {
	list := []Info{}
	if err := checkCtx(ctx, "list"); err != nil {
		return nil, err
	}
	err := s.view("list", func(tx *bolt.Tx) error {
		list = list[:0] // bbolt runs fn once; keep it safe anyway
		return eachName(tx, func(name []byte, nb, infos *bolt.Bucket) error {
			active := getVersion(nb, keyActive)
			return infos.ForEach(func(k, data []byte) error {
				v := int(binary.BigEndian.Uint64(k))
				info, err := decodeInfo(data, v, active)
				if err != nil {
					return fmt.Errorf("%q: %w", name, err)
				}
				list = append(list, info)
				return nil
			})
		})
	})
	if err != nil {
		return nil, err
	}
	return list, nil
}

// Names returns the sorted (byte order) names that have at least one saved
// version. A name whose versions were all deleted is not listed, but its
// version counter is kept.
func (s *Store) Names(ctx context.Context) ([]string, error) {
	names := []string{}
	if err := checkCtx(ctx, "names"); err != nil {
		return nil, err
	}
	err := s.view("names", func(tx *bolt.Tx) error {
		names = names[:0]
		return eachName(tx, func(name []byte, nb, infos *bolt.Bucket) error {
			if k, _ := infos.Cursor().First(); k != nil {
				names = append(names, string(name))
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return names, nil
}

// Delete removes a version of name and its blob. It refuses the active
// version with an error wrapping ErrActive. The version number is not
// reused by later saves.
func (s *Store) Delete(ctx context.Context, name string, version int) error {
	op := fmt.Sprintf("delete %q version %d", name, version)
	if err := s.checkWrite(ctx, op, name); err != nil {
		return err
	}
	return s.update(op, func(tx *bolt.Tx) error {
		nb, infos, err := s.lookup(tx, op, name)
		if err != nil {
			return err
		}
		key := versionKey(version)
		if version < 1 || infos.Get(key) == nil {
			return newError(ErrNotFound, nil, "%s: no such version", op)
		}
		if getVersion(nb, keyActive) == version {
			return newError(ErrActive, nil, "%s: version is active", op)
		}
		if err := infos.Delete(key); err != nil {
			return err
		}
		if b := nb.Bucket(bucketBlob); b != nil {
			if err := b.Delete(key); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, AuditEntry{Action: AuditDelete, Name: name, Version: version})
	})
}

// ValidName reports whether name is usable as a model name: non-empty, at
// most MaxNameLen bytes and without '/'.
func ValidName(name string) bool {
	return name != "" && len(name) <= MaxNameLen && !strings.Contains(name, "/")
}

func checkName(op, name string) error {
	if !ValidName(name) {
		return newError(ErrInvalidName, nil, "%s: invalid name (want 1 to %d bytes without '/')", op, MaxNameLen)
	}
	return nil
}

// checkWrite runs the checks shared by the writing methods.
func (s *Store) checkWrite(ctx context.Context, op, name string) error {
	if err := checkRead(ctx, op, name); err != nil {
		return err
	}
	if s.readOnly {
		return newError(ErrReadOnly, nil, "%s: %s was opened read-only", op, s.path)
	}
	return nil
}

// checkRead runs the checks shared by the reading methods of one name.
func checkRead(ctx context.Context, op, name string) error {
	if err := checkCtx(ctx, op); err != nil {
		return err
	}
	return checkName(op, name)
}

func checkCtx(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("models: %s: %w", op, err)
	}
	return nil
}

// view runs fn in a read-only transaction.
func (s *Store) view(op string, fn func(*bolt.Tx) error) error {
	return s.wrap(op, s.db.View(fn))
}

// update runs fn in a read-write transaction.
func (s *Store) update(op string, fn func(*bolt.Tx) error) error {
	return s.wrap(op, s.db.Update(fn))
}

// wrap gives errors from a transaction the package prefix and the
// operation, and maps bbolt's state errors to this package's sentinels.
func (s *Store) wrap(op string, err error) error {
	var se *storeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		return err
	case errors.Is(err, berrors.ErrDatabaseNotOpen):
		return newError(ErrClosed, nil, "%s: %s is closed", op, s.path)
	case errors.Is(err, berrors.ErrDatabaseReadOnly):
		return newError(ErrReadOnly, nil, "%s: %s was opened read-only", op, s.path)
	}
	return fmt.Errorf("models: %s: %w", op, err)
}

// lookup returns the bucket of name and its "info" sub-bucket.
func (s *Store) lookup(tx *bolt.Tx, op, name string) (nb, infos *bolt.Bucket, err error) {
	if root := tx.Bucket(bucketModels); root != nil {
		nb = root.Bucket([]byte(name))
	}
	if nb != nil {
		infos = nb.Bucket(bucketInfo)
	}
	if infos == nil {
		return nil, nil, newError(ErrNotFound, nil, "%s: no such model", op)
	}
	return nb, infos, nil
}

// get decodes the Info of version (0 = active) from the bucket of a name.
func (s *Store) get(nb, infos *bolt.Bucket, op string, version int) (Info, error) {
	active := getVersion(nb, keyActive)
	if version == 0 {
		if active == 0 {
			return Info{}, newError(ErrNotFound, nil, "%s: no active version", op)
		}
		version = active
	}
	var data []byte
	if version > 0 {
		data = infos.Get(versionKey(version))
	}
	if data == nil {
		return Info{}, newError(ErrNotFound, nil, "%s: no such version", op)
	}
	return decodeInfo(data, version, active)
}

// eachName calls fn for every name bucket under "models" in key order.
func eachName(tx *bolt.Tx, fn func(name []byte, nb, infos *bolt.Bucket) error) error {
	root := tx.Bucket(bucketModels)
	if root == nil {
		return nil
	}
	c := root.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if v != nil { // not a bucket
			continue
		}
		nb := root.Bucket(k)
		infos := nb.Bucket(bucketInfo)
		if infos == nil {
			continue
		}
		if err := fn(k, nb, infos); err != nil {
			return err
		}
	}
	return nil
}

func decodeInfo(data []byte, version, active int) (Info, error) {
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		return Info{}, fmt.Errorf("decode info of version %d: %w", version, err)
	}
	info := r.Info
	info.Active = info.Version == active
	return info, nil
}

// versionKey encodes a version as an 8-byte big-endian key, so cursors
// visit versions in numeric order.
func versionKey(v int) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], uint64(v))
	return k[:]
}

// getVersion reads a version stored with versionKey; 0 if absent.
func getVersion(b *bolt.Bucket, key []byte) int {
	v := b.Get(key)
	if len(v) != 8 {
		return 0
	}
	return int(binary.BigEndian.Uint64(v))
}

func getHistory(nb *bolt.Bucket) ([]int, error) {
	var hist []int
	if data := nb.Get(keyHistory); data != nil {
		if err := json.Unmarshal(data, &hist); err != nil {
			return nil, fmt.Errorf("decode history: %w", err)
		}
	}
	return hist, nil
}

func putHistory(nb *bolt.Bucket, hist []int) error {
	if len(hist) == 0 {
		return nb.Delete(keyHistory)
	}
	data, err := json.Marshal(hist)
	if err != nil {
		return err
	}
	return nb.Put(keyHistory, data)
}

// newError returns an error with the message "models: " + format that
// matches kind and, if non-nil, cause under errors.Is.
func newError(kind, cause error, format string, args ...any) error {
	return &storeError{msg: "models: " + fmt.Sprintf(format, args...), kind: kind, cause: cause}
}
