package sentiment

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLexiconWellFormed checks the hand-written lists: no duplicates after
// folding, stems long enough, every emphasis term a modifier.
func TestLexiconWellFormed(t *testing.T) {
	t.Parallel()
	_, issues := build()
	if diff := cmp.Diff([]buildIssue(nil), issues); diff != "" {
		t.Errorf("build() issues (-want +got):\n%s", diff)
	}
}

func TestLexiconSize(t *testing.T) {
	t.Parallel()
	const minTerms = 200
	for name, terms := range map[string][]term{"german": germanTerms(), "english": englishTerms()} {
		if len(terms) < minTerms {
			t.Errorf("%s lexicon has %d terms, want at least %d", name, len(terms), minTerms)
		}
		for _, tm := range terms {
			if tm.w == 0 || tm.w < -3 || tm.w > 3 {
				t.Errorf("%s term %q has weight %v, want non-zero within ±3", name, tm.t, tm.w)
			}
		}
	}
}
