package sentiment_test

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/sentiment"
)

func TestPredict(t *testing.T) {
	t.Parallel()
	lex := sentiment.New()
	tests := []struct {
		name    string
		text    string
		want    string  // label
		alsoOK  string  // a second acceptable label, if any
		minConf float64 // minimum confidence of want, if > 0
	}{
		// polite, neutral requests
		{"de where is order", "Wo bleibt meine Bestellung 4711?", sentiment.Neutral, "", 0},
		{"de closing alone", "Mit freundlichen Grüßen", sentiment.Neutral, "", 0},
		{"de thanks in advance", "Können Sie mir die Rechnung schicken? Vielen Dank im Voraus! Mit freundlichen Grüßen, Max", sentiment.Neutral, "", 0},
		{"de polite request with positive word", "Können Sie mir bitte schnell helfen?", sentiment.Neutral, "", 0},
		{"de conditional gratitude", "Ich wäre Ihnen sehr dankbar, wenn Sie mir die Unterlagen schicken könnten.", sentiment.Neutral, "", 0},
		{"de address change", "Sehr geehrte Damen und Herren, bitte ändern Sie meine Lieferadresse. Beste Grüße", sentiment.Neutral, "", 0},
		{"de not yet arrived", "Guten Tag, leider ist meine Bestellung noch nicht angekommen. Viele Grüße", sentiment.Neutral, sentiment.Negative, 0},
		{"de cancellation period question", "Wie lange ist die Kündigungsfrist für meinen Vertrag?", sentiment.Neutral, "", 0},
		{"en where is order", "Hi, could you tell me when my order #4711 will arrive? Thanks in advance. Kind regards, John", sentiment.Neutral, "", 0},
		{"en invoice", "Please send me a copy of the invoice as PDF. Best regards", sentiment.Neutral, "", 0},
		{"en quickly request", "Can you please check this quickly?", sentiment.Neutral, "", 0},
		{"de no problem", "Kein Problem, das passt so.", sentiment.Neutral, sentiment.Positive, 0},
		{"en no problem", "No problem at all.", sentiment.Neutral, sentiment.Positive, 0},
		{"acronyms are not shouting", "Bitte senden Sie die IBAN und das PDF per DHL an die GMBH.", sentiment.Neutral, "", 0},

		// positive
		{"de very satisfied", "Ich bin sehr zufrieden, danke!", sentiment.Positive, "", 0.8},
		{"de praise", "Super schnelle Lieferung, sehr freundlicher Kontakt. Gerne wieder!", sentiment.Positive, "", 0.9},
		{"de thanks for help", "Vielen herzlichen Dank für Ihre schnelle Hilfe!", sentiment.Positive, "", 0.8},
		{"de umlaut-free", "Ich bin begeistert, der Service war hervorragend.", sentiment.Positive, "", 0.9},
		{"de recommend", "Ich kann Sie nur weiterempfehlen, alles hat reibungslos geklappt.", sentiment.Positive, "", 0.8},
		{"de elongated", "suuuuper, vielen Dank!!", sentiment.Positive, "", 0.8},
		{"en thanks a lot", "Great service, thank you so much :)", sentiment.Positive, "", 0.9},
		{"en helpful", "Your support team was extremely helpful and quick. Excellent!", sentiment.Positive, "", 0.9},
		{"en not bad", "not bad at all", sentiment.Positive, sentiment.Neutral, 0},
		{"de not bad", "Gar nicht schlecht!", sentiment.Positive, sentiment.Neutral, 0},
		{"en love", "I love the new app, it works perfectly.", sentiment.Positive, "", 0.9},
		{"emoji positive", "👍", sentiment.Positive, "", 0},
		{"emoticon positive", ":-)", sentiment.Positive, sentiment.Neutral, 0},

		// negative
		{"de outrage caps", "UNVERSCHÄMT!!! Seit 3 Wochen warte ich", sentiment.Negative, "", 0.8},
		{"de not good", "Das ist nicht gut", sentiment.Negative, "", 0},
		{"de not satisfied", "Ich bin mit dem Service nicht zufrieden.", sentiment.Negative, "", 0.7},
		{"de trailing nicht", "Das Produkt gefällt mir gar nicht.", sentiment.Negative, "", 0.7},
		{"de does not work", "Das Gerät funktioniert leider immer noch nicht.", sentiment.Negative, "", 0},
		{"de sarcasm", "Danke für nichts", sentiment.Negative, "", 0.8},
		{"de never so disappointed", "Ich war noch nie so enttäuscht!", sentiment.Negative, "", 0.9},
		{"de umlaut-less spelling", "Ich bin enttaeuscht, das ist unverschaemt.", sentiment.Negative, "", 0.9},
		{"de inflected", "Eine enttäuschende Erfahrung, sehr ärgerlich.", sentiment.Negative, "", 0.9},
		{"de threat", "Wenn das nicht bis Freitag erledigt ist, kündige ich und schalte meinen Anwalt ein.", sentiment.Negative, "", 0.9},
		{"de consumer office", "Ich werde mich an die Verbraucherzentrale wenden.", sentiment.Negative, "", 0.7},
		{"de never again", "Absolute Frechheit, nie wieder bestelle ich bei Ihnen!!!", sentiment.Negative, "", 0.95},
		{"de compound", "Das ist eine Riesenenttäuschung und echte Kundenabzocke.", sentiment.Negative, "", 0.95},
		{"de but clause wins", "Die Lieferung war schnell, aber die Qualität ist schlecht.", sentiment.Negative, "", 0},
		{"de no answer", "Ich habe bis heute keine Antwort erhalten ???", sentiment.Negative, "", 0},
		{"de angry closing stays angry", "Das ist eine Katastrophe und eine Frechheit. Mit freundlichen Grüßen", sentiment.Negative, "", 0.95},
		{"en sarcasm", "Thanks for nothing.", sentiment.Negative, "", 0.8},
		{"en never been so", "I have never been so disappointed in my life.", sentiment.Negative, "", 0.9},
		{"en cancel", "I want to cancel my account. This is ridiculous!!!", sentiment.Negative, "", 0.95},
		{"en does not work", "It doesn't work and nobody replies. Worst service ever.", sentiment.Negative, "", 0.95},
		{"en not happy", "I'm not happy with the delivery.", sentiment.Negative, "", 0.7},
		{"en scam lawyer", "This is a scam. My lawyer will contact you.", sentiment.Negative, "", 0.95},
		{"en polite but angry", "This is unacceptable and frankly terrible. Thanks in advance, kind regards", sentiment.Negative, "", 0.95},
		{"en no reply", "Still no reply after two weeks?!", sentiment.Negative, "", 0.7},
		{"emoji negative", "😡😡", sentiment.Negative, "", 0.9},
		{"emoticon negative", "Paket ist immer noch nicht da :(", sentiment.Negative, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := lex.Predict(tc.text)
			if got.Label != tc.want && got.Label != tc.alsoOK {
				t.Errorf("Predict(%q) = %s (%.2f, score %.2f), want %s\nexplain: %v",
					tc.text, got.Label, got.Confidence, lex.Score(tc.text), tc.want, lex.Explain(tc.text))
			}
			if tc.minConf > 0 && got.Label == tc.want && got.Confidence < tc.minConf {
				t.Errorf("Predict(%q).Confidence = %.3f, want >= %.2f", tc.text, got.Confidence, tc.minConf)
			}
			if got.Abstain {
				t.Errorf("Predict(%q).Abstain = true, want false", tc.text)
			}
			checkDistribution(t, tc.text, got)
		})
	}
}

func TestPredictAbstainsOnEmptyText(t *testing.T) {
	t.Parallel()
	lex := sentiment.New()
	for _, text := range []string{"", " ", "\n\t  \r\n", "\u00a0"} {
		got := lex.Predict(text)
		want := classifier.Prediction{Label: sentiment.Neutral, Abstain: true}
		if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(classifier.Prediction{}, "Confidence", "Alternatives")); diff != "" {
			t.Errorf("Predict(%q) mismatch (-want +got):\n%s", text, diff)
		}
		checkDistribution(t, text, got)
	}
}

// checkDistribution checks that a prediction lists all three labels once,
// with probabilities in [0, 1] that sum to 1, the label being the most
// probable one.
func checkDistribution(t *testing.T, text string, p classifier.Prediction) {
	t.Helper()
	if len(p.Alternatives) != 2 {
		t.Fatalf("Predict(%q) has %d alternatives, want 2", text, len(p.Alternatives))
	}
	labels := map[string]bool{p.Label: true}
	sum := p.Confidence
	for _, a := range p.Alternatives {
		labels[a.Label] = true
		sum += a.Confidence
		if a.Confidence > p.Confidence {
			t.Errorf("Predict(%q): alternative %s (%.3f) beats label %s (%.3f)", text, a.Label, a.Confidence, p.Label, p.Confidence)
		}
		if a.Confidence < 0 || a.Confidence > 1 || math.IsNaN(a.Confidence) {
			t.Errorf("Predict(%q): alternative %s has confidence %v", text, a.Label, a.Confidence)
		}
	}
	want := map[string]bool{sentiment.Positive: true, sentiment.Neutral: true, sentiment.Negative: true}
	if diff := cmp.Diff(want, labels); diff != "" {
		t.Errorf("Predict(%q) labels mismatch (-want +got):\n%s", text, diff)
	}
	if math.Abs(sum-1) > 1e-9 || math.IsNaN(sum) {
		t.Errorf("Predict(%q): probabilities sum to %v, want 1", text, sum)
	}
	if p.Confidence < 0 || p.Confidence > 1 {
		t.Errorf("Predict(%q).Confidence = %v, want in [0,1]", text, p.Confidence)
	}
}

func TestExplain(t *testing.T) {
	t.Parallel()
	lex := sentiment.New()
	tests := []struct {
		text string
		want []classifier.Contribution
	}{
		{"Das ist nicht gut", []classifier.Contribution{{Feature: "neg:nicht gut", Weight: -1.08}}},
		{"UNVERSCHÄMT!!!", []classifier.Contribution{
			{Feature: "w:unverschämt", Weight: -2.5},
			{Feature: "caps:UNVERSCHÄMT", Weight: -1.25},
			{Feature: "excl:!!!", Weight: -0.6},
		}},
		{"Ich bin sehr zufrieden", []classifier.Contribution{
			{Feature: "w:zufrieden", Weight: 1.5},
			{Feature: "int:sehr zufrieden", Weight: 0.6},
		}},
		{"Das gefällt mir nicht", []classifier.Contribution{{Feature: "neg:gefällt nicht", Weight: -1.08}}},
		{"not bad", []classifier.Contribution{{Feature: "neg:not bad", Weight: 0.6}}},
		{"Danke für nichts :(", []classifier.Contribution{
			{Feature: "w:danke für nichts", Weight: -2},
			{Feature: "emo::(", Weight: -1},
		}},
		{"Ich bin etwas enttäuscht", []classifier.Contribution{
			{Feature: "w:enttäuscht", Weight: -1.8},
			{Feature: "down:etwas enttäuscht", Weight: 0.72},
		}},
		{"Das gefällt mir NICHT", []classifier.Contribution{
			{Feature: "neg:gefällt nicht", Weight: -1.08},
			{Feature: "caps:NICHT", Weight: -0.54},
		}},
		{"Die Lieferung war schnell, aber die Qualität ist schlecht", []classifier.Contribution{
			{Feature: "w:schlecht", Weight: -1.875},
			{Feature: "w:schnell", Weight: 0.48},
		}},
		{"Können Sie mir bitte schnell helfen?", []classifier.Contribution{{Feature: "w:schnell", Weight: 0.072}}},
		{"Mit freundlichen Grüßen", nil},
		{"Wo bleibt meine Bestellung???", []classifier.Contribution{{Feature: "ques:???", Weight: -0.5}}},
	}
	for _, tc := range tests {
		got := lex.Explain(tc.text)
		if diff := cmp.Diff(tc.want, got, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
			t.Errorf("Explain(%q) mismatch (-want +got):\n%s", tc.text, diff)
		}
	}
}

// TestExplainSumsToScore checks that Explain and Score agree, including
// the rules that rewrite earlier cues (trailing "nicht", questions, "aber").
func TestExplainSumsToScore(t *testing.T) {
	t.Parallel()
	lex := sentiment.New()
	for _, text := range []string{
		"Es funktioniert leider nicht, aber der Support war freundlich!!",
		"Ist die Ware gut angekommen? Danke!",
		"Das gefällt mir absolut nicht :( Nie wieder!!!",
		"Super, aber leider kaputt. NICHT GUT?!",
		"I was not very happy, but the refund was quick 👍",
		"Wenn Sie schnell antworten, wäre das toll. Sonst kündige ich.",
		"not bad at all, really not bad at all",
		"Der Service ist gut aber funktioniert nicht",
	} {
		var sum float64
		for _, c := range lex.Explain(text) {
			sum += c.Weight
		}
		if got := lex.Score(text); math.Abs(got-sum) > 1e-9 {
			t.Errorf("Score(%q) = %v, sum of Explain = %v", text, got, sum)
		}
	}
}

func TestFoldingAndInflection(t *testing.T) {
	t.Parallel()
	lex := sentiment.New()
	base := lex.Score("Ich bin enttäuscht")
	for _, text := range []string{
		"Ich bin enttaeuscht",
		"ich bin Enttäuscht",
		"Ich bin entta\u0308uscht", // decomposed umlaut
	} {
		if got := lex.Score(text); math.Abs(got-base) > 1e-9 {
			t.Errorf("Score(%q) = %v, want %v like %q", text, got, base, "Ich bin enttäuscht")
		}
	}
	for _, text := range []string{
		"enttäuschte Kundin", "enttäuschend", "eine Enttäuschung", "unverschaemt",
		"Unverschämtheit", "katastrophal", "Katastrophe", "miserable Qualität",
		"ärgerlich", "verärgert", "wütende Kunden", "Abzocke", "abgezockt",
		"betrügerisch", "disappointing", "disappointment", "scammed", "frustrating",
		"Scheiße", "Scheisse",
	} {
		if got := lex.Score(text); got >= -0.7 {
			t.Errorf("Score(%q) = %v, want clearly negative", text, got)
		}
	}
	for _, text := range []string{
		"zufriedene Kundin", "hervorragender Service", "toller Support", "freundliche Beratung",
		"großartig", "grossartig", "hilfsbereite Mitarbeiter", "satisfied", "excellent", "helpfully",
	} {
		if got := lex.Score(text); got <= 0.7 {
			t.Errorf("Score(%q) = %v, want clearly positive", text, got)
		}
	}
	// Whole-word terms must not leak into unrelated words.
	for _, text := range []string{"Gutschein", "Guthaben", "Nettopreis", "Supermarkt", "unzufrieden"} {
		if got := lex.Score(text); got > 0 {
			t.Errorf("Score(%q) = %v, want <= 0", text, got)
		}
	}
}

func TestLargeAndInvalidInput(t *testing.T) {
	t.Parallel()
	lex := sentiment.New()
	big := strings.Repeat("Das ist eine Frechheit!!! Ich bin sehr zufrieden :) 😡 nicht gut, aber ok. ", 1<<20/80)
	invalid := "Das ist \xff\xfe unverschämt \xc3\x28 und \xe2\x82 schlecht \x80"
	for _, text := range []string{big, invalid, strings.Repeat("!", 1<<20), strings.Repeat("a", 1<<20), strings.Repeat("nicht ", 1<<17),
		strings.Repeat("gut aber ", 1<<17), strings.Repeat(":-)))))a", 1<<17), strings.Repeat("suuuuuuuuper ", 1<<16)} {
		start := time.Now()
		p := lex.Predict(text)
		_ = lex.Explain(text)
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Predict on %d bytes took %v", len(text), d)
		}
		checkDistribution(t, text[:min(len(text), 40)], p)
	}
	if got := lex.Predict(invalid).Label; got != sentiment.Negative {
		t.Errorf("Predict(invalid UTF-8) = %s, want negative", got)
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	lex := sentiment.New()
	want := lex.Score("Absolute Frechheit, nie wieder!!!")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				if got := lex.Score("Absolute Frechheit, nie wieder!!!"); got != want {
					t.Errorf("concurrent Score = %v, want %v", got, want)
					return
				}
				_ = lex.Explain("Ich bin sehr zufrieden 👍")
			}
		})
	}
	wg.Wait()
}

func FuzzPredict(f *testing.F) {
	for _, s := range []string{
		"", "Wo bleibt meine Bestellung 4711?", "UNVERSCHÄMT!!! Seit 3 Wochen warte ich",
		"not bad at all", "Danke für nichts", ":-) :( <3 </3 ^^ -_- :/ http://x.de/:/",
		"entta\u0308uscht \xff\xfe", "😡👍🙏❤️", "nicht nicht nicht gut", "?!?!?!", "x" + strings.Repeat("o", 50),
		"Das gefällt mir nicht, aber trotzdem danke?",
		"Wenn das nicht bis Freitag erledigt ist, kündige ich!!! ANWALT", "sonst sonst kündige cancel or i'll",
		"seit seit 3 Wochen warte warte Tagen", "NOW WHY NOT 😡 >:(",
	} {
		f.Add(s)
	}
	lex := sentiment.New()
	f.Fuzz(func(t *testing.T, text string) {
		p := lex.Predict(text)
		checkDistribution(t, text, p)
		s := lex.Score(text)
		if math.IsNaN(s) || math.IsInf(s, 0) {
			t.Fatalf("Score(%q) = %v", text, s)
		}
		var sum float64
		for _, c := range lex.Explain(text) {
			sum += c.Weight
		}
		if math.Abs(sum-s) > 1e-6*max(1, math.Abs(s)) {
			t.Errorf("Score(%q) = %v, sum of Explain = %v", text, s, sum)
		}
		ap, a := lex.Analyze(text)
		if diff := cmp.Diff(p, ap); diff != "" {
			t.Errorf("Analyze(%q) prediction mismatch (-Predict +Analyze):\n%s", text, diff)
		}
		checkAnger(t, text, a)
	})
}

func ExampleLexicon_Predict() {
	lex := sentiment.New()
	for _, text := range []string{
		"Wo bleibt meine Bestellung 4711?",
		"Ich bin sehr zufrieden, danke!",
		"UNVERSCHÄMT!!! Seit 3 Wochen warte ich",
	} {
		p := lex.Predict(text)
		fmt.Printf("%-8s %.2f  %s\n", p.Label, p.Confidence, text)
	}
	for _, c := range lex.Explain("Das ist nicht gut!!!") {
		fmt.Printf("%s %+.2f\n", c.Feature, c.Weight)
	}
	// Output:
	// neutral  0.64  Wo bleibt meine Bestellung 4711?
	// positive 0.98  Ich bin sehr zufrieden, danke!
	// negative 1.00  UNVERSCHÄMT!!! Seit 3 Wochen warte ich
	// neg:nicht gut -1.08
	// excl:!!! -0.60
}

func BenchmarkPredict(b *testing.B) {
	lex := sentiment.New()
	// 30 words, the size of a short customer mail.
	text := "Sehr geehrte Damen und Herren, meine Bestellung 4711 ist leider immer noch nicht angekommen. " +
		"Das ist wirklich ärgerlich, ich warte seit drei Wochen! Mit freundlichen Grüßen, Max Muster"
	for b.Loop() {
		lex.Predict(text)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "texts/s")
}
