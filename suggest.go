package antwort

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/antwort-dev/antwort/ingest"
	"github.com/antwort-dev/antwort/kb"
	"github.com/antwort-dev/antwort/reply"
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
}

// ReplyConfig is what Suggest needs beyond classification.
type ReplyConfig struct {
	// KB is the knowledge base (required for Suggest).
	KB *kb.KB
	// Policy decides per message (default reply.DefaultPolicy()).
	Policy *reply.Policy
	// Extractor finds names and numbers (default: the built-in patterns
	// and the policy's Patterns).
	Extractor *reply.Extractor
	// Limiter counts automatic answers per sender (default: a new one
	// with the policy's window). Suggest records an answer when the
	// decision is Send.
	Limiter *reply.Limiter
	// Signature fills {{.Signature}} (default "Ihr Kundenservice" /
	// "Your customer service team" by language).
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
		x, err := reply.NewExtractor(&rc.Policy.Patterns)
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
	if rc.Signature == nil {
		rc.Signature = map[string]string{"de": "Ihr Kundenservice", "en": "Your customer service team"}
	}
	c := *e
	c.rep = &replier{cfg: rc, templates: map[string]*reply.Template{}}
	return &c, nil
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

// Suggest classifies msg, searches the knowledge base with the message and
// the intent distribution, fills the best article's template and lets the
// policy decide. It is safe for concurrent use. Suggest needs an Engine
// from WithReplies.
func (e *Engine) Suggest(ctx context.Context, msg *ingest.Message) (*Suggestion, error) {
	if e.rep == nil {
		return nil, fmt.Errorf("antwort: Suggest needs an Engine with a knowledge base (WithReplies)")
	}
	res, ip, sp, err := e.classify(ctx, msg)
	if err != nil {
		return nil, err
	}
	rc := &e.rep.cfg
	now := rc.Now()
	s := &Suggestion{Result: res}
	lang := res.Lang
	intents := make(map[string]float64, len(ip.Alternatives)+1)
	if ip.Label != "" {
		intents[ip.Label] = ip.Confidence
	}
	for _, a := range ip.Alternatives {
		intents[a.Label] = a.Confidence
	}
	q := kb.Query{Text: msg.Text, Subject: msg.Subject, Intents: intents, Size: rc.Answers}
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
	for _, h := range hits {
		s.Answers = append(s.Answers, Answer{ID: h.Article.ID, Title: h.Article.Title, Score: h.Score,
			TextScore: h.TextScore, IntentScore: h.IntentScore, Reasons: h.Reasons})
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
	// The reply goes to exactly one address (Recipient); the policy and
	// the rate limit judge that one.
	sender := msg.Recipient().String()
	in := reply.Input{From: sender, Channel: msg.Channel, Text: text, AutoReason: msg.Auto,
		Intent: ip, Sentiment: sp, NoText: msg.NoText}
	if e.cfg.Sentiment != nil {
		// A trained model may miss anger the lexicon's cues catch
		// ("Zum dritten Mal …!", "😒"): the policy hears both.
		in.SecondOpinion = e.cfg.Lexicon.Predict(text)
	}
	if len(hits) > 0 {
		best := hits[0]
		a := best.Article
		in.HasAnswer, in.Article, in.KBScore = true, a.ID, best.Score
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
			TicketNumber: ent.TicketNumber, Date: date, Signature: rc.Signature[alang], Lang: alang,
		}, reply.Marker(alang)) // a gap an agent must fill reads "[Bestellnummer]"; such a draft is never sent
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", a.ID, err)
		}
		s.Draft, s.Article, s.Missing = r.Text, a.ID, r.Missing
		in.Missing = r.Missing
	}
	in.Recent = rc.Limiter.Recent(sender, now)
	s.Decision = rc.Policy.Decide(in)
	if s.Decision.Action == reply.Send {
		rc.Limiter.Record(sender, now)
	}
	return s, nil
}
