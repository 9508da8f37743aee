package ingest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// diffSimpleMailbox fails t when simpleMailbox reads s otherwise than
// parseAddressListMail (net/mail) does. It reports whether simpleMailbox
// read s.
func diffSimpleMailbox(t *testing.T, s string) bool {
	t.Helper()
	a, ok := simpleMailbox(s)
	if !ok {
		return false
	}
	want, err := parseAddressListMail(s)
	if err != nil || !cmp.Equal([]Address{a}, want) {
		t.Fatalf("simpleMailbox(%q) = %+v, net/mail %+v, %v", s, a, want, err)
	}
	return true
}

func TestSimpleMailboxSameAsNetMail(t *testing.T) {
	values := []string{
		"a@b", "<a@b>", "Max <a@b>", "Max Mustermann <max.mustermann@kunde.example>", "Jean-Luc Picard <jl+x_y@a-b.example>",
		"max@kunde.example", "Max  Mustermann <a@b>", "Max<a@b>", " Max <a@b>", "Max <a@b> ", "Max <a@b>, Eva <e@b>",
		"<a@b", "a@b>", "Max <>", "Max <a>", "Max <@b>", "Max <a@>", "Max <.a@b>", "Max <a.@b>", "Max <a..b@c>",
		"Max <a@b..c>", "Max <a@.b>", "Max <a@b.>", "Max <a@b@c>", "-Max- <a@b>", "Max - <a@b>", "Max. <a@b>",
		"M\u00e4x <a@b>", "=?utf-8?q?M=C3=A4x?= <a@b>", "\"Max\" <a@b>", "Max (x) <a@b>", "Kunden: a@b;", "a@b (Max)",
		"Max <a@b-c.d-e>", "Max <a@-b>", "Max <a@b->", "Max <a-@b>", "Max <_a+b_@c>", "0 <0@0>", "- <-@->",
		"Emma M\u00fcller <emma.mueller@kunde.example>", "Thomas Y\u0131lmaz <t@k.example>", "\u00c4 <a@b>",
		"M\u00c3\u00bcller <a@b>", "Max\u00a0M <a@b>", "Max \u3000 <a@b>", "A\ufffdB <a@b>", "M\xfcller <a@b>",
		"Max\u2028 <a@b>", "\u0085 <a@b>", "\u00e4-\u00f6 <a@b>", "Max \u00e4 <a@b>",
	}
	n := 0
	for _, v := range values {
		if diffSimpleMailbox(t, v) {
			n++
		}
	}
	for _, raw := range diffInputs(t) {
		for _, line := range strings.Split(string(raw), "\n") {
			if name, v, ok := strings.Cut(line, ":"); ok && len(name) < 40 {
				if diffSimpleMailbox(t, strings.TrimSpace(v)) {
					n++
				}
			}
		}
	}
	t.Logf("%d values read by simpleMailbox", n)
	if n == 0 {
		t.Fatal("simpleMailbox read none of the values")
	}
}

// FuzzSimpleMailboxSameAsNetMail checks simpleMailbox against net/mail
// on arbitrary values.
func FuzzSimpleMailboxSameAsNetMail(f *testing.F) {
	for _, s := range []string{"Max Mustermann <max.mustermann@kunde.example>", "a@b", "<a.b@c-d.e>", "Jean-Luc <jl+x@y>", "Emma M\u00fcller <e@k>", "M\u00c3\u00bcller <a@b>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		diffSimpleMailbox(t, s)
	})
}
