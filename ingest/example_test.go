package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/antwort-dev/antwort/ingest"
)

func ExampleReadLabeled() {
	examples, problems, err := ingest.ReadLabeled(context.Background(), "testdata/train.tsv", ingest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range examples {
		fmt.Printf("%s\t%s\t%q\n", e.Source, e.Label, e.Text)
	}
	for _, p := range problems {
		fmt.Println("skipped:", p)
	}
	// Output:
	// testdata/train.tsv:2	shipping	"Wo ist mein Paket?"
	// testdata/train.tsv:3	other	"He said \"hi\""
	// skipped: testdata/train.tsv:4: short record: 1 fields, header has 3
}

func ExampleReader_Next() {
	in := strings.NewReader(`{"id":"a1","channel":"chat","text":"Wo bleibt meine Bestellung?"}
{"subject":"no text"}
{"id":"a2","text":"Passwort vergessen"}
{"id":"a3"}
`)
	r, err := ingest.NewReader(in, "inbox.jsonl", "", ingest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	for {
		m, err := r.Next(ctx)
		if err == io.EOF {
			break
		}
		var p *ingest.Problem
		if errors.As(err, &p) {
			fmt.Println("skipped:", p)
			continue
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s %s %q\n", m.Source, m.ID, m.Text+m.Subject)
	}
	// Output:
	// inbox.jsonl:1 a1 "Wo bleibt meine Bestellung?"
	// inbox.jsonl:2 inbox.jsonl:2 "no text"
	// inbox.jsonl:3 a2 "Passwort vergessen"
	// skipped: inbox.jsonl:4: text field "text" missing
}

func ExampleClean() {
	c := ingest.Clean(`Hallo,

das Paket 4711 ist immer noch nicht da.

Viele Grüße
Anna Schubert

Am 12.03.2026 um 10:15 schrieb Nordlicht Versand <service@nordlicht.example>:
> Ihr Paket ist unterwegs.`)
	fmt.Printf("text: %q\nsignature: %q\nquoted: %q\n", c.Text, c.Signature, c.Quoted)
	// Output:
	// text: "Hallo,\n\ndas Paket 4711 ist immer noch nicht da."
	// signature: "Viele Grüße\nAnna Schubert"
	// quoted: "Am 12.03.2026 um 10:15 schrieb Nordlicht Versand <service@nordlicht.example>:\n> Ihr Paket ist unterwegs."
}

func ExampleParse() {
	raw := "From: =?utf-8?q?J=C3=B6rg_M=C3=BCller?= <joerg@example.de>\r\n" +
		"To: service@nordlicht.example\r\n" +
		"Subject: Abwesenheitsnotiz: Ihre Bestellung\r\n" +
		"Message-ID: <ooo-1@example.de>\r\n" +
		"Auto-Submitted: auto-replied\r\n" +
		"Content-Type: text/plain; charset=iso-8859-1\r\n" +
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"Ich bin bis 27.03. nicht im B=FCro.\r\n"
	m, err := ingest.Parse(context.Background(), strings.NewReader(raw), ingest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.ID, "|", m.From, "|", m.Text)
	fmt.Println("do not answer:", m.Auto)
	// Output:
	// ooo-1@example.de | Jörg Müller <joerg@example.de> | Ich bin bis 27.03. nicht im Büro.
	// do not answer: Auto-Submitted: auto-replied
}

func ExampleOpen() {
	ctx := context.Background()
	src, err := ingest.Open(ctx, "mbox:testdata/example.mbox", ingest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer src.Close()
	for {
		m, err := src.Next(ctx)
		if err == io.EOF {
			break
		}
		var p *ingest.Problem
		if errors.As(err, &p) {
			fmt.Println("skipped", p.Where()+":", p.Err)
			continue
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s %s %q auto=%q\n", m.Source, m.ID, m.Text, m.Auto)
	}
	// Output:
	// testdata/example.mbox#1 a1@example.de "Meine Rechnung ist doppelt." auto=""
	// skipped testdata/example.mbox#2: not a mail message: no RFC 5322 header at the start
	// testdata/example.mbox#3 a3@example.com "I am out of the office." auto="subject: Out of Office"
}
