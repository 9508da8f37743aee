package outbox

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/textproto"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Reply is an answer to a customer message, ready to be rendered as an
// RFC 5322 message by WriteEML or queued by Outbox.Put.
type Reply struct {
	// From is the sender, for example {Name: "Nordlicht Service",
	// Address: "service@nordlicht.example"}. Required: a Reply without a
	// usable From address fails with ErrNoSender.
	From mail.Address

	// To is the one customer mailbox the reply goes to: the name as it
	// should be shown (any text; it is quoted or encoded as needed and never
	// read as an address) and the address, which must be one RFC 5322
	// addr-spec. A reply goes to exactly one address: a Reply without a
	// usable To address fails with ErrNoRecipient.
	To mail.Address

	// Subject is the customer's subject. The reply subject is derived from
	// it by ReplySubject: existing answer prefixes are collapsed and one
	// "AW: " or "Re: " (by Lang) is put in front.
	Subject string

	// Lang selects the answer prefix: "de" (also "de-DE", "de_AT", any
	// case) gives "AW: ", anything else "Re: ".
	Lang string

	// Text is the plain-text body in UTF-8. Line breaks may be "\n" or
	// "\r\n"; they are written as CRLF.
	Text string

	// InReplyTo is the customer's Message-ID, with or without angle
	// brackets. Empty means the reply starts a new thread. An id that
	// cannot be a msg-id (white space or non-ASCII in it) is dropped, here
	// and in References.
	InReplyTo string

	// References are the customer's References. InReplyTo is appended
	// when missing, so passing only the customer's References header is
	// enough. Entries may hold several ids separated by white space.
	References []string

	// MessageID is the reply's Message-ID, with or without angle brackets;
	// it must contain "@". When empty a random one is generated as
	// <random@domain-of-From>; set it (see NewMessageID) when the caller
	// must know it in advance.
	MessageID string

	// Date is the message date. The zero value means time.Now().
	Date time.Time

	// Auto marks a reply sent without a human in the loop. It adds
	// "Auto-Submitted: auto-replied" (RFC 3834) and
	// "X-Auto-Response-Suppress: All" (stops Exchange out-of-office
	// answers). When false neither header is written: per RFC 3834 a
	// missing Auto-Submitted means "no", and some filters test only for
	// the header's presence.
	Auto bool

	// Loop is the value of the X-Loop header written on every reply, which
	// lets antwort (and other responders) recognise its own mail and never
	// answer it. Empty means DefaultLoop.
	Loop string

	// Headers are extra header fields such as "X-Antwort-Intent". Values
	// are unstructured text (RFC 2047-encoded when not ASCII); empty
	// values are skipped. Names of headers WriteEML writes itself and of
	// address headers (Cc, Bcc, Reply-To, Sender, ...) are rejected with
	// ErrInvalidHeader.
	Headers map[string]string
}

// DefaultLoop is the X-Loop value of replies when Reply.Loop is empty;
// ingest recognises it.
const DefaultLoop = "antwort"

// maxReferences caps the References header (RFC 5322 §3.6.4 allows
// trimming): the first id and the most recent ones are kept.
const maxReferences = 20

// maxLineLen is the length header lines are folded to: RFC 2047's limit
// for lines with encoded-words, within RFC 5322's 78.
const maxLineLen = 76

// reserved are the header fields WriteEML writes itself, plus address
// fields whose values could not be encoded as unstructured text.
var reserved = map[string]bool{
	"Date": true, "From": true, "To": true, "Cc": true, "Bcc": true,
	"Subject": true, "Message-Id": true, "In-Reply-To": true,
	"References": true, "Auto-Submitted": true,
	"X-Auto-Response-Suppress": true, "Mime-Version": true,
	"Content-Type": true, "Content-Transfer-Encoding": true,
	"Content-Disposition": true, "Sender": true, "Reply-To": true,
	"Return-Path": true, "X-Loop": true,
}

// WriteEML writes r to w as an RFC 5322 message: CRLF line endings, a
// single text/plain part in UTF-8 with quoted-printable transfer encoding,
// and RFC 2047 encoded-words for non-ASCII header text, so the whole
// message is 7-bit clean (unless an address itself is not ASCII; such
// RFC 6532 addresses are written as they are). Header lines are folded at
// 76 characters where the text allows it.
//
// In the body, a line starting with "From " or "." has its first byte
// encoded (=46, =2E), so the message survives mbox storage and SMTP
// dot-stuffing byte for byte. A Text without a final line break is written
// with a trailing soft line break, so decoders return it unchanged.
//
// WriteEML returns ErrNoSender, ErrNoRecipient or ErrInvalidHeader for
// unusable input, and writes nothing in that case.
func WriteEML(w io.Writer, r Reply) error {
	b, err := r.render()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// render returns r as a complete message.
func (r Reply) render() ([]byte, error) {
	from, err := mailbox(r.From)
	if err != nil {
		return nil, fmt.Errorf("%w: from: %v", ErrNoSender, err)
	}
	to, err := mailbox(r.To)
	if err != nil {
		return nil, fmt.Errorf("%w: to: %v", ErrNoRecipient, err)
	}

	msgID := r.MessageID
	if strings.TrimSpace(msgID) == "" {
		msgID = newMessageID(from.Address)
	} else {
		id, ok := normalizeMsgID(msgID)
		if !ok || !strings.Contains(id, "@") {
			return nil, fmt.Errorf("%w: message id %q", ErrInvalidHeader, r.MessageID)
		}
		msgID = id
	}
	extra, err := extraHeaders(r.Headers)
	if err != nil {
		return nil, err
	}

	date := r.Date
	if date.IsZero() {
		date = time.Now()
	}

	var b bytes.Buffer
	h := func(name, value string) { writeHeader(&b, name, value) }
	h("Date", date.Format(time.RFC1123Z))
	h("From", formatAddress("From", from))
	h("To", formatAddress("To", to))
	h("Subject", encodeText("Subject", ReplySubject(r.Subject, r.Lang)))
	h("Message-ID", msgID)
	inReplyTo, _ := normalizeMsgID(r.InReplyTo)
	if inReplyTo != "" {
		h("In-Reply-To", inReplyTo)
	}
	if refs := references(r.References, inReplyTo); len(refs) > 0 {
		h("References", strings.Join(refs, " "))
	}
	if r.Auto {
		h("Auto-Submitted", "auto-replied")
		h("X-Auto-Response-Suppress", "All")
	}
	loop := strings.TrimSpace(r.Loop)
	if loop == "" {
		loop = DefaultLoop
	}
	h("X-Loop", encodeText("X-Loop", loop))
	for _, kv := range extra {
		h(kv[0], kv[1])
	}
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	writeQuotedPrintable(&b, r.Text)
	return b.Bytes(), nil
}

// answerPrefix matches one answer prefix: "Re:", "AW:", "Antw:" in any
// case, optionally numbered ("Re[2]:", "AW(3):"), with optional blanks
// before the colon.
var answerPrefix = regexp.MustCompile(`^(?i:re|aw|antw)(?:\[\d+\]|\(\d+\))?[ \t]*:[ \t]*`)

// ReplySubject returns the subject of a reply to a message with the given
// subject: "AW: " when lang is German ("de", "de-DE", ...), else "Re: ",
// in front of the subject with all leading answer prefixes removed, so
// prefixes never stack: "Re: AW: Re: Ihre Bestellung" becomes
// "AW: Ihre Bestellung".
//
// Only answer prefixes are collapsed: "Re", "AW" and "Antw" in any case,
// optionally numbered as in "Re[2]:" or "AW(3):". Forward prefixes such as
// "WG:", "Fwd:" or "FW:" and anything after them are kept, so
// "Re: WG: Angebot" becomes "AW: WG: Angebot". Line breaks and other
// control characters become spaces.
func ReplySubject(subject, lang string) string {
	s := strings.TrimSpace(sanitize(subject))
	for {
		loc := answerPrefix.FindStringIndex(s)
		if loc == nil {
			break
		}
		s = strings.TrimSpace(s[loc[1]:])
	}
	prefix := "Re:"
	if isGerman(lang) {
		prefix = "AW:"
	}
	if s == "" {
		return prefix
	}
	return prefix + " " + s
}

func isGerman(lang string) bool {
	l := strings.ToLower(strings.TrimSpace(lang))
	return l == "de" || strings.HasPrefix(l, "de-") || strings.HasPrefix(l, "de_")
}

// NewMessageID returns a new random Message-ID "<random@domain>" whose
// domain is taken from the address of from. It fails with ErrNoSender when
// from holds no usable address.
func NewMessageID(from mail.Address) (string, error) {
	a, err := mailbox(from)
	if err != nil {
		return "", fmt.Errorf("%w: from: %v", ErrNoSender, err)
	}
	return newMessageID(a.Address), nil
}

func newMessageID(addr string) string {
	domain := "antwort.invalid"
	if i := strings.LastIndexByte(addr, '@'); i >= 0 && isMsgIDText(addr[i+1:]) {
		domain = addr[i+1:]
	}
	var buf [16]byte
	rand.Read(buf[:]) // never fails (crypto/rand, Go 1.24+)
	return "<" + hex.EncodeToString(buf[:]) + "@" + domain + ">"
}

// normalizeMsgID returns id in angle brackets, or false when it is empty
// or contains characters that cannot appear in a msg-id.
func normalizeMsgID(id string) (string, bool) {
	id = strings.TrimSpace(id)
	id = strings.TrimPrefix(id, "<")
	id = strings.TrimSuffix(id, ">")
	if !isMsgIDText(id) {
		return "", false
	}
	return "<" + id + ">", true
}

func isMsgIDText(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '<' || c == '>' {
			return false
		}
	}
	return true
}

// references returns the References ids: refs split at white space,
// normalized, deduplicated, with parent (if any) last, capped at
// maxReferences by dropping ids after the first one.
func references(refs []string, parent string) []string {
	var ids []string
	seen := map[string]bool{}
	for _, r := range refs {
		for _, f := range strings.Fields(strings.ReplaceAll(r, "><", "> <")) {
			id, ok := normalizeMsgID(f)
			if ok && !seen[id] && id != parent {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	if parent != "" {
		ids = append(ids, parent)
	}
	if len(ids) > maxReferences {
		ids = append(ids[:1], ids[len(ids)-maxReferences+1:]...)
	}
	return ids
}

// mailbox checks a for a header: its address must be exactly one
// addr-spec; its name is any text (control characters become spaces).
func mailbox(a mail.Address) (*mail.Address, error) {
	addr := strings.TrimSpace(a.Address)
	if addr == "" {
		return nil, errors.New("no address")
	}
	p, err := mail.ParseAddress("<" + addr + ">")
	if err != nil || p.Name != "" || strings.ContainsAny(addr, "\r\n") {
		return nil, fmt.Errorf("%q is not one mail address", addr)
	}
	return &mail.Address{Name: strings.TrimSpace(sanitize(a.Name)), Address: p.Address}, nil
}

// formatAddress renders a for the header field name: the name quoted as
// needed, or as encoded-words when it is not ASCII.
func formatAddress(name string, a *mail.Address) string {
	if !needsEncoding(a.Name) {
		return a.String() // quotes the name when needed
	}
	words := encodeWords(a.Name, firstWordLimit(name), true)
	return strings.Join(words, " ") + " " + (&mail.Address{Address: a.Address}).String()
}

// extraHeaders validates h and returns its non-empty fields, encoded and
// sorted by name.
func extraHeaders(h map[string]string) ([][2]string, error) {
	var out [][2]string
	seen := map[string]bool{}
	for name, value := range h {
		name = strings.TrimSpace(name)
		if !isFieldName(name) {
			return nil, fmt.Errorf("%w: field name %q", ErrInvalidHeader, name)
		}
		canon := textproto.CanonicalMIMEHeaderKey(name)
		if reserved[canon] {
			return nil, fmt.Errorf("%w: %s is set by WriteEML", ErrInvalidHeader, canon)
		}
		if seen[canon] {
			return nil, fmt.Errorf("%w: %s given twice", ErrInvalidHeader, canon)
		}
		seen[canon] = true
		value = strings.TrimSpace(sanitize(value))
		if value == "" {
			continue
		}
		out = append(out, [2]string{name, encodeText(name, value)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out, nil
}

// isFieldName reports whether s is an RFC 5322 field name short enough to
// leave room for a value on the first line.
func isFieldName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 33 || s[i] > 126 || s[i] == ':' {
			return false
		}
	}
	return true
}

// sanitize replaces control characters (CR and LF included, so nothing
// can inject a header) and invalid UTF-8 with spaces.
func sanitize(s string) string {
	if !strings.ContainsFunc(s, isBadRune) && utf8.ValidString(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isBadRune(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, " "))
}

func isBadRune(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0)
}

// encodeText returns unstructured header text for the field name:
// unchanged when it is printable ASCII, else as RFC 2047 Q encoded-words
// sized to fit folded lines.
//
// mime.QEncoding is not used on purpose. It leaves ASCII text that looks
// like an encoded-word as it is, so a subject "=?utf-8?q?x?=" would reach
// the customer as "x"; its first word may be 75 characters whatever the
// field name, so "Subject: " plus that word is longer than a header line
// may be (maxLineLen); and for display names it keeps ',', '"', '<' and
// '>' literal inside the word, which RFC 2047 §5 (3) forbids in a phrase
// and which a lax parser could split into a second recipient (see
// TestReplyGoesOnlyToSender).
func encodeText(name, s string) string {
	if !needsEncoding(s) {
		return s
	}
	return strings.Join(encodeWords(s, firstWordLimit(name), false), " ")
}

// needsEncoding reports whether header text must be sent as encoded-words:
// it is not printable ASCII, or it could be mistaken for an encoded-word.
func needsEncoding(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] > '~' {
			return true
		}
	}
	return strings.Contains(s, "=?")
}

const (
	maxEncodedWord = 75 // RFC 2047 §2
	wordOpen       = "=?utf-8?q?"
	wordClose      = "?="
)

// firstWordLimit is the longest encoded-word that fits on the first line
// of the header field name.
func firstWordLimit(name string) int {
	return max(min(maxEncodedWord, maxLineLen-len(name)-2), 24)
}

// encodeWords encodes s as RFC 2047 Q encoded-words: the first at most
// first characters long, the others at most 75. Characters are never split
// across words. phrase selects the stricter character set for display
// names (RFC 2047 §5 (3)).
func encodeWords(s string, first int, phrase bool) []string {
	var words []string
	var w strings.Builder
	limit := first
	flush := func() {
		words = append(words, wordOpen+w.String()+wordClose)
		w.Reset()
		limit = maxEncodedWord
	}
	var buf [utf8.UTFMax]byte
	for _, r := range s {
		n := utf8.EncodeRune(buf[:], r)
		var enc []byte
		for _, c := range buf[:n] {
			switch {
			case c == ' ':
				enc = append(enc, '_')
			case isQLiteral(c, phrase):
				enc = append(enc, c)
			default:
				enc = append(enc, '=', hexDigits[c>>4], hexDigits[c&0x0f])
			}
		}
		if w.Len() > 0 && len(wordOpen)+w.Len()+len(enc)+len(wordClose) > limit {
			flush()
		}
		w.Write(enc)
	}
	if w.Len() > 0 || len(words) == 0 {
		flush()
	}
	return words
}

// isQLiteral reports whether c may stand for itself in a Q encoded-word.
func isQLiteral(c byte, phrase bool) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	case phrase:
		return c == '!' || c == '*' || c == '+' || c == '-' || c == '/'
	default:
		return c > ' ' && c <= '~' && c != '=' && c != '?' && c != '_'
	}
}

// writeHeader writes "name: value" folded at spaces to lines of at most
// maxLineLen characters where the value allows it.
func writeHeader(b *bytes.Buffer, name, value string) {
	b.WriteString(name)
	b.WriteString(":")
	lineLen := len(name) + 1
	for i, word := range strings.Split(value, " ") {
		switch {
		case i == 0:
		case word != "" && lineLen+1+len(word) > maxLineLen:
			b.WriteString("\r\n")
			lineLen = 0
		}
		b.WriteByte(' ')
		b.WriteString(word)
		lineLen += 1 + len(word)
	}
	b.WriteString("\r\n")
}

// writeQuotedPrintable writes text as a quoted-printable body (RFC 2045
// §6.7) with CRLF line breaks and lines of at most 76 characters. Beyond
// the RFC, "." and the "F" of "From " at the start of an encoded line are
// escaped. Text without a final line break ends with a soft line break.
//
// mime/quotedprintable.Writer is not used on purpose: it writes "." and
// "From " at the start of a line literally, so a message would change in
// mbox storage (">From ") and with SMTP servers that mishandle a leading
// dot, and it ends text without a final line break without one, so the
// message would not end in CRLF. Otherwise the two agree, but for a line
// of exactly 76 characters, which it breaks after 75.
func writeQuotedPrintable(b *bytes.Buffer, text string) {
	if text == "" {
		return
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lines := strings.Split(text, "\n")
	final := !strings.HasSuffix(text, "\n")
	if !final {
		lines = lines[:len(lines)-1]
	}
	for i, line := range lines {
		encodeQPLine(b, line)
		if final && i == len(lines)-1 {
			b.WriteString("=\r\n")
		} else {
			b.WriteString("\r\n")
		}
	}
}

const hexDigits = "0123456789ABCDEF"

// encodeQPLine writes one line of text (no line break) as one or more
// encoded lines joined by soft line breaks.
func encodeQPLine(b *bytes.Buffer, line string) {
	col := 0
	var tok [3]byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		last := i == len(line)-1
		literal := (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last)
		if literal && col == 0 && (c == '.' || (c == 'F' && strings.HasPrefix(line[i:], "From "))) {
			literal = false
		}
		n := 1
		if literal {
			tok[0] = c
		} else {
			tok = [3]byte{'=', hexDigits[c>>4], hexDigits[c&0x0f]}
			n = 3
		}
		// An encoded line holds 76 characters; a line that continues
		// needs one of them for the soft break "=".
		limit := 75
		if last {
			limit = 76
		}
		if col+n > limit {
			b.WriteString("=\r\n")
			col = 0
			i-- // re-encode c: the start-of-line rules may now apply
			continue
		}
		b.Write(tok[:n])
		col += n
	}
}
