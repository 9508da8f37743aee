package ingest

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/antwort-dev/antwort/internal/fstree"
	"github.com/antwort-dev/antwort/internal/lines"
)

// Labeled is one training/evaluation example.
type Labeled struct {
	Text   string
	Label  string
	Split  string // value of the split field, "" when absent
	Lang   string // value of a "lang" field if present
	Source string // "file.jsonl:12" or "dir/label/file.eml"
	// Message is the parsed mail when the example was read from one (a
	// file in a folder, a Maildir, an mbox); nil for JSONL, CSV, TSV and
	// text. Text is its subject and cleaned body.
	Message *Message
}

// Options configures ReadLabeled and NewReader. The zero value means the
// documented defaults.
type Options struct {
	// TextField names the text field in JSONL and the text column in
	// CSV/TSV. Default "text".
	TextField string

	// LabelField names the label field or column. Default "label". For
	// JSONL, when LabelField is "" or "label" and an object has no
	// "label", its LabelFallback field is used instead.
	LabelField string

	// LabelFallback names the JSONL field used when LabelField is the
	// default and an object has no "label" field. Default "intent".
	LabelFallback string

	// SplitField names the field or column holding the split ("train",
	// "test", ...). Default "split". It is optional in the data.
	SplitField string

	// Format selects the reader in ReadLabeled. "" chooses by the path
	// (or its spec prefix, "maildir:DIR"): a directory is "maildir" when it
	// is a Maildir or holds Maildirs and "dir" otherwise; the extensions
	// .jsonl, .ndjson and .json are "jsonl", .csv is "csv", .tsv is "tsv",
	// .mbox and .mbx are "mbox" (case-insensitive). Explicit values:
	// "jsonl", "csv", "tsv", "dir", "maildir", "mbox", "text". NewReader
	// takes its format as a parameter and ignores this field.
	Format string

	// MaxBytes limits one item. Zero or negative means the defaults:
	// 1 MiB per JSONL/text line or CSV/TSV record, 25 MiB per mail (a
	// file in a folder or Maildir, a message in an mbox, an "eml" stream)
	// and per file in directory mode. A larger item is a Problem; reading
	// continues after it, and no more than MaxBytes+1 bytes of it are ever
	// held in memory.
	MaxBytes int64

	// MaxHeaderBytes limits one header field of a mail, continuation
	// lines included. Zero or negative means 128 KiB. A mail with a longer
	// field is a Problem (ErrTooLarge).
	MaxHeaderBytes int64

	// MaxText is the most text of one message that is kept: the first
	// MaxText bytes of a mail's decoded body (of its HTML, four times as
	// many, before it is converted) or of a post's text field, cut at a
	// line break. What is left out is counted in Message.TextCut and named
	// in a warning. It bounds the memory and time a message takes after
	// parsing, whatever its size. Zero or negative means 64 KiB, more
	// than anyone writes by hand.
	MaxText int

	// NoClean turns off Clean: Message.Text is then the whole decoded
	// body (or text field), and Quoted and Signature stay empty. Mail
	// from Parse, Open and NewReader's "eml" format, and posts read by
	// Open from JSONL or CSV, are cleaned by default; so are mail examples
	// in ReadLabeled.
	NoClean bool

	// KeepRaw keeps the raw bytes of each mail in Message.Raw (Parse and
	// Open), for callers that file the original somewhere.
	KeepRaw bool

	// LoopID is the X-Loop value that marks our own replies (see
	// Message.Auto). Default "antwort".
	LoopID string

	// OwnDomains are our own mail domains: a mail whose Message-ID is in
	// one of them (or a subdomain), or whose reply would go to one
	// (Message.Recipient), is our own and gets Message.Auto set.
	OwnDomains []string

	// OwnAddresses are our own mail addresses (any case): a mail whose
	// reply would go to one of them (Message.Recipient) is our own and
	// gets Message.Auto set.
	OwnAddresses []string

	// Label is the label of every example read by ReadLabeled from an
	// mbox file. Default: the file's base name without extension.
	Label string

	// Stdin is read for the spec "-" (and "jsonl:-", "eml:-", ...) in
	// Open. Default os.Stdin.
	Stdin io.Reader
}

func (o Options) withDefaults() Options {
	if o.TextField == "" {
		o.TextField = "text"
	}
	if o.LabelField == "" {
		o.LabelField = "label"
	}
	if o.LabelFallback == "" {
		o.LabelFallback = "intent"
	}
	if o.SplitField == "" {
		o.SplitField = "split"
	}
	return o
}

// ReadLabeled reads all labelled examples from path. Broken items are
// skipped and returned as problems; the error is non-nil only when nothing
// can be read at all: the path is missing or unreadable, the format is
// unknown (ErrUnknownFormat), a CSV/TSV header lacks the text or label
// column (ErrMissingField; the message names the file, the column and the
// columns found), or ctx is done. Examples come in input order: line order
// for files, path order for directories.
//
// Formats (see Options.Format):
//
//   - "jsonl": one JSON object per line; blank lines are skipped. The text
//     and label fields must be non-empty; the label may be a string or a
//     number (taken as its decimal string, "3", "2.5"). The split field and
//     "lang" are optional strings. A line that is not a JSON object, lacks
//     a field, has one of the wrong type, or is not valid UTF-8 is a
//     Problem with its line number; invalid UTF-8 is never repaired.
//   - "csv", "tsv": encoding/csv with a header row, LazyQuotes and a
//     variable number of fields. Column names match case-insensitively. A
//     record with fewer fields than the header, or with more non-empty
//     ones, is a Problem with its line number.
//   - "text": fastText style lines, "__label__refund I want my money back".
//   - "dir": folder name = label. Each regular file ending in .eml or .txt
//     (case-insensitive) below path is one example, and so is a file with
//     another name that starts like a mail (a known header field such as
//     From:, Subject: or Received:, possibly after an mbox "From " line); its label is the path
//     of its directory relative to path, with '/' separators ("refund", or
//     "billing/refund" for a nested folder). Files directly in path are a
//     Problem (ErrNoLabel). Names starting with "." are skipped, as are
//     other files and Maildirs (folders with cur/ or new/; see "maildir"). A .txt file is read whole: UTF-8 (a UTF-8 or UTF-16
//     byte order mark is honoured), and when that is not valid, decoded as
//     windows-1252, the usual encoding of legacy Western European text and
//     a superset of ISO-8859-1's printable range. An .eml file is parsed
//     with enmime; its text is the Subject, a blank line and the decoded
//     text body (converted from HTML for HTML-only mail). Binary files,
//     mail without headers or without any text are Problems naming the path.
//
// Line numbers are 1-based physical lines; a CSV record that spans lines
// is reported at its first. Labels, splits and languages are trimmed of
// surrounding white space; texts are kept as they are (JSONL, CSV/TSV) or
// trimmed (fastText lines, files).
func ReadLabeled(ctx context.Context, path string, opts Options) ([]Labeled, []Problem, error) {
	o := opts.withDefaults()
	switch kind, p := SplitSpec(path); kind {
	case "":
	case KindStream:
		return nil, nil, fmt.Errorf("ingest: labelled data cannot be read from stdin; give a file or folder")
	case KindEML:
		return nil, nil, fmt.Errorf("ingest: %s: a single mail has no label; use dir:, maildir: or mbox: (with Options.Label)", path)
	default:
		path, o.Format = p, kind
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("ingest: %w", err)
	}
	format := strings.ToLower(strings.TrimSpace(o.Format))
	if format == "" {
		format = formatOf(path, fi)
		if format == "" {
			return nil, nil, errorf(ErrUnknownFormat,
				"ingest: %s: unknown format %q (want .jsonl, .ndjson, .json, .csv, .tsv, .mbox or a directory, or a spec such as mbox:%s)",
				path, filepath.Ext(path), path)
		}
	}
	switch format {
	case "dir", KindMaildir:
		if !fi.IsDir() {
			return nil, nil, fmt.Errorf("ingest: %s: format %q needs a directory", path, format)
		}
		if format == KindMaildir {
			return readMaildirTree(ctx, path, o)
		}
		return readDir(ctx, path, o)
	case KindMbox:
		if fi.IsDir() {
			return nil, nil, fmt.Errorf("ingest: %s: is a directory, want an mbox file", path)
		}
		return readMboxLabeled(ctx, path, o)
	case "jsonl", "ndjson", "csv", "tsv", "text":
		if fi.IsDir() {
			return nil, nil, fmt.Errorf("ingest: %s: is a directory, want a %s file", path, format)
		}
		return readFile(ctx, path, format, o)
	default:
		return nil, nil, errorf(ErrUnknownFormat,
			"ingest: %s: unknown format %q (want jsonl, csv, tsv, text, dir, maildir or mbox)", path, o.Format)
	}
}

// formatOf chooses a format from the file name, or "" if it cannot. A
// directory that is a Maildir or holds Maildirs is "maildir".
func formatOf(path string, fi fs.FileInfo) string {
	if fi.IsDir() {
		if isMaildir(path) {
			return KindMaildir
		}
		if des, err := os.ReadDir(path); err == nil {
			for _, d := range des {
				if d.IsDir() && isMaildir(filepath.Join(path, d.Name())) {
					return KindMaildir
				}
			}
		}
		return "dir"
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson", ".json":
		return "jsonl"
	case ".csv":
		return "csv"
	case ".tsv":
		return "tsv"
	case ".mbox", ".mbx":
		return KindMbox
	}
	return ""
}

func readFile(ctx context.Context, path, format string, o Options) ([]Labeled, []Problem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("ingest: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, bufSize)
	if err := lines.SkipBOM(br); err != nil {
		return nil, nil, fmt.Errorf("ingest: read %s: %w", path, err)
	}
	max := limitOr(o.MaxBytes, defaultLineMax)

	var (
		out      []Labeled
		problems []Problem
	)
	// add handles one item of any source; it reports whether to go on.
	// A read error after the start becomes the last problem (Line 0), so
	// what was read so far is still returned.
	add := func(l Labeled, line int, err error) (bool, error) {
		switch e := err.(type) {
		case nil:
			l.Source = path + ":" + strconv.Itoa(line)
			out = append(out, l)
			return true, nil
		case *Problem:
			problems = append(problems, *e)
			return true, nil
		}
		if err == io.EOF {
			return false, nil
		}
		if isContextErr(err) {
			return false, err
		}
		problems = append(problems, Problem{Source: path, Err: err})
		return false, nil
	}

	switch format {
	case "jsonl", "ndjson":
		src := jsonlSource{name: path, lines: lines.NewReader(br, max)}
		fallback := o.LabelField == "label"
		for {
			rec, line, err := src.next(ctx)
			var l Labeled
			if err == nil {
				l, err = labeledFromRecord(rec, o, fallback)
				if err != nil {
					err = &Problem{Source: path, Line: line, Err: err}
				}
			}
			if goOn, err := add(l, line, err); err != nil {
				return nil, nil, err
			} else if !goOn {
				break
			}
		}
		if len(out) == 0 && len(problems) > 0 && looksLikeJSONArray(path) {
			return nil, nil, errorf(ErrUnknownFormat,
				"ingest: %s: holds a JSON array; want JSON Lines (one object per line)", path)
		}
	case "csv", "tsv":
		comma := ','
		if format == "tsv" {
			comma = '\t'
		}
		src, err := newCSVSource(br, path, comma, max)
		if err != nil {
			return nil, nil, err
		}
		if err := src.require(o.TextField, o.LabelField); err != nil {
			return nil, nil, err
		}
		for {
			rec, line, err := src.next(ctx)
			var l Labeled
			if err == nil {
				l, err = labeledFromRecord(rec, o, false)
				if err != nil {
					err = &Problem{Source: path, Line: line, Err: err}
				}
			}
			if goOn, err := add(l, line, err); err != nil {
				return nil, nil, err
			} else if !goOn {
				break
			}
		}
	case "text":
		lr := lines.NewReader(br, max)
		for {
			l, line, err := nextFastText(ctx, path, lr)
			if goOn, err := add(l, line, err); err != nil {
				return nil, nil, err
			} else if !goOn {
				break
			}
		}
	}
	return out, problems, nil
}

// looksLikeJSONArray reports whether the file's first non-space byte is '['.
func looksLikeJSONArray(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	head = bytes.TrimPrefix(head[:n], []byte("\uFEFF"))
	head = bytes.TrimLeft(head, " \t\r\n")
	return len(head) > 0 && head[0] == '['
}

// labeledFromRecord builds an example from a JSONL object or CSV row.
// fallback enables the o.LabelFallback field when "label" is absent.
func labeledFromRecord(rec record, o Options, fallback bool) (Labeled, error) {
	var l Labeled
	text, kind := rec.field(o.TextField)
	switch kind {
	case fieldAbsent:
		return l, errorf(ErrMissingField, "text field %q missing", o.TextField)
	case fieldString:
	default:
		return l, errorf(ErrMalformed, "text field %q is not a string", o.TextField)
	}
	if !utf8.ValidString(text) {
		return l, invalidUTF8("text field "+strconv.Quote(o.TextField), []byte(text))
	}
	if strings.TrimSpace(text) == "" {
		return l, errorf(ErrNoText, "text field %q is empty", o.TextField)
	}
	l.Text = text

	labelField := o.LabelField
	label, kind := rec.field(labelField)
	if kind == fieldAbsent && fallback {
		if v, k := rec.field(o.LabelFallback); k != fieldAbsent {
			labelField, label, kind = o.LabelFallback, v, k
		}
	}
	switch kind {
	case fieldAbsent:
		return l, errorf(ErrMissingField, "label field %q missing", o.LabelField)
	case fieldString, fieldNumber:
	default:
		return l, errorf(ErrMalformed, "label field %q is not a string or number", labelField)
	}
	if !utf8.ValidString(label) {
		return l, invalidUTF8("label field "+strconv.Quote(labelField), []byte(label))
	}
	if l.Label = strings.TrimSpace(label); l.Label == "" {
		return l, errorf(ErrMissingField, "label field %q is empty", labelField)
	}

	var err error
	if l.Split, err = optionalString(rec, o.SplitField, false); err != nil {
		return l, err
	}
	if l.Lang, err = optionalString(rec, "lang", false); err != nil {
		return l, err
	}
	l.Split = strings.TrimSpace(l.Split)
	l.Lang = strings.TrimSpace(l.Lang)
	return l, nil
}

const fastTextPrefix = "__label__"

// nextFastText reads the next non-blank "__label__name text" line.
func nextFastText(ctx context.Context, name string, lr *lines.Reader) (Labeled, int, error) {
	for {
		if err := ctx.Err(); err != nil {
			return Labeled{}, 0, err
		}
		b, err := lr.Next()
		line := lr.Line()
		switch {
		case err == lines.ErrTooLong:
			return Labeled{}, line, &Problem{Source: name, Line: line, Err: errorf(ErrTooLarge, "line longer than %d bytes", lr.Max())}
		case err != nil:
			return Labeled{}, line, err
		}
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		l, err := parseFastText(b)
		if err != nil {
			return Labeled{}, line, &Problem{Source: name, Line: line, Err: err}
		}
		return l, line, nil
	}
}

func parseFastText(b []byte) (Labeled, error) {
	if !utf8.Valid(b) {
		return Labeled{}, invalidUTF8("line", b)
	}
	s := string(b)
	if !strings.HasPrefix(s, fastTextPrefix) {
		return Labeled{}, errorf(ErrMissingField, "line does not start with %q", fastTextPrefix)
	}
	label, text, _ := strings.Cut(s[len(fastTextPrefix):], " ")
	if i := strings.IndexAny(label, "\t"); i >= 0 { // "__label__x\ttext"
		label, text = label[:i], label[i+1:]+" "+text
	}
	text = strings.TrimSpace(text)
	switch {
	case label == "":
		return Labeled{}, errorf(ErrMissingField, "empty label")
	case strings.HasPrefix(text, fastTextPrefix):
		return Labeled{}, errorf(ErrMalformed, "more than one label")
	case text == "":
		return Labeled{}, errorf(ErrNoText, "no text after the label")
	}
	return Labeled{Text: text, Label: label}, nil
}

// ---- directory mode ----

func readDir(ctx context.Context, root string, o Options) ([]Labeled, []Problem, error) {
	max := limitOr(o.MaxBytes, defaultFileMax)
	var (
		out      []Labeled
		problems []Problem
		tree     = fstree.New(root)
	)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			if p == root {
				return err
			}
			problems = append(problems, Problem{Source: p, Err: err})
			return nil // WalkDir goes on with the next entry
		}
		if p != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != root && isMaildir(p) {
				return filepath.SkipDir // a Maildir tree is read with maildir:
			}
			return nil
		}
		ext := strings.ToLower(filepath.Ext(d.Name()))
		if d.Type()&fs.ModeSymlink != 0 {
			// Followed only inside root; a link out of it (to an
			// example or to a folder) is reported.
			fi, err := tree.Link(p)
			if err != nil && (ext == ".eml" || ext == ".txt" || fi != nil && fi.IsDir()) {
				problems = append(problems, Problem{Source: p, Err: err})
			}
			if err != nil || !fi.Mode().IsRegular() {
				return nil
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		if ext != ".eml" && ext != ".txt" {
			if !startsLikeMail(p) {
				return nil
			}
			ext = ".eml"
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			problems = append(problems, Problem{Source: p, Err: err})
			return nil
		}
		dir := filepath.Dir(rel)
		if dir == "." {
			problems = append(problems, Problem{Source: p, Err: errorf(ErrNoLabel, "no label folder: file lies directly in %s", root)})
			return nil
		}
		text, m, err := readExample(p, ext, max, o)
		if err != nil {
			problems = append(problems, Problem{Source: p, Err: err})
			return nil
		}
		out = append(out, Labeled{Text: text, Label: filepath.ToSlash(dir), Source: p, Message: m})
		return nil
	})
	if err != nil {
		if isContextErr(err) {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("ingest: %w", err)
	}
	bySource := func(a, b string) int { return cmp.Compare(filepath.ToSlash(a), filepath.ToSlash(b)) }
	slices.SortStableFunc(out, func(a, b Labeled) int { return bySource(a.Source, b.Source) })
	slices.SortStableFunc(problems, func(a, b Problem) int { return bySource(a.Source, b.Source) })
	return out, problems, nil
}

// readExample reads one .txt or .eml file of at most max bytes and returns
// its text, and the parsed mail for an .eml file.
func readExample(path, ext string, max int64, o Options) (string, *Message, error) {
	if ext != ".txt" {
		m, err := readMailFile(path, max, o)
		if err != nil {
			return "", nil, err
		}
		if m == nil {
			return "", nil, errorf(ErrNotMail, "not a regular file")
		}
		text, err := MailExample(m)
		if err != nil {
			return "", nil, err
		}
		return text, m, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > max {
		return "", nil, errorf(ErrTooLarge, "file is %d bytes, limit %d", fi.Size(), max)
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return "", nil, err
	}
	if int64(len(b)) > max {
		return "", nil, errorf(ErrTooLarge, "file is over the limit of %d bytes", max)
	}
	text, err := decodeText(b)
	return text, nil, err
}

// MailExample is the training text of a parsed mail, as ReadLabeled makes
// it: the subject, a blank line and the cleaned text. Machine-written mail
// (Message.Auto) is refused with an error wrapping ErrAuto, mail without
// subject and text with ErrNoText.
func MailExample(m *Message) (string, error) {
	if m.Auto != "" {
		return "", errorf(ErrAuto, "not used for training: sent by a machine (%s)", m.Auto)
	}
	return labeledText(m)
}

// labeledText is the text of a mail as a training example: the subject, a
// blank line and the (cleaned) body, or whichever of the two is not empty.
func labeledText(m *Message) (string, error) {
	var text string
	switch {
	case m.Subject == "":
		text = m.Text
	case m.Text == "":
		text = m.Subject
	default:
		text = m.Subject + "\n\n" + m.Text
	}
	if text == "" {
		return "", errorf(ErrNoText, "mail has neither subject nor text")
	}
	return text, nil
}

// decodeText decodes a whole text file: UTF-16 with a byte order mark,
// UTF-8 (with or without one), else windows-1252. The result is trimmed
// and has "\n" line endings.
func decodeText(b []byte) (string, error) {
	var s string
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		d, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(b)
		if err != nil {
			return "", errorf(ErrMalformed, "bad UTF-16: %v", err)
		}
		s = string(d)
	case bytes.HasPrefix(b, []byte("\uFEFF")):
		b = b[3:]
		if !utf8.Valid(b) {
			return "", invalidUTF8("file with a UTF-8 byte order mark", b)
		}
		s = string(b)
	default:
		if isBinary(b) {
			return "", errorf(ErrBinary, "binary data, not text")
		}
		if utf8.Valid(b) {
			s = string(b)
		} else {
			d, err := charmap.Windows1252.NewDecoder().Bytes(b)
			if err != nil {
				return "", errorf(ErrMalformed, "cannot decode as windows-1252: %v", err)
			}
			s = string(d)
		}
	}
	if isBinary([]byte(s)) {
		return "", errorf(ErrBinary, "binary data, not text")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errorf(ErrNoText, "empty file")
	}
	return s, nil
}
