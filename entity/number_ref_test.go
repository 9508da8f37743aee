package entity

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// keywordStartsRef is keywordStarts as it was: every byte of s is tried.
func keywordStartsRef(s string) (has [numKinds]bool, starts [numKinds][]int) {
	for i := 0; i < len(s); i++ {
		for _, ks := range stemFirst[s[i]] {
			n, folded := stemAt(s, i, ks.stem)
			if n == 0 {
				continue
			}
			has[ks.kind] = has[ks.kind] || !folded
			if wordBoundary(s, i) {
				if st := starts[ks.kind]; len(st) == 0 || st[len(st)-1] != i {
					starts[ks.kind] = append(st, i)
				}
			}
		}
	}
	return has, starts
}

func checkKeywordStarts(t *testing.T, s string) {
	t.Helper()
	wantHas, wantStarts := keywordStartsRef(s)
	has, starts := keywordStarts(s)
	if diff := cmp.Diff(wantStarts, starts, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("keywordStarts(%q) starts (-old +new):\n%s", s, diff)
	}
	for k := range numKinds {
		if len(starts[k]) > 0 && has[k] != wantHas[k] {
			t.Errorf("keywordStarts(%q): has[%s] = %v, was %v", s, kindName(k), has[k], wantHas[k])
		}
	}
}

// TestKeywordStartsSameAsOld compares keywordStarts with the old one,
// which tried every byte, on the seeds and the test mails.
func TestKeywordStartsSameAsOld(t *testing.T) {
	for _, s := range refSeeds {
		checkKeywordStarts(t, s)
	}
	for _, m := range refSamples(t) {
		checkKeywordStarts(t, m.Subject)
		checkKeywordStarts(t, m.Body())
	}
}

func FuzzKeywordStartsSameAsOld(f *testing.F) {
	for _, s := range refSeeds {
		f.Add(s)
	}
	f.Add("ſbestellung \u212aunde x\u212aundennummer 12345 _order")
	f.Fuzz(func(t *testing.T, s string) {
		checkKeywordStarts(t, s)
	})
}

// bareSeeds are texts with and near bare order numbers.
var bareSeeds = []string{
	"#A-77412", "x#A-77412", "##12345", "#123456_", "#12345-", "(#12345)", "#ab-1234x", "100-4588213", "100-4588213-1234567",
	"a100-4588213", "-100-4588213", "100-4588213_", "302-4588213-1234567? #B-99812 und #123456", "#1234", "_#12345",
}

// TestBareOrderNumbersSameAsOld compares bareOrderNumbers with
// findNumbers over the whole text on the seeds and the test mails.
func TestBareOrderNumbersSameAsOld(t *testing.T) {
	in := append(append([]string{}, bareSeeds...), refSeeds...)
	for _, m := range refSamples(t) {
		in = append(in, m.Subject, m.Body())
	}
	for _, s := range in {
		checkBareOrderNumbers(t, s)
	}
}

func checkBareOrderNumbers(t *testing.T, s string) {
	t.Helper()
	for i, re := range bareOrderRE {
		if diff := cmp.Diff(findNumbers(re, s, 4), bareOrderNumbers(i, s), cmp.AllowUnexported(numberHit{}, span{}), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("bareOrderNumbers(%d, %q) (-whole text +runs):\n%s", i, s, diff)
		}
	}
}

func FuzzBareOrderNumbers(f *testing.F) {
	for _, s := range bareSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkBareOrderNumbers(t, s)
	})
}
