package reply

import (
	"bytes"
	"fmt"
	"math"
	"net/mail"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/entity"
	"github.com/antwort-dev/antwort/internal/nlp"
	"github.com/antwort-dev/antwort/trust"
)

// Action is what happens to a message.
type Action string

// Actions a Policy decides.
const (
	// Send: answer automatically (only with sending enabled; otherwise the
	// answer goes to the outbox as a dry run).
	Send Action = "send"
	// Suggest: show the draft to an agent, who edits and sends it.
	Suggest Action = "suggest"
	// Escalate: route to a person at once (anger, legal threats, VIPs).
	Escalate Action = "escalate"
	// Ignore: do not answer (auto-replies, bounces, no-reply senders).
	Ignore Action = "ignore"
)

// Check groups: what a failed check of the group means.
const (
	// GroupSender: whether the message gets an answer at all (a failed
	// check of an automatic sender means Ignore).
	GroupSender = "sender"
	// GroupEscalation: a failed check escalates.
	GroupEscalation = "escalation"
	// GroupContent: whether this message may be answered automatically
	// whatever the models' confidence (language, one request, in scope,
	// an article that fits, …).
	GroupContent = "content"
	// GroupConfidence: whether the answer is likely enough right: the
	// fitted rule, or the hand thresholds.
	GroupConfidence = "confidence"
	// GroupDelivery: whether an answer may go out now (sender address,
	// channel, rate limit).
	GroupDelivery = "delivery"
)

// Check is one rule of the policy as applied to a message.
type Check struct {
	Name   string `json:"name"`
	Passed bool   `json:"passed"`
	// Detail gives the values the check looked at.
	Detail string `json:"detail"`
	// Problem says, for a failed check, what is wrong ("angry: P(negative)
	// 0.99", "no article above 0.50").
	Problem string `json:"problem,omitempty"`
	// Group is one of the Group constants.
	Group string `json:"group"`
}

// Decision is the policy's verdict on a message.
type Decision struct {
	Action Action `json:"action"`
	// PCorrect is the estimated probability that the answer is right:
	// from the fitted rule's model when the policy has one, otherwise the
	// intent's calibrated confidence.
	PCorrect float64 `json:"p_correct"`
	// Rule says what decided the automatic answer: "fitted" (MaxWrong and
	// Threshold are set) or "hand thresholds".
	Rule string `json:"rule"`
	// MaxWrong is the fitted rule's target (at most this share of
	// automatic answers wrong) and Threshold the least PCorrect it sends.
	MaxWrong  float64 `json:"max_wrong,omitempty"`
	Threshold float64 `json:"threshold,omitempty"`
	// Reasons lists every check evaluated, passed or failed, in order.
	Reasons []Check `json:"reasons"`
}

// Names of checks other packages look for.
const (
	CheckAnswerFits = "answer fits intent"
	CheckAnswerLang = "answer in the mail's language"
)

// Rules that decide automatic answers (Decision.Rule).
const (
	RuleFitted = "fitted"
	RuleHand   = "hand thresholds"
)

// Failed returns the names of the checks that failed.
func (d Decision) Failed() []string {
	var out []string
	for _, c := range d.Reasons {
		if !c.Passed {
			out = append(out, c.Name)
		}
	}
	return out
}

// Problems returns what is wrong, one line per failed check ("angry:
// anger 0.90, escalate at 0.50 (feeling:wütend)"), each line once.
func (d Decision) Problems() []string {
	var out []string
	for _, c := range d.Reasons {
		if !c.Passed && !slices.Contains(out, c.Problem) {
			out = append(out, c.Problem)
		}
	}
	return out
}

// Eligible reports whether the message could be answered automatically if
// the models were sure enough: not ignored or escalated, and every content
// check passed. Fitting a send rule learns from eligible messages only.
func (d Decision) Eligible() bool {
	if d.Action == Ignore || d.Action == Escalate {
		return false
	}
	for _, c := range d.Reasons {
		if !c.Passed && c.Group == GroupContent {
			return false
		}
	}
	return true
}

// RateLimit bounds automatic answers per sender.
type RateLimit struct {
	// Max answers per sender within Per (default 3; 0 means no automatic
	// answers, negative means no limit).
	Max int           `yaml:"max"`
	Per time.Duration `yaml:"per"` // default 24h
}

// Policy decides per message. Start from DefaultPolicy or LoadPolicy: a
// policy file changes only the keys it names, and a value written in it
// is the value used, zero included.
type Policy struct {
	// MaxWrong is the target of automatic answers: at most this share of
	// them wrong (e.g. 0.01). It needs Auto, the send rule fitted for it
	// by 'antwort policy fit'. Zero means no target: IntentThreshold and
	// KBThreshold decide.
	MaxWrong float64 `yaml:"max_wrong"`
	// Auto is the fitted send rule (written by 'antwort policy fit').
	Auto *FittedRule `yaml:"auto,omitempty"`
	// IntentThreshold is the least intent confidence for an automatic
	// answer without a fitted rule (default 0.85); IntentThresholds
	// overrides it per intent.
	IntentThreshold  float64            `yaml:"intent_threshold"`
	IntentThresholds map[string]float64 `yaml:"intent_thresholds"`
	// KBThreshold is the least knowledge-base score of the chosen article
	// without a fitted rule (default 0.5).
	KBThreshold float64 `yaml:"kb_threshold"`
	// MinScope: no automatic answer for a message whose intent scope (how
	// much it resembles the training data, see classifier.Prediction) is
	// below this: likely a request no intent covers (default 0.02).
	MinScope float64 `yaml:"min_scope"`
	// MaxNegative: no automatic answer when the probability that the
	// customer is upset (negative sentiment, the larger of Sentiment's and
	// SecondOpinion's) is at least this (default 0.5).
	MaxNegative float64 `yaml:"max_negative"`
	// EscalateNegative: escalate when the probability of negative
	// sentiment is at least this; 1 (the default) turns it off. Anger is
	// what escalates (EscalateAnger): a calm customer reporting a defect
	// or a wrong bill is negative, not angry.
	EscalateNegative float64 `yaml:"escalate_negative"`
	// EscalateAnger: escalate when the anger score (insults, threats,
	// shouting, ultimatums; see package sentiment) is at least this
	// (default 0.5).
	EscalateAnger float64 `yaml:"escalate_anger"`
	// EscalateWords escalate a message that contains any of them (case
	// and umlaut spelling ignored): legal steps, security and fraud.
	EscalateWords []string `yaml:"escalate_words"`
	// NeverAuto lists intents that are never answered automatically.
	NeverAuto []string `yaml:"never_auto"`
	// VIPs are sender addresses or @domains whose mail is escalated.
	VIPs []string `yaml:"vips"`
	// NoReply are regular expressions on the sender address that mark
	// automatic senders (no-reply, bounces): their mail is ignored.
	NoReply []string `yaml:"no_reply"`
	// OwnAddresses are our own addresses and domains
	// ("service@example.com", "example.com" or "@example.com"; a domain
	// includes its subdomains; any case). Mail whose answer would go to one
	// of them is ignored: antwort never answers itself. The command line
	// adds --from and --own-domain.
	OwnAddresses []string `yaml:"own_addresses,omitempty"`
	// Channels lists the channels on which automatic answers are allowed
	// (default email, chat, facebook, twitter).
	Channels  []string  `yaml:"channels"`
	RateLimit RateLimit `yaml:"rate_limit"`
	// Patterns are this deployment's own formats of order, customer,
	// contract and ticket numbers, regular expressions whose first group
	// is the number (see entity.Patterns), e.g. order: ['\b(NL-\d{6})\b'].
	Patterns entity.Patterns `yaml:"patterns,omitempty"`
	// Brand is how answers are signed and sent.
	Brand Brand `yaml:"brand"`

	noReply   []noReplyPattern
	escape    []string // folded EscalateWords
	escapeSet *wordSet // of escape; nil when it cannot hold them
	// Brand.From's address and RateLimit.Per as text, as compiled; used
	// while the fields are unchanged.
	from    brandAddress
	perFor  time.Duration
	perText string
}

// brandAddress is the address of the Brand.From src (ok: it has one).
type brandAddress struct {
	src, addr string
	ok        bool
}

// parseBrandFrom returns the address of a Brand.From value.
func parseBrandFrom(from string) (string, bool) {
	a, err := mail.ParseAddress(from)
	if err != nil {
		return "", false
	}
	return a.Address, true
}

// Brand is how the answers present the company: who they come from, how
// they are signed, and a footer.
type Brand struct {
	// Company is the company's name, for the default sign-off.
	Company string `yaml:"company"`
	// From is the sender of the answers, one address with an optional
	// display name ("Kundenservice <service@shop.example>"); it is one of
	// our own addresses, never answered.
	From string `yaml:"from"`
	// SignOff fills {{.Signature}} per language ("de", "en") or per
	// language and channel ("en/twitter"), which wins; default "Ihr
	// Kundenservice" / "Your customer service team", or with Company
	// "Ihr Kundenservice von …" / "Your … customer service team".
	SignOff map[string]string `yaml:"sign_off"`
	// Footer is added below every e-mail answer, per language (an
	// imprint, a privacy note); none by default. Not on social channels.
	Footer map[string]string `yaml:"footer"`
}

// SignOffFor returns the sign-off for a language and channel.
func (b Brand) SignOffFor(lang, channel string) string {
	if s, ok := b.SignOff[lang+"/"+channel]; ok {
		return s
	}
	if s, ok := b.SignOff[lang]; ok {
		return s
	}
	switch {
	case lang == "de" && b.Company != "":
		return "Ihr Kundenservice von " + b.Company
	case lang == "de":
		return "Ihr Kundenservice"
	case b.Company != "":
		return "Your " + b.Company + " customer service team"
	}
	return "Your customer service team"
}

// FooterFor returns the footer for an answer in lang on channel ("" for
// social channels and when none is set).
func (b Brand) FooterFor(lang, channel string) string {
	if channel != "" && channel != "email" {
		return ""
	}
	return b.Footer[lang]
}

func (b Brand) validate() error {
	if b.From != "" {
		list, err := mail.ParseAddressList(b.From)
		if err != nil || len(list) != 1 {
			return fmt.Errorf("%w: brand.from %q: want one address, like \"Kundenservice <service@shop.example>\"", ErrPolicy, b.From)
		}
	}
	for k, v := range b.SignOff {
		lang, channel, _ := strings.Cut(k, "/")
		if lang != "de" && lang != "en" || strings.Contains(channel, "/") {
			return fmt.Errorf("%w: brand.sign_off key %q: want de, en, or de/CHANNEL, en/CHANNEL", ErrPolicy, k)
		}
		if strings.Contains(v, "{{") {
			return fmt.Errorf("%w: brand.sign_off %q: no template code in a sign-off", ErrPolicy, k)
		}
	}
	for k, v := range b.Footer {
		if k != "de" && k != "en" {
			return fmt.Errorf("%w: brand.footer key %q: want de or en", ErrPolicy, k)
		}
		if len(v) > 2000 {
			return fmt.Errorf("%w: brand.footer %q is %d bytes, at most 2000", ErrPolicy, k, len(v))
		}
	}
	return nil
}

// FittedRule is a send rule fitted by 'antwort policy fit' with what it
// was fitted on.
type FittedRule struct {
	trust.Rule `yaml:",inline"`
	// Fitted describes the data and models the rule was fitted on.
	Fitted FitInfo `yaml:"fitted"`
}

// FitInfo describes a fit: when, on what, for which models, and what it
// measured out of fold.
type FitInfo struct {
	At       time.Time `yaml:"at"`
	Data     string    `yaml:"data"`
	Models   []string  `yaml:"models"`
	Samples  int       `yaml:"samples"`
	Folds    int       `yaml:"folds"`
	Coverage float64   `yaml:"coverage"`
	Wrong    int       `yaml:"wrong"`
	Sent     int       `yaml:"sent"`
	Upper    float64   `yaml:"upper"`
}

// DefaultPolicy returns the built-in policy (see the field docs).
func DefaultPolicy() Policy {
	p := Policy{
		IntentThreshold:  0.85,
		KBThreshold:      0.5,
		MinScope:         0.02,
		MaxNegative:      0.5,
		EscalateNegative: 1,
		EscalateAnger:    0.5,
		EscalateWords: []string{
			// Legal steps.
			"anwalt", "rechtsanwalt", "anwältin", "verbraucherzentrale", "klage", "verklagen", "gericht", "abmahnung",
			"lawyer", "attorney", "legal action", "sue you", "small claims",
			// Security and fraud: a person must look at these.
			"gehackt", "betrug", "unbefugt", "identitätsdiebstahl", "hacked", "fraud", "unauthorized", "unauthorised", "identity theft",
		},
		NoReply:   []string{defaultNoReply},
		Channels:  []string{"email", "chat", "facebook", "twitter"},
		RateLimit: RateLimit{Max: 3, Per: 24 * time.Hour},
	}
	p.compile()
	return p
}

// compile prepares the derived fields. The policy must be valid.
func (p *Policy) compile() {
	p.escape = make([]string, 0, len(p.EscalateWords))
	for _, w := range p.EscalateWords {
		p.escape = append(p.escape, nlp.Fold(w))
	}
	p.escapeSet = newWordSet(p.escape)
	p.noReply = nil
	for _, s := range p.NoReply {
		if re, err := regexp.Compile(s); err == nil {
			p.noReply = append(p.noReply, noReplyPattern{re: re, builtin: s == defaultNoReply})
		}
	}
	p.from.src = p.Brand.From
	p.from.addr, p.from.ok = parseBrandFrom(p.Brand.From)
	p.perFor, p.perText = p.RateLimit.Per, p.RateLimit.Per.String()
}

func (p *Policy) validate() error {
	check := func(name string, v float64) error {
		if !(v >= 0 && v <= 1) {
			return fmt.Errorf("%w: %s %v outside [0,1]", ErrPolicy, name, v)
		}
		return nil
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"max_wrong", p.MaxWrong}, {"intent_threshold", p.IntentThreshold}, {"kb_threshold", p.KBThreshold}, {"min_scope", p.MinScope},
		{"max_negative", p.MaxNegative}, {"escalate_negative", p.EscalateNegative}, {"escalate_anger", p.EscalateAnger}} {
		if err := check(c.name, c.v); err != nil {
			return err
		}
	}
	for intent, v := range p.IntentThresholds {
		if err := check("intent_thresholds."+intent, v); err != nil {
			return err
		}
	}
	if p.RateLimit.Per < 0 {
		return fmt.Errorf("%w: rate_limit.per %v is negative", ErrPolicy, p.RateLimit.Per)
	}
	for _, s := range p.NoReply {
		if _, err := regexp.Compile(s); err != nil {
			return fmt.Errorf("%w: no_reply pattern %q: %v", ErrPolicy, s, err)
		}
	}
	for _, s := range p.OwnAddresses {
		if err := checkOwn(s); err != nil {
			return err
		}
	}
	if _, err := entity.NewExtractor(&p.Patterns); err != nil {
		return fmt.Errorf("%w: patterns: %v", ErrPolicy, err)
	}
	if err := p.Brand.validate(); err != nil {
		return err
	}
	switch {
	case p.MaxWrong == 1:
		return fmt.Errorf("%w: max_wrong 1 allows every answer to be wrong; use a share below 1, e.g. 0.01", ErrPolicy)
	case p.MaxWrong > 0 && p.Auto == nil:
		return fmt.Errorf("%w: max_wrong %v needs a send rule fitted for it; run 'antwort policy fit --max-wrong %v'", ErrPolicy, p.MaxWrong, p.MaxWrong)
	case p.Auto != nil && p.MaxWrong == 0:
		return fmt.Errorf("%w: the fitted rule (auto) is for max_wrong %v, but max_wrong is 0; set it or remove auto", ErrPolicy, p.Auto.MaxWrong)
	case p.Auto != nil && p.Auto.MaxWrong != p.MaxWrong:
		return fmt.Errorf("%w: max_wrong %v, but the rule (auto) was fitted for %v; run 'antwort policy fit --max-wrong %v' again", ErrPolicy, p.MaxWrong, p.Auto.MaxWrong, p.MaxWrong)
	}
	if p.Auto != nil {
		if err := p.Auto.Validate(); err != nil {
			return fmt.Errorf("%w: auto: %v", ErrPolicy, err)
		}
	}
	return nil
}

// ParsePolicy reads a YAML policy; keys it leaves out keep their defaults,
// and a value it gives is used as given (0 included). Unknown keys and
// invalid values are errors wrapping ErrPolicy.
func ParsePolicy(data []byte) (Policy, error) {
	p := DefaultPolicy()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil && err.Error() != "EOF" {
		return Policy{}, fmt.Errorf("%w: %v", ErrPolicy, err)
	}
	if err := p.validate(); err != nil {
		return Policy{}, err
	}
	p.compile()
	return p, nil
}

// LoadPolicy reads a YAML policy file (see ParsePolicy).
func LoadPolicy(path string) (Policy, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Policy{}, err
	}
	p, err := ParsePolicy(b)
	if err != nil {
		return Policy{}, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// YAML encodes the policy, e.g. to write a starting policy file.
func (p Policy) YAML() ([]byte, error) { return yaml.Marshal(p) }

// Input is what the policy looks at for one message.
type Input struct {
	From    string // sender address, with or without display name
	Channel string // email, chat, facebook, twitter, …
	Text    string // subject and body, searched for escalation words
	// Lang is the message's language ("de", "en"; anything else is not
	// answered automatically).
	Lang string
	// AutoSubmitted is true when the message itself is an automatic one
	// (Auto-Submitted header, out-of-office, bounce).
	AutoSubmitted bool
	// AutoReason says why the message is automatic ("Auto-Submitted:
	// auto-replied", "subject: Abwesenheitsnotiz"); it is shown in the
	// decision. A non-empty AutoReason implies AutoSubmitted.
	AutoReason string
	Intent     classifier.Prediction
	// IntentData says why the intent model's training data for
	// Intent.Label is too thin for automatic answers
	// (classifier.Meta.Thin), "" when it is enough to try. Only the
	// hand thresholds look at it: a fitted rule measured the intent's
	// answers itself.
	IntentData string
	Sentiment  classifier.Prediction
	// SecondOpinion is another sentiment estimate, such as the built-in
	// lexicon's beside a trained model (zero value: none); the policy goes
	// by the larger P(negative) of the two, so a customer either of them
	// finds upset is not answered automatically.
	SecondOpinion classifier.Prediction
	// Anger is the anger score in [0,1] (insults, threats, shouting) and
	// AngerCues what showed it.
	Anger     float64
	AngerCues []string
	// Requests lists the distinct intents of the message's sentences
	// when it asks for more than one thing (empty otherwise).
	Requests []string
	// FollowUp says the message answers one of ours and was classified
	// on what is new in it; AsksNothing that what is new asks for nothing
	// (a thank-you, or a report that our answer did not help).
	FollowUp    bool
	AsksNothing bool
	// AnsweredBefore says the answer proposed is already in the thread:
	// the follow-up quotes it. Sending it again does not help.
	AnsweredBefore bool
	// HasAnswer, Article, KBScore and ArticleLang describe the best
	// knowledge-base article; Linked is whether it is linked to the
	// predicted intent. ArticleLang "" means any language.
	HasAnswer   bool
	Article     string
	KBScore     float64
	ArticleLang string
	Linked      bool
	// Signals are the answer's signals for the fitted rule's model; the
	// engine fills them.
	Signals trust.Signals
	// Missing lists template placeholders the draft could not fill.
	Missing []string
	// NoText says why a message whose body is there gave no text to read
	// (its HTML holds none, it forwards messages nested too deep, it is
	// all quoted history); such a message is for a person to read.
	NoText string
	// Recent is how many automatic answers this sender got within the
	// rate limit's window.
	Recent int
}

// negative returns the probability of the "negative" label.
func negative(p classifier.Prediction) float64 {
	if p.Label == "negative" {
		return p.Confidence
	}
	for _, a := range p.Alternatives {
		if a.Label == "negative" {
			return a.Confidence
		}
	}
	return 0
}

// PCorrect returns the estimated probability that the answer in is right:
// the fitted rule's model, or the intent's confidence without one.
func (p Policy) PCorrect(in Input) float64 { return p.pCorrect(&in) }

func (p *Policy) pCorrect(in *Input) float64 {
	if p.Auto != nil {
		return p.Auto.Model.P(in.Signals)
	}
	return in.Intent.Confidence
}

// Decide applies the policy to one message: ignore automatic senders,
// escalate anger, legal threats and VIPs, send when every automatic-answer
// check passes, and suggest otherwise.
func (p Policy) Decide(in Input) Decision {
	var dc decider
	dc.buf.Grow(1024)
	dc.d = Decision{PCorrect: p.pCorrect(&in), Rule: RuleHand}
	addr := senderAddress(in.From)
	// Loop protection.
	dc.group = GroupSender
	noReply := ""
	for _, m := range p.noReply {
		if m.match(addr) {
			noReply = addr
		}
	}
	own := p.isOwn(addr) // never answer ourselves
	machine := in.AutoSubmitted || in.AutoReason != ""
	sd := dc.senderDetail(addr, noReply, own, machine, in.AutoReason)
	if !dc.add("sender", addr != "" && noReply == "" && !own && !machine, sd) {
		dc.fail(sd)
		if noReply != "" || own || machine {
			dc.d.Action = Ignore
			return dc.done()
		}
	}
	// Escalation.
	dc.group = GroupEscalation
	words := p.escalationWords(in.Text)
	neg := math.Max(negative(in.Sentiment), negative(in.SecondOpinion))
	vip := p.isVIP(addr)
	esc := false
	if !dc.add("no escalation words", len(words) == 0, dc.list(words, "none found")) {
		dc.fail(dc.list2("escalation words: ", words))
		esc = true
	}
	a := dc.mark()
	dc.text("anger ").fixed(in.Anger, 2).text(", escalate at ").fixed(p.EscalateAnger, 2)
	if len(in.AngerCues) > 0 {
		dc.text(" (").join(in.AngerCues).text(")")
	}
	anger := dc.since(a)
	if !dc.add("not angry", in.Anger < p.EscalateAnger, anger) {
		dc.fail(dc.prefixed("angry: ", anger))
		esc = true
	}
	if p.EscalateNegative < 1 {
		a := dc.mark()
		dc.text("P(negative) ").fixed(neg, 2).text(", escalate at ").fixed(p.EscalateNegative, 2)
		negDetail := dc.since(a)
		if !dc.add("not furious", neg < p.EscalateNegative, negDetail) {
			dc.fail(dc.prefixed("very negative: ", negDetail))
			esc = true
		}
	}
	vipDetail := lit("no")
	if vip {
		a := dc.mark()
		vipDetail = dc.text(addr).text(" is a VIP").since(a)
	}
	if !dc.add("not a VIP", !vip, vipDetail) {
		dc.fail(vipDetail)
		esc = true
	}
	if esc {
		dc.d.Action = Escalate
		return dc.done()
	}
	// Nothing was read of the message: a person reads it.
	if in.NoText != "" {
		dc.group = GroupContent
		a := dc.mark()
		t := dc.text("no text: ").text(in.NoText).since(a)
		dc.add("text", false, t)
		dc.fail(t)
		dc.d.Action = Suggest
		return dc.done()
	}
	// Automatic answer: may this message be answered automatically at
	// all?
	dc.group = GroupContent
	intent := orDash(in.Intent.Label)
	article := orDash(in.Article)
	auto := true
	a = dc.mark()
	if !dc.add("language supported", in.Lang == "de" || in.Lang == "en", dc.text("language ").text(orDash(in.Lang)).since(a)) {
		a := dc.mark()
		dc.fail(dc.text("language ").text(langName(in.Lang)).text(": only German and English mail is answered automatically").since(a))
		auto = false
	}
	if in.FollowUp {
		if !dc.add("follow-up asks something", !in.AsksNothing, lit("a reply to an earlier answer")) {
			dc.fail(lit("a reply to an earlier answer that asks nothing new: thanks, or the answer did not settle it"))
			auto = false
		}
		a := dc.mark()
		if !dc.add("not answered before", !in.AnsweredBefore, dc.text(article).text(" not quoted in the thread").since(a)) {
			a := dc.mark()
			dc.fail(dc.text(article).text(" is already in the thread (quoted below the mail): the customer writes again on the same matter").since(a))
			auto = false
		}
	}
	if !dc.add("one request", len(in.Requests) < 2, dc.list(in.Requests, "one")) {
		a := dc.mark()
		dc.fail(dc.text("asks for ").int(len(in.Requests)).text(" things: ").join(in.Requests).since(a))
		auto = false
	}
	a = dc.mark()
	scope := dc.text("scope ").fixed(in.Intent.Scope, 2).text(", least ").fixed(p.MinScope, 2).since(a)
	if !dc.add("in scope", in.Intent.Label != "" && in.Intent.Scope >= p.MinScope, scope) {
		dc.fail(dc.prefixed("unlike the training data (likely no intent covers it): ", scope))
		auto = false
	}
	if !dc.add("intent allowed", !slices.Contains(p.NeverAuto, in.Intent.Label), lit(intent)) {
		a := dc.mark()
		dc.fail(dc.text(intent).text(" is never answered automatically").since(a))
		auto = false
	}
	// Without an article the checks on it fail for that reason alone,
	// and say so in the same words (Problems lists them once).
	const noArticle = "no article found"
	if !dc.add("answer found", in.HasAnswer, lit(article)) {
		dc.fail(lit(noArticle))
		auto = false
	}
	a = dc.mark()
	dc.text(article).text(" linked to ").text(intent).text(": ").bool(in.Linked)
	if !dc.add(CheckAnswerFits, in.HasAnswer && in.Linked, dc.since(a)) {
		if in.HasAnswer {
			a := dc.mark()
			dc.fail(dc.text(article).text(" is not linked to ").text(intent).since(a))
		} else {
			dc.fail(lit(noArticle))
		}
		auto = false
	}
	a = dc.mark()
	dc.text("article ").text(orDash(in.ArticleLang)).text(", mail ").text(orDash(in.Lang))
	if !dc.add(CheckAnswerLang, in.HasAnswer && (in.ArticleLang == "" || in.ArticleLang == in.Lang), dc.since(a)) {
		if in.HasAnswer {
			a := dc.mark()
			dc.text("no article in ").text(langName(in.Lang)).text(" (best: ").text(article).text(", ").text(langName(in.ArticleLang)).text(")")
			dc.fail(dc.since(a))
		} else {
			dc.fail(lit(noArticle))
		}
		auto = false
	}
	a = dc.mark()
	upset := dc.text("P(negative) ").fixed(neg, 2).text(", limit ").fixed(p.MaxNegative, 2).since(a)
	if !dc.add("not upset", neg < p.MaxNegative, upset) {
		dc.fail(dc.prefixed("upset: ", upset))
		auto = false
	}
	if !dc.add("placeholders filled", len(in.Missing) == 0, dc.list(in.Missing, "all filled")) {
		dc.fail(dc.list2("missing in the draft: ", in.Missing))
		auto = false
	}
	// Is the answer likely enough right?
	dc.group = GroupConfidence
	if r := p.Auto; r != nil {
		dc.d.Rule, dc.d.MaxWrong, dc.d.Threshold = RuleFitted, r.MaxWrong, r.Threshold
		a := dc.mark()
		dc.text("P(correct) ").fixed(dc.d.PCorrect, 3).text(", sent from ").fixed(r.Threshold, 3).text(" (target: at most ").
			fixed(100*r.MaxWrong, 1).text(" % wrong)")
		if !dc.add("answer likely right", r.Sends(in.Intent.Label, dc.d.PCorrect), dc.since(a)) {
			why, out := r.Excluded[in.Intent.Label]
			switch a := dc.mark(); {
			case r.Threshold > 1:
				dc.fail(lit("the fitted rule sends nothing: no threshold reached the target on the training data"))
			case out:
				dc.fail(dc.text(intent).text(" is left to people by the fitted rule: ").text(why).since(a))
			default:
				dc.fail(dc.text("P(correct) ").fixed(dc.d.PCorrect, 3).text(" below ").fixed(r.Threshold, 3).since(a))
			}
			auto = false
		}
	} else {
		thr := p.IntentThreshold
		if t, ok := p.IntentThresholds[in.Intent.Label]; ok {
			thr = t
		}
		a := dc.mark()
		detail := dc.text(intent).text(" ").fixed(in.Intent.Confidence, 2).text(", threshold ").fixed(thr, 2).
			text(" (hand thresholds: no fitted rule)").since(a)
		if !dc.add("intent confident", in.Intent.Label != "" && !in.Intent.Abstain && in.Intent.Confidence >= thr, detail) {
			dc.fail(dc.prefixed("intent not sure enough: ", detail))
			auto = false
		}
		a = dc.mark()
		if in.IntentData == "" {
			dc.text(intent).text(": enough training data to try")
		} else {
			dc.text(intent).text(": ").text(in.IntentData)
		}
		data := dc.since(a)
		if !dc.add("intent has data", in.IntentData == "", data) {
			dc.fail(data)
			auto = false
		}
		a = dc.mark()
		kb := dc.text(article).text(" score ").fixed(in.KBScore, 2).text(", threshold ").fixed(p.KBThreshold, 2).since(a)
		if !dc.add("answer score", in.HasAnswer && in.KBScore >= p.KBThreshold, kb) {
			if in.HasAnswer {
				a := dc.mark()
				dc.fail(dc.text("no article above ").fixed(p.KBThreshold, 2).text(": ").copy(kb).since(a))
			} else {
				dc.fail(lit(noArticle))
			}
			auto = false
		}
	}
	// May an answer go out now?
	dc.group = GroupDelivery
	if !dc.add("sender known", addr != "", lit(orDash(addr))) {
		dc.fail(lit("no sender address"))
		auto = false
	}
	if !dc.add("channel allowed", in.Channel == "" || slices.Contains(p.Channels, in.Channel), lit(orDash(in.Channel))) {
		a := dc.mark()
		dc.fail(dc.text("no automatic answers on ").text(orDash(in.Channel)).since(a))
		auto = false
	}
	a = dc.mark()
	rl := dc.int(in.Recent).text(" automatic answers to this sender in ").text(p.per()).text(", limit ").int(p.RateLimit.Max).since(a)
	if !dc.add(rateLimitCheck, p.RateLimit.Max < 0 || in.Recent < p.RateLimit.Max, rl) {
		dc.fail(dc.prefixed("rate limit reached: ", rl))
		auto = false
	}
	if auto {
		dc.d.Action = Send
	} else {
		dc.d.Action = Suggest
	}
	return dc.done()
}

// maxChecks is the most checks Decide evaluates.
const maxChecks = 24

// langName names a language code for messages.
func langName(code string) string {
	switch code {
	case "de":
		return "German"
	case "en":
		return "English"
	case "", "und":
		return "undetermined"
	}
	return code
}

func (p *Policy) isVIP(addr string) bool {
	if addr == "" {
		return false
	}
	for _, v := range p.VIPs {
		v = strings.ToLower(strings.TrimSpace(v))
		if v == addr || strings.HasPrefix(v, "@") && strings.HasSuffix(addr, v) {
			return true
		}
	}
	return false
}

// AddOwn adds our own addresses or domains to OwnAddresses. An entry
// that is neither is an error wrapping ErrPolicy, and nothing is added.
func (p *Policy) AddOwn(entries ...string) error {
	for _, e := range entries {
		if err := checkOwn(e); err != nil {
			return err
		}
	}
	p.OwnAddresses = append(p.OwnAddresses, entries...)
	return nil
}

func checkOwn(s string) error {
	if own := ownEntry(s); own == "" || strings.ContainsAny(own, " \t,;<>\"()") || strings.Count(own, "@") > 1 || strings.HasSuffix(own, "@") {
		return fmt.Errorf("%w: own address %q: want an address (service@example.com) or a domain (example.com)", ErrPolicy, s)
	}
	return nil
}

// IsOwn reports whether addr (lower case) is one of OwnAddresses or in
// one of their domains, or the address of Brand.From.
func (p Policy) IsOwn(addr string) bool { return p.isOwn(addr) }

func (p *Policy) isOwn(addr string) bool {
	_, domain, ok := strings.Cut(addr, "@")
	if !ok || addr == "" {
		return false
	}
	if from, ok := p.brandFrom(); ok && strings.EqualFold(from, addr) {
		return true
	}
	for _, e := range p.OwnAddresses {
		own := ownEntry(e)
		switch {
		case own == "":
		case strings.Contains(own, "@"):
			if own == addr {
				return true
			}
		case domain == own || strings.HasSuffix(domain, "."+own):
			return true
		}
	}
	return false
}

// ownEntry normalizes an OwnAddresses entry: lower case, "@example.com"
// as "example.com".
func ownEntry(s string) string {
	return strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "@")
}

// senderAddress returns the lower-cased address a From value names: one
// mailbox ("Name <addr>", `"Hoffmann, Brigitte" <addr>`, "addr") or a
// handle ("@kunde123"). Anything else, a list of addresses above all, has
// no sender address: a reply goes to exactly one.
func senderAddress(from string) string {
	from = strings.TrimSpace(from)
	if from == "" {
		return ""
	}
	if spec, ok := plainMailbox(from); ok {
		return strings.ToLower(spec)
	}
	// A group ("Kunden: a@x.example;") parses as its one member; net/mail
	// reads one only up to its closing ';'.
	if a, err := mail.ParseAddress(from); err == nil && !strings.HasSuffix(from, ";") {
		return strings.ToLower(a.Address)
	}
	if isHandle(from) {
		return strings.ToLower(from)
	}
	return ""
}

// isHandle reports whether s is a social media handle: "@" and at least
// one letter, digit, '_', '.' or '-', nothing else.
func isHandle(s string) bool {
	rest, ok := strings.CutPrefix(s, "@")
	if !ok || rest == "" {
		return false
	}
	for _, r := range rest {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '.' && r != '-' {
			return false
		}
	}
	return true
}

// containsWord reports whether folded text contains w at word boundaries
// (w may span words).
func containsWord(text, w string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], w)
		if j < 0 {
			return false
		}
		a, b := i+j, i+j+len(w)
		if (a == 0 || !isWordByte(text[a-1])) && (b == len(text) || !isWordByte(text[b])) {
			return true
		}
		i = a + 1
	}
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
