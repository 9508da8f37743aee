package nlp

import (
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSentences(t *testing.T) {
	for _, c := range []struct {
		name, lang, text string
		want             []string
	}{
		{"german abbreviations and ordinals", "de",
			"Hallo Frau Schmidt,\nich habe am 3. Mai bestellt, z. B. die Bestell-Nr. 4711 bzw. 4712. Leider kam nichts an! Können Sie nachsehen?",
			[]string{"Hallo Frau Schmidt,", "ich habe am 3. Mai bestellt, z. B. die Bestell-Nr. 4711 bzw. 4712.", "Leider kam nichts an!", "Können Sie nachsehen?"}},
		{"wrapped lines join", "de",
			"Danke, das mit dem Passwort hat geklappt. Jetzt stimmt aber meine\nRechnung nicht: Es wurden 49,99 EUR statt 39,99 EUR abgebucht.\n\nViele Grüße\nAnna",
			[]string{"Danke, das mit dem Passwort hat geklappt.", "Jetzt stimmt aber meine Rechnung nicht: Es wurden 49,99 EUR statt 39,99 EUR abgebucht.", "Viele Grüße Anna"}},
		{"english with punkt", "en",
			"Hi Tom,\nthanks, the parcel arrived yesterday! Now invoice no. 4711 shows the wrong amount, e.g. 49.99 EUR instead of 39.99 EUR. Could you fix it?",
			[]string{"Hi Tom,", "thanks, the parcel arrived yesterday!", "Now invoice no. 4711 shows the wrong amount, e.g. 49.99 EUR instead of 39.99 EUR.", "Could you fix it?"}},
		{"list items", "de",
			"Bitte ändern Sie:\n- meine Adresse\n- meine Bankverbindung",
			[]string{"Bitte ändern Sie:", "- meine Adresse", "- meine Bankverbindung"}},
		{"lower case after dot is no boundary", "de", "Das kostet 3 Eur. und mehr", []string{"Das kostet 3 Eur. und mehr"}},
		{"empty", "de", " \n\n ", nil},
	} {
		if diff := cmp.Diff(c.want, Sentences(c.text, c.lang)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}
}

// TestSentencesConcurrent shares the one English tokenizer between
// goroutines (run with -race).
func TestSentencesConcurrent(t *testing.T) {
	text := "Thanks, that worked. Now my invoice is wrong. Can you help?"
	want := Sentences(text, English)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if got := Sentences(text, English); !cmp.Equal(got, want) {
					t.Errorf("got %q, want %q", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestCourtesy(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{
		{"Danke, das hat geklappt!", true},
		{"Vielen Dank für die schnelle Hilfe.", true},
		{"Thanks so much, that worked!", true},
		{"Viele Grüße Anna", true},
		{"Hallo Frau Schmidt,", true},
		{"Hi Tom,", true},
		{"Kind regards, Tom Baker", false}, // two names: not sure
		{"Jetzt stimmt aber meine Rechnung nicht.", false},
		{"Danke, aber mein Paket ist immer noch nicht da.", false},
		{"Danke, das mit dem Passwort hat geklappt!", true},
		{"Thanks, the replacement router works fine now.", true},
		{"Das mit dem Passwort hat leider nicht geklappt.", false},
		{"Hat das mit der Rücksendung geklappt?", false},
		{"Can you change my address?", false},
		{"", false},
	} {
		if got := Courtesy(c.s); got != c.want {
			t.Errorf("Courtesy(%q) = %v, want %v", c.s, got, c.want)
		}
	}
}

func TestAsksSomething(t *testing.T) {
	for _, c := range []struct {
		text string
		want bool
	}{
		{"The replacement plates arrived this morning, well packed and all in one piece.", false},
		{"Das Passwort geht immer noch nicht.", false},
		{"Jetzt ist meine Rechnung falsch. Bitte korrigieren Sie das.", true},
		{"Wann kommt mein Paket", true},
		{"Could you change my address to 12 High Street?", true},
		{"I need a new invoice.", true},
		{"Ist das so richtig?", true},
		{"Thanks, I can log in now.", false},
		{"It looks like the parcel was delivered next door.", false},
		{"Ich möchte meine Adresse ändern.", true},
		{"Können Sie mir die Rechnung schicken.", true},
	} {
		if got := AsksSomething(c.text); got != c.want {
			t.Errorf("AsksSomething(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

// refSentences is Sentences as it was before English pieces without
// sentence punctuation skipped Punkt: every English piece through Punkt.
func refSentences(text, lang string) []string {
	var out []string
	for _, piece := range pieces(text) {
		if lang == English {
			for _, s := range punkt().Tokenize(piece) {
				if t := strings.TrimSpace(s.Text); t != "" {
					out = append(out, t)
				}
			}
			continue
		}
		out = splitRules(piece, out)
	}
	return out
}

// refCourtesy is Courtesy as it was before its word lists were merged
// into one map.
func refCourtesy(sentence string) bool {
	other, polite := 0, 0
	solved, contrast := false, false
	question := strings.ContainsRune(sentence, '?')
	for _, t := range Tokenize(Fold(sentence)) {
		solved = solved || solvedWords[t]
		contrast = contrast || contrastWords[t]
		switch {
		case courtesyWords[t]:
			polite++
		case t == "." || t == "," || t == ":" || t == "-" || t == "–" || t == "…":
		default:
			other++
		}
	}
	if solved && !contrast && !question && other <= 5 {
		return true
	}
	return polite > 0 && other <= 1
}

// sentenceCorpus returns the texts of the language test sets and some
// made-up mails: pieces with and without sentence punctuation, lists,
// greetings, quotes and brackets after the punctuation.
func sentenceCorpus(t testing.TB) []string {
	texts := []string{
		"Hi Tom,\nthanks a lot\n\nwhere is my parcel\nit was due on Monday\n\nKind regards\nAnna",
		"Hello,\nI was charged twice (see attached) \"really\" and\nI want my money back\n- order 4711\n- order 4712\nBest, Tom",
		"Thanks, that worked! Now something else: my invoice shows 49.99 instead of 39.99. Can you fix it?",
		"no punctuation at all just words and more words",
		"Dr. Smith said so... then he left.) Next line\n\nP.S. call me",
		"?!", "...", "a.b.c d", "Mr. X", "Thank you!’ And then", "Danke\n\nViele Grüße",
		"Where is my parcel?", "Help!!!", "Is that so ?", "Thanks...", "It was the U.S.", "Call Dr. Who!", "e.g.", "ok .",
	}
	for _, f := range []string{"testdata/lang.tsv", "testdata/lang_holdout.tsv"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.Lines(string(b)) {
			if _, text, ok := strings.Cut(strings.TrimRight(line, "\n"), "\t"); ok && !strings.HasPrefix(line, "#") {
				texts = append(texts, strings.ReplaceAll(text, `\n`, "\n"))
			}
		}
	}
	return texts
}

// TestSentencesMatchReference: skipping Punkt for English pieces without
// sentence punctuation splits every text as Punkt does, and Courtesy's
// one map judges every sentence as the three word lists did.
func TestSentencesMatchReference(t *testing.T) {
	for _, text := range sentenceCorpus(t) {
		for _, lang := range []string{English, German} {
			got, want := Sentences(text, lang), refSentences(text, lang)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Sentences(%q, %s) (-reference +got):\n%s", text, lang, diff)
			}
			for _, s := range want {
				if got, want := Courtesy(s), refCourtesy(s); got != want {
					t.Errorf("Courtesy(%q) = %v, reference %v", s, got, want)
				}
			}
		}
	}
}

func FuzzSentencesMatchReference(f *testing.F) {
	for _, text := range sentenceCorpus(f) {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if got, want := Sentences(text, English), refSentences(text, English); !slices.Equal(got, want) {
			t.Errorf("Sentences(%q, en) = %q, reference %q", text, got, want)
		}
		if got, want := Courtesy(text), refCourtesy(text); got != want {
			t.Errorf("Courtesy(%q) = %v, reference %v", text, got, want)
		}
	})
}

func TestQuotes(t *testing.T) {
	answer := "Dear Ms Reed,\n\nthank you for contacting us about your order. We are sorry that your parcel has not reached you yet. Please check the tracking page and ask your neighbours; if it does not turn up within two days, reply and we will open a trace with the carrier.\n\nKind regards,\nThe Nordlicht team"
	quoted := "> Dear Ms Reed,\n>\n> thank you for contacting us about your order. We are sorry that your\n> parcel has not reached you yet. Please check the tracking page and ask\n> your neighbours; if it does not turn up within two days, reply and we\n> will open a trace with the carrier.\n>\n> Kind regards,\n> The Nordlicht team"
	if !Quotes(quoted, answer) {
		t.Error("the answer quoted with '> ' and other line breaks is not found")
	}
	if Quotes("> Where is my parcel? I ordered on Monday.", answer) {
		t.Error("the customer's own first mail counted as our answer")
	}
	if Quotes(quoted, "Dear Ms Reed, your new password link is below. Kind regards, The Nordlicht team") {
		t.Error("another answer counted as quoted")
	}
}
