package journal_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/antwort-dev/antwort/journal"
)

// A batch run records each processed message; a second run skips what
// the journal says is done, and tells a different message that reuses a
// Message-ID from a copy of one already processed.
func Example() {
	dir, err := os.MkdirTemp("", "journal-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	j, err := journal.Open(filepath.Join(dir, "antwort.journal"), &journal.Options{Timeout: time.Second})
	if err != nil {
		log.Fatal(err)
	}
	defer j.Close()
	err = j.Commit(context.Background(), []journal.Entry{
		{Key: "4711@mail.example", Hash: "c0ffee", Time: time.Now(), Action: "send", Intent: "parcel_missing"},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range []struct{ key, hash string }{
		{"4711@mail.example", "c0ffee"}, // a copy of the same mail
		{"4711@mail.example", "beef42"}, // another mail with the same Message-ID
		{"4712@mail.example", "d00d"},
	} {
		st, err := j.Check(m.key, m.hash)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(m.key, m.hash, st)
	}
	// Output:
	// 4711@mail.example c0ffee processed
	// 4711@mail.example beef42 reused
	// 4712@mail.example d00d new
}
