package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	bolt "go.etcd.io/bbolt"
)

// writeSchema1 writes a store as schema version 1 laid it out: meta and
// models buckets only, one model "intent" with versions 1 and 2, version 2
// active after version 1.
func writeSchema1(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: testTimeout})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		if err := meta.Put(keySchema, []byte("1")); err != nil {
			return err
		}
		root, err := tx.CreateBucket(bucketModels)
		if err != nil {
			return err
		}
		nb, err := root.CreateBucket([]byte("intent"))
		if err != nil {
			return err
		}
		infos, _ := nb.CreateBucket(bucketInfo)
		blobs, _ := nb.CreateBucket(bucketBlob)
		for v := 1; v <= 2; v++ {
			data, _ := json.Marshal(record{Info: Info{Name: "intent", Version: v, Kind: "svm", Size: 3,
				Created: time.Date(2026, 1, v, 0, 0, 0, 0, time.UTC)}})
			if err := infos.Put(versionKey(v), data); err != nil {
				return err
			}
			if err := blobs.Put(versionKey(v), []byte(fmt.Sprintf("m%d!", v))[:3]); err != nil {
				return err
			}
		}
		if err := nb.Put(keyNext, versionKey(3)); err != nil {
			return err
		}
		if err := nb.Put(keyHistory, []byte("[1]")); err != nil {
			return err
		}
		return nb.Put(keyActive, versionKey(2))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func schemaOf(t *testing.T, path string) string {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: testTimeout, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	_ = db.View(func(tx *bolt.Tx) error {
		v = string(tx.Bucket(bucketMeta).Get(keySchema))
		return nil
	})
	return v
}

func TestSchema1ReadOnlyThenMigrated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	writeSchema1(t, path)

	// Read-only: readable as is, logs empty, file untouched.
	ro, err := Open(path, &Options{ReadOnly: true, Timeout: testTimeout})
	if err != nil {
		t.Fatalf("Open(schema 1, read-only) error = %v", err)
	}
	info, blob, err := ro.Load(t.Context(), "intent", 0)
	if err != nil || info.Version != 2 || string(blob) != "m2!" {
		t.Errorf("Load(active) = %d %q %v, want version 2 %q", info.Version, blob, err, "m2!")
	}
	if a, err := ro.AuditLog(t.Context(), AuditQuery{}); err != nil || len(a) != 0 {
		t.Errorf("AuditLog() on schema 1 = %v, %v; want empty", a, err)
	}
	if f, err := ro.FeedbackLog(t.Context(), FeedbackQuery{}); err != nil || len(f) != 0 {
		t.Errorf("FeedbackLog() on schema 1 = %v, %v; want empty", f, err)
	}
	if _, ok, err := ro.SeenMessage(t.Context(), "x"); ok || err != nil {
		t.Errorf("SeenMessage() on schema 1 = %v, %v; want not found", ok, err)
	}
	if _, err := ro.Data(t.Context(), "abc"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Data() on schema 1 error = %v, want ErrNotFound", err)
	}
	ro.Close()
	if got := schemaOf(t, path); got != "1" {
		t.Fatalf("schema after read-only open = %q, want 1", got)
	}

	// Read-write: migrated, models unchanged, rollback history kept.
	s := openStore(t, path, nil)
	if got := schemaOf2(t, s); got != fmt.Sprint(SchemaVersion) {
		t.Errorf("schema after read-write open = %q, want %d", got, SchemaVersion)
	}
	list, err := s.List(t.Context())
	if err != nil || len(list) != 2 || !list[1].Active {
		t.Fatalf("List() after migration = %+v, %v", list, err)
	}
	back, err := s.Rollback(t.Context(), "intent")
	if err != nil || back.Version != 1 {
		t.Fatalf("Rollback() after migration = %d, %v; want 1", back.Version, err)
	}
	if _, err := s.AddFeedback(t.Context(), Feedback{MessageID: "m1", Intent: "x"}); err != nil {
		t.Errorf("AddFeedback() after migration error = %v", err)
	}
	a, err := s.AuditLog(t.Context(), AuditQuery{})
	if err != nil || len(a) != 1 || a[0].Action != AuditRollback || a[0].Version != 1 || a[0].Previous != 2 {
		t.Errorf("AuditLog() after rollback = %+v, %v", a, err)
	}
}

// schemaOf2 reads the schema through the open store's own handle.
func schemaOf2(t *testing.T, s *Store) string {
	t.Helper()
	var v string
	_ = s.db.View(func(tx *bolt.Tx) error {
		v = string(tx.Bucket(bucketMeta).Get(keySchema))
		return nil
	})
	return v
}

func TestAuditTrail(t *testing.T) {
	s := newStore(t)
	ctx := WithActor(t.Context(), "token:ops")
	v1 := mustSave(t, s, "intent", Info{Note: "first"}, []byte("a"))
	if _, err := s.Save(ctx, "intent", Info{}, []byte("b")); err != nil {
		t.Fatal(err)
	}
	if err := s.Activate(ctx, "intent", 1); err != nil {
		t.Fatal(err)
	}
	if err := s.Activate(ctx, "intent", 2); err != nil {
		t.Fatal(err)
	}
	if err := s.Activate(ctx, "intent", 2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Rollback(ctx, "intent"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "intent", 2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Audit(ctx, AuditEntry{Action: "retrain", Name: "intent", Detail: json.RawMessage(`{"promoted":false}`)}); err != nil {
		t.Fatal(err)
	}
	// A failed change records nothing.
	if err := s.Activate(ctx, "intent", 9); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Activate(9) error = %v", err)
	}
	got, err := s.AuditLog(t.Context(), AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Seq              int64
		Actor, Action    string
		Version, Prev    int
		Note, Detail     string
		HasTime, DefActo bool
	}
	var rows []row
	for _, e := range got {
		rows = append(rows, row{e.Seq, e.Actor, e.Action, e.Version, e.Previous, e.Note, string(e.Detail), !e.Time.IsZero(), e.Actor == s.actor})
	}
	want := []row{
		{1, s.actor, AuditSave, v1.Version, 0, "first", "", true, true},
		{2, "token:ops", AuditSave, 2, 0, "", "", true, false},
		{3, "token:ops", AuditActivate, 1, 0, "", "", true, false},
		{4, "token:ops", AuditActivate, 2, 1, "", "", true, false},
		{5, "token:ops", AuditActivate, 2, 2, "already active", "", true, false},
		{6, "token:ops", AuditRollback, 1, 2, "", "", true, false},
		{7, "token:ops", AuditDelete, 2, 0, "", "", true, false},
		{8, "token:ops", "retrain", 0, 0, "", `{"promoted":false}`, true, false},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("AuditLog() mismatch (-want +got):\n%s", diff)
	}
	last, err := s.AuditLog(t.Context(), AuditQuery{Last: 2})
	if err != nil || len(last) != 2 || last[0].Seq != 7 || last[1].Seq != 8 {
		t.Errorf("AuditLog(Last: 2) = %+v, %v; want seq 7 and 8", last, err)
	}
	if _, err := s.Audit(ctx, AuditEntry{}); err == nil {
		t.Errorf("Audit(empty action) succeeded, want an error")
	}
}

func TestFeedbackLog(t *testing.T) {
	s := newStore(t)
	ctx := WithActor(t.Context(), "token:desk")
	for i := 1; i <= 5; i++ {
		f, err := s.AddFeedback(ctx, Feedback{MessageID: fmt.Sprintf("m%d", i), Intent: "cancel_contract", Text: "Kündigung"})
		if err != nil {
			t.Fatal(err)
		}
		if f.Seq != int64(i) || f.Actor != "token:desk" || f.Time.IsZero() {
			t.Errorf("AddFeedback() #%d = seq %d actor %q time %v", i, f.Seq, f.Actor, f.Time)
		}
	}
	tests := []struct {
		q    FeedbackQuery
		want []string
	}{
		{FeedbackQuery{}, []string{"m1", "m2", "m3", "m4", "m5"}},
		{FeedbackQuery{After: 3}, []string{"m4", "m5"}},
		{FeedbackQuery{Last: 2}, []string{"m4", "m5"}},
		{FeedbackQuery{After: 1, Last: 10}, []string{"m2", "m3", "m4", "m5"}},
		{FeedbackQuery{After: 5}, nil},
	}
	for _, tt := range tests {
		got, err := s.FeedbackLog(t.Context(), tt.q)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, f := range got {
			ids = append(ids, f.MessageID)
		}
		if diff := cmp.Diff(tt.want, ids); diff != "" {
			t.Errorf("FeedbackLog(%+v) mismatch (-want +got):\n%s", tt.q, diff)
		}
	}
	ro := openReadOnlyAfterClose(t, s)
	if _, err := ro.AddFeedback(t.Context(), Feedback{MessageID: "x"}); !errors.Is(err, ErrReadOnly) {
		t.Errorf("AddFeedback() on read-only store error = %v, want ErrReadOnly", err)
	}
}

// openReadOnlyAfterClose closes s and reopens its file read-only.
func openReadOnlyAfterClose(t *testing.T, s *Store) *Store {
	t.Helper()
	path := s.Path()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return openStore(t, path, &Options{ReadOnly: true})
}

func TestSeenBounded(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	var batch []Seen
	for i := 1; i <= 7; i++ {
		batch = append(batch, Seen{ID: fmt.Sprintf("m%d", i), Intent: "praise", Text: fmt.Sprint("text ", i)})
	}
	if err := s.AddSeen(ctx, batch, 5); err != nil {
		t.Fatal(err)
	}
	// m3 again: its old record must not be forgotten with the old slot.
	if err := s.AddSeen(ctx, []Seen{{ID: "m3", Intent: "complaint"}, {ID: "m8"}}, 5); err != nil {
		t.Fatal(err)
	}
	recent, err := s.RecentSeen(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range recent {
		ids = append(ids, m.ID)
	}
	if diff := cmp.Diff([]string{"m5", "m6", "m7", "m3", "m8"}, ids); diff != "" {
		t.Errorf("RecentSeen() mismatch (-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		id     string
		found  bool
		intent string
	}{{"m1", false, ""}, {"m4", false, ""}, {"m3", true, "complaint"}, {"m7", true, "praise"}, {"", false, ""}} {
		m, ok, err := s.SeenMessage(ctx, tt.id)
		if err != nil || ok != tt.found || m.Intent != tt.intent {
			t.Errorf("SeenMessage(%q) = %+v, %v, %v; want found %v intent %q", tt.id, m, ok, err, tt.found, tt.intent)
		}
	}
	last2, err := s.RecentSeen(ctx, 2)
	if err != nil || len(last2) != 2 || last2[0].ID != "m3" || last2[1].ID != "m8" {
		t.Errorf("RecentSeen(2) = %+v, %v", last2, err)
	}
}

func TestSeenConcurrentBatches(t *testing.T) {
	s := newStore(t)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				if err := s.AddSeen(t.Context(), []Seen{{ID: fmt.Sprintf("g%d-%d", g, i)}}, 50); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	recent, err := s.RecentSeen(t.Context(), 0)
	if err != nil || len(recent) != 50 {
		t.Errorf("RecentSeen() after 100 records, keep 50 = %d records, %v", len(recent), err)
	}
}

func TestData(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	if err := s.SaveData(ctx, "abc123", []byte("examples")); err != nil {
		t.Fatal(err)
	}
	got, err := s.Data(ctx, "abc123")
	if err != nil || string(got) != "examples" {
		t.Errorf("Data(abc123) = %q, %v", got, err)
	}
	if _, err := s.Data(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Data(nope) error = %v, want ErrNotFound", err)
	}
	if err := s.SaveData(ctx, "", nil); err == nil {
		t.Errorf("SaveData(empty key) succeeded")
	}
}

// TestAnswers: the per-sender answer times outlive the Store, expired
// senders are dropped, and a read-only store reads but does not write.
func TestAnswers(t *testing.T) {
	s := newStore(t)
	if v, err := s.LoadAnswers("s1"); v != nil || err != nil {
		t.Errorf("LoadAnswers of a new store = %v, %v", v, err)
	}
	if err := s.SaveAnswers(map[string][]byte{"s1": []byte("12345678"), "s2": []byte("old_____")}, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAnswers(map[string][]byte{"s1": []byte("87654321")}, func([]byte) bool { return true }); err != nil {
		t.Fatal(err)
	}
	ro := openReadOnlyAfterClose(t, s)
	if v, _ := ro.LoadAnswers("s1"); string(v) != "87654321" {
		t.Errorf("s1 after reopening = %q", v)
	}
	if v, _ := ro.LoadAnswers("s2"); v != nil {
		t.Errorf("expired s2 kept: %q", v)
	}
	if err := ro.SaveAnswers(map[string][]byte{"s1": nil}, nil); !errors.Is(err, ErrReadOnly) {
		t.Errorf("SaveAnswers on a read-only store = %v, want ErrReadOnly", err)
	}
}
