package ingest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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
				for _, s := range append(addressStrings(m), m.ID, m.Channel, m.Subject, m.Text, m.Source) {
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

// seedFiles adds every file below dirs (up to 64 KiB) to the corpus.
func seedFiles(f *testing.F, dirs ...string) {
	for _, dir := range dirs {
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.Contains(p, string(filepath.Separator)+"fuzz"+string(filepath.Separator)) {
				return nil
			}
			if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
			return nil
		})
	}
}

// FuzzParse feeds arbitrary bytes to the mail parser. It must never
// panic or hang; an error must wrap one of the package's sentinels; a
// message must have an ID, the input's size, and only valid UTF-8 without
// NUL bytes in its text fields.
func FuzzParse(f *testing.F) {
	seedFiles(f, "../testdata/mail", "testdata/corpus")
	for _, s := range []string{
		"", "From: a\n\nb", "Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\nSubject: y\n\nz\n--b--",
		"Subject: =?utf-8?b?w7w=?=\nContent-Type: text/html; charset=iso-8859-1\n\n<p>Gr\xfc\xdfe</p>",
		"Subject: x\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\n\n--r\n\nx\n--r--",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(context.Background(), bytes.NewReader(data), Options{KeepRaw: true})
		if err != nil {
			if kindOf(err) == "other: "+err.Error() {
				t.Fatalf("Parse error %q wraps no sentinel", err)
			}
			return
		}
		if m.ID == "" || m.Size != int64(len(data)) || m.Channel != "email" || !bytes.Equal(m.Raw, data) {
			t.Fatalf("ID %q, Size %d (want %d), Channel %q, Raw equal %v", m.ID, m.Size, len(data), m.Channel, bytes.Equal(m.Raw, data))
		}
		fields := append(addressStrings(m), m.ID, m.Subject, m.Text, m.Quoted, m.Signature, m.InReplyTo, m.Auto)
		fields = append(fields, m.References...)
		for _, a := range m.Attachments {
			fields = append(fields, a.Name, a.Type)
		}
		for _, s := range fields {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Fatalf("field %q is not valid UTF-8 or has a NUL byte", s)
			}
		}
		if m.Subject == "" && m.Text == "" && m.Quoted == "" && m.Signature == "" {
			t.Fatalf("message without subject and text: %+v", m)
		}
	})
}

// FuzzClean checks that Clean never panics and loses no line: every
// non-blank input line is in Text, Quoted or Signature.
func FuzzClean(f *testing.F) {
	seedFiles(f, "../testdata/mail/clean")
	for _, s := range []string{"", "Gruß", "a\n-- \nb", "> x\ny\n> z", "Am 1.1.2026 um 10:00 schrieb a <b@c>:\nq", "x\n\nVon: a\nGesendet: b\nBetreff: c\n\nd"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := string(data)
		c := Clean(in)
		all := c.Text + "\n" + c.Quoted + "\n" + c.Signature
		norm := strings.ReplaceAll(strings.ReplaceAll(in, "\r\n", "\n"), "\r", "\n")
		for _, l := range strings.Split(norm, "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.Contains(all, l) {
				t.Fatalf("line %q lost: %+v", l, c)
			}
		}
		if utf8.ValidString(in) && (!utf8.ValidString(c.Text) || !utf8.ValidString(c.Quoted) || !utf8.ValidString(c.Signature)) {
			t.Fatalf("valid input gave invalid UTF-8: %+v", c)
		}
		for _, s := range []string{c.Text, c.Quoted, c.Signature} {
			if s != strings.TrimSpace(s) || strings.Contains(s, "\n\n\n") {
				t.Fatalf("part not trimmed or with runs of blank lines: %q", s)
			}
		}
	})
}
