package cli

import (
	"strconv"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/reply"
)

// appendBatchRecord appends r as one JSON line, byte for byte what
// encoding/json writes for it (batch_json_test.go compares both, and
// fails when a field is added to the record's types without being added
// here), HTML escaping included. In a batch run encoding/json's reflection and string escaping
// took 8 to 9 % of the CPU per mail once the rest had become faster.
func appendBatchRecord(b []byte, r *batchRecord) ([]byte, error) {
	var err error
	b = append(b, '{')
	n := len(b) // a field was written when len(b) > n
	key := func(b []byte, name string) []byte { return appendKey(b, n, name) }
	if s := r.Suggestion; s != nil {
		if s.Result != nil {
			if b, err = appendResultFields(b, s.Result, true); err != nil {
				return b, err
			}
		}
		b = appendFound(key(b, "found"), &s.Found)
		b = key(b, "answers")
		if b, err = appendAnswers(b, s.Answers); err != nil {
			return b, err
		}
		b = key(b, "decision")
		if b, err = appendDecision(b, &s.Decision); err != nil {
			return b, err
		}
		if s.Draft != "" {
			b = appendJSONStringHTML(key(b, "draft"), s.Draft, true)
		}
		if s.Article != "" {
			b = appendJSONStringHTML(key(b, "article"), s.Article, true)
		}
		if len(s.Missing) > 0 {
			b = appendJSONStringsHTML(key(b, "missing"), s.Missing)
		}
		if s.FollowUp {
			b = append(key(b, "follow_up"), "true"...)
		}
		if s.Classified != "" {
			b = appendJSONStringHTML(key(b, "classified"), s.Classified, true)
		}
		if len(s.Requests) > 0 {
			b = key(b, "requests")
			if b, err = appendRequests(b, s.Requests); err != nil {
				return b, err
			}
		}
	}
	for _, f := range []struct{ name, v string }{{"source", r.Source}, {"auto", r.Auto}, {"outbox", r.Outbox}, {"route", r.Route}} {
		if f.v != "" {
			b = appendJSONStringHTML(key(b, f.name), f.v, true)
		}
	}
	if r.ReusedID {
		b = append(key(b, "reused_id"), "true"...)
	}
	if len(r.Warnings) > 0 {
		b = appendJSONStringsHTML(key(b, "warnings"), r.Warnings)
	}
	return append(b, "}\n"...), nil
}

// appendFound appends f as a JSON object; every field but none is
// omitted when empty.
func appendFound(b []byte, f *antwort.Found) []byte {
	b = append(b, '{')
	n := len(b)
	for _, x := range []struct{ name, v string }{
		{"name", f.Name}, {"name_source", f.NameSource}, {"gender", f.Gender}, {"order_number", f.OrderNumber},
		{"customer_number", f.CustomerNumber}, {"contract_number", f.ContractNumber}, {"ticket_number", f.TicketNumber},
	} {
		if x.v == "" {
			continue
		}
		b = appendJSONStringHTML(appendKey(b, n, x.name), x.v, true)
	}
	if len(f.Dates) > 0 {
		b = appendJSONStringsHTML(appendKey(b, n, "dates"), f.Dates)
	}
	if f.Contacts != 0 {
		b = strconv.AppendInt(appendKey(b, n, "contacts_redacted"), int64(f.Contacts), 10)
	}
	return append(b, '}')
}

// appendKey appends "name": to an object whose first field would start
// at b[start], with a comma before it unless it is the first.
func appendKey(b []byte, start int, name string) []byte {
	if len(b) > start {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, name...)
	return append(b, '"', ':')
}

// appendAnswers appends as (null when nil).
func appendAnswers(b []byte, as []antwort.Answer) ([]byte, error) {
	if as == nil {
		return append(b, "null"...), nil
	}
	var err error
	b = append(b, '[')
	for i := range as {
		a := &as[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONStringHTML(append(b, `{"id":`...), a.ID, true)
		b = appendJSONStringHTML(append(b, `,"title":`...), a.Title, true)
		for _, x := range []struct {
			name string
			v    float64
		}{{`,"score":`, a.Score}, {`,"text_score":`, a.TextScore}, {`,"intent_score":`, a.IntentScore}} {
			if b, err = appendJSONFloat(append(b, x.name...), x.v); err != nil {
				return b, err
			}
		}
		if len(a.Reasons) > 0 {
			b = appendJSONStringsHTML(append(b, `,"reasons":`...), a.Reasons)
		}
		b = append(b, '}')
	}
	return append(b, ']'), nil
}

// appendDecision appends d as a JSON object.
func appendDecision(b []byte, d *reply.Decision) ([]byte, error) {
	var err error
	b = appendJSONStringHTML(append(b, `{"action":`...), string(d.Action), true)
	if b, err = appendJSONFloat(append(b, `,"p_correct":`...), d.PCorrect); err != nil {
		return b, err
	}
	b = appendJSONStringHTML(append(b, `,"rule":`...), d.Rule, true)
	if d.MaxWrong != 0 {
		if b, err = appendJSONFloat(append(b, `,"max_wrong":`...), d.MaxWrong); err != nil {
			return b, err
		}
	}
	if d.Threshold != 0 {
		if b, err = appendJSONFloat(append(b, `,"threshold":`...), d.Threshold); err != nil {
			return b, err
		}
	}
	b = append(b, `,"reasons":`...)
	if d.Reasons == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range d.Reasons {
			c := &d.Reasons[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONStringHTML(append(b, `{"name":`...), c.Name, true)
			b = strconv.AppendBool(append(b, `,"passed":`...), c.Passed)
			b = appendJSONStringHTML(append(b, `,"detail":`...), c.Detail, true)
			if c.Problem != "" {
				b = appendJSONStringHTML(append(b, `,"problem":`...), c.Problem, true)
			}
			b = appendJSONStringHTML(append(b, `,"group":`...), c.Group, true)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

// appendRequests appends rs as a JSON array.
func appendRequests(b []byte, rs []antwort.Request) ([]byte, error) {
	var err error
	b = append(b, '[')
	for i := range rs {
		r := &rs[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONStringHTML(append(b, `{"intent":`...), r.Intent, true)
		if b, err = appendJSONFloat(append(b, `,"confidence":`...), r.Confidence); err != nil {
			return b, err
		}
		b = appendJSONStringHTML(append(b, `,"sentence":`...), r.Sentence, true)
		if r.Article != "" {
			b = appendJSONStringHTML(append(b, `,"article":`...), r.Article, true)
		}
		b = append(b, '}')
	}
	return append(b, ']'), nil
}

// appendJSONStringsHTML appends ss as a JSON array (null when nil), with
// <, > and & escaped.
func appendJSONStringsHTML(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONStringHTML(b, s, true)
	}
	return append(b, ']')
}
