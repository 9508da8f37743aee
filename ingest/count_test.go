package ingest

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCountMatchesSource: Count gives, for each kind of input, the number
// of items Open's Source yields (messages plus problems), so a progress bar
// ends at its total.
func TestCountMatchesSource(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	mail := string(readMail(t, "gmail_de.eml"))
	mbox := write("x.mbox", "From a@b Thu Mar 12 10:15:00 2026\n"+mail+"\n\nFrom c@d Thu Mar 12 10:16:00 2026\n"+mail+"\n")
	jsonl := write("p.jsonl", `{"text":"a"}`+"\n"+`{"text":"b"}`+"\n"+`{"text":"c"}`+"\n")
	csv := write("p.csv", "text,from\nhallo,a\nhi,b\n")
	specs := []string{
		"dir:" + mailCorpus,
		"maildir:" + filepath.Join(mailCorpus, "labelled", "parcel_missing"),
		"mbox:" + mbox, jsonl, csv,
		filepath.Join(mailCorpus, "gmail_de.eml"),
	}
	for _, spec := range specs {
		n, ok, err := Count(context.Background(), spec, Options{})
		if err != nil || !ok {
			t.Fatalf("Count(%s): %d, %v, %v", spec, n, ok, err)
		}
		src, err := Open(context.Background(), spec, Options{})
		if err != nil {
			t.Fatal(err)
		}
		items := 0
		for {
			_, err := src.Next(context.Background())
			if errors.Is(err, io.EOF) {
				break
			}
			var p *Problem
			if err != nil && !errors.As(err, &p) {
				t.Fatal(err)
			}
			items++
		}
		src.Close()
		if n != items || n == 0 {
			t.Errorf("Count(%s) = %d, the source yields %d items", filepath.Base(spec), n, items)
		}
	}
	if _, ok, err := Count(context.Background(), "-", Options{Stdin: strings.NewReader("x\n")}); ok || err != nil {
		t.Errorf("Count(stdin): ok %v, err %v; want not ok", ok, err)
	}
}
