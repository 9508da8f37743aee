// Package reply turns a classified message and a matching knowledge-base
// article into an answer: it fills the article's template with what
// package entity found in the mail (name, order and customer numbers,
// dates) and a salutation that fits the language and channel, and decides
// with a declarative Policy whether to send the answer automatically,
// suggest it to an agent, escalate the message, or ignore it — listing
// every check that passed or failed.
//
// # Overview
//
//	x, _ := entity.NewExtractor(&policy.Patterns)
//	ent := x.Extract(msg.From, msg.Subject, msg.Text, "de", time.Now())
//	t, _ := reply.ParseTemplate(article.ID, article.Body)
//	r, _ := t.Render(reply.Data{Salutation: reply.Salutation(ent, "de", "email"), OrderNumber: ent.OrderNumber})
//	d := policy.Decide(reply.Input{From: msg.From, Intent: ip, Sentiment: sp, KBScore: hit.Score, Missing: r.Missing, ...})
//	// d.Action: send, suggest, escalate or ignore; d.Reasons: the checks
//
// Customer text is data, never template code: values are inserted as plain
// text, so "{{" in a mail comes out literally.
//
// # Concurrency
//
// Policy and Template values are immutable after construction and safe
// for concurrent use. A Limiter is safe for concurrent use; its Take
// checks and records an answer in one atomic step (see Admit).
package reply
