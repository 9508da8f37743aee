package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/models"
	"github.com/antwort-dev/antwort/server"
)

// Tokens of the test servers.
const (
	clientToken = "client-token-0123456789"
	adminToken  = "admin-token-0123456789ab"
)

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

// saveModel trains and saves (not activates) a version of name.
func saveModel(t testing.TB, store *models.Store, name string, exs []classifier.Example, o classifier.Options) models.Info {
	t.Helper()
	ctx := context.Background()
	m, err := classifier.Train(ctx, exs, o)
	if err != nil {
		t.Fatal(err)
	}
	blob, _ := m.MarshalBinary()
	optJSON, _ := json.Marshal(m.Meta().Options)
	info, err := store.Save(ctx, name, models.Info{Kind: string(m.Kind()), DataHash: antwort.DataHash(exs), Examples: len(exs),
		Labels: m.Meta().LabelCounts, Options: optJSON}, blob)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := antwort.SaveTrainingData(ctx, store, exs); err != nil {
		t.Fatal(err)
	}
	return info
}

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

// template is a store with intent versions 1 (active) and 2 and sentiment
// version 1, and the sample knowledge base, built once per test binary.
var template struct {
	once sync.Once
	dir  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if template.dir != "" {
		os.RemoveAll(template.dir)
	}
	os.Exit(code)
}

func buildTemplate(t testing.TB) string {
	template.once.Do(func() {
		dir, err := os.MkdirTemp("", "antwort-server-test-")
		if err != nil {
			template.err = err
			return
		}
		template.dir = dir
		store, err := models.Open(filepath.Join(dir, "antwort.db"), nil)
		if err != nil {
			template.err = err
			return
		}
		defer store.Close()
		ctx := context.Background()
		intents := sampleExamples(t, "intent")
		v1 := saveModel(t, store, antwort.IntentModel, intents, classifier.Options{Folds: 2, C: 1})
		saveModel(t, store, antwort.IntentModel, intents, classifier.Options{Folds: 2, C: 0.25, Seed: 2})
		s1 := saveModel(t, store, antwort.SentimentModel, sampleExamples(t, "sentiment"), classifier.Options{Folds: 2, C: 1})
		if err := store.Activate(ctx, antwort.IntentModel, v1.Version); err != nil {
			template.err = err
			return
		}
		if err := store.Activate(ctx, antwort.SentimentModel, s1.Version); err != nil {
			template.err = err
			return
		}
		_, template.err = kb.Import(ctx, filepath.Join(dir, "kb"), sampleArticles(t), nil)
	})
	if template.err != nil {
		t.Fatal(template.err)
	}
	return template.dir
}

// env is a running test server on loopback with its parts.
type env struct {
	dir   string
	store *models.Store
	live  *antwort.Live
	srv   *server.Server
	http  *httptest.Server
	stats *antwort.AnswerStats
}

// newEnv copies the template and starts a server on it; mod adjusts the
// options.
func newEnv(t testing.TB, mod func(*server.Options)) *env {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(buildTemplate(t))); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store, err := models.Open(filepath.Join(dir, "antwort.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	stats := antwort.NewAnswerStats()
	live, err := antwort.NewLive(ctx, store, antwort.LiveOptions{KBDir: filepath.Join(dir, "kb"), Reply: antwort.ReplyConfig{Learned: stats}})
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := server.ParseTokens(strings.NewReader(clientToken+" desk\n"+adminToken+" ops admin\n"), "test-tokens")
	if err != nil {
		t.Fatal(err)
	}
	o := server.Options{Tokens: tokens, Store: store, KBDir: filepath.Join(dir, "kb"), Answers: stats, Version: "test"}
	if mod != nil {
		mod(&o)
	}
	srv, err := server.New(live, o)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{dir: dir, store: store, live: live, srv: srv, http: httptest.NewServer(srv), stats: stats}
	t.Cleanup(func() {
		e.http.Close()
		if err := srv.Flush(context.Background()); err != nil {
			t.Errorf("Flush() at the end = %v", err)
		}
		live.Close()
		store.Close()
	})
	return e
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// apiError is the error object of a response.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Offset  *int64 `json:"offset"`
}

func (r response) error(t testing.TB) apiError {
	t.Helper()
	var e struct {
		Error apiError `json:"error"`
	}
	r.json(t, &e)
	return e.Error
}

// do sends a request with token ("" = none) and body (string, []byte or
// a value encoded as JSON; nil = none).
func (e *env) do(t testing.TB, method, path, token string, body any) response {
	t.Helper()
	return e.doType(t, method, path, token, "application/json", body)
}

func (e *env) doType(t testing.TB, method, path, token, ctype string, body any) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, e.http.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil && ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: data}
}

// ok fails the test unless r has status 200.
func (r response) ok(t testing.TB, what string) response {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("%s: status %d: %s", what, r.status, r.body)
	}
	return r
}
