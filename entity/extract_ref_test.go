package entity

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/antwort-dev/antwort/internal/testmail"
)

// refSeeds are texts that exercise every number, date and personal-data
// form, the Unicode stand-ins for ASCII letters (Kelvin sign, long s,
// dotted capital I) and the places where the cheap checks cut corners.
var refSeeds = []string{
	"Bestellnummer 4711-2231 vom 03.03.2026, Kunden-Nr.: 556677, Vertragsnummer: 30012345, Vorgangsnummer 2024-0815",
	"Bestell-Nr. A-77412\nBest.-Nr. 12345\nAuftragsnummer: 9988776 Auftrag 55012345 order no. 77881234, Orders #12345",
	"customer number: 0123456, client id 445566, Kd.-Nr. KD-20240017, contract no. V-2024-118, policy number 12345678",
	"AW: [Ticket#2024031210000123] case 556677, Fall-Nr. 12345, Anfragenummer 98765, ticket id: ab-12345/ Vorgang 88123.",
	"Wo bleibt 302-4588213-1234567? #B-99812 und [#12345] und #123456 sowie 100-4588213 Betrag 1500,00 am 12.03.",
	"Beſtellnummer 12345 \u212aundennummer 556677 t\u0130cket 12345 ca\u017fe 998877 \u212aD-Nr. 12345 KUNDE 12345",
	"xBestellnummer 12345 _Auftrag 12345 9order 12345 Ärger-Auftrag 12345 bestellung:\t# nr. ist: 4711",
	"order order order 1234 Bestellung Bestellung 12345, Bestellnummer ist 1.500,00 Euro, Kundennummer 12.03.2026",
	"am 3. März 2026, 3März, bis 12.mai, March 3rd, the 5th of May, Dec. 24, 1 sept 2026, zum 2. MRZ, 2026-03-04, seit 1.2.",
	"Sept\t 5, 2026 and september 3 and ſep 3 and Ma\u212a 4 and June  30th, 2026 3.3.26 1.2.345 1.2.3.4 am 4.5. 2026-03-033",
	"DE89 3704 0044 0532 0130 00 +49 170 1234567 a@b.de (030) 1234567 0171-2345678 +49 (0)30 12345-678 GB82WEST12345698765432",
	"Mit freundlichen Grüßen\nPetra Schulz\nKundennummer 556677\nTel. 0170 1234567",
	"\xff\xfe{{.Name}}\x00 Bestell\xffnummer 12345 K 4 \u212a",
}

// TestExtractRefRealistic compares Extract with the reference
// implementation on the repository's messages and, when generated, the
// batch benchmark's mails, with and without extra patterns.
func TestExtractRefRealistic(t *testing.T) {
	repo, bench := testmail.Load(t, "..")
	samples := append(append([]testmail.Message{}, repo...), bench...)
	for _, s := range refSeeds {
		samples = append(samples, testmail.Message{From: "Petra Schulz <p@x.de>", Subject: s, Text: s})
	}
	plain, err := NewExtractor(nil)
	if err != nil {
		t.Fatal(err)
	}
	extra, err := NewExtractor(&Patterns{Order: []string{`\b(NL-\d{6})\b`}, Ticket: []string{`(?i)\bT-(\d+)`}})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []*Extractor{plain, extra} {
		for i, s := range samples {
			want := x.extractRef(s.From, s.Subject, s.Body(), s.Lang, now)
			got := x.Extract(s.From, s.Subject, s.Body(), s.Lang, now)
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("sample %d: Extract differs from the reference (-ref +new):\n%s\nsubject %q\ntext %q", i, diff, s.Subject, s.Body())
			}
		}
	}
	if len(bench) == 0 {
		t.Logf("only %d repository messages: %s is missing", len(repo), testmail.BenchMailDir)
	}
}

// FuzzExtractRef checks that Extract agrees with the reference
// implementation on every input.
func FuzzExtractRef(f *testing.F) {
	for _, s := range refSeeds {
		f.Add("Petra Schulz <p@x.de>", "Betreff", s)
		f.Add(s, s, s)
	}
	x, err := NewExtractor(&Patterns{Order: []string{`(AB\d+)`}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, from, subject, text string) {
		want := x.extractRef(from, subject, text, "de", now)
		got := x.Extract(from, subject, text, "de", now)
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Extract(%q, %q, %q) differs from the reference (-ref +new):\n%s", from, subject, text, diff)
		}
	})
}

// FuzzKeywordNumbers checks the number searches piece by piece, which
// finds a difference much sooner than FuzzExtractRef: keywordStarts (has
// where a kind has starts, which is all Extract reads of it) and
// keywordNumbers against lower-casing plus the full expressions, and the
// cheap checks before the bare forms.
func FuzzKeywordNumbers(f *testing.F) {
	for _, s := range refSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		has, starts := keywordStarts(s)
		lower := strings.ToLower(s)
		for k := range numKinds {
			if want := containsAny(lower, builtinStems[k]); has[k] != want && len(starts[k]) > 0 {
				t.Errorf("keywordStarts(%q): has[%s] = %v, want %v", s, kindName(k), has[k], want)
			}
			want := findNumbersRef(builtinRE[k], s, 4)
			if diff := cmp.Diff(want, keywordNumbers(k, s, starts[k]), cmp.AllowUnexported(numberHit{}, span{})); diff != "" {
				t.Errorf("keywordNumbers(%s, %q) (-full expression +windows):\n%s", kindName(k), s, diff)
			}
		}
		for i, re := range bareOrderRE {
			if !bareOrderMayMatch(i, s) && re.MatchString(s) {
				t.Errorf("bareOrderMayMatch(%d, %q) = false, but %v matches", i, s, re)
			}
		}
		if !strings.Contains(s, "[#") && bareTicketRE.MatchString(s) {
			t.Errorf("%q has no \"[#\", but bareTicketRE matches", s)
		}
	})
}

// TestStemsArePrefixes: keywordStarts looks for a kind's stems only, so
// every match of a keyword alternative must begin with one of them.
func TestStemsArePrefixes(t *testing.T) {
	for k, kws := range builtinKeywords {
		for _, alt := range topAlternatives(kws) {
			prefix, _ := regexp.MustCompile(alt).LiteralPrefix()
			ok := false
			for _, stem := range builtinStems[k] {
				ok = ok || strings.HasPrefix(prefix, stem)
			}
			if !ok {
				t.Errorf("keyword %q (literal prefix %q) of kind %s starts with none of the stems %q", alt, prefix, kindName(k), builtinStems[k])
			}
		}
	}
}

// topAlternatives splits a regular expression at its top-level '|'.
func topAlternatives(re string) []string {
	depth, start := 0, 0
	var alts []string
	for i, c := range re {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		case '|':
			if depth == 0 {
				alts = append(alts, re[start:i])
				start = i + 1
			}
		}
	}
	return append(alts, re[start:])
}

// TestStandIns: the only non-ASCII runes (?i) expressions take for ASCII
// letters are the Kelvin sign and the long s, and the only ones
// strings.ToLower maps to ASCII are the Kelvin sign and the dotted
// capital I: stemAt and keywordSpanEnd know exactly these.
func TestStandIns(t *testing.T) {
	var folds, lowers []string
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if unicode.ToLower(r) < 0x80 {
			lowers = append(lowers, string(r))
		}
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < 0x80 {
				folds = append(folds, string(r))
				break
			}
		}
	}
	if diff := cmp.Diff([]string{longS, kelvin}, folds); diff != "" {
		t.Errorf("runes folding to ASCII (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{dottedI, kelvin}, lowers); diff != "" {
		t.Errorf("runes lower-casing to ASCII (-want +got):\n%s", diff)
	}
}

// TestExtractRefAll compares Extract with the reference on all the batch
// benchmark's mails; it takes a minute, so it runs only with
// ANTWORT_REPLY_ALL=1.
func TestExtractRefAll(t *testing.T) {
	if os.Getenv("ANTWORT_REPLY_ALL") == "" {
		t.Skip("set ANTWORT_REPLY_ALL=1 to compare on all generated mails")
	}
	dir := filepath.Join("..", testmail.BenchMailDir)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Skip(err)
	}
	x, err := NewExtractor(nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i := 0; i < len(ents); i += 500 {
		var paths []string
		for _, e := range ents[i:min(i+500, len(ents))] {
			paths = append(paths, filepath.Join(dir, e.Name()))
		}
		for _, s := range testmail.ReadMails(t, paths) {
			n++
			want := x.extractRef(s.From, s.Subject, s.Body(), s.Lang, now)
			got := x.Extract(s.From, s.Subject, s.Body(), s.Lang, now)
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("Extract differs from the reference (-ref +new):\n%s\nsubject %q\ntext %q", diff, s.Subject, s.Body())
			}
		}
	}
	t.Logf("%d mails agree", n)
}
