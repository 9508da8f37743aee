package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/antwort-dev/antwort/internal/natsq"
	"github.com/antwort-dev/antwort/models"
)

// startNATS runs an embedded nats-server with JetStream on 127.0.0.1 (a
// free port), storage in a temporary directory, and returns its URL.
func startNATS(t *testing.T) string {
	t.Helper()
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server not ready")
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	return "nats://" + s.Addr().String()
}

// natsConn connects the test itself (and creates the streams).
func natsConn(t *testing.T, url string) *natsq.Conn {
	t.Helper()
	c, err := natsq.Connect(context.Background(), url, natsq.ConnectOptions{Name: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	if err := natsq.Setup(context.Background(), c.JS, natsq.SetupOptions{}); err != nil {
		t.Fatal(err)
	}
	return c
}

func streamCount(t *testing.T, c *natsq.Conn, name string) uint64 {
	t.Helper()
	st, err := c.JS.Stream(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// streamRecords reads every message of a stream as JSON into a map.
func streamRecords(t *testing.T, c *natsq.Conn, name string) []map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	total := streamCount(t, c, name)
	cons, err := c.JS.OrderedConsumer(ctx, name, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for uint64(len(out)) < total {
		b, err := cons.Fetch(1000, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for m := range b.Messages() {
			n++
			var r map[string]any
			if err := json.Unmarshal(m.Data(), &r); err != nil {
				t.Fatalf("%s: not JSON: %v: %.100s", name, err, m.Data())
			}
			out = append(out, r)
		}
		if n == 0 {
			t.Fatalf("read %d of %d records of %s", len(out), total, name)
		}
	}
	return out
}

// worker is a worker child process.
type worker struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	url    string // health and metrics
	name   string
}

// startWorker starts 'antwort worker' as a child process and waits for its
// "started" line.
func startWorker(t *testing.T, name string, args ...string) *worker {
	t.Helper()
	cmd := childCmd(t, append([]string{"worker", "--name", name, "--listen", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(cmd.Env, "ANTWORT_DB="+filepath.Join(t.TempDir(), "none.db"))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	w := &worker{cmd: cmd, stderr: &syncBuffer{}, name: name}
	cmd.Stderr = w.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() {
		cmd.Wait()
		t.Fatalf("worker %s said nothing: %s", name, w.stderr.String())
	}
	var ev struct{ Event, URL string }
	if err := json.Unmarshal(sc.Bytes(), &ev); err != nil || ev.Event != "started" {
		t.Fatalf("worker %s: first line %q (%v)", name, sc.Text(), err)
	}
	w.url = ev.URL
	go io.Copy(io.Discard, stdout)
	return w
}

// health reads the worker's /healthz.
func (w *worker) health(t *testing.T) natsq.Health {
	t.Helper()
	var h natsq.Health
	res, err := httpGet(w.url + "/healthz")
	if err != nil {
		return h
	}
	_ = json.Unmarshal(res, &h)
	return h
}

func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// addIntentVersion saves the active intent model again as a new version
// and activates it (a retrain, without the wait).
func addIntentVersion(t *testing.T, db string) int {
	t.Helper()
	s, err := models.Open(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	info, blob, err := s.Load(ctx, "intent", 0)
	if err != nil {
		t.Fatal(err)
	}
	info.Note = "same model, new version"
	ni, err := s.Save(ctx, "intent", info, blob)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Activate(ctx, "intent", ni.Version); err != nil {
		t.Fatal(err)
	}
	return ni.Version
}

// TestWorkersKilledExactlyOnce is the scale-out target: mails published to
// NATS, three worker processes deciding and sending, one of them killed
// with SIGKILL in the middle, a models push during the run. Every mail
// gets exactly one decision, at most one reply reaches the SMTP server,
// every decision records the push that decided it with its model
// versions, and the surviving workers all switch to the new push.
// ANTWORT_NATS_MESSAGES sets the number of mails (default 1000; the
// docs/scaling-out.md's figure is for 10000).
func TestWorkersKilledExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	n := 1000
	if v := os.Getenv("ANTWORT_NATS_MESSAGES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatal(err)
		}
	}
	url := startNATS(t)
	c := natsConn(t, url)
	db, k := trained(t), kbDir(t)
	sink := startSink(t)
	dir := t.TempDir()
	md := genMaildir(t, dir, n)

	code, out, errOut := run(t, "", "publish", "--nats", url, "--in", "maildir:"+md)
	if code != ExitOK || !strings.Contains(out, fmt.Sprintf(`"published":%d`, n)) {
		t.Fatalf("publish: exit %d: %s%s", code, out, errOut)
	}
	code, out, errOut = run(t, "", "models", "push", "--nats", url, "--db", db, "--kb", k, "--format", "json", "--wait", "0")
	if code != ExitOK {
		t.Fatalf("models push: exit %d: %s%s", code, out, errOut)
	}
	var push1 struct{ Push string }
	json.Unmarshal([]byte(out), &push1)

	start := time.Now()
	var ws []*worker
	for i := range 3 {
		ws = append(ws, startWorker(t, fmt.Sprintf("w%d", i), "--nats", url, "--kb", filepath.Join(dir, fmt.Sprintf("kb%d", i)),
			"--from", "Nordlicht Service <service@nordlicht.example>", "--send", "--smtp", "smtp://"+sink.addr+"?starttls=none",
			"--ack-wait", "3s", "--in-flight", "4"))
	}
	decided := func() uint64 { return streamCount(t, c, natsq.DecisionsStream) }
	waitUntil(t, 10*time.Minute, "a third decided", func() bool { return decided() >= uint64(n/3) })
	if err := ws[0].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	ws[0].cmd.Wait()
	t.Logf("killed w0 after %d decisions (%s)", decided(), time.Since(start).Round(time.Millisecond))

	v2 := addIntentVersion(t, db)
	code, out, errOut = run(t, "", "models", "push", "--nats", url, "--db", db, "--kb", k, "--format", "json", "--wait", "1m")
	if code != ExitOK {
		t.Fatalf("models push during the run: exit %d: %s%s", code, out, errOut)
	}
	var push2 struct {
		Push    string
		Workers []struct{ Name, State string }
	}
	json.Unmarshal([]byte(out), &push2)
	switched := 0
	for _, w := range push2.Workers {
		if w.State == "switched" {
			switched++
		}
	}
	if switched < 2 {
		t.Errorf("models push: %d workers switched, want the 2 alive: %s", switched, out)
	}
	for _, w := range ws[1:] {
		if h := w.health(t); h.Models == nil || h.Models.Push != push2.Push {
			t.Errorf("%s runs %+v after the push, want push %s", w.name, h.Models, push2.Push)
		}
	}
	waitUntil(t, 10*time.Minute, "all decided and sent", func() bool {
		return decided() >= uint64(n) && streamCount(t, c, natsq.InboundStream) == 0 && streamCount(t, c, natsq.OutboxStream) == 0
	})
	took := time.Since(start)
	for _, w := range ws[1:] {
		if err := w.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := w.cmd.Wait(); err != nil {
			t.Errorf("%s after SIGTERM: %v\n%s", w.name, err, w.stderr.String())
		}
		if !strings.Contains(w.stderr.String(), "stopped after") {
			t.Errorf("%s: no drain message: %s", w.name, w.stderr.String())
		}
	}

	// Exactly one decision per mail, each with the models of its push.
	ids := map[string]int{}
	sends := map[string]bool{}
	perPush := map[string]int{}
	want := map[string]string{push1.Push: "intent@1", push2.Push: fmt.Sprintf("intent@%d", v2)}
	for _, r := range streamRecords(t, c, natsq.DecisionsStream) {
		id, _ := r["id"].(string)
		ids[id]++
		models, _ := r["models"].(map[string]any)
		push, _ := models["push"].(string)
		perPush[push]++
		intent, _ := r["intent"].(map[string]any)
		if v, ok := want[push]; !ok || intent["model"] != v {
			t.Errorf("%s decided by push %q with %v (want %v)", id, push, intent["model"], v)
		}
		if dec, _ := r["decision"].(map[string]any); dec["action"] == "send" {
			if ob, _ := r["outbox"].(string); strings.HasPrefix(ob, "r") {
				sends[id] = true
			}
		}
	}
	if len(ids) != n {
		t.Errorf("%d distinct messages decided, want %d", len(ids), n)
	}
	for id, k := range ids {
		if k != 1 {
			t.Errorf("%s decided %d times", id, k)
		}
	}
	if len(sends) == 0 {
		t.Fatal("no send decisions: the test proves nothing")
	}
	received := map[string]int{}
	for _, b := range sink.messages() {
		m, err := mail.ReadMessage(strings.NewReader(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		received[strings.Trim(m.Header.Get("In-Reply-To"), "<>")]++
	}
	for id, k := range received {
		if k > 1 {
			t.Errorf("%s answered %d times", id, k)
		}
		if !sends[id] {
			t.Errorf("%s answered without a send decision", id)
		}
	}
	// A reply the killed worker had claimed is never sent again: if it
	// did not arrive, or if the kill came before its delivery was
	// confirmed, it is dead-lettered for a person to check. At most the
	// killed worker's deliveries in flight (--send-in-flight 4) are.
	missing := 0
	code, out, errOut = run(t, "", "worker", "dead", "--nats", url, "--outbox")
	if code != ExitOK {
		t.Fatalf("worker dead: exit %d: %s", code, errOut)
	}
	dead := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var d natsq.DeadLetter
		if err := json.Unmarshal([]byte(line), &d); err != nil {
			t.Fatalf("worker dead: %v: %s", err, line)
		}
		if !strings.Contains(d.Error, "w0") {
			t.Errorf("dead-lettered reply not claimed by the killed worker: %+v", d)
		}
		dead[d.MessageID] = true
	}
	for id := range sends {
		if received[id] == 0 {
			missing++
			if !dead[id] {
				t.Errorf("%s: send decision, no reply, and not dead-lettered", id)
			}
		}
	}
	if len(dead) > 4 {
		t.Errorf("%d dead-lettered replies, want at most 4 (the killed worker's deliveries in flight)", len(dead))
	}
	t.Logf("%d mails, 3 workers (one killed), %d decisions per push %v, %d send decisions, %d replies delivered, %d not delivered, %d dead-lettered for a person; %s (%.0f mails/s)",
		n, len(ids), perPush, len(sends), len(received), missing, len(dead), took.Round(time.Millisecond), float64(n)/took.Seconds())
}

// TestWorkerCommandErrors covers NATS unreachable at start (retries, then
// exit 1 naming the server) and bad flags.
func TestWorkerCommandErrors(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	start := time.Now()
	code, _, errOut := run(t, "", "worker", "--nats", "nats://"+addr, "--connect-retry", "1s", "--kb", t.TempDir(), "--listen", "")
	if code != ExitError || !strings.Contains(errOut, "unreachable") || !strings.Contains(errOut, addr) || !strings.Contains(errOut, "attempt") {
		t.Errorf("worker with NATS down: exit %d: %s", code, errOut)
	}
	if took := time.Since(start); took < 900*time.Millisecond || took > 10*time.Second {
		t.Errorf("gave up after %s, want about 1 s", took)
	}
	code, _, errOut = run(t, "", "publish", "--nats", "nats://"+addr, "--connect-retry", "0", "--in", "dir:"+sampleMail)
	if code != ExitError || !strings.Contains(errOut, "unreachable") {
		t.Errorf("publish with NATS down: exit %d: %s", code, errOut)
	}
	for _, args := range [][]string{
		{"worker", "--send"},
		{"worker", "--in-flight", "0"},
		{"worker", "--send", "--smtp", "ftp://localhost:25"},
		{"worker", "--from", "not an address"},
		{"worker", "--max-ack-pending", "2", "--in-flight", "8"},
		{"publish"},
		{"models", "push", "--wait", "-1s"},
		{"batch", "--in", "dir:x", "--out", "nats:"},
	} {
		if code, _, errOut := run(t, "", args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d: %s", args, code, ExitUsage, errOut)
		}
	}
	url := startNATS(t)
	if code, _, errOut := run(t, "", "worker", "--nats", url, "--db", filepath.Join(t.TempDir(), "missing.db"), "--kb", t.TempDir()); code != ExitModel {
		t.Errorf("worker with a missing --db: exit %d, want %d: %s", code, ExitModel, errOut)
	}
}

func httpGet(url string) ([]byte, error) {
	res, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	return io.ReadAll(res.Body)
}

// TestPublishCommand publishes a folder of mails and a JSONL file of
// posts with a broken line: one subject per channel, the broken line
// reported (exit 3), the rest published; a second run with a journal
// skips what the first published, and without one the stream drops the
// copies.
func TestPublishCommand(t *testing.T) {
	url := startNATS(t)
	c := natsConn(t, url)
	dir := t.TempDir()
	posts := filepath.Join(dir, "posts.jsonl")
	if err := os.WriteFile(posts, []byte(`{"id":"tw1","channel":"twitter","author":"@jana","text":"Wo bleibt mein Paket? Seit einer Woche nichts!"}
{"id":"fb1","channel":"facebook","from":"Max","text":"Ich möchte meinen Vertrag kündigen."}
{"id":"broken","text":
{"id":"c1","channel":"chat","text":"Hi, I forgot my password."}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	j := filepath.Join(dir, "publish.journal")
	mails, _ := filepath.Glob(filepath.Join(sampleMail, "*.eml"))
	code, out, errOut := run(t, "", "publish", "--nats", url, "--in", "dir:"+sampleMail, "--in", "jsonl:"+posts, "--journal", j)
	if code != ExitPartial || !strings.Contains(errOut, "posts.jsonl:3") {
		t.Fatalf("publish: exit %d, want %d: %s", code, ExitPartial, errOut)
	}
	var sum publishSummary
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatal(err)
	}
	want := len(mails) + 3
	if sum.Published != want || sum.Read != want || sum.Problems != 1 || sum.Duplicates != 0 {
		t.Errorf("summary %+v, want %d published and 1 problem", sum, want)
	}
	st, err := c.JS.Stream(context.Background(), natsq.InboundStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(context.Background(), jetstream.WithSubjectFilter(natsq.InboundPrefix+".>"))
	if err != nil {
		t.Fatal(err)
	}
	subjects := info.State.Subjects
	if subjects["antwort.in.email"] != uint64(len(mails)) || subjects["antwort.in.twitter"] != 1 || subjects["antwort.in.facebook"] != 1 || subjects["antwort.in.chat"] != 1 {
		t.Errorf("messages per subject: %v", subjects)
	}
	// A mail carries its Message-ID and where it came from.
	raw, err := st.GetLastMsgForSubject(context.Background(), "antwort.in.twitter")
	if err != nil {
		t.Fatal(err)
	}
	if raw.Header.Get(natsq.HeaderMessageID) != "tw1" || !strings.HasPrefix(raw.Header.Get(natsq.HeaderMsgID), "tw1 ") || raw.Header.Get(natsq.HeaderChannel) != "twitter" ||
		!strings.HasSuffix(raw.Header.Get(natsq.HeaderSource), "posts.jsonl:1") || !strings.Contains(string(raw.Data), `"from":{"name":"@jana"}`) {
		t.Errorf("twitter message: headers %v, data %s", raw.Header, raw.Data)
	}

	code, out, errOut = run(t, "", "publish", "--nats", url, "--in", "dir:"+sampleMail, "--in", "jsonl:"+posts, "--journal", j)
	json.Unmarshal([]byte(out), &sum)
	if code != ExitPartial || sum.Done != want || sum.Published != 0 {
		t.Errorf("second run with the journal: exit %d, %+v: %s", code, sum, errOut)
	}
	code, out, _ = run(t, "", "publish", "--nats", url, "--in", "dir:"+sampleMail)
	json.Unmarshal([]byte(out), &sum)
	if code != ExitOK || sum.Duplicates != len(mails) || sum.Published != 0 {
		t.Errorf("third run without a journal: exit %d, %+v", code, sum)
	}
	if n := streamCount(t, c, natsq.InboundStream); n != uint64(want) {
		t.Errorf("inbound stream has %d messages, want %d", n, want)
	}
}

// TestBatchOutNats runs batch with --out nats:antwort.decisions: one record
// per mail on the stream; a rerun with a fresh journal within the
// de-duplication window adds nothing; a subject no stream holds is a
// clear error.
func TestBatchOutNats(t *testing.T) {
	url := startNATS(t)
	c := natsConn(t, url)
	db, k := trained(t), kbDir(t)
	dir := t.TempDir()
	mails, _ := filepath.Glob(filepath.Join(sampleMail, "*.eml"))
	for i := range 2 {
		code, _, errOut := run(t, "", "batch", "--db", db, "--kb", k, "--in", "dir:"+sampleMail, "--out", "nats:antwort.decisions",
			"--nats", url, "--journal", filepath.Join(dir, fmt.Sprintf("journal%d", i)))
		if code != ExitOK {
			t.Fatalf("batch run %d: exit %d: %s", i, code, errOut)
		}
	}
	recs := streamRecords(t, c, natsq.DecisionsStream)
	if len(recs) != len(mails) {
		t.Errorf("%d decisions on the stream, want %d", len(recs), len(mails))
	}
	for _, r := range recs {
		dec, _ := r["decision"].(map[string]any)
		if r["id"] == "" || dec["action"] == nil || r["source"] == nil {
			t.Errorf("decision record %v", r)
		}
	}
	code, _, errOut := run(t, "", "batch", "--db", db, "--kb", k, "--in", "dir:"+sampleMail, "--out", "nats:nowhere.decisions",
		"--nats", url, "--dry-run")
	if code != ExitError || !strings.Contains(errOut, "no stream holds subject") {
		t.Errorf("batch to a subject without a stream: exit %d: %s", code, errOut)
	}
}

// TestModelsPushCommand pushes the demo models to a live worker, which
// switches and says so, then puts a push from a newer antwort (a newer
// store schema) into the object store: the worker refuses it, keeps its
// models, and 'worker list' shows why.
func TestModelsPushCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	url := startNATS(t)
	c := natsConn(t, url)
	db, k := trained(t), kbDir(t)
	w := startWorker(t, "w-push", "--nats", url, "--kb", filepath.Join(t.TempDir(), "kb"))
	waitUntil(t, 30*time.Second, "worker registered", func() bool {
		ws, _ := natsq.Workers(context.Background(), c.JS)
		return len(ws) == 1 && ws[0].Status == "starting"
	})
	code, out, errOut := run(t, "", "models", "push", "--nats", url, "--db", db, "--kb", k)
	if code != ExitOK || !strings.Contains(out, "intent@1") || !strings.Contains(out, "worker w-push") || !strings.Contains(out, "switched") ||
		!strings.Contains(errOut, "1 of 1 live workers switched") {
		t.Fatalf("models push: exit %d: %s%s", code, out, errOut)
	}
	m, err := natsq.ReadManifest(context.Background(), c.JS)
	if err != nil {
		t.Fatal(err)
	}
	if h := w.health(t); h.Status != "ok" || h.Models == nil || h.Models.Push != m.ID || m.KB == nil || m.KB.Articles == 0 {
		t.Errorf("after the push: health %+v, manifest %+v", h, m)
	}
	newer := *m
	newer.ID, newer.Schema = "from-the-future", models.SchemaVersion+1
	if err := natsq.PutManifest(context.Background(), c.JS, &newer); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, 30*time.Second, "refusal", func() bool { h := w.health(t); return h.Refused != nil && h.Refused.Push == "from-the-future" })
	code, out, _ = run(t, "", "worker", "list", "--nats", url)
	if code != ExitOK || !strings.Contains(out, `"push":"from-the-future"`) || !strings.Contains(out, "schema") || !strings.Contains(out, `"push":"`+m.ID) {
		t.Errorf("worker list after a refused push: exit %d: %s", code, out)
	}
	if h := w.health(t); h.Models.Push != m.ID || h.Status != "ok" {
		t.Errorf("the worker dropped its models: %+v", h)
	}
	// Without an intent model there is nothing to push.
	empty := filepath.Join(t.TempDir(), "empty.db")
	s, err := models.Open(empty, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if code, _, errOut := run(t, "", "models", "push", "--nats", url, "--db", empty, "--kb", k); code != ExitModel {
		t.Errorf("push from an empty store: exit %d, want %d: %s", code, ExitModel, errOut)
	}
}
