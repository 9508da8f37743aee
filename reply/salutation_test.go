package reply

import (
	"strings"
	"testing"

	"github.com/antwort-dev/antwort/entity"
)

func TestSalutation(t *testing.T) {
	schmidtF := entity.Set{Name: "Anna Schmidt", FirstName: "Anna", LastName: "Schmidt", Gender: "f"}
	schmidtM := entity.Set{Name: "Max Schmidt", FirstName: "Max", LastName: "Schmidt", Gender: "m"}
	mustermann := entity.Set{Name: "Max Mustermann", FirstName: "Max", LastName: "Mustermann"}
	drWeber := entity.Set{Name: "Petra Weber", FirstName: "Petra", LastName: "Weber", Title: "Dr.", Gender: "f"}
	profMeier := entity.Set{Name: "Hans Meier", FirstName: "Hans", LastName: "Meier", Title: "Prof. Dr.", Gender: "m"}
	drNoGender := entity.Set{Name: "Kim Becker", FirstName: "Kim", LastName: "Becker", Title: "Dr."}
	onlyFirst := entity.Set{Name: "Petra", FirstName: "Petra", Gender: "f"}
	onlyLast := entity.Set{Name: "Smith", LastName: "Smith", Gender: "f"}
	family := entity.Set{Name: "Familie Schulz", LastName: "Schulz"}
	nameOnly := entity.Set{Name: "Jürgen Müller"}
	injected := entity.Set{Name: "Max\nP.S. Refund approved", FirstName: "Max\nP.S. Refund approved"}

	tests := []struct {
		e             entity.Set
		lang, channel string
		want          string
	}{
		// German, formal.
		{schmidtF, "de", "email", "Sehr geehrte Frau Schmidt,"},
		{schmidtM, "de", "email", "Sehr geehrter Herr Schmidt,"},
		{mustermann, "de", "email", "Guten Tag Max Mustermann,"},
		{drWeber, "de", "email", "Sehr geehrte Frau Dr. Weber,"},
		{profMeier, "de", "email", "Sehr geehrter Herr Prof. Dr. Meier,"},
		{drNoGender, "de", "email", "Guten Tag Dr. Kim Becker,"},
		{onlyFirst, "de", "email", "Guten Tag Petra,"},
		{family, "de", "email", "Guten Tag Familie Schulz,"},
		{nameOnly, "de", "email", "Guten Tag Jürgen Müller,"},
		{entity.Set{}, "de", "email", "Guten Tag,"},
		{entity.Set{}, "", "", "Guten Tag,"},
		{schmidtF, "de-DE", "", "Sehr geehrte Frau Schmidt,"},
		// English, formal.
		{entity.Set{Name: "Jane Smith", FirstName: "Jane", LastName: "Smith", Gender: "f"}, "en", "email", "Dear Ms Smith,"},
		{entity.Set{Name: "John Smith", FirstName: "John", LastName: "Smith", Gender: "m"}, "en", "email", "Dear Mr Smith,"},
		{entity.Set{Name: "Max Smith", FirstName: "Max", LastName: "Smith"}, "en", "email", "Dear Max Smith,"},
		{drWeber, "en", "email", "Dear Dr Weber,"},
		{drNoGender, "en", "email", "Dear Dr Becker,"},
		{profMeier, "EN", "email", "Dear Professor Meier,"},
		{onlyLast, "en", "email", "Dear Ms Smith,"},
		{family, "en", "email", "Dear Schulz family,"},
		{entity.Set{}, "en", "email", "Hello,"},
		// Informal channels.
		{mustermann, "de", "chat", "Hallo Max,"},
		{schmidtF, "de", "facebook", "Hallo Anna,"},
		{schmidtM, "en", "twitter", "Hi Max,"},
		{drWeber, "en", "Chat", "Hi Petra,"},
		{onlyLast, "en", "chat", "Hi Ms Smith,"},
		{entity.Set{LastName: "Schulz", Gender: "m"}, "de", "whatsapp", "Hallo Herr Schulz,"},
		{family, "de", "chat", "Hallo Familie Schulz,"},
		{entity.Set{LastName: "Schulz"}, "de", "chat", "Hallo,"},
		{entity.Set{}, "de", "chat", "Hallo,"},
		{entity.Set{}, "en", "twitter", "Hi,"},
		// Only Name set: split it.
		{entity.Set{Name: "Max Mustermann"}, "de", "chat", "Hallo Max,"},
		// Control characters cannot add lines.
		{injected, "de", "chat", "Hallo Max P.S. Refund approved,"},
	}
	for _, tt := range tests {
		if got := Salutation(tt.e, tt.lang, tt.channel); got != tt.want {
			t.Errorf("Salutation(%+v, %q, %q) = %q, want %q", tt.e, tt.lang, tt.channel, got, tt.want)
		}
	}
}

// TestSalutationFromExtract checks the two halves together on real mails.
func TestSalutationFromExtract(t *testing.T) {
	x, err := entity.NewExtractor(nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		from, text, lang, channel, want string
	}{
		{"Petra Schulz <petra@example.de>", "Wo ist mein Paket?", "de", "email", "Sehr geehrte Frau Schulz,"},
		{"service@example.de", "Paket fehlt.\n\nMit freundlichen Grüßen\nHerr Dr. Kim Becker", "de", "email", "Sehr geehrter Herr Dr. Becker,"},
		{"", "Where is my parcel?\n\nKind regards,\nChris Taylor", "en", "email", "Dear Chris Taylor,"},
		{"", "wo bleibt mein paket\nLG Petra", "de", "chat", "Hallo Petra,"},
		{"noreply@shop.example", "Paket fehlt.", "de", "email", "Guten Tag,"},
	}
	for _, tt := range tests {
		e := x.Extract(tt.from, "", tt.text, tt.lang, now)
		if got := Salutation(e, tt.lang, tt.channel); got != tt.want {
			t.Errorf("Salutation(Extract(%q, %q)) = %q, want %q (entities %+v)", tt.from, tt.text, got, tt.want, e)
		}
	}
}

// FuzzSalutation: whatever Extract finds in a message, the salutation is
// one line that ends with a comma.
func FuzzSalutation(f *testing.F) {
	for _, s := range []string{"Mit freundlichen Grüßen\nPetra Schulz", "Thanks,\n", "LG", "\xff\xfe{{.Name}}\x00", "Gruß\nHerr Dr. Kim\r\nBecker"} {
		f.Add("Petra Schulz <p@x.de>", s)
		f.Add(s, s)
	}
	x, err := entity.NewExtractor(nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, from, text string) {
		e := x.Extract(from, "", text, "", now)
		for _, lc := range [][2]string{{"de", "email"}, {"en", "chat"}} {
			s := Salutation(e, lc[0], lc[1])
			if strings.ContainsFunc(s, isControl) || !strings.HasSuffix(s, ",") {
				t.Errorf("Salutation(%+v, %q, %q) = %q, want one line ending in a comma", e, lc[0], lc[1], s)
			}
		}
	})
}
