package outbox_test

import (
	"bytes"
	"fmt"
	"log"
	"net/mail"
	"strings"
	"time"

	"github.com/antwort-dev/antwort/internal/outbox"
)

func ExampleWriteEML() {
	var buf bytes.Buffer
	err := outbox.WriteEML(&buf, outbox.Reply{
		From:       mail.Address{Name: "Nordlicht Service", Address: "service@nordlicht.example"},
		To:         mail.Address{Name: "Jürgen Müller", Address: "juergen@kunde.example"},
		Subject:    "Re: AW: Ihre Bestellung",
		Lang:       "de",
		Text:       "Hallo Herr Müller,\nIhre Bestellung ist unterwegs.\n.\nFrom Hamburg mit Grüßen\n",
		InReplyTo:  "4711@kunde.example",
		References: []string{"<4700@kunde.example>"},
		Date:       time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC),
		Auto:       true,
		Headers:    map[string]string{"X-Antwort-Intent": "order_status"},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, line := range strings.Split(buf.String(), "\r\n") {
		if strings.HasPrefix(line, "Message-ID:") {
			continue // random: <hex@nordlicht.example>
		}
		fmt.Println(line)
	}
	// Output:
	// Date: Mon, 02 Mar 2026 09:30:00 +0000
	// From: "Nordlicht Service" <service@nordlicht.example>
	// To: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <juergen@kunde.example>
	// Subject: AW: Ihre Bestellung
	// In-Reply-To: <4711@kunde.example>
	// References: <4700@kunde.example> <4711@kunde.example>
	// Auto-Submitted: auto-replied
	// X-Auto-Response-Suppress: All
	// X-Loop: antwort
	// X-Antwort-Intent: order_status
	// MIME-Version: 1.0
	// Content-Type: text/plain; charset=utf-8
	// Content-Transfer-Encoding: quoted-printable
	//
	// Hallo Herr M=C3=BCller,
	// Ihre Bestellung ist unterwegs.
	// =2E
	// =46rom Hamburg mit Gr=C3=BC=C3=9Fen
}

func ExampleReplySubject() {
	fmt.Println(outbox.ReplySubject("Re: AW: Re: Ihre Bestellung", "de"))
	fmt.Println(outbox.ReplySubject("AW: WG: Angebot", "en"))
	// Output:
	// AW: Ihre Bestellung
	// Re: WG: Angebot
}
