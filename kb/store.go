package kb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
)

// On-disk layout of a knowledge base directory:
//
//	dir/CURRENT        the name of the index in use, one line
//	dir/ix-<stamp>/    bleve indexes; CURRENT names one of them
//	dir/.build-<stamp> an index being built by Import
const (
	pointerFile  = "CURRENT"
	indexPrefix  = "ix-"
	buildPrefix  = ".build-"
	batchSize    = 1000
	staleBuildAt = 24 * time.Hour
)

// ImportStats describes what Import did.
type ImportStats struct {
	Articles   int           // articles in the new index
	Documents  int           // index documents: one per article plus one per title, tag list and question
	Duplicates int           // articles dropped because a later one had the same id
	Index      string        // directory name of the new index inside dir
	Previous   string        // the index it replaced, kept until the next import; "" for the first
	Removed    []string      // older index directories that were removed
	Duration   time.Duration // wall time
}

// Import replaces the whole content of the knowledge base in dir (created
// if missing) with articles, atomically.
//
// It builds a new index beside the current one, then switches the pointer
// file dir/CURRENT (written to a temporary file and renamed over it), so a
// KB opened at any moment sees either the old or the new content in full.
// KBs opened before the switch keep working on the old index. The index
// that was current is kept until the next Import; older ones are removed
// then (on Unix, a KB that still has one open keeps working).
//
// Articles are normalised and checked like Put does; the first bad one
// fails the import and leaves the knowledge base unchanged. Of articles
// sharing an id the last one wins (ImportStats.Duplicates counts the
// others).
//
// Import works while readers have the knowledge base open. While it runs
// it holds the current index read-only, so a writer cannot open it; if a
// writer holds it, Import fails with an error wrapping ErrLocked after
// opts.Timeout. opts.ReadOnly is ignored. Two Imports into the same dir
// at once both succeed; the one that switches last wins.
func Import(ctx context.Context, dir string, articles []Article, opts *Options) (ImportStats, error) {
	start := time.Now()
	o := opts.withDefaults()
	var st ImportStats

	arts := make([]Article, 0, len(articles))
	pos := make(map[string]int, len(articles))
	for _, a := range articles {
		a = a.Normalize()
		if _, err := checkArticle(a, MaxBodyBytes); err != nil {
			return st, fmt.Errorf("kb: import %s: %w", dir, err)
		}
		if i, ok := pos[a.ID]; ok {
			arts[i] = a
			st.Duplicates++
			continue
		}
		pos[a.ID] = len(arts)
		arts = append(arts, a)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return st, fmt.Errorf("kb: import %s: %w", dir, err)
	}

	// Hold the current index read-only: it fails if a writer has it, and
	// keeps writers out until the switch.
	prev, err := readPointer(dir)
	switch {
	case err == nil:
		guard, err := openIndex(dir, prev, Options{Timeout: o.Timeout, ReadOnly: true})
		if err != nil && !errors.Is(err, ErrNotFound) {
			return st, fmt.Errorf("kb: import: %w", err)
		}
		if guard != nil {
			defer guard.Close()
		}
	case errors.Is(err, ErrNotFound):
		prev = ""
	default:
		return st, err
	}

	name, ndocs, err := buildIndexCount(ctx, dir, arts)
	if err != nil {
		return st, err
	}
	if err := writePointer(dir, name); err != nil {
		_ = os.RemoveAll(filepath.Join(dir, name))
		return st, err
	}
	st.Articles, st.Documents, st.Index, st.Previous = len(arts), ndocs, name, prev
	st.Removed = cleanup(dir, name, prev)
	st.Duration = time.Since(start)
	return st, nil
}

// buildIndex writes a new index with arts into dir and returns its
// directory name.
func buildIndex(ctx context.Context, dir string, arts []Article) (string, error) {
	name, _, err := buildIndexCount(ctx, dir, arts)
	return name, err
}

func buildIndexCount(ctx context.Context, dir string, arts []Article) (name string, ndocs int, err error) {
	stamp, err := newStamp()
	if err != nil {
		return "", 0, fmt.Errorf("kb: build index in %s: %w", dir, err)
	}
	tmp := filepath.Join(dir, buildPrefix+stamp)
	m, err := newMapping()
	if err != nil {
		return "", 0, fmt.Errorf("kb: build index in %s: mapping: %w", dir, err)
	}
	idx, err := bleve.New(tmp, m)
	if err != nil {
		return "", 0, fmt.Errorf("kb: build index in %s: %w", dir, err)
	}
	fail := func(err error) (string, int, error) {
		_ = idx.Close()
		_ = os.RemoveAll(tmp)
		return "", 0, fmt.Errorf("kb: build index in %s: %w", dir, err)
	}
	if err := idx.SetInternal([]byte(internalVersion), []byte(indexVersion)); err != nil {
		return fail(err)
	}
	an, err := analyzersOf(m)
	if err != nil {
		return fail(err)
	}
	b := idx.NewBatch()
	for _, a := range arts {
		docs, err := docsFor(a, an)
		if err != nil {
			return fail(fmt.Errorf("article %q: %w", a.ID, err))
		}
		for _, d := range docs {
			if err := b.Index(d.id, d.fields); err != nil {
				return fail(fmt.Errorf("article %q: %w", a.ID, err))
			}
			ndocs++
		}
		if b.Size() >= batchSize {
			if err := ctx.Err(); err != nil {
				return fail(err)
			}
			if err := idx.Batch(b); err != nil {
				return fail(err)
			}
			b.Reset()
		}
	}
	if err := ctx.Err(); err != nil {
		return fail(err)
	}
	if b.Size() > 0 {
		if err := idx.Batch(b); err != nil {
			return fail(err)
		}
	}
	// Merge the batches' segments into one: every query term is then
	// looked up once instead of once per segment. The index is read-only
	// from here on, so the merge pays off on every search.
	if err := forceMerge(ctx, idx); err != nil {
		return fail(err)
	}
	if err := idx.Close(); err != nil {
		_ = os.RemoveAll(tmp)
		return "", 0, fmt.Errorf("kb: build index in %s: %w", dir, err)
	}
	name = indexPrefix + stamp
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		_ = os.RemoveAll(tmp)
		return "", 0, fmt.Errorf("kb: build index in %s: %w", dir, err)
	}
	return name, ndocs, nil
}

// newStamp returns a sortable, unique directory suffix.
func newStamp() (string, error) {
	var r [4]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", err
	}
	return time.Now().UTC().Format("20060102T150405.000000000") + "-" + hex.EncodeToString(r[:]), nil
}

// readPointer returns the index name dir/CURRENT holds, or an error
// wrapping ErrNotFound.
func readPointer(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, pointerFile))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", errorf(ErrNotFound, "kb: no knowledge base in %s (no %s file)", dir, pointerFile)
		}
		return "", fmt.Errorf("kb: %w", err)
	}
	name := strings.TrimSpace(string(b))
	if !strings.HasPrefix(name, indexPrefix) || strings.ContainsAny(name, `/\`) || name != filepath.Base(name) {
		return "", errorf(ErrNotFound, "kb: %s: %s names no index (%q)", dir, pointerFile, name)
	}
	return name, nil
}

// writePointer points dir/CURRENT at name: write a temporary file, sync,
// rename over the old pointer, sync the directory.
func writePointer(dir, name string) error {
	f, err := os.CreateTemp(dir, pointerFile+".tmp-*")
	if err != nil {
		return fmt.Errorf("kb: switch %s: %w", dir, err)
	}
	tmp := f.Name()
	_, err = f.WriteString(name + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, pointerFile))
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("kb: switch %s: %w", dir, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // best effort: not every platform syncs directories
		_ = d.Close()
	}
	return nil
}

// cleanup removes index directories other than cur and prev, and build
// directories abandoned long ago. It returns the removed names.
func cleanup(dir, cur, prev string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range entries {
		name := e.Name()
		switch {
		case !e.IsDir():
			continue
		case strings.HasPrefix(name, indexPrefix):
			if name == cur || name == prev {
				continue
			}
		case strings.HasPrefix(name, buildPrefix):
			info, err := e.Info()
			if err != nil || time.Since(info.ModTime()) < staleBuildAt {
				continue
			}
		default:
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, name)); err == nil {
			removed = append(removed, name)
		}
	}
	return removed
}

// forceMerge merges idx into a single segment when its index type
// supports that (scorch does).
func forceMerge(ctx context.Context, idx bleve.Index) error {
	adv, err := idx.Advanced()
	if err != nil {
		return err
	}
	m, ok := adv.(interface {
		ForceMerge(context.Context, *mergeplan.MergePlanOptions) error
	})
	if !ok {
		return nil
	}
	return m.ForceMerge(ctx, &mergeplan.SingleSegmentMergePlanOptions)
}
