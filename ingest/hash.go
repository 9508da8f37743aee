package ingest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// hashedFields are the header fields of a mail that its ContentHash
// covers, besides the body: what the writer wrote, not what a relay
// added on the way (Received, Return-Path, Delivered-To, X-…).
var hashedFields = [...]string{"from", "to", "cc", "subject", "date"}

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
	sc := hashScratch.Get().(*mailHashScratch)
	defer hashScratch.Put(sc)
	// The hashed fields' words, runs of white space as one space; a
	// folded line continues the field above it.
	var seen [len(hashedFields)]bool
	words := &sc.words
	for i := range words {
		words[i] = words[i][:0]
	}
	cur := -1 // index in words of the field being read, -1 for others
	var body []byte
	for len(data) > 0 {
		line := data
		var rest []byte
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
				words[cur] = appendWords(words[cur], line)
			}
			continue
		}
		cur = -1
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		name = bytes.TrimSpace(name)
		ascii := isASCII(name) // then EqualFold needs the same length
		for i, f := range hashedFields {
			if !seen[i] && (!ascii || len(name) == len(f)) && strings.EqualFold(string(name), f) {
				cur, seen[i] = i, true
				words[i] = appendWords(words[i], value)
			}
		}
	}
	// What is hashed: each field's words with their length in front (see
	// writeField), then the body with "\n" line ends and without trailing
	// blank space.
	b := sc.buf[:0]
	for _, w := range words {
		b = strconv.AppendInt(b, int64(len(w)), 10)
		b = append(b, ':')
		b = append(b, w...)
	}
	// The body with "\r\n" as "\n" and without trailing blanks, hashed
	// piece by piece rather than copied (a big mail's body is not held
	// twice): trimming first gives the same bytes, as a trimmed end never
	// splits a "\r\n".
	sc.buf = b
	h := sc.h
	h.Reset()
	h.Write(b)
	body = bytes.TrimRight(body, "\n\r\t ")
	if len(body) <= hashCopyMax {
		// A body of common size is copied into one buffer without the
		// '\r's and hashed with one Write rather than one per line.
		b := sc.body[:0]
		for {
			i := bytes.Index(body, []byte("\r\n"))
			if i < 0 {
				b = append(b, body...)
				break
			}
			b = append(b, body[:i]...)
			body = body[i+1:] // from the '\n'
		}
		h.Write(b)
		sc.body = b
		body = nil
	}
	for len(body) > 0 {
		i := bytes.Index(body, []byte("\r\n"))
		if i < 0 {
			h.Write(body)
			break
		}
		h.Write(body[:i])
		body = body[i+1:] // from the '\n'
	}
	return hex.EncodeToString(h.Sum(sc.sum[:0])[:16])
}

// mailHashScratch is MailHash's memory, reused between mails.
type mailHashScratch struct {
	words [len(hashedFields)][]byte
	buf   []byte // the fields' words, hashed before the body
	body  []byte // the body without '\r' before '\n', up to hashCopyMax bytes
	h     hash.Hash
	sum   [sha256.Size]byte
}

// hashCopyMax is the largest body MailHash copies (see MailHash).
const hashCopyMax = 64 << 10

var hashScratch = sync.Pool{New: func() any { return &mailHashScratch{h: sha256.New()} }}

// appendWords appends the words of s (as strings.Fields splits them) to
// dst, each after a space unless dst is empty. ASCII bytes are looked up
// in asciiSpace; others are decoded and asked unicode.IsSpace.
func appendWords(dst, s []byte) []byte {
	// Most values are printable ASCII words between single spaces, with
	// blanks at either end: they are their own words.
	if t := trimLeftBlank(trimRightBlank(s)); plainWordBytes(t) {
		if len(t) > 0 && len(dst) > 0 {
			dst = append(dst, ' ')
		}
		return append(dst, t...)
	}
	for len(s) > 0 {
		if c := s[0]; c < utf8.RuneSelf {
			if asciiSpace[c] {
				s = s[1:]
				continue
			}
		} else if r, size := utf8.DecodeRune(s); unicode.IsSpace(r) {
			s = s[size:]
			continue
		}
		j := 0
		for j < len(s) {
			c := s[j]
			if c < utf8.RuneSelf {
				if asciiSpace[c] {
					break
				}
				j++
				continue
			}
			r, size := utf8.DecodeRune(s[j:])
			if unicode.IsSpace(r) {
				break
			}
			j += size
		}
		if len(dst) > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, s[:j]...)
		s = s[j:]
	}
	return dst
}

// plainWordBytes is plainWords for bytes: b is printable ASCII words
// between single spaces, without space at either end.
func plainWordBytes(b []byte) bool {
	if len(b) > 0 && (b[0] == ' ' || b[len(b)-1] == ' ') {
		return false
	}
	for i, c := range b {
		if c < ' ' || c > '~' || c == ' ' && b[i-1] == ' ' {
			return false
		}
	}
	return true
}

// isASCII reports whether b has only ASCII bytes.
func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiSpace marks the ASCII bytes unicode.IsSpace reports.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

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
