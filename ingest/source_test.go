package ingest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-maildir"
	"github.com/emersion/go-mbox"
	"github.com/google/go-cmp/cmp"
)

// item is one result of Source.Next reduced to what tests compare.
type item struct {
	Source string // Message.Source or Problem.Where()
	ID     string // message ID; "" for a problem
	Kind   string // sentinel of a problem; "" for a message
}

// drainSource reads s to the end and returns what it yielded, in order.
func drainSource(t *testing.T, s *Source) ([]item, []*Message) {
	t.Helper()
	var items []item
	var msgs []*Message
	for range 100_000 {
		m, err := s.Next(context.Background())
		var p *Problem
		switch {
		case err == nil:
			if m.Source == "" {
				t.Errorf("message %q has no Source", m.ID)
			}
			items = append(items, item{Source: m.Source, ID: m.ID})
			msgs = append(msgs, withoutHash(t, m))
		case errors.As(err, &p):
			if p.Err == nil || p.Source == "" {
				t.Errorf("Problem without source or error: %#v", p)
			}
			items = append(items, item{Source: p.Where(), Kind: kindOf(p.Err)})
		case err == io.EOF:
			if _, again := s.Next(context.Background()); again != io.EOF {
				t.Errorf("Next after io.EOF = %v, want io.EOF", again)
			}
			return items, msgs
		default:
			t.Fatalf("Next() error = %v", err)
		}
	}
	t.Fatal("Source did not end")
	return nil, nil
}

func openSource(t *testing.T, spec string, opts Options) *Source {
	t.Helper()
	s, err := Open(context.Background(), spec, opts)
	if err != nil {
		t.Fatalf("Open(%q) error = %v", spec, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func readMail(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(mailCorpus, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// idOf parses a corpus mail and returns its ID.
func idOf(t *testing.T, name string) string {
	t.Helper()
	m, err := parseMessage(readMail(t, name), Options{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m.ID
}

// snapshot lists every file below dir with its size and modification
// time, to show that reading changed nothing.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		lines = append(lines, rel+" "+fi.Mode().String()+" "+fi.ModTime().Format(time.RFC3339Nano)+" "+strconv.FormatInt(fi.Size(), 10))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// deliver writes mail into the Maildir dir through go-maildir, the way an
// MDA does (tmp/ then new/), and returns the file's path in new/.
func deliver(t *testing.T, dir string, mail []byte) string {
	t.Helper()
	d, err := maildir.NewDelivery(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Write(mail); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	// The newest file in new/ is the one just delivered; go-maildir does
	// not return its name.
	newest, newestTime := "", time.Time{}
	des, _ := os.ReadDir(filepath.Join(dir, "new"))
	for _, de := range des {
		fi, _ := de.Info()
		if fi != nil && !fi.ModTime().Before(newestTime) {
			newest, newestTime = de.Name(), fi.ModTime()
		}
	}
	return filepath.Join(dir, "new", newest)
}

// seen moves a delivered mail from new/ to cur/ with the "seen" flag, as
// a mail client does.
func seen(t *testing.T, path string) string {
	t.Helper()
	dir := filepath.Dir(filepath.Dir(path))
	to := filepath.Join(dir, "cur", filepath.Base(path)+":2,S")
	if err := os.Rename(path, to); err != nil {
		t.Fatal(err)
	}
	return to
}

func TestOpenMaildir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "service")
	if err := maildir.Dir(dir).Init(); err != nil {
		t.Fatal(err)
	}
	names := []string{"outlook_de_reply.eml", "gmail_de.eml", "ooo_de.eml", "iphone_de.eml", "latin1_qp_de.eml"}
	var paths []string
	for _, n := range names {
		paths = append(paths, deliver(t, dir, readMail(t, n)))
		time.Sleep(2 * time.Millisecond) // distinct modification times
	}
	// Two were read by a mail client already.
	paths[0] = seen(t, paths[0])
	paths[2] = seen(t, paths[2])
	// Clutter a Maildir collects: an index file beside cur/, a mail being
	// delivered in tmp/, a note someone dropped into cur/, a dot file.
	for name, content := range map[string]string{
		"dovecot-uidlist":    "3 V1 N6\n",
		"tmp/1.M2P3.host":    "From: half\n",
		"cur/notizen.txt":    "Bitte Montag zurückrufen.\n",
		"cur/.hidden:2,S":    "From: x\n\nhidden\n",
		"new/.nfs000000001a": "From: x\n\nhidden\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	before := snapshot(t, dir)

	for _, spec := range []string{"maildir:" + dir, dir} {
		t.Run(spec, func(t *testing.T) {
			s := openSource(t, spec, Options{})
			if s.Kind() != KindMaildir {
				t.Errorf("Kind() = %q, want maildir", s.Kind())
			}
			got, msgs := drainSource(t, s)
			// new/ first, then cur/, each sorted by file name.
			var want []item
			newPaths := []string{paths[1], paths[3], paths[4]}
			sort.Strings(newPaths)
			byPath := map[string]string{}
			for i, p := range paths {
				byPath[p] = idOf(t, names[i])
			}
			for _, p := range newPaths {
				want = append(want, item{Source: p, ID: byPath[p]})
			}
			curPaths := []string{paths[0], paths[2], filepath.Join(dir, "cur", "notizen.txt")}
			sort.Strings(curPaths)
			for _, p := range curPaths {
				if strings.HasSuffix(p, "notizen.txt") {
					want = append(want, item{Source: p, Kind: "ErrNotMail"})
				} else {
					want = append(want, item{Source: p, ID: byPath[p]})
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Maildir items mismatch (-want +got):\n%s", diff)
			}
			for _, m := range msgs {
				if m.Text == "" || m.Channel != "email" {
					t.Errorf("%s: empty text or wrong channel: %+v", m.Source, m)
				}
			}
		})
	}
	if after := snapshot(t, dir); after != before {
		t.Errorf("reading changed the Maildir:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestOpenMaildirMovedDuringRun moves a mail from new/ to cur/ while the
// Source reads, as a mail client would: it is read once.
func TestOpenMaildirMovedDuringRun(t *testing.T) {
	dir := t.TempDir()
	if err := maildir.Dir(dir).Init(); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, n := range []string{"apple_en.eml", "gmail_de.eml", "thunderbird_de.eml"} {
		paths = append(paths, deliver(t, dir, readMail(t, n)))
	}
	sort.Strings(paths)
	old := seen(t, deliver(t, dir, readMail(t, "iphone_de.eml")))
	s := openSource(t, "maildir:"+dir, Options{})
	first, err := s.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The client marks the first (already read by us) and the third (not
	// yet) as seen, and answers the one in cur/ (its flags change).
	seen(t, first.Source)
	seen(t, paths[2])
	if err := os.Rename(old, strings.TrimSuffix(old, "S")+"RS"); err != nil {
		t.Fatal(err)
	}
	got, _ := drainSource(t, s)
	ids := map[string]int{first.ID: 1}
	for _, it := range got {
		if it.Kind != "" {
			t.Errorf("unexpected problem %+v", it)
		}
		ids[it.ID]++
	}
	if len(ids) != 4 {
		t.Errorf("read %d distinct mails, want 4: %v", len(ids), ids)
	}
	for id, n := range ids {
		if n != 1 {
			t.Errorf("mail %s read %d times", id, n)
		}
	}
}

// writeMbox writes the corpus mails as an mbox through go-mbox and returns
// its path.
func writeMbox(t *testing.T, names ...string) string {
	t.Helper()
	var buf bytes.Buffer
	w := mbox.NewWriter(&buf)
	for _, n := range names {
		mw, err := w.CreateMessage("sender@example.com", time.Date(2026, 3, 12, 10, 15, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mw.Write(readMail(t, n)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "export.mbox", buf.String())
}

func TestOpenMbox(t *testing.T) {
	fromLine := "From: Ole <ole@example.com>\nSubject: Lieferung\nMessage-ID: <from-line@example.com>\n\n" +
		"Hallo,\n\nFrom the start the parcel was late.\n>From here on I keep records.\n\nOle\n"
	names := []string{"gmail_de.eml", "bounce.eml", "attachment_pdf_de.eml"}
	path := writeMbox(t, names...)
	// Append a message with body lines that start with "From " by hand, so
	// that the escaping is checked too.
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("From ole@example.com Thu Mar 12 10:15:00 2026\n" + strings.ReplaceAll(fromLine, "\nFrom the", "\n>From the") + "\n")
	f.Close()

	s := openSource(t, "mbox:"+path, Options{KeepRaw: true})
	got, msgs := drainSource(t, s)
	want := []item{
		{Source: path + "#1", ID: idOf(t, names[0])},
		{Source: path + "#2", ID: idOf(t, names[1])},
		{Source: path + "#3", ID: idOf(t, names[2])},
		{Source: path + "#4", ID: "from-line@example.com"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("mbox items mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(msgs[3].Text, "From the start the parcel was late.\nFrom here on I keep records.") {
		t.Errorf("escaped From lines not restored:\n%s", msgs[3].Text)
	}
	if msgs[1].Auto == "" {
		t.Errorf("bounce in mbox not recognised: %+v", msgs[1])
	}
	// Raw is the message as stored (go-mbox wrote LF line endings).
	for i, n := range names {
		wantRaw := strings.TrimRight(strings.ReplaceAll(string(readMail(t, n)), "\r\n", "\n"), "\n")
		if gotRaw := strings.TrimRight(string(msgs[i].Raw), "\n"); gotRaw != wantRaw {
			t.Errorf("message %d Raw differs from %s:\n%q\nwant\n%q", i+1, n, gotRaw[:min(200, len(gotRaw))], wantRaw[:min(200, len(wantRaw))])
		}
	}
	// The same file as a bare path, and through stdin.
	bare, _ := drainSource(t, openSource(t, path, Options{}))
	if len(bare) != 4 {
		t.Errorf("bare .mbox path: got %d items, want 4", len(bare))
	}
	raw, _ := os.ReadFile(path)
	stdin, _ := drainSource(t, openSource(t, "-", Options{Stdin: bytes.NewReader(raw)}))
	for i := range stdin {
		stdin[i].Source = strings.Replace(stdin[i].Source, "stdin", path, 1)
	}
	if diff := cmp.Diff(want, stdin); diff != "" {
		t.Errorf("mbox on stdin (sniffed) mismatch (-want +got):\n%s", diff)
	}
}

// TestOpenMboxBroken: text before the first separator, a broken "From "
// line with no mail after it, a message over the limit and one with NUL
// bytes are reported with their index and line; the rest is read.
func TestOpenMboxBroken(t *testing.T) {
	good := func(id, text string) string {
		return "From: a@example.com\nSubject: s\nMessage-ID: <" + id + ">\n\n" + text + "\n"
	}
	content := "this is not an mbox header\nnor is this\n\n" + // lines 1-3
		"From a@example.com Thu Mar 12 10:15:00 2026\n" + good("m1@x", "Paket fehlt.") + "\n" + // line 4
		"From \n" + "no header here, just text\n\n" + // line 11: broken separator
		"From b@example.com Thu Mar 12 10:16:00 2026\n" + good("m3@x", strings.Repeat("zu lang ", 200)) + "\n" + // line 14
		"From c@example.com Thu Mar 12 10:17:00 2026\n" + good("m4@x", "mit\x00NUL\x00Bytes") + "\n" + // line 21
		"From d@example.com Thu Mar 12 10:18:00 2026\n" + good("m5@x", "Rechnung falsch.") // line 28
	path := writeFile(t, "broken.mbox", content)
	s := openSource(t, "mbox:"+path, Options{MaxBytes: 1000})
	var got []string
	for {
		m, err := s.Next(context.Background())
		if err == io.EOF {
			break
		}
		var p *Problem
		switch {
		case errors.As(err, &p):
			got = append(got, p.Error()[len(path):]+" ["+kindOf(p)+"]")
		case err != nil:
			t.Fatal(err)
		default:
			got = append(got, m.Source[len(path):]+" "+m.ID+" "+m.Text)
		}
	}
	want := []string{
		`:1: 2 line(s) before the "From " separator on line 4 skipped (not part of a message) [ErrMalformed]`,
		"#1 m1@x Paket fehlt.",
		"#2 (line 11): not a mail message: no RFC 5322 header at the start [ErrNotMail]",
		"#3 (line 14): message is over the limit of 1000 bytes [ErrTooLarge]",
		"#4 m4@x mitNULBytes",
		"#5 m5@x Rechnung falsch.",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("broken mbox mismatch (-want +got):\n%s", diff)
	}
}

func TestOpenDir(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	files := map[string][]byte{
		"2026-03/a.eml":        readMail(t, "gmail_de.eml"),
		"2026-03/B.EML":        readMail(t, "apple_en.eml"),
		"2026-03/notes.txt":    []byte("not a mail file"),
		"2026-02/old/c.eml":    readMail(t, "latin1_qp_de.eml"),
		"2026-02/kaputt.eml":   []byte("\x00\x01\x02\x03binary\x00\x00\x00\x00\x00\x00\x00\x00"),
		".Trash/d.eml":         readMail(t, "ooo_de.eml"),
		"top.eml":              readMail(t, "own_reply_de.eml"),
		"2026-02/.draft.eml":   readMail(t, "ooo_en.eml"),
		"2026-03/readme.eml~":  []byte("backup"),
		"2026-02/old/leer.eml": []byte("Subject: \n\n\n"),
	}
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(outside, "x.eml"), readMail(t, "base64_utf8_de.eml"), 0o644)
	// A link to a mail inside the tree (read as itself, not twice), one
	// to a mail outside and one to a folder outside (not followed,
	// reported), one dangling (reported).
	links := map[string]string{
		"2026-03/link-inside.eml":  filepath.Join(root, "top.eml"),
		"2026-03/link-outside.eml": filepath.Join(outside, "x.eml"),
		"2026-03/dangling.eml":     filepath.Join(root, "gone.eml"),
		"2026-03/dirlink":          outside,
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Skipf("no symlinks: %v", err)
		}
	}
	j := func(p string) string { return filepath.Join(root, filepath.FromSlash(p)) }
	want := []item{
		{Source: j("2026-02/kaputt.eml"), Kind: "ErrBinary"},
		{Source: j("2026-02/old/c.eml"), ID: idOf(t, "latin1_qp_de.eml")},
		{Source: j("2026-02/old/leer.eml"), Kind: "ErrNoText"},
		{Source: j("2026-03/B.EML"), ID: idOf(t, "apple_en.eml")},
		{Source: j("2026-03/a.eml"), ID: idOf(t, "gmail_de.eml")},
		{Source: j("2026-03/dangling.eml"), Kind: "other: broken symbolic link: lstat " + j("gone.eml") + ": no such file or directory"},
		{Source: j("2026-03/dirlink"), Kind: "ErrLinkOutside"},
		{Source: j("2026-03/link-outside.eml"), Kind: "ErrLinkOutside"},
		{Source: j("top.eml"), ID: idOf(t, "own_reply_de.eml")},
	}
	for _, spec := range []string{"dir:" + root, root} {
		got, _ := drainSource(t, openSource(t, spec, Options{}))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Open(%q) items mismatch (-want +got):\n%s", spec, diff)
		}
	}
}

// TestOpenDirUnreadable: a mail that cannot be read is reported by path
// and the others are read. Root can read anything; the test checks.
func TestOpenDirUnreadable(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "a.eml"), readMail(t, "gmail_de.eml"), 0o644)
	locked := filepath.Join(root, "b.eml")
	os.WriteFile(locked, readMail(t, "apple_en.eml"), 0o644)
	os.WriteFile(filepath.Join(root, "c.eml"), readMail(t, "iphone_de.eml"), 0o644)
	if err := os.Chmod(locked, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(locked, 0o644) })
	if _, err := os.ReadFile(locked); err == nil {
		t.Skip("running with privileges that read a file with mode 000 (root); TestOpenDir covers an unreadable entry with a dangling link")
	}
	got, _ := drainSource(t, openSource(t, "dir:"+root, Options{}))
	want := []item{
		{Source: filepath.Join(root, "a.eml"), ID: idOf(t, "gmail_de.eml")},
		{Source: locked, Kind: "other: cannot open: permission denied"},
		{Source: filepath.Join(root, "c.eml"), ID: idOf(t, "iphone_de.eml")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items mismatch (-want +got):\n%s", diff)
	}
}

// TestOpenDirSniffsMailWithoutEML reads a folder of raw mail files whose
// names do not end in .eml (an MH folder, a SpamAssassin-style corpus
// whose files start with an mbox "From " line) and ignores the rest.
func TestOpenDirSniffsMailWithoutEML(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "1"), readMail(t, "gmail_de.eml"), 0o644)
	os.WriteFile(filepath.Join(root, "2"), append([]byte("From someone@example.com  Mon Sep 30 13:44:10 2002\n"), readMail(t, "apple_en.eml")...), 0o644)
	os.WriteFile(filepath.Join(root, "3.msg"), append([]byte("\uFEFF\n"), readMail(t, "iphone_de.eml")...), 0o644)
	os.WriteFile(filepath.Join(root, "notes.txt"), []byte("Hinweis: not a mail, a note with a colon\n"), 0o644)
	os.WriteFile(filepath.Join(root, "README"), []byte("a folder of mails\n"), 0o644)
	got, _ := drainSource(t, openSource(t, "dir:"+root, Options{}))
	want := []item{
		{Source: filepath.Join(root, "1"), ID: idOf(t, "gmail_de.eml")},
		{Source: filepath.Join(root, "2"), ID: idOf(t, "apple_en.eml")},
		{Source: filepath.Join(root, "3.msg"), ID: idOf(t, "iphone_de.eml")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items mismatch (-want +got):\n%s", diff)
	}
}

// TestOpenDirWithoutMail: a folder with no mail in it says how to read
// what is there.
func TestOpenDirWithoutMail(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "posts.json"), []byte(`{"text":"hi"}`+"\n"), 0o644)
	os.WriteFile(filepath.Join(root, "notes"), []byte("just text\n"), 0o644)
	src := openSource(t, "dir:"+root, Options{})
	_, err := src.Next(context.Background())
	var p *Problem
	if !errors.As(err, &p) || !errors.Is(err, ErrUnknownFormat) || p.Source != root {
		t.Fatalf("Next: %v, want a Problem for %s wrapping ErrUnknownFormat", err, root)
	}
	for _, want := range []string{"2 file(s) ignored", "maildir:" + root, "mbox:FILE", "jsonl:FILE", "text:FILE"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if _, err := src.Next(context.Background()); err != io.EOF {
		t.Errorf("second Next: %v, want io.EOF", err)
	}
}

func TestOpenEML(t *testing.T) {
	path := filepath.Join(mailCorpus, "outlook_de_reply.eml")
	for _, spec := range []string{"eml:" + path, path} {
		got, msgs := drainSource(t, openSource(t, spec, Options{KeepRaw: true}))
		want := []item{{Source: path, ID: idOf(t, "outlook_de_reply.eml")}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Open(%q) mismatch (-want +got):\n%s", spec, diff)
		}
		if len(msgs) == 1 && !bytes.Equal(msgs[0].Raw, readMail(t, "outlook_de_reply.eml")) {
			t.Errorf("Raw is not the file's bytes")
		}
	}
	// One mail on stdin.
	got, _ := drainSource(t, openSource(t, "eml:-", Options{Stdin: bytes.NewReader(readMail(t, "apple_en.eml"))}))
	if diff := cmp.Diff([]item{{Source: "stdin", ID: idOf(t, "apple_en.eml")}}, got); diff != "" {
		t.Errorf("eml:- mismatch (-want +got):\n%s", diff)
	}
}

func TestOpenPosts(t *testing.T) {
	jsonl := `{"id":"tw-1","channel":"twitter","author":"@kunde42","text":"@nordlicht wo bleibt mein Paket?? #fail","created":"2026-03-12T10:15:00Z"}
{"id":2,"channel":"chat","from":"Lena","text":"Hallo, ich möchte kündigen.\n\nViele Grüße\nLena","created":1773310500}
{"id":"fb-3","channel":"facebook","author":"Jens K.","text":"Danke!","created":"yesterday"}
{"channel":"email","text":"Bitte Adresse ändern.\n\n-----Ursprüngliche Nachricht-----\nVon: Service\nGesendet: Montag\nBetreff: x\n\nalt","date":"2026-03-12 10:15:00"}
`
	csv := "id,channel,author,text,created\n" +
		"c1,chat,Anna,\"Mein Passwort geht nicht.\nLG Anna\",2026-03-12 09:00\n" +
		"c2,facebook,Bernd,Super Service!,12.03.2026\n"
	jp := writeFile(t, "posts.jsonl", jsonl)
	cp := writeFile(t, "posts.csv", csv)

	_, msgs := drainSource(t, openSource(t, "jsonl:"+jp, Options{}))
	got, _ := drainSource(t, openSource(t, jp, Options{}))
	wantItems := []item{
		{Source: jp + ":1", ID: "tw-1"}, {Source: jp + ":2", ID: "2"},
		{Source: jp + ":3", Kind: "ErrMalformed"}, {Source: jp + ":4", ID: jp + ":4"},
	}
	if diff := cmp.Diff(wantItems, got); diff != "" {
		t.Errorf("jsonl items mismatch (-want +got):\n%s", diff)
	}
	wantMsgs := []*Message{
		{ID: "tw-1", Channel: "twitter", From: Address{Name: "@kunde42"}, Text: "@nordlicht wo bleibt mein Paket?? #fail",
			Date: time.Date(2026, 3, 12, 10, 15, 0, 0, time.UTC), Source: jp + ":1"},
		{ID: "2", Channel: "chat", From: Address{Name: "Lena"}, Text: "Hallo, ich möchte kündigen.", Signature: "Viele Grüße\nLena",
			Date: time.Unix(1773310500, 0).UTC(), Source: jp + ":2"},
		{ID: jp + ":4", Channel: "email", Text: "Bitte Adresse ändern.", Quoted: "-----Ursprüngliche Nachricht-----\nVon: Service\nGesendet: Montag\nBetreff: x\n\nalt",
			Date: time.Date(2026, 3, 12, 10, 15, 0, 0, time.UTC), Source: jp + ":4"},
	}
	if diff := cmp.Diff(wantMsgs, msgs); diff != "" {
		t.Errorf("jsonl messages mismatch (-want +got):\n%s", diff)
	}

	_, msgs = drainSource(t, openSource(t, "csv:"+cp, Options{}))
	wantMsgs = []*Message{
		{ID: "c1", Channel: "chat", From: Address{Name: "Anna"}, Text: "Mein Passwort geht nicht.", Signature: "LG Anna",
			Date: time.Date(2026, 3, 12, 9, 0, 0, 0, time.UTC), Source: cp + ":2"},
		{ID: "c2", Channel: "facebook", From: Address{Name: "Bernd"}, Text: "Super Service!", Date: time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC), Source: cp + ":4"},
	}
	if diff := cmp.Diff(wantMsgs, msgs); diff != "" {
		t.Errorf("csv messages mismatch (-want +got):\n%s", diff)
	}

	// NoClean keeps the text whole.
	_, msgs = drainSource(t, openSource(t, "csv:"+cp, Options{NoClean: true}))
	if msgs[0].Text != "Mein Passwort geht nicht.\nLG Anna" || msgs[0].Signature != "" {
		t.Errorf("NoClean: Text, Signature = %q, %q", msgs[0].Text, msgs[0].Signature)
	}
	// stdin, sniffed and named.
	for _, spec := range []string{"-", "jsonl:-"} {
		got, _ := drainSource(t, openSource(t, spec, Options{Stdin: strings.NewReader(jsonl)}))
		if len(got) != 4 || got[0] != (item{Source: "stdin:1", ID: "tw-1"}) {
			t.Errorf("Open(%q) on stdin = %+v", spec, got)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, "x.eml", "Subject: x\n\ny\n")
	unknown := writeFile(t, "export.dat", "just some words\n")
	tests := []struct {
		spec string
		want string // substring of the error
		is   error
	}{
		{"", "empty path", nil},
		{"maildir:", "empty path", nil},
		{filepath.Join(dir, "missing.eml"), "no such file", os.ErrNotExist},
		{"maildir:" + dir, "is not a Maildir", nil},
		{"dir:" + file, "is not a folder", nil},
		{"eml:" + dir, "is a folder; use dir:", nil},
		{"mbox:" + dir, "is a folder, want a mbox file", nil},
		{unknown, "cannot tell the format", ErrUnknownFormat},
		{"dir:-", "cannot be read from stdin", nil},
		{"maildir:-", "cannot be read from stdin", nil},
	}
	for _, tt := range tests {
		s, err := Open(context.Background(), tt.spec, Options{})
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded, want an error containing %q", tt.spec, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) || tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("Open(%q) error = %v, want one containing %q (is %v)", tt.spec, err, tt.want, tt.is)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Open(ctx, file, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Open with a canceled context = %v", err)
	}
}

func TestSplitSpec(t *testing.T) {
	tests := []struct{ spec, kind, path string }{
		{"maildir:./mail/service", "maildir", "./mail/service"},
		{"MBOX:export.mbox", "mbox", "export.mbox"},
		{"ndjson:a.ndjson", "jsonl", "a.ndjson"},
		{"jsonl:-", "jsonl", "-"},
		{"-", "stream", "-"},
		{"dir:C:\\mail", "dir", "C:\\mail"},
		{"C:\\mail\\x.eml", "", "C:\\mail\\x.eml"},
		{"./a:b.eml", "", "./a:b.eml"},
		{"inbox.jsonl", "", "inbox.jsonl"},
		{"imap:host", "", "imap:host"},
	}
	for _, tt := range tests {
		kind, path := SplitSpec(tt.spec)
		if kind != tt.kind || path != tt.path {
			t.Errorf("SplitSpec(%q) = %q, %q; want %q, %q", tt.spec, kind, path, tt.kind, tt.path)
		}
	}
}

func TestSourceContext(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.eml"), readMail(t, "gmail_de.eml"), 0o644)
	s := openSource(t, "dir:"+dir, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Next(canceled) = %v", err)
	}
	// A canceled call does not end the Source.
	if m, err := s.Next(context.Background()); err != nil || m.Subject == "" {
		t.Fatalf("Next after cancel = %v, %v", m, err)
	}
}

// TestSourceNextRawParallel reads with NextRaw in one goroutine and
// parses on several, as a batch runner does: the results are those of
// Next, item for item.
func TestSourceNextRawParallel(t *testing.T) {
	dir := t.TempDir()
	files, _ := filepath.Glob(filepath.Join(mailCorpus, "*.eml"))
	var mb bytes.Buffer
	for i, f := range files {
		b, _ := os.ReadFile(f)
		os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644)
		mb.WriteString("From x@example.com Thu Mar 12 10:15:00 2026\n")
		mb.Write(bytes.ReplaceAll(b, []byte("\nFrom "), []byte("\n>From ")))
		mb.WriteString("\n\n")
		if i == 3 {
			mb.WriteString("From broken Thu Mar 12 10:15:00 2026\nno header\n\n")
		}
	}
	os.WriteFile(filepath.Join(dir, "broken.eml"), []byte("no header\n"), 0o644)
	mbox := writeFile(t, "all.mbox", mb.String())
	posts := writeFile(t, "posts.jsonl", `{"id":"p1","text":"Paket fehlt"}`+"\n"+`{"id":`+"\n"+`{"id":"p3","text":"Danke!"}`+"\n")

	for _, spec := range []string{"dir:" + dir, "mbox:" + mbox, "jsonl:" + posts} {
		t.Run(spec, func(t *testing.T) {
			want, _ := drainSource(t, openSource(t, spec, Options{}))

			s := openSource(t, spec, Options{})
			type job struct {
				i  int
				it *RawItem
			}
			jobs := make(chan job)
			results := map[int]item{}
			var mu sync.Mutex
			var wg sync.WaitGroup
			for range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for j := range jobs {
						m, err := j.it.Parse()
						var r item
						var p *Problem
						switch {
						case errors.As(err, &p):
							r = item{Source: p.Where(), Kind: kindOf(p.Err)}
						case err != nil:
							t.Error(err)
						default:
							r = item{Source: m.Source, ID: m.ID}
						}
						mu.Lock()
						results[j.i] = r
						mu.Unlock()
					}
				}()
			}
			n := 0
			for {
				it, err := s.NextRaw(context.Background())
				if err == io.EOF {
					break
				}
				var p *Problem
				if errors.As(err, &p) {
					mu.Lock()
					results[n] = item{Source: p.Where(), Kind: kindOf(p.Err)}
					mu.Unlock()
					n++
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				jobs <- job{n, it}
				n++
			}
			close(jobs)
			wg.Wait()
			got := make([]item, n)
			for i := range n {
				got[i] = results[i]
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("NextRaw + parallel Parse differs from Next (-Next +parallel):\n%s", diff)
			}
		})
	}
}

// TestOpenDirWithMaildirsInside: a folder that holds only Maildirs says to
// read them with maildir:, and a folder with mail files beside a Maildir
// reads the files only.
func TestOpenDirWithMaildirsInside(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"support/cur", "support/new", "sales/cur"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(root, "support", "cur", "1700000000.M1P2.host:2,S"), readMail(t, "gmail_de.eml"), 0o644)
	src := openSource(t, "dir:"+root, Options{})
	_, err := src.Next(context.Background())
	if !errors.Is(err, ErrUnknownFormat) || !strings.Contains(err.Error(), "2 Maildir(s)") || !strings.Contains(err.Error(), "maildir:"+filepath.Join(root, "sales")) {
		t.Errorf("Next: %v, want a problem naming the Maildirs", err)
	}
	os.WriteFile(filepath.Join(root, "loose"), readMail(t, "apple_en.eml"), 0o644)
	got, _ := drainSource(t, openSource(t, "dir:"+root, Options{}))
	want := []item{{Source: filepath.Join(root, "loose"), ID: idOf(t, "apple_en.eml")}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items mismatch (-want +got):\n%s", diff)
	}
}
