package nlp

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// courtesyRef is Courtesy as it was: every token of the sentence counted.
func courtesyRef(sentence string) bool {
	other, polite := 0, 0
	solved, contrast := false, false
	question := strings.ContainsRune(sentence, '?')
	for _, t := range AppendTokens(nil, Fold(sentence)) {
		k := courtesyKindsRef[t]
		solved = solved || k&kindSolved != 0
		contrast = contrast || k&kindContrast != 0
		switch {
		case k&kindCourtesy != 0:
			polite++
		case t == "." || t == "," || t == ":" || t == "-" || t == "–" || t == "…":
		default:
			other++
		}
	}
	if solved && !contrast && !question && other <= 5 {
		return true
	}
	return polite > 0 && other <= 1
}

// courtesyKindsRef is the map courtesyKinds is built from.
var courtesyKindsRef = courtesyKindMap()

var courtesySeeds = []string{
	"Danke, das hat geklappt!", "Vielen Dank für die schnelle Hilfe.", "Kind regards, Tom Baker", "Hat das mit der Rücksendung geklappt?",
	"Danke, aber mein Paket ist immer noch nicht da.", "Danke, das mit dem Passwort hat geklappt!", "", "a b c d e f g geklappt",
	"geklappt a b c d e f", "Danke a b? c", "Danke a b c d e aber", "aber danke", "Hallo, 4711-2231 a@b.de https://x.de geklappt",
}

// TestCourtesySameAsOld compares Courtesy with the old one on the seeds
// and the sentences of the language test sets.
func TestCourtesySameAsOld(t *testing.T) {
	in := append([]string{}, courtesySeeds...)
	for _, name := range []string{"testdata/lang.tsv", "testdata/lang_holdout.tsv"} {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			_, text, _ := strings.Cut(sc.Text(), "\t")
			text = strings.ReplaceAll(text, `\n`, "\n")
			in = append(in, text)
			in = append(in, Sentences(text, Detect(text))...)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range in {
		if got, want := Courtesy(s), courtesyRef(s); got != want {
			t.Errorf("Courtesy(%q) = %v, was %v", s, got, want)
		}
	}
}

func FuzzCourtesySameAsOld(f *testing.F) {
	for _, s := range courtesySeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Courtesy(s), courtesyRef(s); got != want {
			t.Errorf("Courtesy(%q) = %v, was %v", s, got, want)
		}
	})
}
