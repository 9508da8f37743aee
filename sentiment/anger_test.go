package sentiment_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/sentiment"
)

// pNegative is the probability of "negative" in a prediction.
func pNegative(p classifier.Prediction) float64 {
	if p.Label == sentiment.Negative {
		return p.Confidence
	}
	for _, a := range p.Alternatives {
		if a.Label == sentiment.Negative {
			return a.Confidence
		}
	}
	return 0
}

// maxCalmNegative is the highest P(negative) a calm request may get: the
// reply policy's default limit for automatic answers is 0.3.
const maxCalmNegative = 0.3

// TestRequestsAreNotUpsetOrAngry: cancelling, asking for money back,
// reporting a defect or a wrong bill are requests. In a calm mail they are
// neither upset (Predict) nor angry (Anger).
func TestRequestsAreNotUpsetOrAngry(t *testing.T) {
	t.Parallel()
	lex := sentiment.New()
	tests := []struct {
		name   string
		text   string
		alsoOK string // a label accepted besides neutral
	}{
		// cancelling, German, formal and informal
		{"de formal cancellation", "Sehr geehrte Damen und Herren, hiermit kündige ich meinen Vertrag fristgerecht zum nächstmöglichen Zeitpunkt. Bitte bestätigen Sie mir die Kündigung schriftlich. Mit freundlichen Grüßen, Anna Weber", ""},
		{"de hiermit kündige ich fristgerecht", "Hiermit kündige ich fristgerecht meinen Vertrag mit der Kundennummer 12345.", ""},
		{"de informal cancellation", "Hallo, ich möchte mein Abo zum Monatsende kündigen. Viele Grüße", ""},
		{"de how to cancel", "Hi, wie kann ich meine Mitgliedschaft kündigen?", ""},
		{"de please cancel", "Bitte kündigen Sie meinen Handyvertrag zum nächstmöglichen Termin.", ""},
		{"de already cancelled", "Ich habe gekündigt und bitte um eine Bestätigung der Kündigung.", ""},
		{"de will cancel on date", "Ich werde zum 31.12. kündigen, bitte senden Sie mir eine Bestätigung.", ""},
		{"de fond farewell", "Liebes Team, nach sechs schönen Jahren muss ich mein Abo leider beenden. Bitte zum Monatsende kündigen. Alles Gute!", sentiment.Positive},
		{"de cancellation with condition", "Falls die Kündigung per E-Mail nicht möglich ist, teilen Sie mir bitte mit, wie ich kündigen kann.", ""},
		{"de cancel question with wenn nicht", "Wenn ich nicht kündige, verlängert sich der Vertrag dann automatisch?", ""},
		// money back
		{"de refund", "Ich bitte um Rückerstattung des Betrags von 49,99 €.", ""},
		{"de money back", "Wann bekomme ich mein Geld zurück?", ""},
		{"de refund not yet", "Die Rückerstattung für Retoure R-123 ist noch nicht eingegangen.", ""},
		// defects
		{"de defect", "Der Akku meines Laptops ist defekt. Wie läuft die Reklamation ab?", ""},
		{"de broken display", "Das Display ist kaputt, ich möchte das Gerät reklamieren.", ""},
		{"de does not work", "Die Kaffeemaschine funktioniert leider nicht mehr.", ""},
		{"de damaged", "Der Artikel kam beschädigt an, bitte senden Sie Ersatz.", ""},
		{"de missing part", "Es fehlt ein Teil in meiner Lieferung, und ein Fehler ist in der Rechnung.", ""},
		// wrong bills
		{"de wrong bill charged twice", "Leider ist meine Rechnung falsch: Sie haben den Betrag doppelt abgebucht.", ""},
		{"de wrong amount", "Auf der Rechnung RE-2026-1188 ist ein falscher Betrag.", ""},
		{"de reminder", "Mir wurde eine Mahnung geschickt, obwohl ich bezahlt habe.", ""},
		// cancelling, English
		{"en please cancel my subscription", "Please cancel my subscription.", ""},
		{"en I'd like to cancel", "I'd like to cancel my account, please.", ""},
		{"en cancel with thanks", "Hi, I want to cancel my contract at the end of the month. Thanks, John", sentiment.Positive},
		{"en how to cancel", "How do I cancel my membership?", ""},
		{"en close account", "Please close my account and delete my data.", ""},
		{"en address with Court", "Please send the replacement to Flat 2, 19 Cromwell Court, Glasgow.", ""},
		{"en cancelled and refund", "I cancelled my order yesterday, when will I get the refund?", ""},
		{"en conditional cancel request", "If you can't change the delivery date, please cancel my order.", ""},
		// money back, defects, wrong bills, English
		{"en money back", "Could I get my money back for order A-123?", ""},
		{"en refund", "I would like a refund for the jacket, it doesn't fit.", ""},
		{"en charged twice", "Please refund the second payment, I was charged twice.", ""},
		{"en double charged", "I was double charged for order 4711.", ""},
		{"en broken", "The kettle I received is broken. Can you send a replacement?", ""},
		{"en not working", "My headphones are not working anymore.", ""},
		{"en damaged", "The item arrived damaged, what should I do?", ""},
		{"en wrong invoice", "There is an error on my invoice, the VAT number is wrong.", ""},
		// names and words that only look like cues
		{"en name Sue", "Hi Sue, please forward my invoice to accounting.", ""},
		{"de last time", "Das letzte Mal hat die Lieferung gut geklappt.", sentiment.Positive},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, a := lex.Analyze(tc.text)
			if p.Label != sentiment.Neutral && p.Label != tc.alsoOK {
				t.Errorf("Predict(%q) = %s (score %.2f), want neutral\nexplain: %v", tc.text, p.Label, lex.Score(tc.text), lex.Explain(tc.text))
			}
			if pn := pNegative(p); pn >= maxCalmNegative {
				t.Errorf("Predict(%q): P(negative) = %.2f, want < %.2f", tc.text, pn, maxCalmNegative)
			}
			if a.Angry || a.Threat || a.Score != 0 {
				t.Errorf("Anger(%q) = %+v, want no anger", tc.text, a)
			}
			checkAnger(t, tc.text, a)
		})
	}
}

// TestAnger: insults, outrage, swearing, ultimatums, writing again,
// sarcasm, legal steps and going public are angry; legal steps and going
// public are threats. cue must be among the cues found.
func TestAnger(t *testing.T) {
	t.Parallel()
	lex := sentiment.New()
	tests := []struct {
		name   string
		text   string
		threat bool
		cue    string
	}{
		// German
		{"de Frechheit third time", "Das ist eine Frechheit! Ich schreibe Ihnen jetzt zum dritten Mal.", false, "repeat:zum dritten mal"},
		{"de unverschämt", "Unverschämt, wie Sie mit Ihren Kunden umgehen.", false, "outrage:unverschämt"},
		{"de stinksauer", "Ich bin stinksauer, seit Wochen keine Antwort.", false, "feeling:stinksauer"},
		{"de verärgert", "Ich bin sehr verärgert über Ihren Service.", false, "feeling:verärgert"},
		{"de insult", "Ihr seid doch alle Idioten.", false, "insult:idioten"},
		{"de swearing", "So ein Scheiß, das Ding ist schon wieder kaputt.", false, "swear:scheiß"},
		{"de ultimatum wenn nicht", "Wenn das nicht bis Freitag erledigt ist, kündige ich.", false, "ultimatum:kündige"},
		{"de ultimatum sonst", "Bis Montag erwarte ich eine Lösung, sonst kündige ich den Vertrag.", false, "ultimatum:kündige"},
		{"de last chance", "Das ist Ihre letzte Chance, die Sache zu klären.", false, "ultimatum:letzte chance"},
		{"de Zum dritten Mal", "Zum dritten Mal: Meine Hausnummer ist 31, nicht 13! Bitte korrigieren Sie das endlich.", false, "repeat:zum dritten mal"},
		{"de joke", "Das ist doch ein Witz!!!", false, "outrage:ein witz"},
		{"de enough", "Mir reicht's, ich habe die Nase voll.", false, "outrage:mir reicht's"},
		{"de lawyer", "Ich werde meinen Anwalt einschalten.", true, "legal:anwalt"},
		{"de consumer office", "Ich habe mich bereits an die Verbraucherzentrale gewandt.", true, "legal:verbraucherzentrale"},
		{"de legal steps", "Andernfalls sehe ich mich gezwungen, rechtliche Schritte einzuleiten.", true, "legal:rechtliche schritte"},
		{"de Klage", "Dann reiche ich eben Klage ein.", true, "legal:klage"},
		{"de veiled legal threat", "Ich möchte keinen Anwalt einschalten müssen.", true, "legal:anwalt"},
		{"de court", "Wir sehen uns vor Gericht.", true, "legal:vor gericht"},
		{"de threat with cancel and lawyer", "Wenn das nicht bis Freitag erledigt ist, kündige ich und schalte meinen Anwalt ein.", true, "ultimatum:kündige"},
		{"de going public", "Ich werde das öffentlich machen und eine schlechte Bewertung schreiben.", true, "public:öffentlich machen"},
		// English
		{"en furious", "I'm furious about this.", false, "feeling:furious"},
		{"en joke third time", "This is a joke. Third time I'm writing to you!!!", false, "outrage:a joke"},
		{"en unacceptable caps", "THIS IS UNACCEPTABLE!!!", false, "outrage:unacceptable"},
		{"en ultimatum if not", "If this isn't fixed by Friday, I will cancel my subscription.", false, "ultimatum:cancel"},
		{"en ultimatum otherwise", "Refund me by Monday, otherwise I cancel everything.", false, "ultimatum:cancel"},
		{"en small claims", "Fix it or I'll go to small claims court.", true, "legal:small claims"},
		{"en lawyer", "My lawyer will contact you.", true, "legal:lawyer"},
		{"en court", "If I don't get my money back I will go to court.", true, "legal:to court"},
		{"en sue", "I will sue you.", true, "legal:will sue"},
		{"en legal action", "We will take legal action if the money is not returned.", true, "legal:legal action"},
		{"en insults", "You are a bunch of clowns and thieves.", false, "insult:clowns"},
		{"en shouting", "I'M DONE WITH YOU. WORST SERVICE EVER!!!", false, "outrage:i'm done"},
		{"en emoji", "😡😡 where is my parcel", false, "feeling:😡"},
		{"en wtf", "What is wrong with you, wtf", false, "swear:wtf"},
		{"en how many times", "How many times do I have to ask for my refund?!", false, "repeat:how many times"},
		{"en bad review", "Fix this or I will leave a bad review everywhere.", true, "public:bad review"},
		// sarcasm
		{"de sarcasm", "Danke für nichts.", false, "sarcasm:danke für nichts"},
		{"de na toll", "Na toll, schon wieder nicht geliefert!!!", false, "sarcasm:na toll"},
		{"en sarcasm", "Thanks for nothing!!!", false, "sarcasm:thanks for nothing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := lex.Anger(tc.text)
			if !a.Angry {
				t.Errorf("Anger(%q) = %+v, want angry", tc.text, a)
			}
			if a.Threat != tc.threat {
				t.Errorf("Anger(%q).Threat = %v, want %v (cues %v)", tc.text, a.Threat, tc.threat, a.Cues)
			}
			if !slices.ContainsFunc(a.Cues, func(c classifier.Contribution) bool { return c.Feature == tc.cue }) {
				t.Errorf("Anger(%q).Cues = %v, want %q among them", tc.text, a.Cues, tc.cue)
			}
			checkAnger(t, tc.text, a)
		})
	}
}

// TestUpsetIsNotAngry: disappointment, frustration and complaints about
// waiting are upset (Predict negative: no automatic answer) but not angry
// (no escalation).
func TestUpsetIsNotAngry(t *testing.T) {
	t.Parallel()
	lex := sentiment.New()
	for _, text := range []string{
		"Ich bin sehr enttäuscht von Ihrem Service.",
		"Leider warte ich immer noch auf meine Rückerstattung, das ist wirklich frustrierend.",
		"Seit drei Wochen warte ich auf eine Antwort.",
		"Das Gerät funktioniert leider immer noch nicht.",
		"Ich bin nicht verärgert, aber etwas enttäuscht.",
		"I'm really disappointed, I've been waiting for weeks.",
		"Still no reply after two weeks. Not happy.",
		"I have been waiting 3 weeks for my refund.",
		"I'm not angry, just disappointed.",
		"Oh great, another delay.",
	} {
		p, a := lex.Analyze(text)
		if p.Label != sentiment.Negative {
			t.Errorf("Predict(%q) = %s (score %.2f), want negative\nexplain: %v", text, p.Label, lex.Score(text), lex.Explain(text))
		}
		if a.Angry {
			t.Errorf("Anger(%q) = %+v, want not angry", text, a)
		}
		checkAnger(t, text, a)
	}
}

// TestAngerForm: capitals and "!!!" strengthen anger found in words but
// make no text angry on their own; "!!!" after praise is no anger at all;
// negated feelings are no anger.
func TestAngerForm(t *testing.T) {
	t.Parallel()
	lex := sentiment.New()
	tests := []struct {
		text string
		want []classifier.Contribution
	}{
		{"Danke!!! Super Service!!!", nil},
		{"Ich bin nicht verärgert.", nil},
		{"I'm not angry at all.", nil},
		{"Die Milch war sauer.", []classifier.Contribution{{Feature: "feeling:sauer", Weight: 0.8}}},
		{"BITTE ÄNDERN SIE MEINE ADRESSE UND TELEFONNUMMER.", []classifier.Contribution{{Feature: "shout:all capitals", Weight: 0.3}}},
		{"Mein BOSCH Kühlschrank geht nicht!!!", []classifier.Contribution{
			{Feature: "excl:!!!", Weight: 0.5}, {Feature: "shout:BOSCH", Weight: 0.3},
		}},
		{"WO BLEIBT MEIN PAKET???", []classifier.Contribution{
			{Feature: "excl:???", Weight: 0.3}, {Feature: "shout:BLEIBT", Weight: 0.3}, {Feature: "shout:MEIN", Weight: 0.3},
		}},
		{"Wo bleibt mein Paket?!?! Sort it out NOW", []classifier.Contribution{
			{Feature: "excl:?!?!", Weight: 0.6}, {Feature: "ultimatum:sort it out", Weight: 0.3},
			{Feature: "shout:NOW", Weight: 0.3},
		}},
		{"UNVERSCHÄMT!!! Das ist eine Frechheit!!!", []classifier.Contribution{
			{Feature: "outrage:unverschämt", Weight: 1.2}, {Feature: "outrage:frechheit", Weight: 1.2},
			{Feature: "excl:!!!", Weight: 0.9 * 1.0 / 1.3}, {Feature: "shout:UNVERSCHÄMT", Weight: 0.9 * 0.3 / 1.3},
		}},
	}
	for _, tc := range tests {
		a := lex.Anger(tc.text)
		if diff := cmp.Diff(tc.want, a.Cues, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
			t.Errorf("Anger(%q).Cues mismatch (-want +got):\n%s", tc.text, diff)
		}
		var words bool
		for _, c := range a.Cues {
			words = words || !strings.HasPrefix(c.Feature, "excl:") && !strings.HasPrefix(c.Feature, "shout:")
		}
		if a.Angry && !words {
			t.Errorf("Anger(%q) = %+v: angry from capitals and punctuation alone", tc.text, a)
		}
		checkAnger(t, tc.text, a)
	}
}

// TestAnalyzeMatchesPredict: Analyze's prediction is Predict's, and its
// anger is Anger's.
func TestAnalyzeMatchesPredict(t *testing.T) {
	t.Parallel()
	lex := sentiment.New()
	for _, text := range []string{
		"", "  ", "Das ist eine Frechheit!!! Ich kündige, sonst nichts.", "Thanks a lot :)",
		"Es funktioniert leider nicht, aber der Support war freundlich!!",
		"Das gefällt mir absolut nicht :( Nie wieder!!!",
	} {
		p, a := lex.Analyze(text)
		if diff := cmp.Diff(lex.Predict(text), p); diff != "" {
			t.Errorf("Analyze(%q) prediction mismatch (-Predict +Analyze):\n%s", text, diff)
		}
		if diff := cmp.Diff(lex.Anger(text), a); diff != "" {
			t.Errorf("Analyze(%q) anger mismatch (-Anger +Analyze):\n%s", text, diff)
		}
	}
}

// checkAnger checks that an Anger is consistent: Score in [0, 1) is r/(1+r)
// for the sum r of the cues, positive cues sorted strongest first, Angry
// from the score or a threat, a threat only with a legal or public cue.
func checkAnger(t *testing.T, text string, a sentiment.Anger) {
	t.Helper()
	var r float64
	threatCue := false
	for i, c := range a.Cues {
		if !(c.Weight > 0) {
			t.Errorf("Anger(%q): cue %s has weight %v, want > 0", text, c.Feature, c.Weight)
		}
		if i > 0 && c.Weight > a.Cues[i-1].Weight {
			t.Errorf("Anger(%q): cues not sorted: %v", text, a.Cues)
		}
		threatCue = threatCue || strings.HasPrefix(c.Feature, "legal:") || strings.HasPrefix(c.Feature, "public:")
		r += c.Weight
	}
	if a.Score < 0 || a.Score >= 1 || math.IsNaN(a.Score) {
		t.Errorf("Anger(%q).Score = %v, want in [0, 1)", text, a.Score)
	}
	if want := r / (1 + r); math.Abs(a.Score-want) > 1e-9 {
		t.Errorf("Anger(%q).Score = %v, want %v from the cues %v", text, a.Score, want, a.Cues)
	}
	if want := a.Score >= sentiment.AngryAt || a.Threat; a.Angry != want {
		t.Errorf("Anger(%q).Angry = %v, want %v (score %.3f, threat %v)", text, a.Angry, want, a.Score, a.Threat)
	}
	if a.Threat && !threatCue {
		t.Errorf("Anger(%q).Threat without a legal or public cue: %v", text, a.Cues)
	}
}

func ExampleLexicon_Anger() {
	lex := sentiment.New()
	for _, text := range []string{
		"Hiermit kündige ich meinen Vertrag fristgerecht.",
		"Ich bin enttäuscht, seit Wochen warte ich auf eine Antwort.",
		"Zum dritten Mal: Wo bleibt mein Geld?!",
		"Wenn das nicht bis Freitag erledigt ist, schalte ich meinen Anwalt ein.",
	} {
		p, a := lex.Analyze(text)
		fmt.Printf("%-8s angry=%-5v threat=%-5v %.2f", p.Label, a.Angry, a.Threat, a.Score)
		for _, c := range a.Cues {
			fmt.Printf(" %s %.1f", c.Feature, c.Weight)
		}
		fmt.Println()
	}
	// Output:
	// neutral  angry=false threat=false 0.00
	// negative angry=false threat=false 0.00
	// negative angry=true  threat=false 0.58 repeat:zum dritten mal 1.0 excl:?! 0.4
	// negative angry=true  threat=true  0.60 legal:anwalt 1.5
}

// BenchmarkAnalyze compares Predict with Analyze (Predict and Anger from
// one pass) on the text of BenchmarkPredict, in one run.
func BenchmarkAnalyze(b *testing.B) {
	lex := sentiment.New()
	text := "Sehr geehrte Damen und Herren, meine Bestellung 4711 ist leider immer noch nicht angekommen. " +
		"Das ist wirklich ärgerlich, ich warte seit drei Wochen! Mit freundlichen Grüßen, Max Muster"
	for _, bm := range []struct {
		name string
		f    func()
	}{
		{"predict", func() { lex.Predict(text) }},
		{"analyze", func() { lex.Analyze(text) }},
	} {
		b.Run(bm.name, func(b *testing.B) {
			for b.Loop() {
				bm.f()
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "texts/s")
		})
	}
}
