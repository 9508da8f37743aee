// Command imapbench measures antwort on an IMAP mailbox served by a
// throwaway Dovecot (a child process on loopback, see internal/dovecot):
//
//	imapbench sync  ... initial sync of a Maildir's mails from Dovecot,
//	                    against the Maildir batch rate in the same run
//	imapbench watch ... latency of --watch: mails appended one a second,
//	                    decided and their drafts in Drafts
//	imapbench crash ... Dovecot killed and restarted during a run: each
//	                    mail decided once, no draft twice
//
// bench/imap.sh runs all three; run "imapbench CMD -h" for the flags.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/antwort-dev/antwort/internal/dovecot"
	"github.com/antwort-dev/antwort/internal/imapbox"
)

// common are the flags every measurement takes.
type common struct {
	antwort, db, kb, mail, dir string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.antwort, "antwort", "bench/out/antwort", "antwort binary")
	fs.StringVar(&c.db, "db", "", "model store")
	fs.StringVar(&c.kb, "kb", "", "knowledge base")
	fs.StringVar(&c.mail, "mail", "", "Maildir with the mails (bench/genmail)")
	fs.StringVar(&c.dir, "dir", "", "working folder (created; Dovecot's mail and the outputs go here)")
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("imapbench: ")
	if len(os.Args) < 2 {
		log.Fatal("usage: imapbench sync|watch|crash [flags]")
	}
	var err error
	switch os.Args[1] {
	case "sync":
		err = runSync(os.Args[2:])
	case "watch":
		err = runWatch(os.Args[2:])
	case "crash":
		err = runCrash(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: want sync, watch or crash", os.Args[1])
	}
	if err != nil {
		log.Fatal(err)
	}
}

// startDovecot starts Dovecot in dir with the mails of the Maildir md in
// its INBOX, indexed.
func startDovecot(dir, md string) (*dovecot.Server, error) {
	os.RemoveAll(dir)
	s, err := dovecot.Start(dir, dovecot.Options{})
	if err != nil {
		return nil, err
	}
	if md == "" {
		return s, nil
	}
	start := time.Now()
	inbox := s.Maildir()
	for _, sub := range []string{"new", "cur", "tmp"} {
		if err := os.MkdirAll(filepath.Join(inbox, sub), 0o700); err != nil {
			return nil, err
		}
	}
	n := 0
	for _, sub := range []string{"new", "cur"} {
		files, _ := os.ReadDir(filepath.Join(md, sub))
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(md, sub, f.Name()))
			if err != nil {
				return nil, err
			}
			// Named as Dovecot names the mail it delivers, with its size
			// and its size with CRLF line ends, which Dovecot then need
			// not read the file to learn (RFC822.SIZE).
			name := fmt.Sprintf("%s,S=%d,W=%d", strings.SplitN(f.Name(), ":", 2)[0], len(b), len(b)+bareLF(b))
			if err := os.WriteFile(filepath.Join(inbox, "new", name), b, 0o600); err != nil {
				return nil, err
			}
			n++
		}
	}
	if err := s.Chown(inbox); err != nil {
		return nil, err
	}
	copied := time.Since(start)
	if _, err := s.Doveadm("mailbox status", "messages", "INBOX"); err != nil {
		return nil, err
	}
	fmt.Printf("dovecot: %d mails copied into its Maildir in %s, indexed by Dovecot in %s\n", n, copied.Round(time.Millisecond), (time.Since(start) - copied).Round(time.Millisecond))
	return s, nil
}

// bareLF counts the line ends without CR.
func bareLF(b []byte) int {
	n := 0
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') {
			n++
		}
	}
	return n
}

// batchRun is one antwort batch run.
type batchRun struct {
	processed int
	rate      float64 // antwort's own figure (mails/s, reading included, start-up not)
	wall      time.Duration
	stderr    string
}

var summaryRE = regexp.MustCompile(`batch: (\d+) processed in [^ ]+ \((\d+)/s\)`)

// batch runs antwort batch with args and reads its summary.
func (c *common) batch(env []string, args ...string) (batchRun, error) {
	cmd := exec.Command(c.antwort, append([]string{"batch", "--db", c.db, "--kb", c.kb}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	r := batchRun{wall: time.Since(start), stderr: stderr.String()}
	if err != nil {
		return r, fmt.Errorf("antwort batch %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	m := summaryRE.FindStringSubmatch(r.stderr)
	if m == nil {
		return r, fmt.Errorf("no summary in:\n%s", r.stderr)
	}
	r.processed, _ = strconv.Atoi(m[1])
	r.rate, _ = strconv.ParseFloat(m[2], 64)
	return r, nil
}

func passwordEnv(s *dovecot.Server) []string { return []string{"ANTWORT_IMAP_PASSWORD=" + s.Password} }

// runSync: the Maildir batch rate and the IMAP initial sync rate, each as
// a dry run (read and decide), as a run with the journal (for IMAP with
// $antwort-done on every mail), and as a run that also writes a draft for
// nearly every mail (a Maildir of drafts; the IMAP Drafts folder).
func runSync(args []string) error {
	var c common
	fs := flag.NewFlagSet("sync", flag.ExitOnError)
	c.register(fs)
	fs.Parse(args)
	os.MkdirAll(c.dir, 0o755)
	md := c.mail
	mdRun, err := c.batch(nil, "--dry-run", "--in", "maildir:"+md, "--out", "jsonl:"+filepath.Join(c.dir, "maildir-dry.jsonl"))
	if err != nil {
		return err
	}
	mdJournal, err := c.batch(nil, "--in", "maildir:"+md, "--journal", filepath.Join(c.dir, "maildir-j.journal"), "--out", "jsonl:"+filepath.Join(c.dir, "maildir-j.jsonl"))
	os.Remove(filepath.Join(c.dir, "maildir-j.journal"))
	if err != nil {
		return err
	}
	mdFull := filepath.Join(c.dir, "maildir-full")
	os.RemoveAll(mdFull + "-drafts")
	mdReal, err := c.batch(nil, "--in", "maildir:"+md, "--journal", filepath.Join(c.dir, "maildir.journal"), "--out", "jsonl:"+mdFull+".jsonl",
		"--drafts", mdFull+"-drafts")
	os.Remove(filepath.Join(c.dir, "maildir.journal"))
	if err != nil {
		return err
	}
	s, err := startDovecot(filepath.Join(c.dir, "dovecot"), md)
	if err != nil {
		return err
	}
	defer s.Stop()
	env := passwordEnv(s)
	imDry, err := c.batch(env, "--dry-run", "--in", s.URL("INBOX"), "--out", "jsonl:"+filepath.Join(c.dir, "imap-dry.jsonl"))
	if err != nil {
		return err
	}
	j := filepath.Join(c.dir, "imap-j.journal")
	os.Remove(j)
	imJournal, err := c.batch(env, "--in", s.URL("INBOX"), "--journal", j, "--out", "jsonl:"+filepath.Join(c.dir, "imap-j.jsonl"), "--corrections", "none")
	if err != nil {
		return err
	}
	if _, err := s.Doveadm("flags remove", "$antwort-done", "mailbox", "INBOX", "all"); err != nil {
		return err
	}
	j = filepath.Join(c.dir, "imap.journal")
	os.Remove(j)
	imReal, err := c.batch(env, "--in", s.URL("INBOX"), "--journal", j, "--out", "jsonl:"+filepath.Join(c.dir, "imap-full.jsonl"),
		"--drafts", "imap:", "--corrections", "none")
	if err != nil {
		return err
	}
	drafts, err := s.Doveadm("mailbox status", "messages", "Drafts")
	if err != nil {
		return err
	}
	left, err := unmarked(s)
	if err != nil {
		return err
	}
	fmt.Printf("%-44s %8s %10s %8s\n", "run", "mails", "mails/s", "wall")
	for _, x := range []struct {
		name string
		r    batchRun
	}{{"maildir --dry-run", mdRun}, {"imap --dry-run (EXAMINE, nothing marked)", imDry},
		{"maildir, journal", mdJournal}, {"imap, journal, $antwort-done", imJournal},
		{"maildir, journal, drafts", mdReal}, {"imap, journal, drafts, $antwort-done", imReal}} {
		fmt.Printf("%-44s %8d %10.0f %8s\n", x.name, x.r.processed, x.r.rate, x.r.wall.Round(10*time.Millisecond))
	}
	fmt.Printf("ratio imap/maildir: dry run %.2f, with journal %.2f, with drafts %.2f; %s; mails left without $antwort-done: %d\n",
		imDry.rate/mdRun.rate, imJournal.rate/mdJournal.rate, imReal.rate/mdReal.rate, strings.TrimSpace(string(drafts)), left)
	return nil
}

// unmarked counts the INBOX mails without $antwort-done.
func unmarked(s *dovecot.Server) (int, error) {
	out, err := s.Doveadm("search", "mailbox", "INBOX", "not", "keyword", "$antwort-done")
	if err != nil {
		return 0, err
	}
	return len(strings.Fields(string(out))) / 2, nil
}

// runWatch appends mails one a second to the INBOX of a watching antwort
// and measures when each is decided (its line in --out) and when its
// draft is in Drafts.
func runWatch(args []string) error {
	var c common
	n := 0
	every := time.Second
	fs := flag.NewFlagSet("watch", flag.ExitOnError)
	c.register(fs)
	fs.IntVar(&n, "n", 200, "mails to append")
	fs.DurationVar(&every, "every", time.Second, "time between two mails")
	fs.Parse(args)
	os.MkdirAll(c.dir, 0o755)
	s, err := startDovecot(filepath.Join(c.dir, "dovecot"), "")
	if err != nil {
		return err
	}
	defer s.Stop()
	mails, err := readMails(c.mail, n)
	if err != nil {
		return err
	}
	out := filepath.Join(c.dir, "watch.jsonl")
	os.Remove(out)
	j := filepath.Join(c.dir, "watch.journal")
	os.Remove(j)
	cmd := exec.Command(c.antwort, "batch", "--db", c.db, "--kb", c.kb, "--in", s.URL("INBOX"), "--journal", j, "--out", "jsonl:"+out,
		"--drafts", "imap:", "--watch", "--corrections", "none")
	cmd.Env = append(os.Environ(), passwordEnv(s)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	defer cmd.Process.Kill()

	ctx := context.Background()
	acct, err := imapbox.ParseURL(s.URL("INBOX"))
	if err != nil {
		return err
	}
	mb, err := imapbox.Open(ctx, acct, imapbox.Options{Password: s.Password})
	if err != nil {
		return err
	}
	defer mb.Close()
	time.Sleep(2 * time.Second) // antwort logs in and waits in IDLE
	var decided, drafted []time.Duration
	noDraft := 0
	next := time.Now()
	for i, raw := range mails {
		time.Sleep(time.Until(next))
		next = next.Add(every)
		id := msgID(raw)
		start := time.Now()
		if _, err := mb.Append(ctx, "INBOX", raw); err != nil {
			return err
		}
		appended := time.Since(start)
		var dec, draft time.Duration
		deadline := time.Now().Add(10 * time.Second)
		for (dec == 0 || draft == 0) && time.Now().Before(deadline) {
			if dec == 0 {
				if action, ok := decisionOf(out, id); ok {
					dec = time.Since(start)
					if action == "ignore" {
						draft = -1 // no draft for it
					}
				}
			}
			if draft == 0 {
				if ok, err := mb.HasHeader(ctx, "Drafts", "In-Reply-To", "<"+id+">"); err == nil && ok {
					draft = time.Since(start)
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
		if dec == 0 {
			return fmt.Errorf("mail %d (%s) not decided within 10 s\n%s", i, id, stderr.String())
		}
		decided = append(decided, dec)
		if draft > 0 {
			drafted = append(drafted, draft)
		} else {
			noDraft++
		}
		if i < 3 || (i+1)%50 == 0 || dec > time.Second || draft > time.Second {
			fmt.Printf("mail %d (%s): APPEND %s, decided after %s, draft after %s\n", i+1, start.Format("15:04:05"),
				appended.Round(time.Millisecond), dec.Round(time.Millisecond), draft.Round(time.Millisecond))
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	fmt.Printf("watch: %d mails, one every %s; latency from APPEND to\n", len(mails), every)
	fmt.Printf("  decided (its line in --out):   %s\n", quantiles(decided))
	fmt.Printf("  draft in Drafts (%d mails):    %s   (%d without a draft: ignored)\n", len(drafted), quantiles(drafted), noDraft)
	return nil
}

func quantiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	q := func(p float64) time.Duration { return s[min(len(s)-1, int(p*float64(len(s))))] }
	return fmt.Sprintf("p50 %s, p99 %s, max %s", q(0.5).Round(time.Millisecond), q(0.99).Round(time.Millisecond), s[len(s)-1].Round(time.Millisecond))
}

// decisionOf looks for the decision about id in antwort's JSONL output.
func decisionOf(path, id string) (string, bool) {
	b, err := os.ReadFile(path)
	if err != nil || !bytes.Contains(b, []byte(`"id":"`+id+`"`)) {
		return "", false
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r struct {
			ID       string
			Decision struct{ Action string }
		}
		if json.Unmarshal(sc.Bytes(), &r) == nil && r.ID == id {
			return r.Decision.Action, true
		}
	}
	return "", false
}

// readMails reads up to n mails of a Maildir, in name order.
func readMails(md string, n int) ([][]byte, error) {
	files, err := filepath.Glob(filepath.Join(md, "new", "*"))
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	var out [][]byte
	for _, f := range files[:min(n, len(files))] {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

var midRE = regexp.MustCompile(`(?mi)^Message-ID:\s*<([^>]+)>`)

func msgID(raw []byte) string {
	if m := midRE.FindSubmatch(raw); m != nil {
		return string(m[1])
	}
	return ""
}

// runCrash runs batch over the mails while Dovecot is killed (SIGKILL)
// and started again several times, then checks that each mail was
// decided once, carries $antwort-done, and has at most one draft.
func runCrash(args []string) error {
	var c common
	kills := 0
	fs := flag.NewFlagSet("crash", flag.ExitOnError)
	c.register(fs)
	fs.IntVar(&kills, "kills", 3, "times Dovecot is killed and restarted")
	fs.Parse(args)
	os.MkdirAll(c.dir, 0o755)
	s, err := startDovecot(filepath.Join(c.dir, "dovecot"), c.mail)
	if err != nil {
		return err
	}
	defer s.Stop()
	total, err := countMails(c.mail)
	if err != nil {
		return err
	}
	out := filepath.Join(c.dir, "crash.jsonl")
	j := filepath.Join(c.dir, "crash.journal")
	os.Remove(out)
	os.Remove(j)
	cmd := exec.Command(c.antwort, "batch", "--db", c.db, "--kb", c.kb, "--in", s.URL("INBOX"), "--journal", j, "--out", "jsonl:"+out,
		"--drafts", "imap:", "--corrections", "none")
	cmd.Env = append(os.Environ(), passwordEnv(s)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	killed := 0
	var runErr error
wait:
	for {
		select {
		case runErr = <-exited:
			break wait
		case <-time.After(20 * time.Millisecond):
		}
		if killed < kills && lines(out) >= total*(killed+1)/(kills+1) {
			s.Kill()
			time.Sleep(time.Second)
			if err := s.Restart(); err != nil {
				return err
			}
			killed++
			fmt.Printf("crash: Dovecot killed and restarted after %d decisions (%s)\n", lines(out), time.Since(start).Round(time.Millisecond))
		}
	}
	if runErr != nil {
		return fmt.Errorf("antwort batch: %v\n%s", runErr, stderr.String())
	}
	counts := map[string]int{}
	b, _ := os.ReadFile(out)
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var r struct{ ID string }
		if json.Unmarshal(line, &r) == nil {
			counts[r.ID]++
		}
	}
	twice := 0
	for _, n := range counts {
		if n > 1 {
			twice++
		}
	}
	drafts, err := s.Doveadm("fetch", "hdr.in-reply-to", "mailbox", "Drafts", "all")
	if err != nil {
		return err
	}
	perMail := map[string]int{}
	for _, line := range strings.Split(string(drafts), "\n") {
		if v, ok := strings.CutPrefix(line, "hdr.in-reply-to: "); ok {
			perMail[v]++
		}
	}
	draftTwice, nDrafts := 0, 0
	for _, n := range perMail {
		nDrafts += n
		if n > 1 {
			draftTwice++
		}
	}
	left, err := unmarked(s)
	if err != nil {
		return err
	}
	reconnects := strings.Count(stderr.String(), "reconnected")
	fmt.Printf("crash: %d mails, Dovecot killed %d times; %d decisions for %d distinct mails, %d decided twice; %d drafts for %d mails, %d mails with two drafts; %d left without $antwort-done; %d reconnections; %s\n",
		total, killed, lines(out), len(counts), twice, nDrafts, len(perMail), draftTwice, left, reconnects,
		time.Since(start).Round(100*time.Millisecond))
	if twice > 0 || draftTwice > 0 || left > 0 || len(counts) != total {
		return fmt.Errorf("crash: exactly-once violated (see above)")
	}
	return nil
}

func lines(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	buf := make([]byte, 64<<10)
	for {
		k, err := f.Read(buf)
		n += bytes.Count(buf[:k], []byte("\n"))
		if err == io.EOF || err != nil {
			return n
		}
	}
}

func countMails(md string) (int, error) {
	n := 0
	for _, sub := range []string{"new", "cur"} {
		files, err := os.ReadDir(filepath.Join(md, sub))
		if err != nil && !os.IsNotExist(err) {
			return 0, err
		}
		n += len(files)
	}
	return n, nil
}
