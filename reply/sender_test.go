package reply

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/antwort-dev/antwort/internal/nlp"
	"github.com/antwort-dev/antwort/internal/testmail"
)

// senderForms are From values of every form, plain and not.
var senderForms = []string{
	"", " ", "a@b", "petra@example.de", " Petra@Example.DE ", "<petra@example.de>", "< petra@example.de>",
	"Petra Schulz <petra@example.de>", "Petra  Schulz\t<petra@example.de>", "Petra Schulz<petra@example.de>",
	"Jürgen Müller <j.mueller@kunde.example>", "Petra Yılmaz <petra.yilmaz400@kunde.example>",
	`"Hoffmann, Brigitte" <b@x.example>`, `"Hoffmann \"Gitte\" B." <b@x.example>`, `"a\\b" <b@x.example>`,
	`"" <b@x.example>`, `"unclosed <b@x.example>`, `"a" "b" <b@x.example>`, `"a"b <b@x.example>`, `"x"@y.example`,
	`"ü\é" <b@x.example>`, "\"tab\there\" <b@x.example>", "\"ctl\x01\" <b@x.example>", "\"bad\xff\" <b@x.example>",
	"=?utf-8?q?J=C3=BCrgen?= <j@x.example>", "=?x-unknown?q?abc?= <j@x.example>", "a=?b <j@x.example>",
	"Name (comment) <a@b.example>", "a@b.example (Name)", "Kunden: a@x.example;", "Kunden: a@x.example, b@x.example;",
	"a@x.example, b@x.example", "a@x.example b@x.example", "<a@x.example> junk", "a@@x.example", "a.@x.example",
	".a@x.example", "a..b@x.example", "a@x..example", "a@.x", "a@x.", "a@[127.0.0.1]", "<a@[127.0.0.1]>", "a@ x.example",
	"@kunde123", "@kunde.123-x_y", "@", "@ab cd", "@Kündin", "Bad\xffName <a@x.example>", "a\xff@x.example",
	"Ünïcödé@x.example", "a@ëxample.de", "Name <a@x.example", "Name a@x.example>", "<>", "Name <>", "Name <@>",
	"<<a@x.example>>", "Name <a@x.example> <b@x.example>", "<a@x.example>;", "a@x.example;", "'a'@x.example",
	"x!#$%&'*+-/=?^_`{|}~@y.example", "Name. Dot. <a@x.example>", ".Name <a@x.example>", "Name: <a@x.example>",
	"Name\u00a0Space <a@x.example>", "\u00a0a@x.example\u00a0", "Name\u2028 <a@x.example>", "N\\ame <a@x.example>",
}

// TestSenderAddressSameAsNetMail: the plain forms read by hand give the
// address net/mail gives, and every other From value still goes to it.
func TestSenderAddressSameAsNetMail(t *testing.T) {
	from := append([]string(nil), senderForms...)
	for _, m := range testmail.Generated(t) {
		from = append(from, m.From)
	}
	for _, f := range from {
		if got, want := senderAddress(f), oldSenderAddress(f); got != want {
			t.Errorf("senderAddress(%q) = %q, want %q", f, got, want)
		}
	}
}

// TestPlainMailboxReadsCommonForms: the forms mail comes with take the
// path without net/mail.
func TestPlainMailboxReadsCommonForms(t *testing.T) {
	forms := []string{"petra@example.de", "<petra@example.de>", "Petra Schulz <petra@example.de>",
		"Jürgen Müller <j.mueller@kunde.example>", `"Hoffmann, Brigitte" <b@x.example>`}
	for _, m := range testmail.Generated(t) {
		forms = append(forms, strings.TrimSpace(m.From))
	}
	for _, f := range forms {
		if _, ok := plainMailbox(f); !ok {
			t.Errorf("plainMailbox(%q) leaves it to net/mail", f)
		}
	}
}

func FuzzSenderAddress(f *testing.F) {
	for _, s := range senderForms {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, from string) {
		if got, want := senderAddress(from), oldSenderAddress(from); got != want {
			t.Fatalf("senderAddress(%q) = %q, want %q (net/mail)", from, got, want)
		}
	})
}

var noReplyForms = []string{
	"noreply@x", "no-reply@x", "NoReply@x", "do-not-reply@x", "donotreply@x", "do-notreply@x", "donot-reply@x",
	"mailer-daemon@x", "MAILER-DAEMON@x", "postmaster@x", "postmaſter@x", "POSTMAſTER@x", "bounce@x", "bounces@x",
	"bounceſ@x", "notification@x", "notifications@x", "notifications+abc@x", "noreply.x.y@z", "noreply-x@z", "noreply_x@z",
	"noreply+x\n@z", "noreply+\n", "noreply+", "noreply", "noreplyx@x", "nnoreply@x", " noreply@x", "no--reply@x",
	"bouncess@x", "noreply+@", "noreply@", "noreply.@@", "noreply+\xff@x", "no\xffreply@x", "petra@example.de",
	"ｎoreply@x", "noreplY@x", "\u212a@x", "",
}

// TestMatchNoReplySameAsRegexp: the default no-reply pattern matched by
// hand matches what the regexp matches.
func TestMatchNoReplySameAsRegexp(t *testing.T) {
	re := regexp.MustCompile(defaultNoReply)
	for _, s := range noReplyForms {
		if got, want := matchNoReply(s), re.MatchString(s); got != want {
			t.Errorf("matchNoReply(%q) = %v, the regexp says %v", s, got, want)
		}
	}
	// Every character of the names matches what case-folds to it, as
	// (?i) does, and nothing else.
	chars := map[byte]bool{}
	for _, name := range noReplyNames {
		for i := 0; i < len(name); i++ {
			chars[name[i]] = true
		}
	}
	for p := range chars {
		orbit := []rune{rune(p)}
		for r := unicode.SimpleFold(rune(p)); r != rune(p); r = unicode.SimpleFold(r) {
			orbit = append(orbit, r)
		}
		for r := rune(0); r <= unicode.MaxRune; r++ {
			if want := slices.Contains(orbit, r); foldsTo(r, p) != want {
				t.Fatalf("foldsTo(%q, %q) = %v, case folding says %v", r, p, !want, want)
			}
		}
	}
}

func FuzzMatchNoReply(f *testing.F) {
	for _, s := range noReplyForms {
		f.Add(s)
	}
	re := regexp.MustCompile(defaultNoReply)
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := matchNoReply(s), re.MatchString(s); got != want {
			t.Fatalf("matchNoReply(%q) = %v, the regexp says %v", s, got, want)
		}
	})
}

// TestWordSetSameAsContainsWord: one pass finds the words containsWord
// finds one by one in the folded text, and in ASCII text read as folded
// without folding it.
func TestWordSetSameAsContainsWord(t *testing.T) {
	words := DefaultPolicy().escape
	words = append(words, "-x", "x-", "é", "ab ab", "a")
	set := newWordSet(words)
	texts := []string{"", "a", "ein Anwalt.", "ANWALTS", "Rechtsanwalt", "-x", "a-x", "x-y", "x- ", "é", "aé", " é ",
		"ab\tab ab", "abab ab", "Legal Action", "legal actions", "SUE\nYOU!", "a\xffanwalt", "identity theft", "Betrug",
		"Verbraucherzentrale: Klage vor Gericht, Abmahnung", "Anwältin", "klage\u0301", "anwalt<\u0338", "x\x00anwalt\x7f"}
	for _, m := range testmail.Generated(t) {
		texts = append(texts, m.Full())
	}
	for _, text := range texts {
		checkWordSet(t, set, text)
	}
}

// checkWordSet fails when set finds other words in text than
// containsWord in its folded form.
func checkWordSet(t *testing.T, set *wordSet, text string) {
	t.Helper()
	folded := nlp.Fold(text)
	found := set.find(folded, &sameByte)
	for i, w := range set.words {
		if got, want := found&(1<<i) != 0, oldContainsWord(folded, w); got != want {
			t.Fatalf("in %q, found %q = %v, containsWord says %v", folded, w, got, want)
		}
	}
	ascii := !strings.ContainsFunc(text, func(r rune) bool { return r >= utf8.RuneSelf })
	if isASCII(text) != ascii {
		t.Fatalf("isASCII(%q) = %v", text, !ascii)
	}
	if ascii {
		if got := set.find(text, &asciiFold); got != found {
			t.Fatalf("in ASCII %q, found %b, in its folded form %b", text, got, found)
		}
	}
}

func FuzzWordSet(f *testing.F) {
	f.Add("Ein Anwalt, ein Gericht", "anwalt", "-a", "é")
	f.Add("x-Y", "x-", "y", "a b")
	f.Fuzz(func(t *testing.T, text, w1, w2, w3 string) {
		set := newWordSet([]string{nlp.Fold(w1), nlp.Fold(w2), nlp.Fold(w3)})
		if set == nil {
			return // an empty word: containsWord finds it
		}
		checkWordSet(t, set, text)
	})
}
