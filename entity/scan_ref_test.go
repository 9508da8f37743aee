package entity

import (
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// ibanStartRE is what lettersThenDigits looks for: the letters and
// digits every ibanRE match begins with.
var ibanStartRE = regexp.MustCompile(`(?i)[A-Z]{2}\d{2}`)

// bareOrderMayMatchRef is bareOrderMayMatch(1, s) as it was: every byte
// in turn.
func bareOrderMayMatchRef(s string) bool {
	for j := 3; j+7 < len(s); j++ {
		if s[j] == '-' && '1' <= s[j-3] && s[j-3] <= '9' && isDigit(s[j-2]) && isDigit(s[j-1]) && allDigits(s[j+1:j+8]) {
			return true
		}
	}
	return false
}

var scanSeeds = []string{
	"DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "_DE89370400440532013000", "xDE89 3704 0044", "DE89 3704 0044 0532 0130 00_",
	"GB82WEST12345698765432 und DE89 3704 0044 0532 0130 00.", "\u212aſ12 3456 7890", "aſ12 3456 7890 1234", "ſſ12 3456 7890",
	"DE89 3704 0044 0532 0130 0044 5566 7788 9900", "DE12DE12 3456 7890 1234", "ab12 cd34 ef56 gh78 ab12",
	strings.Repeat("\u212a", 40) + "DE89" + strings.Repeat(" \u212a\u212a\u212a\u212a", 9),
	"DE89" + strings.Repeat(" \u212a\u212a\u212a\u212a", 7) + " \u212a\u212a\u212a\u212ax",
	"", "DE89", "xDE89", "D1E89", "DE8x9", "aB12", "1a23", "DE 89", "100-4588213", "x100-4588213", "100-458821", "0100-4588213",
	"12-100-4588213", "100-4588213-", "a-b-100-1234567", "---100-1234567", "100-123456a", "ab1DE89", "Aſ0000000000", "\u212aſ12", "ſ12", "a\u212a12", "İS12", "a\xc5\xbf12",
}

// checkScans compares the quick scans with the loops they replace.
func checkScans(t *testing.T, s string) {
	t.Helper()
	if got, want := lettersThenDigits(s), ibanStartRE.MatchString(s); got != want {
		t.Fatalf("lettersThenDigits(%q) = %v, was %v", s, got, want)
	}
	if got, want := bareOrderMayMatch(1, s), bareOrderMayMatchRef(s); got != want {
		t.Fatalf("bareOrderMayMatch(1, %q) = %v, was %v", s, got, want)
	}
	if diff := cmp.Diff(ibanRE.FindAllStringIndex(s, -1), ibanMatches(s)); diff != "" {
		t.Fatalf("ibanMatches(%q) differs from ibanRE (-re +new):\n%s", s, diff)
	}
}

// TestScansSameAsOld compares the quick scans with the old loops on the
// seeds and the realistic messages.
func TestScansSameAsOld(t *testing.T) {
	for _, s := range append(scanSeeds, refSeeds...) {
		checkScans(t, s)
	}
	for _, m := range refSamples(t) {
		checkScans(t, m.Subject)
		checkScans(t, m.Body())
	}
}

func FuzzScans(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add(s)
	}
	f.Fuzz(checkScans)
}
