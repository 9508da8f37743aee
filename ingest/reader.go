package ingest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/antwort-dev/antwort/internal/lines"
)

// Default limits used when Options.MaxBytes is zero or negative.
const (
	defaultLineMax = 1 << 20  // per JSONL/text line and CSV/TSV record
	defaultFileMax = 25 << 20 // per file in directory mode and per "eml" stream

	bufSize = 64 << 10 // bufio buffer; also the window the sniffer looks at
)

// Message is one inbound message to classify.
type Message struct {
	// ID identifies the message: the Message-ID header without angle
	// brackets for mail, the "id" field for JSONL/CSV, otherwise derived
	// from where it was read ("inbox.txt:3").
	ID      string `json:"id,omitempty"`
	Channel string `json:"channel,omitempty"` // email, chat, twitter, facebook...
	// From is the author: for mail the From header's mailbox, name and
	// address apart; for a post the "from" (or "author") field, a mail
	// address or a name or handle ("@kunde123") without one. A From header
	// with several mailboxes, a group or no valid address leaves From
	// empty and says why in Warnings: a reply goes to exactly one address
	// (see Recipient).
	From Address `json:"from,omitzero"`
	// ReplyTo is the mailbox of a Reply-To header that holds exactly one
	// valid address; replies go there instead of From (see Recipient).
	ReplyTo Address `json:"reply_to,omitzero"`
	// To lists the recipients of a mail.
	To      []Address `json:"to,omitempty"`
	Subject string    `json:"subject,omitempty"`
	// Text is the customer's new text: for mail the decoded body with
	// quoted history and signature removed (see Quoted and Signature).
	Text string `json:"text"`
	// Quoted is the quoted history removed from Text ("Am … schrieb …",
	// "-----Ursprüngliche Nachricht-----", "> " lines, …).
	Quoted string `json:"quoted,omitempty"`
	// Signature is the closing and signature removed from Text ("Mit
	// freundlichen Grüßen\nMax Mustermann", "Sent from my iPhone", legal
	// disclaimers). Name extraction reads it.
	Signature string `json:"signature,omitempty"`
	// Date is when the message was written (Date header, "created" field);
	// zero when unknown.
	Date time.Time `json:"date,omitzero"`
	// InReplyTo and References are the threading headers, Message-IDs
	// without angle brackets.
	InReplyTo  string   `json:"in_reply_to,omitempty"`
	References []string `json:"references,omitempty"`
	// Attachments are listed, never parsed.
	Attachments []Attachment `json:"attachments,omitempty"`
	// Auto is non-empty when the message was sent by a machine and must
	// not be answered (auto-reply, bounce, bulk or list mail, our own
	// reply): the reason, such as "Auto-Submitted: auto-replied" or
	// "subject: Abwesenheitsnotiz".
	Auto string `json:"auto,omitempty"`
	// Warnings are what a person should know about how the message was
	// read: why it has no reply address ("From: 2 addresses (…); a reply
	// goes to exactly one"), why its text is empty or cut.
	Warnings []string `json:"warnings,omitempty"`
	// NoText says why a mail whose body is there has no text: its HTML
	// holds none, it has only attachments, it forwards messages nested too
	// deep. Such a mail is for a person to read ("no text" in the
	// decision). Empty when the text was read, or the body is empty.
	NoText string `json:"no_text,omitempty"`
	// TextCut counts the bytes of text left out because the message has
	// more than Options.MaxText (64 KiB by default); a warning says so.
	TextCut int64 `json:"text_cut,omitempty"`
	// Size is the size of the raw item in bytes.
	Size int64 `json:"size,omitempty"`
	// ContentHash tells apart two different messages with one ID: 128
	// bits of a SHA-256, in hex, of what the writer wrote. For a mail it
	// covers the raw body and the From, To, Cc, Subject and Date fields
	// as written, so copies of one mail that took different ways (other
	// Received lines) share it; for a post its channel, author, subject,
	// date and text. It depends on no decoding or cleaning, so it stays
	// the same across versions of antwort. Empty for a Message built by
	// hand.
	ContentHash string `json:"-"`
	// Source is where it came from: the file path for a mail in a file,
	// "export.mbox#17" for the 17th message of an mbox, "inbox.jsonl:3"
	// for a line or record.
	Source string `json:"-"`
	// Raw holds the raw bytes of a mail when Options.KeepRaw is set.
	Raw []byte `json:"-"`
}

// Attachment describes one attachment of a mail.
type Attachment struct {
	Name string `json:"name"`
	Type string `json:"type"` // media type, "application/pdf"
	Size int    `json:"size"` // decoded bytes
}

// Reader yields messages one at a time from a stream. Next returns io.EOF
// at the end. A broken item yields a *Problem error and the next call
// continues with the following item.
//
// Formats:
//
//   - "jsonl": one JSON object per line with the fields "id", "text" (or
//     Options.TextField), "subject", "from" and "channel". "id" may be a
//     string or a number; when it is missing the ID is "name:line".
//     Blank lines are skipped. A line needs a non-empty text or subject.
//   - "text": one message per non-empty line; the ID is the line number.
//     Surrounding white space is trimmed.
//   - "csv", "tsv": a header row naming the same fields as "jsonl"; the
//     text column is required (its absence is a fatal error from Next).
//   - "eml": the whole stream is one RFC 5322 mail. ID is the Message-ID
//     header (or name when there is none), From and Subject are the
//     decoded headers, Text is the decoded text body (derived from the HTML
//     part for HTML-only mail) and Channel is "email".
//   - "": sniff the start of the stream: a first non-space byte '{' means
//     jsonl; a first non-blank line that starts with a well-known mail
//     header ("From:", "Received:", "Subject:", "Message-ID:", "X-…:" …)
//     means eml; anything else is text.
//
// A UTF-8 byte order mark at the start is skipped, CRLF line endings are
// accepted, and text must be valid UTF-8 (a line that is not is a
// Problem). Options.MaxBytes limits a line or record (default 1 MiB) and,
// for "eml", the whole message (default 25 MiB); longer items are a
// Problem and reading continues after them. Options.LabelField,
// SplitField and Format are not used.
//
// A Reader is not safe for concurrent use. Next checks ctx before each
// item but cannot interrupt a blocked Read on the underlying io.Reader.
type Reader struct {
	name    string
	format  string // "" until sniffed by the first Next
	text    string // text field name
	max     int64  // limit per line/record, or per message for eml
	opts    Options
	br      *bufio.Reader
	started bool
	lines   *lines.Reader
	records *csvSource
	err     error // sticky: io.EOF or a fatal error
}

// NewReader returns a Reader for the stream r. name identifies the stream
// in Message.Source and in problems (a file name, "stdin"). format is
// "jsonl", "text", "csv", "tsv", "eml", or "" to sniff the format from the
// first bytes. NewReader does not read from r; that happens in Next.
func NewReader(r io.Reader, name string, format string, opts Options) (*Reader, error) {
	if r == nil {
		return nil, errors.New("ingest: NewReader: nil io.Reader")
	}
	f := strings.ToLower(strings.TrimSpace(format))
	switch f {
	case "", "jsonl", "text", "csv", "tsv", "eml":
	case "ndjson":
		f = "jsonl"
	default:
		return nil, errorf(ErrUnknownFormat, "ingest: unknown format %q (want jsonl, text, csv, tsv, eml, or \"\" to sniff)", format)
	}
	o := opts.withDefaults()
	return &Reader{
		name:   name,
		format: f,
		text:   o.TextField,
		max:    opts.MaxBytes,
		opts:   opts,
		br:     bufio.NewReaderSize(&stickyReader{r: r}, bufSize),
	}, nil
}

// stickyReader returns the first error of r on every later Read, so an
// error that bufio hands to Peek (and forgets) is seen again by the next
// read.
type stickyReader struct {
	r   io.Reader
	err error
}

func (s *stickyReader) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.r.Read(p)
	s.err = err
	return n, err
}

// Next returns the next message. It returns io.EOF after the last one,
// a *Problem for an item that was skipped (call Next again to go on), and
// any other error when the stream cannot be read further; after io.EOF or
// such an error every call returns the same error. An error of ctx is
// returned as is and does not end the Reader.
func (r *Reader) Next(ctx context.Context) (*Message, error) {
	if r.err != nil {
		return nil, r.err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !r.started {
		r.started = true
		if err := r.start(); err != nil {
			r.err = err
			return nil, err
		}
	}
	var (
		m   *Message
		err error
	)
	switch r.format {
	case "jsonl":
		m, err = r.nextJSONL(ctx)
	case "text":
		m, err = r.nextText(ctx)
	case "csv", "tsv":
		m, err = r.nextCSV(ctx)
	case "eml":
		m, err = r.nextEML()
	}
	if err != nil {
		if _, ok := err.(*Problem); !ok && !isContextErr(err) {
			r.err = err
		}
		return nil, err
	}
	return m, nil
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// start skips a byte order mark, sniffs the format if needed and sets up
// the line or record source.
func (r *Reader) start() error {
	if err := lines.SkipBOM(r.br); err != nil {
		return r.ioErr(err)
	}
	if r.format == "" {
		r.format = r.sniff()
	}
	switch r.format {
	case "jsonl", "text":
		r.lines = lines.NewReader(r.br, limitOr(r.max, defaultLineMax))
	case "csv", "tsv":
		comma := ','
		if r.format == "tsv" {
			comma = '\t'
		}
		s, err := newCSVSource(r.br, r.name, comma, limitOr(r.max, defaultLineMax))
		if err != nil {
			return err
		}
		if err := s.require(r.text); err != nil {
			return err
		}
		r.records = s
	}
	return nil
}

// sniff reads just enough of the stream to choose a format (see sniff in
// eml.go), so that a live stream is not held up until 64 KiB arrived. A
// read error ends sniffing; the sticky reader reports it again later.
func (r *Reader) sniff() string {
	for {
		head, _ := r.br.Peek(r.br.Buffered()) // never blocks
		if f, ok := sniffPrefix(head, false); ok {
			return f
		}
		// Wait for at least one more byte; an error (io.EOF, or a full
		// buffer) means no more will come for sniffing.
		if _, err := r.br.Peek(len(head) + 1); err != nil {
			head, _ = r.br.Peek(r.br.Buffered())
			f, _ := sniffPrefix(head, true)
			return f
		}
	}
}

func (r *Reader) ioErr(err error) error {
	if err == io.EOF {
		return err
	}
	return fmt.Errorf("ingest: read %s: %w", r.name, err)
}

func (r *Reader) problem(line int, err error) *Problem {
	return &Problem{Source: r.name, Line: line, Err: err}
}

func (r *Reader) nextJSONL(ctx context.Context) (*Message, error) {
	src := jsonlSource{name: r.name, lines: r.lines}
	rec, line, err := src.next(ctx)
	if err != nil {
		return nil, err
	}
	m, err := messageFromRecord(rec, r.text)
	if err != nil {
		return nil, r.problem(line, err)
	}
	r.finish(m, line)
	return m, nil
}

func (r *Reader) nextCSV(ctx context.Context) (*Message, error) {
	rec, line, err := r.records.next(ctx)
	if err != nil {
		return nil, err
	}
	m, err := messageFromRecord(rec, r.text)
	if err != nil {
		return nil, r.problem(line, err)
	}
	r.finish(m, line)
	return m, nil
}

// finish fills in Source and, when the item had none, the ID, and cleans
// the text unless Options.NoClean.
func (r *Reader) finish(m *Message, line int) {
	m.Source = r.name + ":" + strconv.Itoa(line)
	if m.ID == "" {
		m.ID = m.Source
	}
	m.ContentHash = postHash(m) // of all of it, before the text is cut
	var cut int
	m.Text, cut = cutText(m.Text, textMax(r.opts))
	m.cutWarning(cut)
	if !r.opts.NoClean && m.Text != "" {
		m.clean()
	}
}

// cutWarning records that cut bytes of m's text were left out.
func (m *Message) cutWarning(cut int) {
	if cut <= 0 {
		return
	}
	m.TextCut += int64(cut)
	m.Warnings = append(m.Warnings, fmt.Sprintf("text cut: %s of the text were left out; the first part was read", byteSize(m.TextCut)))
}

// byteSize writes n bytes for people: "812 bytes", "64 KiB", "19.8 MiB".
func byteSize(n int64) string {
	switch {
	case n < 1<<10:
		return strconv.FormatInt(n, 10) + " bytes"
	case n < 1<<20:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
}

// clean splits m.Text with Clean into the new text, the quoted history and
// the signature. When nothing new is left of a text that was there (a
// chain of forwards, an answer without a word of its own), NoText says so.
func (m *Message) clean() {
	c := Clean(m.Text)
	if c.Text == "" && m.Text != "" && m.NoText == "" {
		m.setNoText("all of it is quoted history or forwarded messages, with nothing new")
	}
	m.Text, m.Quoted, m.Signature = c.Text, c.Quoted, c.Signature
}

// setNoText records why m has no text, and warns of it.
func (m *Message) setNoText(reason string) {
	m.NoText = reason
	m.Warnings = append(m.Warnings, "no text: "+reason)
}

func (r *Reader) nextText(ctx context.Context) (*Message, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := r.lines.Next()
		line := r.lines.Line()
		switch {
		case err == lines.ErrTooLong:
			return nil, r.problem(line, errorf(ErrTooLarge, "line longer than %d bytes", r.lines.Max()))
		case err != nil:
			return nil, r.ioErr(err)
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		if !utf8.Valid(b) {
			return nil, r.problem(line, invalidUTF8("line", b))
		}
		n := strconv.Itoa(line)
		m := &Message{ID: n, Text: string(bytes.TrimSpace(b)), Source: r.name + ":" + n}
		m.ContentHash = postHash(m) // of all of it, before the text is cut
		var cut int
		m.Text, cut = cutText(m.Text, textMax(r.opts))
		m.cutWarning(cut)
		return m, nil
	}
}

func (r *Reader) nextEML() (*Message, error) {
	r.err = io.EOF // one message per stream, whatever happens below
	max := limitOr(r.max, defaultFileMax)
	raw, err := io.ReadAll(io.LimitReader(r.br, max+1))
	if err != nil {
		r.err = r.ioErr(err)
		return nil, r.err
	}
	if int64(len(raw)) > max {
		return nil, r.problem(0, errorf(ErrTooLarge, "message longer than %d bytes", max))
	}
	m, err := parseMessage(raw, r.opts)
	if err != nil {
		return nil, r.problem(0, err)
	}
	m.Source = r.name
	return m, nil
}

// messageFromRecord builds a Message from a JSONL object or CSV row.
func messageFromRecord(rec record, textField string) (*Message, error) {
	var m Message
	var err error
	if m.ID, err = optionalString(rec, "id", true); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"subject", &m.Subject}, {"channel", &m.Channel}} {
		if *f.dst, err = optionalString(rec, f.name, false); err != nil {
			return nil, err
		}
	}
	m.ID = strings.TrimSpace(m.ID)
	m.Channel = strings.TrimSpace(m.Channel)
	if err := authorFromRecord(&m, rec); err != nil {
		return nil, err
	}
	for _, name := range []string{"created", "date"} {
		v, err := optionalString(rec, name, true)
		if err != nil {
			return nil, err
		}
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		t, ok := parseCreated(v)
		if !ok {
			return nil, errorf(ErrMalformed, "%s field %q is not a date (want RFC 3339 \"2026-03-12T10:15:00+01:00\", \"2026-03-12 10:15:00\", \"2026-03-12\", RFC 5322 or Unix seconds)", name, truncate(v, 40))
		}
		m.Date = t
		break
	}
	text, kind := rec.field(textField)
	switch kind {
	case fieldAbsent:
		if strings.TrimSpace(m.Subject) == "" {
			return nil, errorf(ErrMissingField, "text field %q missing", textField)
		}
	case fieldString:
		if !utf8.ValidString(text) {
			return nil, invalidUTF8("text field "+strconv.Quote(textField), []byte(text))
		}
		if strings.TrimSpace(text) == "" && strings.TrimSpace(m.Subject) == "" {
			return nil, errorf(ErrNoText, "text field %q is empty", textField)
		}
		m.Text = text
	default:
		return nil, errorf(ErrMalformed, "text field %q is not a string", textField)
	}
	return &m, nil
}

// authorFromRecord sets m.From from the "from" field of rec, or "author"
// when there is no "from": a string (a mail address, a name or a handle)
// or, in JSONL, an object {"name", "address"}. A value that is not one
// mailbox (a list, a group, a malformed address) leaves From empty and
// says why in m.Warnings: the message is still decided, but nobody is
// answered.
func authorFromRecord(m *Message, rec record) error {
	for _, name := range []string{"from", "author"} {
		if j, ok := rec.(jsonRecord); ok {
			if raw := bytes.TrimSpace(j[name]); len(raw) > 0 && raw[0] == '{' {
				if err := json.Unmarshal(raw, &m.From); err != nil {
					m.Warnings = append(m.Warnings, name+": "+strings.TrimPrefix(err.Error(), ErrAddress.Error()+": "))
				}
				return nil
			}
		}
		v, err := optionalString(rec, name, false)
		if err != nil {
			return err
		}
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		if m.From, err = ParseAuthor(v); err != nil {
			m.Warnings = append(m.Warnings, name+": "+strings.TrimPrefix(err.Error(), ErrAddress.Error()+": "))
		}
		return nil
	}
	return nil
}

// createdLayouts are the date forms accepted in the "created" and "date"
// fields of JSONL and CSV; times without a zone are UTC.
var createdLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"02.01.2006 15:04:05",
	"02.01.2006 15:04",
	"02.01.2006",
	"Mon Jan 02 15:04:05 -0700 2006", // Twitter
}

// parseCreated parses a post's creation time: one of createdLayouts, an
// RFC 5322 date, or Unix time in seconds (or milliseconds, when larger
// than 10^11).
func parseCreated(v string) (time.Time, bool) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n > 1e11 || n < -1e11 {
			return time.UnixMilli(n).UTC(), true
		}
		return time.Unix(n, 0).UTC(), true
	}
	for _, l := range createdLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t, true
		}
	}
	if t := parseDate(v); !t.IsZero() {
		return t, true
	}
	return time.Time{}, false
}

// ---- records: a JSONL object or a CSV row, read field by field ----

type fieldKind int

const (
	fieldAbsent fieldKind = iota // missing, or JSON null
	fieldString
	fieldNumber // JSON number, returned as its decimal string
	fieldOther  // JSON bool, array, object
)

// record is one JSONL object or CSV row.
type record interface {
	field(name string) (string, fieldKind)
}

type jsonRecord map[string]json.RawMessage

func (m jsonRecord) field(name string) (string, fieldKind) {
	raw, ok := m[name]
	if !ok {
		return "", fieldAbsent
	}
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0, string(raw) == "null":
		return "", fieldAbsent
	case raw[0] == '"':
		if s, ok := plainJSONString(raw); ok {
			return s, fieldString
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "", fieldOther
		}
		return s, fieldString
	case raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9':
		s, ok := decimal(string(raw))
		if !ok {
			return "", fieldOther
		}
		return s, fieldNumber
	default:
		return "", fieldOther
	}
}

// plainJSONString returns the string the JSON string literal raw holds
// when it needs no decoding: valid UTF-8 without escapes, quotes or
// control characters between its quotes, as most texts are. Otherwise
// ok is false and json.Unmarshal decodes it.
func plainJSONString(raw json.RawMessage) (s string, ok bool) {
	n := len(raw)
	if n < 2 || raw[0] != '"' || raw[n-1] != '"' {
		return "", false
	}
	body := raw[1 : n-1]
	for _, c := range body {
		if c < 0x20 || c == '"' || c == '\\' {
			return "", false
		}
	}
	if !utf8.Valid(body) {
		return "", false
	}
	return string(body), true
}

// decimal returns the JSON number lit as a decimal string: integers as
// written ("12345678901234567890"), others without exponent and without
// trailing zeros ("2.50" -> "2.5", "1e2" -> "100").
func decimal(lit string) (string, bool) {
	if !strings.ContainsAny(lit, ".eE") {
		return lit, true
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		return "", false
	}
	return strconv.FormatFloat(f, 'f', -1, 64), true
}

type csvRecord struct {
	cols map[string]int
	row  []string
}

func (r csvRecord) field(name string) (string, fieldKind) {
	i, ok := r.cols[strings.ToLower(name)]
	if !ok || i >= len(r.row) {
		return "", fieldAbsent
	}
	return r.row[i], fieldString
}

// optionalString returns a field that may be absent. Numbers are accepted
// only when number is true.
func optionalString(rec record, name string, number bool) (string, error) {
	v, kind := rec.field(name)
	switch {
	case kind == fieldAbsent:
		return "", nil
	case kind == fieldString, kind == fieldNumber && number:
		if !utf8.ValidString(v) {
			return "", invalidUTF8(name+" field", []byte(v))
		}
		return v, nil
	default:
		return "", errorf(ErrMalformed, "%s field is not a string", name)
	}
}

// invalidUTF8 reports where b stops being valid UTF-8.
func invalidUTF8(what string, b []byte) error {
	off := 0
	for off < len(b) {
		r, size := utf8.DecodeRune(b[off:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		off += size
	}
	return errorf(ErrInvalidUTF8, "%s is not valid UTF-8 (byte %d)", what, off)
}

// ---- JSONL ----

// jsonlSource turns lines into JSON objects, skipping blank lines.
type jsonlSource struct {
	name  string
	lines *lines.Reader
}

// next returns the next object and its line number. Item-level failures
// come back as *Problem; io.EOF and read errors end the source.
func (s jsonlSource) next(ctx context.Context) (record, int, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		b, err := s.lines.Next()
		line := s.lines.Line()
		switch {
		case err == lines.ErrTooLong:
			return nil, line, &Problem{Source: s.name, Line: line, Err: errorf(ErrTooLarge, "line longer than %d bytes", s.lines.Max())}
		case err == io.EOF:
			return nil, line, io.EOF
		case err != nil:
			return nil, line, fmt.Errorf("ingest: read %s: %w", s.name, err)
		}
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		if !utf8.Valid(b) {
			return nil, line, &Problem{Source: s.name, Line: line, Err: invalidUTF8("line", b)}
		}
		if b[0] != '{' {
			return nil, line, &Problem{Source: s.name, Line: line, Err: errorf(ErrMalformed, "not a JSON object")}
		}
		if m, ok := flatJSONObject(b); ok {
			return m, line, nil
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, line, &Problem{Source: s.name, Line: line, Err: errorf(ErrMalformed, "invalid JSON: %v", err)}
		}
		return jsonRecord(m), line, nil
	}
}

// flatJSONObject reads the JSON object b when it is flat and plain, as
// most JSONL input is: string keys and string values, none with an
// escape or a control character, and JSON white space between them. It
// returns what json.Unmarshal returns for b (the values are slices of one
// copy of b); ok is false for every other b, which json.Unmarshal then
// reads. b is valid UTF-8. Unmarshal scans a line twice (a validity check,
// then the decoding) and copies each value apart; for a line that is
// mostly one long text that was a tenth of classify's CPU.
func flatJSONObject(b []byte) (m jsonRecord, ok bool) {
	b = bytes.Clone(b)
	i := 0
	ws := func() {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
			i++
		}
	}
	// str returns the end of the plain string starting at b[i] (a quote),
	// after its closing quote; 0 when there is none.
	str := func() int {
		if i >= len(b) || b[i] != '"' {
			return 0
		}
		for j := i + 1; j < len(b); j++ {
			switch c := b[j]; {
			case c == '"':
				return j + 1
			case c == '\\' || c < 0x20:
				return 0
			}
		}
		return 0
	}
	ws()
	if i >= len(b) || b[i] != '{' {
		return nil, false
	}
	i++
	m = make(jsonRecord, 4)
	ws()
	if i < len(b) && b[i] == '}' {
		i++
		ws()
		return m, i == len(b)
	}
	for {
		ws()
		end := str()
		if end == 0 {
			return nil, false
		}
		key := string(b[i+1 : end-1])
		i = end
		ws()
		if i >= len(b) || b[i] != ':' {
			return nil, false
		}
		i++
		ws()
		end = str()
		if end == 0 {
			return nil, false
		}
		m[key] = json.RawMessage(b[i:end:end])
		i = end
		ws()
		if i >= len(b) {
			return nil, false
		}
		switch b[i] {
		case ',':
			i++
			continue
		case '}':
			i++
			ws()
			return m, i == len(b)
		}
		return nil, false
	}
}

func limitOr(max, def int64) int64 {
	if max <= 0 {
		return def
	}
	return max
}

// ---- CSV / TSV ----

// csvSource reads records with a header row through encoding/csv.
type csvSource struct {
	name   string
	cr     *csv.Reader
	lim    *lineLimiter
	max    int64
	header []string
	cols   map[string]int // lower-cased, trimmed column name -> index
}

// newCSVSource reads the header row. An empty input gives an empty header,
// which require then reports.
func newCSVSource(r io.Reader, name string, comma rune, max int64) (*csvSource, error) {
	lim := &lineLimiter{r: r, comma: byte(comma), max: max + 1, line: 1} // +1: room for a '\r'
	cr := csv.NewReader(lim)
	cr.Comma = comma
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	s := &csvSource{name: name, cr: cr, lim: lim, max: max, cols: map[string]int{}}
	header, err := cr.Read()
	switch {
	case err == io.EOF:
		return s, nil
	case err != nil:
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, errorf(ErrMalformed, "ingest: %s: header: %v", name, pe.Err)
		}
		return nil, fmt.Errorf("ingest: read %s: %w", name, err)
	}
	if len(lim.long) > 0 && lim.long[0] == 1 {
		return nil, errorf(ErrTooLarge, "ingest: %s: header line longer than %d bytes", name, max)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\uFEFF")
	}
	s.header = header
	for i, h := range header {
		k := strings.ToLower(strings.TrimSpace(h))
		if _, dup := s.cols[k]; !dup {
			s.cols[k] = i
		}
	}
	return s, nil
}

// require returns an error wrapping ErrMissingField that names the file,
// the first missing column and the columns found.
func (s *csvSource) require(names ...string) error {
	for _, n := range names {
		if _, ok := s.cols[strings.ToLower(n)]; ok {
			continue
		}
		found := "none"
		if len(s.header) > 0 {
			q := make([]string, len(s.header))
			for i, h := range s.header {
				q[i] = strconv.Quote(h)
			}
			found = strings.Join(q, ", ")
		}
		return errorf(ErrMissingField, "ingest: %s: missing column %q in header (columns found: %s)", s.name, n, found)
	}
	return nil
}

// next returns the next row and the line it starts on. Item-level failures
// come back as *Problem; io.EOF and read errors end the source.
func (s *csvSource) next(ctx context.Context) (record, int, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	row, err := s.cr.Read()
	if err != nil {
		var pe *csv.ParseError
		switch {
		case err == io.EOF:
			return nil, 0, io.EOF
		case errors.As(err, &pe):
			return nil, pe.StartLine, &Problem{Source: s.name, Line: pe.StartLine, Err: errorf(ErrMalformed, "%v", pe.Err)}
		default:
			return nil, 0, fmt.Errorf("ingest: read %s: %w", s.name, err)
		}
	}
	start, _ := s.cr.FieldPos(0)
	end, _ := s.cr.FieldPos(len(row) - 1)
	end += strings.Count(row[len(row)-1], "\n")
	if s.lim.cut(start, end) || recordSize(row) > s.max {
		return nil, start, &Problem{Source: s.name, Line: start, Err: errorf(ErrTooLarge, "record longer than %d bytes", s.max)}
	}
	if len(row) < len(s.header) {
		return nil, start, &Problem{Source: s.name, Line: start, Err: errorf(ErrMalformed, "short record: %d fields, header has %d", len(row), len(s.header))}
	}
	for _, extra := range row[len(s.header):] {
		if extra != "" {
			return nil, start, &Problem{Source: s.name, Line: start, Err: errorf(ErrMalformed, "record has %d fields, header has %d", len(row), len(s.header))}
		}
	}
	return csvRecord{cols: s.cols, row: row}, start, nil
}

func recordSize(row []string) int64 {
	n := int64(len(row) - 1) // separators
	for _, f := range row {
		n += int64(len(f))
	}
	return n
}

// lineLimiter passes bytes through but cuts every physical line after max
// bytes (keeping its '\n') and remembers which lines it cut. That bounds
// the memory encoding/csv uses for one line; records touching a cut line
// are reported as too large. To keep the parser in step after a cut, the
// limiter follows the CSV quoting state of what it passed on and closes an
// open quoted field at the cut, so the next line starts a new record.
type lineLimiter struct {
	r        io.Reader
	comma    byte
	max      int64
	line     int   // current physical line, 1-based
	cur      int64 // bytes of the current line so far
	dropping bool
	state    csvState
	long     []int // cut lines not yet passed, ascending
}

// csvState is where encoding/csv (with LazyQuotes) is within a record.
type csvState int

const (
	atFieldStart csvState = iota
	inUnquoted
	inQuoted
	atQuoteInQuoted // saw '"' inside a quoted field
)

// step advances the quoting state by one byte passed on to the parser.
func (l *lineLimiter) step(c byte) {
	switch l.state {
	case atFieldStart:
		switch c {
		case '"':
			l.state = inQuoted
		case l.comma, '\n':
		default:
			l.state = inUnquoted
		}
	case inUnquoted:
		if c == l.comma || c == '\n' {
			l.state = atFieldStart
		}
	case inQuoted:
		if c == '"' {
			l.state = atQuoteInQuoted
		}
	case atQuoteInQuoted:
		switch c {
		case l.comma, '\n':
			l.state = atFieldStart
		default: // "" is an escaped quote; anything else a lazy literal quote
			l.state = inQuoted
		}
	}
}

func (l *lineLimiter) Read(p []byte) (int, error) {
	for {
		n, err := l.r.Read(p)
		w := 0 // w <= i: bytes are filtered in place
		for i := 0; i < n; i++ {
			c := p[i]
			switch {
			case c == '\n':
				l.line++
				l.cur = 0
				l.dropping = false
			case l.dropping:
				continue
			default:
				l.cur++
				if l.cur <= l.max {
					break
				}
				l.dropping = true
				l.long = append(l.long, l.line)
				if l.state != inQuoted {
					continue
				}
				c = '"' // close the open field in place of the first dropped byte
			}
			l.step(c)
			p[w] = c
			w++
		}
		if w > 0 || n == 0 || err != nil {
			return w, err
		}
		// Everything read was dropped; read again rather than return 0, nil.
	}
}

// cut reports whether any line in [start, end] was cut, and forgets cut
// lines up to end.
func (l *lineLimiter) cut(start, end int) bool {
	hit := false
	for len(l.long) > 0 && l.long[0] <= end {
		if l.long[0] >= start {
			hit = true
		}
		l.long = l.long[1:]
	}
	return hit
}
