package cli

import (
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/antwort-dev/antwort"
	"github.com/antwort-dev/antwort/classifier"
	"github.com/antwort-dev/antwort/reply"
)

// appendRecordJSON appends r as json.Marshal(r) writes it, byte for byte
// (HTML-escaped strings, encoding/json's float format, omitempty, null
// for nil slices), without reflection. It hands to encoding/json what
// it does not write itself: a NaN or infinite float (for Marshal's
// error) and records whose types no longer have the shape it was
// written for (see recordShapeOK). On error b is returned unchanged.
func appendRecordJSON(b []byte, r *batchRecord) ([]byte, error) {
	if recordShapeOK {
		w := recordWriter{b: b}
		w.record(r)
		if !w.bad {
			return w.b, nil
		}
		b = w.b[:len(b)]
	}
	j, err := json.Marshal(r)
	if err != nil {
		return b, err
	}
	return append(b, j...), nil
}

// recordWriter appends the JSON of a batchRecord.
type recordWriter struct {
	b   []byte
	bad bool // a float encoding/json refuses (NaN, ±Inf) was met
}

// key appends a comma unless an object was just opened, then k, which is
// a quoted name and a colon that need no escaping.
func (w *recordWriter) key(k string) {
	if w.b[len(w.b)-1] != '{' {
		w.b = append(w.b, ',')
	}
	w.b = append(w.b, k...)
}

func (w *recordWriter) record(r *batchRecord) {
	if r == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.b = append(w.b, '{')
	if s := r.Suggestion; s != nil {
		w.suggestion(s)
	}
	w.strOmit(`"source":`, r.Source)
	w.strOmit(`"auto":`, r.Auto)
	w.strOmit(`"outbox":`, r.Outbox)
	w.strOmit(`"route":`, r.Route)
	w.stringsOmit(`"warnings":`, r.Warnings)
	w.b = append(w.b, '}')
}

// suggestion appends the fields of s (promoted into the record).
func (w *recordWriter) suggestion(s *antwort.Suggestion) {
	if res := s.Result; res != nil {
		w.key(`"id":`)
		w.b = appendJSONString(w.b, res.ID)
		w.key(`"lang":`)
		w.b = appendJSONString(w.b, res.Lang)
		w.key(`"intent":`)
		w.label(&res.Intent)
		w.key(`"sentiment":`)
		w.label(&res.Sentiment)
		w.key(`"explanation":`)
		w.b = append(w.b, '{')
		if len(res.Explanation.Intent) > 0 {
			w.key(`"intent":`)
			w.contributions(res.Explanation.Intent)
		}
		if len(res.Explanation.Sentiment) > 0 {
			w.key(`"sentiment":`)
			w.contributions(res.Explanation.Sentiment)
		}
		w.b = append(w.b, '}')
	}

	f := &s.Found
	w.key(`"found":`)
	w.b = append(w.b, '{')
	w.strOmit(`"name":`, f.Name)
	w.strOmit(`"name_source":`, f.NameSource)
	w.strOmit(`"gender":`, f.Gender)
	w.strOmit(`"order_number":`, f.OrderNumber)
	w.strOmit(`"customer_number":`, f.CustomerNumber)
	w.strOmit(`"contract_number":`, f.ContractNumber)
	w.strOmit(`"ticket_number":`, f.TicketNumber)
	w.stringsOmit(`"dates":`, f.Dates)
	if f.Contacts != 0 {
		w.key(`"contacts_redacted":`)
		w.b = strconv.AppendInt(w.b, int64(f.Contacts), 10)
	}
	w.b = append(w.b, '}')

	w.key(`"answers":`)
	if s.Answers == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.b = append(w.b, '[')
		for i := range s.Answers {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			a := &s.Answers[i]
			w.b = append(w.b, `{"id":`...)
			w.b = appendJSONString(w.b, a.ID)
			w.b = append(w.b, `,"title":`...)
			w.b = appendJSONString(w.b, a.Title)
			w.b = append(w.b, `,"score":`...)
			w.float(a.Score)
			w.b = append(w.b, `,"text_score":`...)
			w.float(a.TextScore)
			w.b = append(w.b, `,"intent_score":`...)
			w.float(a.IntentScore)
			w.stringsOmit(`"reasons":`, a.Reasons)
			w.b = append(w.b, '}')
		}
		w.b = append(w.b, ']')
	}

	w.key(`"decision":{"action":`)
	w.b = appendJSONString(w.b, string(s.Decision.Action))
	w.b = append(w.b, `,"reasons":`...)
	w.checks(s.Decision.Reasons)
	w.b = append(w.b, '}')

	w.strOmit(`"draft":`, s.Draft)
	w.strOmit(`"article":`, s.Article)
	w.stringsOmit(`"missing":`, s.Missing)
}

func (w *recordWriter) label(l *antwort.Label) {
	w.b = append(w.b, `{"label":`...)
	w.b = appendJSONString(w.b, l.Label)
	w.b = append(w.b, `,"confidence":`...)
	w.float(l.Confidence)
	w.b = append(w.b, `,"abstain":`...)
	w.b = strconv.AppendBool(w.b, l.Abstain)
	if len(l.Alternatives) > 0 {
		w.b = append(w.b, `,"alternatives":[`...)
		for i, a := range l.Alternatives {
			if i > 0 {
				w.b = append(w.b, ',')
			}
			w.scored(a)
		}
		w.b = append(w.b, ']')
	}
	w.b = append(w.b, `,"model":`...)
	w.b = appendJSONString(w.b, l.Model)
	w.b = append(w.b, '}')
}

func (w *recordWriter) scored(a classifier.Scored) {
	w.b = append(w.b, `{"label":`...)
	w.b = appendJSONString(w.b, a.Label)
	w.b = append(w.b, `,"confidence":`...)
	w.float(a.Confidence)
	w.b = append(w.b, '}')
}

// contributions appends a non-nil slice.
func (w *recordWriter) contributions(cs []classifier.Contribution) {
	w.b = append(w.b, '[')
	for i, c := range cs {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.b = append(w.b, `{"feature":`...)
		w.b = appendJSONString(w.b, c.Feature)
		w.b = append(w.b, `,"weight":`...)
		w.float(c.Weight)
		w.b = append(w.b, '}')
	}
	w.b = append(w.b, ']')
}

func (w *recordWriter) checks(cs []reply.Check) {
	if cs == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.b = append(w.b, '[')
	for i := range cs {
		c := &cs[i]
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.b = append(w.b, `{"name":`...)
		w.b = appendJSONString(w.b, c.Name)
		w.b = append(w.b, `,"passed":`...)
		w.b = strconv.AppendBool(w.b, c.Passed)
		w.b = append(w.b, `,"detail":`...)
		w.b = appendJSONString(w.b, c.Detail)
		w.b = append(w.b, '}')
	}
	w.b = append(w.b, ']')
}

// strOmit appends a string field tagged omitempty.
func (w *recordWriter) strOmit(k, s string) {
	if s != "" {
		w.key(k)
		w.b = appendJSONString(w.b, s)
	}
}

// stringsOmit appends a []string field tagged omitempty.
func (w *recordWriter) stringsOmit(k string, ss []string) {
	if len(ss) == 0 {
		return
	}
	w.key(k)
	w.b = append(w.b, '[')
	for i, s := range ss {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.b = appendJSONString(w.b, s)
	}
	w.b = append(w.b, ']')
}

// float appends f as encoding/json does for a float64: the shortest
// representation, with an exponent below 1e-6 and from 1e21 on, and no
// leading zero in a negative exponent. NaN and ±Inf set w.bad.
func (w *recordWriter) float(f float64) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		w.bad = true
		w.b = append(w.b, '0')
		return
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	w.b = strconv.AppendFloat(w.b, f, format, -1, 64)
	if format == 'e' {
		// e-09 → e-9
		n := len(w.b)
		if n >= 4 && w.b[n-4] == 'e' && w.b[n-3] == '-' && w.b[n-2] == '0' {
			w.b[n-2] = w.b[n-1]
			w.b = w.b[:n-1]
		}
	}
}

// jsonSafe holds the ASCII bytes encoding/json copies unescaped when it
// escapes HTML: printable ASCII and DEL, except ", \, <, > and &.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = !strings.ContainsRune(`"\<>&`, rune(c))
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// safeWord reports whether the 8 bytes in x (little-endian) are all
// jsonSafe. For a word v, (v-ones)&^v&high is non-zero exactly when some
// byte of v is zero, and (v-n*ones)&^v&high when some byte is below n
// (n <= 0x80); every unsafe byte has bit 7 set, is below 0x20, or is zero
// after one of the XORs.
func safeWord(x uint64) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	ctrl := x - 0x20*ones               // a byte below 0x20
	quote := x ^ '"'*ones               // "
	bslash := x ^ '\\'*ones             // \
	angle := (x | 0x02*ones) ^ '>'*ones // < or >, as '<'|2 == '>'
	amp := x ^ '&'*ones                 // &
	return (x|ctrl&^x|(quote-ones)&^quote|(bslash-ones)&^bslash|(angle-ones)&^angle|(amp-ones)&^amp)&high == 0
}

// appendJSONString appends s quoted as encoding/json does by default:
// ", \ and control characters escaped (\b \f \n \r \t by name, others
// as \u00XX), <, > and & as \u003c \u003e \u0026, U+2028 and U+2029 as
// \u2028 \u2029, and each byte of invalid UTF-8 as \ufffd.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		for i+8 <= len(s) && safeWord(uint64(s[i])|uint64(s[i+1])<<8|uint64(s[i+2])<<16|uint64(s[i+3])<<24|
			uint64(s[i+4])<<32|uint64(s[i+5])<<40|uint64(s[i+6])<<48|uint64(s[i+7])<<56) {
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// recordShapeOK reports whether batchRecord and the types in it are
// still what recordWriter was written for; if not (a field added,
// renamed, retagged or retyped, or a MarshalJSON or MarshalText method
// added), appendRecordJSON leaves every record to encoding/json.
var recordShapeOK = typeShape(reflect.TypeFor[batchRecord]()) == recordShape

// recordShape is typeShape(batchRecord) as recordWriter knows it.
const recordShape = `struct{
Suggestion embedded *struct{
Result embedded *struct{
ID string json:"id"
Lang string json:"lang"
Intent struct{
Label string json:"label"
Confidence float64 json:"confidence"
Abstain bool json:"abstain"
Alternatives []struct{
Label string json:"label"
Confidence float64 json:"confidence"
} json:"alternatives,omitempty"
Model string json:"model"
} json:"intent"
Sentiment struct{
Label string json:"label"
Confidence float64 json:"confidence"
Abstain bool json:"abstain"
Alternatives []struct{
Label string json:"label"
Confidence float64 json:"confidence"
} json:"alternatives,omitempty"
Model string json:"model"
} json:"sentiment"
Explanation struct{
Intent []struct{
Feature string json:"feature"
Weight float64 json:"weight"
} json:"intent,omitempty"
Sentiment []struct{
Feature string json:"feature"
Weight float64 json:"weight"
} json:"sentiment,omitempty"
} json:"explanation"
}
Found struct{
Name string json:"name,omitempty"
NameSource string json:"name_source,omitempty"
Gender string json:"gender,omitempty"
OrderNumber string json:"order_number,omitempty"
CustomerNumber string json:"customer_number,omitempty"
ContractNumber string json:"contract_number,omitempty"
TicketNumber string json:"ticket_number,omitempty"
Dates []string json:"dates,omitempty"
Contacts int json:"contacts_redacted,omitempty"
} json:"found"
Answers []struct{
ID string json:"id"
Title string json:"title"
Score float64 json:"score"
TextScore float64 json:"text_score"
IntentScore float64 json:"intent_score"
Reasons []string json:"reasons,omitempty"
} json:"answers"
Decision struct{
Action string json:"action"
Reasons []struct{
Name string json:"name"
Passed bool json:"passed"
Detail string json:"detail"
} json:"reasons"
} json:"decision"
Draft string json:"draft,omitempty"
Article string json:"article,omitempty"
Missing []string json:"missing,omitempty"
}
Source string json:"source,omitempty"
Auto string json:"auto,omitempty"
Outbox string json:"outbox,omitempty"
Route string json:"route,omitempty"
Warnings []string json:"warnings,omitempty"
}`

var (
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// typeShape describes what of t decides its JSON encoding: kinds, field
// names, embedding and tags. A type with a MarshalJSON or MarshalText
// method (on its value or pointer) is described as "marshaler".
func typeShape(t reflect.Type) string {
	var sb strings.Builder
	writeTypeShape(&sb, t)
	return sb.String()
}

func writeTypeShape(sb *strings.Builder, t reflect.Type) {
	if t.Implements(jsonMarshalerType) || t.Implements(textMarshalerType) ||
		(t.Kind() != reflect.Pointer && (reflect.PointerTo(t).Implements(jsonMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType))) {
		sb.WriteString("marshaler")
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		sb.WriteByte('*')
		writeTypeShape(sb, t.Elem())
	case reflect.Slice:
		sb.WriteString("[]")
		writeTypeShape(sb, t.Elem())
	case reflect.Struct:
		sb.WriteString("struct{\n")
		for f := range t.Fields() {
			sb.WriteString(f.Name)
			if f.Anonymous {
				sb.WriteString(" embedded")
			}
			sb.WriteByte(' ')
			writeTypeShape(sb, f.Type)
			if f.Tag != "" {
				sb.WriteByte(' ')
				sb.WriteString(string(f.Tag))
			}
			sb.WriteByte('\n')
		}
		sb.WriteByte('}')
	default:
		sb.WriteString(t.Kind().String())
	}
}
