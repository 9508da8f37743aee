package reply

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/entity"
	"github.com/antwort-dev/antwort/internal/testmail"
)

// This file builds realistic inputs for the benchmarks and the
// differential tests from package testmail's messages.

// now is the reference day for dates without a year.
var now = time.Date(2026, time.March, 1, 15, 4, 5, 0, time.UTC)

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
func renderCases(tb testing.TB, samples []testmail.Message) []renderCase {
	x, err := entity.NewExtractor(nil)
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
		e := x.Extract(s.From, s.Subject, s.Body(), s.Lang, now)
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
func decideInputs(samples []testmail.Message) []Input {
	intents := []string{"parcel_missing", "complaint", "invoice_wrong", "cancel_contract", "praise", ""}
	var out []Input
	for i, s := range samples {
		label := intents[i%len(intents)]
		conf := 0.5 + float64(i%50)/100
		in := Input{From: s.From, Channel: s.Channel, Text: s.Full(), AutoReason: s.Auto,
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
