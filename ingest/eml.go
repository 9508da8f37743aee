package ingest

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// trimBlankLines drops empty or white-space-only lines at the start; a
// blank first line would end the header before it begins.
func trimBlankLines(b []byte) []byte {
	for {
		i := bytes.IndexByte(b, '\n')
		if i < 0 || len(bytes.TrimSpace(b[:i])) > 0 {
			return b
		}
		b = b[i+1:]
	}
}

// startsWithHeader reports whether b starts with a header field
// ("Name: value"), optionally after an mbox "From " separator line.
func startsWithHeader(b []byte) bool {
	if bytes.HasPrefix(b, []byte("From ")) {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return false
		}
		b = b[i+1:]
	}
	name, _, ok := bytes.Cut(firstLine(b), []byte(":"))
	return ok && isFieldName(name)
}

// isFieldName reports whether b is an RFC 5322 field name: one or more
// printable US-ASCII characters other than ':'.
func isFieldName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	return bytes.TrimSuffix(b, []byte("\r"))
}

// mailHeaders are the header names that make the sniffer choose "eml"
// when one starts the first non-blank line. X- headers count too. The list
// is closed on purpose: a text line such as "Note: call me" must not turn
// a message list into a mail.
var mailHeaders = map[string]bool{
	"return-path": true, "received": true, "delivered-to": true,
	"message-id": true, "subject": true, "date": true, "from": true,
	"to": true, "cc": true, "reply-to": true, "sender": true,
	"mime-version": true, "content-type": true, "content-transfer-encoding": true,
	"in-reply-to": true, "references": true, "dkim-signature": true,
	"arc-seal": true, "authentication-results": true, "received-spf": true,
}

// looksLikeMailHeader reports whether line starts with a well-known mail
// header field.
func looksLikeMailHeader(line []byte) bool {
	name, _, ok := bytes.Cut(line, []byte(":"))
	if !ok || !isFieldName(name) {
		return false
	}
	n := strings.ToLower(string(name))
	return mailHeaders[n] || strings.HasPrefix(n, "x-") && len(n) > 2
}

// sniff guesses the format of a stream from its first bytes (after any
// byte order mark): "jsonl", "eml" or "text".
func sniff(head []byte) string {
	f, _ := sniffPrefix(head, true)
	return f
}

// sniffPrefix is sniff on a prefix of the stream. It reports false when
// the answer could still change with more bytes, unless final is set (the
// stream or the buffer has ended), in which case it always decides.
func sniffPrefix(head []byte, final bool) (string, bool) {
	rest := bytes.TrimLeft(head, " \t\r\n\f\v")
	if len(rest) > 0 && rest[0] == '{' {
		return "jsonl", true
	}
	b := trimBlankLines(head)
	complete := bytes.IndexByte(b, '\n') >= 0
	if !complete && !final {
		// The first line is still arriving. It can be decided early once
		// its field name has ended (':') or cannot be one.
		name, _, colon := bytes.Cut(b, []byte(":"))
		if !colon && (len(rest) == 0 || isFieldName(name)) {
			return "", false
		}
	}
	if looksLikeMailHeader(firstLine(b)) {
		return "eml", true
	}
	return "text", true
}

// isBinary reports whether b looks like binary data rather than text: a
// NUL byte, or more than 10% control characters, in the first 8 KiB.
// Bytes >= 0x80 are not counted, so 8-bit charsets pass.
func isBinary(b []byte) bool {
	if len(b) > 8<<10 {
		b = b[:8<<10]
	}
	ctrl := 0
	for _, c := range b {
		switch {
		case c == 0:
			return true
		case c == '\t', c == '\n', c == '\r', c == '\f', c == '\v', c == 0x1b: // ESC: ISO-2022-JP
		case c < 0x20, c == 0x7f:
			ctrl++
		}
	}
	return ctrl*10 > len(b)
}

// toUTF8 makes s valid UTF-8. enmime converts declared charsets, but mail
// that declares UTF-8 (or nothing) and carries Latin-1 bytes gets through
// unchanged. If s holds no valid multi-byte sequence at all it is taken to
// be windows-1252 (a superset of the printable ISO-8859-1 range) and
// decoded as such; otherwise invalid bytes become U+FFFD.
func toUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if size > 1 && r != utf8.RuneError {
			return strings.ToValidUTF8(s, "\uFFFD")
		}
		i += size
	}
	d, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return d
}
