package reply

import (
	"math"
	"net/mail"
	"slices"
	"strconv"
	"strings"

	"github.com/antwort-dev/antwort/internal/nlp"
)

// This file keeps Decide as it was before it built its texts in one
// buffer and scanned for escalation words, no-reply senders and sender
// addresses by hand: the reference the differential tests compare the
// current Decide with.

// oldDecide is Decide as it was.
func oldDecide(p Policy, in Input) Decision {
	d := Decision{Reasons: make([]Check, 0, maxChecks), PCorrect: p.PCorrect(in), Rule: RuleHand}
	group := ""
	add := func(name string, ok bool, detail, problem string) bool {
		c := Check{Name: name, Passed: ok, Detail: detail, Group: group}
		if !ok {
			c.Problem = problem
		}
		d.Reasons = append(d.Reasons, c)
		return ok
	}
	addr := oldSenderAddress(in.From)
	// Loop protection.
	group = GroupSender
	noReply := ""
	for _, m := range p.noReply {
		if m.re.MatchString(addr) {
			noReply = addr
		}
	}
	own := oldIsOwn(p, addr) // never answer ourselves
	machine := in.AutoSubmitted || in.AutoReason != ""
	sd := oldSenderDetail(addr, noReply, own, machine, in.AutoReason)
	ok := add("sender", addr != "" && noReply == "" && !own && !machine, sd, sd)
	if !ok && (noReply != "" || own || machine) {
		d.Action = Ignore
		return d
	}
	// Escalation.
	group = GroupEscalation
	folded := nlp.Fold(in.Text)
	var words []string
	for i, w := range p.escape {
		if oldContainsWord(folded, w) {
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
	esc = !add("no escalation words", len(words) == 0, listOr(words, "none found"),
		"escalation words: "+strings.Join(words, ", ")) || esc
	angerDetail := "anger " + fixed2(in.Anger) + ", escalate at " + fixed2(p.EscalateAnger)
	if len(in.AngerCues) > 0 {
		angerDetail += " (" + strings.Join(in.AngerCues, ", ") + ")"
	}
	esc = !add("not angry", in.Anger < p.EscalateAnger, angerDetail, "angry: "+angerDetail) || esc
	if p.EscalateNegative < 1 {
		negDetail := "P(negative) " + fixed2(neg) + ", escalate at " + fixed2(p.EscalateNegative)
		esc = !add("not furious", neg < p.EscalateNegative, negDetail, "very negative: "+negDetail) || esc
	}
	esc = !add("not a VIP", !vip, vipDetail, vipDetail) || esc
	if esc {
		d.Action = Escalate
		return d
	}
	// Nothing was read of the message: a person reads it.
	if in.NoText != "" {
		group = GroupContent
		add("text", false, "no text: "+in.NoText, "no text: "+in.NoText)
		d.Action = Suggest
		return d
	}
	// Automatic answer: may this message be answered automatically at
	// all?
	group = GroupContent
	intent := orDash(in.Intent.Label)
	auto := true
	langOK := in.Lang == "de" || in.Lang == "en"
	auto = add("language supported", langOK, "language "+orDash(in.Lang),
		"language "+langName(in.Lang)+": only German and English mail is answered automatically") && auto
	if in.FollowUp {
		auto = add("follow-up asks something", !in.AsksNothing, "a reply to an earlier answer",
			"a reply to an earlier answer that asks nothing new: thanks, or the answer did not settle it") && auto
		auto = add("not answered before", !in.AnsweredBefore, orDash(in.Article)+" not quoted in the thread",
			orDash(in.Article)+" is already in the thread (quoted below the mail): the customer writes again on the same matter") && auto
	}
	auto = add("one request", len(in.Requests) < 2, listOr(in.Requests, "one"),
		"asks for "+strconv.Itoa(len(in.Requests))+" things: "+strings.Join(in.Requests, ", ")) && auto
	scope := "scope " + fixed2(in.Intent.Scope) + ", least " + fixed2(p.MinScope)
	auto = add("in scope", in.Intent.Label != "" && in.Intent.Scope >= p.MinScope, scope,
		"unlike the training data (likely no intent covers it): "+scope) && auto
	auto = add("intent allowed", !slices.Contains(p.NeverAuto, in.Intent.Label), intent,
		intent+" is never answered automatically") && auto
	// Without an article the checks on it fail for that reason alone,
	// and say so in the same words (Problems lists them once).
	const noArticle = "no article found"
	ifAnswer := func(problem string) string {
		if !in.HasAnswer {
			return noArticle
		}
		return problem
	}
	auto = add("answer found", in.HasAnswer, orDash(in.Article), noArticle) && auto
	auto = add(CheckAnswerFits, in.HasAnswer && in.Linked, orDash(in.Article)+" linked to "+intent+": "+strconv.FormatBool(in.Linked),
		ifAnswer(orDash(in.Article)+" is not linked to "+intent)) && auto
	sameLang := in.HasAnswer && (in.ArticleLang == "" || in.ArticleLang == in.Lang)
	auto = add(CheckAnswerLang, sameLang, "article "+orDash(in.ArticleLang)+", mail "+orDash(in.Lang),
		ifAnswer("no article in "+langName(in.Lang)+" (best: "+orDash(in.Article)+", "+langName(in.ArticleLang)+")")) && auto
	upset := "P(negative) " + fixed2(neg) + ", limit " + fixed2(p.MaxNegative)
	auto = add("not upset", neg < p.MaxNegative, upset, "upset: "+upset) && auto
	auto = add("placeholders filled", len(in.Missing) == 0, listOr(in.Missing, "all filled"),
		"missing in the draft: "+strings.Join(in.Missing, ", ")) && auto
	// Is the answer likely enough right?
	group = GroupConfidence
	if r := p.Auto; r != nil {
		d.Rule, d.MaxWrong, d.Threshold = RuleFitted, r.MaxWrong, r.Threshold
		detail := "P(correct) " + fixed3(d.PCorrect) + ", sent from " + fixed3(r.Threshold) + " (target: at most " + percent(r.MaxWrong) + " wrong)"
		problem := "P(correct) " + fixed3(d.PCorrect) + " below " + fixed3(r.Threshold)
		if why, out := r.Excluded[in.Intent.Label]; out {
			problem = intent + " is left to people by the fitted rule: " + why
		}
		if r.Threshold > 1 {
			problem = "the fitted rule sends nothing: no threshold reached the target on the training data"
		}
		auto = add("answer likely right", r.Sends(in.Intent.Label, d.PCorrect), detail, problem) && auto
	} else {
		thr := p.IntentThreshold
		if t, ok := p.IntentThresholds[in.Intent.Label]; ok {
			thr = t
		}
		detail := intent + " " + fixed2(in.Intent.Confidence) + ", threshold " + fixed2(thr) + " (hand thresholds: no fitted rule)"
		auto = add("intent confident", in.Intent.Label != "" && !in.Intent.Abstain && in.Intent.Confidence >= thr, detail,
			"intent not sure enough: "+detail) && auto
		data := intent + ": " + orDash(in.IntentData)
		if in.IntentData == "" {
			data = intent + ": enough training data to try"
		}
		auto = add("intent has data", in.IntentData == "", data, data) && auto
		kb := orDash(in.Article) + " score " + fixed2(in.KBScore) + ", threshold " + fixed2(p.KBThreshold)
		auto = add("answer score", in.HasAnswer && in.KBScore >= p.KBThreshold, kb, ifAnswer("no article above "+fixed2(p.KBThreshold)+": "+kb)) && auto
	}
	// May an answer go out now?
	group = GroupDelivery
	auto = add("sender known", addr != "", orDash(addr), "no sender address") && auto
	auto = add("channel allowed", in.Channel == "" || slices.Contains(p.Channels, in.Channel), orDash(in.Channel),
		"no automatic answers on "+orDash(in.Channel)) && auto
	limit := p.RateLimit.Max < 0 || in.Recent < p.RateLimit.Max
	rl := strconv.Itoa(in.Recent) + " automatic answers to this sender in " + p.RateLimit.Per.String() + ", limit " + strconv.Itoa(p.RateLimit.Max)
	auto = add("rate limit", limit, rl, "rate limit reached: "+rl) && auto
	if auto {
		d.Action = Send
	} else {
		d.Action = Suggest
	}
	return d
}

func oldIsOwn(p Policy, addr string) bool {
	_, domain, ok := strings.Cut(addr, "@")
	if !ok || addr == "" {
		return false
	}
	if a, err := mail.ParseAddress(p.Brand.From); err == nil && strings.EqualFold(a.Address, addr) {
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

func oldSenderAddress(from string) string {
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

func oldContainsWord(text, w string) bool {
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

// fixed3 formats v as fmt's "%.3f" does.
func fixed3(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }

// percent formats a share as "1.0 %".
func percent(v float64) string { return strconv.FormatFloat(100*v, 'f', 1, 64) + " %" }

// fixed2 formats v as fmt's "%.2f" does.
func fixed2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

func oldSenderDetail(addr, noReply string, own, auto bool, reason string) string {
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

func listOr(items []string, none string) string {
	if len(items) == 0 {
		return none
	}
	return strings.Join(items, ", ")
}
