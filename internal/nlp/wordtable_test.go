package nlp

import (
	"bufio"
	"os"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// cueWordsRef is the map cueWords is built from.
var cueWordsRef = cueWordMap()

// checkWordTable compares the tables with the maps they are built from
// for w.
func checkWordTable(t *testing.T, w string) {
	t.Helper()
	if got, ok := cueWords.Get(w); got != cueWordsRef[w] || ok != (cueWordsRef[w] != 0) {
		t.Fatalf("cueWords.Get(%q) = %v, %v; map %v", w, got, ok, cueWordsRef[w])
	}
	want, wantOK := courtesyKindsRef[w]
	if got, ok := courtesyKinds.Get(w); got != want || ok != wantOK {
		t.Fatalf("courtesyKinds.Get(%q) = %v, %v; map %v, %v", w, got, ok, want, wantOK)
	}
}

// TestWordTableSameAsMap: every word of the tables, and every token of
// the language test sets, prefixes and suffixes of them, are found as in
// the maps.
func TestWordTableSameAsMap(t *testing.T) {
	in := []string{"", "a", "ab", "abc", "abcd", "\xff", "<num>"}
	for w := range cueWordsRef {
		in = append(in, w, w+"x", "x"+w, w[:len(w)-1])
	}
	for w := range courtesyKindsRef {
		in = append(in, w, w+"s", w[1:])
	}
	f, err := os.Open("testdata/lang.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		in = append(in, Tokenize(Fold(sc.Text()))...)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, w := range in {
		checkWordTable(t, w)
	}
	var empty WordTable[int]
	if v, ok := empty.Get("a"); v != 0 || ok {
		t.Errorf("empty table: Get = %v, %v", v, ok)
	}
	one := NewWordTable(map[string]int{"": 7})
	if v, ok := one.Get(""); v != 7 || !ok {
		t.Errorf(`table of "": Get("") = %v, %v`, v, ok)
	}
	if v, ok := one.Get("a"); v != 0 || ok {
		t.Errorf(`table of "": Get("a") = %v, %v`, v, ok)
	}
}

func FuzzWordTableSameAsMap(f *testing.F) {
	for _, s := range []string{"", "der", "thanks", "danke", "gruesse", "abcdefghij"} {
		f.Add(s)
	}
	f.Fuzz(checkWordTable)
}

// TestBelowCombining: the runes below U+0300 are each in NFC and combine
// with none of them, so that Fold may skip package norm's check for text
// of only them; and belowCombining says so exactly for such text.
func TestBelowCombining(t *testing.T) {
	for r := rune(0); r < 0x300; r++ {
		s := string(r)
		if p := norm.NFC.PropertiesString(s); !norm.NFC.IsNormalString(s) || p.CCC() != 0 || !p.BoundaryBefore() {
			t.Fatalf("U+%04X: normal %v, combining class %d, boundary before %v", r, norm.NFC.IsNormalString(s), p.CCC(), p.BoundaryBefore())
		}
		for q := rune(0); q < 0x300; q += 7 {
			if pair := s + string(q); !norm.NFC.IsNormalString(pair) {
				t.Fatalf("%q is not in NFC", pair)
			}
		}
		if !belowCombining(s) || !belowCombining("a"+s+"b") {
			t.Fatalf("belowCombining(%q) = false", s)
		}
	}
	for _, s := range []string{"\u0300", "e\u0301", "\xc3", "\xc3a", "\xc0\x80", "\xff", "€", "😀", "a\u212a"} {
		if belowCombining(s) {
			t.Errorf("belowCombining(%q) = true", s)
		}
	}
}
