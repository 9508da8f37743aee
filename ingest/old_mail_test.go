package ingest

// This file keeps the behaviour of mail.go (and of source.go's
// readMailBytes) from before the performance work of 2026-12 as the
// reference the differential tests compare with. Identifiers carry the
// prefix "old"; do not change the code.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime"
	"net/mail"
	"os"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/inbucket/html2text"
	"github.com/jhillyerd/enmime/v2"
	"golang.org/x/text/encoding/charmap"
)

// oldParseMessage turns the raw bytes of one mail into a Message (without
// Source). The caller has checked the size.
func oldParseMessage(raw []byte, opts Options) (*Message, error) {
	return oldParseMessageDepth(raw, opts, 0)
}

func oldParseMessageDepth(raw []byte, opts Options, depth int) (*Message, error) {
	data := bytes.TrimPrefix(raw, []byte("\uFEFF"))
	data = trimBlankLines(data)
	data = bytes.TrimLeft(data, " \t") // " From: …": a first header indented by a broken relay
	// An mbox "From " line in front of a single message.
	if bytes.HasPrefix(data, []byte("From ")) {
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		}
	}
	hasNUL := bytes.IndexByte(data, 0) >= 0
	switch {
	case oldLooksBinary(data):
		return nil, errorf(ErrBinary, "binary data, not a mail message")
	case !startsWithHeader(data) && hasNUL:
		return nil, errorf(ErrBinary, "binary data, not a mail message")
	case !startsWithHeader(data):
		return nil, errorf(ErrNotMail, "not a mail message: no RFC 5322 header at the start")
	case hasNUL:
		data = bytes.ReplaceAll(data, []byte{0}, nil)
	}
	if err := oldCheckStructure(data, limitOr(opts.MaxHeaderBytes, defaultHeaderMax)); err != nil {
		return nil, err
	}
	p := enmime.NewParser(
		enmime.SkipMalformedParts(true),
		enmime.MultipartWOBoundaryAsSinglePart(true),
		enmime.StripMediaTypeInvalidCharacters(true),
		enmime.DisableCharacterDetection(true), // trust the declared charset; oldFixMojibake and toUTF8 repair the rest
		enmime.MaxStoredPartErrors(10),
		enmime.SetReadPartErrorPolicy(enmime.AllowCorruptTextPartErrorPolicy),
	)
	env, err := p.ReadEnvelope(bytes.NewReader(data))
	if err != nil {
		return nil, errorf(ErrMalformed, "cannot parse mail: %v", err)
	}

	m := &Message{
		Channel:    "email",
		Subject:    oldHeaderText(env.GetHeader("Subject")),
		InReplyTo:  oldFirstMsgID(env.GetHeader("In-Reply-To")),
		References: oldMsgIDs(env.GetHeader("References")),
		Size:       int64(len(raw)),
	}
	m.ID = oldFirstMsgID(env.GetHeader("Message-Id"))
	if m.ID == "" {
		m.ID = oldContentID(raw)
	}
	m.Date = oldParseDate(env.GetHeader("Date"))
	m.Attachments = oldAttachments(env)
	text := oldBodyText(env)
	if text == "" && depth < maxEmbedded {
		text = oldEmbeddedText(env, opts, depth)
	}
	m.Text = text
	if !opts.NoClean {
		c := oldClean(m.Text)
		m.Text, m.Quoted, m.Signature = c.Text, c.Quoted, c.Signature
	}
	m.Auto = oldAutoReason(env, m.Subject, opts)
	if m.Subject == "" && m.Text == "" && m.Quoted == "" && m.Signature == "" {
		return nil, errorf(ErrNoText, "mail has neither subject nor text")
	}
	if opts.KeepRaw {
		m.Raw = raw
	}
	return m, nil
}

// oldContentID is the ID of a mail without Message-ID: the SHA-256 of its
// raw bytes.
func oldContentID(raw []byte) string {
	sum := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// oldLooksBinary reports whether b is binary data rather than a mail: more
// than 10% control characters (NUL included) in the first 8 KiB. Bytes
// >= 0x80 are not counted, so 8-bit charsets pass; a few stray NUL bytes
// in a text mail do not make it binary (they are dropped).
func oldLooksBinary(b []byte) bool {
	if len(b) > 8<<10 {
		b = b[:8<<10]
	}
	ctrl := 0
	for _, c := range b {
		switch {
		case c == '\t', c == '\n', c == '\r', c == '\f', c == '\v', c == 0x1b: // ESC: ISO-2022-JP
		case c < 0x20, c == 0x7f:
			ctrl++
		}
	}
	return ctrl*10 > len(b)
}

// ---- structure ----

// oldCheckStructure walks the header and the MIME boundaries of data without
// decoding anything, so that over-long header fields and pathological
// nesting are rejected before enmime sees them.
func oldCheckStructure(data []byte, maxField int64) error {
	pos, ctype, err := oldScanHeader(data, 0, maxField)
	if err != nil {
		return err
	}
	var stack []string
	if b := oldBoundaryOf(ctype); b != "" {
		stack = append(stack, b)
	}
	parts := 0
	for pos < len(data) && len(stack) > 0 {
		line, next := oldLineAt(data, pos)
		pos = next
		if !bytes.HasPrefix(line, []byte("--")) {
			continue
		}
		level, closing := -1, false
		for k := len(stack) - 1; k >= 0; k-- {
			if rest, ok := bytes.CutPrefix(line[2:], []byte(stack[k])); ok {
				level, closing = k, bytes.HasPrefix(rest, []byte("--"))
				break
			}
		}
		switch {
		case level < 0:
			continue
		case closing:
			stack = stack[:level]
			continue
		}
		stack = stack[:level+1]
		if parts++; parts > maxParts {
			return errorf(ErrTooComplex, "mail has more than %d MIME parts", maxParts)
		}
		end, ct, err := oldScanHeader(data, pos, maxField)
		if err != nil {
			return err
		}
		pos = end
		if b := oldBoundaryOf(ct); b != "" {
			if stack = append(stack, b); len(stack) > maxDepth {
				return errorf(ErrTooComplex, "MIME parts nested more than %d levels deep (line %d)", maxDepth, oldLineNumber(data, pos))
			}
		}
	}
	return nil
}

// oldLineAt returns the line starting at pos without its line ending, and
// the position after it.
func oldLineAt(data []byte, pos int) ([]byte, int) {
	i := bytes.IndexByte(data[pos:], '\n')
	if i < 0 {
		return data[pos:], len(data)
	}
	line := data[pos : pos+i]
	return bytes.TrimSuffix(line, []byte("\r")), pos + i + 1
}

func oldLineNumber(data []byte, pos int) int {
	return bytes.Count(data[:min(pos, len(data))], []byte("\n")) + 1
}

// oldScanHeader reads a header section starting at pos up to and including
// the blank line that ends it. It returns the position after it and the
// unfolded Content-Type value, and an error wrapping ErrTooLarge when a
// field (with its continuation lines) is longer than maxField.
func oldScanHeader(data []byte, pos int, maxField int64) (int, string, error) {
	var (
		fieldStart = pos
		fieldLen   int64
		ctype      []byte
		inCtype    bool
	)
	for pos < len(data) {
		line, next := oldLineAt(data, pos)
		if len(bytes.TrimSpace(line)) == 0 {
			return next, string(ctype), nil
		}
		if line[0] == ' ' || line[0] == '\t' {
			fieldLen += int64(len(line))
			if inCtype && int64(len(ctype)) < maxField {
				ctype = append(append(ctype, ' '), bytes.TrimSpace(line)...)
			}
		} else {
			fieldStart, fieldLen = pos, int64(len(line))
			name, value, _ := bytes.Cut(line, []byte(":"))
			inCtype = bytes.EqualFold(bytes.TrimSpace(name), []byte("Content-Type"))
			if inCtype && int64(len(line)) <= maxField {
				ctype = append(ctype[:0], bytes.TrimSpace(value)...)
			}
		}
		if fieldLen > maxField {
			name, _, _ := bytes.Cut(data[fieldStart:min(fieldStart+80, len(data))], []byte(":"))
			return 0, "", errorf(ErrTooLarge, "header field %q at line %d is longer than %d bytes",
				oldTruncate(string(name), 40), oldLineNumber(data, fieldStart), maxField)
		}
		pos = next
	}
	return pos, string(ctype), nil
}

func oldTruncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

var oldBoundaryRE = regexp.MustCompile(`(?i)boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))`)

// oldBoundaryOf returns the boundary of a multipart Content-Type, or "".
func oldBoundaryOf(ctype string) string {
	if !strings.HasPrefix(strings.ToLower(strings.TrimSpace(ctype)), "multipart/") {
		return ""
	}
	if _, params, err := mime.ParseMediaType(ctype); err == nil && params["boundary"] != "" {
		return params["boundary"]
	}
	if m := oldBoundaryRE.FindStringSubmatch(ctype); m != nil {
		return m[1] + m[2]
	}
	return ""
}

// ---- headers ----

// oldHeaderText cleans a decoded header value: valid UTF-8 (repairing
// mislabelled charsets), no control characters, white space collapsed.
func oldHeaderText(s string) string {
	return strings.Join(strings.Fields(oldDropControls(oldFixMojibake(toUTF8(s)))), " ")
}

var oldMsgIDRE = regexp.MustCompile(`<([^<>\s]+)>`)

// oldMsgIDs returns the message IDs in a References or In-Reply-To value,
// without angle brackets. Values without brackets are split at white
// space and commas.
func oldMsgIDs(v string) []string {
	v = strings.ToValidUTF8(v, "")
	var ids []string
	if ms := oldMsgIDRE.FindAllStringSubmatch(v, -1); ms != nil {
		for _, m := range ms {
			ids = append(ids, m[1])
		}
		return ids
	}
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return unicode.IsSpace(r) || r == ',' }) {
		if strings.Contains(f, "@") {
			ids = append(ids, f)
		}
	}
	return ids
}

// oldFirstMsgID returns the first message ID in v without angle brackets, or
// the trimmed value when it has no brackets and no white space.
func oldFirstMsgID(v string) string {
	v = strings.TrimSpace(strings.ToValidUTF8(v, ""))
	if m := oldMsgIDRE.FindStringSubmatch(v); m != nil {
		return m[1]
	}
	v = strings.Trim(v, "<>")
	if v == "" || strings.ContainsAny(v, " \t\r\n") {
		return ""
	}
	return v
}

// oldDateLayouts are tried after net/mail.ParseDate, for Date headers that
// mail clients and spam tools wrote outside RFC 5322.
var oldDateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700 (MST)",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 -0700",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"2 Jan 2006 15:04:05 MST",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 MST 2006",
	"Monday, January 2, 2006 15:04:05 -0700",
	time.RFC3339,
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
}

// oldParseDate parses a Date header; the zero time means unknown.
func oldParseDate(v string) time.Time {
	v = strings.Join(strings.Fields(v), " ")
	if v == "" {
		return time.Time{}
	}
	if t, err := mail.ParseDate(v); err == nil {
		return t
	}
	for _, l := range oldDateLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t
		}
	}
	// Drop a trailing comment or zone name: "… +0100 (CET)", "… +0100 CET".
	if i := strings.LastIndexAny(v, " ("); i > 0 {
		if t, err := mail.ParseDate(strings.TrimSpace(v[:i])); err == nil {
			return t
		}
	}
	return time.Time{}
}

// ---- body ----

// oldBodyText returns the decoded text of a mail: the first text/plain part
// of a multipart/alternative, all text/plain parts of other multiparts
// separated by a blank line, or the HTML part converted to text.
func oldBodyText(env *enmime.Envelope) string {
	var text string
	root := env.Root
	if root != nil && root.FirstChild != nil {
		isText := func(p *enmime.Part) bool {
			return p.ContentType == "text/plain" && p.Disposition != "attachment" && p.FileName == ""
		}
		if strings.EqualFold(root.ContentType, "multipart/alternative") {
			if p := root.BreadthMatchFirst(isText); p != nil {
				text = string(p.Content)
			}
		} else {
			var parts []string
			for _, p := range root.DepthMatchAll(isText) {
				parts = append(parts, string(p.Content))
			}
			text = strings.Join(parts, "\n\n")
		}
	} else {
		text = env.Text
	}
	text = oldBodyClean(text)
	if text == "" && root != nil && root.FirstChild == nil && strings.HasPrefix(root.ContentType, "multipart/") {
		// A multipart without boundary, read as one part.
		text = oldBodyClean(string(root.Content))
	}
	if text == "" && strings.TrimSpace(env.HTML) != "" {
		if t, err := html2text.FromString(env.HTML); err == nil {
			text = oldBodyClean(t)
		}
	}
	return text
}

// oldBodyClean makes decoded body text valid UTF-8 with "\n" line endings and
// no control characters, and trims it.
func oldBodyClean(s string) string {
	s = oldFixMojibake(toUTF8(s))
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimSpace(oldDropControls(s))
}

// oldDropControls removes control characters other than tab and line feed,
// and U+FEFF.
func oldDropControls(s string) string {
	oldClean := true
	for _, r := range s {
		if r != '\n' && r != '\t' && (unicode.IsControl(r) || r == '\uFEFF') {
			oldClean = false
			break
		}
	}
	if oldClean {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && (unicode.IsControl(r) || r == '\uFEFF') {
			return -1
		}
		return r
	}, s)
}

// oldMojibakeRE matches UTF-8 that was decoded as ISO-8859-1 or windows-1252:
// "Ã¤" for "ä", "â€™" for "’".
var oldMojibakeRE = regexp.MustCompile(`Ã[\x{80}-\x{BF}\x{152}\x{153}\x{160}\x{161}\x{178}\x{17D}\x{17E}\x{192}\x{2C6}\x{2DC}\x{2013}\x{2014}\x{2018}-\x{201E}\x{2020}-\x{2022}\x{2026}\x{2030}\x{2039}\x{203A}\x{20AC}\x{2122}]|â€`)

// oldFixMojibake undoes UTF-8 text decoded as ISO-8859-1 or windows-1252, as
// happens when a mail declares the wrong charset: when s holds such a
// sequence and encoding it back to single bytes gives valid UTF-8 with
// fewer of them, that is returned. (Genuine Latin-1 text with non-ASCII
// letters practically never re-encodes to valid UTF-8.)
func oldFixMojibake(s string) string {
	if !strings.Contains(s, "Ã") && !strings.Contains(s, "â€") || !oldMojibakeRE.MatchString(s) {
		return s
	}
	for _, enc := range []*charmap.Charmap{charmap.Windows1252, charmap.ISO8859_1} {
		b, err := enc.NewEncoder().Bytes([]byte(s))
		if err != nil || !utf8.Valid(b) {
			continue
		}
		if fixed := string(b); len(oldMojibakeRE.FindAllStringIndex(fixed, -1)) < len(oldMojibakeRE.FindAllStringIndex(s, -1)) {
			return fixed
		}
	}
	return s
}

// oldEmbeddedText returns the text of the first message/rfc822 part that
// parses, for a mail that forwards a message as an attachment and has no
// text of its own.
func oldEmbeddedText(env *enmime.Envelope, opts Options, depth int) string {
	for _, p := range append(append([]*enmime.Part{}, env.Attachments...), env.OtherParts...) {
		if !strings.EqualFold(p.ContentType, "message/rfc822") || len(p.Content) == 0 {
			continue
		}
		o := opts
		o.NoClean = true
		inner, err := oldParseMessageDepth(p.Content, o, depth+1)
		if err != nil {
			continue
		}
		if inner.Text != "" {
			return inner.Text
		}
	}
	return ""
}

// oldAttachments lists the parts of a mail that are not its body text:
// oldAttachments, inline images, forwarded messages, delivery reports.
func oldAttachments(env *enmime.Envelope) []Attachment {
	var out []Attachment
	seen := map[*enmime.Part]bool{}
	add := func(ps []*enmime.Part, skipText bool) {
		for _, p := range ps {
			if seen[p] {
				continue
			}
			seen[p] = true
			ct := strings.ToLower(p.ContentType)
			if p == env.Root && strings.HasPrefix(ct, "multipart/") {
				continue // a multipart without boundary: its content is the text
			}
			if skipText && (ct == "text/plain" || ct == "text/html") && p.FileName == "" {
				continue // body text marked inline
			}
			out = append(out, Attachment{Name: oldHeaderText(p.FileName), Type: ct, Size: len(p.Content)})
		}
	}
	add(env.Attachments, false)
	add(env.Inlines, true)
	add(env.OtherParts, true)
	return out
}

// ---- loop protection ----

// oldAutoHeaders are headers whose presence (with any value but "no" or
// "false") marks a machine-written mail.
var oldAutoHeaders = []string{
	"X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Response", "X-Autogenerated",
	"X-Mail-Autoreply", "X-Autoreply-From", "X-FC-MachineGenerated",
}

var oldAutoSubjectRE = regexp.MustCompile(`(?i)^[\s\[(*]*(?:` +
	`abwesenheitsnotiz|automatische antwort|automatic reply|auto(?:matic)?[- ]?(?:reply|response)\b|` +
	`out of (?:the )?office\b|i am out of the office|ich bin (?:derzeit |zurzeit )?nicht im b(?:ü|ue)ro|` +
	`undeliverable\s*:|unzustellbar\s*:|nicht zustellbar\s*:|undelivered mail returned to sender|` +
	`mail delivery failed|delivery status notification|returned mail\s*:|failure notice|` +
	`zustellung fehlgeschlagen|benachrichtigung (?:zum|über den) (?:übermittlungsstatus|zustellstatus)` +
	`)`)

// oldAutoReason returns why a mail must not be answered, or "" when it may
// be: our own reply (X-Loop, Message-ID domain), an auto-reply, a bounce
// or delivery report, bulk or list mail.
func oldAutoReason(env *enmime.Envelope, subject string, o Options) string {
	loopID := o.LoopID
	if loopID == "" {
		loopID = "antwort"
	}
	for _, v := range env.GetHeaderValues("X-Loop") {
		if strings.EqualFold(strings.TrimSpace(v), loopID) {
			return "X-Loop: " + loopID + " (our own reply)"
		}
	}
	if id := oldFirstMsgID(env.GetHeader("Message-Id")); id != "" && len(o.OwnDomains) > 0 {
		if _, domain, ok := strings.Cut(id, "@"); ok {
			domain = strings.ToLower(domain)
			for _, own := range o.OwnDomains {
				own = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(own), "@"))
				if own != "" && (domain == own || strings.HasSuffix(domain, "."+own)) {
					return "Message-ID domain " + domain + " (our own message)"
				}
			}
		}
	}
	if root := env.Root; root != nil && strings.EqualFold(root.ContentType, "multipart/report") {
		var rt string
		if _, params, err := mime.ParseMediaType(root.Header.Get("Content-Type")); err == nil {
			rt = strings.ToLower(params["report-type"])
		}
		switch rt {
		case "delivery-status":
			return "multipart/report (delivery status notification)"
		case "disposition-notification":
			return "multipart/report (read receipt)"
		}
		return strings.TrimSuffix("multipart/report ("+oldHeaderText(rt)+")", " ()")
	}
	for _, v := range env.GetHeaderValues("Return-Path") {
		if strings.TrimSpace(v) == "<>" {
			return "Return-Path: <> (bounce)"
		}
	}
	if v := strings.TrimSpace(env.GetHeader("Auto-Submitted")); v != "" && !strings.EqualFold(v, "no") {
		return "Auto-Submitted: " + oldHeaderText(v)
	}
	for _, h := range oldAutoHeaders {
		for _, v := range env.GetHeaderValues(h) {
			if v = strings.TrimSpace(v); !strings.EqualFold(v, "no") && !strings.EqualFold(v, "false") {
				return h + ": " + oldTruncate(oldHeaderText(v), 60)
			}
		}
	}
	switch p := strings.ToLower(strings.TrimSpace(env.GetHeader("Precedence"))); p {
	case "bulk", "list", "junk", "auto_reply", "auto-reply":
		return "Precedence: " + p
	}
	if v := strings.TrimSpace(env.GetHeader("List-Id")); v != "" {
		return "List-Id: " + oldTruncate(oldHeaderText(v), 80)
	}
	if env.GetHeader("List-Unsubscribe") != "" {
		return "List-Unsubscribe (newsletter or mailing list)"
	}
	if addrs, err := mail.ParseAddressList(env.GetHeader("From")); err == nil && len(addrs) == 1 {
		local, _, _ := strings.Cut(strings.ToLower(addrs[0].Address), "@")
		if local == "mailer-daemon" || local == "postmaster" {
			return "From: " + addrs[0].Address + " (bounce)"
		}
	}
	if m := oldAutoSubjectRE.FindString(subject); m != "" {
		return "subject: " + strings.TrimSpace(strings.TrimLeft(strings.TrimRight(m, " :"), " [(*"))
	}
	return ""
}

// oldReadMailBytes reads one mail file of at most max bytes. It returns nil,
// nil for a path that is not a regular file.
func oldReadMailBytes(path string, max int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, pathErr(err)
	}
	if !fi.Mode().IsRegular() {
		return nil, nil
	}
	if fi.Size() > max {
		return nil, errorf(ErrTooLarge, "file is %d bytes, over the limit of %d", fi.Size(), max)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, pathErr(err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, pathErr(err)
	}
	if int64(len(raw)) > max {
		return nil, errorf(ErrTooLarge, "file is over the limit of %d bytes", max)
	}
	if raw == nil {
		raw = []byte{}
	}
	return raw, nil
}
