package journal

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"
)

func TestCommitAndReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "j.db")
	j, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	entries := []Entry{
		{Key: "a@x", Time: now, Source: "maildir/new/1", Action: "send", Intent: "parcel_missing", Outbox: "r1.antwort"},
		{Key: "b@x", Time: now, Action: "ignore"},
	}
	if err := j.Commit(ctx, entries, map[string]int64{"/out.jsonl": 120}); err != nil {
		t.Fatal(err)
	}
	if err := j.Commit(ctx, []Entry{{Key: "c@x", Time: now, Action: "suggest"}}, map[string]int64{"/out.jsonl": 180}); err != nil {
		t.Fatal(err)
	}
	if err := j.Commit(ctx, []Entry{{Action: "x"}}, nil); err == nil {
		t.Error("Commit of an entry without a key succeeded")
	}
	j.Close()

	j, err = Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	for key, want := range map[string]bool{"a@x": true, "b@x": true, "c@x": true, "d@x": false} {
		if got, err := j.Done(key); err != nil || got != want {
			t.Errorf("Done(%s) = %v, %v; want %v", key, got, err, want)
		}
	}
	e, ok, err := j.Get("a@x")
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if diff := cmp.Diff(entries[0], e); diff != "" {
		t.Errorf("Get (-want +got):\n%s", diff)
	}
	if off, ok, err := j.Offset("/out.jsonl"); off != 180 || !ok || err != nil {
		t.Errorf("Offset = %d, %v, %v; want 180", off, ok, err)
	}
	if _, ok, _ := j.Offset("/other"); ok {
		t.Error("Offset of an unknown output is set")
	}
	if n, err := j.Len(); n != 3 || err != nil {
		t.Errorf("Len = %d, %v", n, err)
	}
	var keys []string
	if err := j.Each(func(e Entry) error { keys = append(keys, e.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a@x", "b@x", "c@x"}, keys); diff != "" {
		t.Errorf("Each (-want +got):\n%s", diff)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := j.Commit(cctx, []Entry{{Key: "z"}}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Commit with a canceled ctx = %v", err)
	}
}

func TestConcurrentDoneAndCommit(t *testing.T) {
	j, err := Open(filepath.Join(t.TempDir(), "j.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				key := fmt.Sprintf("%d-%d", w, i)
				if err := j.Commit(context.Background(), []Entry{{Key: key, Action: "send"}}, nil); err != nil {
					t.Error(err)
				}
				if done, err := j.Done(key); !done || err != nil {
					t.Errorf("Done(%s) after Commit = %v, %v", key, done, err)
				}
			}
		}()
	}
	wg.Wait()
	if n, _ := j.Len(); n != 200 {
		t.Errorf("Len = %d, want 200", n)
	}
}

func TestLockedAndSchema(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "j.db")
	j, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = Open(path, &Options{Timeout: 100 * time.Millisecond})
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), path) {
		t.Errorf("second Open = %v, want ErrLocked naming the file", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("second Open waited far longer than its timeout")
	}
	j.Close()

	// A newer schema is refused.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keySchema, []byte{0, 0, 0, 0, 0, 0, 0, 9})
	})
	db.Close()
	if _, err := Open(path, nil); !errors.Is(err, ErrSchema) {
		t.Errorf("Open of a newer schema = %v, want ErrSchema", err)
	}

	// Another bbolt file (a model store) is not taken for a journal.
	other := filepath.Join(dir, "store.db")
	db, _ = bolt.Open(other, 0o600, nil)
	db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("models")); return err })
	db.Close()
	if _, err := Open(other, nil); !errors.Is(err, ErrSchema) {
		t.Errorf("Open of a model store = %v, want ErrSchema", err)
	}
	// Garbage.
	junk := filepath.Join(dir, "junk")
	os.WriteFile(junk, []byte(strings.Repeat("not a database ", 400)), 0o600)
	if _, err := Open(junk, nil); err == nil {
		t.Error("Open of a junk file succeeded")
	}
}

// TestReusedKeyKeptApart: a different message with a key already
// recorded is not taken for the first one; each is recorded under its
// own content hash, and an entry without a hash (an older journal)
// stands for every message of its key.
func TestReusedKeyKeptApart(t *testing.T) {
	ctx := context.Background()
	j, err := Open(filepath.Join(t.TempDir(), "j.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	check := func(key, hash string, want Status) {
		t.Helper()
		if got, err := j.Check(key, hash); got != want || err != nil {
			t.Errorf("Check(%s, %s) = %v, %v; want %v", key, hash, got, err, want)
		}
	}
	check("4711@kunde.example", "aaaa", New)
	if err := j.Commit(ctx, []Entry{{Key: "4711@kunde.example", Hash: "aaaa", Action: "send"}, {Key: "old@x", Action: "send"}}, nil); err != nil {
		t.Fatal(err)
	}
	check("4711@kunde.example", "aaaa", Processed)
	check("4711@kunde.example", "bbbb", Reused)
	check("old@x", "cccc", Processed) // recorded without a hash
	if err := j.Commit(ctx, []Entry{{Key: "4711@kunde.example", Hash: "bbbb", Action: "suggest"}}, nil); err != nil {
		t.Fatal(err)
	}
	check("4711@kunde.example", "aaaa", Processed)
	check("4711@kunde.example", "bbbb", Processed)
	check("4711@kunde.example", "dddd", Reused)
	// The same message committed again (a rerun) replaces its own entry.
	if err := j.Commit(ctx, []Entry{{Key: "4711@kunde.example", Hash: "bbbb", Action: "suggest"}}, nil); err != nil {
		t.Fatal(err)
	}
	if e, ok, _ := j.Get("4711@kunde.example"); !ok || e.Hash != "aaaa" || e.ReusedID {
		t.Errorf("Get returns %+v, want the first message's entry", e)
	}
	var got []Entry
	j.Each(func(e Entry) error { got = append(got, e); return nil })
	want := []Entry{{Key: "4711@kunde.example", Hash: "aaaa", Action: "send"}, {Key: "4711@kunde.example", Hash: "bbbb", Action: "suggest", ReusedID: true},
		{Key: "old@x", Action: "send"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Each (-want +got):\n%s", diff)
	}
	if err := j.Commit(ctx, []Entry{{Key: "a\x00b", Hash: "x"}}, nil); err == nil {
		t.Errorf("Commit of a key with a NUL byte succeeded")
	}
}

func TestAnswers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "j.db")
	j, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := j.LoadAnswers("s1"); v != nil || err != nil {
		t.Errorf("LoadAnswers of a new journal = %v, %v", v, err)
	}
	if err := j.SaveAnswers(map[string][]byte{"s1": []byte("12345678"), "s2": []byte("old_____")}, nil); err != nil {
		t.Fatal(err)
	}
	// drop deletes expired senders, but not one being written.
	err = j.SaveAnswers(map[string][]byte{"s1": []byte("87654321")}, func(v []byte) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	j.Close()
	if j, err = Open(path, nil); err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if v, _ := j.LoadAnswers("s1"); string(v) != "87654321" {
		t.Errorf("s1 after reopening = %q", v)
	}
	if v, _ := j.LoadAnswers("s2"); v != nil {
		t.Errorf("expired s2 kept: %q", v)
	}
	if err := j.SaveAnswers(map[string][]byte{"s1": nil}, nil); err != nil {
		t.Fatal(err)
	}
	if v, _ := j.LoadAnswers("s1"); v != nil {
		t.Errorf("deleted s1 kept: %q", v)
	}
}
