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
