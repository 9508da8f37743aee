package ingest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/inbucket/html2text"
	"github.com/jhillyerd/enmime/v2"
	"github.com/jhillyerd/enmime/v2/mediatype"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/encoding/charmap"
)

// Limits on the MIME structure of one mail. enmime nests one reader per
// multipart level, so parsing time grows with the square of the depth;
// mail clients nest a handful of levels and rarely write more than a few
// dozen parts.
const (
	maxParts         = 1000
	maxDepth         = 32
	maxEmbedded      = 3         // message/rfc822 levels parsed for text
	defaultHeaderMax = 128 << 10 // one header field, continuation lines included
	defaultTextMax   = 64 << 10  // text kept per message (Options.MaxText)
	htmlPerText      = 4         // HTML bytes read per byte of text kept
)

// Parse reads one RFC 5322 mail from r and returns it as a Message with
// every field filled as far as the mail allows: ID (the Message-ID
// without angle brackets, or "sha256:<hex>" of the raw bytes when there is
// none), ContentHash, Channel "email", From, To, Subject (RFC 2047
// decoded), Date, InReplyTo, References, Attachments (listed, not
// parsed), Size, Auto (see Options.LoopID), and Text, cleaned into Text,
// Quoted and Signature by Clean unless Options.NoClean is set.
//
// The body text is the text/plain part (all of them, in order, for
// multipart/mixed); mail with only an HTML part is converted to text. Body
// and headers are converted to UTF-8 from their declared charset; text
// declared as UTF-8 that is not, and UTF-8 that was declared as ISO-8859-1
// or windows-1252 ("Ã¼" for "ü"), are repaired. NUL bytes and other
// control characters are dropped. When a mail has no text of its own but
// forwards a message as an attachment (message/rfc822), the text of that
// message is used.
//
// Parse reads at most Options.MaxBytes (default 25 MiB) plus one byte.
// Errors wrap ErrTooLarge (the mail or one header field is over its
// limit, see Options.MaxHeaderBytes), ErrTooComplex (more than 1000 MIME
// parts or multipart nesting deeper than 32), ErrBinary, ErrNotMail (no
// header at the start), ErrMalformed (enmime cannot parse it) or ErrNoText
// (neither subject nor text); a read error is returned as it is.
func Parse(ctx context.Context, r io.Reader, opts Options) (*Message, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	max := limitOr(opts.MaxBytes, defaultFileMax)
	raw, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(raw)) > max {
		return nil, errorf(ErrTooLarge, "mail is over the limit of %d bytes", max)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return parseMessage(raw, opts)
}

// parseMessage turns the raw bytes of one mail into a Message (without
// Source). The caller has checked the size.
func parseMessage(raw []byte, opts Options) (*Message, error) {
	return parseMessageDepth(raw, opts, 0, false)
}

// parseMessageDepth parses a mail forwarded depth levels deep. With
// enmimeOnly, every mail is read by enmime alone, not the common ones by
// readSimpleMail (the differential tests compare the two).
func parseMessageDepth(raw []byte, opts Options, depth int, enmimeOnly bool) (*Message, error) {
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
	case looksBinary(data):
		return nil, errorf(ErrBinary, "binary data, not a mail message")
	case !startsWithHeader(data) && hasNUL:
		return nil, errorf(ErrBinary, "binary data, not a mail message")
	case !startsWithHeader(data):
		return nil, errorf(ErrNotMail, "not a mail message: no RFC 5322 header at the start")
	case hasNUL:
		data = bytes.ReplaceAll(data, []byte{0}, nil)
	}
	leaves, err := checkStructure(data, limitOr(opts.MaxHeaderBytes, defaultHeaderMax), partMax(opts))
	if err != nil {
		return nil, err
	}
	if len(leaves) > 0 {
		// Only so much of a part is read; see MaxText.
		data = shrink(data, leaves, partMax(opts))
	}
	env, err := readEnvelope(data, enmimeOnly)
	if err != nil {
		return nil, errorf(ErrMalformed, "cannot parse mail: %v", err)
	}

	from := readAddressHeader(rawHeader(env, "From"))
	m := &Message{
		Channel:    "email",
		To:         readAddressHeader(rawHeader(env, "To")).addrs,
		Subject:    headerText(headerValue(env, "Subject")),
		InReplyTo:  firstMsgID(headerValue(env, "In-Reply-To")),
		References: msgIDs(headerValue(env, "References")),
		Size:       int64(len(raw)),
	}
	m.ID = firstMsgID(headerValue(env, "Message-Id"))
	if m.ID == "" {
		m.ID = contentID(raw)
	}
	var warn string
	if m.From, warn = from.one("From"); warn != "" {
		m.Warnings = append(m.Warnings, warn)
	}
	if replyTo := readAddressHeader(rawHeader(env, "Reply-To")); replyTo.raw != "" {
		if m.ReplyTo, warn = replyTo.one("Reply-To"); warn != "" {
			m.Warnings = append(m.Warnings, warn+"; the reply goes to From")
		}
	}
	if depth == 0 {
		m.ContentHash = MailHash(raw)
	}
	m.Date = parseDate(headerValue(env, "Date"))
	m.Attachments = attachments(env)
	text, note, noText, cut := bodyText(env, textMax(opts))
	if note != "" {
		m.Warnings = append(m.Warnings, note)
	}
	m.cutWarning(cut)
	if text == "" && noText == "" {
		switch {
		case !forwardsMessage(env) && len(m.Attachments) > 0:
			noText = "the mail has no text of its own, only attachments"
		case !forwardsMessage(env):
		case depth < maxEmbedded:
			var cut int64
			text, noText, cut = embeddedText(env, opts, depth, enmimeOnly)
			m.cutWarning(int(cut))
		default:
			noText = fmt.Sprintf("the mail forwards messages nested more than %d levels deep; their text was not read", maxEmbedded)
		}
	}
	if text == "" && noText != "" {
		m.setNoText(noText)
	}
	m.Text = text
	if !opts.NoClean {
		m.clean()
	}
	m.Auto = autoReason(env, from, m.Subject, opts)
	if m.Auto == "" {
		m.Auto = ownReason(m, opts)
	}
	if m.Subject == "" && m.Text == "" && m.Quoted == "" && m.Signature == "" {
		return nil, errorf(ErrNoText, "mail has neither subject nor text")
	}
	if opts.KeepRaw {
		m.Raw = raw
	}
	return m, nil
}

// readEnvelope parses a mail with enmime, with the options this package
// relies on; the common mails are read by readSimpleMail (which leaves
// only the envelope to enmime) unless enmimeOnly is set.
func readEnvelope(data []byte, enmimeOnly bool) (*enmime.Envelope, error) {
	if !enmimeOnly {
		if env, ok := readSimpleMail(data); ok {
			return env, nil
		}
	}
	memo := new(mediaTypeMemo)
	p := enmime.NewParser(
		enmime.SkipMalformedParts(true),
		enmime.MultipartWOBoundaryAsSinglePart(true),
		enmime.StripMediaTypeInvalidCharacters(true),
		enmime.DisableCharacterDetection(true), // trust the declared charset; fixMojibake and toUTF8 repair the rest
		enmime.DisableTextConversion(true),     // bodyText converts HTML itself, without emphasis markup
		enmime.MaxStoredPartErrors(10),
		enmime.SetReadPartErrorPolicy(enmime.AllowCorruptTextPartErrorPolicy),
		enmime.SetCustomParseMediaType(memo.parse),
		enmime.DisableTextConversion(true), // bodyText converts HTML itself, once
	)
	br := rootReaders.Get().(*bufio.Reader)
	br.Reset(bytes.NewReader(data))
	env, err := p.ReadEnvelope(br)
	br.Reset(nil) // do not hold on to the mail
	rootReaders.Put(br)
	return env, err
}

// rootReaders holds the buffered readers enmime reads mails through.
// enmime.Parser.ReadParts takes a *bufio.Reader of at least its default
// size (4096 bytes) as it is instead of allocating and clearing a new one
// for every mail; it reads the mail to its end and keeps no reference.
var rootReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}

// mediaTypeMemo remembers the media types enmime parses in one mail.
// enmime parses the Content-Type of a part up to five times and an absent
// Content-Disposition several times, with the same result each time.
// enmime only reads the results (it keeps no parameter map in a Part), so
// handing out the same map again is safe. It is not safe for concurrent
// use.
type mediaTypeMemo struct {
	n       int
	entries [8]mediaTypeEntry
}

type mediaTypeEntry struct {
	ctype, mtype string
	params       map[string]string
	invalid      []string
	err          error
}

// parse is enmime's own media type parser as enmime calls it when
// StripMediaTypeInvalidCharacters is set (an option it ignores once a
// custom parser is set), remembering the results of the first eight
// values.
func (m *mediaTypeMemo) parse(ctype string) (string, map[string]string, []string, error) {
	for i := range m.n {
		if e := &m.entries[i]; e.ctype == ctype {
			return e.mtype, e.params, e.invalid, e.err
		}
	}
	mtype, params, invalid, err := mediatype.ParseWithOptions(ctype, mediatype.ParseOptions{StripMediaTypeInvalidCharacters: true})
	if m.n < len(m.entries) {
		m.entries[m.n] = mediaTypeEntry{ctype, mtype, params, invalid, err}
		m.n++
	}
	return mtype, params, invalid, err
}

// contentID is the ID of a mail without Message-ID: the SHA-256 of its
// raw bytes.
func contentID(raw []byte) string {
	sum := sha256.Sum256(raw)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// looksBinary reports whether b is binary data rather than a mail: more
// than 10% control characters (NUL included) in the first 8 KiB. Bytes
// >= 0x80 are not counted, so 8-bit charsets pass; a few stray NUL bytes
// in a text mail do not make it binary (they are dropped).
func looksBinary(b []byte) bool {
	if len(b) > 8<<10 {
		b = b[:8<<10]
	}
	ctrl := 0
	i := 0
	for ; i+8 <= len(b); i += 8 {
		// Eight bytes at a time: only a word with a byte below 0x20 or
		// a 0x7F is counted byte by byte.
		const ones, highs = 0x0101010101010101, 0x8080808080808080
		x := binary.LittleEndian.Uint64(b[i:])
		del := x ^ 0x7F*ones
		if (x-0x20*ones)&^x&highs == 0 && (del-ones)&^del&highs == 0 {
			continue
		}
		for _, c := range b[i : i+8] {
			ctrl += int(controlBytes[c])
		}
	}
	for _, c := range b[i:] {
		ctrl += int(controlBytes[c])
	}
	return ctrl*10 > len(b)
}

// controlBytes marks with 1 the bytes looksBinary counts: control
// characters but tab, line feed, carriage return, form feed, vertical tab
// and ESC (ISO-2022-JP).
var controlBytes = func() (t [256]uint8) {
	for c := range 0x20 {
		switch c {
		case '\t', '\n', '\r', '\f', '\v', 0x1b:
		default:
			t[c] = 1
		}
	}
	t[0x7f] = 1
	return t
}()

// ---- structure ----

// checkStructure walks the header and the MIME boundaries of data without
// decoding anything, so that over-long header fields and pathological
// nesting are rejected before enmime sees them. It returns the leaf parts
// (the body of a mail that is not multipart, the parts that are not
// multiparts themselves) whose bodies are longer than big bytes.
func checkStructure(data []byte, maxField int64, big int) ([]leafPart, error) {
	h, err := scanHeader(data, 0, maxField)
	if err != nil {
		return nil, err
	}
	pos := h.end
	var (
		stack  []string
		leaves []leafPart
		open   leafPart // the leaf part whose body is being read, when isOpen
		isOpen bool
	)
	closeLeaf := func(end int) {
		if isOpen && end-open.start > big {
			open.end = end
			leaves = append(leaves, open)
		}
		isOpen = false
	}
	if h.boundary != "" {
		stack = append(stack, h.boundary)
	} else {
		open, isOpen = leafPart{headerEnd: h.blank, start: h.end, cte: h.cte}, true
	}
	parts := 0
	for pos < len(data) && len(stack) > 0 {
		lineStart := pos
		line, next := lineAt(data, pos)
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
		if level < 0 {
			continue
		}
		closeLeaf(lineStart)
		if closing {
			stack = stack[:level]
			continue
		}
		stack = stack[:level+1]
		if parts++; parts > maxParts {
			return nil, errorf(ErrTooComplex, "mail has more than %d MIME parts", maxParts)
		}
		ph, err := scanHeader(data, pos, maxField)
		if err != nil {
			return nil, err
		}
		pos = ph.end
		if ph.boundary != "" {
			if stack = append(stack, ph.boundary); len(stack) > maxDepth {
				return nil, errorf(ErrTooComplex, "MIME parts nested more than %d levels deep (line %d)", maxDepth, lineNumber(data, pos))
			}
		} else {
			open, isOpen = leafPart{headerEnd: ph.blank, start: ph.end, cte: ph.cte}, true
		}
	}
	closeLeaf(len(data))
	return leaves, nil
}

// leafPart is the body of a MIME leaf part, or of a mail that is not
// multipart.
type leafPart struct {
	headerEnd  int    // where the blank line that ends its header starts
	start, end int    // the body
	cte        []byte // its Content-Transfer-Encoding, as it stands in the mail
}

// partMax is the most bytes of one part's body enmime is given: enough
// for the text a message keeps (Options.MaxText; of HTML four times as
// much, and quoted-printable takes up to three bytes for one), and never
// less than 1 MiB.
func partMax(o Options) int {
	return max(1<<20, 3*htmlPerText*textMax(o))
}

// sizeHeader is the header shrink writes into a part it cut, with the
// part's whole decoded size. Its name holds a random word, so that no mail
// can bring the header along.
var sizeHeader = "X-Antwort-Size-" + func() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}()

// sizeKey is sizeHeader in canonical form, as parts hold it.
var sizeKey = textproto.CanonicalMIMEHeaderKey(sizeHeader)

// shrink returns a copy of data with the bodies of the leaves cut after
// their last line break within max bytes, each part noting its whole
// decoded size in sizeHeader: enmime then reads and decodes no more than
// max bytes of any part, whatever the size of the mail. The sizes are
// counted by decoding the whole bodies as a stream, without keeping them.
func shrink(data []byte, leaves []leafPart, max int) []byte {
	out := make([]byte, 0, len(data)-sumCut(leaves, max)+len(leaves)*64)
	prev := 0
	for _, l := range leaves {
		keep := l.start + max
		if i := bytes.LastIndexByte(data[l.start:keep], '\n'); i >= 0 {
			keep = l.start + i + 1
		}
		out = append(out, data[prev:l.headerEnd]...)
		out = append(out, sizeHeader+": "...)
		out = strconv.AppendInt(out, decodedSize(string(l.cte), data[l.start:l.end]), 10)
		out = append(out, "\r\n"...)
		out = append(out, data[l.headerEnd:keep]...)
		prev = l.end
	}
	return append(out, data[prev:]...)
}

func sumCut(leaves []leafPart, max int) int {
	n := 0
	for _, l := range leaves {
		n += l.end - l.start - max
	}
	return n
}

// decodedSize is the size of body once its transfer encoding is undone,
// counted as a stream; for an encoding that does not decode, the size of
// body.
func decodedSize(cte string, body []byte) int64 {
	var r io.Reader = bytes.NewReader(body)
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r) // skips line breaks
	default:
		return int64(len(body))
	}
	n, err := io.Copy(io.Discard, r)
	if err != nil {
		return int64(len(body))
	}
	return n
}

// partCut is how many decoded bytes of p shrink left out.
func partCut(p *enmime.Part) int {
	if p == nil {
		return 0
	}
	v := firstValue(p.Header, sizeKey)
	if v == "" {
		return 0 // not shrunk; spares Atoi's error value
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0
	}
	return max(0, n-len(p.Content))
}

// lineAt returns the line starting at pos without its line ending, and
// the position after it.
func lineAt(data []byte, pos int) ([]byte, int) {
	i := bytes.IndexByte(data[pos:], '\n')
	if i < 0 {
		return data[pos:], len(data)
	}
	line := data[pos : pos+i]
	return bytes.TrimSuffix(line, []byte("\r")), pos + i + 1
}

func lineNumber(data []byte, pos int) int {
	return bytes.Count(data[:min(pos, len(data))], []byte("\n")) + 1
}

// header is what scanHeader found of a header section.
type header struct {
	end      int    // the position after the blank line that ends it
	blank    int    // where that blank line starts
	boundary string // boundaryOf the unfolded Content-Type value
	cte      []byte // the Content-Transfer-Encoding value, in data
}

// scanHeader reads a header section starting at pos up to and including
// the blank line that ends it, and an error wrapping ErrTooLarge when a
// field (with its continuation lines) is longer than maxField.
//
// The Content-Type is unfolded into a buffer on the stack and made a
// string only when it may be a multipart one (see ctypeBoundary); the
// Content-Transfer-Encoding is the trimmed value where it stands.
func scanHeader(data []byte, pos int, maxField int64) (header, error) {
	var (
		fieldStart = pos
		fieldLen   int64
		ctypeBuf   [128]byte
		ctype      = ctypeBuf[:0]
		inCtype    bool
		cte        []byte
	)
	for pos < len(data) {
		line, next := lineAt(data, pos)
		if len(bytes.TrimSpace(line)) == 0 {
			return header{end: next, blank: pos, boundary: ctypeBoundary(ctype), cte: cte}, nil
		}
		if line[0] == ' ' || line[0] == '\t' {
			fieldLen += int64(len(line))
			if inCtype && int64(len(ctype)) < maxField {
				ctype = append(append(ctype, ' '), bytes.TrimSpace(line)...)
			}
		} else {
			fieldStart, fieldLen = pos, int64(len(line))
			name, value, _ := bytes.Cut(line, []byte(":"))
			name = bytes.TrimSpace(name)
			inCtype = bytes.EqualFold(name, []byte("Content-Type"))
			if inCtype && int64(len(line)) <= maxField {
				ctype = append(ctype[:0], bytes.TrimSpace(value)...)
			}
			if bytes.EqualFold(name, []byte("Content-Transfer-Encoding")) && len(value) < 64 {
				cte = bytes.TrimSpace(value)
			}
		}
		if fieldLen > maxField {
			name, _, _ := bytes.Cut(data[fieldStart:min(fieldStart+80, len(data))], []byte(":"))
			return header{}, errorf(ErrTooLarge, "header field %q at line %d is longer than %d bytes",
				truncate(string(name), 40), lineNumber(data, fieldStart), maxField)
		}
		pos = next
	}
	return header{end: pos, blank: pos, boundary: ctypeBoundary(ctype), cte: cte}, nil
}

// ctypeBoundary is boundaryOf(string(ctype)), without making the string
// for a value that starts with ten ASCII bytes other than "multipart/"
// (in any case), for which boundaryOf is "".
func ctypeBoundary(ctype []byte) string {
	if t := bytes.TrimSpace(ctype); len(t) >= len("multipart/") && isASCII(t[:len("multipart/")]) &&
		!bytes.EqualFold(t[:len("multipart/")], []byte("multipart/")) {
		return ""
	}
	return boundaryOf(string(ctype))
}

func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

var boundaryRE = regexp.MustCompile(`(?i)boundary\s*=\s*(?:"([^"]+)"|([^\s;]+))`)

// boundaryOf returns the boundary of a multipart Content-Type, or "".
func boundaryOf(ctype string) string {
	if !hasLowerPrefix(strings.TrimSpace(ctype), "multipart/") {
		return ""
	}
	if _, params, err := mime.ParseMediaType(ctype); err == nil && params["boundary"] != "" {
		return params["boundary"]
	}
	if m := boundaryRE.FindStringSubmatch(ctype); m != nil {
		return m[1] + m[2]
	}
	return ""
}

// ---- headers ----

// headerText cleans a decoded header value: valid UTF-8 (repairing
// mislabelled charsets), no control characters, white space collapsed.
func headerText(s string) string {
	if plainWords(s) {
		return s // what the line below gives for it
	}
	return strings.Join(strings.Fields(dropControls(fixMojibake(toUTF8(s)))), " ")
}

// hasLowerPrefix is strings.HasPrefix(strings.ToLower(s), prefix) for a
// prefix of lower-case ASCII, without lower-casing s when its start is
// ASCII (which strings.ToLower maps byte for byte).
func hasLowerPrefix(s, prefix string) bool {
	if len(s) >= len(prefix) && isASCIIString(s[:len(prefix)]) {
		return strings.EqualFold(s[:len(prefix)], prefix)
	}
	return strings.HasPrefix(strings.ToLower(s), prefix)
}

// isASCIIString reports whether s has only ASCII bytes.
func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// plainWords reports whether s is printable ASCII words separated by
// single spaces, without space at either end: what
// strings.Join(strings.Fields(s), " ") gives back as it is, and what
// toUTF8, fixMojibake and dropControls leave alone.
func plainWords(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c > '~' || c == ' ' && s[i-1] == ' ' {
			return false
		}
	}
	return true
}

// rawHeader returns the first value of the header field name as
// written, RFC 2047 encoded words not decoded: address headers must be
// split into mailboxes before their names are decoded, or a name could
// hide an address list.
func rawHeader(env *enmime.Envelope, name string) string {
	if env.Root == nil {
		return ""
	}
	return firstValue(env.Root.Header, name)
}

// nextMsgID returns the first message ID in angle brackets in v at or
// after byte offset i, without the brackets, and the offset after it. It
// finds what the regular expression `<([^<>\s]+)>` finds (\s being ASCII
// white space other than '\v'), without its cost.
func nextMsgID(v string, i int) (id string, end int, ok bool) {
	for ; i < len(v); i++ {
		if v[i] != '<' {
			continue
		}
		j := i + 1
		for j < len(v) && !isMsgIDStop(v[j]) {
			j++
		}
		if j > i+1 && j < len(v) && v[j] == '>' {
			return v[i+1 : j], j + 1, true
		}
		i = j - 1 // no '<' before j
	}
	return "", len(v), false
}

// isMsgIDStop reports whether c cannot be part of a message ID in brackets.
func isMsgIDStop(c byte) bool {
	switch c {
	case '<', '>', ' ', '\t', '\n', '\f', '\r':
		return true
	}
	return false
}

// msgIDs returns the message IDs in a References or In-Reply-To value,
// without angle brackets. Values without brackets are split at white
// space and commas.
func msgIDs(v string) []string {
	v = strings.ToValidUTF8(v, "")
	var ids []string
	for id, i, ok := nextMsgID(v, 0); ok; id, i, ok = nextMsgID(v, i) {
		ids = append(ids, id)
	}
	if ids != nil {
		return ids
	}
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return unicode.IsSpace(r) || r == ',' }) {
		if strings.Contains(f, "@") {
			ids = append(ids, f)
		}
	}
	return ids
}

// firstMsgID returns the first message ID in v without angle brackets, or
// the trimmed value when it has no brackets and no white space.
func firstMsgID(v string) string {
	v = strings.TrimSpace(strings.ToValidUTF8(v, ""))
	if id, _, ok := nextMsgID(v, 0); ok {
		return id
	}
	v = strings.Trim(v, "<>")
	if v == "" || strings.ContainsAny(v, " \t\r\n") {
		return ""
	}
	return v
}

// dateLayouts are tried after net/mail.ParseDate, for Date headers that
// mail clients and spam tools wrote outside RFC 5322.
var dateLayouts = []string{
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

// parseDate parses a Date header; the zero time means unknown.
func parseDate(v string) time.Time {
	if !plainWords(v) {
		v = strings.Join(strings.Fields(v), " ")
	}
	if v == "" {
		return time.Time{}
	}
	if t, ok := parseCommonDate(v); ok {
		return t
	}
	if t, err := mail.ParseDate(v); err == nil {
		return t
	}
	for _, l := range dateLayouts {
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

// commonDateLayout is the form of nearly every Date header:
// "Sun, 01 Mar 2026 08:00:00 +0000".
const commonDateLayout = "Mon, 2 Jan 2006 15:04:05 -0700"

// parseCommonDate parses a Date header value in the common form, with
// the result mail.ParseDate would give, and reports false for any other
// form. v must be trimmed and hold no CR or LF (parseDate's are).
//
// mail.ParseDate cuts the value after the first '+' or '-' and four more
// bytes (here: the whole value, as the zone is at its end), then tries
// its layouts in turn: 24 without a day of the week, which cannot match a
// value that starts with one, and then commonDateLayout.
func parseCommonDate(v string) (time.Time, bool) {
	if indexSign(v) != len(v)-5 {
		return time.Time{}, false
	}
	if t, ok := parseCommonDateFast(v); ok {
		return t, true
	}
	t, err := time.Parse(commonDateLayout, v)
	return t, err == nil
}

// indexSign is strings.IndexAny(v, "+-"), without the set that builds.
func indexSign(v string) int {
	for i := 0; i < len(v); i++ {
		if v[i] == '+' || v[i] == '-' {
			return i
		}
	}
	return -1
}

// parseCommonDateFast is time.Parse(commonDateLayout, v) for the values
// of exactly the form "Sun, 01 Mar 2026 08:00:00 +0000" (day of the week
// and month spelled so, a day of one or two digits, the rest of two or
// four, every field in its range), with the result time.Parse gives:
// the time in time.Local when Local has the value's offset at that
// time, else in a fixed zone without name. ok is false for any other
// value, which time.Parse then reads.
func parseCommonDateFast(v string) (time.Time, bool) {
	if len(v) < 5 || v[3:5] != ", " {
		return time.Time{}, false
	}
	switch v[:3] {
	case "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun":
	default:
		return time.Time{}, false
	}
	var day int
	switch rest := v[5:]; {
	case len(rest) == len("1 Mar 2026 08:00:00 +0000") && '1' <= rest[0] && rest[0] <= '9':
		day, v = int(rest[0]-'0'), rest[1:] // a day of one digit, time.Parse's "2"
	case len(rest) == len("01 Mar 2026 08:00:00 +0000"):
		d, ok := twoDigits(rest[:2])
		if !ok || d < 1 {
			return time.Time{}, false
		}
		day, v = d, rest[2:]
	default:
		return time.Time{}, false
	}
	// v is " Mar 2026 08:00:00 +0000".
	if v[0] != ' ' || v[4] != ' ' || v[9] != ' ' || v[12] != ':' || v[15] != ':' || v[18] != ' ' || v[19] != '+' && v[19] != '-' {
		return time.Time{}, false
	}
	const months = "JanFebMarAprMayJunJulAugSepOctNovDec"
	m := strings.Index(months, v[1:4])
	if m < 0 || m%3 != 0 {
		return time.Time{}, false
	}
	month := time.Month(m/3 + 1)
	century, ok1 := twoDigits(v[5:7])
	year, ok2 := twoDigits(v[7:9])
	hour, ok3 := twoDigits(v[10:12])
	minute, ok4 := twoDigits(v[13:15])
	sec, ok5 := twoDigits(v[16:18])
	zh, ok6 := twoDigits(v[20:22])
	zm, ok7 := twoDigits(v[22:24])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) || hour > 23 || minute > 59 || sec > 59 || zh > 23 || zm > 59 {
		return time.Time{}, false
	}
	year += century * 100
	if day > 28 && time.Date(year, month, day, 0, 0, 0, 0, time.UTC).Day() != day {
		return time.Time{}, false // beyond the month's end: time.Parse says so
	}
	offset := (zh*60 + zm) * 60
	if v[19] == '-' {
		offset = -offset
	}
	t := time.Date(year, month, day, hour, minute, sec, 0, time.UTC).Add(-time.Duration(offset) * time.Second)
	if _, local := t.In(time.Local).Zone(); local == offset {
		return t.In(time.Local), true
	}
	return t.In(time.FixedZone("", offset)), true
}

// twoDigits is the value of two decimal digits.
func twoDigits(s string) (int, bool) {
	a, b := s[0]-'0', s[1]-'0'
	return int(a)*10 + int(b), a <= 9 && b <= 9
}

// ---- body ----

// bodyText returns the decoded text of a mail: the first text/plain part
// of a multipart/alternative, all text/plain parts of other multiparts
// separated by a blank line, or the HTML part converted to text. note is a
// warning about how the text was read; noText says why a body that is
// there gave no text.
//
// At most max bytes of text are taken (of HTML, htmlPerText times as
// many); cut counts the bytes left out.
func bodyText(env *enmime.Envelope, max int) (text, note, noText string, cut int) {
	root := env.Root
	if root != nil && root.FirstChild != nil {
		isText := func(p *enmime.Part) bool {
			return p.ContentType == "text/plain" && p.Disposition != "attachment" && p.FileName == ""
		}
		if strings.EqualFold(root.ContentType, "multipart/alternative") {
			if p := root.BreadthMatchFirst(isText); p != nil {
				text, cut = cutBytes(p.Content, max)
				cut += partCut(p)
			}
		} else {
			var b strings.Builder
			for _, p := range root.DepthMatchAll(isText) {
				if b.Len() > 0 {
					b.WriteString("\n\n")
				}
				s, c := cutBytes(p.Content, max-b.Len())
				b.WriteString(s)
				cut += c + partCut(p)
			}
			text = b.String()
		}
	} else {
		text, cut = cutText(env.Text, max)
		if text != "" {
			cut += partCut(root)
		}
	}
	text = unwrapEmphasis(bodyClean(text))
	if text == "" && root != nil && root.FirstChild == nil && strings.HasPrefix(root.ContentType, "multipart/") {
		// A multipart without boundary, read as one part.
		text, cut = cutBytes(root.Content, max)
		cut += partCut(root)
		text = bodyClean(text)
	}
	if text == "" && strings.TrimSpace(env.HTML) != "" {
		page, hcut := cutText(env.HTML, htmlPerText*max)
		t, err := htmlText(page)
		if err != nil {
			// x/net/html refuses to build a tree of elements nested more
			// than 512 deep; the tokenizer reads the text of any nesting.
			t = flatHTMLText(page)
			note = "the HTML part could not be laid out (" + strings.TrimPrefix(err.Error(), "html: ") + "); its text was read without the layout"
		}
		t, tcut := cutText(t, max)
		cut = hcut + tcut + partCut(htmlPart(env))
		switch text = bodyClean(t); {
		case text != "":
		case hcut > 0:
			noText = "the first " + byteSize(int64(len(page))) + " of the HTML part hold no text"
		default:
			noText = "the HTML part holds no text"
		}
	}
	return text, note, noText, cut
}

// textMax is Options.MaxText or its default.
func textMax(o Options) int {
	if o.MaxText > 0 {
		return o.MaxText
	}
	return defaultTextMax
}

// cutText returns at most max bytes of s, cut after its last line break
// in the second half of them or else at a character boundary, and how
// many bytes were left out.
func cutText(s string, max int) (string, int) {
	if len(s) <= max {
		return s, 0
	}
	if max <= 0 {
		return "", len(s)
	}
	end := max
	if i := strings.LastIndexByte(s[:max], '\n'); i >= max/2 {
		end = i + 1
	} else {
		for end > 0 && !utf8.RuneStart(s[end]) {
			end--
		}
	}
	return s[:end], len(s) - end
}

// cutBytes is cutText of b, copying only what it keeps.
func cutBytes(b []byte, max int) (string, int) {
	if len(b) <= max {
		return string(b), 0
	}
	if max <= 0 {
		return "", len(b)
	}
	s, _ := cutText(string(b[:min(len(b), max+1)]), max)
	return s, len(b) - len(s)
}

// flatHTMLText returns the text of an HTML document without its layout:
// the text between the tags, a line break for each block element and
// <br>, nothing of <script>, <style>, <head> and <title>. It reads
// tokens, not a tree, so any nesting costs the same.
func flatHTMLText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "head", "title":
				switch z.Token().Type {
				case html.StartTagToken:
					skip++
				case html.EndTagToken:
					skip = max(skip-1, 0)
				}
			case "br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol":
				if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
					b.WriteByte('\n')
				}
			}
		}
	}
}

// htmlPart returns the part env.HTML comes from.
func htmlPart(env *enmime.Envelope) *enmime.Part {
	if env.Root == nil || env.Root.FirstChild == nil {
		return env.Root
	}
	return env.Root.DepthMatchFirst(func(p *enmime.Part) bool { return p.ContentType == "text/html" && p.Disposition != "attachment" })
}

// forwardsMessage reports whether the mail carries a message/rfc822
// part.
func forwardsMessage(env *enmime.Envelope) bool {
	for _, ps := range [][]*enmime.Part{env.Attachments, env.OtherParts} {
		for _, p := range ps {
			if strings.EqualFold(p.ContentType, "message/rfc822") && len(p.Content) > 0 {
				return true
			}
		}
	}
	return false
}

// htmlText converts an HTML body to plain text: paragraphs, line breaks,
// list items and quotes (as "> " lines, which Clean recognises) as
// html2text renders them, but without its emphasis and heading markup
// ("*A-61230*" for <b>A-61230</b>, "*****" under a heading, "* " before a
// list item), which would stick to the words that classification and
// entity extraction look at.
func htmlText(s string) (string, error) {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		return "", err
	}
	plainElements(doc)
	return html2text.FromHTMLNode(doc)
}

// plainElements turns the elements html2text marks up into ones it
// renders as plain text: bold into inline text, headings into paragraphs,
// list items into lines.
func plainElements(n *html.Node) {
	if n.Type == html.ElementNode {
		switch n.DataAtom {
		case atom.B, atom.Strong:
			n.DataAtom, n.Data = atom.Span, "span"
		case atom.H1, atom.H2, atom.H3:
			n.DataAtom, n.Data = atom.P, "p"
		case atom.Li:
			n.DataAtom, n.Data = atom.Div, "div"
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		plainElements(c)
	}
}

// unwrapEmphasis removes the asterisks with which mail clients render bold
// text in the plain-text part of an HTML mail ("Bestellung *A-61230*"):
// a '*' after a space, a line start or an opening bracket or quote, closed
// on the same line within 80 bytes by a '*' before a space, a line end or
// punctuation, with no space just inside either. Other asterisks ("5*3",
// "**", footnote marks) stay.
func unwrapEmphasis(s string) string {
	if !strings.Contains(s, "*") {
		return s
	}
	var b strings.Builder
	i := 0
	for i < len(s) {
		j := strings.IndexByte(s[i:], '*')
		if j < 0 {
			break
		}
		j += i
		if end := emphasisEnd(s, j); end > 0 {
			b.WriteString(s[i:j])
			b.WriteString(s[j+1 : end])
			i = end + 1
			continue
		}
		b.WriteString(s[i : j+1])
		i = j + 1
	}
	if i == 0 {
		return s
	}
	b.WriteString(s[i:])
	return b.String()
}

// emphasisEnd returns the index of the '*' closing the emphasis opened by
// the '*' at s[open], or -1.
func emphasisEnd(s string, open int) int {
	if open > 0 {
		if r, _ := utf8.DecodeLastRuneInString(s[:open]); !strings.ContainsRune(" \t\n([{\"'„“‚‘«»", r) {
			return -1
		}
	}
	rest := s[open+1:]
	if rest == "" || strings.ContainsRune(" \t\n*", rune(rest[0])) {
		return -1
	}
	for k := 1; k < min(len(rest), 80); k++ {
		switch rest[k] {
		case '\n':
			return -1
		case '*':
			if rest[k-1] == ' ' || rest[k-1] == '\t' {
				return -1
			}
			if r, _ := utf8.DecodeRuneInString(rest[k+1:]); k+1 < len(rest) && !strings.ContainsRune(" \t\n.,;:!?)]}\"'“”‘’«»", r) {
				return -1
			}
			return open + 1 + k
		}
	}
	return -1
}

// bodyClean makes decoded body text valid UTF-8 with "\n" line endings and
// no control characters, and trims it.
func bodyClean(s string) string {
	s = fixMojibake(toUTF8(s))
	if onlyCRLFControls(s) {
		// What the lines below come to for such a text, without
		// dropControls's look at every rune.
		return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.TrimSpace(dropControls(s))
}

// onlyCRLFControls reports whether the only characters of s that
// bodyClean changes or drops are the '\r' of "\r\n" line ends: s has no
// other '\r', no control character but tab and line feed (U+0000 to
// U+001F, U+007F to U+009F, as unicode.IsControl) and no U+FEFF.
func onlyCRLFControls(s string) bool {
	for i := 0; i < len(s); i++ {
		// Eight bytes at a time: only a word with a control byte, a
		// 0x7F, 0xC2 or 0xEF is looked at byte by byte.
		for i+8 <= len(s) {
			const ones, highs = 0x0101010101010101, 0x8080808080808080
			x := load64(s, i)
			del, c2, ef := x^0x7F*ones, x^0xC2*ones, x^0xEF*ones
			if (x-0x20*ones)&^x&highs != 0 || (del-ones)&^del&highs != 0 || (c2-ones)&^c2&highs != 0 || (ef-ones)&^ef&highs != 0 {
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if !controlLead[c] {
			continue
		}
		switch {
		case c == '\r':
			if i+1 >= len(s) || s[i+1] != '\n' {
				return false
			}
			i++
		case c == 0xC2: // U+0080 to U+009F are C2 80 to C2 9F
			if i+1 < len(s) && 0x80 <= s[i+1] && s[i+1] <= 0x9F {
				return false
			}
		case c == 0xEF: // U+FEFF is EF BB BF
			if i+2 < len(s) && s[i+1] == 0xBB && s[i+2] == 0xBF {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// load64 is the little-endian 64-bit word of s at i (one load, as the
// compiler combines the byte loads).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// controlLead marks the bytes onlyCRLFControls looks at closer: control
// bytes but tab and line feed, and the first bytes of the UTF-8 of
// U+0080 to U+009F and of U+FEFF.
var controlLead = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = c != '\t' && c != '\n'
	}
	t[0x7F], t[0xC2], t[0xEF] = true, true, true
	return t
}()

// dropControls removes control characters other than tab and line feed,
// and U+FEFF.
func dropControls(s string) string {
	clean := true
	for _, r := range s {
		if r != '\n' && r != '\t' && (unicode.IsControl(r) || r == '\uFEFF') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && (unicode.IsControl(r) || r == '\uFEFF') {
			return -1
		}
		return r
	}, s)
}

// mojibakeRE matches UTF-8 that was decoded as ISO-8859-1 or windows-1252:
// "Ã¤" for "ä", "â€™" for "’".
var mojibakeRE = regexp.MustCompile(`Ã[\x{80}-\x{BF}\x{152}\x{153}\x{160}\x{161}\x{178}\x{17D}\x{17E}\x{192}\x{2C6}\x{2DC}\x{2013}\x{2014}\x{2018}-\x{201E}\x{2020}-\x{2022}\x{2026}\x{2030}\x{2039}\x{203A}\x{20AC}\x{2122}]|â€`)

// fixMojibake undoes UTF-8 text decoded as ISO-8859-1 or windows-1252, as
// happens when a mail declares the wrong charset: when s holds such a
// sequence and encoding it back to single bytes gives valid UTF-8 with
// fewer of them, that is returned. (Genuine Latin-1 text with non-ASCII
// letters practically never re-encodes to valid UTF-8.)
func fixMojibake(s string) string {
	if !strings.Contains(s, "Ã") && !strings.Contains(s, "â€") || !mojibakeRE.MatchString(s) {
		return s
	}
	for _, enc := range []*charmap.Charmap{charmap.Windows1252, charmap.ISO8859_1} {
		b, err := enc.NewEncoder().Bytes([]byte(s))
		if err != nil || !utf8.Valid(b) {
			continue
		}
		if fixed := string(b); len(mojibakeRE.FindAllStringIndex(fixed, -1)) < len(mojibakeRE.FindAllStringIndex(s, -1)) {
			return fixed
		}
	}
	return s
}

// embeddedText returns the text of the first message/rfc822 part that
// parses, for a mail that forwards a message as an attachment and has no
// text of its own; else why there is none.
func embeddedText(env *enmime.Envelope, opts Options, depth int, enmimeOnly bool) (text, noText string, cut int64) {
	noText = "the forwarded message has no text"
	for _, p := range append(append([]*enmime.Part{}, env.Attachments...), env.OtherParts...) {
		if !strings.EqualFold(p.ContentType, "message/rfc822") || len(p.Content) == 0 {
			continue
		}
		o := opts
		o.NoClean = true
		inner, err := parseMessageDepth(p.Content, o, depth+1, enmimeOnly)
		if err != nil {
			noText = "the forwarded message cannot be read: " + strings.TrimPrefix(err.Error(), "ingest: ")
			continue
		}
		if inner.Text != "" {
			return inner.Text, "", inner.TextCut
		}
		if inner.NoText != "" {
			noText = inner.NoText
		}
	}
	return "", noText, 0
}

// attachments lists the parts of a mail that are not its body text:
// attachments, inline images, forwarded messages, delivery reports.
func attachments(env *enmime.Envelope) []Attachment {
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
			out = append(out, Attachment{Name: headerText(p.FileName), Type: ct, Size: len(p.Content) + partCut(p)})
		}
	}
	add(env.Attachments, false)
	add(env.Inlines, true)
	add(env.OtherParts, true)
	return out
}

// ---- loop protection ----

// headerValue is env.GetHeader(key), and headerValues
// env.GetHeaderValues(key) (nil for none), for a key in canonical form
// (canonicalKey): autoReason looks up twenty fields, of which most mails
// have none, and these first look whether the mail has the field at all,
// without the case mapping and decoding of enmime's lookups.
func headerValue(env *enmime.Envelope, key string) string {
	if env.Root == nil {
		return ""
	}
	v := firstValue(env.Root.Header, key)
	if !strings.Contains(v, "=?") {
		return v // what enmime's decoding leaves as it is
	}
	return env.GetHeader(key)
}

// firstValue is h.Get(key) for a key in canonical form, without
// textproto's check and mapping of the key.
func firstValue(h textproto.MIMEHeader, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// headerValues is env.GetHeaderValues(key) for a key in canonical form,
// without the copy when no value has an encoded word.
func headerValues(env *enmime.Envelope, key string) []string {
	if env.Root == nil || len(env.Root.Header[key]) == 0 {
		return nil
	}
	vv := env.Root.Header[key]
	for _, v := range vv {
		if strings.Contains(v, "=?") {
			return env.GetHeaderValues(key)
		}
	}
	return vv // what enmime's decoding leaves as it is; the callers only read it
}

// autoHeaders are headers whose presence (with any value but "no" or
// "false") marks a machine-written mail.
var autoHeaders = []string{
	"X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Response", "X-Autoresponse", "X-Autogenerated",
	"X-Mail-Autoreply", "X-Autoreply-From", "X-FC-MachineGenerated",
	"X-SFDC-AutoResponse", // Salesforce auto-response rules
}

// autoHeaderKeys are the canonical forms of autoHeaders.
var autoHeaderKeys = func() []string {
	keys := make([]string, len(autoHeaders))
	for i, h := range autoHeaders {
		keys[i] = canonicalKey([]byte(h))
	}
	return keys
}()

var autoSubjectRE = regexp.MustCompile(`(?i)^[\s\[(*]*(?:` +
	`abwesenheitsnotiz|automatische antwort|automatic reply|auto(?:matic)?[- ]?(?:reply|response)\b|` +
	`out of (?:the )?office\b|i am out of the office|ich bin (?:derzeit |zurzeit )?nicht im b(?:ü|ue)ro|` +
	`undeliverable\s*:|unzustellbar\s*:|nicht zustellbar\s*:|undelivered mail returned to sender|` +
	`mail delivery failed|delivery status notification|returned mail\s*:|failure notice|` +
	`zustellung fehlgeschlagen|benachrichtigung (?:zum|über den) (?:übermittlungsstatus|zustellstatus)` +
	`)`)

// autoSubject is autoSubjectRE.FindString(s). Each of its phrases starts
// with four ASCII letters or spaces, after white space, '[', '(' or '*';
// (?i) matches them in ASCII upper or lower case only, but the 's' of
// "zust" (which also matches U+017F, a byte of which would take the
// subject to the regular expression). A subject starting otherwise, as
// most do, is not given to the regular expression.
func autoSubject(s string) string {
	i := 0
	for i < len(s) && strings.IndexByte(" \t\n\f\r[(*", s[i]) >= 0 {
		i++
	}
	if len(s)-i < 4 {
		return "" // every phrase is longer
	}
	var w [4]byte
	for k := range w {
		c := s[i+k]
		if c >= utf8.RuneSelf {
			return autoSubjectRE.FindString(s)
		}
		w[k] = c | 0x20 // lower case, for the letters (and ' ') compared with
	}
	switch string(w[:]) {
	case "abwe", "auto", "out ", "i am", "ich ", "unde", "unzu", "nich", "mail", "deli", "retu", "fail", "zust", "bena":
		return autoSubjectRE.FindString(s)
	}
	return ""
}

// ownReason returns why m must not be answered when the address a reply
// would go to (Recipient: Reply-To's, else From's) is one of
// Options.OwnAddresses or in one of Options.OwnDomains, else "". A mail
// from our own web form with the customer in Reply-To is answered; one
// From us without a Reply-To, or with ours in Reply-To, is not.
func ownReason(m *Message, o Options) string {
	field, a := "From", m.From
	if m.ReplyTo.Address != "" {
		field, a = "Reply-To", m.ReplyTo
	}
	if a.Address != "" && isOwn(a.Address, o) {
		return field + ": " + a.Address + " (our own address)"
	}
	return ""
}

// isOwn reports whether addr is one of o.OwnAddresses or in one of
// o.OwnDomains (or a subdomain), in any case.
func isOwn(addr string, o Options) bool {
	addr = strings.ToLower(addr)
	for _, own := range o.OwnAddresses {
		if strings.ToLower(strings.TrimSpace(own)) == addr {
			return true
		}
	}
	_, domain, _ := strings.Cut(addr, "@")
	return ownDomain(domain, o.OwnDomains)
}

// ownDomain reports whether domain (lower case) is one of owns or a
// subdomain of one.
func ownDomain(domain string, owns []string) bool {
	for _, own := range owns {
		own = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(own), "@"))
		if own != "" && (domain == own || strings.HasSuffix(domain, "."+own)) {
			return true
		}
	}
	return false
}

// vendorAuto returns why the headers mail servers and help desks of
// particular vendors write mark a mail as automatic, or "":
//
//   - X-Precedence as Precedence: bulk, list, junk, auto_reply.
//   - X-Auto-Response-Suppress (Exchange, Outlook, Zendesk, ticket
//     systems) asking that no auto-reply answer it: All, OOF or AutoReply.
//     DR, NDR, RN and NRN only ask for no delivery or read reports, and
//     None for nothing; those are no reason.
//   - X-MS-Exchange-Inbox-Rules-Loop: the mail was made or passed on by an
//     Exchange mailbox rule (an out-of-office reply, a forward). A forward
//     by one of our own mailboxes (the value is one of Options.OwnAddresses
//     or in Options.OwnDomains) is no reason: that is how mail for us may
//     arrive.
//   - X-MS-Exchange-Generated-Message-Source: Exchange wrote the mail
//     itself (Transport Rule Agent, Journal Agent, …); "Mailbox Rules
//     Agent" goes by X-MS-Exchange-Inbox-Rules-Loop, as above.
func vendorAuto(env *enmime.Envelope, o Options) string {
	switch p := strings.ToLower(strings.TrimSpace(headerValue(env, "X-Precedence"))); p {
	case "bulk", "list", "junk", "auto_reply", "auto-reply":
		return "X-Precedence: " + p
	}
	for _, v := range headerValues(env, "X-Auto-Response-Suppress") {
		for _, f := range strings.FieldsFunc(strings.ToLower(v), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' }) {
			switch f {
			case "all", "oof", "autoreply", "-1":
				return "X-Auto-Response-Suppress: " + truncate(headerText(v), 60)
			}
		}
	}
	for _, v := range headerValues(env, "X-Ms-Exchange-Inbox-Rules-Loop") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		if a, err := ParseAddress(v); err == nil && isOwn(a.Address, o) {
			continue // forwarded to us by our own mailbox's rule
		}
		return "X-MS-Exchange-Inbox-Rules-Loop: " + truncate(headerText(v), 60)
	}
	if v := strings.TrimSpace(headerValue(env, "X-Ms-Exchange-Generated-Message-Source")); v != "" && !strings.EqualFold(v, "Mailbox Rules Agent") {
		return "X-MS-Exchange-Generated-Message-Source: " + truncate(headerText(v), 60)
	}
	return ""
}

// autoReason returns why a mail must not be answered, or "" when it may
// be: our own reply (X-Loop, Message-ID domain), an auto-reply, a bounce
// or delivery report, bulk or list mail. from is the mail's From header.
func autoReason(env *enmime.Envelope, from addressHeader, subject string, o Options) string {
	loopID := o.LoopID
	if loopID == "" {
		loopID = "antwort"
	}
	// Most mails have none of the fields looked up below but
	// Return-Path; for them the lookups are skipped.
	fields := env.Root != nil && hasAutoField(env.Root.Header)
	if fields {
		for _, v := range headerValues(env, "X-Loop") {
			if strings.EqualFold(strings.TrimSpace(v), loopID) {
				return "X-Loop: " + loopID + " (our own reply)"
			}
		}
	}
	if len(o.OwnDomains) > 0 {
		if _, domain, ok := strings.Cut(firstMsgID(headerValue(env, "Message-Id")), "@"); ok {
			if domain = strings.ToLower(domain); ownDomain(domain, o.OwnDomains) {
				return "Message-ID domain " + domain + " (our own message)"
			}
		}
	}
	if root := env.Root; root != nil && strings.EqualFold(root.ContentType, "multipart/report") {
		var rt string
		if _, params, err := mime.ParseMediaType(firstValue(root.Header, "Content-Type")); err == nil {
			rt = strings.ToLower(params["report-type"])
		}
		switch rt {
		case "delivery-status":
			return "multipart/report (delivery status notification)"
		case "disposition-notification":
			return "multipart/report (read receipt)"
		}
		return strings.TrimSuffix("multipart/report ("+headerText(rt)+")", " ()")
	}
	for _, v := range headerValues(env, "Return-Path") {
		if strings.TrimSpace(v) == "<>" {
			return "Return-Path: <> (bounce)"
		}
	}
	if fields {
		if r := autoFields(env); r != "" {
			return r
		}
	}
	if len(from.addrs) == 1 {
		local, _, _ := strings.Cut(strings.ToLower(from.addrs[0].Address), "@")
		if local == "mailer-daemon" || local == "postmaster" {
			return "From: " + from.addrs[0].Address + " (bounce)"
		}
	}
	if m := autoSubject(subject); m != "" {
		return "subject: " + strings.TrimSpace(strings.TrimLeft(strings.TrimRight(m, " :"), " [(*"))
	}
	if !fields {
		return ""
	}
	return vendorAuto(env, o)
}

// autoFields is the part of autoReason that looks at Auto-Submitted, the
// autoHeaders, Precedence, List-Id and List-Unsubscribe.
func autoFields(env *enmime.Envelope) string {
	if v := strings.TrimSpace(headerValue(env, "Auto-Submitted")); v != "" && !strings.EqualFold(v, "no") {
		return "Auto-Submitted: " + headerText(v)
	}
	for i, h := range autoHeaders {
		for _, v := range headerValues(env, autoHeaderKeys[i]) {
			if v = strings.TrimSpace(v); !strings.EqualFold(v, "no") && !strings.EqualFold(v, "false") {
				return h + ": " + truncate(headerText(v), 60)
			}
		}
	}
	switch p := strings.ToLower(strings.TrimSpace(headerValue(env, "Precedence"))); p {
	case "bulk", "list", "junk", "auto_reply", "auto-reply":
		return "Precedence: " + p
	}
	if v := strings.TrimSpace(headerValue(env, "List-Id")); v != "" {
		return "List-Id: " + truncate(headerText(v), 80)
	}
	if headerValue(env, "List-Unsubscribe") != "" {
		return "List-Unsubscribe (newsletter or mailing list)"
	}
	return ""
}

// hasAutoField reports whether h may have one of the fields autoReason
// looks up other than Message-Id and Return-Path: X-Loop, Auto-Submitted,
// Precedence, List-Id, List-Unsubscribe and, by their "X-" (which
// TestAutoFieldsStartWithX checks), the autoHeaders and those vendorAuto
// looks up. Without them, autoReason's lookups find nothing.
func hasAutoField(h textproto.MIMEHeader) bool {
	for k := range h {
		if strings.HasPrefix(k, "X-") {
			return true
		}
		switch k {
		case "Auto-Submitted", "Precedence", "List-Id", "List-Unsubscribe":
			return true
		}
	}
	return false
}
