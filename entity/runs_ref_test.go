package entity

import (
	"testing"
)

// The run tests of runMatches as they were, functions of the text.

func inPhoneRef(s string, i int) int {
	if c := s[i]; isDigit(c) || c == ' ' || c == '(' || c == ')' || c == '/' || c == '-' || c == '+' {
		return 1
	}
	return 0
}

func inEmailRef(s string, i int) int {
	if c := s[i]; isWordChar(c) && c != '_' || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '@' {
		return 1
	}
	return 0
}

func inNoYearRef(s string, i int) int {
	switch c := s[i]; {
	case isWordChar(c) && c != '_' || c == ' ' || c == '\t' || c == '.':
		return 1
	case len(s[i:]) >= len(longS) && s[i:i+len(longS)] == longS:
		return len(longS)
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
		{"phone", phoneRunes, inPhoneRef}, {"email", emailRunes, inEmailRef}, {"noYear", noYearRunes, inNoYearRef},
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

// FuzzPhoneRun: phoneRun rejects only runs in which phoneRE finds nothing
// with the seven digits isPhone wants.
func FuzzPhoneRun(f *testing.F) {
	for _, s := range []string{"0170 1234567", "+49 170 1234567", "(030) 123456-78", "4711-2231 1234", "12 0345678", "-2026-1188 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		run := ""
		for i := 0; i < len(s); i++ {
			if phoneRunes.at(s, i) == 1 {
				run += s[i : i+1]
			}
		}
		if phoneRun(run) {
			return
		}
		for _, pre := range []string{"", "x", " ", "5"} {
			for _, m := range phoneRE.FindAllString(pre+run, -1) {
				if countDigits(m) >= 7 {
					t.Errorf("phoneRun(%q) = false, but phoneRE finds %q with seven digits in %q", run, m, pre+run)
				}
			}
		}
	})
}
