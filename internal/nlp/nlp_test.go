package nlp

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Rückerstattung", "rueckerstattung"},
		{"STRASSE Straße", "strasse strasse"},
		{"Ärger\tÖl", "aerger oel"},
		{"e\u0301", "é"}, // NFC composes
		{"A\x00B", "a b"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTokenize(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Wo bleibt meine Bestellung 4711-2231?", []string{"wo", "bleibt", "meine", "bestellung", TokID, "?"}},
		{"order #A-77412 still not here!!!", []string{"order", TokID, "still", "not", "here", "!!"}},
		{"am 03.03.2026 um 10:15", []string{"am", TokDate, "um", TokNum}},
		{"bitte an max@example.de oder https://x.de/a?b=1", []string{"bitte", "an", TokEmail, "oder", TokURL}},
		{"49,99 € zu viel, 3rd time", []string{TokNum, "€", "zu", "viel", TokNum, "time"}},
		{"E-Mail-Adresse geändert 😡", []string{"e", "mail", "adresse", "geaendert", "😡"}},
		{"don't", []string{"don", "t"}},
		{"", nil},
		{"   \n\t ", nil},
		{"IBAN DE89 3704 0044 0532 0130 00", []string{"iban", TokNum, TokNum, TokNum, TokNum, TokNum, TokNum}},
		{"Kundennummer: 100045882.", []string{"kundennummer", TokID}},
	}
	for _, tt := range tests {
		got := Tokenize(Fold(tt.in))
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Tokenize(Fold(%q)) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestDetect(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Wo bleibt meine Bestellung?", German},
		{"Where is my order?", English},
		{"Ich möchte meinen Vertrag kündigen", German},
		{"I forgot my password and can't log in", English},
		{"Sehr geehrte Damen und Herren, leider ist das Paket nicht angekommen.", German},
		{"4711", Undetermined},
		{"", Undetermined},
		{"Rückerstattung", German},
	}
	for _, tt := range tests {
		if got := Detect(tt.in); got != tt.want {
			t.Errorf("Detect(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStem(t *testing.T) {
	tests := []struct{ lang, in, want string }{
		{English, "refunds", "refund"},
		{English, "delivered", "deliv"},
		{German, "bestellungen", "bestell"},
		{German, "rechnungen", "rechnung"},
		{Undetermined, "bestellungen", "bestellungen"},
		{German, TokID, TokID},
	}
	for _, tt := range tests {
		if got := Stem(tt.lang, tt.in); got != tt.want {
			t.Errorf("Stem(%q, %q) = %q, want %q", tt.lang, tt.in, got, tt.want)
		}
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"Wo bleibt 4711?", "a@b.c", "03.03.2026", "\xff\xfe", "😡!!!", "-.-.-", "www.", strings.Repeat("a-", 50)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		folded := Fold(s)
		if !utf8.ValidString(folded) {
			t.Fatalf("Fold(%q) = %q is not valid UTF-8", s, folded)
		}
		for _, tok := range Tokenize(folded) {
			if tok == "" {
				t.Fatalf("Tokenize(%q) produced an empty token", folded)
			}
			if strings.ContainsAny(tok, " \t\n") {
				t.Fatalf("Tokenize(%q) produced token %q with space", folded, tok)
			}
		}
		_ = Detect(s)
	})
}

func BenchmarkTokenize(b *testing.B) {
	s := "Sehr geehrte Damen und Herren, meine Bestellung 4711-2231 vom 03.03.2026 ist leider immer noch nicht angekommen. Können Sie bitte nachsehen? Mit freundlichen Grüßen, Petra Schulz"
	var buf []string
	for b.Loop() {
		buf = AppendTokens(buf[:0], Fold(s))
	}
}

func TestPersons(t *testing.T) {
	if testing.Short() {
		t.Skip("loads prose's model (0.35 s)")
	}
	n := NewNames()
	tests := []struct {
		text string
		want []string
	}{
		{"My name is John Smith and my order 4711 has not arrived yet.", []string{"John Smith"}},
		{"Mein Name ist Hans Müller, die Bestellung fehlt.", nil}, // German: not used
	}
	for _, tt := range tests {
		got, err := n.Persons(tt.text)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Persons(%q) mismatch (-want +got):\n%s", tt.text, diff)
		}
	}
}
