package reply

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort/classifier"
)

func pred(label string, conf float64, alts ...classifier.Scored) classifier.Prediction {
	return classifier.Prediction{Label: label, Confidence: conf, Alternatives: alts}
}

// good is an input that passes every check of the default policy.
func good() Input {
	return Input{
		From: "Petra Schulz <petra@example.de>", Channel: "email", Text: "Wo bleibt meine Bestellung 4711?",
		Intent:    pred("parcel_missing", 0.97),
		Sentiment: pred("neutral", 0.8, classifier.Scored{Label: "negative", Confidence: 0.15}),
		HasAnswer: true, Article: "parcel_missing-de", KBScore: 0.9, Linked: true,
	}
}

func TestDecide(t *testing.T) {
	p := DefaultPolicy()
	tests := []struct {
		name   string
		change func(*Input)
		want   Action
		failed []string
	}{
		{"all good", func(*Input) {}, Send, nil},
		{"no-reply sender", func(in *Input) { in.From = "noreply@shop.example" }, Ignore, []string{"sender"}},
		{"bounce", func(in *Input) { in.From = "MAILER-DAEMON@mx.example" }, Ignore, []string{"sender"}},
		{"auto-submitted", func(in *Input) { in.AutoSubmitted = true }, Ignore, []string{"sender"}},
		{"out of office", func(in *Input) { in.AutoReason = "subject: Abwesenheitsnotiz" }, Ignore, []string{"sender"}},
		{"lawyer", func(in *Input) { in.Text = "Ich schalte meinen Anwalt ein." }, Escalate, []string{"no escalation words"}},
		{"cancellation", func(in *Input) { in.Text = "Hiermit KÜNDIGE ich fristgerecht." }, Escalate, []string{"no escalation words"}},
		{"word inside another word", func(in *Input) { in.Text = "Ich möchte nicht kündigen, nur fragen." }, Send, nil},
		{"angry", func(in *Input) { in.Sentiment = pred("negative", 0.93) }, Escalate, []string{"not angry"}},
		{"upset but not angry", func(in *Input) { in.Sentiment = pred("negative", 0.6) }, Suggest, []string{"not upset"}},
		{"unsure intent", func(in *Input) { in.Intent = pred("parcel_missing", 0.6) }, Suggest, []string{"intent confident"}},
		{"abstained", func(in *Input) { in.Intent.Abstain = true }, Suggest, []string{"intent confident"}},
		{"weak answer", func(in *Input) { in.KBScore = 0.3 }, Suggest, []string{"answer found"}},
		{"no answer", func(in *Input) { in.HasAnswer, in.Article, in.KBScore, in.Linked = false, "", 0, false }, Suggest, []string{"answer found", "answer fits intent"}},
		{"answer for another intent", func(in *Input) { in.Linked = false }, Suggest, []string{"answer fits intent"}},
		{"placeholder missing", func(in *Input) { in.Missing = []string{"OrderNumber"} }, Suggest, []string{"placeholders filled"}},
		{"no sender", func(in *Input) { in.From = "" }, Suggest, []string{"sender", "sender known"}},
		{"rate limit", func(in *Input) { in.Recent = 3 }, Suggest, []string{"rate limit"}},
		{"unknown channel", func(in *Input) { in.Channel = "fax" }, Suggest, []string{"channel allowed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := good()
			tt.change(&in)
			d := p.Decide(in)
			if d.Action != tt.want {
				t.Errorf("Decide() action = %s, want %s; reasons %+v", d.Action, tt.want, d.Reasons)
			}
			if diff := cmp.Diff(tt.failed, d.Failed()); diff != "" {
				t.Errorf("failed checks mismatch (-want +got):\n%s", diff)
			}
			for _, c := range d.Reasons {
				if c.Detail == "" {
					t.Errorf("check %q has no detail", c.Name)
				}
			}
			if in.AutoReason != "" && !strings.Contains(d.Reasons[0].Detail, in.AutoReason) {
				t.Errorf("sender check %q does not give the reason %q", d.Reasons[0].Detail, in.AutoReason)
			}
		})
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
	for _, bad := range []string{"intent_treshold: 0.9", "kb_threshold: 1.5", "no_reply: ['(']", "intent_thresholds: {x: -1}"} {
		if _, err := ParsePolicy([]byte(bad)); !errors.Is(err, ErrPolicy) {
			t.Errorf("ParsePolicy(%q) error = %v, want ErrPolicy", bad, err)
		}
	}
	if _, err := ParsePolicy(nil); err != nil {
		t.Errorf("empty policy file: %v", err)
	}
}

func TestLimiter(t *testing.T) {
	l := NewLimiter(time.Hour)
	t0 := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	l.Record("Petra <PETRA@example.de>", t0)
	l.Record("petra@example.de", t0.Add(30*time.Minute))
	if n := l.Recent("petra@example.de", t0.Add(45*time.Minute)); n != 2 {
		t.Errorf("Recent = %d, want 2", n)
	}
	if n := l.Recent("petra@example.de", t0.Add(61*time.Minute)); n != 1 {
		t.Errorf("Recent after the window = %d, want 1", n)
	}
}

// TestPolicyPatterns: a deployment's own number formats come from the
// policy file and reach the extractor; a bad expression is a policy error.
func TestPolicyPatterns(t *testing.T) {
	p, err := ParsePolicy([]byte("patterns:\n  order: ['\\b(NL-\\d{6})\\b']\n"))
	if err != nil {
		t.Fatal(err)
	}
	x, err := NewExtractor(&p.Patterns)
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
