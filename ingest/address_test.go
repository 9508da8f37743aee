package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"net/mail"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// parseHeaders parses a small mail with the given header lines.
func parseHeaders(t *testing.T, headers string, opts Options) *Message {
	t.Helper()
	raw := headers + "To: service@nordlicht.example\r\nSubject: Frage\r\nMessage-ID: <m1@kunde.example>\r\n\r\nWo bleibt mein Paket?\r\n"
	m, err := Parse(context.Background(), strings.NewReader(raw), opts)
	if err != nil {
		t.Fatalf("Parse(%q): %v", headers, err)
	}
	return m
}

// TestDisplayNameKeepsSender: a display name with a comma, a semicolon,
// brackets, an '@' or an encoded comma (the usual Outlook and Exchange
// forms among them) keeps its sender: name and address are read apart.
func TestDisplayNameKeepsSender(t *testing.T) {
	tests := []struct {
		from string
		want Address
	}{
		{`"Hoffmann, Brigitte" <n1@kunde.example>`, Address{"Hoffmann, Brigitte", "n1@kunde.example"}},
		{`Hoffmann, Brigitte <n1@kunde.example>`, Address{"Hoffmann, Brigitte", "n1@kunde.example"}},
		{`"Hoffmann; Brigitte" <n1@kunde.example>`, Address{"Hoffmann; Brigitte", "n1@kunde.example"}},
		{`Hoffmann; Brigitte <n1@kunde.example>`, Address{"Hoffmann; Brigitte", "n1@kunde.example"}},
		{`"Brigitte [Kundin]" <n1@kunde.example>`, Address{"Brigitte [Kundin]", "n1@kunde.example"}},
		{`Brigitte [Kundin] <n1@kunde.example>`, Address{"Brigitte [Kundin]", "n1@kunde.example"}},
		{`"brigitte@home" <n1@kunde.example>`, Address{"brigitte@home", "n1@kunde.example"}},
		{`=?utf-8?q?Hoffmann=2C_Brigitte?= <n1@kunde.example>`, Address{"Hoffmann, Brigitte", "n1@kunde.example"}},
		{`=?iso-8859-1?q?M=FCller=2C_J=FCrgen?= <n1@kunde.example>`, Address{"Müller, Jürgen", "n1@kunde.example"}},
		{`"Müller, Jürgen" <n1@kunde.example>`, Address{"Müller, Jürgen", "n1@kunde.example"}},
		{`n1@kunde.example (Brigitte Hoffmann)`, Address{"Brigitte Hoffmann", "n1@kunde.example"}},
		{`<n1@kunde.example>`, Address{"", "n1@kunde.example"}},
	}
	for _, tt := range tests {
		m := parseHeaders(t, "From: "+tt.from+"\r\n", Options{})
		if m.From != tt.want || m.Recipient() != tt.want || len(m.Warnings) > 0 {
			t.Errorf("From: %s\ngot From %+v, Recipient %+v, warnings %q; want %+v", tt.from, m.From, m.Recipient(), m.Warnings, tt.want)
		}
		// What is shown parses back into the same mailbox.
		if a, err := mail.ParseAddress(m.From.String()); err != nil || a.Address != tt.want.Address || a.Name != tt.want.Name {
			t.Errorf("From: %s: String() = %q parses to %v, %v", tt.from, m.From.String(), a, err)
		}
	}
}

// TestReplyGoesOnlyToSender: a reply goes to exactly one address, the
// sender's or a single Reply-To's; never to a list, to a group, or to
// anything a display name holds.
func TestReplyGoesOnlyToSender(t *testing.T) {
	tests := []struct {
		name    string
		headers string
		want    Address // Recipient
		warn    string  // in Warnings
	}{
		{"address list in an encoded display name",
			"From: =?utf-8?q?Evil_<attacker@evil.example>,_x?= <b.hoffmann14@example.de>\r\n", Address{}, "From: 2 addresses"},
		{"encoded display name that holds an address",
			"From: =?utf-8?q?Evil_=3Cattacker=40evil=2Eexample=3E=2C_x?= <b.hoffmann14@example.de>\r\n",
			Address{"Evil <attacker@evil.example>, x", "b.hoffmann14@example.de"}, ""},
		{"two From addresses", "From: a@kunde.example, Bernd <b@kunde.example>\r\n", Address{}, "From: 2 addresses"},
		{"From group", "From: Kunden: a@kunde.example, b@kunde.example;\r\n", Address{}, "is a group"},
		{"From group of one", "From: Kunden: a@kunde.example;\r\n", Address{}, "is a group"},
		{"From without address", "From: Brigitte Hoffmann\r\n", Address{}, "From:"},
		{"Reply-To", "From: Petra <p@kunde.example>\r\nReply-To: Petra privat <petra@privat.example>\r\n",
			Address{"Petra privat", "petra@privat.example"}, ""},
		{"Reply-To list", "From: Petra <p@kunde.example>\r\nReply-To: a@x.example, b@y.example\r\n",
			Address{"Petra", "p@kunde.example"}, "Reply-To: 2 addresses"},
		{"Reply-To group", "From: Petra <p@kunde.example>\r\nReply-To: Alle: a@x.example;\r\n",
			Address{"Petra", "p@kunde.example"}, "is a group"},
	}
	for _, tt := range tests {
		m := parseHeaders(t, tt.headers, Options{})
		if got := m.Recipient(); got != tt.want {
			t.Errorf("%s: Recipient = %+v, want %+v", tt.name, got, tt.want)
		}
		if w := strings.Join(m.Warnings, "; "); tt.warn == "" && w != "" || !strings.Contains(w, tt.warn) {
			t.Errorf("%s: warnings %q, want %q", tt.name, w, tt.warn)
		}
	}

	// Posts: one mailbox, a name or a handle; a list gives nobody.
	posts := []struct {
		line string
		from Address
		warn string
	}{
		{`{"id":"1","text":"x","from":"Hoffmann, Brigitte <n1@kunde.example>"}`, Address{"Hoffmann, Brigitte", "n1@kunde.example"}, ""},
		{`{"id":"1","text":"x","from":"a@kunde.example, b@kunde.example"}`, Address{}, "from: 2 addresses"},
		{`{"id":"1","text":"x","from":"a@kunde.example,b@kunde.example"}`, Address{}, "from: 2 addresses"},
		{`{"id":"1","text":"x","from":"Evil <a@evil.example>, x <b@kunde.example>"}`, Address{}, "from: 2 addresses"},
		{`{"id":"1","text":"x","from":{"name":"Evil <a@evil.example>, x","address":"b@kunde.example"}}`, Address{"Evil <a@evil.example>, x", "b@kunde.example"}, ""},
		{`{"id":"1","text":"x","from":{"name":"x","address":"a@evil.example, b@kunde.example"}}`, Address{}, "not one mail address"},
		{`{"id":"1","text":"x","author":"@kunde_42"}`, Address{Name: "@kunde_42"}, ""},
	}
	for _, tt := range posts {
		r, err := NewReader(strings.NewReader(tt.line+"\n"), "posts.jsonl", "jsonl", Options{})
		if err != nil {
			t.Fatal(err)
		}
		m, err := r.Next(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", tt.line, err)
		}
		if d := cmp.Diff(tt.from, m.From); d != "" {
			t.Errorf("%s: From (-want +got):\n%s", tt.line, d)
		}
		if w := strings.Join(m.Warnings, "; "); tt.warn == "" && w != "" || !strings.Contains(w, tt.warn) {
			t.Errorf("%s: warnings %q, want %q", tt.line, w, tt.warn)
		}
	}
}

func TestParseAddressErrors(t *testing.T) {
	for _, s := range []string{"", "a@x.example, b@y.example", "Kunden: a@x.example;", "Brigitte", "a@x.example <b@y.example>"} {
		if a, err := ParseAddress(s); !errors.Is(err, ErrAddress) {
			t.Errorf("ParseAddress(%q) = %+v, %v; want ErrAddress", s, a, err)
		}
	}
	var a Address
	for _, s := range []string{`"a@x.example, b@y.example"`, `{"name":"x","address":"a@x.example>, <b@y.example"}`, `{"adress":"a@x.example"}`, `7`} {
		if err := json.Unmarshal([]byte(s), &a); !errors.Is(err, ErrAddress) {
			t.Errorf("Unmarshal(%s) = %v; want ErrAddress", s, err)
		}
	}
}

// TestOwnMailIsAuto: mail whose reply would go to one of our own
// addresses or domains (From, or Reply-To when it has one), in any case,
// is our own; our web form's mail with the customer in Reply-To is not.
func TestOwnMailIsAuto(t *testing.T) {
	opts := Options{OwnAddresses: []string{"Service@Example.com"}, OwnDomains: []string{"nordlicht.example"}}
	for headers, want := range map[string]string{
		"From: Kundenservice <SERVICE@example.COM>\r\n":                                       "From: SERVICE@example.COM (our own address)",
		"From: Max <max@mail.nordlicht.example>\r\n":                                          "From: max@mail.nordlicht.example (our own address)",
		"From: Kunde <k@kunde.example>\r\nReply-To: service@example.com\r\n":                  "Reply-To: service@example.com (our own address)",
		"From: Kunde <k@kunde.example>\r\n":                                                   "",
		"From: Kunde <k@example.com>\r\n":                                                     "",
		"From: Formular <noreply@nordlicht.example>\r\nReply-To: Kunde <k@kunde.example>\r\n": "",
	} {
		if m := parseHeaders(t, headers, opts); m.Auto != want {
			t.Errorf("%q: Auto = %q, want %q", headers, m.Auto, want)
		}
	}
}
