package models

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"
)

// testTimeout is the lock timeout of every store opened by the tests.
const testTimeout = 100 * time.Millisecond

// newStore opens a writable store in a fresh temporary directory and closes
// it when the test ends.
func newStore(t *testing.T) *Store {
	t.Helper()
	return openStore(t, filepath.Join(t.TempDir(), "antwort.db"), nil)
}

func openStore(t *testing.T, path string, opts *Options) *Store {
	t.Helper()
	if opts == nil {
		opts = &Options{}
	}
	if opts.Timeout == 0 {
		opts.Timeout = testTimeout
	}
	s, err := Open(path, opts)
	if err != nil {
		t.Fatalf("Open(%q, %+v) error = %v", path, *opts, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return s
}

func mustSave(t *testing.T, s *Store, name string, info Info, blob []byte) Info {
	t.Helper()
	got, err := s.Save(t.Context(), name, info, blob)
	if err != nil {
		t.Fatalf("Save(%q) error = %v", name, err)
	}
	return got
}

func mustActivate(t *testing.T, s *Store, name string, version int) {
	t.Helper()
	if err := s.Activate(t.Context(), name, version); err != nil {
		t.Fatalf("Activate(%q, %d) error = %v", name, version, err)
	}
}

// activeVersion returns the active version of name, or 0 if there is none.
func activeVersion(t *testing.T, s *Store, name string) int {
	t.Helper()
	info, err := s.Info(t.Context(), name, 0)
	if errors.Is(err, ErrNotFound) {
		return 0
	}
	if err != nil {
		t.Fatalf("Info(%q, 0) error = %v", name, err)
	}
	return info.Version
}

func TestSaveLoadList(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	created := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

	in := Info{
		Name:        "ignored",
		Version:     42,
		Created:     created,
		Kind:        "nb",
		DataHash:    "sha256:abc",
		Examples:    10,
		Labels:      map[string]int{"refund": 6, "shipping": 4},
		Options:     json.RawMessage(`{"ngram":2}`),
		CodeVersion: "v0.1.0",
		Metrics:     map[string]float64{"macro_f1": 0.75},
		Note:        "first",
		Size:        999,
		Active:      true,
	}
	intent1 := mustSave(t, s, "intent", in, []byte("model-1"))
	want1 := in
	want1.Name, want1.Version, want1.Size, want1.Active, want1.Build = "intent", 1, 7, false, CurrentBuild()
	if diff := cmp.Diff(want1, intent1); diff != "" {
		t.Errorf("Save() mismatch (-want +got):\n%s", diff)
	}

	before := time.Now()
	intent2 := mustSave(t, s, "intent", Info{Kind: "svm"}, []byte("model-two"))
	if intent2.Version != 2 || intent2.Size != 9 {
		t.Errorf("second Save() = version %d size %d, want version 2 size 9", intent2.Version, intent2.Size)
	}
	if intent2.Created.Before(before.Add(-time.Second)) || intent2.Created.Location() != time.UTC {
		t.Errorf("second Save() Created = %v, want about %v in UTC", intent2.Created, before)
	}
	sent1 := mustSave(t, s, "sentiment", Info{Kind: "nb", Created: created}, nil)

	// Nothing is active yet.
	if _, _, err := s.Load(ctx, "intent", 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("Load(intent, 0) before Activate error = %v, want ErrNotFound", err)
	}
	mustActivate(t, s, "intent", 1)

	tests := []struct {
		name     string
		model    string
		version  int
		wantInfo Info
		wantBlob []byte
		wantErr  error
	}{
		{name: "active", model: "intent", version: 0, wantInfo: withActive(intent1), wantBlob: []byte("model-1")},
		{name: "explicit active", model: "intent", version: 1, wantInfo: withActive(intent1), wantBlob: []byte("model-1")},
		{name: "inactive", model: "intent", version: 2, wantInfo: intent2, wantBlob: []byte("model-two")},
		{name: "empty blob", model: "sentiment", version: 1, wantInfo: sent1, wantBlob: []byte{}},
		{name: "no active", model: "sentiment", version: 0, wantErr: ErrNotFound},
		{name: "missing version", model: "intent", version: 3, wantErr: ErrNotFound},
		{name: "negative version", model: "intent", version: -1, wantErr: ErrNotFound},
		{name: "missing name", model: "nope", version: 0, wantErr: ErrNotFound},
		{name: "invalid name", model: "a/b", version: 1, wantErr: ErrInvalidName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, blob, err := s.Load(ctx, tt.model, tt.version)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Load(%q, %d) error = %v, want %v", tt.model, tt.version, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.wantInfo, info); diff != "" {
				t.Errorf("Load(%q, %d) info mismatch (-want +got):\n%s", tt.model, tt.version, diff)
			}
			if !bytes.Equal(blob, tt.wantBlob) {
				t.Errorf("Load(%q, %d) blob = %q, want %q", tt.model, tt.version, blob, tt.wantBlob)
			}
			gotInfo, err := s.Info(ctx, tt.model, tt.version)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Info(%q, %d) error = %v, want %v", tt.model, tt.version, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.wantInfo, gotInfo); diff != "" {
				t.Errorf("Info(%q, %d) mismatch (-want +got):\n%s", tt.model, tt.version, diff)
			}
		})
	}

	list, err := s.List(ctx)
	if err != nil {
		t.Fatalf("List() error = %v", err)
	}
	if diff := cmp.Diff([]Info{withActive(intent1), intent2, sent1}, list); diff != "" {
		t.Errorf("List() mismatch (-want +got):\n%s", diff)
	}
	names, err := s.Names(ctx)
	if err != nil {
		t.Fatalf("Names() error = %v", err)
	}
	if diff := cmp.Diff([]string{"intent", "sentiment"}, names); diff != "" {
		t.Errorf("Names() mismatch (-want +got):\n%s", diff)
	}

	// The blob is a copy: changing it changes neither the store nor later loads.
	_, blob, err := s.Load(ctx, "intent", 1)
	if err != nil {
		t.Fatal(err)
	}
	blob[0] = 'X'
	if _, again, _ := s.Load(ctx, "intent", 1); string(again) != "model-1" {
		t.Errorf("Load after modifying a loaded blob = %q, want %q", again, "model-1")
	}

	// The active flag is not stored in the info JSON.
	err = s.db.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bucketModels).Bucket([]byte("intent")).Bucket(bucketInfo).Get(versionKey(1))
		if bytes.Contains(raw, []byte(`"active"`)) {
			t.Errorf("stored info = %s, want no \"active\" key", raw)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func withActive(info Info) Info {
	info.Active = true
	return info
}

func TestEmptyStore(t *testing.T) {
	s := newStore(t)
	list, err := s.List(t.Context())
	if err != nil || list == nil || len(list) != 0 {
		t.Errorf("List() = %#v, %v; want empty non-nil slice, nil", list, err)
	}
	names, err := s.Names(t.Context())
	if err != nil || names == nil || len(names) != 0 {
		t.Errorf("Names() = %#v, %v; want empty non-nil slice, nil", names, err)
	}
}

func TestActivateRollback(t *testing.T) {
	// Each step is applied in order to one store holding versions 1 to 4 of
	// "intent" (version 5 is never saved).
	type step struct {
		op         string // "activate", "rollback" or "delete"
		version    int
		wantErr    error
		wantActive int // after the step
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{
			name: "activate and roll back",
			steps: []step{
				{op: "rollback", wantErr: ErrNoHistory},
				{op: "activate", version: 1, wantActive: 1},
				{op: "rollback", wantErr: ErrNoHistory, wantActive: 1},
				{op: "activate", version: 2, wantActive: 2},
				{op: "activate", version: 3, wantActive: 3},
				{op: "rollback", wantActive: 2},
				{op: "rollback", wantActive: 1},
				{op: "rollback", wantErr: ErrNoHistory, wantActive: 1},
			},
		},
		{
			name: "activating the active version keeps history",
			steps: []step{
				{op: "activate", version: 1, wantActive: 1},
				{op: "activate", version: 2, wantActive: 2},
				{op: "activate", version: 2, wantActive: 2},
				{op: "rollback", wantActive: 1},
				{op: "rollback", wantErr: ErrNoHistory, wantActive: 1},
			},
		},
		{
			name: "rollback skips deleted versions",
			steps: []step{
				{op: "activate", version: 1, wantActive: 1},
				{op: "activate", version: 2, wantActive: 2},
				{op: "activate", version: 3, wantActive: 3},
				{op: "delete", version: 2, wantActive: 3},
				{op: "rollback", wantActive: 1},
				{op: "rollback", wantErr: ErrNoHistory, wantActive: 1},
			},
		},
		{
			name: "rollback with only deleted versions left",
			steps: []step{
				{op: "activate", version: 1, wantActive: 1},
				{op: "activate", version: 2, wantActive: 2},
				{op: "delete", version: 1, wantActive: 2},
				{op: "rollback", wantErr: ErrNoHistory, wantActive: 2},
			},
		},
		{
			name: "back and forth",
			steps: []step{
				{op: "activate", version: 1, wantActive: 1},
				{op: "activate", version: 2, wantActive: 2},
				{op: "activate", version: 1, wantActive: 1},
				{op: "rollback", wantActive: 2},
				{op: "rollback", wantActive: 1},
				{op: "rollback", wantErr: ErrNoHistory, wantActive: 1},
			},
		},
		{
			name: "delete refuses the active version",
			steps: []step{
				{op: "activate", version: 4, wantActive: 4},
				{op: "delete", version: 4, wantErr: ErrActive, wantActive: 4},
				{op: "activate", version: 3, wantActive: 3},
				{op: "delete", version: 4, wantActive: 3},
				{op: "delete", version: 4, wantErr: ErrNotFound, wantActive: 3},
				{op: "activate", version: 4, wantErr: ErrNotFound, wantActive: 3},
			},
		},
		{
			name: "missing versions",
			steps: []step{
				{op: "activate", version: 5, wantErr: ErrNotFound},
				{op: "activate", version: 0, wantErr: ErrNotFound},
				{op: "activate", version: -1, wantErr: ErrNotFound},
				{op: "delete", version: 5, wantErr: ErrNotFound},
				{op: "delete", version: 0, wantErr: ErrNotFound},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			ctx := t.Context()
			for v := 1; v <= 4; v++ {
				mustSave(t, s, "intent", Info{Kind: "nb"}, []byte{byte(v)})
			}
			for i, st := range tt.steps {
				var err error
				switch st.op {
				case "activate":
					err = s.Activate(ctx, "intent", st.version)
				case "delete":
					err = s.Delete(ctx, "intent", st.version)
				case "rollback":
					var info Info
					info, err = s.Rollback(ctx, "intent")
					if err == nil && (info.Version != st.wantActive || !info.Active) {
						t.Errorf("step %d: Rollback() = version %d active %t, want version %d active true",
							i, info.Version, info.Active, st.wantActive)
					}
				default:
					t.Fatalf("step %d: unknown op %q", i, st.op)
				}
				if !errors.Is(err, st.wantErr) {
					t.Fatalf("step %d: %s %d error = %v, want %v", i, st.op, st.version, err, st.wantErr)
				}
				if got := activeVersion(t, s, "intent"); got != st.wantActive {
					t.Fatalf("step %d: after %s %d active = %d, want %d", i, st.op, st.version, got, st.wantActive)
				}
			}
		})
	}
}

func TestUnknownNameWrites(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	if err := s.Activate(ctx, "nope", 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("Activate(nope) error = %v, want ErrNotFound", err)
	}
	if _, err := s.Rollback(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Rollback(nope) error = %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, "nope", 1); !errors.Is(err, ErrNotFound) {
		t.Errorf("Delete(nope) error = %v, want ErrNotFound", err)
	}
}

func TestVersionsNeverReused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "antwort.db")
	s, err := Open(path, &Options{Timeout: testTimeout})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	save := func() int {
		t.Helper()
		return mustSave(t, s, "intent", Info{Kind: "nb"}, []byte("x")).Version
	}
	var got []int
	got = append(got, save(), save()) // 1, 2
	if err := s.Delete(ctx, "intent", 2); err != nil {
		t.Fatal(err)
	}
	got = append(got, save()) // 3, not 2
	for _, v := range []int{1, 3} {
		if err := s.Delete(ctx, "intent", v); err != nil {
			t.Fatal(err)
		}
	}
	names, err := s.Names(ctx)
	if err != nil || len(names) != 0 {
		t.Errorf("Names() with all versions deleted = %q, %v; want none", names, err)
	}
	got = append(got, save()) // 4
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// The counter survives a reopen.
	s = openStore(t, path, nil)
	got = append(got, save()) // 5
	if diff := cmp.Diff([]int{1, 2, 3, 4, 5}, got); diff != "" {
		t.Errorf("saved versions mismatch (-want +got):\n%s", diff)
	}
	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var listed []int
	for _, info := range list {
		listed = append(listed, info.Version)
	}
	if diff := cmp.Diff([]int{4, 5}, listed); diff != "" {
		t.Errorf("List() versions mismatch (-want +got):\n%s", diff)
	}
}

func TestManyVersionsInOrder(t *testing.T) {
	// 260 versions cross the one-byte boundary: keys must sort numerically.
	s := newStore(t)
	for range 260 {
		mustSave(t, s, "intent", Info{}, nil)
	}
	list, err := s.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for i, info := range list {
		if info.Version != i+1 {
			t.Fatalf("List()[%d].Version = %d, want %d", i, info.Version, i+1)
		}
	}
}

func TestInvalidName(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	tests := []struct {
		name    string
		model   string
		wantErr error
	}{
		{name: "empty", model: "", wantErr: ErrInvalidName},
		{name: "slash", model: "intent/de", wantErr: ErrInvalidName},
		{name: "leading slash", model: "/intent", wantErr: ErrInvalidName},
		{name: "65 bytes", model: strings.Repeat("a", 65), wantErr: ErrInvalidName},
		{name: "33 two-byte runes", model: strings.Repeat("ü", 33), wantErr: ErrInvalidName},
		{name: "64 bytes", model: strings.Repeat("a", 64)},
		{name: "unicode and dots", model: "absicht.de-ü_v2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := ValidName(tt.model), tt.wantErr == nil; got != want {
				t.Errorf("ValidName(%q) = %t, want %t", tt.model, got, want)
			}
			_, err := s.Save(ctx, tt.model, Info{}, []byte("x"))
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("Save(%q) error = %v, want %v", tt.model, err, tt.wantErr)
			}
			if tt.wantErr == nil {
				return
			}
			calls := map[string]func() error{
				"Activate": func() error { return s.Activate(ctx, tt.model, 1) },
				"Rollback": func() error { _, err := s.Rollback(ctx, tt.model); return err },
				"Load":     func() error { _, _, err := s.Load(ctx, tt.model, 1); return err },
				"Info":     func() error { _, err := s.Info(ctx, tt.model, 1); return err },
				"Delete":   func() error { return s.Delete(ctx, tt.model, 1) },
			}
			for method, call := range calls {
				if err := call(); !errors.Is(err, tt.wantErr) {
					t.Errorf("%s(%q) error = %v, want %v", method, tt.model, err, tt.wantErr)
				}
			}
		})
	}
}

func TestContextCancelled(t *testing.T) {
	s := newStore(t)
	mustSave(t, s, "intent", Info{}, []byte("x"))
	mustActivate(t, s, "intent", 1)
	mustSave(t, s, "intent", Info{}, []byte("y"))

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name string
		call func() error
	}{
		{"Save", func() error { _, err := s.Save(ctx, "intent", Info{}, nil); return err }},
		{"Activate", func() error { return s.Activate(ctx, "intent", 2) }},
		{"Rollback", func() error { _, err := s.Rollback(ctx, "intent"); return err }},
		{"Load", func() error { _, _, err := s.Load(ctx, "intent", 0); return err }},
		{"Info", func() error { _, err := s.Info(ctx, "intent", 0); return err }},
		{"List", func() error { _, err := s.List(ctx); return err }},
		{"Names", func() error { _, err := s.Names(ctx); return err }},
		{"Delete", func() error { return s.Delete(ctx, "intent", 2) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, context.Canceled) {
				t.Errorf("%s with cancelled ctx error = %v, want context.Canceled", tt.name, err)
			}
		})
	}
	// Nothing changed.
	list, err := s.List(t.Context())
	if err != nil || len(list) != 2 || !list[0].Active {
		t.Errorf("List() after cancelled calls = %+v, %v; want versions 1 (active) and 2", list, err)
	}
}

func TestReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "antwort.db")
	w, err := Open(path, &Options{Timeout: testTimeout})
	if err != nil {
		t.Fatal(err)
	}
	mustSave(t, w, "intent", Info{Kind: "nb"}, []byte("model"))
	mustActivate(t, w, "intent", 1)

	// A read-only open waits for the writer's lock and gives up.
	start := time.Now()
	_, err = Open(path, &Options{Timeout: testTimeout, ReadOnly: true})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("read-only Open while a writer holds the file: error = %v, want ErrLocked", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("read-only Open gave up after %v, want about %v", d, testTimeout)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	r1 := openStore(t, path, &Options{ReadOnly: true})
	r2 := openStore(t, path, &Options{ReadOnly: true}) // shared lock
	ctx := t.Context()
	for i, r := range []*Store{r1, r2} {
		info, blob, err := r.Load(ctx, "intent", 0)
		if err != nil || info.Version != 1 || string(blob) != "model" {
			t.Errorf("reader %d: Load(intent, 0) = version %d, %q, %v; want 1, %q, nil", i+1, info.Version, blob, err, "model")
		}
	}

	writes := []struct {
		name string
		call func() error
	}{
		{"Save", func() error { _, err := r1.Save(ctx, "intent", Info{}, []byte("x")); return err }},
		{"Activate", func() error { return r1.Activate(ctx, "intent", 1) }},
		{"Rollback", func() error { _, err := r1.Rollback(ctx, "intent"); return err }},
		{"Delete", func() error { return r1.Delete(ctx, "intent", 1) }},
	}
	for _, tt := range writes {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if !errors.Is(err, ErrReadOnly) {
				t.Errorf("%s on read-only store error = %v, want ErrReadOnly", tt.name, err)
			}
		})
	}

	// A writer cannot open the file while readers share it.
	if _, err := Open(path, &Options{Timeout: testTimeout}); !errors.Is(err, ErrLocked) {
		t.Errorf("writable Open while readers hold the file: error = %v, want ErrLocked", err)
	}
}

func TestReadOnlyMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.db")
	_, err := Open(path, &Options{ReadOnly: true})
	if !errors.Is(err, ErrNotFound) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("read-only Open(missing) error = %v, want ErrNotFound and os.ErrNotExist", err)
	}
	if err != nil && !strings.Contains(err.Error(), path) {
		t.Errorf("read-only Open(missing) error = %q, want it to name %s", err, path)
	}
	if _, statErr := os.Stat(path); !errors.Is(statErr, os.ErrNotExist) {
		t.Errorf("read-only Open created %s", path)
	}
}

func TestOpenLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "antwort.db")
	openStore(t, path, nil)

	start := time.Now()
	s, err := Open(path, &Options{Timeout: testTimeout})
	elapsed := time.Since(start)
	if err == nil {
		s.Close()
		t.Fatal("second writable Open of the same file succeeded, want ErrLocked")
	}
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second writable Open error = %v, want ErrLocked", err)
	}
	for _, want := range []string{"models: open " + path, "locked by another process", "waited 100ms"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("second writable Open error = %q, want it to contain %q", err, want)
		}
	}
	if elapsed > time.Second {
		t.Errorf("second writable Open gave up after %v, want about %v", elapsed, testTimeout)
	}
}

func TestOpenDefaultTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the 1s default lock timeout")
	}
	path := filepath.Join(t.TempDir(), "antwort.db")
	openStore(t, path, nil)
	start := time.Now()
	_, err := Open(path, nil)
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), "waited 1s") {
		t.Errorf("Open(nil opts) on a locked file error = %v, want ErrLocked after 1s", err)
	}
	if d := time.Since(start); d < 500*time.Millisecond || d > 3*time.Second {
		t.Errorf("Open(nil opts) gave up after %v, want about %v", d, DefaultTimeout)
	}
}

func TestOpenBadFiles(t *testing.T) {
	// writeBolt creates a bbolt file with fn applied, bypassing this package.
	writeBolt := func(t *testing.T, path string, fn func(*bolt.Tx) error) {
		t.Helper()
		db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: testTimeout})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Update(fn); err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	setSchema := func(schema string) func(t *testing.T, path string) {
		return func(t *testing.T, path string) {
			openStore(t, path, nil).Close()
			writeBolt(t, path, func(tx *bolt.Tx) error {
				return tx.Bucket(bucketMeta).Put(keySchema, []byte(schema))
			})
		}
	}
	garbage := func(n int) func(t *testing.T, path string) {
		return func(t *testing.T, path string) {
			rng := rand.New(rand.NewPCG(1, uint64(n)))
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name     string
		setup    func(t *testing.T, path string)
		wantErr  error
		wantText []string
	}{
		{
			name:     "newer schema",
			setup:    setSchema("99"),
			wantErr:  ErrSchema,
			wantText: []string{"schema version 99", fmt.Sprintf("supported version %d", SchemaVersion)},
		},
		{
			name:     "bad schema",
			setup:    setSchema("one"),
			wantErr:  ErrInvalidFile,
			wantText: []string{"bad schema version"},
		},
		{
			name: "text file",
			setup: func(t *testing.T, path string) {
				text := strings.Repeat("Dear customer service, this is not a database.\n", 10)
				if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
					t.Fatal(err)
				}
			},
			wantErr:  ErrInvalidFile,
			wantText: []string{"not a bbolt database file"},
		},
		{name: "random 100 bytes", setup: garbage(100), wantErr: ErrInvalidFile},
		{name: "random 5000 bytes", setup: garbage(5000), wantErr: ErrInvalidFile},
		{name: "random 64KiB", setup: garbage(64 << 10), wantErr: ErrInvalidFile},
		{
			name: "foreign bbolt file",
			setup: func(t *testing.T, path string) {
				writeBolt(t, path, func(tx *bolt.Tx) error {
					_, err := tx.CreateBucket([]byte("something-else"))
					return err
				})
			},
			wantErr:  ErrInvalidFile,
			wantText: []string{`no "meta" bucket`},
		},
	}
	for _, tt := range tests {
		for _, ro := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/readonly=%t", tt.name, ro), func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "antwort.db")
				tt.setup(t, path)
				before, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				s, err := Open(path, &Options{Timeout: testTimeout, ReadOnly: ro})
				if err == nil {
					s.Close()
					t.Fatalf("Open() succeeded, want %v", tt.wantErr)
				}
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Open() error = %v, want %v", err, tt.wantErr)
				}
				for _, want := range append([]string{path}, tt.wantText...) {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("Open() error = %q, want it to contain %q", err, want)
					}
				}
				after, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(before, after) {
					t.Errorf("failed Open() modified the file")
				}
				// The lock was released: the file can be opened again.
				s, err = Open(path, &Options{Timeout: testTimeout, ReadOnly: ro})
				if err == nil {
					s.Close()
				}
				if errors.Is(err, ErrLocked) {
					t.Errorf("second Open() error = %v, want the lock released", err)
				}
			})
		}
	}
}

func TestOpenEmptyFileReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "antwort.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, &Options{ReadOnly: true}); !errors.Is(err, ErrInvalidFile) {
		t.Errorf("read-only Open(empty file) error = %v, want ErrInvalidFile", err)
	}
	// A writable open initialises an empty file.
	s := openStore(t, path, nil)
	if names, err := s.Names(t.Context()); err != nil || len(names) != 0 {
		t.Errorf("Names() of initialised empty file = %q, %v; want none, nil", names, err)
	}
}

func TestReopenKeepsState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "antwort.db")
	s := openStore(t, path, nil)
	mustSave(t, s, "intent", Info{Kind: "nb"}, []byte("one"))
	mustSave(t, s, "intent", Info{Kind: "nb"}, []byte("two"))
	mustActivate(t, s, "intent", 1)
	mustActivate(t, s, "intent", 2)
	want, err := s.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openStore(t, path, nil)
	got, err := s.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("List() after reopen mismatch (-want +got):\n%s", diff)
	}
	if info, err := s.Rollback(t.Context(), "intent"); err != nil || info.Version != 1 {
		t.Errorf("Rollback() after reopen = version %d, %v; want 1, nil", info.Version, err)
	}
	if s.Path() != path {
		t.Errorf("Path() = %q, want %q", s.Path(), path)
	}
}

func TestClosed(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "antwort.db"), &Options{Timeout: testTimeout})
	if err != nil {
		t.Fatal(err)
	}
	mustSave(t, s, "intent", Info{}, []byte("x"))
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close() = %v, want nil", err)
	}
	if _, _, err := s.Load(t.Context(), "intent", 1); !errors.Is(err, ErrClosed) {
		t.Errorf("Load() after Close error = %v, want ErrClosed", err)
	}
	if _, err := s.Save(t.Context(), "intent", Info{}, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Save() after Close error = %v, want ErrClosed", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	mustSave(t, s, "intent", Info{}, []byte("v1"))
	mustActivate(t, s, "intent", 1)

	const writers, readers, rounds = 4, 4, 20
	var wg sync.WaitGroup
	errs := make(chan error, (writers+readers)*rounds)
	for w := range writers {
		wg.Go(func() {
			for i := range rounds {
				info, err := s.Save(ctx, "intent", Info{Note: fmt.Sprint(w, i)}, []byte(fmt.Sprint("blob ", w, i)))
				if err != nil {
					errs <- err
					continue
				}
				if err := s.Activate(ctx, "intent", info.Version); err != nil {
					errs <- err
				}
			}
		})
	}
	for range readers {
		wg.Go(func() {
			for range rounds {
				info, blob, err := s.Load(ctx, "intent", 0)
				if err != nil {
					errs <- err
					continue
				}
				if !info.Active || len(blob) != info.Size {
					errs <- fmt.Errorf("Load(intent, 0) = %+v with %d-byte blob", info, len(blob))
				}
				if _, err := s.List(ctx); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(list), 1+writers*rounds; got != want {
		t.Errorf("len(List()) = %d, want %d", got, want)
	}
	for i, info := range list {
		if info.Version != i+1 {
			t.Errorf("List()[%d].Version = %d, want %d", i, info.Version, i+1)
		}
	}
}

// TestSaveRecordsBuild stores the build of the running binary with every
// saved version, unless the caller gives one.
func TestSaveRecordsBuild(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	info, err := s.Save(ctx, "intent", Info{Kind: "nb"}, []byte("m"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Info(ctx, "intent", info.Version)
	if err != nil {
		t.Fatal(err)
	}
	want := CurrentBuild()
	if got.Build != want || got.Build.GoVersion == "" || got.CodeVersion != want.Version {
		t.Errorf("stored build = %+v, code version %q; want %+v", got.Build, got.CodeVersion, want)
	}
	given := Build{Version: "v9.9.9", Commit: "abc"}
	info, err = s.Save(ctx, "intent", Info{Kind: "nb", Build: given, CodeVersion: "v9.9.9"}, []byte("m"))
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Info(ctx, "intent", info.Version); got.Build != given {
		t.Errorf("stored build = %+v, want the caller's %+v", got.Build, given)
	}
}
