package nlp

import (
	"maps"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
)

// TestSignOffFirstWords checks signOffFirstWords against the sign-off
// expressions: it enumerates the first words (up to a space or the end)
// of every string they match, which must be a finite set.
func TestSignOffFirstWords(t *testing.T) {
	want := map[string]bool{}
	for _, re := range []string{signOffStrongRE.String(), signOffWeakRE.String()} {
		tree, err := syntax.Parse(re, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range firstWordsOf(t, tree.Simplify(), []prefix{{}}) {
			want[p.word] = true
		}
	}
	if !maps.Equal(signOffFirstWords, want) {
		t.Errorf("signOffFirstWords = %v\nwant %v", slices.Sorted(maps.Keys(signOffFirstWords)), slices.Sorted(maps.Keys(want)))
	}
}

// prefix is the start of a string matched so far: its first word, and
// whether that word has ended.
type prefix struct {
	word  string
	ended bool
}

// firstWordsOf extends the prefixes by what re matches. It fails t when
// the first word could be anything of a class or of any length.
func firstWordsOf(t *testing.T, re *syntax.Regexp, in []prefix) []prefix {
	t.Helper()
	open := slices.ContainsFunc(in, func(p prefix) bool { return !p.ended })
	if !open {
		return in // the first words are complete; the rest does not matter
	}
	if re.Flags&syntax.FoldCase != 0 {
		t.Fatalf("case folding in %v", re)
	}
	runes := func(rs []rune) []prefix {
		var out []prefix
		for _, p := range in {
			for _, r := range rs {
				switch {
				case p.ended:
					out = append(out, p)
				case r == ' ':
					out = append(out, prefix{p.word, true})
				default:
					out = append(out, prefix{p.word + string(r), false})
				}
			}
		}
		return out
	}
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginText, syntax.OpEndText, syntax.OpBeginLine, syntax.OpEndLine:
		return in
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			in = runes([]rune{r})
		}
		return in
	case syntax.OpCharClass:
		var rs []rune
		for i := 0; i < len(re.Rune); i += 2 {
			if re.Rune[i+1]-re.Rune[i] > 64 {
				t.Fatalf("first word runs into the class %v", re)
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				rs = append(rs, r)
			}
		}
		return runes(rs)
	case syntax.OpCapture:
		return firstWordsOf(t, re.Sub[0], in)
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			in = firstWordsOf(t, sub, in)
		}
		return in
	case syntax.OpAlternate:
		var out []prefix
		for _, sub := range re.Sub {
			out = append(out, firstWordsOf(t, sub, in)...)
		}
		return out
	case syntax.OpQuest:
		return append(slices.Clone(in), firstWordsOf(t, re.Sub[0], in)...)
	}
	t.Fatalf("first word runs into %v (op %v)", re, re.Op)
	return nil
}

// FuzzSignOffWord: when SignOffWord rules a first word out, SignOff finds
// no closing formula in the word alone or in any phrase it begins.
func FuzzSignOffWord(f *testing.F) {
	for _, s := range [][2]string{{"mit", "freundlichen gruessen"}, {"mfg,", "--"}, {"viele", "gruesse aus kiel"},
		{"mfg", ""}, {"lg.", ", ."}, {"danke!", "schoen"}, {"x mfg", "y"}, {"mfg x", "-"}, {"bitte", "mfg"}, {"–", "–"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, w, rest string) {
		if SignOffWord(w) {
			return
		}
		if k := SignOff(w); k != NoSignOff {
			t.Errorf("SignOffWord(%q) = false, but SignOff(%q) = %d", w, w, k)
		}
		if k := SignOff(w + " " + rest); k != NoSignOff {
			t.Errorf("SignOffWord(%q) = false, but SignOff(%q) = %d", w, w+" "+rest, k)
		}
	})
}

// signOffRef is SignOff as it was: the expressions for every phrase.
func signOffRef(phrase string) SignOffKind {
	s := strings.TrimRight(phrase, " ,.!:;-–")
	first, _, _ := strings.Cut(s, " ")
	switch {
	case s == "" || !signOffFirstWords[first]:
		return NoSignOff
	case signOffStrongRE.MatchString(s):
		return StrongSignOff
	case signOffWeakRE.MatchString(s):
		return WeakSignOff
	}
	return NoSignOff
}

// signOffSeeds are phrases near the closing formulas.
var signOffSeeds = []string{
	"mit freundlichen gruessen", "mit freundlichen gruessen,", "viele gruesse aus kiel", "viele gruesse aus bad homburg",
	"viele gruesse aus bad homburg vor", "gruesse aus", "gruesse aus ", "gruss und dank", "danke", "danke schoen!",
	"thanks in advance", "best", "best regards", "best regards petra", "mit der bitte", "lg petra", "", " ", "x",
	"thank you & kind regards", "vielen dank im voraus und liebe gruesse", "gruesse aus kiel\x00", "beste gruesse aus k.-l.",
}

// TestSignOffSameAsRegexp: SignOff agrees with the expressions alone on
// every listed phrase, with trailing punctuation and a word more, and on
// the seeds.
func TestSignOffSameAsRegexp(t *testing.T) {
	var in []string
	in = append(in, signOffSeeds...)
	for s := range signOffPhrases() {
		in = append(in, s, s+",", s+" petra", s+" aus kiel", "x "+s, s[:len(s)-1])
	}
	for _, s := range in {
		if got, want := SignOff(s), signOffRef(s); got != want {
			t.Errorf("SignOff(%q) = %d, the expressions say %d", s, got, want)
		}
	}
}

func FuzzSignOffSameAsRegexp(f *testing.F) {
	for _, s := range signOffSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := SignOff(s), signOffRef(s); got != want {
			t.Errorf("SignOff(%q) = %d, the expressions say %d", s, got, want)
		}
	})
}

// FuzzSignOffStart: SignOffStart is SignOffWord of the folded word.
func FuzzSignOffStart(f *testing.F) {
	for _, w := range []string{"Mit", "MFG,", "Viele", "Bitte", "LG.", "\x01mfg", "Grüße", "hochachtungsvoll!!!!!!!!!!", "x mfg", "–", ""} {
		f.Add(w)
	}
	f.Fuzz(func(t *testing.T, w string) {
		if got, want := SignOffStart(w), SignOffWord(Fold(w)); got != want {
			t.Errorf("SignOffStart(%q) = %v, SignOffWord(Fold) = %v", w, got, want)
		}
	})
}

// TestSignOffStartAllocs: checking a line's first word allocates nothing.
func TestSignOffStartAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { SignOffStart("Mit") }); n > 0 {
		t.Errorf("SignOffStart allocates %v times", n)
	}
}
