package antwort

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/entity"
	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/internal/nlp"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/reply"
	"github.com/antwort-dev/antwort/trust"
)

// Answer is a knowledge-base article proposed for a message.
type Answer struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Score       float64  `json:"score"`
	TextScore   float64  `json:"text_score"`
	IntentScore float64  `json:"intent_score"`
	Reasons     []string `json:"reasons,omitempty"`
}

// Found is what was extracted from a message for the answer. Contact data
// (e-mail addresses, phone numbers, IBANs) is counted, never repeated.
type Found struct {
	Name           string   `json:"name,omitempty"`
	NameSource     string   `json:"name_source,omitempty"`
	Gender         string   `json:"gender,omitempty"`
	OrderNumber    string   `json:"order_number,omitempty"`
	CustomerNumber string   `json:"customer_number,omitempty"`
	ContractNumber string   `json:"contract_number,omitempty"`
	TicketNumber   string   `json:"ticket_number,omitempty"`
	Dates          []string `json:"dates,omitempty"`
	Contacts       int      `json:"contacts_redacted,omitempty"`
}

// Suggestion is the classification of a message, the answers found for
// it, the policy's decision and the filled draft.
type Suggestion struct {
	*Result
	Found    Found          `json:"found"`
	Answers  []Answer       `json:"answers"`
	Decision reply.Decision `json:"decision"`
	// Draft is the best answer's template filled for this message, with a
	// marker such as "[Bestellnummer]" for each value it lacks (see Missing);
	// empty when no answer was found.
	Draft   string   `json:"draft,omitempty"`
	Article string   `json:"article,omitempty"`
	Missing []string `json:"missing,omitempty"`
	// FollowUp says the message answers an earlier one and was classified
	// on what is new in it: Classified.
	FollowUp   bool   `json:"follow_up,omitempty"`
	Classified string `json:"classified,omitempty"`
	// Requests lists the different things the message asks for, when it
	// asks for more than one (see Suggest).
	Requests []Request `json:"requests,omitempty"`
	// Signals are what the policy's fitted rule estimated P(correct) from
	// (Decision.PCorrect).
	Signals trust.Signals `json:"-"`
}

// ReplyConfig is what Suggest needs beyond classification.
type ReplyConfig struct {
	// KB is the knowledge base (required for Suggest).
	KB *kb.KB
	// Policy decides per message (default reply.DefaultPolicy()).
	Policy *reply.Policy
	// Extractor finds names and numbers (default: the built-in patterns
	// and the policy's Patterns).
	Extractor *entity.Extractor
	// Limiter counts automatic answers per sender (default: a new
	// in-memory one with the policy's window). Suggest records an answer
	// when the decision is Send (reply.Admit).
	Limiter reply.Limiter
	// Signature fills {{.Signature}} by language, overriding the
	// policy's brand sign-off (default: the policy's, see
	// reply.Brand.SignOffFor).
	Signature map[string]string
	// Answers is how many articles are returned (default 3).
	Answers int
	// Now returns the current time (default time.Now).
	Now func() time.Time
	// Learned, when set, down-weights articles that agents declined or
	// edited heavily for the predicted intent (answer learning, see
	// AnswerStats); the answers are re-ranked by the weighted score.
	Learned AnswerWeigher
}

// replier holds the reply state of an Engine.
type replier struct {
	cfg       ReplyConfig
	mu        sync.Mutex
	templates map[string]*reply.Template
}

// WithReplies returns a copy of e that can Suggest answers.
func (e *Engine) WithReplies(rc ReplyConfig) (*Engine, error) {
	if rc.KB == nil {
		return nil, fmt.Errorf("antwort: WithReplies needs a knowledge base")
	}
	if rc.Policy == nil {
		p := reply.DefaultPolicy()
		rc.Policy = &p
	}
	if rc.Extractor == nil {
		x, err := entity.NewExtractor(&rc.Policy.Patterns)
		if err != nil {
			return nil, err
		}
		rc.Extractor = x
	}
	if rc.Limiter == nil {
		rc.Limiter = reply.NewLimiter(rc.Policy.RateLimit.Per)
	}
	if rc.Answers == 0 {
		rc.Answers = 3
	}
	if rc.Now == nil {
		rc.Now = time.Now
	}
	c := *e
	c.rep = &replier{cfg: rc, templates: map[string]*reply.Template{}}
	return &c, nil
}

// signOff returns the sign-off for an answer in lang on channel.
func (r *replier) signOff(lang, channel string) string {
	if s, ok := r.cfg.Signature[lang]; ok {
		return s
	}
	return r.cfg.Policy.Brand.SignOffFor(lang, channel)
}

func (r *replier) template(a kb.Article, short bool) (*reply.Template, error) {
	key := a.ID
	body := a.Body
	if short && a.Short != "" {
		key, body = a.ID+"#short", a.Short
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if t, ok := r.templates[key]; ok {
		return t, nil
	}
	t, err := reply.ParseTemplate(key, body)
	if err != nil {
		return nil, err
	}
	r.templates[key] = t
	return t, nil
}

// social reports whether a channel gets the short answer variant.
func social(channel string) bool {
	return channel == "twitter" || channel == "facebook" || channel == "chat" || channel == "sms"
}

// Request is one of several things a message asks for: the intent of one
// of its sentences, and the article found for it.
type Request struct {
	Intent     string  `json:"intent"`
	Confidence float64 `json:"confidence"`
	Sentence   string  `json:"sentence"`
	Article    string  `json:"article,omitempty"`
}

// Suggest classifies msg, searches the knowledge base with the message and
// the intent distribution, fills the best article's template and lets the
// policy decide. It is safe for concurrent use. Suggest needs an Engine
// from WithReplies.
//
// A message that answers one of ours (In-Reply-To or References set, or a
// reply subject such as "AW:" or "Re:") is classified on what is new in
// it: its text without the subject, which names the old topic, and
// without the sentences that only thank or greet ("Danke, das hat
// geklappt!"), so that "thanks, that worked — now something else" is read
// as the something else. A message whose sentences ask for different
// things gets each of them in Requests, with an article each, and is
// never answered with one article automatically.
func (e *Engine) Suggest(ctx context.Context, msg *ingest.Message) (*Suggestion, error) {
	if e.rep == nil {
		return nil, fmt.Errorf("antwort: Suggest needs an Engine with a knowledge base (WithReplies)")
	}
	f := focus(msg)
	res, ip, sp, err := e.classify(ctx, msg.ID, f.text)
	if err != nil {
		return nil, err
	}
	rc := &e.rep.cfg
	now := rc.Now()
	s := &Suggestion{Result: res, FollowUp: f.followUp}
	if f.followUp {
		s.Classified = f.text
	}
	lang := res.Lang
	if msg.Auto == "" && lang != "" {
		s.Requests = e.requests(f.sentences, ip)
	}
	intents := make(map[string]float64, len(ip.Alternatives)+1)
	if ip.Label != "" {
		intents[ip.Label] = ip.Confidence
	}
	for _, a := range ip.Alternatives {
		intents[a.Label] = a.Confidence
	}
	q := kb.Query{Text: f.body, Subject: f.subject, Intents: intents, Size: rc.Answers}
	if rc.Learned != nil {
		q.Size = rc.Answers + 3 // room for down-weighted articles to drop out
	}
	if lang == "de" || lang == "en" {
		q.Lang = lang
	}
	var hits []kb.Hit
	if msg.Auto == "" { // machine mail is ignored: no search, no draft
		hits, err = rc.KB.Search(ctx, q)
		if err != nil {
			return nil, err
		}
	}
	if rc.Learned != nil {
		hits = reweigh(hits, res.Intent.Label, rc.Learned, rc.Answers)
	}
	hits = drafts(hits, ip.Label)
	for _, h := range hits {
		s.Answers = append(s.Answers, answer(h))
	}
	if len(s.Requests) > 1 {
		if err := e.requestArticles(ctx, s, q); err != nil {
			return nil, err
		}
	}
	// The signature the mail cleaner removed still names the customer.
	body := msg.Text
	if msg.Signature != "" {
		body += "\n\n" + msg.Signature
	}
	ent := rc.Extractor.Extract(msg.From.String(), msg.Subject, body, lang, now)
	s.Found = Found{Name: ent.Name, NameSource: ent.NameSource, Gender: ent.Gender, OrderNumber: ent.OrderNumber,
		CustomerNumber: ent.CustomerNumber, ContractNumber: ent.ContractNumber, TicketNumber: ent.TicketNumber,
		Contacts: len(ent.Emails) + len(ent.Phones) + len(ent.IBANs)}
	for _, d := range ent.Dates {
		s.Found.Dates = append(s.Found.Dates, d.Text)
	}
	text := Text(msg)
	mailLang := lang
	if mailLang != "de" && mailLang != "en" {
		// Name the language the decision refuses ("es", "nl"), not "und".
		mailLang = nlp.Identify(text)
	}
	// The reply goes to exactly one address (Recipient); the policy and
	// the rate limit judge that one.
	sender := msg.Recipient().String()
	in := reply.Input{From: sender, Channel: msg.Channel, Text: text, Lang: mailLang, AutoReason: msg.Auto, NoText: msg.NoText,
		Intent: ip, Sentiment: sp, FollowUp: f.followUp, AsksNothing: f.followUp && !nlp.AsksSomething(f.body)}
	// Too few examples cannot show how often a confident prediction of the
	// intent is right. (An intent often confused overall is not held back
	// here: its confident predictions may still be right, which the
	// intent threshold, or a fitted rule, judges.)
	if ip.Label != "" {
		in.IntentData = e.cfg.Intent.Meta().Thin(ip.Label)
	}
	for _, r := range s.Requests {
		in.Requests = append(in.Requests, r.Intent)
	}
	// The lexicon reads anger (insults, threats, legal steps, shouting)
	// apart from how upset the customer is; beside a trained sentiment
	// model it also gives a second opinion on the latter, which may miss
	// cues the lexicon catches ("Zum dritten Mal …!", "😒").
	lp, anger := e.cfg.Lexicon.Analyze(text)
	if e.cfg.Sentiment != nil {
		in.SecondOpinion = lp
	}
	in.Anger = anger.Score
	for _, c := range anger.Cues {
		in.AngerCues = append(in.AngerCues, c.Feature)
	}
	in.Signals = IntentSignals(ip)
	if len(hits) > 0 {
		best := hits[0]
		a := best.Article
		in.HasAnswer, in.Article, in.KBScore, in.ArticleLang = true, a.ID, best.Score, a.Lang
		in.Signals.Answer, in.Signals.TextScore, in.Signals.KBScore = true, best.TextScore, best.Score
		in.Linked = slices.Contains(a.Intents, res.Intent.Label)
		t, err := e.rep.template(a, social(msg.Channel))
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", a.ID, err)
		}
		alang := a.Lang
		if alang == "" {
			alang = lang
		}
		var date string
		if len(ent.Dates) > 0 {
			date = ent.Dates[0].Text
		}
		r, err := t.RenderMarked(reply.Data{
			Salutation: reply.Salutation(ent, alang, msg.Channel), Name: ent.Name, FirstName: ent.FirstName, LastName: ent.LastName,
			OrderNumber: ent.OrderNumber, CustomerNumber: ent.CustomerNumber, ContractNumber: ent.ContractNumber,
			TicketNumber: ent.TicketNumber, Date: date, Signature: e.rep.signOff(alang, msg.Channel), Lang: alang,
		}, reply.Marker(alang)) // a gap an agent must fill reads "[Bestellnummer]"; such a draft is never sent
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", a.ID, err)
		}
		s.Draft, s.Article, s.Missing = r.Text, a.ID, r.Missing
		if f := rc.Policy.Brand.FooterFor(alang, msg.Channel); f != "" {
			s.Draft = strings.TrimRight(s.Draft, "\n") + "\n\n-- \n" + f
		}
		in.Missing = r.Missing
		// A follow-up that quotes this very answer: it was sent already.
		in.AnsweredBefore = f.followUp && msg.Quoted != "" && nlp.Quotes(msg.Quoted, r.Text)
	}
	if in.Recent, err = reply.RecentAnswers(ctx, rc.Limiter, sender, now); err != nil {
		return nil, err
	}
	s.Signals = in.Signals
	s.Decision = rc.Policy.Decide(in)
	if s.Decision.Action == reply.Send {
		if s.Decision, err = reply.Admit(ctx, rc.Limiter, rc.Policy.RateLimit, sender, now, s.Decision); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func answer(h kb.Hit) Answer {
	return Answer{ID: h.Article.ID, Title: h.Article.Title, Score: h.Score,
		TextScore: h.TextScore, IntentScore: h.IntentScore, Reasons: h.Reasons}
}

// focused is the part of a message the engine classifies and searches
// with (see Suggest).
type focused struct {
	// text is what the classifier reads; subject and body what the
	// knowledge base is searched with.
	text, subject, body string
	// sentences are the body's sentences that are not only courtesy.
	sentences []string
	followUp  bool
}

// focus returns what of msg to classify: the subject and the text, or for
// a reply to one of our answers only its new sentences that ask something.
func focus(msg *ingest.Message) focused {
	lang := nlp.Detect(msg.Text)
	var asks []string
	for _, sen := range nlp.Sentences(msg.Text, lang) {
		if !nlp.Courtesy(sen) {
			asks = append(asks, sen)
		}
	}
	f := focused{text: Text(msg), subject: msg.Subject, body: msg.Text, sentences: asks, followUp: isReply(msg)}
	if !f.followUp {
		return f
	}
	f.subject = ""
	if len(asks) == 0 {
		// Nothing but thanks and greetings: the text as it is, without the
		// old subject.
		f.text = msg.Text
		return f
	}
	f.body = strings.Join(asks, "\n")
	f.text = f.body
	return f
}

// isReply reports whether msg answers an earlier message: threading
// headers, or a reply prefix on the subject.
func isReply(msg *ingest.Message) bool {
	if msg.InReplyTo != "" || len(msg.References) > 0 {
		return true
	}
	s := strings.ToLower(strings.TrimSpace(msg.Subject))
	for _, p := range []string{"re:", "aw:", "antw:", "antwort:", "sv:", "r:", "réf:"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// Settings of the request detection: a sentence counts as a request of
// its own when the intent model is at least sentenceSure of its intent,
// the sentence is not unlike the training data, and the whole message
// gives the intent at least mailShare, or the sentence alone is beyond
// doubt (sentenceCertain: a short second request barely moves the whole
// message's probabilities). Measured on the demo training mails out of
// fold (5 models): 3.4 % of single mails are flagged, and 29 % of two
// mails of different intents run together; most of the others get a low
// P(correct) from the mixed text anyway. Lower settings flag far more
// single mails (sure 0.7, no mail share: 24 %) for little more detection.
const (
	sentenceSure    = 0.9
	sentenceCertain = 0.99
	sentenceScope   = 0.2
	mailShare       = 0.02
	maxSentences    = 12 // the first sentences only: a long mail's later ones are rarely new requests
)

// requests classifies the sentences one by one and returns, when they ask
// for two or more different intents (each sure, see sentenceSure), one
// Request per intent in the order they first appear; nil otherwise. mail
// is the whole message's prediction, with every label.
func (e *Engine) requests(sentences []string, mail classifier.Prediction) []Request {
	if len(sentences) < 2 {
		return nil
	}
	pt := preparedTexts.Get().(*classifier.Text)
	defer preparedTexts.Put(pt)
	var out []Request
	n := min(len(sentences), maxSentences)
	for i, sen := range sentences[:n] {
		if len(out) == 0 && n-i < 2 {
			break // one sentence left cannot make two requests: the answer is nil
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

// requestArticles finds an article for each of s.Requests, linked to its
// intent and found with its sentence, and adds those not yet among the
// answers.
func (e *Engine) requestArticles(ctx context.Context, s *Suggestion, q kb.Query) error {
	for i := range s.Requests {
		r := &s.Requests[i]
		rq := q
		rq.Text, rq.Subject, rq.Size = r.Sentence, "", 3
		rq.Intents = map[string]float64{r.Intent: r.Confidence}
		hits, err := e.rep.cfg.KB.Search(ctx, rq)
		if err != nil {
			return err
		}
		for _, h := range hits {
			if !slices.Contains(h.Article.Intents, r.Intent) {
				continue
			}
			r.Article = h.Article.ID
			if !slices.ContainsFunc(s.Answers, func(a Answer) bool { return a.ID == h.Article.ID }) {
				s.Answers = append(s.Answers, answer(h))
			}
			break
		}
	}
	return nil
}

// share returns the probability p gives label.
func share(p classifier.Prediction, label string) float64 {
	if p.Label == label {
		return p.Confidence
	}
	for _, a := range p.Alternatives {
		if a.Label == label {
			return a.Confidence
		}
	}
	return 0
}

// minDraftScore is the knowledge-base score below which an article that
// is not linked to the message's intent is no draft at all: an article
// about something else that merely shares a word or two (score 0.02 for
// a parcel article under a cancellation) misleads the agent more than no
// draft does.
const minDraftScore = 0.1

// drafts returns hits without those that are not linked to intent and
// score below minDraftScore, keeping the order of the rest. It does not
// change hits.
func drafts(hits []kb.Hit, intent string) []kb.Hit {
	keep := func(h kb.Hit) bool {
		return h.Score >= minDraftScore || intent != "" && slices.Contains(h.Article.Intents, intent)
	}
	if !slices.ContainsFunc(hits, func(h kb.Hit) bool { return !keep(h) }) {
		return hits
	}
	var out []kb.Hit
	for _, h := range hits {
		if keep(h) {
			out = append(out, h)
		}
	}
	return out
}
