package ingest

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	"net/textproto"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jhillyerd/enmime/v2"
	"github.com/jhillyerd/enmime/v2/mediatype"
)

// The MIME tree of a mail that is not multipart is its header and one
// decoded body. readSinglePart builds that tree for the common mail the
// way enmime.Parser.ReadParts does and leaves everything else (the
// envelope, the text, the attachments) to enmime.Parser.EnvelopeFromPart.
// enmime reads every header twice (its repair pass, then textproto) and
// allocates several 4 KiB buffers per mail; for the plain mails that are
// most of a batch that was half of the time of Parse.
//
// It takes only what it can read exactly as enmime does and reports false
// for anything else, which readEnvelope then gives to enmime: header lines
// that enmime would repair (no colon, a bad field name, a stray CR, no
// blank line after the header), multipart mail, media type parameters
// enmime would warn about or decode (name, file, modification-date), a
// Content-Disposition, transfer encodings other than quoted-printable,
// base64 and the identity ones, and text whose charset would need
// converting. So the parts it builds carry no enmime warnings either.
// TestSinglePartSameAsEnmime and FuzzSinglePartSameAsEnmime compare it
// with enmime.

// singlePartParser is the parser of readEnvelope with a media type memo
// shared by all mails instead of one per mail.
var singlePartParser = enmime.NewParser(
	enmime.SkipMalformedParts(true),
	enmime.MultipartWOBoundaryAsSinglePart(true),
	enmime.StripMediaTypeInvalidCharacters(true),
	enmime.DisableCharacterDetection(true),
	enmime.MaxStoredPartErrors(10),
	enmime.SetReadPartErrorPolicy(enmime.AllowCorruptTextPartErrorPolicy),
	enmime.DisableTextConversion(true),
	enmime.SetCustomParseMediaType(sharedMediaType),
)

// sharedMediaTypes remembers the results of sharedMediaType, for at most
// sharedMediaTypeMax values of up to 200 bytes (parts not multipart have
// few different Content-Type values). enmime only reads the parameter
// maps, so handing out the same one to several mails is safe.
var (
	sharedMediaTypes    sync.Map // string → *mediaTypeEntry
	sharedMediaTypesLen atomic.Int32
)

const sharedMediaTypeMax = 4096

// sharedMediaType is enmime's media type parser with
// StripMediaTypeInvalidCharacters set, as mediaTypeMemo.parse, but safe
// for concurrent use. enmime parses a part's Content-Type and
// Content-Disposition several times.
func sharedMediaType(ctype string) (string, map[string]string, []string, error) {
	if e, ok := sharedMediaTypes.Load(ctype); ok {
		e := e.(*mediaTypeEntry)
		return e.mtype, e.params, e.invalid, e.err
	}
	mtype, params, invalid, err := mediatype.ParseWithOptions(ctype, mediatype.ParseOptions{StripMediaTypeInvalidCharacters: true})
	if len(ctype) <= 200 && sharedMediaTypesLen.Add(1) <= sharedMediaTypeMax {
		sharedMediaTypes.Store(ctype, &mediaTypeEntry{ctype, mtype, params, invalid, err})
	}
	return mtype, params, invalid, err
}

// rootTemplate is a root part as singlePartParser reads it. A Part keeps
// the parser that read it in an unexported field, which
// EnvelopeFromPart consults (media types, error limits); the parts
// readSinglePart builds are copies of this one with every exported field
// set anew.
var rootTemplate = func() *enmime.Part {
	p, err := singlePartParser.ReadParts(strings.NewReader("Content-Type: text/plain; charset=utf-8\r\n\r\nx"))
	if err != nil {
		panic("ingest: enmime cannot read a template part: " + err.Error())
	}
	return p
}()

// readSinglePart returns the envelope enmime would read from data, when
// data is a mail readSinglePart can read (see above); ok is false
// otherwise.
func readSinglePart(data []byte) (env *enmime.Envelope, ok bool) {
	h, bodyStart, ok := readSimpleHeader(data)
	if !ok {
		return nil, false
	}
	ctype := h.Get("Content-Type")
	if ctype == "" {
		ctype = `text/plain; charset="us-ascii"` // enmime's default for the top level
	}
	mtype, params, invalid, err := sharedMediaType(ctype)
	switch {
	case err != nil, len(invalid) > 0, strings.HasPrefix(mtype, "multipart/"), mtype == "":
		return nil, false
	case params["name"] != "", params["file"] != "", params["modification-date"] != "":
		return nil, false
	case h.Get("Content-Disposition") != "":
		return nil, false
	}
	charset := params["charset"]
	text := strings.HasPrefix(mtype, "text/")
	if text && charset == "" {
		return nil, false // enmime would guess the charset
	}
	content, ok := decodeBody(h.Get("Content-Transfer-Encoding"), data[bodyStart:])
	if !ok || text && !sameInUTF8(charset, content) {
		return nil, false
	}

	root := new(enmime.Part)
	*root = *rootTemplate // for the parser it refers to; every exported field is set below
	root.PartID = "0"
	root.Parent, root.FirstChild, root.NextSibling = nil, nil, nil
	root.Header = h
	root.Boundary = params["boundary"]
	root.ContentID = fromIDHeader(h.Get("Content-ID"))
	root.ContentType = mtype
	root.ContentTypeParams = nil
	root.Disposition, root.FileName = "", ""
	root.FileModDate = time.Time{}
	root.Charset, root.OrigCharset = charset, ""
	root.Errors = nil
	root.Content, root.ContentReader, root.Epilogue = content, nil, nil
	env, err = singlePartParser.EnvelopeFromPart(root)
	return env, err == nil
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
		vals      = make([]byte, 0, 1024)
		pos       = 0
	)
	closeField := func() {
		if k := len(fields) - 1; k >= 0 && fields[k].end < 0 {
			v := bytes.TrimRight(vals[fields[k].start:], " \t")
			vals = vals[:fields[k].start+len(v)]
			fields[k].start = len(vals) - len(bytes.TrimLeft(v, " \t"))
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
			vals = append(append(vals, ' '), bytes.Trim(line, " \t")...)
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
		vals = append(vals, bytes.TrimRight(line[colon+1:], " \t")...)
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

// emailFieldByte reports whether c may be part of a field name for
// enmime's textproto (printable US-ASCII but ':').
func emailFieldByte(c byte) bool {
	return '!' <= c && c <= '~' && c != ':'
}

// commonKeys are canonical field names of mail, kept so that
// canonicalKey need not allocate them.
var commonKeys = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{
		"Return-Path", "Received", "From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-Id",
		"In-Reply-To", "References", "Mime-Version", "Content-Type", "Content-Transfer-Encoding",
		"Content-Disposition", "Content-Id", "Content-Language", "X-Mailer", "User-Agent",
		"Dkim-Signature", "Authentication-Results", "Thread-Topic", "Thread-Index", "Importance",
		"X-Priority", "Precedence", "Auto-Submitted", "List-Id", "List-Unsubscribe", "X-Loop",
		"Delivered-To", "Sender", "Organization", "X-Originating-Ip", "Arc-Seal",
	} {
		m[k] = k
	}
	return m
}()

// canonicalKey is the canonical form of a field name of emailFieldBytes,
// as textproto makes it: upper case at the start and after '-', lower
// case elsewhere.
func canonicalKey(name []byte) string {
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
		return decodeQP(body)
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

// bufReaders holds 4 KiB buffered readers for decodeQP. A reset reader
// behaves as a new one.
var bufReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}

// decodeQP decodes a quoted-printable body as enmime does: through its
// cleaner (which escapes what Go's decoder would reject) into
// mime/quotedprintable, each reading through a 4 KiB buffer. ok is false
// when decoding fails.
func decodeQP(body []byte) ([]byte, bool) {
	in := bufReaders.Get().(*bufio.Reader)
	in.Reset(bytes.NewReader(body))
	cleaned := bufReaders.Get().(*bufio.Reader)
	cleaned.Reset(&qpCleaner{in: in})
	out, err := readAllHint(quotedprintable.NewReader(cleaned), len(body))
	in.Reset(nil)
	cleaned.Reset(nil)
	bufReaders.Put(in)
	bufReaders.Put(cleaned)
	return out, err == nil
}

// readAllHint is io.ReadAll starting with room for hint bytes.
func readAllHint(r io.Reader, hint int) ([]byte, error) {
	b := make([]byte, 0, hint+512)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// base64Clean is enmime's table of how its base64 cleaner treats a byte
// (of its low seven bits): -2 dropped, -1 dropped with a warning, else
// kept.
var base64Clean = [128]int8{
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -2, -2, -1, -1, -2, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-2, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -2, -1, -1,
	-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
}

// decodeBase64 decodes a base64 body as enmime does (white space and '='
// dropped, then decoded without padding); ok is false for a body with
// other bytes enmime would warn about or that does not decode.
func decodeBase64(body []byte) ([]byte, bool) {
	clean := make([]byte, 0, len(body))
	for _, c := range body {
		switch base64Clean[c&0x7f] {
		case -2:
		case -1:
			return nil, false
		default:
			if c >= 0x80 {
				return nil, false
			}
			clean = append(clean, c)
		}
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	n, err := base64.RawStdEncoding.Decode(out, clean)
	if err != nil {
		return nil, false
	}
	return out[:n], true
}
