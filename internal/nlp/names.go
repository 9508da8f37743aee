package nlp

import (
	"strings"
	"sync"

	"github.com/jdkato/prose/v2"
)

// Names finds person names in English text with prose's named-entity
// recogniser. prose is English-only (its German output tags capitalised
// nouns as people) and decodes its model on every document unless one
// model is reused, so a Names loads the model once, on first use, and
// shares it; Persons returns nil for text that is not English.
//
// A Names is safe for concurrent use.
type Names struct {
	once  sync.Once
	model *prose.Model
	err   error
}

// NewNames returns a Names; the model (about 0.35 s and 75 MB) loads on
// the first call to Persons.
func NewNames() *Names { return &Names{} }

// greetings are words prose's NER mistakes for names at the start of a
// mail ("Hi", "Dear").
var notNames = map[string]bool{"hi": true, "hello": true, "dear": true, "hey": true, "thanks": true, "regards": true, "best": true}

// Persons returns the distinct person names prose finds in English text,
// in order of appearance. It returns nil for text detected as another
// language and an error only when prose fails.
func (n *Names) Persons(text string) ([]string, error) {
	if Detect(text) != English {
		return nil, nil
	}
	n.once.Do(func() {
		doc, err := prose.NewDocument("", prose.WithSegmentation(false))
		if err != nil {
			n.err = err
			return
		}
		n.model = doc.Model
	})
	if n.err != nil {
		return nil, n.err
	}
	doc, err := prose.NewDocument(text, prose.WithSegmentation(false), prose.UsingModel(n.model))
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	for _, e := range doc.Entities() {
		if e.Label != "PERSON" {
			continue
		}
		name := strings.TrimSpace(e.Text)
		if first, _, _ := strings.Cut(strings.ToLower(name), " "); notNames[first] {
			_, rest, ok := strings.Cut(name, " ")
			if !ok {
				continue
			}
			name = rest
		}
		if name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out, nil
}
