package kb

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	index "github.com/blevesearch/bleve_index_api"
)

// stored is the JSON kept in an article document: the article with its
// Source.
type stored struct {
	Article
	Source string `json:"source,omitempty"`
}

func decodeStored(b []byte) (Article, error) {
	var s stored
	if err := json.Unmarshal(b, &s); err != nil {
		return Article{}, err
	}
	a := s.Article
	a.Source = s.Source
	return a, nil
}

// articleFromDoc decodes the stored article of an article document.
func articleFromDoc(d index.Document) (Article, bool) {
	if d == nil {
		return Article{}, false
	}
	var src []byte
	d.VisitFields(func(f index.Field) {
		if f.Name() == fieldSource {
			src = f.Value()
		}
	})
	if src == nil {
		return Article{}, false
	}
	a, err := decodeStored(src)
	return a, err == nil
}

// doc is one bleve document to index.
type doc struct {
	id     string
	fields map[string]any
}

// Document id suffixes (after idSep) of an article's documents.
const (
	keyProfile = "p"
	keyBody    = "b"
)

// part is one short text of an article's profile: the title, the tags,
// or a question.
type part struct {
	kind string // "title", "tags" or "question"
	text string
}

func profileParts(a Article) []part {
	var ps []part
	if a.Title != "" {
		ps = append(ps, part{"title", a.Title})
	}
	if len(a.Tags) > 0 {
		ps = append(ps, part{"tags", strings.Join(a.Tags, ", ")})
	}
	for _, q := range a.Questions {
		ps = append(ps, part{"question", q})
	}
	return ps
}

// partSize is what Search needs to know about one profile part: its kind
// and how many distinct words and n-grams it has.
type partSize struct {
	kind         byte // 't', 'g' or 'q'
	words, grams int
}

// encodeLens writes the part sizes as stored in a profile document:
// "t3:12 q5:20 ...".
func encodeLens(ps []partSize) string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%c%d:%d", p.kind, p.words, p.grams)
	}
	return b.String()
}

// decodeLens parses encodeLens's output; malformed entries become zero
// sizes, which match nothing.
func decodeLens(s string) []partSize {
	fields := strings.Fields(s)
	out := make([]partSize, len(fields))
	for i, f := range fields {
		if len(f) < 2 {
			continue
		}
		w, g, _ := strings.Cut(f[1:], ":")
		out[i].kind = f[0]
		out[i].words, _ = strconv.Atoi(w)
		out[i].grams, _ = strconv.Atoi(g)
	}
	return out
}

// docsFor returns the index documents of a: the article document (the
// stored article and its intents), the profile document (title, tags and
// questions as an array, so each stays identifiable, with their sizes) and
// the body document.
func docsFor(a Article, an map[string]analyzers) ([]doc, error) {
	src, err := json.Marshal(stored{Article: a, Source: a.Source})
	if err != nil {
		return nil, err
	}
	intents := a.Intents
	if intents == nil {
		intents = []string{}
	}
	out := []doc{{id: a.ID, fields: map[string]any{
		fieldType:   a.Lang,
		fieldKind:   articleKind(a.Lang),
		fieldIntent: intents,
		fieldSource: string(src),
	}}}
	parts := profileParts(a)
	if len(parts) > 0 {
		texts := make([]string, len(parts))
		sizes := make([]partSize, len(parts))
		for i, p := range parts {
			texts[i] = p.text
			sizes[i] = partSize{kind: p.kind[0], words: len(termSet(an[a.Lang].word, p.text)), grams: len(termSet(an[a.Lang].ngram, p.text))}
		}
		out = append(out, doc{id: a.ID + idSep + keyProfile, fields: map[string]any{
			fieldType:              a.Lang,
			profField(a.Lang):      texts,
			profNgramField(a.Lang): texts,
			fieldLens:              encodeLens(sizes),
		}})
	}
	body := a.Body
	if a.Short != "" {
		body += "\n\n" + a.Short
	}
	out = append(out, doc{id: a.ID + idSep + keyBody, fields: map[string]any{
		fieldType:         a.Lang,
		bodyField(a.Lang): body,
	}})
	return out, nil
}
