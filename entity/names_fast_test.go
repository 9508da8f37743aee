package entity

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/antwort-dev/antwort/internal/nlp"
	"github.com/antwort-dev/antwort/internal/testmail"
)

// fromSeeds are From values of every shape: the plain form splitFrom
// splits itself and those it leaves to net/mail.
var fromSeeds = []string{
	"Petra Schulz <petra.schulz@web.de>", "Petra Yılmaz <petra.yilmaz400@kunde.example>", "Dr. Petra Schulz <p@x.de>",
	`"Schulz, Petra" <p@x.de>`, "Schulz, Petra <p@x.de>", "Petra  Schulz <p@x.de>", "Petra\tSchulz <p@x.de>",
	"Petra Schulz\t <p@x.de>", "Petra Schulz<p@x.de>", "<p@x.de>", "p@x.de", "Petra Schulz", "=?utf-8?q?J=C3=BCrgen?= <j@x.de>",
	"Petra =Schulz <p@x.de>", "Petra Schulz <.p@x.de>", "Petra Schulz <p..q@x.de>", "Petra Schulz <p@x.de.>", "Petra Schulz <p@[1.2.3.4]>",
	"Petra Schulz <p@x.de> ", "Petra Schulz <p@x.de> (home)", "Petra (Privat) Schulz <p@x.de>", "Petra Schulz <p@x@y.de>",
	"Petra \xffSchulz <p@x.de>", "Petra\u00a0Schulz <p@x.de>", ". <p@x.de>", "a.b <p@x.de>", "info <info@x.de>", "Petra Schulz <>",
	"Petra Schulz <@x.de>", "Petra Schulz <p@>", "\"\" <p@x.de>", "Petra Schulz <p@x.de>>", "Petra <Schulz <p@x.de>",
}

// TestSplitFromSameAsOld: splitFrom agrees with splitFromRef, which asks
// net/mail first, on the seeds and the test mails' From values.
func TestSplitFromSameAsOld(t *testing.T) {
	for _, from := range fromSeeds {
		checkSplitFrom(t, from)
	}
	for _, s := range refSamples(t) {
		checkSplitFrom(t, s.From)
	}
}

func checkSplitFrom(t *testing.T, from string) {
	t.Helper()
	wantD, wantA := splitFromRef(from)
	gotD, gotA := splitFrom(from)
	if gotD != wantD || gotA != wantA {
		t.Errorf("splitFrom(%q) = %q, %q; net/mail first gives %q, %q", from, gotD, gotA, wantD, wantA)
	}
}

func FuzzSplitFrom(f *testing.F) {
	for _, s := range fromSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, from string) {
		checkSplitFrom(t, from)
	})
}

// signOffSeeds are lines with and without a sign-off at their start.
var signOffSeeds = []string{
	"Mit freundlichen Grüßen", "Mit freundlichen Grüßen Petra Schulz", "Mit der Bitte um Antwort", "MfG, Petra",
	"Viele Grüße aus Berlin", "LG Petra", "Best regards / Mit freundlichen Grüßen", "Thanks, Tom", "Danke!", "-- ",
	"mfg --", "mfg,x", "Gruß und Dank", "Grüße\x01aus Kiel", "\x01mfg", "mfg\u0308 x", "Take care,", "all the best!",
	"Bitte rufen Sie mich an.", "Mit\u00a0freundlichen Grüßen", "Liebe\u3000Grüße", "Vielen Dank im Voraus und viele Grüße Petra",
}

// TestSignOffPrefixSameAsOld: signOffPrefix agrees with signOffPrefixRef,
// which folds and tries every phrase length, on the seeds and every line
// of the test mails.
func TestSignOffPrefixSameAsOld(t *testing.T) {
	for _, s := range signOffSeeds {
		checkSignOffPrefix(t, s)
	}
	for _, s := range refSamples(t) {
		for _, l := range splitLines(s.Body()) {
			checkSignOffPrefix(t, l)
		}
	}
}

func checkSignOffPrefix(t *testing.T, line string) {
	t.Helper()
	wantN, wantRest := signOffPrefixRef(line)
	gotN, gotRest := signOffPrefix(line)
	if gotN != wantN || gotRest != wantRest {
		t.Errorf("signOffPrefix(%q) = %d, %q; want %d, %q", line, gotN, gotRest, wantN, wantRest)
	}
}

func FuzzSignOffPrefix(f *testing.F) {
	for _, s := range signOffSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		checkSignOffPrefix(t, line)
	})
}

// FuzzNameFromSignature compares the whole signature search with the
// reference on texts ending in a sign-off.
func FuzzNameFromSignature(f *testing.F) {
	for _, s := range signOffSeeds {
		f.Add("Hallo,\nbitte helfen Sie mir.\n\n" + s + "\nPetra Schulz")
	}
	f.Fuzz(func(t *testing.T, text string) {
		want, wantOK := nameFromSignatureRef(text)
		got, gotOK := nameFromSignature(text)
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(personName{})); diff != "" || gotOK != wantOK {
			t.Errorf("nameFromSignature(%q) = %v (-ref +new):\n%s", text, gotOK, diff)
		}
	})
}

// refSamples are the repository's messages and, when generated, the
// batch benchmark's mails.
func refSamples(t *testing.T) []testmail.Message {
	repo, bench := testmail.Load(t, "..")
	return append(append([]testmail.Message{}, repo...), bench...)
}

// splitLines returns the lines of s as nameFromSignature reads them.
func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		out = append(out, strings.TrimSpace(l))
	}
	return out
}

// nameSeeds are names and near-names of every shape parsePersonName reads.
var nameSeeds = []string{
	"Petra Schulz", "Schulz, Petra", "Schulz, Dr. Petra", "Frau Dr. Petra Schulz", "i. A. Petra Schulz", "I.A. Petra Schulz",
	"Prof. Dr. med. Hans-Peter Müller-Lüdenscheidt", "Dr.-Ing. Max Mustermann MBA", "Familie Schulz", "Fam. Meier",
	"SCHULZ", "PETRA SCHULZ", "Petra von der Heide", "Petra von", "Nordlicht GmbH", "Kundenservice", "Petra Schulz | Nordlicht",
	"Petra (privat) Schulz", "Mr. John Smith Jr.", "Ms Jane Doe PhD", "Dipl.-Ing. Karl Meyer", "Petra\tSchulz", "Petra\u00a0Schulz",
	"ÄRGER", "Petra\x01Schulz", "Ihre Petra", "“Petra Schulz”", "Sophie Schmidt", "Petra Yılmaz", "Ⅻ Schulz", "Petra İnce",
	"Team, Petra", "A B C D E F", "Dr.", "i.", "i. a.", "O'Brien", "Petra Schulz!",
}

// TestParsePersonNameSameAsOld compares parsePersonName with the old one
// on the seeds, the From display names and every line of the test mails.
func TestParsePersonNameSameAsOld(t *testing.T) {
	in := append([]string{}, nameSeeds...)
	for _, s := range refSamples(t) {
		d, _ := splitFrom(s.From)
		in = append(in, d)
		in = append(in, splitLines(s.Body())...)
	}
	for _, s := range in {
		checkParsePersonName(t, s)
	}
}

func checkParsePersonName(t *testing.T, s string) {
	t.Helper()
	want, wantOK := parsePersonNameRef(s)
	got, gotOK := parsePersonName(s)
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(personName{})); diff != "" || gotOK != wantOK {
		t.Errorf("parsePersonName(%q) = %v, was %v (-old +new):\n%s", s, gotOK, wantOK, diff)
	}
}

func FuzzParsePersonName(f *testing.F) {
	for _, s := range nameSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkParsePersonName(t, s)
		if got, want := appendFields(nil, s), strings.Fields(s); !slices.Equal(got, want) {
			t.Errorf("appendFields(%q) = %q, strings.Fields gives %q", s, got, want)
		}
		var buf [32]byte
		if got, want := string(foldBytes(&buf, s)), nlp.Fold(s); got != want {
			t.Errorf("foldBytes(%q) = %q, nlp.Fold gives %q", s, got, want)
		}
	})
}

// TestParsePersonNameAllocs: reading a plain ASCII name allocates nothing.
func TestParsePersonNameAllocs(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { parsePersonName("Frau Dr. Petra Schulz") }); n > 0 {
		t.Errorf("parsePersonName allocates %v times", n)
	}
}
