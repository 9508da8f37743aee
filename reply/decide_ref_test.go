package reply

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/internal/testmail"
)

// refPolicies are policies that take every branch of Decide between
// them: hand thresholds and fitted rules, escalation on P(negative),
// VIPs, own addresses, intents never answered, more escalation words
// than a wordSet holds, an empty one, a pattern of our own beside the
// default no-reply pattern, no rate limit, and a policy never compiled.
func refPolicies(t testing.TB) map[string]Policy {
	t.Helper()
	custom := DefaultPolicy()
	custom.VIPs = []string{"vip@example.de", " @Boss.example "}
	custom.NeverAuto = []string{"complaint"}
	custom.IntentThresholds = map[string]float64{"praise": 0.6}
	custom.Channels = []string{"email"}
	custom.RateLimit = RateLimit{Max: -1, Per: 90 * time.Minute}
	custom.NoReply = append(custom.NoReply, `^info@`)
	custom.EscalateWords = append(custom.EscalateWords, "Kündigung", "Bestellung 4711", "-x")
	custom.Brand.From = "Kundenservice <Service@Shop.example>"
	if err := custom.AddOwn("shop2.example", "@own.example"); err != nil {
		t.Fatal(err)
	}
	custom.compile()
	many := furious()
	for i := range 70 {
		many.EscalateWords = append(many.EscalateWords, fmt.Sprintf("wort%d", i))
	}
	many.compile()
	empty := DefaultPolicy()
	empty.EscalateWords = append(empty.EscalateWords, "")
	empty.compile()
	none := fitted()
	none.Auto.Threshold = 1.5
	changed := custom // fields changed after compile
	changed.Brand.From = "other@shop.example"
	changed.RateLimit.Per = time.Hour
	return map[string]Policy{"default": DefaultPolicy(), "fitted": fitted(), "furious": furious(), "custom": custom,
		"many words": many, "empty word": empty, "fitted sends nothing": none, "changed": changed, "zero": {}}
}

// refInputs are the realistic inputs of the generated mails, each with
// one of a set of changes that make checks fail, and TestDecide's.
func refInputs(t testing.TB) []Input {
	t.Helper()
	changes := []func(*Input){
		func(*Input) {},
		func(in *Input) { in.FollowUp = true },
		func(in *Input) { in.FollowUp, in.AsksNothing, in.AnsweredBefore = true, true, true },
		func(in *Input) { in.NoText = "its HTML holds no text" },
		func(in *Input) { in.Lang = "de"; in.ArticleLang = "de" },
		func(in *Input) { in.Lang = "en"; in.ArticleLang = "de" },
		func(in *Input) { in.Lang = "es" },
		func(in *Input) { in.Lang = "und"; in.Article = "" },
		func(in *Input) { in.AutoSubmitted = true },
		func(in *Input) { in.Requests = []string{"parcel_missing", "invoice_wrong", "praise"} },
		func(in *Input) { in.Missing = []string{"OrderNumber", "Date"} },
		func(in *Input) { in.Anger, in.AngerCues = 0.9, []string{"unverschämt", "<!!!>"} },
		func(in *Input) { in.Anger = 0.2 },
		func(in *Input) { in.Intent.Scope = 0.5; in.Intent.Abstain = true },
		func(in *Input) { in.Intent.Scope = 0.5; in.IntentData = "too thin: 5 examples" },
		func(in *Input) { in.Intent.Label = "complaint"; in.Intent.Scope = 0.9 },
		func(in *Input) { in.HasAnswer, in.Article, in.ArticleLang = false, "", "" },
		func(in *Input) { in.Channel = "fax" },
		func(in *Input) { in.Channel = "" },
		func(in *Input) { in.From = "" },
		func(in *Input) { in.From = "vip@example.de" },
		func(in *Input) { in.From = "Chef <chef@mail.boss.example>" },
		func(in *Input) { in.From = "service@shop.example" },
		func(in *Input) { in.From = "x@sub.shop2.example" },
		func(in *Input) { in.From = "info@kunde.example" },
		func(in *Input) { in.From = "No-Reply+x@kunde.example" },
		func(in *Input) { in.From = "a@x.example, b@x.example" },
		func(in *Input) { in.From = "@kunde_123" },
		func(in *Input) { in.Text += " Mein Anwalt, die Verbraucherzentrale und ich: Kündigung!" },
		func(in *Input) { in.Text += " wort3 und wort69" },
		func(in *Input) { in.Recent = 5 },
		func(in *Input) { in.Intent.Label = "praise"; in.Intent.Confidence = 0.7; in.Intent.Scope = 0.4 },
		func(in *Input) { in.Sentiment = pred("negative", 0.95) },
		func(in *Input) { in.Signals.P1 = 0.95; in.Intent.Scope = 0.3 },
	}
	var out []Input
	for i, in := range decideInputs(testmail.Generated(t)) {
		changes[i%len(changes)](&in)
		out = append(out, in)
	}
	for _, change := range changes {
		in := good()
		change(&in)
		out = append(out, in)
	}
	return out
}

// TestDecideSameAsOld: Decide decides every input as it did before it
// built its texts in one buffer, field for field and text for text.
func TestDecideSameAsOld(t *testing.T) {
	inputs := refInputs(t)
	seen := map[string]bool{}
	for name, p := range refPolicies(t) {
		for i, in := range inputs {
			want, got := oldDecide(p, in), p.Decide(in)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("policy %s, input %d %+v: Decide differs from the old one (-old +new):\n%s", name, i, in, diff)
			}
			seen[string(got.Action)] = true
			for _, c := range got.Reasons {
				seen[fmt.Sprintf("%s %v", c.Name, c.Passed)] = true
			}
		}
	}
	// Every action, and every check both passed and failed.
	for _, a := range []Action{Send, Suggest, Escalate, Ignore} {
		if !seen[string(a)] {
			t.Errorf("no input is decided %s", a)
		}
	}
	for _, c := range []string{"sender", "no escalation words", "not angry",
		"not furious", "not a VIP", "language supported", "follow-up asks something", "not answered before", "one request",
		"in scope", "intent allowed", "answer found", CheckAnswerFits, CheckAnswerLang, "not upset", "placeholders filled",
		"answer likely right", "intent confident", "intent has data", "answer score", "sender known", "channel allowed", "rate limit"} {
		for _, v := range []string{" true", " false"} {
			if !seen[c+v] {
				t.Errorf("no input gives %q", c+v)
			}
		}
	}
	if !seen["text false"] {
		t.Error("no input has no text")
	}
}

// FuzzDecideSameAsOld compares Decide with the old one on arbitrary
// senders, texts and values.
func FuzzDecideSameAsOld(f *testing.F) {
	f.Add("Petra Schulz <petra@example.de>", "Wo bleibt meine Bestellung? Anwalt!", "de", "email", "parcel_missing", "parcel_missing-de", "de", 0.9, 0.1, 0.5, 2, uint16(0))
	f.Add(`"Hoffmann, Brigitte" <NoReply@x.example>`, "I will SUE YOU", "en", "chat", "", "", "en", 0.2, 0.9, 0.01, 4, uint16(0xffff))
	f.Add("<postmaſter@x>", "wort3", "und", "fax", "complaint", "a", "", 0.86, 0.5, 1.0, 3, uint16(0x1234))
	policies := refPolicies(f)
	names := []string{"default", "fitted", "furious", "custom", "many words", "empty word", "fitted sends nothing", "changed", "zero"}
	f.Fuzz(func(t *testing.T, from, text, lang, channel, intent, article, articleLang string, conf, neg, anger float64, recent int, flags uint16) {
		bit := func(i uint) bool { return flags&(1<<i) != 0 }
		in := Input{From: from, Channel: channel, Text: text, Lang: lang, AutoSubmitted: bit(0),
			Intent:    classifier.Prediction{Label: intent, Confidence: conf, Scope: conf / 2, Abstain: bit(1)},
			Sentiment: classifier.Prediction{Label: "neutral", Alternatives: []classifier.Scored{{Label: "negative", Confidence: neg}}},
			Anger:     anger, FollowUp: bit(2), AsksNothing: bit(3), AnsweredBefore: bit(4), HasAnswer: bit(5),
			Article: article, ArticleLang: articleLang, KBScore: neg, Linked: bit(6), Recent: recent}
		if bit(7) {
			in.AutoReason = "subject: " + text
		}
		if bit(8) {
			in.AngerCues = strings.Fields(text)
		}
		if bit(9) {
			in.Requests = strings.Fields(article)
		}
		if bit(10) {
			in.Missing = strings.Fields(intent)
		}
		if bit(11) {
			in.IntentData = text
		}
		if bit(12) {
			in.NoText = article
		}
		in.Signals.Intent, in.Signals.P1 = intent, conf
		name := names[int(flags>>13)%len(names)]
		p := policies[name]
		if diff := cmp.Diff(oldDecide(p, in), p.Decide(in)); diff != "" {
			t.Fatalf("policy %s, input %+v: Decide differs from the old one (-old +new):\n%s", name, in, diff)
		}
	})
}
