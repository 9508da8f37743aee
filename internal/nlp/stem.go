package nlp

import (
	"strings"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/german"
)

// Stem returns the Snowball stem of a folded word in the given language
// ("de" or "en"). Class tokens, words shorter than four bytes and words in
// other languages are returned unchanged. German words are expected in
// folded spelling (ue for ü); the German stemmer treats both alike.
func Stem(lang, word string) string {
	if len(word) < 4 || strings.HasPrefix(word, "<") {
		return word
	}
	env := snowballstem.NewEnv(word)
	switch lang {
	case German:
		german.Stem(env)
	case English:
		english.Stem(env)
	default:
		return word
	}
	return env.Current()
}
