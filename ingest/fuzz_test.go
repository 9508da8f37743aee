package ingest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// fuzzFormats maps the fuzzer's selector byte to a format; 0 (and the
// first seeds) use "" so that sniffing is exercised most.
var fuzzFormats = []string{"", "", "jsonl", "text", "csv", "tsv", "eml"}

// FuzzReader feeds arbitrary bytes through NewReader and drains Next. It
// must never panic or loop, every Problem must carry an error, and every
// message must be valid UTF-8. The selector picks the format ("" most of
// the time) and, with its high bit, a small MaxBytes to reach the limit
// paths.
func FuzzReader(f *testing.F) {
	_ = filepath.WalkDir("testdata", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
			f.Add(b, uint8(0))
		}
		return nil
	})
	for _, s := range []string{
		"", "{", "{\"text\":1}\n{}", "Subject: x\n\nbody", "From: a\nContent-Type: multipart/mixed; boundary=x\n\n--x\n\n--x--",
		"text\n\"open quote\nnext\n", "a,b\n\"x\"\"y\",z\n",
	} {
		for sel := range len(fuzzFormats) {
			f.Add([]byte(s), uint8(sel))
			f.Add([]byte(s), uint8(sel)|0x80)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, sel uint8) {
		format := fuzzFormats[int(sel&0x7f)%len(fuzzFormats)]
		var opts Options
		if sel&0x80 != 0 {
			opts.MaxBytes = 8 + int64(sel&0x0f)
		}
		r, err := NewReader(bytes.NewReader(data), "fuzz", format, opts)
		if err != nil {
			t.Fatalf("NewReader(%q) error = %v", format, err)
		}
		// Every item consumes at least one byte or line, so this bounds a
		// correct Reader with room to spare.
		for range 2*len(data) + 10 {
			m, err := r.Next(context.Background())
			if err == nil {
				for _, s := range []string{m.ID, m.Channel, m.From, m.Subject, m.Text, m.Source} {
					if !utf8.ValidString(s) {
						t.Fatalf("message field %q is not valid UTF-8: %+v", s, m)
					}
				}
				continue
			}
			var p *Problem
			if errors.As(err, &p) {
				if p.Err == nil {
					t.Fatalf("Problem without Err: %#v", p)
				}
				continue
			}
			if err != io.EOF && !errors.Is(err, ErrMissingField) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrMalformed) {
				t.Fatalf("Next() unexpected error %v", err)
			}
			return
		}
		t.Fatalf("Next did not reach the end of %d bytes", len(data))
	})
}
