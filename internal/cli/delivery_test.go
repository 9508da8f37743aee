package cli

import (
	"errors"
	"io"
	"log"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/antwort-dev/antwort/journal"
)

// hangSession takes a message's data and then never answers, as a
// connection cut off after the data does.
type hangSession struct {
	sinkSession
	stop chan struct{}
}

func (h *hangSession) Data(r io.Reader) error {
	_, _ = io.Copy(io.Discard, r)
	<-h.stop
	return errors.New("gone")
}

// startHangingSMTP starts an SMTP server on loopback that never answers
// the end of the data.
func startHangingSMTP(t *testing.T) string {
	t.Helper()
	stop := make(chan struct{})
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &hangSession{stop: stop}, nil
	}))
	srv.Domain = "localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(l) }()
	t.Cleanup(func() { close(stop); srv.Close(); <-done })
	return l.Addr().String()
}

// TestBatchDeliveryCutOffCountedOnce: replies whose delivery is cut off
// after the data are each counted once (uncertain, not also failed), and
// each sits in exactly one outbox state.
func TestBatchDeliveryCutOffCountedOnce(t *testing.T) {
	db, k := sharedTrained(t)
	addr := startHangingSMTP(t)
	dir := t.TempDir()
	ob := filepath.Join(dir, "outbox")
	code, _, errOut := run(t, "", "batch", "--db", db, "--kb", k, "--in", "jsonl:"+sampleInbox, "--out", "jsonl:"+filepath.Join(dir, "d.jsonl"),
		"--journal", filepath.Join(dir, "journal"), "--outbox", ob, "--send", "--smtp", "smtp://"+addr+"?starttls=none", "--smtp-timeout", "300ms")
	if code != ExitPartial {
		t.Fatalf("exit %d, want %d (uncertain deliveries)\n%s", code, ExitPartial, errOut)
	}
	queued, _ := filepath.Glob(filepath.Join(ob, "sending", "*"))
	m := regexp.MustCompile(`sent (\d+) replies, (\d+) failed .*?, (\d+) uncertain`).FindStringSubmatch(errOut)
	if m == nil || len(queued) == 0 || m[1] != "0" || m[2] != "0" || m[3] != strconv.Itoa(len(queued)) {
		t.Fatalf("summary %q, %d replies in sending/; want 0 sent, 0 failed, %d uncertain:\n%s", m, len(queued), len(queued), errOut)
	}
	for _, q := range queued {
		key := filepath.Base(q)
		for _, sub := range []string{"new", "failed", "tmp"} {
			if _, err := os.Stat(filepath.Join(ob, sub, key)); err == nil {
				t.Errorf("%s is in sending/ and in %s/", key, sub)
			}
		}
	}
}

// TestBatchOutputToDevNull: --out jsonl:/dev/null works (nothing to sync
// or cut back there).
func TestBatchOutputToDevNull(t *testing.T) {
	db, k := sharedTrained(t)
	dir := t.TempDir()
	for range 2 {
		code, _, errOut := run(t, "", "batch", "--db", db, "--kb", k, "--in", "jsonl:"+sampleInbox, "--out", "jsonl:/dev/null",
			"--journal", filepath.Join(dir, "journal"))
		if code != ExitOK {
			t.Fatalf("exit %d\n%s", code, errOut)
		}
	}
}

// TestBatchLockedJournalExits5: a journal held by another run exits 5,
// like a locked model store.
func TestBatchLockedJournalExits5(t *testing.T) {
	db, k := sharedTrained(t)
	path := filepath.Join(t.TempDir(), "journal")
	j, err := journal.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	code, _, errOut := run(t, "", "batch", "--db", db, "--kb", k, "--in", "jsonl:"+sampleInbox, "--out", "jsonl:-",
		"--journal", path, "--lock-timeout", "100ms")
	if code != ExitLocked || !strings.Contains(errOut, "locked") {
		t.Errorf("exit %d, want %d:\n%s", code, ExitLocked, errOut)
	}
}

// TestBatchCleansStaleDrafts: a file a killed run left in drafts/tmp is
// removed when the next run opens the folder.
func TestBatchCleansStaleDrafts(t *testing.T) {
	db, k := sharedTrained(t)
	dir := t.TempDir()
	drafts := filepath.Join(dir, "drafts")
	if err := os.MkdirAll(filepath.Join(drafts, "tmp"), 0o700); err != nil {
		t.Fatal(err)
	}
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip(err)
	}
	stale := filepath.Join(drafts, "tmp", "r00ff.antwort="+strconv.Itoa(dead.Process.Pid)+"=1")
	if err := os.WriteFile(stale, []byte("half a draft"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "", "batch", "--db", db, "--kb", k, "--in", "jsonl:"+sampleInbox, "--out", "jsonl:"+filepath.Join(dir, "d.jsonl"),
		"--journal", filepath.Join(dir, "journal"), "--drafts", drafts)
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale %s: %v, want it removed", stale, err)
	}
}
