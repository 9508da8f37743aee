package cli

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mailWithID writes the sample mail from, with its Message-ID replaced by
// id and a line added to its text (when not empty), into dir as name.
func mailWithID(t *testing.T, dir, name, from, id, extra string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sampleMail, from))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	start := strings.Index(s, "Message-ID: <")
	if start < 0 {
		t.Fatalf("%s has no Message-ID line", from)
	}
	end := start + strings.IndexByte(s[start:], '>')
	s = s[:start] + "Message-ID: <" + id + s[end:]
	if extra != "" {
		s = strings.Replace(s, "Hallo zusammen,", "Hallo zusammen, "+extra, 1)
	}
	if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// decisions reads batch's JSONL output.
type decision struct {
	ID       string
	Source   string
	Outbox   string
	ReusedID bool `json:"reused_id"`
	Decision struct {
		Action  string
		Reasons []struct {
			Name   string
			Passed bool
		}
	}
}

func readDecisions(t *testing.T, path string) []decision {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []decision
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var d decision
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("%v: %s", err, sc.Text())
		}
		out = append(out, d)
	}
	return out
}

// TestRateLimitHoldsAcrossRuns: two batch runs, one after the other,
// answer one sender automatically no more often than the policy's limit
// (3 in 24 hours) together, because the journal keeps the count.
func TestRateLimitHoldsAcrossRuns(t *testing.T) {
	db, k := trained(t), kbDir(t)
	dir := t.TempDir()
	j := filepath.Join(dir, "journal")
	sends := 0
	for n := range 2 {
		in := filepath.Join(dir, "in", string(rune('a'+n)))
		os.MkdirAll(in, 0o755)
		for i := range 3 {
			id := string(rune('a'+n)) + string(rune('0'+i)) + "@mail.gmail.com"
			mailWithID(t, in, id+".eml", "gmail_de.eml", id, "")
		}
		out := filepath.Join(dir, "run"+string(rune('a'+n))+".jsonl")
		code, stdout, errOut := run(t, "", "batch", "--db", db, "--kb", k, "--in", "dir:"+in, "--out", "jsonl:"+out,
			"--journal", j, "--outbox", filepath.Join(dir, "outbox"), "--workers", "3")
		if code != ExitOK {
			t.Fatalf("batch run %d: exit %d\n%s%s", n+1, code, stdout, errOut)
		}
		for _, d := range readDecisions(t, out) {
			if d.Decision.Action == "send" {
				sends++
			} else if n == 1 {
				failed := ""
				for _, r := range d.Decision.Reasons {
					if !r.Passed {
						failed += r.Name + ";"
					}
				}
				if failed != "rate limit;" {
					t.Errorf("run 2, %s: %s, failed checks %q; want suggest because of the rate limit alone", d.Source, d.Decision.Action, failed)
				}
			}
		}
		if n == 0 && sends != 3 {
			t.Fatalf("first run sent %d answers, want 3 (the mail must be one the policy answers)", sends)
		}
	}
	if sends != 3 {
		t.Errorf("two runs sent %d automatic answers to one sender, want 3 (the limit)", sends)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "outbox", "new", "*"))
	if len(files) != 3 {
		t.Errorf("outbox holds %d replies, want 3", len(files))
	}
}

// TestReusedMessageIDStillDecidedByBatch: a different mail with the
// Message-ID of one already processed (in the same run or an earlier
// one) is decided, gets a reply of its own and is reported; a copy of a
// processed mail is not decided again.
func TestReusedMessageIDStillDecidedByBatch(t *testing.T) {
	db, k := trained(t), kbDir(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	os.MkdirAll(in, 0o755)
	const id = "4711@mail.gmail.com"
	mailWithID(t, in, "a.eml", "gmail_de.eml", id, "")
	mailWithID(t, in, "b.eml", "gmail_de.eml", id, "Ich habe es schon zweimal versucht.")
	mailWithID(t, in, "c.eml", "gmail_de.eml", id, "") // a copy of a.eml
	j, out, ob := filepath.Join(dir, "journal"), filepath.Join(dir, "out.jsonl"), filepath.Join(dir, "outbox")
	batch := func() (int, string) {
		code, _, errOut := run(t, "", "batch", "--db", db, "--kb", k, "--in", "dir:"+in, "--out", "jsonl:"+out,
			"--journal", j, "--outbox", ob, "--workers", "1")
		return code, errOut
	}
	code, errOut := batch()
	if code != ExitOK {
		t.Fatalf("batch: exit %d\n%s", code, errOut)
	}
	ds := readDecisions(t, out)
	if len(ds) != 2 || ds[0].ReusedID || !ds[1].ReusedID || ds[0].Outbox == ds[1].Outbox || ds[1].Outbox == "" {
		t.Fatalf("decisions %+v; want a.eml and b.eml decided, b.eml marked reused_id with its own reply", ds)
	}
	if !strings.Contains(errOut, "used before by a different message") || !strings.Contains(errOut, "1 duplicate (same Message-ID and content)") {
		t.Errorf("stderr does not report the reused ID and the copy:\n%s", errOut)
	}
	// A new mail with the ID in a later run is decided too; the others are done.
	mailWithID(t, in, "d.eml", "gmail_de.eml", id, "Bitte schnell.")
	if code, errOut = batch(); code != ExitOK {
		t.Fatalf("second batch: exit %d\n%s", code, errOut)
	}
	ds = readDecisions(t, out)
	if len(ds) != 3 || filepath.Base(ds[2].Source) != "d.eml" || !ds[2].ReusedID || !strings.Contains(errOut, "2 already done") {
		t.Errorf("second run: decisions %+v\n%s; want d.eml decided as a reused ID, two done", ds, errOut)
	}
}

// TestServeRateLimitHoldsAcrossRestarts: a server answers one sender
// automatically no more often than the policy's limit, also when it is
// restarted in between, because the store keeps the count.
func TestServeRateLimitHoldsAcrossRestarts(t *testing.T) {
	db, k := trained(t), kbDir(t)
	msg := map[string]any{"from": "Tobias Krause <tobias.krause@example.com>", "subject": "Passwort zurücksetzen",
		"text": "Hallo, der Link zum Zurücksetzen des Passworts ist abgelaufen. Können Sie mir bitte einen neuen schicken? Danke, Tobias"}
	action := func(s *served) string {
		t.Helper()
		d, _ := s.post(t, "/v1/suggest", msg)["decision"].(map[string]any)
		a, _ := d["action"].(string)
		return a
	}
	s := serve(t, db, k)
	var got []string
	for range 2 {
		got = append(got, action(s))
	}
	if got[0] != "send" {
		t.Fatalf("first answer: %s, want send (the message must be one the policy answers)", got[0])
	}
	if code, errOut := s.stop(); code != ExitOK {
		t.Fatalf("serve stopped with %d: %s", code, errOut)
	}
	s = serve(t, db, k)
	for range 2 {
		got = append(got, action(s))
	}
	if strings.Join(got, " ") != "send send send suggest" {
		t.Errorf("four requests across a restart: %v, want send send send suggest (limit 3 per sender)", got)
	}
}

// TestKBImportEmptyKeepsLiveKB: importing an empty folder, or one with
// only bad articles, leaves a live knowledge base as it is (and says so)
// unless --allow-empty.
func TestKBImportEmptyKeepsLiveKB(t *testing.T) {
	k := kbDir(t)
	count := func() int {
		t.Helper()
		code, out, errOut := run(t, "", "kb", "list", "--kb", k)
		if code != ExitOK {
			t.Fatalf("kb list: exit %d: %s", code, errOut)
		}
		return strings.Count(out, "\n") - 1
	}
	before := count()
	if before == 0 {
		t.Fatal("the sample knowledge base is empty")
	}
	empty := t.TempDir()
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "a.md"), []byte("no front matter\n"), 0o644)
	os.WriteFile(filepath.Join(bad, "b.jsonl"), []byte(`{"id":"x","body":"no lang"}`+"\n"), 0o644)
	for _, args := range [][]string{{empty}, {bad}, {bad, filepath.Join(bad, "b.jsonl")}} {
		code, out, errOut := run(t, "", append([]string{"kb", "import", "--kb", k}, args...)...)
		if code == ExitOK || code == ExitPartial || !strings.Contains(errOut, "no importable articles") || !strings.Contains(errOut, "unchanged") {
			t.Errorf("kb import %v: exit %d, want a refusal\n%s%s", args, code, out, errOut)
		}
		if n := count(); n != before {
			t.Fatalf("kb import %v: %d articles left of %d", args, n, before)
		}
	}
	code, out, errOut := run(t, "", "kb", "import", "--kb", k, "--allow-empty", empty)
	if code != ExitOK || count() != 0 {
		t.Errorf("kb import --allow-empty of an empty folder: exit %d, %d articles left\n%s%s", code, count(), out, errOut)
	}
}

// TestTrainSymlinkOutOfTreeNotFollowed: 'train --data DIR/' does not
// train on a file a symbolic link brings in from outside DIR (here
// /etc/passwd, as a label's example); the link is reported and skipped.
func TestTrainSymlinkOutOfTreeNotFollowed(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	if err := os.CopyFS(data, os.DirFS("../../testdata/labelled")); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(data, "parcel_missing", "broken.eml"))
	if err := os.Symlink("/etc/passwd", filepath.Join(data, "praise", "passwd.txt")); err != nil {
		t.Skipf("no symlinks: %v", err)
	}
	db := filepath.Join(t.TempDir(), "antwort.db")
	code, out, errOut := run(t, "", "train", "--db", db, "--data", data+"/", "--folds", "2")
	if code != ExitPartial || !strings.Contains(errOut, "passwd.txt") || !strings.Contains(errOut, "leads out of the folder") {
		t.Fatalf("train with a link to /etc/passwd: exit %d, want %d and the link reported\n%s%s", code, ExitPartial, out, errOut)
	}
	var r trainResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("train output: %v\n%s", err, out)
	}
	if r.Examples != 20 || r.Skipped != 1 {
		t.Errorf("train result %+v, want the 20 examples of the folder and 1 skipped", r)
	}
}
