package kb

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on articles.
const (
	// MaxBodyBytes is the default limit on an article body (1 MiB).
	MaxBodyBytes = 1 << 20

	// MaxShortRunes is the limit on Article.Short, in characters.
	MaxShortRunes = 280

	// MaxIDBytes is the limit on an article id.
	MaxIDBytes = 256
)

// Languages an article can be written in.
const (
	German  = "de"
	English = "en"
)

// Article is one answer in the knowledge base.
type Article struct {
	ID        string   `json:"id" yaml:"id"`
	Title     string   `json:"title" yaml:"title"`
	Body      string   `json:"body" yaml:"body"` // a text/template reply body with {{.Name}} etc.; kb treats it as text
	Lang      string   `json:"lang" yaml:"lang"` // "de" or "en" (required)
	Intents   []string `json:"intents,omitempty" yaml:"intents"`
	Questions []string `json:"questions,omitempty" yaml:"questions"` // example customer phrasings (FAQ)
	Tags      []string `json:"tags,omitempty" yaml:"tags"`
	Short     string   `json:"short,omitempty" yaml:"short"` // <= 280 chars variant for social channels
	Source    string   `json:"-" yaml:"-"`                   // "articles/x.md" or "kb.jsonl:12"
}

// Check reports whether a is an article the knowledge base accepts, with
// the default body limit: a non-empty id of at most MaxIDBytes without
// control characters, lang "de" or "en", a non-empty body of at most
// MaxBodyBytes, a Short of at most MaxShortRunes characters, and valid
// UTF-8 everywhere. The error wraps ErrMissingField, ErrUnknownLang,
// ErrTooLarge, ErrMalformed or ErrInvalid.
//
// Check does not change a; Put and Import normalise articles first (see
// Normalize), so "DE" and " refund " pass there.
func (a Article) Check() error {
	_, err := checkArticle(a, MaxBodyBytes)
	return err
}

// Normalize returns a with surrounding white space trimmed from the id,
// title, lang (also lower-cased) and short text, empty entries dropped
// from the list fields and their entries trimmed, and trailing white space
// removed from the body. Duplicate list entries are kept once, in order.
func (a Article) Normalize() Article {
	a.ID = strings.TrimSpace(a.ID)
	a.Title = strings.TrimSpace(a.Title)
	a.Lang = strings.ToLower(strings.TrimSpace(a.Lang))
	a.Short = strings.TrimSpace(a.Short)
	a.Body = strings.TrimRightFunc(a.Body, unicode.IsSpace)
	a.Intents = cleanList(a.Intents)
	a.Questions = cleanList(a.Questions)
	a.Tags = cleanList(a.Tags)
	return a
}

func cleanList(in []string) []string {
	var out []string
	seen := make(map[string]bool, len(in))
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// checkArticle validates a (already normalised) and returns the name of
// the offending field ("id", "lang", "body", "short", ...) with the error.
func checkArticle(a Article, maxBody int) (field string, err error) {
	if maxBody <= 0 {
		maxBody = MaxBodyBytes
	}
	switch {
	case a.ID == "":
		return "id", errorf(ErrMissingField, "id missing")
	case len(a.ID) > MaxIDBytes:
		return "id", errorf(ErrInvalid, "id longer than %d bytes", MaxIDBytes)
	case !utf8.ValidString(a.ID):
		return "id", errorf(ErrMalformed, "id is not valid UTF-8")
	case strings.IndexFunc(a.ID, unicode.IsControl) >= 0:
		return "id", errorf(ErrInvalid, "id %q contains control characters", a.ID)
	}
	switch a.Lang {
	case German, English:
	case "":
		return "lang", errorf(ErrMissingField, "article %q: lang missing (want de or en)", a.ID)
	default:
		return "lang", errorf(ErrUnknownLang, "article %q: lang %q is not de or en", a.ID, a.Lang)
	}
	if len(a.Body) > maxBody {
		return "body", errorf(ErrTooLarge, "article %q: body of %d bytes is larger than %d bytes", a.ID, len(a.Body), maxBody)
	}
	if strings.TrimSpace(a.Body) == "" {
		return "body", errorf(ErrMissingField, "article %q: body is empty", a.ID)
	}
	if n := utf8.RuneCountInString(a.Short); n > MaxShortRunes {
		return "short", errorf(ErrTooLarge, "article %q: short text has %d characters, more than %d", a.ID, n, MaxShortRunes)
	}
	for _, f := range []struct {
		name string
		vals []string
	}{
		{"title", []string{a.Title}}, {"body", []string{a.Body}}, {"short", []string{a.Short}},
		{"intents", a.Intents}, {"questions", a.Questions}, {"tags", a.Tags},
	} {
		for _, v := range f.vals {
			if !utf8.ValidString(v) {
				return f.name, errorf(ErrMalformed, "article %q: %s is not valid UTF-8", a.ID, f.name)
			}
		}
	}
	return "", nil
}
