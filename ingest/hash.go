package ingest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strconv"
	"strings"
	"time"
)

// hashedFields are the header fields of a mail that its ContentHash
// covers, besides the body: what the writer wrote, not what a relay
// added on the way (Received, Return-Path, Delivered-To, X-…).
var hashedFields = []string{"from", "to", "cc", "subject", "date"}

// MailHash returns the ContentHash that Parse gives the raw mail, without
// parsing it: 128 bits of a SHA-256, in hex, of the values of the From,
// To, Cc, Subject and Date fields as written (unfolded, runs of white
// space as one space) and of the body bytes (line ends as "\n", trailing
// blank lines dropped). It reads only bytes, never decodes, so it stays
// the same whatever this package's decoding and cleaning become.
func MailHash(raw []byte) string {
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
	// The body with "\r\n" as "\n" and without trailing blanks, written
	// piece by piece rather than copied: trimming first gives the same
	// bytes, as a trimmed end never splits a "\r\n".
	body = bytes.TrimRight(body, "\n\r\t ")
	for {
		i := bytes.Index(body, []byte("\r\n"))
		if i < 0 {
			h.Write(body)
			break
		}
		h.Write(body[:i])
		body = body[i+1:] // from the '\n'
	}
	return sum(h)
}

// postHash is the ContentHash of a post read from JSONL, CSV or a text
// line: a SHA-256 of its channel, author, subject, date and text as read.
func postHash(m *Message) string {
	h := sha256.New()
	date := ""
	if !m.Date.IsZero() {
		date = m.Date.UTC().Format(time.RFC3339Nano)
	}
	for _, f := range []string{m.Channel, m.From.String(), m.Subject, date} {
		writeField(h, f)
	}
	h.Write([]byte(m.Text))
	return sum(h)
}

// writeField writes s with its length in front, so that no two lists of
// fields write the same bytes.
func writeField(h hash.Hash, s string) {
	h.Write(strconv.AppendInt(nil, int64(len(s)), 10))
	h.Write([]byte{':'})
	h.Write([]byte(s))
}

// sum returns the first 128 bits of h's sum in hex.
func sum(h hash.Hash) string {
	return hex.EncodeToString(h.Sum(nil)[:16])
}
