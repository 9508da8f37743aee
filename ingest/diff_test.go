package ingest

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The differential tests compare the parser and Clean with the reference
// copies of their old code (old_mail_test.go, old_clean_test.go) on every
// mail and text at hand: this package's testdata (fuzz corpora included),
// the project's mail corpus, the public raw_emails data set and a sample of
// the Maildir bench/batch.sh generates, when those are present.

// rawEmailsDir holds real-world mail (SpamAssassin, enmime fixtures); it is
// not part of the repository.
const rawEmailsDir = "../../shared/data/raw_emails"

// diffInputs returns the contents of every file below the corpus
// folders, with the values of fuzz corpus files decoded and JSONL and mbox
// files also split into lines, and every 20th mail of the generated
// Maildir (every 1000th with -race, none with -short, all of them when
// ANTWORT_DIFF_ALL is set).
func diffInputs(t *testing.T) [][]byte {
	t.Helper()
	var out [][]byte
	for _, dir := range []string{"testdata", "../testdata/mail", rawEmailsDir} {
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case bytes.HasPrefix(b, []byte("go test fuzz v1\n")):
				out = append(out, fuzzValues(t, p, b)...)
			case len(b) > 1<<20:
				// raw_emails.jsonl: the mails of the folder beside it, as JSON
			case filepath.Ext(p) == ".jsonl" || filepath.Ext(p) == ".mbox":
				out = append(out, b)
				out = append(out, bytes.Split(b, []byte("\n"))...)
			default:
				out = append(out, b)
			}
			return nil
		})
	}
	des, _ := os.ReadDir(filepath.Join(genMaildir, "new"))
	step := 20
	switch {
	case os.Getenv("ANTWORT_DIFF_ALL") != "":
		step = 1
	case raceDetector:
		step = 1000
	}
	for i := 0; i < len(des) && !testing.Short(); i += step {
		b, err := os.ReadFile(filepath.Join(genMaildir, "new", des[i].Name()))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// fuzzValues decodes the []byte and string values of a fuzz corpus file.
func fuzzValues(t *testing.T, path string, b []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for _, line := range strings.Split(string(b), "\n")[1:] {
		for _, prefix := range []string{"[]byte(", "string("} {
			if lit, ok := strings.CutPrefix(line, prefix); ok {
				s, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				out = append(out, []byte(s))
			}
		}
	}
	return out
}

// diffOptions are the parser options the differential tests try.
var diffOptions = []Options{
	{},
	{KeepRaw: true, NoClean: true},
	{LoopID: "Kundenservice", OwnDomains: []string{"kunde.example", " @Example.COM"}},
}

// exactTime compares times by their instant, their zone and its offset,
// which is what a JSON encoding of a Message shows.
var exactTime = cmp.Transformer("exactTime", func(t time.Time) string {
	name, off := t.Zone()
	return t.Format(time.RFC3339Nano) + " " + name + " " + strconv.Itoa(off) + " " + t.Location().String()
})

// diffParse fails t when parseMessage and the old parser disagree on raw.
func diffParse(t *testing.T, raw []byte, opts Options) {
	t.Helper()
	want, wantErr := oldParseMessage(raw, opts)
	opts.MaxText = 1 << 30 // the old parser kept all text
	got, gotErr := parseMessage(raw, opts)
	if errString(gotErr) != errString(wantErr) || kindOf(gotErr) != kindOf(wantErr) {
		t.Fatalf("parse %.200q: error %v, old %v", raw, gotErr, wantErr)
	}
	if want != nil && got != nil && want.Auto == "" && newAutoReason(got.Auto) {
		want.Auto = got.Auto
	}
	if got != nil {
		// The old parser had no content hash.
		if len(got.ContentHash) != 32 {
			t.Fatalf("parse %.200q: ContentHash %q, want 32 hex digits", raw, got.ContentHash)
		}
		got.ContentHash = ""
	}
	if want != nil && got != nil && strings.Contains(want.Text+want.Quoted+want.Signature, "*") {
		// The old parser kept the asterisks with which mail clients and
		// html2text mark bold text, headings and list items; they are
		// removed on purpose since, and where a signature starts can move
		// with them. Mails whose words are the same but for that markup
		// are the same.
		if withoutMarkup(want.Text+"\n"+want.Quoted+"\n"+want.Signature) == withoutMarkup(got.Text+"\n"+got.Quoted+"\n"+got.Signature) {
			want.Text, want.Quoted, want.Signature = got.Text, got.Quoted, got.Signature
		}
	}
	if d := cmp.Diff(want, got, exactTime, sinceOld); d != "" {
		t.Fatalf("parse %.200q (%+v): message differs from the old parser (-old +new):\n%s", raw, opts, d)
	}
}

// sinceOld leaves out of the comparison what changed on purpose since
// the old parser: addresses are read from the raw header into name and
// address (the old parser kept "Name <addr>" text); warnings and NoText
// say why a mail has no reply address or no text.
var sinceOld = cmpopts.IgnoreFields(Message{}, "From", "ReplyTo", "To", "Warnings", "NoText")

// newAutoReason reports whether reason is one the old parser did not
// know: our own From or Reply-To address, vendors' auto-reply headers.
func newAutoReason(reason string) bool {
	for _, h := range []string{"X-Auto-Response-Suppress:", "X-MS-Exchange-", "X-Precedence:", "X-SFDC-AutoResponse:", "X-Autoresponse:"} {
		if strings.HasPrefix(reason, h) {
			return true
		}
	}
	return strings.HasSuffix(reason, "(our own address)")
}

// withoutMarkup returns the words of s without asterisks and without
// heading underlines ("-----", "=====") and quote marks, separated by
// single spaces: html2text wrapped emphasised lines differently.
func withoutMarkup(s string) string {
	var words []string
	for _, w := range strings.Fields(strings.ReplaceAll(s, "*", "")) {
		if strings.Trim(w, "-=>") != "" {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	var p *Problem
	if errors.As(err, &p) {
		return "problem " + p.Error()
	}
	return err.Error()
}

// diffClean fails t when Clean and the old Clean disagree on text.
func diffClean(t *testing.T, text string) {
	t.Helper()
	if got, want := Clean(text), oldClean(text); got != want {
		t.Fatalf("Clean(%.300q) differs from the old Clean (-old +new):\n%s", text, cmp.Diff(want, got))
	}
}

// diffHeaders fails t when a header helper disagrees with its old version
// on v.
func diffHeaders(t *testing.T, v string) {
	t.Helper()
	if got, want := parseDate(v), oldParseDate(v); !cmp.Equal(got, want, exactTime) {
		t.Fatalf("parseDate(%q) = %v, old %v", v, got, want)
	}
	if got, want := firstMsgID(v), oldFirstMsgID(v); got != want {
		t.Fatalf("firstMsgID(%q) = %q, old %q", v, got, want)
	}
	if got, want := msgIDs(v), oldMsgIDs(v); !cmp.Equal(got, want) {
		t.Fatalf("msgIDs(%q) = %q, old %q", v, got, want)
	}
}

func TestParseSameAsOld(t *testing.T) {
	inputs := diffInputs(t)
	options := diffOptions
	if raceDetector {
		options = options[:1]
	}
	for _, raw := range inputs {
		for _, opts := range options {
			diffParse(t, raw, opts)
		}
	}
	t.Logf("%d inputs", len(inputs))
}

func TestCleanSameAsOld(t *testing.T) {
	inputs := diffInputs(t)
	n := 0
	for _, raw := range inputs {
		texts := []string{string(raw)}
		if m, err := parseMessage(raw, Options{NoClean: true}); err == nil {
			texts = append(texts, m.Text)
		}
		for _, text := range texts {
			diffClean(t, text)
			// Each paragraph on its own, and the text without its first
			// lines, reach other branches (sign-offs near the top).
			for _, p := range strings.Split(text, "\n\n") {
				diffClean(t, p)
			}
			lines := strings.Split(text, "\n")
			for k := 1; k < min(len(lines), 6) && !raceDetector; k++ {
				diffClean(t, strings.Join(lines[k:], "\n"))
			}
			n++
		}
	}
	t.Logf("%d texts", n)
}

func TestHeadersSameAsOld(t *testing.T) {
	values := []string{
		"", "Sun, 01 Mar 2026 08:00:00 +0000", "Sun, 1 Mar 2026 08:00:00 +0100", "Sun, 1 Mar 2026 08:00 -0100",
		"Sun, 01 Mar 2026 08:00:00 +0000 (UTC)", "01 Mar 2026 08:00:00 +0000", "Sun, 01 Mar 26 08:00:00 +0000",
		"Sun, 01 Mar 2026 08:00:00 GMT", "Sun, 01 Mar 2026 08:00:00 -000", "Sun, 01 Mar 2026 08:00:00 +00000",
		"Mon, 01 Mar 2026 08:00:00 +0000", "Sun, 31 Feb 2026 08:00:00 +0000", "Sun, 01 Mar 2026 25:00:00 +0000",
		"Sun,  01 Mar 2026 08:00:00 +0000", "Sun, 01 Mar 2026 08:00:00 +0000 x", "sun, 01 mar 2026 08:00:00 +0000",
		"Sun, 01 Mar 2026 08:00:00 +2400", "Sun, 01 Mar 2026 08:00:00 +1260", "Sun, 01-Mar-2026 08:00:00 +0000",
		"2026-03-01T08:00:00Z", "<a@b>", "<a@b> <c@d>", "x <a b> <c@d>", "<<a@b>>", "<>", "<a@b", "a@b, c@d",
		"<a@b>\t<c@d>", "<\xffa@b>", "<a\x00b>", " <a@b> ", "<a\fb>", "<a\vb>", "<a\u00a0b>", "a b", "<ä@ö>",
	}
	for _, v := range values {
		diffHeaders(t, v)
	}
	for _, raw := range diffInputs(t) {
		for _, line := range strings.Split(string(raw), "\n") {
			if name, v, ok := strings.Cut(line, ":"); ok && len(name) < 40 {
				diffHeaders(t, strings.TrimSpace(v))
			}
		}
	}
}

// FuzzParseSameAsOld checks that the parser gives what the old parser
// gave, message and error, for arbitrary bytes.
func FuzzParseSameAsOld(f *testing.F) {
	seedFiles(f, "../testdata/mail", "testdata/corpus")
	f.Add([]byte("Subject: x\nDate: Sun, 01 Mar 2026 08:00:00 +0000\nMessage-ID: <a@b>\nReferences: <c@d> <e@f>\n\nMit freundlichen Grüßen\nMax"))
	f.Add([]byte("From: a <b@c>\nContent-Type: multipart/alternative; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nHallo=\n Welt\n--b1\nContent-Type: text/html\n\n<p>x</p>\n--b1--\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opts := range diffOptions {
			diffParse(t, data, opts)
		}
	})
}

// FuzzCleanSameAsOld checks that Clean gives what the old Clean gave.
func FuzzCleanSameAsOld(f *testing.F) {
	seedFiles(f, "../testdata/mail/clean")
	for _, s := range []string{
		"Hallo,\nbitte helfen Sie.\n\nMit freundlichen Grüßen\nMax Mustermann\nTel. +49 30 1234567",
		"Hi,\nwhere is my order?\n\nThanks,\nJohn\n\nP.S. see www.example.com",
		"Text\n\nAm 28.02.2026 um 14:12 schrieb Kundenservice <service@nordlicht.example>:\n> Vielen Dank.\n",
		"Hallo\n\nVIELE GRÜSSE AUS KÖLN\nAnna\nDiese E-Mail ist vertraulich.",
		"x\nPS: y\nCheers, Tom\nhttpſ://a", "x\n\nKind regards\nMobile: 0171 1234567",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		diffClean(t, string(data))
	})
}

// FuzzHeadersSameAsOld checks the date and message ID helpers against
// their old versions.
func FuzzHeadersSameAsOld(f *testing.F) {
	for _, s := range []string{"Sun, 01 Mar 2026 08:00:00 +0000", "1 Mar 2026 08:00 -0100 (CET)", "<a@b> <c@d>", "a@b, <c>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		diffHeaders(t, v)
	})
}

// diffReadMailBytes fails t when readMailBytes and the old version
// disagree on path.
func diffReadMailBytes(t *testing.T, path string, max int64) {
	t.Helper()
	got, gotErr := readMailBytes(path, max)
	want, wantErr := oldReadMailBytes(path, max)
	if errString(gotErr) != errString(wantErr) || kindOf(gotErr) != kindOf(wantErr) ||
		!bytes.Equal(got, want) || (got == nil) != (want == nil) {
		t.Fatalf("readMailBytes(%s, %d) = %d bytes, %v; old %d bytes, %v", path, max, len(got), gotErr, len(want), wantErr)
	}
}

func TestReadMailBytesSameAsOld(t *testing.T) {
	dir := t.TempDir()
	for i, size := range []int{0, 1, 511, 512, 513, 816, 4096, 100 << 10} {
		p := filepath.Join(dir, "f"+strconv.Itoa(i))
		if err := os.WriteFile(p, bytes.Repeat([]byte("x"), size), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, max := range []int64{0, 1, 511, 512, 815, 816, 817, 1 << 20} {
			diffReadMailBytes(t, p, max)
		}
	}
	diffReadMailBytes(t, dir, 100)                        // a folder
	diffReadMailBytes(t, filepath.Join(dir, "none"), 100) // missing
	_ = filepath.WalkDir("../testdata/mail", func(p string, d fs.DirEntry, err error) error {
		if err == nil {
			diffReadMailBytes(t, p, defaultFileMax)
		}
		return nil
	})
}

// FuzzReadMailBytesSameAsOld checks readMailBytes against its old version
// on files of any content and limits.
func FuzzReadMailBytesSameAsOld(f *testing.F) {
	f.Add([]byte("Subject: x\n\ny"), uint16(100))
	f.Add([]byte{}, uint16(0))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, max uint16) {
		file, err := os.CreateTemp(dir, "mail")
		if err != nil {
			t.Fatal(err)
		}
		defer os.Remove(file.Name())
		_, err = file.Write(data)
		if err := errors.Join(err, file.Close()); err != nil {
			t.Fatal(err)
		}
		diffReadMailBytes(t, file.Name(), int64(max))
	})
}
