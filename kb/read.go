package kb

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/antwort-dev/antwort/internal/fstree"
	"github.com/antwort-dev/antwort/internal/lines"
)

// ReadOptions configures ReadArticles. The zero value means the
// documented defaults.
type ReadOptions struct {
	// Format selects the reader. "" chooses by the path: a directory or a
	// .md/.markdown file is "markdown", .jsonl/.ndjson is "jsonl", .csv is
	// "csv" (case-insensitive).
	Format string

	// MaxBodyBytes limits an article body. Zero or negative means
	// MaxBodyBytes (1 MiB). A larger body makes the article a Problem.
	MaxBodyBytes int

	// Validate, when set, is called for every article that passed the
	// built-in checks (see Article.Check), after normalisation. A non-nil
	// error makes the article a Problem wrapping ErrInvalid and that
	// error; use it to reject, say, template placeholders the reply
	// renderer does not know.
	Validate func(Article) error
}

const (
	// maxFrontMatter is how many bytes of YAML front matter a Markdown
	// file may hold on top of its body.
	maxFrontMatter = 64 << 10

	// maxCSVFactor times the body limit is the largest CSV file read.
	maxCSVFactor = 256
)

// ReadArticles reads articles from path and returns them in input order,
// normalised (see Article.Normalize), with Source set.
//
// Formats (see ReadOptions.Format):
//
//   - "markdown": a folder of .md files (searched recursively; names
//     starting with "." are skipped) or a single .md file. Each file is
//     one article: YAML front matter between a first line "---" and the
//     next line "---" holds id, title, lang, intents, questions, tags and
//     short (list fields as YAML lists, or one string for a single entry);
//     the Markdown after it is the body. Source is the file's path.
//   - "jsonl": one JSON object per line with the Article's JSON fields,
//     body included; blank lines are skipped. Source is "path:line".
//   - "csv": a header row naming the columns (id, title, body, lang,
//     intents, questions, tags, short; case-insensitive; id, lang and body
//     are required), list fields separated by "|". Source is "path:line".
//
// A bad article is skipped and returned as a Problem naming the file and
// the line (of the offending field where that is known): malformed front
// matter, JSON or CSV, unknown fields, missing id, lang or body, unknown
// lang, a body over the limit (a huge file is not read whole), a Short
// over MaxShortRunes, a rejection by ReadOptions.Validate. When two
// articles share an id the later one wins and the earlier one is reported
// as a Problem wrapping ErrDuplicate.
//
// The error is non-nil only when nothing can be read at all: path is
// missing or unreadable, the format is unknown (ErrUnknownFormat), a CSV
// header lacks a required column (ErrMissingField), or ctx is done.
func ReadArticles(ctx context.Context, path string, opts ReadOptions) ([]Article, []Problem, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("kb: %w", err)
	}
	r := reader{ctx: ctx, maxBody: opts.MaxBodyBytes, validate: opts.Validate, seen: map[string]int{}}
	if r.maxBody <= 0 {
		r.maxBody = MaxBodyBytes
	}
	format := strings.ToLower(strings.TrimSpace(opts.Format))
	if format == "" {
		format = formatOf(path, fi)
	}
	switch format {
	case "markdown", "md":
		if fi.IsDir() {
			err = r.readDir(path)
		} else {
			err = r.readMarkdownFile(path)
		}
	case "jsonl", "ndjson":
		err = r.readFile(path, fi, r.readJSONL)
	case "csv":
		err = r.readFile(path, fi, r.readCSV)
	default:
		return nil, nil, errorf(ErrUnknownFormat,
			"kb: %s: unknown format (want a folder of .md files, .md, .jsonl or .csv, or set ReadOptions.Format)", path)
	}
	if err != nil {
		return nil, nil, err
	}
	out := make([]Article, 0, len(r.out))
	for _, a := range r.out {
		if a.ID != "" { // "" marks a slot emptied by a later duplicate
			out = append(out, a)
		}
	}
	return out, r.problems, nil
}

func formatOf(path string, fi fs.FileInfo) string {
	if fi.IsDir() {
		return "markdown"
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".md", ".markdown":
		return "markdown"
	case ".jsonl", ".ndjson":
		return "jsonl"
	case ".csv":
		return "csv"
	}
	return ""
}

// reader collects the articles and problems of one ReadArticles call.
type reader struct {
	ctx      context.Context
	maxBody  int
	validate func(Article) error
	out      []Article
	problems []Problem
	seen     map[string]int // id -> index in out
}

func (r *reader) problem(source string, line int, err error) {
	r.problems = append(r.problems, Problem{Source: source, Line: line, Err: err})
}

// add checks a and appends it, or records a problem. fieldLine maps a
// field name to the line it was found on; line is the article's line.
func (r *reader) add(a Article, source string, line int, fieldLine func(string) int) {
	a = a.Normalize()
	if field, err := checkArticle(a, r.maxBody); err != nil {
		if fieldLine != nil {
			if l := fieldLine(field); l > 0 {
				line = l
			}
		}
		r.problem(source, line, err)
		return
	}
	if r.validate != nil {
		if err := r.validate(a); err != nil {
			r.problem(source, line, wrapf(ErrInvalid, err, "article %q rejected: %v", a.ID, err))
			return
		}
	}
	if i, ok := r.seen[a.ID]; ok {
		old := r.out[i]
		src, l := splitSource(old.Source)
		r.problem(src, l, errorf(ErrDuplicate, "duplicate id %q: replaced by the article at %s", a.ID, a.Source))
		r.out[i] = Article{}
	}
	r.seen[a.ID] = len(r.out)
	r.out = append(r.out, a)
}

// splitSource splits "file:12" into its parts; a Markdown source has line 1.
func splitSource(s string) (string, int) {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		if n, err := strconv.Atoi(s[i+1:]); err == nil {
			return s[:i], n
		}
	}
	return s, 1
}

// ---- Markdown ----

func (r *reader) readDir(root string) error {
	tree := fstree.New(root)
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if cerr := r.ctx.Err(); cerr != nil {
			return fmt.Errorf("kb: read %s: %w", root, cerr)
		}
		if err != nil {
			if p == root {
				return fmt.Errorf("kb: %w", err)
			}
			r.problem(p, 0, wrapf(ErrMalformed, err, "%v", err))
			return nil
		}
		if p != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		ext := strings.ToLower(filepath.Ext(d.Name()))
		md := ext == ".md" || ext == ".markdown"
		if d.Type()&fs.ModeSymlink != 0 {
			// Followed only inside root; a link out of it (to an
			// article or to a folder) is reported.
			fi, err := tree.Link(p)
			if err != nil && (md || fi != nil && fi.IsDir()) {
				r.problem(p, 0, err)
			}
			if err != nil || !fi.Mode().IsRegular() {
				return nil
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		if md {
			return r.readMarkdownFile(p)
		}
		return nil
	})
}

func (r *reader) readMarkdownFile(name string) error {
	if err := r.ctx.Err(); err != nil {
		return fmt.Errorf("kb: read %s: %w", name, err)
	}
	f, err := os.Open(name)
	if err != nil {
		r.problem(name, 0, wrapf(ErrMalformed, err, "%v", err))
		return nil
	}
	defer f.Close()
	limit := int64(r.maxBody) + maxFrontMatter
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		r.problem(name, 0, wrapf(ErrMalformed, err, "%v", err))
		return nil
	}
	truncated := int64(len(data)) > limit
	if truncated {
		data = data[:limit]
	}
	a, fieldLine, perr := parseMarkdown(data, truncated, r.maxBody)
	if perr != nil {
		r.problem(name, perr.Line, perr.Err)
		return nil
	}
	a.Source = name
	r.add(a, name, 1, fieldLine)
	return nil
}

// parseMarkdown splits data into front matter and body and decodes the
// front matter. truncated says data is only the start of a larger file.
// The returned function maps a field name to its line ("body" to the
// body's first line).
func parseMarkdown(data []byte, truncated bool, maxBody int) (Article, func(string) int, *Problem) {
	var a Article
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	fail := func(line int, err error) (Article, func(string) int, *Problem) {
		return Article{}, nil, &Problem{Line: line, Err: err}
	}
	first, rest, _ := cutLine(data)
	if string(bytes.TrimSpace(first)) != "---" {
		return fail(1, errorf(ErrMalformed, "no YAML front matter: the file must start with a line \"---\""))
	}
	// Find the closing line.
	var fm []byte
	line := 1
	fmStart := rest
	closed := false
	for len(rest) > 0 {
		var l []byte
		before := len(fmStart) - len(rest) // offset of this line in fmStart
		l, rest, _ = cutLine(rest)
		line++
		if t := string(bytes.TrimRight(l, " \t\r")); t == "---" || t == "..." {
			fm = fmStart[:before]
			closed = true
			break
		}
	}
	if !closed {
		if truncated {
			return fail(1, errorf(ErrTooLarge, "front matter starting at line 1 is not closed within %d bytes", maxFrontMatter))
		}
		return fail(1, errorf(ErrMalformed, "front matter starting at line 1 is not closed by a line \"---\""))
	}
	closeLine := line
	if !utf8.Valid(fm) {
		return fail(2, errorf(ErrMalformed, "front matter is not valid UTF-8"))
	}
	// Body: skip leading blank lines so the reported line is the first text.
	bodyLine := closeLine + 1
	body := rest
	for len(body) > 0 {
		l, next, _ := cutLine(body)
		if len(bytes.TrimSpace(l)) != 0 {
			break
		}
		body = next
		bodyLine++
	}
	if truncated || len(body) > maxBody {
		return fail(bodyLine, errorf(ErrTooLarge, "body larger than %d bytes", maxBody))
	}
	if !utf8.Valid(body) {
		return fail(bodyLine, errorf(ErrMalformed, "body is not valid UTF-8"))
	}
	lines, p := decodeFrontMatter(fm, &a)
	if p != nil {
		return fail(p.Line, p.Err)
	}
	a.Body = string(bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n")))
	fieldLine := func(field string) int {
		switch field {
		case "body":
			return bodyLine
		case "":
			return 1
		}
		if l, ok := lines[field]; ok {
			return l
		}
		return 1
	}
	return a, fieldLine, nil
}

// cutLine returns the first line of b (without "\n") and the rest.
func cutLine(b []byte) (line, rest []byte, found bool) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i], b[i+1:], true
	}
	return b, nil, false
}

// decodeFrontMatter decodes the YAML in fm (which starts on file line 2)
// into a and returns the file line of each field.
func decodeFrontMatter(fm []byte, a *Article) (map[string]int, *Problem) {
	const offset = 1 // YAML line 1 is file line 2
	var doc yaml.Node
	if err := yaml.Unmarshal(fm, &doc); err != nil {
		return nil, &Problem{Line: yamlErrLine(err) + offset, Err: wrapf(ErrMalformed, err, "front matter: %v", err)}
	}
	lines := map[string]int{}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return lines, nil // empty front matter: the checks report the missing fields
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, &Problem{Line: m.Line + offset, Err: errorf(ErrMalformed, "front matter is not a mapping of fields (id: ..., lang: ...)")}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		line := k.Line + offset
		key := k.Value
		if _, dup := lines[key]; dup {
			return nil, &Problem{Line: line, Err: errorf(ErrMalformed, "field %q given twice (first at line %d)", key, lines[key])}
		}
		lines[key] = line
		switch key {
		case "id", "title", "lang", "short":
			s, err := yamlScalar(key, v)
			if err != nil {
				return nil, &Problem{Line: line, Err: err}
			}
			switch key {
			case "id":
				a.ID = s
			case "title":
				a.Title = s
			case "lang":
				a.Lang = s
			case "short":
				a.Short = s
			}
		case "intents", "questions", "tags":
			list, err := yamlList(key, v)
			if err != nil {
				return nil, &Problem{Line: line, Err: err}
			}
			switch key {
			case "intents":
				a.Intents = list
			case "questions":
				a.Questions = list
			case "tags":
				a.Tags = list
			}
		case "body":
			return nil, &Problem{Line: line, Err: errorf(ErrMalformed, "field \"body\" does not belong in the front matter; the body is the text after it")}
		default:
			return nil, &Problem{Line: line, Err: errorf(ErrMalformed,
				"unknown field %q (known: id, title, lang, intents, questions, tags, short)", key)}
		}
	}
	return lines, nil
}

func yamlScalar(key string, v *yaml.Node) (string, error) {
	if v.Kind != yaml.ScalarNode {
		return "", errorf(ErrMalformed, "field %q must be a single value", key)
	}
	if v.Tag == "!!null" {
		return "", nil
	}
	return v.Value, nil
}

func yamlList(key string, v *yaml.Node) ([]string, error) {
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag == "!!null" || v.Value == "" {
			return nil, nil
		}
		return []string{v.Value}, nil
	case yaml.SequenceNode:
		out := make([]string, 0, len(v.Content))
		for _, e := range v.Content {
			if e.Kind != yaml.ScalarNode {
				return nil, errorf(ErrMalformed, "field %q: entry at line %d is not a single value", key, e.Line+1)
			}
			out = append(out, e.Value)
		}
		return out, nil
	}
	return nil, errorf(ErrMalformed, "field %q must be a list of values", key)
}

// yamlErrLine extracts N from a "yaml: line N: ..." message, or 1.
func yamlErrLine(err error) int {
	msg := err.Error()
	i := strings.Index(msg, "line ")
	if i < 0 {
		return 1
	}
	j := i + len("line ")
	k := j
	for k < len(msg) && msg[k] >= '0' && msg[k] <= '9' {
		k++
	}
	n, cerr := strconv.Atoi(msg[j:k])
	if cerr != nil || n < 1 {
		return 1
	}
	return n
}

// ---- JSONL and CSV ----

func (r *reader) readFile(path string, fi fs.FileInfo, read func(string, io.Reader) error) error {
	if fi.IsDir() {
		return errorf(ErrUnknownFormat, "kb: %s: is a directory, want a file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("kb: %w", err)
	}
	defer f.Close()
	return read(path, f)
}

func (r *reader) readJSONL(path string, in io.Reader) error {
	br := bufio.NewReaderSize(in, 64<<10)
	if err := lines.SkipBOM(br); err != nil {
		r.problem(path, 1, wrapf(ErrMalformed, err, "read: %v", err))
		return nil
	}
	lr := lines.NewReader(br, int64(r.maxBody+maxFrontMatter))
	for {
		if err := r.ctx.Err(); err != nil {
			return fmt.Errorf("kb: read %s: %w", path, err)
		}
		b, err := lr.Next()
		switch {
		case err == io.EOF:
			return nil
		case err == lines.ErrTooLong:
			r.problem(path, lr.Line(), errorf(ErrTooLarge, "line longer than %d bytes", lr.Max()))
			continue
		case err != nil:
			r.problem(path, lr.Line()+1, wrapf(ErrMalformed, err, "read: %v", err)) // the line being read
			return nil
		}
		if len(bytes.TrimSpace(b)) == 0 {
			continue
		}
		if !utf8.Valid(b) {
			r.problem(path, lr.Line(), errorf(ErrMalformed, "line is not valid UTF-8"))
			continue
		}
		a, err := decodeJSONArticle(b)
		if err != nil {
			r.problem(path, lr.Line(), err)
			continue
		}
		a.Source = path + ":" + strconv.Itoa(lr.Line())
		r.add(a, path, lr.Line(), nil)
	}
}

func decodeJSONArticle(b []byte) (Article, error) {
	var a Article
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te) && te.Field != "":
			return Article{}, errorf(ErrMalformed, "field %q: %s is not a %s", te.Field, te.Value, jsonType(te.Type.String()))
		case errors.As(err, &te):
			return Article{}, errorf(ErrMalformed, "not a JSON object")
		}
		return Article{}, wrapf(ErrMalformed, err, "%s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return Article{}, errorf(ErrMalformed, "more than one JSON value on the line")
	}
	return a, nil
}

func jsonType(goType string) string {
	if goType == "[]string" {
		return "list of strings"
	}
	return goType
}

// limitReader is io.LimitReader that fails instead of ending silently.
type limitReader struct {
	r io.Reader
	n int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errFileTooLarge
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

var errFileTooLarge = errors.New("file too large")

func (r *reader) readCSV(path string, in io.Reader) error {
	maxFile := int64(r.maxBody) * maxCSVFactor
	cr := csv.NewReader(bufio.NewReaderSize(&limitReader{r: in, n: maxFile}, 64<<10))
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	header, err := cr.Read()
	switch {
	case err == io.EOF:
		return nil
	case errors.Is(err, errFileTooLarge):
		return errorf(ErrTooLarge, "kb: %s: header row larger than %d bytes", path, maxFile)
	case err != nil:
		return wrapf(ErrMalformed, err, "kb: %s: header: %v", path, err)
	}
	cols := map[string]int{}
	for i, name := range header {
		if i == 0 {
			name = strings.TrimPrefix(name, "\uFEFF")
		}
		name = strings.ToLower(strings.TrimSpace(name))
		switch name {
		case "id", "title", "body", "lang", "intents", "questions", "tags", "short":
			cols[name] = i
		default:
			r.problem(path, 1, errorf(ErrMalformed,
				"unknown column %q ignored (known: id, title, body, lang, intents, questions, tags, short)", name))
		}
	}
	var missing []string
	for _, c := range []string{"id", "lang", "body"} {
		if _, ok := cols[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return errorf(ErrMissingField, "kb: %s: header lacks column(s) %s (found: %s)",
			path, strings.Join(missing, ", "), strings.Join(header, ", "))
	}
	for {
		if err := r.ctx.Err(); err != nil {
			return fmt.Errorf("kb: read %s: %w", path, err)
		}
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(err, errFileTooLarge) {
				r.problem(path, pe.StartLine, wrapf(ErrMalformed, pe.Err, "%v", pe.Err))
				continue
			}
			if errors.Is(err, errFileTooLarge) {
				r.problem(path, 0, errorf(ErrTooLarge, "file larger than %d bytes; the rest is ignored", maxFile))
			} else {
				r.problem(path, 0, wrapf(ErrMalformed, err, "read: %v", err))
			}
			return nil
		}
		line, _ := cr.FieldPos(0)
		if len(rec) < len(header) {
			r.problem(path, line, errorf(ErrMalformed, "record has %d fields, the header %d", len(rec), len(header)))
			continue
		}
		if extra := strings.Join(rec[len(header):], ""); strings.TrimSpace(extra) != "" {
			r.problem(path, line, errorf(ErrMalformed, "record has %d fields, the header %d", len(rec), len(header)))
			continue
		}
		bad := false
		for _, v := range rec {
			if !utf8.ValidString(v) {
				bad = true
				break
			}
		}
		if bad {
			r.problem(path, line, errorf(ErrMalformed, "record is not valid UTF-8"))
			continue
		}
		get := func(c string) string {
			if i, ok := cols[c]; ok {
				return rec[i]
			}
			return ""
		}
		list := func(c string) []string {
			if s := get(c); strings.TrimSpace(s) != "" {
				return strings.Split(s, "|")
			}
			return nil
		}
		a := Article{
			ID: get("id"), Title: get("title"), Body: get("body"), Lang: get("lang"),
			Intents: list("intents"), Questions: list("questions"), Tags: list("tags"), Short: get("short"),
			Source: path + ":" + strconv.Itoa(line),
		}
		r.add(a, path, line, nil)
	}
}
