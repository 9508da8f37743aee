// Package testmail gives tests and benchmarks realistic customer
// messages: the project's demo inbox and training texts,
// testdata/mails.jsonl (every 200th mail bench/batch.sh generates, as
// ingest.Parse cleaned it, with the language nlp.Detect gave) and, when
// bench/batch.sh has generated them, the batch benchmark's mails, decoded
// with the standard library. Only tests import it.
package testmail

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/antwort-dev/antwort/internal/nlp"
)

// BenchMailDir holds the batch benchmark's generated mails (git-ignored),
// relative to the module root.
const BenchMailDir = "bench/out/batch/mail100000/new"

// MaxBench is how many generated mails Load reads at most.
const MaxBench = 2000

//go:embed testdata/mails.jsonl
var generated []byte

// Message is one message as Suggest hands it to Extract and Decide.
type Message struct {
	From, Channel, Subject, Text, Lang, Auto string
	Signature                                string // the signature the cleaner removed
}

// Body is the text Suggest passes to Extract: the text and the signature.
func (m Message) Body() string {
	if m.Signature != "" {
		return m.Text + "\n\n" + m.Signature
	}
	return m.Text
}

// Full is the subject and text, as Decide sees them.
func (m Message) Full() string {
	if m.Subject == "" {
		return m.Text
	}
	return m.Subject + "\n\n" + m.Text
}

var (
	once      sync.Once
	repoMsgs  []Message
	benchMsgs []Message
)

// Load returns the repository's realistic messages (testdata/mails.jsonl,
// then root's testdata/demo/inbox.jsonl and train.jsonl) and, when
// present, up to MaxBench of the batch benchmark's mails below root. root
// is the module root relative to the test's directory, such as "..". The
// messages are read once per test binary.
func Load(tb testing.TB, root string) (repo, bench []Message) {
	tb.Helper()
	once.Do(func() {
		repoMsgs = Generated(tb)
		for _, name := range []string{"testdata/demo/inbox.jsonl", "testdata/demo/train.jsonl"} {
			repoMsgs = append(repoMsgs, ReadFile(tb, filepath.Join(root, name))...)
		}
		dir := filepath.Join(root, BenchMailDir)
		if ents, err := os.ReadDir(dir); err == nil {
			var paths []string
			for _, e := range ents[:min(len(ents), MaxBench)] {
				paths = append(paths, filepath.Join(dir, e.Name()))
			}
			benchMsgs = ReadMails(tb, paths)
		}
	})
	return repoMsgs, benchMsgs
}

// Generated returns the messages of testdata/mails.jsonl, realistic
// inputs for benchmarks.
func Generated(tb testing.TB) []Message {
	tb.Helper()
	return read(tb, "testdata/mails.jsonl", bytes.NewReader(generated))
}

// ReadFile reads messages from a JSONL file. Messages without a language
// get the one nlp.Detect gives.
func ReadFile(tb testing.TB, name string) []Message {
	tb.Helper()
	f, err := os.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	return read(tb, name, f)
}

func read(tb testing.TB, name string, r io.Reader) []Message {
	tb.Helper()
	var out []Message
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m Message
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		if m.Lang == "" {
			m.Lang = nlp.Detect(m.Subject + "\n" + m.Text)
		}
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return out
}

// ReadMails reads generated mails (UTF-8 text/plain or
// multipart/alternative, quoted-printable) with the standard library; the
// signature stays in the text.
func ReadMails(tb testing.TB, paths []string) []Message {
	tb.Helper()
	var out []Message
	dec := new(mime.WordDecoder)
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		m, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			tb.Fatalf("%s: %v", p, err)
		}
		subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
		if err != nil {
			subject = m.Header.Get("Subject")
		}
		from, err := dec.DecodeHeader(m.Header.Get("From"))
		if err != nil {
			from = m.Header.Get("From")
		}
		text, err := plainText(m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Body)
		if err != nil {
			tb.Fatalf("%s: %v", p, err)
		}
		out = append(out, Message{From: from, Channel: "email", Subject: subject, Text: text,
			Lang: nlp.Detect(subject + "\n" + text)})
	}
	return out
}

// plainText returns the text/plain content of a body.
func plainText(contentType, encoding string, body io.Reader) (string, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err != nil {
				return "", err
			}
			if strings.HasPrefix(part.Header.Get("Content-Type"), "text/plain") {
				return plainText(part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part)
			}
		}
	}
	if strings.EqualFold(encoding, "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	return strings.ReplaceAll(string(b), "\r\n", "\n"), err
}
