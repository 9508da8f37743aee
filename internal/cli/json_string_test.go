package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// checkJSONString fails when appendJSONStringHTML and encoding/json
// disagree on s, with and without HTML escaping.
func checkJSONString(t *testing.T, s string) {
	t.Helper()
	for _, html := range []bool{true, false} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(html)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := appendJSONStringHTML(nil, s, html); string(got)+"\n" != want.String() {
			t.Fatalf("appendJSONStringHTML(%q, html %v) = %s, encoding/json %s", s, html, got, want.Bytes())
		}
	}
}

// TestAppendJSONStringSameAsEncodingJSON puts every byte, and sequences
// beyond ASCII, at every place of the 8-byte blocks the encoder checks
// at once.
func TestAppendJSONStringSameAsEncodingJSON(t *testing.T) {
	fill := strings.Repeat("abcdefgh", 3)
	var pieces []string
	for c := range 256 {
		pieces = append(pieces, string([]byte{byte(c)}))
	}
	pieces = append(pieces, "ü", "€", "\u2028", "\u2029", "\u2027", "\u202a", "😒", "\xc2", "\xc3\x28", "\xe2\x80", "\xe2\x80\xa8",
		"\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf", "\xc1\xbf", "\xdf\xbf", "\xef\xbf\xbd", "<&>", "\"\\")
	for _, p := range pieces {
		for at := 0; at <= 17; at++ {
			checkJSONString(t, fill[:at]+p+fill[at:])
			checkJSONString(t, fill[:at]+p)
		}
	}
	checkJSONString(t, "")
	checkJSONString(t, "Sehr geehrte Frau Müller, <b>A & B</b> \"x\" \\ \t\n\x01 \xff \u2028 € 😒 "+fill)
}

func FuzzAppendJSONStringSameAsEncodingJSON(f *testing.F) {
	f.Add("Grüße <b>A & B</b> \"x\" \\ \t\n\x01 \xff \u2028 €")
	f.Add("abcdefghijklmnop\xc3")
	f.Fuzz(func(t *testing.T, s string) { checkJSONString(t, s) })
}
