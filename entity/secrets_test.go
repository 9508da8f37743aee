package entity

import "testing"

// TestRedactHidesCardNumbersAndPasswords keeps payment card numbers and
// the values of password, PIN and TAN fields out of everything Redact
// cleans (stored feedback, answered messages, reports).
func TestRedactHidesCardNumbersAndPasswords(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"card with spaces", "Meine Karte 4111 1111 1111 1111 wurde doppelt belastet.",
			"Meine Karte [KARTE] wurde doppelt belastet."},
		{"card in English text", "Please refund to my card 5500-0000-0000-0004, thanks a lot.",
			"Please refund to my card [CARD], thanks a lot."},
		{"13-digit card", "Karte 4222222222222 bitte sperren.", "Karte [KARTE] bitte sperren."},
		{"19-digit card", "Karte 6011000990139424009 ist neu.", "Karte [KARTE] ist neu."},
		{"card after a keyword", "Kundennummer 4111111111111111 bitte prüfen.", "Kundennummer [KARTE] bitte prüfen."},
		{"not Luhn-valid: kept", "Sendungsnummer 4111 1111 1111 1112 ist unterwegs.", "Sendungsnummer 4111 1111 1111 1112 ist unterwegs."},
		{"12 digits: kept", "Nummer 411111111111 bitte.", "Nummer 411111111111 bitte."},
		{"20 digits: kept", "Nummer 41111111111111111113 bitte.", "Nummer 41111111111111111113 bitte."},
		{"German password", "Mein Passwort: Sommer2026! funktioniert nicht.", "Mein Passwort: [PASSWORT] funktioniert nicht."},
		{"Kennwort with =", "kennwort=geheim123", "kennwort=[PASSWORT]"},
		{"English password", "I cannot log in, password: hunter2 does not work.", "I cannot log in, password: [PASSWORD] does not work."},
		{"upper case", "PASSWORT:Abc-123", "PASSWORT:[PASSWORT]"},
		{"PIN and TAN", "PIN: 1234, TAN: 998877", "PIN: [PIN], TAN: [PIN]"},
		{"password with an address", "Passwort: max@example.com! danke", "Passwort: [PASSWORT] danke"},
		{"password without a value marker: kept", "Ich habe mein Passwort vergessen.", "Ich habe mein Passwort vergessen."},
		{"words that contain a keyword: kept", "Spinat: lecker. Tanne: grün.", "Spinat: lecker. Tanne: grün."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLuhn(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"4111111111111111", true}, {"4111 1111 1111 1111", true}, {"4111111111111112", false},
		{"79927398713", false}, // valid checksum, but 11 digits
		{"0000000000000", true}, {"", false},
	} {
		if got := luhn(tt.in); got != tt.want {
			t.Errorf("luhn(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
