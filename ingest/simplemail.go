package ingest

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"hash/maphash"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jhillyerd/enmime/v2"
	"github.com/jhillyerd/enmime/v2/mediatype"
)

// enmime reads every header twice (its repair pass, then textproto), reads
// multipart bodies byte by byte, and allocates several 4 KiB buffers per
// part; for the common mails of a batch that was most of the time of
// Parse. readSimpleMail builds the MIME tree of a common mail (a header
// and one decoded body, or one level of such parts between boundary
// lines) the way enmime.Parser.ReadParts does and leaves the rest (the
// envelope: text, HTML, attachments) to enmime.Parser.EnvelopeFromPart.
//
// It takes only what it can read exactly as enmime does and reports false
// for anything else, which readEnvelope then gives to enmime: header lines
// that enmime would repair (no colon, a bad field name, a stray CR, no
// blank line after the header), nested multiparts and boundary lines
// enmime could read another way (see readParts), media type parameters
// enmime would warn about or decode (name, file, modification-date), a
// Content-Disposition, parts without Content-Type, transfer encodings
// other than quoted-printable, base64 and the identity ones, and text
// whose charset would need converting or guessing. So the parts it builds
// carry no enmime warnings either. TestSimpleMailSameAsEnmime and
// FuzzSimpleMailSameAsEnmime compare it with enmime.

// simpleParser is the parser of readEnvelope with a media type memo
// shared by all mails (sharedMediaType) instead of one per mail.
var simpleParser = enmime.NewParser(
	enmime.SkipMalformedParts(true),
	enmime.MultipartWOBoundaryAsSinglePart(true),
	enmime.StripMediaTypeInvalidCharacters(true),
	enmime.DisableCharacterDetection(true),
	enmime.MaxStoredPartErrors(10),
	enmime.SetReadPartErrorPolicy(enmime.AllowCorruptTextPartErrorPolicy),
	enmime.DisableTextConversion(true),
	enmime.SetCustomParseMediaType(sharedMediaType),
)

// mediaTypeSlots remember the latest results of sharedMediaType, one per
// slot, a value's slot chosen by its hash: enmime parses a part's
// Content-Type and Content-Disposition several times in a row, and the
// parts of most mails have a few Content-Type values. enmime only reads
// the parameter maps, so handing out the same one to several mails is
// safe.
var (
	mediaTypeSlots [256]atomic.Pointer[mediaTypeEntry]
	mediaTypeSeed  = maphash.MakeSeed()
)

// sharedMediaType is enmime's media type parser with
// StripMediaTypeInvalidCharacters set, as mediaTypeMemo.parse, but safe
// for concurrent use.
func sharedMediaType(ctype string) (string, map[string]string, []string, error) {
	slot := &mediaTypeSlots[maphash.String(mediaTypeSeed, ctype)%uint64(len(mediaTypeSlots))]
	if e := slot.Load(); e != nil && e.ctype == ctype {
		return e.mtype, e.params, e.invalid, e.err
	}
	mtype, params, invalid, err := mediatype.ParseWithOptions(ctype, mediatype.ParseOptions{StripMediaTypeInvalidCharacters: true})
	if len(ctype) <= 200 {
		slot.Store(&mediaTypeEntry{ctype, mtype, params, invalid, err})
	}
	return mtype, params, invalid, err
}

// rootTemplate is a root part as simpleParser reads it. A Part keeps
// the parser that read it in an unexported field, which
// EnvelopeFromPart consults (media types, error limits); the parts
// readSimpleMail builds are copies of this one with every exported field
// set anew.
var rootTemplate = func() *enmime.Part {
	p, err := simpleParser.ReadParts(strings.NewReader("Content-Type: text/plain; charset=utf-8\r\n\r\nx"))
	if err != nil {
		panic("ingest: enmime cannot read a template part: " + err.Error())
	}
	return p
}()

// readSimpleMail returns the envelope enmime would read from data, when
// data is a mail readSimpleMail can read (see above); ok is false
// otherwise.
func readSimpleMail(data []byte) (env *enmime.Envelope, ok bool) {
	h, bodyStart, ok := readSimpleHeader(data)
	if !ok {
		return nil, false
	}
	root, ok := newPart(h, `text/plain; charset="us-ascii"`) // enmime's default for the top level
	if !ok {
		return nil, false
	}
	root.PartID = "0"
	switch {
	case !strings.HasPrefix(root.ContentType, "multipart/"):
		ok = decodePart(root, data[bodyStart:])
	case root.Boundary != "":
		ok = readParts(root, data[bodyStart:])
	default:
		ok = false // a multipart without boundary, which enmime reads as one part
	}
	if !ok {
		return nil, false
	}
	env, err := simpleParser.EnvelopeFromPart(root)
	return env, err == nil
}

// newPart returns a part with the fields enmime's Part.setupHeaders sets
// from the header h; defaultType is the Content-Type of a part without
// one. ok is false when enmime would warn about the part, or decode its
// file name or date: no Content-Type where there is no default, a
// Content-Type enmime cannot parse or with parameters it drops, a file
// name, a Content-Disposition, a modification date.
func newPart(h textproto.MIMEHeader, defaultType string) (p *enmime.Part, ok bool) {
	ctype := firstValue(h, "Content-Type")
	if ctype == "" {
		ctype = defaultType
	}
	if ctype == "" {
		return nil, false
	}
	mtype, params, invalid, err := sharedMediaType(ctype)
	switch {
	case err != nil, len(invalid) > 0, mtype == "":
		return nil, false
	case params["name"] != "", params["file"] != "", params["modification-date"] != "":
		return nil, false
	case firstValue(h, "Content-Disposition") != "":
		return nil, false
	}
	p = new(enmime.Part)
	*p = *rootTemplate // for the parser it refers to; every exported field is set below
	p.PartID = ""
	p.Parent, p.FirstChild, p.NextSibling = nil, nil, nil
	p.Header = h
	p.Boundary = params["boundary"]
	p.ContentID = fromIDHeader(firstValue(h, "Content-Id"))
	p.ContentType = mtype
	p.ContentTypeParams = nil
	p.Disposition, p.FileName = "", ""
	p.FileModDate = time.Time{}
	p.Charset, p.OrigCharset = params["charset"], ""
	p.Errors = nil
	p.Content, p.ContentReader, p.Epilogue = nil, nil, nil
	return p, true
}

// decodePart sets the content of the leaf part p from its body as
// enmime's Part.decodeContent does: the transfer encoding undone, text
// converted to UTF-8. ok is false where enmime would guess the charset
// (text without one), convert it, or warn.
func decodePart(p *enmime.Part, body []byte) (ok bool) {
	text := strings.HasPrefix(p.ContentType, "text/")
	if text && p.Charset == "" {
		return false
	}
	p.Content, ok = decodeBody(firstValue(p.Header, "Content-Transfer-Encoding"), body)
	return ok && (!text || sameInUTF8(p.Charset, p.Content))
}

// readParts reads the parts of the multipart root from its body as
// enmime's parseParts does, for one level of parts that are not
// multipart themselves, between boundary lines that enmime's boundary
// reader can only read one way: every "--boundary" in the body up to the
// closing one starts a line and is followed by white space (a delimiter
// line) or "--" (the closing line), and the line break before it is
// "\n" or "\r\n" after something else than "\r". (enmime looks for the
// boundary anywhere in a line and, at the start of a part, anywhere.)
//
// A part's content ends before the line break in front of the next
// boundary line; what follows the closing line is the root's epilogue.
func readParts(root *enmime.Part, body []byte) bool {
	delim := []byte("--" + root.Boundary)
	if len(delim) > 100 {
		return false // enmime peeks at most 4 KiB ahead; RFC 2046 allows 70 bytes
	}
	final := append(delim[:len(delim):len(delim)], "--"...)
	var last *enmime.Part
	parts := 0
	start := -1 // where the current part starts, after its delimiter line
	for pos := 0; ; {
		i := bytes.Index(body[pos:], delim)
		if i < 0 {
			return false // no closing line: enmime warns
		}
		q := pos + i
		if q > 0 && body[q-1] != '\n' {
			return false
		}
		after := body[q+len(delim):]
		closing := bytes.HasPrefix(after, []byte("--"))
		if !closing && (len(after) == 0 || !isBoundarySpace(after[0])) {
			return false
		}
		if start >= 0 {
			// The part's content ends at the line break before q.
			end := q - 1
			if q-2 >= start && body[q-2] == '\r' {
				end = q - 2
			}
			if q-3 >= start && body[q-3] == '\r' && body[q-2] != '\n' {
				return false // before a delimiter line, enmime ends the part at that '\r'
			}
			if end < start {
				return false
			}
			p, ok := readPart(body[start:end])
			if !ok {
				return false
			}
			parts++
			p.PartID = strconv.Itoa(parts)
			p.Parent = root
			if last == nil {
				root.FirstChild = p
			} else {
				last.NextSibling = p
			}
			last = p
		} else if closing {
			return false // no parts
		}
		nl := bytes.IndexByte(after, '\n')
		if closing {
			rest := []byte{}
			if nl >= 0 {
				rest = after[nl+1:]
			}
			root.Epilogue = append(make([]byte, 0, len(rest)), rest...)
			return true
		}
		if nl < 0 || bytes.Contains(body[q:q+len(delim)+nl], final) {
			return false // enmime takes a line with "--boundary--" anywhere for the closing one
		}
		start = q + len(delim) + nl + 1
		pos = start
	}
}

// isBoundarySpace reports whether c after "--boundary" makes a delimiter
// line for enmime (which asks unicode.IsSpace; the bytes it also takes,
// '\v', '\f', 0x85 and 0xA0, are left to enmime).
func isBoundarySpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n'
}

// readPart reads one part of a multipart (its header and content) as
// enmime does; ok is false for a part that is multipart itself or that
// newPart or decodePart leave to enmime.
func readPart(stream []byte) (p *enmime.Part, ok bool) {
	h, bodyStart, ok := readSimpleHeader(stream)
	if !ok {
		return nil, false
	}
	if p, ok = newPart(h, ""); !ok || p.Boundary != "" {
		return nil, false
	}
	return p, decodePart(p, stream[bodyStart:])
}

// readSimpleHeader reads the header at the start of data as enmime's
// ReadHeader does, and the position after the blank line that ends it;
// ok is false for a header ReadHeader would repair or complain about.
//
// ReadHeader reads each line, joins continuation lines (each trimmed) to
// their field with a space, trims the field's line and then parses the
// result with textproto: the field name is canonicalised and the value
// trimmed of spaces and tabs.
func readSimpleHeader(data []byte) (h textproto.MIMEHeader, end int, ok bool) {
	// First the fields (name, start and end of the value in vals), then
	// the header, with all values in one string.
	type field struct {
		name       []byte
		start, end int
	}
	var (
		fieldsBuf [32]field
		fields    = fieldsBuf[:0]
		valsBuf   [1024]byte // on the stack; the values are copied into one string below
		vals      = valsBuf[:0]
		pos       = 0
	)
	closeField := func() {
		if k := len(fields) - 1; k >= 0 && fields[k].end < 0 {
			v := trimRightBlank(vals[fields[k].start:])
			vals = vals[:fields[k].start+len(v)]
			fields[k].start = len(vals) - len(trimLeftBlank(v))
			fields[k].end = len(vals)
		}
	}
	for {
		i := bytes.IndexByte(data[pos:], '\n')
		if i < 0 {
			return nil, 0, false // no blank line: enmime reads to the end
		}
		line := data[pos : pos+i]
		pos += i + 1
		line = bytes.TrimSuffix(line, []byte("\r"))
		if bytes.IndexByte(line, '\r') >= 0 {
			return nil, 0, false
		}
		if len(line) == 0 {
			closeField()
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if len(fields) == 0 {
				return nil, 0, false // a header starting with a continuation line is malformed
			}
			vals = append(append(vals, ' '), trimLeftBlank(trimRightBlank(line))...)
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			return nil, 0, false // ReadHeader repairs or skips it
		}
		for _, c := range line[:colon] {
			if !emailFieldByte(c) {
				return nil, 0, false
			}
		}
		closeField()
		fields = append(fields, field{name: line[:colon], start: len(vals), end: -1})
		vals = append(vals, trimRightBlank(line[colon+1:])...)
	}
	all := string(vals)
	h = make(textproto.MIMEHeader, len(fields))
	strs := make([]string, len(fields)) // as textproto: one backing array for single values
	for _, f := range fields {
		key := canonicalKey(f.name)
		if vv := h[key]; vv != nil {
			h[key] = append(vv, all[f.start:f.end])
			continue
		}
		vv := strs[:1:1]
		strs = strs[1:]
		vv[0] = all[f.start:f.end]
		h[key] = vv
	}
	return h, pos, true
}

// trimRightBlank is bytes.TrimRight(b, " \t"), without the set that
// builds.
func trimRightBlank(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}

// trimLeftBlank is bytes.TrimLeft(b, " \t").
func trimLeftBlank(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

// emailFieldByte reports whether c may be part of a field name for
// enmime's textproto (printable US-ASCII but ':').
func emailFieldByte(c byte) bool {
	return '!' <= c && c <= '~' && c != ':'
}

// commonKeys are canonical field names of mail, kept so that
// canonicalKey need not allocate them.
var commonKeys = func() map[string]string {
	m := map[string]string{}
	for _, k := range commonKeyList {
		m[k] = k
	}
	return m
}()

// commonKeyList lists commonKeys, the most common first.
var commonKeyList = []string{
	"From", "To", "Subject", "Date", "Message-Id", "Mime-Version", "Content-Type", "Content-Transfer-Encoding",
	"Return-Path", "Received", "Cc", "Reply-To", "In-Reply-To", "References",
	"Content-Disposition", "Content-Id", "Content-Language", "X-Mailer", "User-Agent",
	"Dkim-Signature", "Authentication-Results", "Thread-Topic", "Thread-Index", "Importance",
	"X-Priority", "Precedence", "Auto-Submitted", "List-Id", "List-Unsubscribe", "X-Loop",
	"Delivered-To", "Sender", "Organization", "X-Originating-Ip", "Arc-Seal",
}

// spelledKeys holds field names as mails commonly spell them (the
// canonical form, and "Message-ID", "MIME-Version", …) with their
// canonical form, each in the slot spelledSlot gives it, so that
// canonicalKey finds most names with one comparison. A name whose slot
// another holds is made the long way.
var spelledKeys = func() (t [256]struct{ spelled, key string }) {
	add := func(sp string) {
		if e := &t[spelledSlot([]byte(sp))]; e.spelled == "" {
			e.spelled, e.key = sp, canonicalKeySlow([]byte(sp))
		}
	}
	for _, k := range commonKeyList {
		add(k)
		add(strings.NewReplacer("-Id", "-ID", "Mime-", "MIME-", "Dkim-", "DKIM-", "-Ip", "-IP").Replace(k))
	}
	for _, k := range commonKeyList {
		add(strings.ToLower(k))
		add(strings.ToUpper(k))
	}
	return t
}()

// spelledSlot is where spelledKeys keeps the name spelled as name.
func spelledSlot(name []byte) int {
	if len(name) < 2 {
		return 0
	}
	h := uint(len(name))
	h = h*33 + uint(name[1])
	h = h*33 + uint(name[len(name)/2])
	h = h*33 + uint(name[len(name)-1])
	return int(h^h>>7) & 255
}

// canonicalKey is the canonical form of a field name of emailFieldBytes,
// as textproto makes it: upper case at the start and after '-', lower
// case elsewhere.
func canonicalKey(name []byte) string {
	if e := &spelledKeys[spelledSlot(name)]; e.spelled == string(name) && e.spelled != "" {
		return e.key
	}
	return canonicalKeySlow(name)
}

// canonicalKeySlow is canonicalKey without spelledKeys.
func canonicalKeySlow(name []byte) string {
	var buf [64]byte
	b := buf[:0]
	if len(name) > len(buf) {
		b = make([]byte, 0, len(name))
	}
	upper := true
	for _, c := range name {
		switch {
		case upper && 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		case !upper && 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		b = append(b, c)
		upper = c == '-'
	}
	if k, ok := commonKeys[string(b)]; ok {
		return k
	}
	return string(b)
}

// fromIDHeader is enmime's decoding of a Content-ID value.
func fromIDHeader(v string) string {
	if v == "" {
		return v
	}
	v = strings.TrimLeft(v, "<")
	v = strings.TrimRight(v, ">")
	if r, err := url.QueryUnescape(v); err == nil {
		v = r
	}
	return v
}

// decodeBody undoes the transfer encoding cte of body as enmime does;
// ok is false for an encoding it does not know, or content enmime would
// warn about.
func decodeBody(cte string, body []byte) (content []byte, ok bool) {
	switch strings.ToLower(cte) {
	case "quoted-printable":
		// Other quoted-printable bodies go to enmime, whose cleaner
		// escapes what Go's decoder would reject.
		return decodeCleanQP(body)
	case "base64":
		return decodeBase64(body)
	case "7bit", "8bit", "binary", "":
		return bytes.Clone(body), true
	}
	return nil, false
}

// sameInUTF8 reports whether enmime's conversion of content from charset
// to UTF-8 leaves it as it is: for UTF-8, and for ASCII text declared in
// a charset that extends ASCII.
func sameInUTF8(charset string, content []byte) bool {
	switch strings.ToLower(charset) {
	case "utf-8", "utf8", "utf8mb4", "unicode-1-1-utf-8":
		return true
	case "us-ascii", "ascii", "iso-8859-1", "iso8859-1", "latin1", "windows-1252", "cp1252", "iso-8859-15":
		for _, c := range content {
			if c >= 0x80 {
				return false
			}
		}
		return true
	}
	return false
}

// decodeCleanQP decodes a quoted-printable body that enmime's cleaner
// passes on as it is, in one pass, as mime/quotedprintable does; ok is
// false for other bodies. Such a body has only printable ASCII, tabs and
// line breaks, no run of more than 1000 bytes without '\r' or '\n', and
// every '=' is followed by two hex digits or a line break, and by two more
// bytes at least (the cleaner escapes an '=' near the end, and may lose
// what follows it).
//
// mime/quotedprintable reads such a body line by line: white space at the
// end of a line is dropped, then a final '=' is dropped with the line
// break (a soft break), or else the line break is kept as "\n" or
// "\r\n"; "=XY" is the byte with hex value XY (in either case).
func decodeCleanQP(body []byte) ([]byte, bool) {
	run := 0
	for i := 0; i < len(body); i++ {
		// Eight text bytes (printable ASCII but '=') at a time.
		for i+8 <= len(body) {
			const ones, highs = 0x0101010101010101, 0x8080808080808080
			x := binary.LittleEndian.Uint64(body[i:])
			del, eq := x^0x7F*ones, x^'='*ones
			if x&highs != 0 || (x-0x20*ones)&^x&highs != 0 || (del-ones)&^del&highs != 0 || (eq-ones)&^eq&highs != 0 {
				break
			}
			if run += 8; run > 1000 {
				return nil, false
			}
			i += 8
		}
		if i >= len(body) {
			break
		}
		switch qpClass[body[i]] {
		case qpText:
		case qpBreak:
			run = 0
			continue
		case qpEquals:
			if i+2 >= len(body) {
				return nil, false
			}
			a, b := body[i+1], body[i+2]
			if !(a == '\n' || a == '\r' && b == '\n' || isHex(a) && isHex(b)) {
				return nil, false
			}
		default:
			return nil, false
		}
		if run++; run > 1000 {
			return nil, false
		}
	}
	out := make([]byte, 0, len(body))
	for len(body) > 0 {
		line := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i+1], body[i+1:]
		} else {
			body = nil
		}
		t := line // bytes.TrimRight(line, " \t\r\n"), without the set that builds
		for len(t) > 0 && (t[len(t)-1] == ' ' || t[len(t)-1] == '\t' || t[len(t)-1] == '\r' || t[len(t)-1] == '\n') {
			t = t[:len(t)-1]
		}
		soft := len(t) > 0 && t[len(t)-1] == '='
		if soft {
			t = t[:len(t)-1]
		}
		// Every '=' left in t is followed by two hex digits (checked
		// above); the bytes between are copied as they are.
		for {
			j := bytes.IndexByte(t, '=')
			if j < 0 {
				out = append(out, t...)
				break
			}
			out = append(out, t[:j]...)
			out = append(out, unhex(t[j+1])<<4|unhex(t[j+2]))
			t = t[j+3:]
		}
		switch {
		case soft, line[len(line)-1] != '\n':
		case len(line) >= 2 && line[len(line)-2] == '\r':
			out = append(out, '\r', '\n')
		default:
			out = append(out, '\n')
		}
	}
	return out, true
}

// Classes of bytes in a quoted-printable body for decodeCleanQP.
const (
	qpInvalid = iota // a byte the cleaner escapes: other control bytes, 8-bit bytes
	qpText           // printable ASCII but '=', and tab
	qpBreak          // '\r' and '\n'
	qpEquals         // '='
)

var qpClass = func() (t [256]uint8) {
	for c := ' '; c <= '~'; c++ {
		t[c] = qpText
	}
	t['\t'], t['\r'], t['\n'], t['='] = qpText, qpBreak, qpBreak, qpEquals
	return t
}()

// isHex reports whether c is a hex digit, in either case.
func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' || 'a' <= c && c <= 'f'
}

// unhex is the value of the hex digit c.
func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// decodeBase64 decodes a base64 body as enmime does (white space and '='
// dropped, then decoded without padding); ok is false for a body with
// other bytes enmime would warn about or that does not decode.
func decodeBase64(body []byte) ([]byte, bool) {
	clean := make([]byte, 0, len(body))
	for _, c := range body {
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '+', c == '/':
			clean = append(clean, c)
		case c == ' ', c == '\t', c == '\r', c == '\n', c == '=':
			// dropped, as enmime drops them
		default:
			return nil, false // enmime warns about it
		}
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	n, err := base64.RawStdEncoding.Decode(out, clean)
	if err != nil {
		return nil, false
	}
	return out[:n], true
}
