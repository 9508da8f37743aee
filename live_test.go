package antwort_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/models"
)

// sampleExamples reads the embedded sample corpus with the given label
// field ("intent" or "sentiment").
func sampleExamples(t testing.TB, field string) []classifier.Example {
	t.Helper()
	b, err := fs.ReadFile(antwort.SampleData(), "train.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var out []classifier.Example
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var row map[string]string
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatal(err)
		}
		out = append(out, classifier.Example{Text: row["text"], Label: row[field]})
	}
	return out
}

// trainAndActivate trains name on exs with opts, keeps the data in the
// store and activates the new version.
func trainAndActivate(t testing.TB, store *models.Store, name string, exs []classifier.Example, opts classifier.Options) models.Info {
	t.Helper()
	ctx := context.Background()
	m, err := classifier.Train(ctx, exs, opts)
	if err != nil {
		t.Fatal(err)
	}
	blob, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	optJSON, _ := json.Marshal(m.Meta().Options)
	info, err := store.Save(ctx, name, models.Info{Kind: string(m.Kind()), DataHash: antwort.DataHash(exs), Examples: len(exs),
		Labels: m.Meta().LabelCounts, Options: optJSON}, blob)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := antwort.SaveTrainingData(ctx, store, exs); err != nil {
		t.Fatal(err)
	}
	if err := store.Activate(ctx, name, info.Version); err != nil {
		t.Fatal(err)
	}
	return info
}

// sampleArticles returns the sample knowledge base's articles.
func sampleArticles(t testing.TB) []kb.Article {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "articles")
	if err := os.CopyFS(dir, antwort.SampleKB()); err != nil {
		t.Fatal(err)
	}
	arts, probs, err := kb.ReadArticles(context.Background(), dir, kb.ReadOptions{})
	if err != nil || len(probs) > 0 {
		t.Fatalf("ReadArticles(sample) = %v, %v", probs, err)
	}
	return arts
}

// demo is a writable store with intent and sentiment models trained on
// the sample corpus, and the sample knowledge base.
type demo struct {
	store *models.Store
	kbDir string
	arts  []kb.Article
}

// demoTemplate is trained once per test binary (see TestMain) and copied
// by newDemo, so each test gets its own files without training again.
var demoTemplate struct {
	once sync.Once
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if demoTemplate.dir != "" {
		os.RemoveAll(demoTemplate.dir)
	}
	os.Exit(code)
}

func buildDemoTemplate(t testing.TB) string {
	demoTemplate.once.Do(func() {
		dir, err := os.MkdirTemp("", "antwort-demo-template-")
		if err != nil {
			demoTemplate.err = err
			return
		}
		demoTemplate.dir = dir
		store, err := models.Open(filepath.Join(dir, "antwort.db"), nil)
		if err != nil {
			demoTemplate.err = err
			return
		}
		defer store.Close()
		trainAndActivate(t, store, antwort.IntentModel, sampleExamples(t, "intent"), classifier.Options{Folds: 2, C: 1})
		trainAndActivate(t, store, antwort.SentimentModel, sampleExamples(t, "sentiment"), classifier.Options{Folds: 2, C: 1})
		_, demoTemplate.err = kb.Import(context.Background(), filepath.Join(dir, "kb"), sampleArticles(t), nil)
	})
	if demoTemplate.err != nil {
		t.Fatal(demoTemplate.err)
	}
	return demoTemplate.dir
}

// newDemo returns a copy of the demo template in t's temporary directory.
func newDemo(t testing.TB) *demo {
	t.Helper()
	tmpl := buildDemoTemplate(t)
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(tmpl)); err != nil {
		t.Fatal(err)
	}
	store, err := models.Open(filepath.Join(dir, "antwort.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return &demo{store: store, kbDir: filepath.Join(dir, "kb"), arts: sampleArticles(t)}
}

func (d *demo) live(t testing.TB) *antwort.Live {
	t.Helper()
	l, err := antwort.NewLive(context.Background(), d.store, antwort.LiveOptions{KBDir: d.kbDir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

var cancelMsg = &ingest.Message{ID: "c1", Subject: "Kündigung", Text: "Hiermit kündige ich meinen Vertrag zum nächstmöglichen Termin.", From: ingest.Address{Name: "Petra Schulz", Address: "petra@example.com"}}

func TestLiveReload(t *testing.T) {
	d := newDemo(t)
	l := d.live(t)
	ctx := t.Context()
	if got := l.Current().Versions()[0]; got != "intent@1" {
		t.Fatalf("Versions()[0] = %q, want intent@1", got)
	}
	st, ok := l.State()
	if !ok || st.Generation != 1 || st.Articles == 0 || st.KB != d.kbDir {
		t.Errorf("State() = %+v, %v", st, ok)
	}

	// A new version becomes visible only after Reload.
	trainAndActivate(t, d.store, antwort.IntentModel, sampleExamples(t, "intent"), classifier.Options{Folds: 2, C: 0.5})
	if got := l.Current().Versions()[0]; got != "intent@1" {
		t.Errorf("before Reload Versions()[0] = %q, want intent@1", got)
	}
	if err := l.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	if got := l.Current().Versions()[0]; got != "intent@2" {
		t.Errorf("after Reload Versions()[0] = %q, want intent@2", got)
	}
	if st, _ := l.State(); st.Generation != 2 {
		t.Errorf("State().Generation = %d, want 2", st.Generation)
	}

	// A failed Reload keeps the current engine.
	if err := os.Rename(d.kbDir, d.kbDir+".gone"); err != nil {
		t.Fatal(err)
	}
	err := l.Reload(ctx)
	if !errors.Is(err, kb.ErrNotFound) {
		t.Errorf("Reload() without the KB error = %v, want kb.ErrNotFound", err)
	}
	eng, release := l.Acquire()
	if _, err := eng.Suggest(ctx, cancelMsg); err != nil {
		t.Errorf("Suggest() after a failed Reload error = %v", err)
	}
	release()
	if err := os.Rename(d.kbDir+".gone", d.kbDir); err != nil {
		t.Fatal(err)
	}

	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if eng, _ := l.Acquire(); eng != nil || l.Current() != nil {
		t.Errorf("after Close Acquire() and Current() are not nil")
	}
	if err := l.Reload(ctx); !errors.Is(err, antwort.ErrClosed) {
		t.Errorf("Reload() after Close error = %v, want ErrClosed", err)
	}
}

func TestLiveHeldEngineOutlivesReload(t *testing.T) {
	d := newDemo(t)
	l := d.live(t)
	ctx := t.Context()
	held, release := l.Acquire()
	for range 3 {
		if _, err := kb.Import(ctx, d.kbDir, d.arts, nil); err != nil {
			t.Fatal(err)
		}
		if err := l.Reload(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Its knowledge base is still open: two imports later, its index
	// directory is even deleted (Unix keeps open files readable).
	if s, err := held.Suggest(ctx, cancelMsg); err != nil || len(s.Answers) == 0 {
		t.Fatalf("Suggest() on an engine held across reloads = %v, %v", s, err)
	}
	release()
	release() // a second call is a no-op
	if _, err := held.Suggest(ctx, cancelMsg); !errors.Is(err, kb.ErrClosed) {
		t.Errorf("Suggest() on a released, retired engine error = %v, want kb.ErrClosed", err)
	}
	eng, release2 := l.Acquire()
	defer release2()
	if _, err := eng.Suggest(ctx, cancelMsg); err != nil {
		t.Errorf("Suggest() on the current engine error = %v", err)
	}
}

// TestLiveConcurrentReloads runs Suggest from several goroutines while the
// model is re-activated and the knowledge base re-imported: no call may
// fail.
func TestLiveConcurrentReloads(t *testing.T) {
	d := newDemo(t)
	l := d.live(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var calls, failed atomic.Int64
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				eng, release := l.Acquire()
				_, err := eng.Suggest(context.Background(), cancelMsg)
				release()
				calls.Add(1)
				if err != nil {
					failed.Add(1)
					t.Errorf("Suggest() during reloads error = %v", err)
					return
				}
			}
		}()
	}
	start := time.Now()
	reloads := 0
	for reloads < 3 || time.Since(start) < time.Second {
		if err := d.store.Activate(context.Background(), antwort.SentimentModel, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := kb.Import(context.Background(), d.kbDir, d.arts, nil); err != nil {
			t.Fatal(err)
		}
		if err := l.Reload(context.Background()); err != nil {
			t.Fatal(err)
		}
		reloads++
	}
	cancel()
	wg.Wait()
	if failed.Load() != 0 || calls.Load() < 10 || reloads < 2 {
		t.Errorf("%d of %d Suggest calls failed during %d reloads; want 0 of at least 10 during at least 2", failed.Load(), calls.Load(), reloads)
	}
}
