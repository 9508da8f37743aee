package ingest

import (
	"bytes"
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// oldMailHash is MailHash as it was before it worked in reused memory:
// the reference for TestMailHashSameAsOld and FuzzMailHashSameAsOld.
func oldMailHash(raw []byte) string {
	data := bytes.TrimPrefix(raw, []byte("\uFEFF"))
	data = bytes.TrimLeft(data, "\r\n \t")
	if bytes.HasPrefix(data, []byte("From ")) { // an mbox separator
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		}
	}
	fields := make([][]byte, len(hashedFields))
	cur := -1 // index in fields of the field being read, -1 for others
	body := []byte(nil)
	for len(data) > 0 {
		line := data
		rest := []byte(nil)
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, rest = data[:i], data[i+1:]
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			body = rest
			break
		}
		data = rest
		if line[0] == ' ' || line[0] == '\t' {
			if cur >= 0 {
				fields[cur] = append(fields[cur], ' ')
				fields[cur] = append(fields[cur], line...)
			}
			continue
		}
		cur = -1
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		for i, f := range hashedFields {
			if fields[i] == nil && strings.EqualFold(string(bytes.TrimSpace(name)), f) {
				cur = i
				fields[i] = append([]byte{}, value...)
			}
		}
	}
	h := sha256.New()
	for _, f := range fields {
		writeField(h, strings.Join(strings.Fields(string(f)), " "))
	}
	body = bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n"))
	h.Write(bytes.TrimRight(body, "\n\r\t "))
	return sum(h)
}

// hashSeeds are mails and header variants MailHash must hash as the old
// code did: folded, repeated and oddly cased fields, Unicode white space,
// invalid UTF-8, CRLF, mbox separators, no body.
var hashSeeds = []string{
	"Subject: a\n  b\tc\nFrom: x\nSUBJECT: other\n continued\nTo:\n\nbody\r\n\r\n",
	"From x Tue Mar  3 10:00:00 2026\nFrom: \u00a0Anna\u2003Schulz <a@b>\nDate: 1\n\n\n",
	"\uFEFF\r\n  Cc: \xff\xfe y\n\tz\nSubject:\n",
	"ſubject: Kelvin \u212a\nsubject: x\n\nText\r\nmit CRLF\r\n \t\n",
	"no header line\nSubject: y\n\nbody", "", "\n\n", "Date: \u0085next\u0085line\n\nx",
}

func TestMailHashSameAsOld(t *testing.T) {
	var mails [][]byte
	for _, s := range hashSeeds {
		mails = append(mails, []byte(s))
	}
	for _, dir := range []string{"../testdata/mail", "testdata/corpus", "../bench/out/batch/mail100000/new"} {
		n := 0
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || n >= 3000 {
				return nil
			}
			if b, err := os.ReadFile(p); err == nil {
				mails = append(mails, b)
				n++
			}
			return nil
		})
	}
	for _, raw := range mails {
		if got, want := MailHash(raw), oldMailHash(raw); got != want {
			t.Errorf("MailHash(%.200q) = %s, old %s", raw, got, want)
		}
	}
}

func FuzzMailHashSameAsOld(f *testing.F) {
	seedFiles(f, "../testdata/mail", "testdata/corpus")
	for _, s := range hashSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if got, want := MailHash(raw), oldMailHash(raw); got != want {
			t.Errorf("MailHash(%q) = %s, old %s", raw, got, want)
		}
	})
}
