package entity

import (
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestMonthStart: monthStemAt's first-byte check lets through the first
// byte of every stem as (?i) expressions spell it: either case, and the
// Kelvin sign and long s for k and s.
func TestMonthStart(t *testing.T) {
	for _, stem := range monthStems {
		r, _ := utf8.DecodeRuneInString(stem)
		spellings := []rune{r, r - 'a' + 'A'}
		switch r {
		case 'k':
			spellings = append(spellings, '\u212a')
		case 's':
			spellings = append(spellings, 'ſ')
		}
		for _, sp := range spellings {
			if b := string(sp)[0]; !monthStart[b] {
				t.Errorf("stem %q may begin with %q, whose first byte %#x monthStart lacks", stem, sp, b)
			}
		}
	}
}

// TestFindDatesSameAsOld compares findDates, which runs the month
// expressions on runs of the text only, with the old one on the seeds and
// the test mails.
func TestFindDatesSameAsOld(t *testing.T) {
	in := append([]string{}, refSeeds...)
	in = append(in, "(3. MÄRZ 2026)", "x\n4 May 2026", "Termin: 5.\tJuni, 2026!", "ab 1 Mär. 2026;", "am 3.\u212aokt", "Sept 3(4)",
		"the 5th of May.", "March 3rd, 2026-03-04", "1 ſept 2026 und 2 Sep 2026", "bis 31. Dezember\n1. Januar 2027")
	for _, m := range refSamples(t) {
		in = append(in, m.Subject, m.Body())
	}
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range in {
		if diff := cmp.Diff(findDatesRef(s, now, true), findDates(s, now), cmp.AllowUnexported(dateHit{}, span{}, Date{})); diff != "" {
			t.Errorf("findDates(%q) (-old +new):\n%s", s, diff)
		}
	}
}

// dayMonthSeeds are texts with and near dates of the day-month forms.
var dayMonthSeeds = []string{
	"am 3. März 2026", "3März", "bis 12.mai", "the 5th of May", "1 sept 2026", "zum 2. MRZ", "12. Mär. 2026", "123 März",
	"1.2. März", "x3 März", "(3. März) 4. April, 2026", "3 3 März", "03.Jän", "3ſt of ſept", "3.\u212aokt", "3. Mai3. Juni",
	"20 Marken", "3rd   of    March,    2026", "3. März 20266", "ä3. März", "\xff3. März", "3. Dezember und 4. Dezember",
}

// TestDayMonthMatchesSameAsRegexp compares dayMonthMatches with
// dayMonthRE over the whole text, on the seeds and the test mails.
func TestDayMonthMatchesSameAsRegexp(t *testing.T) {
	in := append(append([]string{}, dayMonthSeeds...), refSeeds...)
	for _, m := range refSamples(t) {
		in = append(in, m.Subject, m.Body())
	}
	for _, s := range in {
		checkDayMonthMatches(t, s)
	}
}

func checkDayMonthMatches(t *testing.T, s string) {
	t.Helper()
	if diff := cmp.Diff(dayMonthRE.FindAllStringSubmatchIndex(s, -1), dayMonthMatches(s), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("dayMonthMatches(%q) (-dayMonthRE +new):\n%s", s, diff)
	}
}

func FuzzDayMonthMatches(f *testing.F) {
	for _, s := range dayMonthSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkDayMonthMatches(t, s)
	})
}
