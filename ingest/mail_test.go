package ingest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// mailCorpus holds real-looking service mails; golden/NAME.json is what
// Parse makes of NAME.eml.
const mailCorpus = "../testdata/mail"

func parseFile(t *testing.T, path string, opts Options) (*Message, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Parse(context.Background(), f, opts)
}

func TestParseCorpusGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(mailCorpus, "*.eml"))
	if err != nil || len(files) < 15 {
		t.Fatalf("found %d mails in %s (err %v), want at least 15", len(files), mailCorpus, err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".eml")
		t.Run(name, func(t *testing.T) {
			m, err := parseFile(t, f, Options{})
			if err != nil {
				t.Fatalf("Parse(%s) error = %v", f, err)
			}
			var b strings.Builder
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(m); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join(mailCorpus, "golden", name+".json"), b.String())
		})
	}
}

// TestParseCorpus checks the fields that matter for each kind of mail, so
// that a golden file rewritten with -update cannot hide a regression.
func TestParseCorpus(t *testing.T) {
	tests := []struct {
		file        string
		id          string
		from        string
		subject     string
		textHas     []string // substrings of Text
		textLacks   []string // must not be in Text (history, signature)
		signature   string   // prefix of Signature
		quotedHas   string
		auto        string // prefix of Auto; "" = must be empty
		inReplyTo   string
		refs        int
		attachments []Attachment
		date        string // RFC 3339, "" = zero
	}{
		{
			file: "outlook_de_reply.eml", id: "AM0PR07MB4321A1B2C3D4E5F6@AM0PR07MB4321.eurprd07.prod.outlook.com",
			from: "Katharina Vogel <k.vogel@example.de>", subject: "AW: Bestellung 4711-2026 nicht angekommen",
			textHas: []string{"89,90 €", "Paketzentrum Hamburg"}, textLacks: []string{"Ursprüngliche", "Werktagen", "Lindenallee"},
			signature: "Mit freundlichen Grüßen", quotedHas: "Gesendet: Mittwoch, 11. März 2026 16:02",
			inReplyTo: "3f2a9c1e8b7d4e5f@nordlicht.example", refs: 2, date: "2026-03-12T09:14:58Z",
		},
		{
			file: "gmail_de.eml", id: "CAF3kQ+9xYz1AbCdEfGhIjKlMnOpQrStUvWxYz@mail.gmail.com",
			from: "Tobias Krause <tobias.krause@example.com>", subject: "Re: Passwort zurücksetzen",
			textHas: []string{"Link zum Zurücksetzen", "neuen schicken?"}, textLacks: []string{"abc123", "Tobias\n"},
			signature: "Danke und Gruß\nTobias", quotedHas: "schrieb Nordlicht Service",
			inReplyTo: "reset-88213@nordlicht.example", refs: 1, date: "2026-03-12T11:02:41+01:00",
		},
		{
			file: "apple_en.eml", from: "Priya Raman <priya.raman@example.com>", id: "8C1E2F3A-4B5D-4C6E-9F70-1A2B3C4D5E6F@example.com",
			textHas: []string{"PayPal"}, textLacks: []string{"invoice for March is ready", "Priya"}, signature: "Best,\nPriya",
			quotedHas: "wrote:", inReplyTo: "inv-2026-03-55120@nordlicht.example", refs: 1, subject: "Re: Your invoice for March",
			date: "2026-03-12T14:03:11Z",
		},
		{
			file: "thunderbird_de.eml", from: `"Dr. Michael Krüger" <m.krueger@example.org>`, id: "4d2e6f1a-9b3c-4e8d-a7f2-5c6b1d0e9f8a@example.org",
			subject: "Re: Ihr Gerät wurde versandt", textHas: []string{"Speedbox 3000", "Austausch"}, textLacks: []string{"Steuerberatung", "versandt."},
			signature: "--\nDr. Michael Krüger", quotedHas: "Am 12.03.26 um 10:15 schrieb", inReplyTo: "ship-55102@nordlicht-mobile.example", refs: 1,
			date: "2026-03-12T16:40:02+01:00",
		},
		{
			file: "iphone_de.eml", from: "Jörg Müller <joerg.mueller@example.de>", subject: "AW: Ihre Bestellung 4711-9002",
			id: "F1E2D3C4-B5A6-4978-8695-A4B3C2D1E0F9@example.de", textHas: []string{"Wo bleibt mein Paket???"}, textLacks: []string{"iPhone", "unterwegs"},
			signature: "Gesendet von meinem iPhone", quotedHas: "Ihr Paket ist unterwegs", inReplyTo: "order-47119002@nordlicht.example", refs: 1,
			date: "2026-03-14T08:12:55+01:00",
		},
		{
			file: "latin1_qp_de.eml", from: "Gerda Lehmann <gerda.lehmann@example.de>", subject: "Kündigung Vertrag NM-7733019",
			textHas: []string{"kündigen Sie meinen Vertrag", "nächstmöglichen", "übernommen"}, signature: "Freundliche Grüße\nGerda Lehmann",
			date: "2026-03-13T19:30:00+01:00",
		},
		{
			file: "cp1252_html_only_en.eml", id: "refund-98765.1@example.com", from: "Daniel Price <daniel.price@example.com>",
			subject: "Refund for order #98765", textHas: []string{"I’d like a refund for order #98765 – the “premium” kettle leaks. It cost €49.99."},
			signature: "Regards,", date: "2026-03-15T09:00:00Z",
		},
		{
			file: "base64_utf8_de.eml", id: "5e6f7a8b.2026@example.de", subject: "Doppelte Abbuchung – Rechnung RE-2026-0412",
			from: "Heike Brandt <heike.brandt@example.de>", textHas: []string{"49,99 € zweimal abgebucht"}, signature: "Viele Grüße\nHeike Brandt",
			date: "2026-03-16T07:45:12+01:00",
		},
		{
			file: "forward_rfc822_de.eml", id: "fwd-0316@example.de", subject: "WG: Doppelte Abbuchung", from: "Heike Brandt <heike.brandt@example.de>",
			textHas: []string{"die dritte Mail!"}, textLacks: []string{"zweimal abgebucht"},
			attachments: []Attachment{{Name: "Doppelte Abbuchung.eml", Type: "message/rfc822", Size: 409}}, date: "2026-03-16T08:00:00+01:00",
		},
		{
			file: "forward_rfc822_nocomment_en.eml", id: "fwd-size-44@example.com", subject: "Fwd: Wrong size delivered",
			from: "Daniel Price <daniel.price@example.com>", textHas: []string{"size 44 but got size 42"}, signature: "Regards,\nDaniel",
			attachments: []Attachment{{Type: "message/rfc822", Size: 326}}, date: "2026-03-11T08:00:00Z",
		},
		{
			file: "ooo_de.eml", id: "ooo-de-1@musterhandel.example", from: "Sabine Koch <s.koch@musterhandel.example>",
			subject: "Automatische Antwort: Ihre Bestellung 4711-8842", textHas: []string{"nicht im Büro"},
			signature: "Mit freundlichen Grüßen", auto: "Auto-Submitted: auto-replied", date: "2026-03-17T10:01:00+01:00",
		},
		{
			file: "ooo_en.eml", id: "ooo-en-77@example.com", from: "Mark Owens <mark.owens@example.com>",
			subject: "Out of Office: Your Nordlicht Plus membership renews soon", textHas: []string{"out of the office"},
			auto: "subject: Out of Office", date: "2026-03-11T21:00:09Z",
		},
		{
			file: "bounce.eml", id: "20260318110000.ABCDEF@mx.nordlicht.example", from: "Mail Delivery System <MAILER-DAEMON@mx.nordlicht.example>",
			subject: "Undelivered Mail Returned to Sender", textHas: []string{"could not\nbe delivered", "User unknown"},
			auto: "multipart/report (delivery status notification)", date: "2026-03-18T12:00:00+01:00",
			attachments: []Attachment{{Type: "message/delivery-status", Size: 178}, {Type: "text/rfc822-headers", Size: 117}},
		},
		{
			file: "newsletter_en.eml", id: "nl-2026-03@parcelworld.example", from: "Parcel World News <news@parcelworld.example>",
			subject: "5 tips for faster deliveries this spring", textHas: []string{"five tips"}, auto: "Precedence: bulk", date: "2026-03-19T06:00:00Z",
		},
		{
			file: "own_reply_de.eml", id: "9f8e7d6c5b4a39281706f5e4d3c2b1a0@nordlicht.example", from: "Nordlicht Versand <service@nordlicht.example>",
			subject: "AW: Bestellung 4711-2026 nicht angekommen", textHas: []string{"erneut auf den Weg"}, signature: "Mit freundlichen Grüßen",
			auto: "X-Loop: antwort (our own reply)", inReplyTo: "AM0PR07MB4321A1B2C3D4E5F6@AM0PR07MB4321.eurprd07.prod.outlook.com", refs: 1,
			date: "2026-03-19T10:00:00+01:00",
		},
		{
			file: "attachment_pdf_de.eml", id: "ruecksendung-7710@example.de", from: "Ralf Neumann <ralf.neumann@example.de>",
			subject: "Rücksendung Bestellung 4711-7710", textHas: []string{"Rücksendeschein", "Jacke ist zu klein"}, signature: "Gruß\nRalf Neumann",
			attachments: []Attachment{{Name: "Rücksendeschein.pdf", Type: "application/pdf", Size: 77}}, date: "2026-03-20T15:20:00+01:00",
		},
		{
			file: "mislabelled_utf8_de.eml", id: "mislabelled-1@example.de", from: "Mia Huber <mia.huber@example.de>",
			subject: "Beschädigte Lieferung", textHas: []string{"beschädigt, der Karton völlig durchnässt", "„Nordlicht Blau“"},
			signature: "Grüße aus München\nMia", date: "2026-03-21T12:00:00+01:00",
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join(mailCorpus, tt.file)
			m, err := parseFile(t, path, Options{})
			if err != nil {
				t.Fatalf("Parse(%s) error = %v", tt.file, err)
			}
			raw, _ := os.ReadFile(path)
			wantID := tt.id
			if wantID == "" {
				wantID = contentID(raw)
			}
			if m.ID != wantID {
				t.Errorf("ID = %q, want %q", m.ID, wantID)
			}
			if m.Channel != "email" || m.Size != int64(len(raw)) {
				t.Errorf("Channel, Size = %q, %d; want email, %d", m.Channel, m.Size, len(raw))
			}
			if m.From.String() != tt.from || m.Subject != tt.subject {
				t.Errorf("From, Subject = %q, %q; want %q, %q", m.From, m.Subject, tt.from, tt.subject)
			}
			for _, s := range tt.textHas {
				if !strings.Contains(m.Text, s) {
					t.Errorf("Text lacks %q:\n%s", s, m.Text)
				}
			}
			for _, s := range tt.textLacks {
				if strings.Contains(m.Text, s) {
					t.Errorf("Text contains %q:\n%s", s, m.Text)
				}
			}
			if !strings.HasPrefix(m.Signature, tt.signature) || (tt.signature == "") != (m.Signature == "") {
				t.Errorf("Signature = %q, want prefix %q", m.Signature, tt.signature)
			}
			if !strings.Contains(m.Quoted, tt.quotedHas) || (tt.quotedHas == "") != (m.Quoted == "") {
				t.Errorf("Quoted = %q, want it to contain %q", m.Quoted, tt.quotedHas)
			}
			if !strings.HasPrefix(m.Auto, tt.auto) || (tt.auto == "") != (m.Auto == "") {
				t.Errorf("Auto = %q, want prefix %q", m.Auto, tt.auto)
			}
			if m.InReplyTo != tt.inReplyTo || len(m.References) != tt.refs {
				t.Errorf("InReplyTo, References = %q, %q; want %q and %d references", m.InReplyTo, m.References, tt.inReplyTo, tt.refs)
			}
			if diff := cmp.Diff(tt.attachments, m.Attachments); diff != "" {
				t.Errorf("Attachments mismatch (-want +got):\n%s", diff)
			}
			gotDate := ""
			if !m.Date.IsZero() {
				gotDate = m.Date.Format(time.RFC3339)
			}
			if gotDate != tt.date {
				t.Errorf("Date = %q, want %q", gotDate, tt.date)
			}
			if m.Raw != nil {
				t.Errorf("Raw is set without KeepRaw")
			}
		})
	}
}
