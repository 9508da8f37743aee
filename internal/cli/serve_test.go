package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/classifier"
)

const testToken = "cli-test-token-0123456789"

// syncBuffer is a bytes.Buffer safe for the serve goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// served is a running 'antwort serve'.
type served struct {
	db, kb, tokens string
	url            string
	stop           func() (code int, stderr string)
}

// serve starts 'antwort serve' on db and kbDir on a free port and waits
// for its announcement.
func serve(t *testing.T, db, kbDir string, extra ...string) *served {
	t.Helper()
	tokens := filepath.Join(filepath.Dir(db), "tokens.txt")
	if err := os.WriteFile(tokens, []byte(testToken+" helpdesk\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	args := append([]string{"serve", "--db", db, "--kb", kbDir, "--addr", "127.0.0.1:0", "--token-file", tokens}, extra...)
	go func() { done <- Main(ctx, args, IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}) }()
	s := &served{db: db, kb: kbDir, tokens: tokens}
	stopped := false
	var code int
	s.stop = func() (int, string) {
		if !stopped {
			cancel()
			code = <-done
			stopped = true
		}
		return code, errOut.String()
	}
	t.Cleanup(func() { s.stop() })
	deadline := time.Now().Add(20 * time.Second)
	for {
		if f, ok, _ := readServerFile(db); ok {
			s.url = f.URL
			return s
		}
		select {
		case c := <-done:
			t.Fatalf("serve exited with %d before announcing itself:\n%s", c, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not announce itself:\n%s", errOut.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// post sends a JSON body to the server with the test token.
func (s *served) post(t *testing.T, path string, body any) map[string]any {
	t.Helper()
	data, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", s.url+path, bytes.NewReader(data))
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST %s: %d %v %v", path, resp.StatusCode, out, err)
	}
	return out
}

// trainedWithKB returns a store with intent versions 1 and 2 (2 active),
// a sentiment model, and the sample knowledge base.
func trainedWithKB(t *testing.T) (db, kbDir string) {
	t.Helper()
	db = trained(t)
	if code, _, errOut := run(t, "", "train", "--db", db, "--task", "intent", "--data", sampleTrain, "--folds", "2", "--c", "0.5"); code != ExitOK {
		t.Fatalf("train: %d %s", code, errOut)
	}
	kbDir = filepath.Join(filepath.Dir(db), "kb")
	if code, _, errOut := run(t, "", "kb", "import", "--kb", kbDir, "../../testdata/kb"); code != ExitOK {
		t.Fatalf("kb import: %d %s", code, errOut)
	}
	return db, kbDir
}

var giftCards = []string{
	"Mein Gutscheincode wird im Warenkorb nicht akzeptiert.", "Wie löse ich meinen Geschenkgutschein ein?",
	"Der Gutschein funktioniert nicht, Code ungültig.", "Kann ich zwei Gutscheine kombinieren?",
	"Wo gebe ich den Gutscheincode ein?", "Mein Geschenkgutschein ist angeblich abgelaufen.",
	"My gift card code is rejected at checkout.", "How do I redeem my gift card?",
	"The gift voucher says invalid code.", "Where do I enter my gift card number?",
}

// TestServeAndCommands runs 'antwort serve' and drives it with the
// commands that would otherwise need the store's lock.
func TestServeAndCommands(t *testing.T) {
	db, kbDir := trainedWithKB(t)
	s := serve(t, db, kbDir)
	if fi, err := os.Stat(serverFilePath(db)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("announcement %s: %v, mode %v; want mode 0600", serverFilePath(db), err, fi.Mode())
	}
	// The store is the server's: a direct writer cannot have it.
	if code, _, errOut := run(t, "", "train", "--db", db, "--data", sampleTrain, "--lock-timeout", "100ms"); code != ExitLocked || !strings.Contains(errOut, "antwort serve (pid") {
		t.Errorf("train while serving: exit %d, want %d and the server named: %s", code, ExitLocked, errOut)
	}

	steps := []struct {
		args []string
		code int
		out  []string
	}{
		{[]string{"models", "list"}, ExitOK, []string{"intent     2        *"}},
		{[]string{"models", "activate", "intent", "1"}, ExitOK, []string{"intent version 1 is active (was 2)", "the antwort server at " + s.url, "now uses intent@1"}},
		{[]string{"models", "rollback", "intent"}, ExitOK, []string{"intent rolled back to version 2", "now uses intent@2"}},
		{[]string{"models", "activate", "intent", "9"}, ExitModel, nil},
		{[]string{"models", "rm", "intent", "2"}, ExitError, nil},
		{[]string{"kb", "import", "--kb", kbDir, "../../testdata/kb"}, ExitOK, []string{"imported 24 articles", "via the antwort server"}},
	}
	for _, st := range steps {
		code, out, errOut := run(t, "", append(st.args, "--db", db)...)
		if code != st.code {
			t.Errorf("%v: exit %d, want %d\n%s%s", st.args, code, st.code, out, errOut)
		}
		for _, want := range st.out {
			if !strings.Contains(out, want) {
				t.Errorf("%v: output lacks %q:\n%s", st.args, want, out)
			}
		}
		if code != ExitOK && !strings.Contains(errOut, s.url) {
			t.Errorf("%v: error does not name the server %s: %s", st.args, s.url, errOut)
		}
	}

	// Agents answer and correct; a new intent arrives.
	sug := s.post(t, "/v1/suggest", map[string]any{"id": "k1", "subject": "Kündigung", "text": "Hiermit kündige ich meinen Vertrag."})
	article, _ := sug["article"].(string)
	if article == "" {
		t.Fatalf("suggest gave no article: %v", sug)
	}
	s.post(t, "/v1/feedback", map[string]any{"message_id": "k1", "intent": "cancel_contract", "answer_used": article, "edited": true, "edit_ratio": 0.8})
	for i, text := range giftCards {
		s.post(t, "/v1/feedback", map[string]any{"message_id": fmt.Sprint("g", i), "intent": "gift_card", "text": text})
	}

	code, out, errOut := run(t, "", "retrain", "--db", db, "--format", "text")
	if code != ExitOK || !strings.Contains(out, "intent: PROMOTED") || !strings.Contains(out, "new labels: gift_card") {
		t.Fatalf("retrain: exit %d\n%s%s", code, out, errOut)
	}
	res := s.post(t, "/v1/classify", map[string]any{"text": "Mein Gutscheincode geht nicht."})
	if in := res["intent"].(map[string]any); in["label"] != "gift_card" || in["model"] != "intent@3" {
		t.Errorf("classify after retrain = %v, want gift_card by intent@3", in)
	}
	code, out, _ = run(t, "", "models", "diff", "intent", "2", "3", "--db", db)
	if code != ExitOK || !strings.Contains(out, "labels only in 3: gift_card") || !strings.Contains(out, "held-out rows:") {
		t.Errorf("models diff: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, "", "models", "diff", "intent", "2", "3", "--db", db, "--format", "json")
	var d antwort.ModelDiff
	// Two messages were answered: k1 and the gift card classified above.
	if code != ExitOK || json.Unmarshal([]byte(out), &d) != nil || d.Messages != 2 || d.Decisions != 2 || d.Changed != 1 {
		t.Errorf("models diff --format json: exit %d, messages %d, decisions %d, changed %d; want 2, 2, 1", code, d.Messages, d.Decisions, d.Changed)
	}
	code, out, _ = run(t, "", "models", "audit", "intent", "--db", db)
	for _, want := range []string{"token:local-cli/cli:", "retrain", "rollback"} {
		if code != ExitOK || !strings.Contains(out, want) {
			t.Errorf("models audit: exit %d, lacks %q:\n%s", code, want, out)
		}
	}
	code, out, _ = run(t, "", "kb", "list", "--kb", kbDir, "--db", db)
	row := ""
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, article+" ") {
			row = strings.Join(strings.Fields(l), " ")
		}
	}
	if code != ExitOK || !strings.Contains(out, "USED  EDITED  DECLINED  WEIGHT") || !strings.Contains(row, " 1 1 0 0.73 ") {
		t.Errorf("kb list: exit %d; row of %s = %q, want used 1, edited 1, declined 0, weight 0.73:\n%s", code, article, row, out)
	}

	// A second server on the same store is refused, naming the first.
	code, _, errOut = run(t, "", "serve", "--db", db, "--kb", kbDir, "--addr", "127.0.0.1:0", "--lock-timeout", "100ms")
	if code != ExitLocked || !strings.Contains(errOut, "serves it already") {
		t.Errorf("second serve: exit %d, want %d naming the first: %s", code, ExitLocked, errOut)
	}

	code, stderr := s.stop()
	if code != ExitOK || !strings.Contains(stderr, "server stopped") {
		t.Errorf("serve after cancel: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(serverFilePath(db)); !os.IsNotExist(err) {
		t.Errorf("announcement left behind after shutdown: %v", err)
	}
	// Without a server the same commands work on the store, audited as the user.
	code, out, _ = run(t, "", "models", "activate", "intent", "2", "--db", db)
	if code != ExitOK || strings.Contains(out, "server") {
		t.Errorf("activate without a server: exit %d %s", code, out)
	}
	code, out, _ = run(t, "", "models", "audit", "--db", db, "--last", "1", "--format", "json")
	if code != ExitOK || !strings.Contains(out, `"actor":"cli:`) || !strings.Contains(out, `"action":"activate"`) {
		t.Errorf("audit of a local activation: exit %d %s", code, out)
	}
}

func TestStaleAndExplicitServer(t *testing.T) {
	db, _ := trainedWithKB(t)
	// A port nobody listens on.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()

	// A stale announcement: the command works on the store and removes it.
	if err := writeServerFile(serverFilePath(db), serverFile{URL: dead, Token: "x", PID: 999999}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "", "models", "activate", "intent", "1", "--db", db)
	if code != ExitOK || !strings.Contains(out, "intent version 1 is active") || !strings.Contains(errOut, "is gone") {
		t.Errorf("activate with a stale announcement: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(serverFilePath(db)); !os.IsNotExist(err) {
		t.Errorf("stale announcement not removed")
	}

	// An explicit server that does not answer is an error naming it.
	tokens := filepath.Join(t.TempDir(), "t.txt")
	os.WriteFile(tokens, []byte("# comment\n"+testToken+" x\n"), 0o600)
	code, _, errOut = run(t, "", "models", "rollback", "intent", "--db", db, "--server", dead, "--token-file", tokens)
	if code != ExitError || !strings.Contains(errOut, dead) || !strings.Contains(errOut, "does not answer") {
		t.Errorf("rollback --server (dead): exit %d: %s", code, errOut)
	}
	code, _, errOut = run(t, "", "retrain", "--db", db, "--server", dead)
	if code != ExitUsage || !strings.Contains(errOut, "needs a token") {
		t.Errorf("retrain --server without token: exit %d: %s", code, errOut)
	}
}

func TestRetrainLocal(t *testing.T) {
	db, _ := trainedWithKB(t)
	code, out, errOut := run(t, "", "retrain", "--db", db, "--model", "all", "--dry-run")
	if code != ExitOK {
		t.Fatalf("retrain --dry-run: exit %d %s", code, errOut)
	}
	var reps []antwort.RetrainReport
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r antwort.RetrainReport
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("retrain output: %v\n%s", err, out)
		}
		reps = append(reps, r)
	}
	if len(reps) != 2 || reps[0].Name != "intent" || reps[1].Name != "sentiment" || !reps[0].DryRun || reps[0].Candidate != 0 {
		t.Errorf("retrain --model all --dry-run = %+v", reps)
	}
	if code, _, errOut := run(t, "", "retrain", "--db", db, "--model", "topic"); code != ExitUsage {
		t.Errorf("retrain --model topic: exit %d %s", code, errOut)
	}
	// Base data given explicitly.
	code, out, errOut = run(t, "", "retrain", "--db", db, "--data", sampleTrain, "--dry-run", "--format", "text")
	if code != ExitOK || !strings.Contains(out, "466 base rows") {
		t.Errorf("retrain --data: exit %d\n%s%s", code, out, errOut)
	}
}

// TestDataHashAgrees checks that the CLI's training-data hash is the one
// antwort keeps training data under.
func TestDataHashAgrees(t *testing.T) {
	exs := []classifier.Example{{Text: "a", Label: "x"}, {Text: "b\nc", Label: "y"}}
	if got, want := dataHash(exs), antwort.DataHash(exs); got != want {
		t.Errorf("dataHash() = %q, antwort.DataHash() = %q", got, want)
	}
}
