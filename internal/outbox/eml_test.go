package outbox

import (
	"bytes"
	"errors"
	"io"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/jhillyerd/enmime/v2"
)

func TestReplySubject(t *testing.T) {
	tests := []struct {
		subject, lang, want string
	}{
		{"Ihre Bestellung", "de", "AW: Ihre Bestellung"},
		{"Re: AW: Re: Ihre Bestellung", "de", "AW: Ihre Bestellung"},
		{"Re: AW: Re: x", "en", "Re: x"},
		{"AW: Ihre Bestellung", "de-DE", "AW: Ihre Bestellung"},
		{"Aw: aw: RE: re:x", "DE", "AW: x"},
		{"RE[2]: AW(3): Antw: Lieferung", "de_AT", "AW: Lieferung"},
		{"Re : Order 4711", "en", "Re: Order 4711"},
		{"  Re:   Order   4711  ", "", "Re: Order   4711"},
		{"WG: Angebot", "de", "AW: WG: Angebot"},
		{"Re: Fwd: Re: Angebot", "en", "Re: Fwd: Re: Angebot"},
		{"Reklamation", "de", "AW: Reklamation"},         // "Re" without colon is a word
		{"Area: Nord", "en", "Re: Area: Nord"},           // not a prefix
		{"Re:", "de", "AW:"},                             // nothing left
		{"", "en", "Re:"},                                // no subject
		{"Re: Zeile\r\n eins", "de", "AW: Zeile   eins"}, // no header injection
		{"Größe ändern", "de", "AW: Größe ändern"},
		{"Bestellung", "dk", "Re: Bestellung"},
	}
	for _, tt := range tests {
		if got := ReplySubject(tt.subject, tt.lang); got != tt.want {
			t.Errorf("ReplySubject(%q, %q) = %q, want %q", tt.subject, tt.lang, got, tt.want)
		}
	}
}

// testReply is a reply with everything that can go wrong in a message:
// umlauts in names and text, a long line, a "From " line, a lone "." line,
// trailing blanks and a stacked subject.
func testReply() Reply {
	return Reply{
		From:       mail.Address{Name: "Nordlicht Kundenservice Müller", Address: "service@nordlicht.example"},
		To:         mail.Address{Name: "Jürgen Müller", Address: "juergen.mueller@kunde.example"},
		Subject:    "Re: AW: Re: Ihre Bestellung",
		Lang:       "de",
		Text:       testText,
		InReplyTo:  "CAF=4711.kunde@mail.kunde.example",
		References: []string{"<a1@kunde.example> <b2@nordlicht.example>", "<CAF=4711.kunde@mail.kunde.example>"},
		MessageID:  "<reply-1@nordlicht.example>",
		Date:       time.Date(2026, 3, 2, 9, 30, 15, 0, time.FixedZone("CET", 3600)),
		Auto:       true,
		Headers:    map[string]string{"X-Antwort-Intent": "order_status", "X-Antwort-Note": "Rückfrage nötig"},
	}
}

const testText = "Hallo Herr Müller,\n" +
	"\n" +
	"Ihre Bestellung 4711-2231 über 3 × Größe XL ist unterwegs. Diese Zeile ist absichtlich sehr lang, damit quoted-printable sie umbrechen muss – mit Umlauten äöüß an der Grenze.\n" +
	"From now on we answer in 24h.\n" +
	".\n" +
	"..\n" +
	"Zeile mit Leerzeichen am Ende   \n" +
	"=?utf-8?q?kein_encoded_word?= und = Zeichen\n" +
	"\tTab am Anfang\n" +
	"\n" +
	"Viele Grüße\n" +
	"Ihr Nordlicht-Team"

// crlf returns s with every line break as CRLF, the form a parser returns.
func crlf(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// parsedHeaders are the header fields a reply is checked for, decoded.
type parsedHeaders struct {
	From, To, Subject, Date, MessageID, InReplyTo, References string
	AutoSubmitted, Suppress, Intent, Note, ContentType, CTE   string
	Loop                                                      string
}

func parse(t *testing.T, raw []byte) (parsedHeaders, string) {
	t.Helper()
	env, err := enmime.ReadEnvelope(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("enmime.ReadEnvelope: %v", err)
	}
	if len(env.Errors) > 0 {
		t.Errorf("enmime found problems: %v", env.Errors)
	}
	h := func(name string) string { return env.GetHeader(name) }
	return parsedHeaders{
		From: h("From"), To: h("To"), Subject: h("Subject"), Date: h("Date"),
		MessageID: h("Message-ID"), InReplyTo: h("In-Reply-To"), References: h("References"),
		AutoSubmitted: h("Auto-Submitted"), Suppress: h("X-Auto-Response-Suppress"),
		Intent: h("X-Antwort-Intent"), Note: h("X-Antwort-Note"),
		ContentType: h("Content-Type"), CTE: h("Content-Transfer-Encoding"), Loop: h("X-Loop"),
	}, env.Text
}

var wantHeaders = parsedHeaders{
	From:          "Nordlicht Kundenservice Müller <service@nordlicht.example>",
	To:            "Jürgen Müller <juergen.mueller@kunde.example>",
	Subject:       "AW: Ihre Bestellung",
	Date:          "Mon, 02 Mar 2026 09:30:15 +0100",
	MessageID:     "<reply-1@nordlicht.example>",
	InReplyTo:     "<CAF=4711.kunde@mail.kunde.example>",
	References:    "<a1@kunde.example> <b2@nordlicht.example> <CAF=4711.kunde@mail.kunde.example>",
	AutoSubmitted: "auto-replied",
	Suppress:      "All",
	Intent:        "order_status",
	Note:          "Rückfrage nötig",
	ContentType:   "text/plain; charset=utf-8",
	CTE:           "quoted-printable",
	Loop:          "antwort",
}

func TestWriteEMLParses(t *testing.T) {
	var b bytes.Buffer
	if err := WriteEML(&b, testReply()); err != nil {
		t.Fatal(err)
	}
	got, text := parse(t, b.Bytes())
	if diff := cmp.Diff(wantHeaders, got); diff != "" {
		t.Errorf("headers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(crlf(testText), text); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
}

// TestWriteEMLWire checks the raw form: 7-bit, CRLF only, short lines,
// and the escapes that protect "From " and "." lines.
func TestWriteEMLWire(t *testing.T) {
	r := testReply()
	r.Subject = "Re: " + strings.Repeat("Rückfrage zur Lieferung ", 8)
	r.References = nil
	for i := range 30 {
		r.References = append(r.References, strings.Repeat("x", 20)+string(rune('a'+i%26))+"@kunde.example")
	}
	var b bytes.Buffer
	if err := WriteEML(&b, r); err != nil {
		t.Fatal(err)
	}
	raw := b.String()
	head, body, ok := strings.Cut(raw, "\r\n\r\n")
	if !ok {
		t.Fatal("no blank line between header and body")
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] >= 0x80 {
			t.Fatalf("byte %d is not 7-bit: %q", i, raw[max(0, i-20):i+1])
		}
		if raw[i] == '\n' && (i == 0 || raw[i-1] != '\r') {
			t.Fatalf("bare LF at byte %d", i)
		}
	}
	for _, l := range lines(head) {
		if len(l) > maxLineLen {
			t.Errorf("header line longer than %d: %q", maxLineLen, l)
		}
	}
	for _, l := range lines(body) {
		if len(l) > 76 {
			t.Errorf("body line longer than 76: %q", l)
		}
		if strings.HasPrefix(l, "From ") || strings.HasPrefix(l, ".") {
			t.Errorf("body line starts unescaped: %q", l)
		}
		if strings.HasSuffix(l, " ") || strings.HasSuffix(l, "\t") {
			t.Errorf("body line ends in white space: %q", l)
		}
	}
	for _, want := range []string{"\r\n=46rom now on", "\r\n=2E\r\n", "\r\n=2E.\r\n", "am Ende  =20\r\n"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q", want)
		}
	}
	if !strings.HasSuffix(body, "Nordlicht-Team=\r\n") {
		t.Errorf("body does not end with a soft line break: %q", body[max(0, len(body)-30):])
	}

	msg, err := mail.ReadMessage(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	refs := strings.Fields(msg.Header.Get("References"))
	if len(refs) != maxReferences {
		t.Errorf("References has %d ids, want %d", len(refs), maxReferences)
	}
	if refs[0] != "<xxxxxxxxxxxxxxxxxxxxa@kunde.example>" || refs[len(refs)-1] != "<CAF=4711.kunde@mail.kunde.example>" {
		t.Errorf("References = %v, want the first id first and In-Reply-To last", refs)
	}
	env, err := enmime.ReadEnvelope(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := env.GetHeader("Subject"), ReplySubject(r.Subject, "de"); got != want {
		t.Errorf("folded Subject decodes to %q, want %q", got, want)
	}
}

func TestWriteEMLDefaults(t *testing.T) {
	before := time.Now().Truncate(time.Second)
	var b bytes.Buffer
	err := WriteEML(&b, Reply{From: mail.Address{Address: "service@nordlicht.example"}, To: mail.Address{Address: "kunde@kunde.example"}, Subject: "Hello", Text: "Hi"})
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(&b)
	if err != nil {
		t.Fatal(err)
	}
	date, err := msg.Header.Date()
	if err != nil || date.Before(before) || date.After(time.Now()) {
		t.Errorf("Date = %v (%v), want now", date, err)
	}
	id := msg.Header.Get("Message-ID")
	if !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@nordlicht.example>") || len(id) < 30 {
		t.Errorf("Message-ID = %q, want <random@nordlicht.example>", id)
	}
	for _, name := range []string{"In-Reply-To", "References", "Auto-Submitted", "X-Auto-Response-Suppress"} {
		if v, ok := msg.Header[name]; ok {
			t.Errorf("%s: %q is set, want it absent", name, v)
		}
	}
	if got := msg.Header.Get("Subject"); got != "Re: Hello" {
		t.Errorf("Subject = %q, want %q", got, "Re: Hello")
	}
	body, _ := io.ReadAll(msg.Body)
	if string(body) != "Hi=\r\n" {
		t.Errorf("body = %q, want %q", body, "Hi=\r\n")
	}

	// Two calls give two different Message-IDs.
	id2, err := NewMessageID(mail.Address{Name: "Service", Address: "service@nordlicht.example"})
	if err != nil || id2 == id || !strings.HasSuffix(id2, "@nordlicht.example>") {
		t.Errorf("NewMessageID = %q, %v; want a new id at nordlicht.example", id2, err)
	}
}

func TestWriteEMLErrors(t *testing.T) {
	ok := Reply{From: mail.Address{Address: "service@nordlicht.example"}, To: mail.Address{Address: "kunde@kunde.example"}}
	tests := []struct {
		name string
		edit func(*Reply)
		want error
	}{
		{"no To", func(r *Reply) { r.To = mail.Address{} }, ErrNoRecipient},
		{"blank To", func(r *Reply) { r.To = mail.Address{Address: " \r\n "} }, ErrNoRecipient},
		{"To without address", func(r *Reply) { r.To = mail.Address{Name: "Jürgen Müller"} }, ErrNoRecipient},
		{"no From", func(r *Reply) { r.From = mail.Address{} }, ErrNoSender},
		{"two From", func(r *Reply) { r.From = mail.Address{Address: "a@x.example, b@x.example"} }, ErrNoSender},
		{"reserved header", func(r *Reply) { r.Headers = map[string]string{"subject": "x"} }, ErrInvalidHeader},
		{"address header", func(r *Reply) { r.Headers = map[string]string{"Bcc": "boss@nordlicht.example"} }, ErrInvalidHeader},
		{"bad header name", func(r *Reply) { r.Headers = map[string]string{"X-Bad: injected": "x"} }, ErrInvalidHeader},
		{"duplicate header", func(r *Reply) { r.Headers = map[string]string{"X-A": "1", "x-a": "2"} }, ErrInvalidHeader},
		{"bad Message-ID", func(r *Reply) { r.MessageID = "no at sign" }, ErrInvalidHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok
			tt.edit(&r)
			var b bytes.Buffer
			err := WriteEML(&b, r)
			if !errors.Is(err, tt.want) {
				t.Errorf("WriteEML = %v, want %v", err, tt.want)
			}
			if b.Len() != 0 {
				t.Errorf("WriteEML wrote %d bytes on error", b.Len())
			}
		})
	}
}

// TestHeaderInjection makes sure CR/LF in any input cannot add a header.
func TestHeaderInjection(t *testing.T) {
	r := Reply{
		From:    mail.Address{Address: "service@nordlicht.example"},
		To:      mail.Address{Address: "kunde@kunde.example"},
		Subject: "Hallo\r\nBcc: victim@example.com",
		Headers: map[string]string{"X-Antwort-Intent": "x\r\nBcc: victim@example.com"},
		Text:    "Text",
	}
	var b bytes.Buffer
	if err := WriteEML(&b, r); err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(&b)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := msg.Header["Bcc"]; ok {
		t.Errorf("injected Bcc header: %q", v)
	}
}

var qpTexts = []string{
	"",
	"a",
	"a\n",
	"\n\n",
	"From here\nFrom\nFromage\n From x",
	".\n..\n.x\n",
	"ends with blank ",
	"ends with tab\t",
	"mixed\r\nline\rbreaks\n",
	"=3D stays =",
	strings.Repeat("ä", 100),
	strings.Repeat("a", 75) + ".From xyz" + strings.Repeat(" ", 80) + "end",
	strings.Repeat("x", 74) + "From the edge",
	strings.Repeat("y", 75) + "\n" + strings.Repeat("z", 76) + "\n" + strings.Repeat("w", 77),
	"\x00\x01 control \x7f",
}

// TestQuotedPrintable decodes the body with the standard library's
// decoder, independent of enmime.
func TestQuotedPrintable(t *testing.T) {
	for _, text := range qpTexts {
		var b bytes.Buffer
		writeQuotedPrintable(&b, text)
		for _, l := range lines(b.String()) {
			if len(l) > 76 {
				t.Errorf("text %q: encoded line longer than 76: %q", text, l)
			}
		}
		got, err := io.ReadAll(quotedprintable.NewReader(&b))
		if err != nil {
			t.Errorf("text %q: decode: %v", text, err)
			continue
		}
		if want := crlf(text); string(got) != want {
			t.Errorf("text %q: round trip = %q, want %q", text, got, want)
		}
	}
}

// FuzzWriteEML checks that any subject and text survive a round trip
// through enmime.
func FuzzWriteEML(f *testing.F) {
	for _, text := range qpTexts {
		f.Add("Re: AW: Größe", text)
	}
	f.Add("Re: "+strings.Repeat("Größe ", 30), testText)
	f.Fuzz(func(t *testing.T, subject, text string) {
		if !utf8.ValidString(subject) || !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
			t.Skip()
		}
		r := Reply{From: mail.Address{Address: "service@nordlicht.example"}, To: mail.Address{Address: "kunde@kunde.example"}, Subject: subject, Text: text, Lang: "de"}
		var b bytes.Buffer
		if err := WriteEML(&b, r); err != nil {
			t.Fatal(err)
		}
		env, err := enmime.ReadEnvelope(&b)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := env.Text, crlf(text); got != want {
			t.Errorf("text = %q, want %q", got, want)
		}
		if got, want := env.GetHeader("Subject"), ReplySubject(subject, "de"); got != want {
			t.Errorf("subject = %q, want %q", got, want)
		}
	})
}

// TestReplyGoesOnlyToSender (outbox): the To header of a reply names
// exactly the one address given, whatever the display name holds; an
// address that is not exactly one is refused.
func TestReplyGoesOnlyToSender(t *testing.T) {
	from := mail.Address{Name: "Service", Address: "service@nordlicht.example"}
	for _, name := range []string{"Evil <attacker@evil.example>, x", "Hoffmann, Brigitte", "a@b.example; c@d.example", "=?utf-8?q?x?=", "Müller, \"Jürgen\""} {
		var b bytes.Buffer
		if err := WriteEML(&b, Reply{From: from, To: mail.Address{Name: name, Address: "b.hoffmann14@example.de"}, Text: "Hallo"}); err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(&b)
		if err != nil {
			t.Fatal(err)
		}
		to, err := msg.Header.AddressList("To")
		if err != nil || len(to) != 1 || to[0].Address != "b.hoffmann14@example.de" || to[0].Name != name {
			t.Errorf("name %q: To %q parses to %v, %v; want exactly %q <b.hoffmann14@example.de>", name, msg.Header.Get("To"), to, err, name)
		}
		_, rcpts, err := envelope(append([]byte("From: service@nordlicht.example\r\nTo: "+msg.Header.Get("To")+"\r\n\r\n"), "x"...))
		if err != nil || len(rcpts) != 1 {
			t.Errorf("name %q: envelope recipients %v, %v", name, rcpts, err)
		}
	}
	for _, addr := range []string{"a@x.example, b@y.example", "a@x.example> , <b@y.example", "Kunden: a@x.example;", "x <a@x.example>", "a@x.example\r\nBcc: b@y.example"} {
		err := WriteEML(io.Discard, Reply{From: from, To: mail.Address{Address: addr}, Text: "Hallo"})
		if !errors.Is(err, ErrNoRecipient) {
			t.Errorf("To address %q: %v, want ErrNoRecipient", addr, err)
		}
	}
}
