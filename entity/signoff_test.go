package entity

import (
	"testing"
	"time"

	"github.com/antwort-dev/antwort/ingest"
)

// TestCleanAndExtractShareSignOffs: the mail cleaner and the name finder
// know the same closing formulas. Below each, the cleaner cuts the
// signature off and the name finder reads the customer's name from it, so
// no sign-off leaves a name in the text or a signature without a name.
func TestCleanAndExtractShareSignOffs(t *testing.T) {
	x, err := NewExtractor(nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, so := range []string{
		"Hochachtungsvoll", "Mit Hochachtung", "Servus", "Take care", "Tschüss", "Ciao", "Bis bald", "Alles Gute",
		"Mit freundlichen Grüßen", "Freundlichen Gruß", "Viele Grüße aus Kiel", "Gruß und Dank", "Danke und viele Grüße",
		"Mit freundlichen Grüßen und vielen Dank", "Best regards", "With regards", "Respectfully", "Cheers",
		"Thanks in advance", "Dankeschön", "Danke",
	} {
		for _, lang := range []string{"de", "en"} {
			body := "Sehr geehrte Damen und Herren,\n\nbitte schicken Sie mir die Rechnung zur Bestellung 4711-2231 noch einmal zu."
			if lang == "en" {
				body = "Hello,\n\nplease send me the invoice for order 4711-2231 again."
			}
			c := ingest.Clean(body + "\n\n" + so + "\nPetra Schulz")
			if want := so + "\nPetra Schulz"; c.Signature != want {
				t.Errorf("%s (%s): Clean signature %q, text %q; want the signature %q", so, lang, c.Signature, c.Text, want)
			}
			// As Suggest hands the cleaned mail to the name finder.
			e := x.Extract("", "", c.Text+"\n\n"+c.Signature, lang, now)
			if e.Name != "Petra Schulz" || e.NameSource != NameSourceSignature {
				t.Errorf("%s (%s): Extract name %q from %q, want Petra Schulz from the signature", so, lang, e.Name, e.NameSource)
			}
		}
	}
}
