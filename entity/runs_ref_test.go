package entity

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The run tests of runMatches as they were, functions of the text.

func inEmailRef(s string, i int) int {
	if c := s[i]; isWordChar(c) && c != '_' || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '@' {
		return 1
	}
	return 0
}

func inNumericRef(s string, i int) int {
	if c := s[i]; isDigit(c) || c == '.' {
		return 1
	}
	return 0
}

func inISORef(s string, i int) int {
	if c := s[i]; isDigit(c) || c == '-' {
		return 1
	}
	return 0
}

// TestRunSetsSameAsOld: the run sets hold exactly the runes the old run
// tests took, for every first byte and the long s.
func TestRunSetsSameAsOld(t *testing.T) {
	for _, tt := range []struct {
		name string
		set  *runSet
		ref  func(string, int) int
	}{
		{"email", emailRunes, inEmailRef},
		{"numeric", numericRunes, inNumericRef}, {"iso", isoRunes, inISORef},
	} {
		var texts []string
		for b := range 256 {
			texts = append(texts, string([]byte{byte(b)}), string([]byte{byte(b), 0xbf}), string([]byte{byte(b), 'x'}))
		}
		texts = append(texts, longS, longS+"x", kelvin, "ä")
		for _, s := range texts {
			if got, want := tt.set.at(s, 0), tt.ref(s, 0); got != want {
				t.Errorf("%s: at(%q, 0) = %d, the old test says %d", tt.name, s, got, want)
			}
		}
	}
}

// phoneSeeds are texts with and near phone numbers.
var phoneSeeds = []string{
	"0170 1234567", "+49 170 1234567", "(030) 123456-78", "4711-2231 1234", "12 0345678", "-2026-1188 ", "x0170 1234567",
	"_0170 1234567", "ä0170 1234567", "+49 (0)30 12345-678 und +44 7700 900123", "0123456789012345678901234567890",
	"(0(0(0(0(0(0(0", "+1+2+3 4 5 6 7 8", "0 ( ) - / 1", "01234567 0123456 ", "+4", "(", "0",
}

// TestPhoneMatchesSameAsRegexp compares phoneMatches with phoneRE on the
// seeds and the test mails.
func TestPhoneMatchesSameAsRegexp(t *testing.T) {
	in := append(append([]string{}, phoneSeeds...), refSeeds...)
	for _, m := range refSamples(t) {
		in = append(in, m.Subject, m.Body())
	}
	for _, s := range in {
		checkPhoneMatches(t, s)
	}
}

func checkPhoneMatches(t *testing.T, s string) {
	t.Helper()
	if diff := cmp.Diff(phoneRE.FindAllStringIndex(s, -1), phoneMatches(s), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("phoneMatches(%q) (-phoneRE +new):\n%s", s, diff)
	}
}

func FuzzPhoneMatches(f *testing.F) {
	for _, s := range phoneSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkPhoneMatches(t, s)
	})
}

// emailSeeds are texts with and near e-mail addresses.
var emailSeeds = []string{
	"a@b.de", "petra.schulz@web.de, p@x.de", "ä@b.de a@ä.de", "@@a@b.de", "a@b", "x a@b.de1 y", "mail:a@b.de;b@c.org",
	"a@b.de@c.de", "_a@b.de_", "a@b..de", "\xffa@b.de", "a@b.de\xff",
}

// FuzzEmailRuns: runMatchesAt finds the addresses emailRE finds in the
// whole text.
func FuzzEmailRuns(f *testing.F) {
	for _, s := range emailSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := emailRE.FindAllStringSubmatchIndex(s, -1)
		if diff := cmp.Diff(want, runMatchesAt(emailRE, s, emailRunes, '@'), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("runMatchesAt(emailRE, %q) (-whole text +runs):\n%s", s, diff)
		}
	})
}
