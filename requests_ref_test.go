package antwort

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/ingest"
)

// oldRequests is Engine.requests as it was before it stopped when the
// sentences left could no longer make two requests: the reference for
// TestRequestsSameAsOld.
func (e *Engine) oldRequests(sentences []string, mail classifier.Prediction) []Request {
	if len(sentences) < 2 {
		return nil
	}
	pt := preparedTexts.Get().(*classifier.Text)
	defer preparedTexts.Put(pt)
	var out []Request
	for i, sen := range sentences {
		if i == maxSentences {
			break
		}
		pt.Reset(sen)
		p := e.cfg.Intent.PredictText(pt, 0)
		if p.Label == "" || p.Abstain || p.Confidence < sentenceSure || p.Scope < sentenceScope ||
			share(mail, p.Label) < mailShare && p.Confidence < sentenceCertain {
			continue
		}
		if !slices.ContainsFunc(out, func(r Request) bool { return r.Intent == p.Label }) {
			out = append(out, Request{Intent: p.Label, Confidence: p.Confidence, Sentence: sen})
		}
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// TestRequestsSameAsOld: requests finds what the old code found for the
// demo's mails, each alone and run together in pairs (two requests), with
// their sentences in both orders and cut to the first few.
func TestRequestsSameAsOld(t *testing.T) {
	eng := replyEngine(t, testKB(t, nil), nil)
	ctx := context.Background()
	src, err := ingest.Open(ctx, "jsonl:testdata/demo/inbox.jsonl", ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var texts []string
	for {
		m, err := src.Next(ctx)
		if err != nil {
			break
		}
		texts = append(texts, m.Text)
	}
	if len(texts) < 10 {
		t.Fatalf("%d demo mails", len(texts))
	}
	for i := range texts {
		texts = append(texts, texts[i]+"\n\n"+texts[(i*7+3)%len(texts)])
	}
	found := 0
	for _, text := range texts {
		f := focus(&ingest.Message{Text: text})
		_, ip, _, err := eng.classify(ctx, "", f.text)
		if err != nil {
			t.Fatal(err)
		}
		sens := f.sentences
		for _, s := range [][]string{sens, reversed(sens), sens[:min(len(sens), 2)], sens[:min(len(sens), 3)]} {
			want := eng.oldRequests(s, ip)
			if diff := cmp.Diff(want, eng.requests(s, ip)); diff != "" {
				t.Errorf("%q: requests differ (-old +new):\n%s", s, diff)
			}
			if want != nil {
				found++
			}
		}
	}
	if found == 0 {
		t.Error("no text with several requests among the cases: the test compares nothing but nil")
	}
}

func reversed(s []string) []string {
	r := slices.Clone(s)
	slices.Reverse(r)
	return r
}
