package reply

import (
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/entity"
	"github.com/antwort-dev/antwort/trust"
)

func pred(label string, conf float64, alts ...classifier.Scored) classifier.Prediction {
	return classifier.Prediction{Label: label, Confidence: conf, Alternatives: alts, Scope: 0.6}
}

// good is an input that passes every check of the default policy.
func good() Input {
	return Input{
		From: "Petra Schulz <petra@example.de>", Channel: "email", Text: "Wo bleibt meine Bestellung 4711?", Lang: "de",
		Intent:    pred("parcel_missing", 0.97, classifier.Scored{Label: "delivery_date_change", Confidence: 0.02}),
		Sentiment: pred("neutral", 0.8, classifier.Scored{Label: "negative", Confidence: 0.15}),
		HasAnswer: true, Article: "parcel_missing-de", ArticleLang: "de", KBScore: 0.9, Linked: true,
		Signals: trust.Signals{Intent: "parcel_missing", P1: 0.97, P2: 0.02, Scope: 0.6, Answer: true, TextScore: 0.8, KBScore: 0.9},
	}
}

// fitted is a policy with a fitted rule whose model is the intent's
// probability itself (weight 1 on its logit), sending from 0.9.
func fitted() Policy {
	p := DefaultPolicy()
	p.MaxWrong = 0.02
	p.Auto = &FittedRule{Rule: trust.Rule{MaxWrong: 0.02, Level: 0.95, Threshold: 0.9,
		Model:    trust.Model{Features: []string{trust.FeatIntent}, Weights: []float64{1}, Mean: []float64{0}, Scale: []float64{1}},
		Excluded: map[string]string{"complaint": "3 of 20 likely answers wrong"}}}
	return p
}

// furious is the default policy that also escalates P(negative) >= 0.9.
func furious() Policy {
	p := DefaultPolicy()
	p.EscalateNegative = 0.9
	return p
}

func TestDecide(t *testing.T) {
	tests := []struct {
		name   string
		policy Policy
		change func(*Input)
		want   Action
		failed []string
	}{
		{"all good", DefaultPolicy(), func(*Input) {}, Send, nil},
		{"no-reply sender", DefaultPolicy(), func(in *Input) { in.From = "noreply@shop.example" }, Ignore, []string{"sender"}},
		{"bounce", DefaultPolicy(), func(in *Input) { in.From = "MAILER-DAEMON@mx.example" }, Ignore, []string{"sender"}},
		{"auto-submitted", DefaultPolicy(), func(in *Input) { in.AutoSubmitted = true }, Ignore, []string{"sender"}},
		{"out of office", DefaultPolicy(), func(in *Input) { in.AutoReason = "subject: Abwesenheitsnotiz" }, Ignore, []string{"sender"}},
		{"lawyer", DefaultPolicy(), func(in *Input) { in.Text = "Ich schalte meinen Anwalt ein." }, Escalate, []string{"no escalation words"}},
		{"lawyer in English", DefaultPolicy(), func(in *Input) { in.Text = "My lawyer will contact you." }, Escalate, []string{"no escalation words"}},
		{"polite German cancellation", DefaultPolicy(), func(in *Input) {
			in.Text = "Sehr geehrte Damen und Herren, hiermit kündige ich meinen Vertrag fristgerecht. Bitte bestätigen Sie mir die Kündigung."
		}, Send, nil},
		{"polite English cancellation", DefaultPolicy(), func(in *Input) { in.Text = "Please cancel my subscription." }, Send, nil},
		{"angry", DefaultPolicy(), func(in *Input) { in.Anger, in.AngerCues = 0.8, []string{"unverschämt", "!!!"} }, Escalate, []string{"not angry"}},
		{"very negative is upset, not angry", DefaultPolicy(), func(in *Input) { in.Sentiment = pred("negative", 0.99) }, Suggest, []string{"not upset"}},
		{"furious, when asked for", furious(), func(in *Input) { in.Sentiment = pred("negative", 0.95) }, Escalate, []string{"not furious"}},
		{"upset but not angry", DefaultPolicy(), func(in *Input) { in.Sentiment = pred("negative", 0.6) }, Suggest, []string{"not upset"}},
		{"upset by the second opinion", DefaultPolicy(), func(in *Input) { in.SecondOpinion = pred("negative", 0.7) }, Suggest, []string{"not upset"}},
		{"Spanish", DefaultPolicy(), func(in *Input) { in.Lang = "es" }, Suggest, []string{"language supported", CheckAnswerLang}},
		{"undetermined language", DefaultPolicy(), func(in *Input) { in.Lang = "und" }, Suggest, []string{"language supported", CheckAnswerLang}},
		{"German article for an English mail", DefaultPolicy(), func(in *Input) { in.Lang = "en" }, Suggest, []string{CheckAnswerLang}},
		{"follow-up with a new request", DefaultPolicy(), func(in *Input) { in.FollowUp = true }, Send, nil},
		{"follow-up to the same answer", DefaultPolicy(), func(in *Input) { in.FollowUp, in.AnsweredBefore = true, true }, Suggest, []string{"not answered before"}},
		{"follow-up that asks nothing", DefaultPolicy(), func(in *Input) { in.FollowUp, in.AsksNothing = true, true }, Suggest, []string{"follow-up asks something"}},
		{"two requests", DefaultPolicy(), func(in *Input) { in.Requests = []string{"parcel_missing", "invoice_wrong"} }, Suggest, []string{"one request"}},
		{"out of scope", DefaultPolicy(), func(in *Input) { in.Intent.Scope = 0.01 }, Suggest, []string{"in scope"}},
		{"unsure intent", DefaultPolicy(), func(in *Input) { in.Intent = pred("parcel_missing", 0.6) }, Suggest, []string{"intent confident"}},
		{"abstained", DefaultPolicy(), func(in *Input) { in.Intent.Abstain = true }, Suggest, []string{"intent confident"}},
		{"weak answer", DefaultPolicy(), func(in *Input) { in.KBScore = 0.3 }, Suggest, []string{"answer score"}},
		{"intent with too little training data", DefaultPolicy(), func(in *Input) {
			in.IntentData = "too thin: 5 examples, label at least 20"
		}, Suggest, []string{"intent has data"}},
		{"fitted: measured the intent itself", fitted(), func(in *Input) {
			in.IntentData = "too thin: 5 examples, label at least 20"
		}, Send, nil},
		{"no answer", DefaultPolicy(), func(in *Input) {
			in.HasAnswer, in.Article, in.KBScore, in.Linked, in.ArticleLang = false, "", 0, false, ""
		},
			Suggest, []string{"answer found", CheckAnswerFits, CheckAnswerLang, "answer score"}},
		{"answer for another intent", DefaultPolicy(), func(in *Input) { in.Linked = false }, Suggest, []string{CheckAnswerFits}},
		{"placeholder missing", DefaultPolicy(), func(in *Input) { in.Missing = []string{"OrderNumber"} }, Suggest, []string{"placeholders filled"}},
		{"no sender", DefaultPolicy(), func(in *Input) { in.From = "" }, Suggest, []string{"sender", "sender known"}},
		{"rate limit", DefaultPolicy(), func(in *Input) { in.Recent = 3 }, Suggest, []string{"rate limit"}},
		{"unknown channel", DefaultPolicy(), func(in *Input) { in.Channel = "fax" }, Suggest, []string{"channel allowed"}},
		{"fitted: likely right", fitted(), func(*Input) {}, Send, nil},
		{"fitted: below the threshold", fitted(), func(in *Input) { in.Signals.P1 = 0.85 }, Suggest, []string{"answer likely right"}},
		{"fitted: ignores the hand thresholds", fitted(), func(in *Input) { in.Intent.Confidence, in.KBScore = 0.5, 0.1 }, Send, nil},
		{"fitted: intent left to people", fitted(), func(in *Input) {
			in.Intent.Label, in.Signals.Intent, in.Article = "complaint", "complaint", "complaint-de"
		}, Suggest, []string{"answer likely right"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := good()
			tt.change(&in)
			d := tt.policy.Decide(in)
			if d.Action != tt.want {
				t.Errorf("Decide() action = %s, want %s; reasons %+v", d.Action, tt.want, d.Reasons)
			}
			if diff := cmp.Diff(tt.failed, d.Failed()); diff != "" {
				t.Errorf("failed checks mismatch (-want +got):\n%s", diff)
			}
			for _, c := range d.Reasons {
				if c.Detail == "" || c.Group == "" {
					t.Errorf("check %q has no detail or group", c.Name)
				}
				if !c.Passed && c.Problem == "" {
					t.Errorf("failed check %q does not say what is wrong", c.Name)
				}
			}
			if in.AutoReason != "" && !strings.Contains(d.Reasons[0].Detail, in.AutoReason) {
				t.Errorf("sender check %q does not give the reason %q", d.Reasons[0].Detail, in.AutoReason)
			}
			if tt.policy.Auto != nil {
				if d.Rule != RuleFitted || d.MaxWrong != 0.02 || d.Threshold != 0.9 {
					t.Errorf("fitted rule: decision says rule %q, max_wrong %v, threshold %v", d.Rule, d.MaxWrong, d.Threshold)
				}
				if want := tt.policy.Auto.Model.P(in.Signals); d.PCorrect != want {
					t.Errorf("p_correct %v, want the model's %v", d.PCorrect, want)
				}
			} else if d.Action != Ignore && d.Action != Escalate {
				if d.Rule != RuleHand || d.PCorrect != in.Intent.Confidence {
					t.Errorf("hand thresholds: decision says rule %q, p_correct %v (want the intent's confidence %v)", d.Rule, d.PCorrect, in.Intent.Confidence)
				}
			}
		})
	}
}

// TestProblemsSayWhatIsWrong: the text shown for a failed check names the
// problem, not the check's positive name.
func TestProblemsSayWhatIsWrong(t *testing.T) {
	in := good()
	in.Anger, in.AngerCues = 0.9, []string{"wütend", "!!!"}
	d := DefaultPolicy().Decide(in)
	if got := d.Problems(); len(got) != 1 || !strings.HasPrefix(got[0], "angry: anger 0.90") || !strings.Contains(got[0], "wütend") {
		t.Errorf("Problems() = %q, want the anger score and cues", got)
	}
	in = good()
	in.KBScore = 0.3
	if got := DefaultPolicy().Decide(in).Problems(); len(got) != 1 || !strings.HasPrefix(got[0], "no article above 0.50") {
		t.Errorf("Problems() = %q, want \"no article above 0.50 …\"", got)
	}
	in = good()
	in.From = ""
	if got := DefaultPolicy().Decide(in).Problems(); len(got) != 1 || got[0] != "no sender address" {
		t.Errorf("Problems() = %q, want \"no sender address\" once", got)
	}
	in = good()
	in.HasAnswer, in.Article, in.KBScore, in.Linked, in.ArticleLang = false, "", 0, false, ""
	if got := DefaultPolicy().Decide(in).Problems(); len(got) != 1 || got[0] != "no article found" {
		t.Errorf("Problems() = %q, want \"no article found\" once", got)
	}
}

// TestEligible: a message that fails only the confidence or delivery checks
// could be answered automatically; one that fails a content check, or is
// escalated or ignored, could not.
func TestEligible(t *testing.T) {
	p := DefaultPolicy()
	for _, c := range []struct {
		name   string
		change func(*Input)
		want   bool
	}{
		{"all good", func(*Input) {}, true},
		{"unsure intent", func(in *Input) { in.Intent.Confidence = 0.5 }, true},
		{"no sender address", func(in *Input) { in.From = "" }, true},
		{"rate limit", func(in *Input) { in.Recent = 9 }, true},
		{"placeholder missing", func(in *Input) { in.Missing = []string{"OrderNumber"} }, false},
		{"two requests", func(in *Input) { in.Requests = []string{"a", "b"} }, false},
		{"Dutch", func(in *Input) { in.Lang = "nl" }, false},
		{"escalated", func(in *Input) { in.Text = "Klage!" }, false},
		{"ignored", func(in *Input) { in.AutoSubmitted = true }, false},
	} {
		in := good()
		c.change(&in)
		if got := p.Decide(in).Eligible(); got != c.want {
			t.Errorf("%s: Eligible() = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestPolicyFile(t *testing.T) {
	p, err := ParsePolicy([]byte(`
intent_threshold: 0.9
intent_thresholds: {password_reset: 0.7}
never_auto: [complaint]
vips: ["@bigcustomer.example"]
rate_limit: {max: 1, per: 1h}
`))
	if err != nil {
		t.Fatal(err)
	}
	in := good()
	in.Intent = pred("password_reset", 0.75)
	if d := p.Decide(in); d.Action != Send {
		t.Errorf("per-intent threshold 0.7 at confidence 0.75: %s %v", d.Action, d.Failed())
	}
	in.Intent = pred("parcel_missing", 0.88)
	if d := p.Decide(in); d.Action != Suggest {
		t.Errorf("global threshold 0.9 at 0.88: %s", d.Action)
	}
	in = good()
	in.Intent = pred("complaint", 0.99)
	if d := p.Decide(in); d.Action != Suggest || d.Failed()[0] != "intent allowed" {
		t.Errorf("never_auto intent: %s %v", d.Action, d.Failed())
	}
	in = good()
	in.From = "boss@bigcustomer.example"
	if d := p.Decide(in); d.Action != Escalate {
		t.Errorf("VIP: %s", d.Action)
	}
	if p.KBThreshold != 0.5 || len(p.EscalateWords) == 0 {
		t.Errorf("defaults not kept for keys the file leaves out: %+v", p)
	}
	for _, bad := range []string{"intent_treshold: 0.9", "kb_threshold: 1.5", "no_reply: ['(']", "intent_thresholds: {x: -1}",
		"max_wrong: 0.01", "max_wrong: 1", "rate_limit: {per: -1h}"} {
		if _, err := ParsePolicy([]byte(bad)); !errors.Is(err, ErrPolicy) {
			t.Errorf("ParsePolicy(%q) error = %v, want ErrPolicy", bad, err)
		}
	}
	if _, err := ParsePolicy(nil); err != nil {
		t.Errorf("empty policy file: %v", err)
	}
}

// TestPolicyFileZeros: a value written in the file is the value used, zero
// included; only keys left out take the defaults.
func TestPolicyFileZeros(t *testing.T) {
	p, err := ParsePolicy([]byte("kb_threshold: 0\nmax_negative: 0\nmin_scope: 0\nrate_limit: {max: 0}\nescalate_words: []\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p.KBThreshold != 0 || p.MaxNegative != 0 || p.MinScope != 0 || p.RateLimit.Max != 0 || len(p.EscalateWords) != 0 {
		t.Errorf("explicit zeros replaced: kb %v, max_negative %v, min_scope %v, rate_limit.max %d, escalate_words %v",
			p.KBThreshold, p.MaxNegative, p.MinScope, p.RateLimit.Max, p.EscalateWords)
	}
	if p.IntentThreshold != 0.85 || p.RateLimit.Per != 24*time.Hour {
		t.Errorf("keys left out must keep their defaults: intent_threshold %v, rate_limit.per %v", p.IntentThreshold, p.RateLimit.Per)
	}
	in := good()
	if d := p.Decide(in); d.Action != Suggest || d.Failed()[len(d.Failed())-1] != "rate limit" {
		t.Errorf("rate_limit.max 0 must stop every automatic answer: %s %v", d.Action, d.Failed())
	}
}

// TestFittedRuleRoundTrip writes a policy with a fitted rule, reads it
// back, and checks that it decides the same.
func TestFittedRuleRoundTrip(t *testing.T) {
	p := fitted()
	b, err := p.YAML()
	if err != nil {
		t.Fatal(err)
	}
	q, err := ParsePolicy(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if diff := cmp.Diff(p.Auto, q.Auto, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("rule changed in the round trip (-want +got):\n%s", diff)
	}
	in := good()
	if a, b := p.Decide(in), q.Decide(in); !cmp.Equal(a, b) {
		t.Errorf("decisions differ after the round trip: %+v vs %+v", a, b)
	}
	// A rule for another target than max_wrong is refused.
	bad := strings.Replace(string(b), "max_wrong: 0.02\n", "max_wrong: 0.05\n", 1)
	if _, err := ParsePolicy([]byte(bad)); !errors.Is(err, ErrPolicy) || !strings.Contains(err.Error(), "fitted for 0.02") {
		t.Errorf("rule fitted for another target: %v", err)
	}
}

// TestPolicyPatterns: a deployment's own number formats come from the
// policy file and reach the extractor; a bad expression is a policy error.
func TestPolicyPatterns(t *testing.T) {
	p, err := ParsePolicy([]byte("patterns:\n  order: ['\\b(NL-\\d{6})\\b']\n"))
	if err != nil {
		t.Fatal(err)
	}
	x, err := entity.NewExtractor(&p.Patterns)
	if err != nil {
		t.Fatal(err)
	}
	e := x.Extract("", "Lieferung", "Meine Lieferung NL-123456 ist nicht da.", "de", time.Now())
	if e.OrderNumber != "NL-123456" {
		t.Errorf("OrderNumber = %q, want NL-123456 from the policy's pattern", e.OrderNumber)
	}
	if _, err := ParsePolicy([]byte("patterns:\n  ticket: ['(unclosed']\n")); !errors.Is(err, ErrPolicy) {
		t.Errorf("bad pattern: %v, want ErrPolicy", err)
	}
}

func TestBrand(t *testing.T) {
	p, err := ParsePolicy([]byte(`
brand:
  company: Nordlicht
  from: "Kundenservice <service@nordlicht.example>"
  sign_off: {de: "Ihr Nordlicht-Team", en/twitter: "^NL"}
  footer: {de: "Nordlicht Versand GmbH, Hamburg"}
`))
	if err != nil {
		t.Fatal(err)
	}
	b := p.Brand
	for _, c := range []struct{ lang, channel, want string }{
		{"de", "email", "Ihr Nordlicht-Team"},
		{"en", "twitter", "^NL"},
		{"en", "email", "Your Nordlicht customer service team"},
	} {
		if got := b.SignOffFor(c.lang, c.channel); got != c.want {
			t.Errorf("SignOffFor(%s, %s) = %q, want %q", c.lang, c.channel, got, c.want)
		}
	}
	if got := DefaultPolicy().Brand.SignOffFor("de", ""); got != "Ihr Kundenservice" {
		t.Errorf("default German sign-off %q", got)
	}
	if b.FooterFor("de", "email") == "" || b.FooterFor("de", "twitter") != "" || b.FooterFor("en", "email") != "" {
		t.Errorf("footer: email %q, twitter %q, en %q", b.FooterFor("de", "email"), b.FooterFor("de", "twitter"), b.FooterFor("en", "email"))
	}
	for _, bad := range []string{
		"brand: {from: 'a@x.example, b@y.example'}",
		"brand: {from: 'not an address'}",
		"brand: {sign_off: {fr: Merci}}",
		"brand: {sign_off: {de: '{{.Name}}'}}",
		"brand: {footer: {es: hola}}",
	} {
		if _, err := ParsePolicy([]byte(bad)); !errors.Is(err, ErrPolicy) {
			t.Errorf("ParsePolicy(%q) error = %v, want ErrPolicy", bad, err)
		}
	}
}

// TestDefaultYAML: the commented default policy loads as the default
// policy, and every key has a comment.
func TestDefaultYAML(t *testing.T) {
	b, err := DefaultYAML()
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePolicy(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if diff := cmp.Diff(DefaultPolicy(), p, cmpopts.IgnoreUnexported(Policy{}), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("DefaultYAML is not the default policy (-want +got):\n%s", diff)
	}
	for key := range keyComments {
		if !strings.Contains(string(b), "\n"+key+":") {
			t.Errorf("key %s missing from DefaultYAML", key)
		}
	}
	for line := range strings.Lines(string(b)) {
		if k, _, ok := strings.Cut(line, ":"); ok && !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "#") && keyComments[k] == "" {
			t.Errorf("key %s has no comment", k)
		}
	}
}

var updateDocs = flag.Bool("update-docs", false, "rewrite the default policy in docs/policy.md")

// TestDocumentedDefaultPolicy: the default policy shown in docs/policy.md
// is DefaultYAML's; run with -update-docs after changing a default.
func TestDocumentedDefaultPolicy(t *testing.T) {
	const path = "../docs/policy.md"
	const marker = "<!-- default-policy:"
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i := strings.Index(s, marker)
	if i < 0 {
		t.Fatalf("%s has no %q marker", path, marker)
	}
	start := strings.Index(s[i:], "```yaml\n")
	end := strings.Index(s[i+start+8:], "```\n")
	if start < 0 || end < 0 {
		t.Fatalf("%s: no yaml block after the marker", path)
	}
	start += i + 8
	end += start
	want, err := DefaultYAML()
	if err != nil {
		t.Fatal(err)
	}
	if *updateDocs {
		if err := os.WriteFile(path, []byte(s[:start]+string(want)+s[end:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if diff := cmp.Diff(string(want), s[start:end]); diff != "" {
		t.Errorf("%s shows another default policy than the code (run go test ./reply -run TestDocumentedDefaultPolicy -update-docs) (-code +docs):\n%s", path, diff)
	}
}

// TestOwnAddressNeverAnswered: mail whose answer would go to one of our
// own addresses or domains, in any case, is ignored, however good the
// answer; the policy file and AddOwn both name them.
func TestOwnAddressNeverAnswered(t *testing.T) {
	p, err := ParsePolicy([]byte("own_addresses: [service@example.com]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AddOwn("nordlicht.example", "@Example.org"); err != nil {
		t.Fatal(err)
	}
	for _, from := range []string{
		"Kundenservice <service@example.com>", "SERVICE@Example.COM", "Team <info@nordlicht.example>",
		"x@mail.Nordlicht.Example", `"Service, Team" <a@example.org>`,
	} {
		in := good()
		in.From = from
		d := p.Decide(in)
		if d.Action != Ignore || len(d.Reasons) == 0 || !strings.Contains(d.Reasons[0].Detail, "our own address") {
			t.Errorf("from %s: %s %+v, want ignore as our own address", from, d.Action, d.Reasons)
		}
	}
	b, err := ParsePolicy([]byte("brand: {from: 'Kundenservice <Service@Shop.example>'}\n"))
	if err != nil {
		t.Fatal(err)
	}
	in := good()
	in.From = "service@shop.EXAMPLE"
	if d := b.Decide(in); d.Action != Ignore {
		t.Errorf("brand.from: %s, want ignore as our own address", d.Action)
	}
	for _, from := range []string{"Kunde <kunde@example.de>", "max@notnordlicht.example", "info@example.company"} {
		in := good()
		in.From = from
		if d := p.Decide(in); d.Action != Send {
			t.Errorf("from %s: %s, want send", from, d.Action)
		}
	}
	for _, bad := range []string{"", "a@b@c", "a, b", "Service <service@example.com>"} {
		if err := p.AddOwn(bad); !errors.Is(err, ErrPolicy) {
			t.Errorf("AddOwn(%q) = %v, want ErrPolicy", bad, err)
		}
		if _, err := ParsePolicy([]byte("own_addresses: [" + `"` + bad + `"` + "]\n")); !errors.Is(err, ErrPolicy) {
			t.Errorf("own_addresses [%q]: %v, want ErrPolicy", bad, err)
		}
	}
}

// TestPolicyAnswersOneAddress: a From value that names several
// addresses has no sender address; it is never answered automatically.
func TestPolicyAnswersOneAddress(t *testing.T) {
	p := DefaultPolicy()
	for _, from := range []string{"a@x.example, b@y.example", "a@x.example,b@y.example", "Evil <a@x.example>, x <b@y.example>", "Kunden: a@x.example;"} {
		in := good()
		in.From = from
		d := p.Decide(in)
		if d.Action == Send || d.Reasons[0].Passed {
			t.Errorf("from %q: %s, sender check %+v; want no sender address", from, d.Action, d.Reasons[0])
		}
	}
	for from, want := range map[string]string{`"Hoffmann, Brigitte" <N1@kunde.example>`: "n1@kunde.example", "@kunde_42": "@kunde_42"} {
		if got := senderAddress(from); got != want {
			t.Errorf("senderAddress(%q) = %q, want %q", from, got, want)
		}
	}
}
