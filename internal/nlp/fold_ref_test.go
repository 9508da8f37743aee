package nlp

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldRef is Fold as it was: byte by byte, every string copied.
func foldRef(s string) string {
	var b strings.Builder
	if !isASCII(s) && !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			case c < ' ' || c == 0x7f:
				c = ' '
			}
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch u, ok := Umlaut(r); {
		case ok:
			b.WriteString(u)
		case unicode.IsControl(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

var foldSeeds = []string{
	"", "mit freundlichen gruessen", "a~b!", "Abc", "a\x7fb", "Mit Grüßen\x01", "ÄÖÜẞ äöüß", "A\u0308bc", "\xff\xfeABC\x7f", "Straße 12, 12345 Köln",
	"İSTANBUL ΣΊΣΥΦΟΣ", "a\tb\nc\rd", "ＡＢＣ", "e\u0301", "\u212a", "abc\u0085def",
}

// TestFoldSameAsOld compares Fold with the old one on the seeds and the
// language test set.
func TestFoldSameAsOld(t *testing.T) {
	in := append([]string{}, foldSeeds...)
	f, err := os.Open("testdata/lang.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		in = append(in, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, s := range in {
		if got, want := Fold(s), foldRef(s); got != want {
			t.Errorf("Fold(%q) = %q, was %q", s, got, want)
		}
	}
}

func FuzzFoldSameAsOld(f *testing.F) {
	for _, s := range foldSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Fold(s), foldRef(s); got != want {
			t.Errorf("Fold(%q) = %q, was %q", s, got, want)
		}
		var b strings.Builder
		FoldAppend(&b, s)
		if b.String() != foldRef(s) {
			t.Errorf("FoldAppend(%q) writes %q, was %q", s, b.String(), foldRef(s))
		}
	})
}
