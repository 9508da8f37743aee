package entity

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

var noYearSeeds = []string{
	"am 3.4.", "Am 03.04.2026", "bis zum 12.5. und ab\t1.2.", "bis 1.2.", "bis zum", "bis zum x 1.2.", "BIS  ZUM 1.2.", "seit 1.12.",
	"vom 1.2.am 3.4.", "am 123.4.", "am 1.234.", "xam 1.2.", "ßam 1.2.", "3am 1.2.", "ſeit 1.2.", "\xffden 1.2.", "äam 1.2.", "ａm 1.2.",
	"zum 1.2", "den 1. 2.", "am1.2.", "am  \t 9.9.", "", ".", "den 10.10.10.10.",
}

// checkNoYear compares noYearMatches with the expression it replaces.
func checkNoYear(t *testing.T, s string) {
	t.Helper()
	want := numericNoYRE.FindAllStringSubmatchIndex(s, -1)
	if diff := cmp.Diff(want, noYearMatches(s)); diff != "" {
		t.Fatalf("noYearMatches(%q) differs from numericNoYRE (-re +new):\n%s", s, diff)
	}
}

// TestNoYearMatchesSameAsRE compares noYearMatches with numericNoYRE on
// the seeds and the realistic messages.
func TestNoYearMatchesSameAsRE(t *testing.T) {
	for _, s := range append(noYearSeeds, refSeeds...) {
		checkNoYear(t, s)
	}
	for _, m := range refSamples(t) {
		checkNoYear(t, m.Subject)
		checkNoYear(t, m.Body())
	}
}

func FuzzNoYearMatches(f *testing.F) {
	for _, s := range noYearSeeds {
		f.Add(s)
	}
	f.Fuzz(checkNoYear)
}
