package reply

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/internal/nlp"
)

// This file provides realistic inputs for the benchmarks and the
// differential tests: the project's demo inbox and training texts,
// testdata/mails.jsonl (every 200th mail bench/batch.sh generates, as
// ingest.Parse cleaned it, with the language nlp.Detect gave) and, when
// bench/batch.sh has generated them, the first of the batch benchmark's
// mails, decoded with the standard library.

// benchMailDir holds the batch benchmark's generated mails (git-ignored).
const benchMailDir = "../bench/out/batch/mail100000/new"

// sample is one message as Suggest hands it to Extract and Decide.
type sample struct {
	From, Channel, Subject, Text, Lang, Auto string
	Signature                                string // the signature the cleaner removed
}

// body is the text Suggest passes to Extract: the text and the signature.
func (s sample) body() string {
	if s.Signature != "" {
		return s.Text + "\n\n" + s.Signature
	}
	return s.Text
}

// full is the subject and text, as Decide sees them.
func (s sample) full() string {
	if s.Subject == "" {
		return s.Text
	}
	return s.Subject + "\n\n" + s.Text
}

var (
	samplesOnce  sync.Once
	repoSamples  []sample
	benchSamples []sample // the first maxBenchSamples generated mails
)

// maxBenchSamples is how many generated mails loadSamples reads at most.
const maxBenchSamples = 2000

// loadSamples returns the repository's realistic messages and, when
// present, up to maxBenchSamples of the batch benchmark's mails.
func loadSamples(tb testing.TB) (repo, bench []sample) {
	tb.Helper()
	samplesOnce.Do(func() {
		for _, name := range []string{"testdata/mails.jsonl", "../testdata/demo/inbox.jsonl", "../testdata/demo/train.jsonl"} {
			repoSamples = append(repoSamples, readSamples(tb, name)...)
		}
		if ents, err := os.ReadDir(benchMailDir); err == nil {
			var paths []string
			for _, e := range ents[:min(len(ents), maxBenchSamples)] {
				paths = append(paths, filepath.Join(benchMailDir, e.Name()))
			}
			benchSamples = readMails(tb, paths)
		}
	})
	return repoSamples, benchSamples
}

// readSamples reads messages from a JSONL file. Messages without a
// language get the one nlp.Detect gives.
func readSamples(tb testing.TB, name string) []sample {
	f, err := os.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []sample
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var s sample
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		if s.Lang == "" {
			s.Lang = nlp.Detect(s.Subject + "\n" + s.Text)
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return out
}

// readMails reads generated mails (UTF-8 text/plain or
// multipart/alternative, quoted-printable) with the standard library; the
// signature stays in the text.
func readMails(tb testing.TB, paths []string) []sample {
	var out []sample
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
		out = append(out, sample{From: from, Channel: "email", Subject: subject, Text: text,
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

// benchInputs returns testdata/mails.jsonl, realistic inputs for
// benchmarks.
func benchInputs(b *testing.B) []sample {
	return readSamples(b, "testdata/mails.jsonl")
}

// kbTemplates parses the bodies of the repository's knowledge-base
// articles (testdata/kb) as templates, keyed by language.
func kbTemplates(tb testing.TB) map[string][]*Template {
	tb.Helper()
	paths, _ := filepath.Glob("../testdata/kb/*.md")
	out := map[string][]*Template{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		parts := strings.SplitN(string(b), "---\n", 3)
		if len(parts) != 3 {
			tb.Fatalf("%s: no front matter", p)
		}
		lang := "en"
		if strings.Contains(parts[1], "lang: de") {
			lang = "de"
		}
		for i, body := range []string{parts[2], shortBody(parts[1])} {
			if body == "" {
				continue
			}
			t, err := ParseTemplate(filepath.Base(p)+[]string{"", "#short"}[i], body)
			if err != nil {
				tb.Fatalf("%s: %v", p, err)
			}
			out[lang] = append(out[lang], t)
		}
	}
	if len(out["de"]) == 0 || len(out["en"]) == 0 {
		tb.Fatal("no templates in ../testdata/kb")
	}
	return out
}

// shortBody returns the "short:" template of an article's front matter.
func shortBody(front string) string {
	for _, l := range strings.Split(front, "\n") {
		if v, ok := strings.CutPrefix(l, "short: "); ok {
			var s string
			if json.Unmarshal([]byte(v), &s) == nil {
				return s
			}
		}
	}
	return ""
}

// renderCase is one RenderMarked call as Suggest makes it.
type renderCase struct {
	t    *Template
	d    Data
	lang string
}

// renderCases pairs each sample with a template of its language and the
// data Suggest would fill in.
func renderCases(tb testing.TB, samples []sample) []renderCase {
	x, err := NewExtractor(nil)
	if err != nil {
		tb.Fatal(err)
	}
	tmpls := kbTemplates(tb)
	sig := map[string]string{"de": "Ihr Nordlicht-Team\nKundenservice", "en": "Your Nordlicht team\nCustomer service"}
	var out []renderCase
	for i, s := range samples {
		lang := s.Lang
		if lang != "de" {
			lang = "en"
		}
		e := x.Extract(s.From, s.Subject, s.body(), s.Lang, now)
		var date string
		if len(e.Dates) > 0 {
			date = e.Dates[0].Text
		}
		ts := tmpls[lang]
		out = append(out, renderCase{t: ts[i%len(ts)], lang: lang, d: Data{
			Salutation: Salutation(e, lang, s.Channel), Name: e.Name, FirstName: e.FirstName, LastName: e.LastName,
			OrderNumber: e.OrderNumber, CustomerNumber: e.CustomerNumber, ContractNumber: e.ContractNumber,
			TicketNumber: e.TicketNumber, Date: date, Signature: sig[lang], Lang: lang,
		}})
	}
	return out
}

// decideInputs builds the Inputs Suggest would give Decide, with
// predictions and article scores that vary from sample to sample.
func decideInputs(samples []sample) []Input {
	intents := []string{"parcel_missing", "complaint", "invoice_wrong", "cancel_contract", "praise", ""}
	var out []Input
	for i, s := range samples {
		label := intents[i%len(intents)]
		conf := 0.5 + float64(i%50)/100
		in := Input{From: s.From, Channel: s.Channel, Text: s.full(), AutoReason: s.Auto,
			Intent: classifier.Prediction{Label: label, Confidence: conf, Alternatives: []classifier.Scored{
				{Label: "praise", Confidence: (1 - conf) / 2}, {Label: "complaint", Confidence: (1 - conf) / 3}}},
			Sentiment: classifier.Prediction{Label: "neutral", Confidence: conf, Alternatives: []classifier.Scored{
				{Label: "negative", Confidence: float64(i%40) / 100}}},
			HasAnswer: i%7 != 0, Article: label + "-de", KBScore: float64(i%90) / 100, Linked: i%3 != 0,
			Recent: i % 4}
		if i%5 == 0 {
			in.Missing = []string{"OrderNumber"}
		}
		if i%11 == 0 {
			in.SecondOpinion = classifier.Prediction{Label: "negative", Confidence: 0.4}
		}
		out = append(out, in)
	}
	return slices.Clip(out)
}
