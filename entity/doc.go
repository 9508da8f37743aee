// Package entity finds what a customer message says about the customer
// and their case, in German and English: the name (with gender and
// academic title where the mail says so), order, customer, contract and
// ticket numbers, dates, and personal data (e-mail addresses, phone
// numbers, IBANs, payment card numbers, passwords and PINs), and Redact
// hides that personal data in stored or shown text.
//
// # Overview
//
//	x, _ := entity.NewExtractor(nil)                          // or &policy.Patterns: a deployment's own number formats
//	e := x.Extract(msg.From, msg.Subject, msg.Text, "de", time.Now())
//	e.Name, e.Gender, e.OrderNumber, e.Dates                  // what a reply template needs
//	safe := entity.Redact(msg.Text)                           // "[E-MAIL]", "[TELEFON]", "[IBAN]", "[KARTE]", "[PASSWORT]"
//
// The name comes from the From header's display name, else from the line
// after the sign-off ("Mit freundlichen Grüßen", "Best regards"), else,
// for English text and with WithPersons, from a named-entity recogniser.
// Role and no-reply addresses (info@, service@, noreply@) and display
// names that are not a person's name are skipped. Numbers need a keyword
// ("Bestellnummer", "Kunden-Nr.", "order no.", "Ticket#") or one of the
// bare forms ("#A-77412", "100-4588213"); Patterns add a deployment's own.
// Dates written without a year are the next such day on or after the
// reference time.
//
// Extract lists e-mail addresses, phone numbers and IBANs only so that
// callers can redact them; they must never go into a reply. Package reply
// builds the salutation from a Set (reply.Salutation) and fills templates
// with its values.
//
// # Concurrency
//
// An Extractor is immutable after NewExtractor or WithPersons and safe for
// concurrent use; a PersonFinder given to WithPersons must be too. Redact
// and SplitName are pure functions.
//
// # Caveats
//
// Extraction is by rules, not learned: it knows German and English forms
// only, and what it cannot read stays empty rather than guessed. A number
// without a keyword or a known bare form is not found, and Redact leaves
// reference numbers after a keyword and dates alone even where they look
// like phone numbers.
package entity
