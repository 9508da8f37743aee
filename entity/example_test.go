package entity_test

import (
	"fmt"
	"log"
	"time"

	"github.com/antwort-dev/antwort/entity"
)

// Extract reads the customer's name from the signature and the numbers
// and dates the mail mentions.
func ExampleExtractor_Extract() {
	x, err := entity.NewExtractor(nil)
	if err != nil {
		log.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	e := x.Extract("info@kunde.example", "Bestellung 4711-2231",
		"Guten Tag,\n\nmein Paket sollte am 5. März kommen. Kundennummer: 556677.\n\nMit freundlichen Grüßen\nFrau Petra Schulz",
		"de", now)
	fmt.Println(e.Name, e.Gender, e.NameSource)
	fmt.Println(e.OrderNumber, e.CustomerNumber)
	fmt.Println(e.Dates[0].Text, e.Dates[0].Time.Format(time.DateOnly))
	// Output:
	// Petra Schulz f signature
	// 4711-2231 556677
	// 5. März 2026-03-05
}

// Redact hides personal data before a text is stored or shown; reference
// numbers and dates stay.
func ExampleRedact() {
	fmt.Println(entity.Redact("Bitte an petra@example.de oder 0170 1234567, IBAN DE89 3704 0044 0532 0130 00. Kundennummer 556677, Passwort: Sommer2026"))
	// Output:
	// Bitte an [E-MAIL] oder [TELEFON], IBAN [IBAN]. Kundennummer 556677, Passwort: [PASSWORT]
}
