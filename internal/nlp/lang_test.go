package nlp

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

func TestIdentify(t *testing.T) {
	tests := []struct{ in, want string }{
		// short texts
		{"Danke!", German},
		{"Passwort vergessen", German},
		{"Rückerstattung", German},
		{"ok thx", English},
		{"Thanks!", English},
		{"Gracias", Spanish},
		{"Merci beaucoup", French},
		{"Grazie mille", Italian},
		{"Obrigado", Portuguese},
		{"Bedankt", Dutch},
		{"Dziękuję", Polish},
		{"Teşekkürler", Turkish},
		{"Tack så mycket", Swedish},
		{"Tusind tak", Danish},
		{"ok", Undetermined},
		{"4711", Undetermined},
		{"", Undetermined},
		{"Café", Undetermined}, // é alone is Spanish, French, Portuguese or Italian
		// German with English words, English with German words
		{"Hi, ich will die Sneaker returnen, sind zu groß. Geht der Refund auf PayPal oder gibts nur Store Credit?", German},
		{"Hallo, das Pairing mit der App funktioniert nicht, Firmware ist aktuell.", German},
		{"Hello, I live in Germany and my Kundennummer is 40-771204. How do I change my Lastschrift details?", English},
		// umlauts are German, Swedish and Turkish
		{"Är ryggsäcken vattentät?", Swedish},
		{"Dünden beri uygulama sadece hata mesajı gösteriyor.", Turkish},
		{"Grüße", German},
		// never forced into German or English
		{"Hola, mi pedido todavía no ha llegado.", Spanish},
		{"Ik heb mijn bestelling nog niet ontvangen.", Dutch},
		{"Bonjour, je n'ai pas reçu ma commande.", French},
	}
	for _, tt := range tests {
		if got := Identify(tt.in); got != tt.want {
			t.Errorf("Identify(%q) = %q, want %q", tt.in, got, tt.want)
		}
		want := tt.want
		if want != German && want != English {
			want = Undetermined
		}
		if got := Detect(tt.in); got != want {
			t.Errorf("Detect(%q) = %q, want %q", tt.in, got, want)
		}
	}
}

// TestDetectOtherLanguages: languages Identify does not know are never
// taken for German or English.
func TestDetectOtherLanguages(t *testing.T) {
	for _, s := range []string{
		"Hei, bestillingen min har fortsatt ikke kommet. Kan dere hjelpe meg?",   // Norwegian
		"Hei, tilaukseni ei ole vieläkään saapunut. Voitteko auttaa?",            // Finnish
		"Dobrý den, moje objednávka stále nedorazila. Můžete mi pomoci?",         // Czech
		"Jó napot, a rendelésem még mindig nem érkezett meg. Tudnának segíteni?", // Hungarian
		"Bună ziua, comanda mea încă nu a sosit. Mă puteți ajuta?",               // Romanian
		"Pozdrav, moja narudžba još nije stigla. Možete li pomoći?",              // Croatian
		"Здравствуйте, мой заказ до сих пор не пришёл. Можете помочь?",           // Russian
		"Γεια σας, η παραγγελία μου δεν έχει φτάσει ακόμα.",                      // Greek
		"こんにちは、注文した商品がまだ届いていません。",                                                // Japanese
	} {
		if got := Detect(s); got != Undetermined {
			t.Errorf("Detect(%q) = %q, want und", s, got)
		}
	}
}

// langCase is one line of a language test set.
type langCase struct{ want, text string }

// readLangCases reads a test set: an ISO 639-1 code or "und", a tab, the
// text ("\n" for a line break); lines starting with "#" are comments.
func readLangCases(t testing.TB, name string) []langCase {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []langCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		want, text, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("%s line %d: no tab between language and text", name, n)
		}
		cases = append(cases, langCase{want, strings.ReplaceAll(text, `\n`, "\n")})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cases
}

// TestIdentifyTestSets runs the customer-service test sets in eleven
// languages: testdata/lang.tsv, against which the word lists were
// written, and testdata/lang_holdout.tsv, written afterwards. No text may
// come out as another language than its own; only "und" is allowed as a
// miss, and only in few texts.
func TestIdentifyTestSets(t *testing.T) {
	for _, set := range []struct {
		file   string
		minAcc float64
	}{
		{"testdata/lang.tsv", 0.98},
		{"testdata/lang_holdout.tsv", 0.9},
	} {
		cases := readLangCases(t, set.file)
		ok := 0
		for _, c := range cases {
			switch got := Identify(c.text); got {
			case c.want:
				ok++
			case Undetermined:
				t.Logf("%s: Identify(%q) = und, want %s", set.file, c.text, c.want)
			default:
				t.Errorf("%s: Identify(%q) = %s, want %s", set.file, c.text, got, c.want)
			}
		}
		acc := float64(ok) / float64(len(cases))
		t.Logf("%s: %d of %d right (%.1f %%)", set.file, ok, len(cases), 100*acc)
		if acc < set.minAcc {
			t.Errorf("%s: %d of %d right (%.3f), want at least %.2f", set.file, ok, len(cases), acc, set.minAcc)
		}
	}
}

// BenchmarkIdentify is DetectTokens per text over both test sets, on
// tokens prepared beforehand as the classifier prepares them.
func BenchmarkIdentify(b *testing.B) {
	var toks [][]string
	var umlauts []int
	for _, f := range []string{"testdata/lang.tsv", "testdata/lang_holdout.tsv"} {
		for _, c := range readLangCases(b, f) {
			toks = append(toks, Tokenize(Fold(c.text)))
			umlauts = append(umlauts, CountUmlauts(c.text))
		}
	}
	n := 0
	for b.Loop() {
		for i := range toks {
			DetectTokens(toks[i], umlauts[i])
		}
		n += len(toks)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/text")
}
