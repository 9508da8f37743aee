package nlp

import (
	"strings"
	"testing"
)

// TestFoldUmlauts: FoldUmlauts writes out ä, ö, ü and ß as the mail
// cleaner's replacer did on lower-cased text, and the upper-case letters
// as Fold does; every other byte, invalid UTF-8 included, stays.
func TestFoldUmlauts(t *testing.T) {
	lowerRef := strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss")
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"mit freundlichen grüßen", "mit freundlichen gruessen"},
		{"ä", "ae"},
		{"ÄÖÜẞ äöüß", "aeoeuess aeoeuess"},
		{"Grüße\t\xff\u0308x", "Gruesse\t\xff\u0308x"}, // a control, invalid UTF-8 and a lone diaeresis stay
		{"no umlaut at all", "no umlaut at all"},
	} {
		if got := FoldUmlauts(tt.in); got != tt.want {
			t.Errorf("FoldUmlauts(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if low := strings.ToLower(tt.in); FoldUmlauts(low) != lowerRef.Replace(low) {
			t.Errorf("FoldUmlauts(%q) = %q, the replacer %q", low, FoldUmlauts(low), lowerRef.Replace(low))
		}
	}
}

func TestUmlaut(t *testing.T) {
	want := map[rune]string{'ä': "ae", 'Ä': "ae", 'ö': "oe", 'Ö': "oe", 'ü': "ue", 'Ü': "ue", 'ß': "ss", 'ẞ': "ss"}
	for r, w := range want {
		if u, ok := Umlaut(r); !ok || u != w {
			t.Errorf("Umlaut(%q) = %q, %v, want %q, true", r, u, ok, w)
		}
	}
	for _, r := range "aouAOUsSéÉ\u0308" {
		if u, ok := Umlaut(r); ok {
			t.Errorf("Umlaut(%q) = %q, true, want false", r, u)
		}
	}
}
