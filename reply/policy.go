package reply

import (
	"bytes"
	"fmt"
	"math"
	"net/mail"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/internal/nlp"
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

// Check is one rule of the policy as applied to a message.
type Check struct {
	Name   string `json:"name"`
	Passed bool   `json:"passed"`
	Detail string `json:"detail"`
}

// Decision is the policy's verdict on a message.
type Decision struct {
	Action Action `json:"action"`
	// Reasons lists every check evaluated, passed or failed, in order.
	Reasons []Check `json:"reasons"`
}

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

// RateLimit bounds automatic answers per sender.
type RateLimit struct {
	// Max answers per sender within Per (default 3; 0 in a policy file
	// means the default, negative means no limit).
	Max int           `yaml:"max"`
	Per time.Duration `yaml:"per"` // default 24h
}

// Policy decides per message. The zero value is not useful; start from
// DefaultPolicy or LoadPolicy, which fills what a file leaves out with the
// defaults.
type Policy struct {
	// IntentThreshold is the least intent confidence for an automatic
	// answer (default 0.85); IntentThresholds overrides it per intent.
	IntentThreshold  float64            `yaml:"intent_threshold"`
	IntentThresholds map[string]float64 `yaml:"intent_thresholds"`
	// KBThreshold is the least knowledge-base score of the chosen article
	// (default 0.5).
	KBThreshold float64 `yaml:"kb_threshold"`
	// MaxNegative: no automatic answer when the probability of negative
	// sentiment (the larger of Sentiment's and SecondOpinion's) is at least this
	// (default 0.3: when in doubt, a person answers).
	MaxNegative float64 `yaml:"max_negative"`
	// EscalateNegative: escalate when the probability of negative
	// sentiment is at least this — an angry customer (default 0.85).
	EscalateNegative float64 `yaml:"escalate_negative"`
	// EscalateWords escalate a message that contains any of them (case
	// and umlaut spelling ignored): legal threats and cancellations.
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
	// is the number (see Patterns), e.g. order: ['\b(NL-\d{6})\b'].
	Patterns Patterns `yaml:"patterns,omitempty"`

	noReply []*regexp.Regexp
	escape  []string // folded EscalateWords
}

// DefaultPolicy returns the built-in policy (see the field docs).
func DefaultPolicy() Policy {
	p := Policy{}
	p.fill()
	return p
}

func (p *Policy) fill() {
	if p.IntentThreshold == 0 {
		p.IntentThreshold = 0.85
	}
	if p.KBThreshold == 0 {
		p.KBThreshold = 0.5
	}
	if p.MaxNegative == 0 {
		p.MaxNegative = 0.3
	}
	if p.EscalateNegative == 0 {
		p.EscalateNegative = 0.85
	}
	if p.EscalateWords == nil {
		p.EscalateWords = []string{
			"anwalt", "rechtsanwalt", "anwältin", "verbraucherzentrale", "klage", "verklagen", "gericht", "abmahnung",
			"kündigung", "kündige", "lawyer", "attorney", "legal action", "sue you", "court", "small claims",
			// Security and fraud: a person must look at these.
			"gehackt", "betrug", "unbefugt", "identitätsdiebstahl", "hacked", "fraud", "unauthorized", "unauthorised", "identity theft",
		}
	}
	if p.NoReply == nil {
		p.NoReply = []string{`(?i)^(no-?reply|do-?not-?reply|mailer-daemon|postmaster|bounces?|notifications?)([+.\-_].*)?@`}
	}
	if p.Channels == nil {
		p.Channels = []string{"email", "chat", "facebook", "twitter"}
	}
	if p.RateLimit.Max == 0 {
		p.RateLimit.Max = 3
	}
	if p.RateLimit.Per == 0 {
		p.RateLimit.Per = 24 * time.Hour
	}
	p.escape = p.escape[:0]
	for _, w := range p.EscalateWords {
		p.escape = append(p.escape, nlp.Fold(w))
	}
	p.noReply = p.noReply[:0]
	for _, s := range p.NoReply {
		if re, err := regexp.Compile(s); err == nil {
			p.noReply = append(p.noReply, re)
		}
	}
}

func (p *Policy) validate() error {
	check := func(name string, v float64) error {
		if v < 0 || v > 1 {
			return fmt.Errorf("%w: %s %v outside [0,1]", ErrPolicy, name, v)
		}
		return nil
	}
	for name, v := range map[string]float64{"intent_threshold": p.IntentThreshold, "kb_threshold": p.KBThreshold,
		"max_negative": p.MaxNegative, "escalate_negative": p.EscalateNegative} {
		if err := check(name, v); err != nil {
			return err
		}
	}
	for intent, v := range p.IntentThresholds {
		if err := check("intent_thresholds."+intent, v); err != nil {
			return err
		}
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
	if _, err := NewExtractor(&p.Patterns); err != nil {
		return fmt.Errorf("%w: patterns: %v", ErrPolicy, err)
	}
	return nil
}

// ParsePolicy reads a YAML policy; keys it leaves out keep their defaults.
// Unknown keys and invalid values are errors wrapping ErrPolicy.
func ParsePolicy(data []byte) (Policy, error) {
	var p Policy
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil && err.Error() != "EOF" {
		return Policy{}, fmt.Errorf("%w: %v", ErrPolicy, err)
	}
	if err := p.validate(); err != nil {
		return Policy{}, err
	}
	p.fill()
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
	// AutoSubmitted is true when the message itself is an automatic one
	// (Auto-Submitted header, out-of-office, bounce).
	AutoSubmitted bool
	// AutoReason says why the message is automatic ("Auto-Submitted:
	// auto-replied", "subject: Abwesenheitsnotiz"); it is shown in the
	// decision. A non-empty AutoReason implies AutoSubmitted.
	AutoReason string
	Intent     classifier.Prediction
	Sentiment  classifier.Prediction
	// SecondOpinion is another sentiment estimate, such as the built-in
	// lexicon's beside a trained model (zero value: none); the policy goes
	// by the larger P(negative) of the two, so a customer either of them
	// finds upset is not answered automatically.
	SecondOpinion classifier.Prediction
	// HasAnswer, Article and KBScore describe the best knowledge-base
	// article; Linked is whether it is linked to the predicted intent.
	HasAnswer bool
	Article   string
	KBScore   float64
	Linked    bool
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

// Decide applies the policy to one message: ignore automatic senders,
// escalate anger, legal threats and VIPs, send when every automatic-answer
// check passes, and suggest otherwise.
func (p Policy) Decide(in Input) Decision {
	d := Decision{Reasons: make([]Check, 0, maxChecks)}
	add := func(name string, ok bool, detail string) bool {
		d.Reasons = append(d.Reasons, Check{Name: name, Passed: ok, Detail: detail})
		return ok
	}
	addr := senderAddress(in.From)
	// Loop protection.
	noReply := ""
	for _, re := range p.noReply {
		if re.MatchString(addr) {
			noReply = addr
		}
	}
	own := p.IsOwn(addr) // never answer ourselves
	machine := in.AutoSubmitted || in.AutoReason != ""
	ok := add("sender", addr != "" && noReply == "" && !own && !machine, senderDetail(addr, noReply, own, machine, in.AutoReason))
	if !ok && (noReply != "" || own || machine) {
		d.Action = Ignore
		return d
	}
	// Escalation.
	folded := nlp.Fold(in.Text)
	var words []string
	for i, w := range p.escape {
		if containsWord(folded, w) {
			words = append(words, p.EscalateWords[i])
		}
	}
	neg := math.Max(negative(in.Sentiment), negative(in.SecondOpinion))
	vip := p.isVIP(addr)
	vipDetail := "no"
	if vip {
		vipDetail = addr + " is a VIP"
	}
	esc := false
	esc = !add("no escalation words", len(words) == 0, listOr(words, "none found")) || esc
	esc = !add("not angry", neg < p.EscalateNegative, "P(negative) "+fixed2(neg)+", escalate at "+fixed2(p.EscalateNegative)) || esc
	esc = !add("not a VIP", !vip, vipDetail) || esc
	if esc {
		d.Action = Escalate
		return d
	}
	// Nothing was read of the message: a person reads it.
	if in.NoText != "" {
		add("text", false, "no text: "+in.NoText)
		d.Action = Suggest
		return d
	}
	// Automatic answer.
	thr := p.IntentThreshold
	if t, ok := p.IntentThresholds[in.Intent.Label]; ok {
		thr = t
	}
	intent := orDash(in.Intent.Label)
	auto := true
	auto = add("intent confident", in.Intent.Label != "" && !in.Intent.Abstain && in.Intent.Confidence >= thr,
		intent+" "+fixed2(in.Intent.Confidence)+", threshold "+fixed2(thr)) && auto
	auto = add("intent allowed", !slices.Contains(p.NeverAuto, in.Intent.Label), intent) && auto
	auto = add("answer found", in.HasAnswer && in.KBScore >= p.KBThreshold,
		orDash(in.Article)+" score "+fixed2(in.KBScore)+", threshold "+fixed2(p.KBThreshold)) && auto
	auto = add("answer fits intent", in.HasAnswer && in.Linked, orDash(in.Article)+" linked to "+intent+": "+strconv.FormatBool(in.Linked)) && auto
	auto = add("not upset", neg < p.MaxNegative, "P(negative) "+fixed2(neg)+", limit "+fixed2(p.MaxNegative)) && auto
	auto = add("placeholders filled", len(in.Missing) == 0, listOr(in.Missing, "all filled")) && auto
	auto = add("sender known", addr != "", orDash(addr)) && auto
	auto = add("channel allowed", in.Channel == "" || slices.Contains(p.Channels, in.Channel), orDash(in.Channel)) && auto
	limit := p.RateLimit.Max < 0 || in.Recent < p.RateLimit.Max
	auto = add("rate limit", limit, strconv.Itoa(in.Recent)+" automatic answers to this sender in "+p.RateLimit.Per.String()+
		", limit "+strconv.Itoa(p.RateLimit.Max)) && auto
	if auto {
		d.Action = Send
	} else {
		d.Action = Suggest
	}
	return d
}

// maxChecks is the most checks Decide evaluates: sender, three for
// escalation and nine for an automatic answer.
const maxChecks = 13

// fixed2 formats v as fmt's "%.2f" does.
func fixed2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

func (p Policy) isVIP(addr string) bool {
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
// one of their domains.
func (p Policy) IsOwn(addr string) bool {
	_, domain, ok := strings.Cut(addr, "@")
	if !ok || addr == "" {
		return false
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

func senderDetail(addr, noReply string, own, auto bool, reason string) string {
	switch {
	case auto && reason != "":
		return "the message is an automatic one: " + reason
	case auto:
		return "the message is an automatic one (auto-reply, bounce)"
	case own:
		return addr + " is our own address"
	case noReply != "":
		return noReply + " is an automatic sender"
	case addr == "":
		return "no sender address"
	}
	return addr
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

func listOr(items []string, none string) string {
	if len(items) == 0 {
		return none
	}
	return strings.Join(items, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
