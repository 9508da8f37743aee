package kb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// DefaultTimeout is how long Open, Create and Import wait for the index
// lock when Options.Timeout is zero.
const DefaultTimeout = time.Second

// Options configures Open, Create and Import. A nil *Options means the
// zero value, which means the documented defaults.
type Options struct {
	// Timeout is how long to wait for the index lock held by another KB
	// value (in this process or another). Zero or negative means
	// DefaultTimeout; the wait is never unbounded.
	Timeout time.Duration

	// ReadOnly opens the index for searching only. Read-only KBs share
	// the index with each other; a writable one excludes everybody else.
	// Put and Delete then fail with ErrReadOnly.
	ReadOnly bool
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Timeout <= 0 {
		r.Timeout = DefaultTimeout
	}
	return r
}

// KB is an open knowledge base. Its methods are safe for concurrent use.
type KB struct {
	dir  string
	path string // the index directory in use
	ro   bool

	wmu sync.Mutex // serialises Put and Delete

	mu  sync.RWMutex // guards idx against Close
	idx bleve.Index  // nil once closed
	an  map[string]analyzers
	p   *params // scoring constants; nil means defaultParams

	// mem is the in-memory copy of a read-only KB's index that Search
	// uses, built on the first search (see memIndex).
	noMem   bool // tests: query Bleve even when read-only
	memOnce sync.Once
	mem     *memIndex
	memErr  error
}

// Open opens the knowledge base in dir (the index its pointer file names,
// see Import). It returns an error wrapping ErrNotFound when dir holds no
// knowledge base, and one wrapping ErrLocked, naming dir, when the index
// lock is not obtained within opts.Timeout.
func Open(dir string, opts *Options) (*KB, error) {
	o := opts.withDefaults()
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		name, err := readPointer(dir)
		if err != nil {
			return nil, err
		}
		k, err := openIndex(dir, name, o)
		if err == nil {
			return k, nil
		}
		if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		lastErr = err // an import switched and removed the index between the two steps; retry
	}
	return nil, lastErr
}

// Create makes dir (and its parents) and an empty, writable knowledge base
// in it. It fails with ErrExists if dir already holds one, and with
// ErrReadOnly if opts asks for a read-only KB.
func Create(dir string, opts *Options) (*KB, error) {
	o := opts.withDefaults()
	if o.ReadOnly {
		return nil, errorf(ErrReadOnly, "kb: create %s: a new knowledge base cannot be read-only", dir)
	}
	if _, err := readPointer(dir); err == nil {
		return nil, errorf(ErrExists, "kb: create %s: a knowledge base exists there already", dir)
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("kb: create %s: %w", dir, err)
	}
	name, err := buildIndex(context.Background(), dir, nil)
	if err != nil {
		return nil, err
	}
	if err := writePointer(dir, name); err != nil {
		_ = os.RemoveAll(filepath.Join(dir, name))
		return nil, err
	}
	return openIndex(dir, name, o)
}

// openIndex opens the index directory dir/name.
func openIndex(dir, name string, o Options) (*KB, error) {
	path := filepath.Join(dir, name)
	if _, err := os.Stat(filepath.Join(path, "index_meta.json")); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, errorf(ErrNotFound, "kb: open %s: index %s is missing", dir, name)
		}
		return nil, fmt.Errorf("kb: open %s: %w", dir, err)
	}
	cfg := map[string]any{"bolt_timeout": o.Timeout.String()}
	if o.ReadOnly {
		cfg["read_only"] = true
	}
	idx, err := bleve.OpenUsing(path, cfg)
	if err != nil {
		if isLockTimeout(err) {
			return nil, wrapf(ErrLocked, err, "kb: open %s: index is locked by another writer or reader (waited %s)", dir, o.Timeout)
		}
		return nil, fmt.Errorf("kb: open %s: %w", dir, err)
	}
	v, err := idx.GetInternal([]byte(internalVersion))
	if err != nil || string(v) != indexVersion {
		_ = idx.Close()
		if err != nil {
			return nil, fmt.Errorf("kb: open %s: %w", dir, err)
		}
		return nil, errorf(ErrNotFound, "kb: open %s: index format %q, want %q", dir, v, indexVersion)
	}
	an, err := analyzersOf(idx.Mapping())
	if err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("kb: open %s: %w", dir, err)
	}
	return &KB{dir: dir, path: path, ro: o.ReadOnly, idx: idx, an: an}, nil
}

// isLockTimeout reports whether err is bbolt's lock timeout, which bleve
// passes on unwrapped and whose package kb does not import.
func isLockTimeout(err error) bool {
	return err != nil && strings.Contains(err.Error(), "timeout")
}

// internalVersion is the bleve internal key holding indexVersion.
const internalVersion = "kb_version"

// Close releases the index and its lock. Calling it again is a no-op.
func (k *KB) Close() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.idx == nil {
		return nil
	}
	err := k.idx.Close()
	k.idx = nil
	if err != nil {
		return fmt.Errorf("kb: close %s: %w", k.dir, err)
	}
	return nil
}

// Dir returns the directory the knowledge base was opened in.
func (k *KB) Dir() string { return k.dir }

// index returns the open index with k.mu read-locked; call the returned
// function to unlock.
func (k *KB) index() (bleve.Index, func(), error) {
	idx, err := k.rlockIndex()
	if err != nil {
		return nil, nil, err
	}
	return idx, k.mu.RUnlock, nil
}

// rlockIndex returns the open index with k.mu read-locked (the caller
// unlocks it), or an error, with k.mu unlocked. Unlike index, it makes no
// function value: a search calls it once per message.
func (k *KB) rlockIndex() (bleve.Index, error) {
	k.mu.RLock()
	if k.idx == nil {
		k.mu.RUnlock()
		return nil, errorf(ErrClosed, "kb: %s is closed", k.dir)
	}
	return k.idx, nil
}

// Put adds articles or replaces those with the same id. Articles are
// normalised (see Article.Normalize) and checked (see Article.Check); the
// first bad one fails the whole call and nothing is written. All articles
// of one call are written in one batch.
func (k *KB) Put(ctx context.Context, arts ...Article) error {
	if k.ro {
		return errorf(ErrReadOnly, "kb: put: %s is open read-only", k.dir)
	}
	docs := make([]doc, 0, len(arts)*4)
	ids := make([]string, 0, len(arts))
	for _, a := range arts {
		a = a.Normalize()
		if _, err := checkArticle(a, MaxBodyBytes); err != nil {
			return fmt.Errorf("kb: put: %w", err)
		}
		d, err := docsFor(a, k.an)
		if err != nil {
			return fmt.Errorf("kb: put %q: %w", a.ID, err)
		}
		docs = append(docs, d...)
		ids = append(ids, a.ID)
	}
	k.wmu.Lock()
	defer k.wmu.Unlock()
	idx, unlock, err := k.index()
	if err != nil {
		return err
	}
	defer unlock()
	b := idx.NewBatch()
	for _, id := range docIDsOf(ids) {
		b.Delete(id)
	}
	for _, d := range docs {
		if err := b.Index(d.id, d.fields); err != nil {
			return fmt.Errorf("kb: put: %w", err)
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("kb: put: %w", err)
	}
	if err := idx.Batch(b); err != nil {
		return fmt.Errorf("kb: put: %w", err)
	}
	return nil
}

// Delete removes the articles with the given ids. Unknown ids are
// ignored.
func (k *KB) Delete(ctx context.Context, ids ...string) error {
	if k.ro {
		return errorf(ErrReadOnly, "kb: delete: %s is open read-only", k.dir)
	}
	k.wmu.Lock()
	defer k.wmu.Unlock()
	idx, unlock, err := k.index()
	if err != nil {
		return err
	}
	defer unlock()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("kb: delete: %w", err)
	}
	b := idx.NewBatch()
	for _, id := range docIDsOf(ids) {
		b.Delete(id)
	}
	if err := idx.Batch(b); err != nil {
		return fmt.Errorf("kb: delete: %w", err)
	}
	return nil
}

// docIDsOf returns the ids of all index documents of the given articles,
// whether they exist or not.
func docIDsOf(ids []string) []string {
	out := make([]string, 0, 3*len(ids))
	for _, id := range ids {
		if id != "" && !strings.Contains(id, idSep) {
			out = append(out, id, id+idSep+keyProfile, id+idSep+keyBody)
		}
	}
	return out
}

// Get returns the article with the given id, or an error wrapping
// ErrNotFound.
func (k *KB) Get(ctx context.Context, id string) (Article, error) {
	if err := ctx.Err(); err != nil {
		return Article{}, fmt.Errorf("kb: get: %w", err)
	}
	idx, unlock, err := k.index()
	if err != nil {
		return Article{}, err
	}
	defer unlock()
	if id == "" || strings.Contains(id, idSep) {
		return Article{}, errorf(ErrNotFound, "kb: get: no article %q", id)
	}
	doc, err := idx.Document(id)
	if err != nil {
		return Article{}, fmt.Errorf("kb: get %q: %w", id, err)
	}
	a, ok := articleFromDoc(doc)
	if !ok {
		return Article{}, errorf(ErrNotFound, "kb: get: no article %q", id)
	}
	return a, nil
}

// List returns all articles, sorted by id.
func (k *KB) List(ctx context.Context) ([]Article, error) {
	idx, unlock, err := k.index()
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out []Article
	const page = 1000
	for from := 0; ; from += page {
		req := bleve.NewSearchRequestOptions(kindQuery(), page, from, false)
		req.Fields = []string{fieldSource}
		req.SortBy([]string{"_id"})
		res, err := idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("kb: list: %w", err)
		}
		for _, h := range res.Hits {
			s, _ := h.Fields[fieldSource].(string)
			a, err := decodeStored([]byte(s))
			if err != nil {
				return nil, fmt.Errorf("kb: list: article %q: %w", h.ID, err)
			}
			out = append(out, a)
		}
		if len(res.Hits) < page {
			break
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Len returns the number of articles.
func (k *KB) Len() (int, error) {
	idx, unlock, err := k.index()
	if err != nil {
		return 0, err
	}
	defer unlock()
	req := bleve.NewSearchRequestOptions(kindQuery(), 0, 0, false)
	res, err := idx.Search(req)
	if err != nil {
		return 0, fmt.Errorf("kb: len: %w", err)
	}
	return int(res.Total), nil
}

// kindQuery matches the article documents of all languages.
func kindQuery() query.Query {
	var qs []query.Query
	for _, lang := range langs() {
		t := bleve.NewTermQuery(articleKind(lang))
		t.SetField(fieldKind)
		qs = append(qs, t)
	}
	return bleve.NewDisjunctionQuery(qs...)
}
