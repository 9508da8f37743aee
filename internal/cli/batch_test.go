package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestMain lets a test run this test binary as the antwort command in a
// child process (see runChild): with ANTWORT_CLI_CHILD=1 it runs Main on
// the arguments after "--" and exits with its code.
func TestMain(m *testing.M) {
	if os.Getenv("ANTWORT_CLI_CHILD") == "1" {
		args := os.Args[1:]
		for i, a := range args {
			if a == "--" {
				args = args[i+1:]
				break
			}
		}
		// As cmd/antwort does: SIGINT and SIGTERM cancel the context.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := Main(ctx, args, System())
		stop()
		os.Exit(code)
	}
	code := m.Run()
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

// childCmd returns the antwort command line args as a child process of
// its own (this test binary, see TestMain).
func childCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), "ANTWORT_CLI_CHILD=1")
	return cmd
}

const sampleMail = "../../testdata/mail"

// batchActions reads batch's JSONL output: source file name → action.
func batchActions(t *testing.T, out string) map[string]string {
	t.Helper()
	got := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r struct {
			Source   string
			Decision struct{ Action string }
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%v: %s", err, sc.Text())
		}
		got[filepath.Base(r.Source)] = r.Decision.Action
	}
	return got
}

func TestBatchMailFolder(t *testing.T) {
	db, k := trained(t), kbDir(t)
	dir := t.TempDir()
	j := filepath.Join(dir, "journal")
	out := filepath.Join(dir, "decisions.jsonl")
	code, stdout, errOut := run(t, "", "batch", "--db", db, "--kb", k, "--in", "dir:"+sampleMail, "--out", "jsonl:"+out,
		"--journal", j, "--route", "maildir:"+filepath.Join(dir, "sorted"), "--drafts", filepath.Join(dir, "drafts"),
		"--outbox", filepath.Join(dir, "outbox"))
	if code != ExitOK {
		t.Fatalf("batch: exit %d\n%s%s", code, stdout, errOut)
	}
	b, _ := os.ReadFile(out)
	got := batchActions(t, string(b))
	// Machine mail is ignored, whatever its text says.
	for _, name := range []string{"bounce.eml", "newsletter_en.eml", "ooo_de.eml", "ooo_en.eml", "own_reply_de.eml"} {
		if got[name] != "ignore" {
			t.Errorf("%s: action %q, want ignore", name, got[name])
		}
	}
	var names []string
	for n, a := range got {
		names = append(names, n+" "+a)
	}
	sort.Strings(names)
	golden(t, "batch_mail", strings.Join(names, "\n")+"\n")
	if !strings.Contains(errOut, "processed") || !strings.Contains(errOut, "ignore 5") {
		t.Errorf("summary on stderr: %s", errOut)
	}
	// Every routed copy is the original mail, in a folder per action.
	for n, a := range got {
		files, _ := filepath.Glob(filepath.Join(dir, "sorted", a, "new", "*"))
		if len(files) == 0 {
			t.Errorf("%s: nothing routed to sorted/%s", n, a)
		}
	}
	// Queued replies and drafts parse as mail and answer the customer,
	// threaded unless the customer's mail had no Message-ID (one of them,
	// latin1_qp_de.eml).
	unthreaded := 0
	for _, box := range []string{"outbox", "drafts"} {
		files, _ := filepath.Glob(filepath.Join(dir, box, "new", "*"))
		if len(files) == 0 {
			t.Errorf("%s is empty", box)
		}
		for _, f := range files {
			fh, _ := os.Open(f)
			m, err := mail.ReadMessage(fh)
			fh.Close()
			if err != nil || m.Header.Get("X-Loop") != "antwort" {
				t.Errorf("%s: %v, X-Loop %q", f, err, m.Header.Get("X-Loop"))
				continue
			}
			if m.Header.Get("In-Reply-To") == "" {
				unthreaded++
			}
		}
	}
	if unthreaded > 1 {
		t.Errorf("%d replies without In-Reply-To; only the mail without a Message-ID may lack it", unthreaded)
	}

	// Again: everything is journaled, nothing is done twice.
	code, _, errOut = run(t, "", "batch", "--db", db, "--kb", k, "--in", "dir:"+sampleMail, "--out", "jsonl:"+out, "--journal", j,
		"--outbox", filepath.Join(dir, "outbox"))
	if code != ExitOK || !strings.Contains(errOut, "0 processed") || !strings.Contains(errOut, fmt.Sprintf("skipped %d already done", len(got))) {
		t.Errorf("second run: exit %d: %s", code, errOut)
	}
	if b2, _ := os.ReadFile(out); string(b2) != string(b) {
		t.Error("second run changed the output")
	}
}

func TestBatchBadInputAndDryRun(t *testing.T) {
	db, k := trained(t), kbDir(t)
	in := t.TempDir()
	copyFile(t, filepath.Join(sampleMail, "gmail_de.eml"), filepath.Join(in, "a.eml"))
	copyFile(t, filepath.Join(sampleMail, "gmail_de.eml"), filepath.Join(in, "b-same-message-id.eml"))
	os.WriteFile(filepath.Join(in, "c-broken.eml"), []byte("\x00\x01 this is not mail"), 0o644)
	copyFile(t, filepath.Join(sampleMail, "iphone_de.eml"), filepath.Join(in, "d.eml"))
	posts := filepath.Join(in, "posts.jsonl")
	os.WriteFile(posts, []byte(`{"id":"tw1","channel":"twitter","author":"@kunde","text":"@shop mein Paket ist immer noch nicht da"}`+"\n"+
		"{broken json\n"+`{"id":"tw2","channel":"twitter","author":"@fan","text":"Danke für die schnelle Lieferung!"}`+"\n"), 0o644)
	code, stdout, errOut := run(t, "", "batch", "--db", db, "--kb", k, "--dry-run", "--in", "dir:"+in, "--in", "jsonl:"+posts)
	if code != ExitPartial {
		t.Fatalf("batch with broken input: exit %d, want %d\n%s", code, ExitPartial, errOut)
	}
	for _, want := range []string{"c-broken.eml", "posts.jsonl:2", "1 duplicate (same Message-ID and content)", "2 broken"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr does not mention %q:\n%s", want, errOut)
		}
	}
	if n := strings.Count(stdout, "\n"); n != 4 {
		t.Errorf("dry run wrote %d decisions to stdout, want 4 (a, d, tw1, tw2)\n%s", n, stdout)
	}
	if _, err := os.Stat("antwort.journal"); err == nil {
		t.Error("a dry run wrote a journal")
	}
	// Usage errors.
	for _, args := range [][]string{
		{"batch"},
		{"batch", "--in", "dir:" + in, "--send"},
		{"batch", "--in", "dir:" + in, "--dry-run", "--outbox", "x"},
		{"batch", "--in", "dir:" + in, "--out", "xml:x"},
		{"batch", "--in", "dir:" + in, "--route-by", "mood", "--route", "maildir:x"},
		{"batch", "--in", "dir:" + in, "--since", "yesterday"},
	} {
		if code, _, errOut := run(t, "", append(args, "--db", db, "--kb", k)...); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d: %s", args, code, ExitUsage, errOut)
		}
	}
	if code, _, errOut := run(t, "", "batch", "--db", db, "--kb", k, "--dry-run", "--in", "maildir:"+filepath.Join(in, "nope")); code != ExitError || !strings.Contains(errOut, "nope") {
		t.Errorf("missing input: exit %d: %s", code, errOut)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// genMaildir writes n customer mails (texts from the sample inbox, each
// with its own sender and Message-ID) into a new Maildir under dir.
func genMaildir(t *testing.T, dir string, n int) string {
	t.Helper()
	var texts []string
	f, err := os.Open(sampleInbox)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r struct{ Text string }
		json.Unmarshal(sc.Bytes(), &r)
		texts = append(texts, r.Text)
	}
	f.Close()
	md := filepath.Join(dir, "inbox")
	for _, sub := range []string{"tmp", "new", "cur"} {
		os.MkdirAll(filepath.Join(md, sub), 0o700)
	}
	for i := range n {
		body := texts[i%len(texts)]
		m := fmt.Sprintf("From: Kunde %d <kunde%d@kunde.example>\r\nTo: service@nordlicht.example\r\nSubject: Anfrage %d\r\n"+
			"Message-ID: <m%d@kunde.example>\r\nDate: Mon, 2 Mar 2026 10:%02d:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
			i, i, i, i, i%60, body)
		if err := os.WriteFile(filepath.Join(md, "new", fmt.Sprintf("17720000%05d.M1P1Q%d.host", i, i)), []byte(m), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return md
}

// TestBatchKilledAndResumed kills a batch run (a real child process,
// SIGKILL) in the middle, twice, and runs it again to the end: every mail
// gets exactly one decision, and no reply reaches the SMTP server twice.
func TestBatchKilledAndResumed(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	db, k := trained(t), kbDir(t)
	dir := t.TempDir()
	const n = 800
	md := genMaildir(t, dir, n)
	sink := startSink(t)
	out := filepath.Join(dir, "decisions.jsonl")
	args := []string{"batch", "--db", db, "--kb", k, "--in", "maildir:" + md, "--out", "jsonl:" + out,
		"--journal", filepath.Join(dir, "journal"), "--outbox", filepath.Join(dir, "outbox"), "--send",
		"--smtp", "smtp://" + sink.addr + "?starttls=none", "--from", "Nordlicht Service <service@nordlicht.example>", "--workers", "2"}

	lines := func() int {
		b, _ := os.ReadFile(out)
		return strings.Count(string(b), "\n")
	}
	for _, killAt := range []int{20, 150, 450} { // the first before any commit
		cmd := childCmd(t, args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(2 * time.Minute)
		for lines() < killAt && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("child was not killed (%v; it ended first?): %s", err, stderr.String())
		}
		t.Logf("killed at %d decision lines; server has %d messages", lines(), len(sink.messages()))
	}
	cmd := childCmd(t, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		// Exit status 3 is right when a kill left a delivery uncertain:
		// a person has to check it.
		if cmd.ProcessState.ExitCode() != ExitPartial || !strings.Contains(stderr.String(), "uncertain") {
			t.Fatalf("final run: %v\n%s", err, stderr.String())
		}
	}
	t.Logf("final run: %s", strings.TrimSpace(stderr.String()))

	// Exactly one decision per mail.
	b, _ := os.ReadFile(out)
	ids := map[string]int{}
	sends := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r struct {
			ID       string
			Outbox   string
			Decision struct{ Action string }
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("output line is not JSON (a torn write?): %v: %.80s", err, sc.Text())
		}
		ids[r.ID]++
		if r.Decision.Action == "send" && r.Outbox != "" {
			sends["<"+r.ID+">"] = true
		}
	}
	if len(ids) != n {
		t.Errorf("%d distinct messages decided, want %d", len(ids), n)
	}
	for id, c := range ids {
		if c != 1 {
			t.Errorf("message %s decided %d times", id, c)
		}
	}
	// At most one reply per mail at the server, and only to send decisions.
	received := map[string]int{}
	for _, m := range sink.messages() {
		msg, err := mail.ReadMessage(strings.NewReader(string(m)))
		if err != nil {
			t.Fatal(err)
		}
		received[msg.Header.Get("In-Reply-To")]++
	}
	for id, c := range received {
		if c > 1 {
			t.Errorf("%s answered %d times", id, c)
		}
		if !sends[id] {
			t.Errorf("%s answered without a send decision", id)
		}
	}
	uncertain := 0
	for id := range sends {
		if received[id] == 0 {
			uncertain++
		}
	}
	if len(sends) == 0 {
		t.Fatal("no send decisions; the test proves nothing")
	}
	// A reply may only be missing when a kill hit its delivery: at most
	// one per kill.
	if uncertain > 3 {
		t.Errorf("%d send decisions without a delivered reply, want at most 3 (one per kill)", uncertain)
	}
	t.Logf("%d mails, %d send decisions, %d replies delivered, %d left uncertain by the kills", n, len(sends), len(received), uncertain)
	if diff := cmp.Diff(len(received)+uncertain, len(sends)); diff != "" {
		t.Errorf("delivered + uncertain != sends: %s", diff)
	}
}

// TestBatchProgressBarHasTotal: on a terminal, batch counts a folder input
// first and shows a bar with the total (not a spinner), and the summary
// starts on a line of its own, not on the bar's.
func TestBatchProgressBarHasTotal(t *testing.T) {
	db, k := sharedTrained(t)
	streams, _, errOut := Test("")
	streams.IsStderrTTY = true
	code := Main(context.Background(), []string{"batch", "--db", db, "--kb", k, "--in", "dir:" + sampleMail, "--dry-run", "--out", "jsonl:" + filepath.Join(t.TempDir(), "d.jsonl")}, streams)
	if code != ExitOK {
		t.Fatalf("batch: exit %d: %s", code, errOut)
	}
	mails, _ := filepath.Glob(filepath.Join(sampleMail, "*.eml"))
	stderr := errOut.String()
	if total := fmt.Sprintf("/%d,", len(mails)); !strings.Contains(stderr, total) {
		t.Errorf("no bar with the total %q in stderr:\n%q", total, stderr)
	}
	i := strings.Index(stderr, "antwort: batch: ")
	if i < 0 {
		t.Fatalf("no summary in %q", stderr)
	}
	if before := stderr[:i]; !strings.HasSuffix(before, "\n") && !strings.HasSuffix(before, "\r") {
		t.Errorf("summary shares a line with the bar: %q", stderr[max(0, i-80):i+20])
	}
}
