package ingest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/antwort-dev/antwort/internal/fstree"
)

// Source kinds, the prefixes of an input spec ("maildir:./mail").
const (
	KindEML     = "eml"     // one RFC 5322 mail in a file
	KindDir     = "dir"     // a folder of .eml files, recursive
	KindMaildir = "maildir" // a Maildir: the files in new/ and cur/
	KindMbox    = "mbox"    // an mbox file
	KindJSONL   = "jsonl"   // one JSON object per line
	KindCSV     = "csv"     // CSV with a header row
	KindTSV     = "tsv"     // TSV with a header row
	KindText    = "text"    // one message per line
	KindStream  = "stream"  // stdin with the format sniffed ("-")
)

var kinds = []string{KindEML, KindDir, KindMaildir, KindMbox, KindJSONL, KindCSV, KindTSV, KindText}

// SplitSpec splits an input spec into its kind and path. A spec is
// "KIND:PATH" with KIND one of eml, dir, maildir, mbox, jsonl (or
// ndjson), csv, tsv, text; "-" for stdin (the format sniffed) or
// "KIND:-"; or a bare path, for which kind is "" (Open then chooses by
// the file: see Open). A prefix that is not a kind is part of the path
// ("C:\mail\x.eml", "./a:b.eml").
func SplitSpec(spec string) (kind, path string) {
	if spec == "-" {
		return KindStream, "-"
	}
	if k, p, ok := strings.Cut(spec, ":"); ok {
		k = strings.ToLower(k)
		if k == "ndjson" {
			k = KindJSONL
		}
		for _, known := range kinds {
			if k == known {
				return k, p
			}
		}
	}
	return "", spec
}

// Source yields the messages of one input, one at a time, whatever its
// size: the files of a folder or Maildir are read one by one (only the
// sorted list of names of one folder is held), an mbox and a JSONL or CSV
// file are streamed.
//
// Next returns io.EOF at the end. A broken item (a file that is not
// mail, is too large or cannot be read, a bad line) yields a *Problem
// that names it (Problem.Where: the path, "FILE#N" for an mbox message,
// "FILE:LINE" for a line) and says why; the next call goes on with the
// following item. Any other error ends the Source.
//
// Every message has Source set to where it came from, in the same form:
// the file path for eml, dir and maildir, "FILE#N" for the N-th message of
// an mbox, "FILE:LINE" for JSONL, CSV, TSV and text. A Source never yields
// the same file twice (see Open for Maildir and symbolic links). It reads
// only: it never moves, renames or flags a mail.
//
// A Source is not safe for concurrent use.
type Source struct {
	kind, path string
	opts       Options
	max        int64

	walk   *walker
	mbox   *mboxReader
	reader *Reader
	closer io.Closer

	err error // sticky: io.EOF or a fatal error
}

// Open opens the input named by spec (see SplitSpec) for reading:
//
//   - "eml:FILE" (or a path ending in .eml): one mail.
//   - "dir:DIR": every mail file below DIR (names starting with "." are
//     skipped), in sorted path order, folders depth first: a file ending
//     in .eml (case-insensitive), or with another name when it starts
//     like a mail (a known header field such as From:, Subject: or
//     Received:, possibly after an mbox "From " line), as in MH folders,
//     mail exports and mail corpora. A Maildir inside DIR (a folder with
//     cur/ or new/) is not read: name it with maildir:. Symbolic links to files are followed unless they point
//     into DIR (the file is read as itself); links to folders are not.
//   - "maildir:DIR": the files in DIR/new and then DIR/cur, each sorted by
//     name (Maildir names start with the delivery time); tmp/ and the
//     files beside new/ and cur/ are not read. A mail moved from new/ to
//     cur/ by a mail client during the run is read once.
//   - "mbox:FILE" (or a path ending in .mbox or .mbx): an mbox file.
//   - "jsonl:FILE", "csv:FILE", "tsv:FILE", "text:FILE" (or a path ending
//     in .jsonl, .ndjson, .json, .csv, .tsv, .txt): posts or chat
//     messages, as NewReader reads them, with "author" accepted for From
//     and "created" (or "date") for Date.
//   - "-": stdin (Options.Stdin), with the format sniffed as NewReader
//     does; "jsonl:-", "csv:-", "tsv:-", "text:-", "eml:-", "mbox:-" name
//     the format.
//
// A bare directory is a Maildir when it has a cur/ or new/ folder and a
// folder of .eml files otherwise; a bare file with another name is looked
// at: a first line "From " means mbox, a mail header means eml, '{' means
// JSONL.
//
// Mail is parsed as Parse does (Options.MaxBytes, MaxHeaderBytes,
// NoClean, KeepRaw, LoopID, OwnDomains apply); JSONL and CSV texts are
// cleaned too unless Options.NoClean. Open fails when the path does not
// exist, is of the wrong type (a file for dir:, a folder without cur/ and
// new/ for maildir:) or its format cannot be told.
func Open(ctx context.Context, spec string, opts Options) (*Source, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	kind, path := SplitSpec(spec)
	if path == "" {
		return nil, fmt.Errorf("ingest: input %q: empty path (want KIND:PATH, a path, or \"-\" for stdin)", spec)
	}
	s := &Source{kind: kind, path: path, opts: opts, max: limitOr(opts.MaxBytes, defaultFileMax)}
	if path == "-" {
		return s, s.openStdin(spec)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("ingest: input %q: %w", spec, err)
	}
	if s.kind == "" {
		if s.kind, err = guessKind(path, fi); err != nil {
			return nil, err
		}
	}
	switch s.kind {
	case KindEML:
		if fi.IsDir() {
			return nil, fmt.Errorf("ingest: input %q: %s is a folder; use dir:%s for a folder of .eml files or maildir:%s for a Maildir", spec, path, path, path)
		}
		s.walk = &walker{single: path}
	case KindDir:
		if !fi.IsDir() {
			return nil, fmt.Errorf("ingest: input %q: %s is not a folder", spec, path)
		}
		s.walk = &walker{root: path, tree: fstree.New(path)}
	case KindMaildir:
		if !fi.IsDir() {
			return nil, fmt.Errorf("ingest: input %q: %s is not a folder", spec, path)
		}
		if !isMaildir(path) {
			return nil, fmt.Errorf("ingest: input %q: %s is not a Maildir (it has neither cur/ nor new/); use dir:%s for a folder of .eml files", spec, path, path)
		}
		s.walk = &walker{root: path, maildir: true, tree: fstree.New(path)}
	default: // mbox and line formats
		if fi.IsDir() {
			return nil, fmt.Errorf("ingest: input %q: %s is a folder, want a %s file", spec, path, s.kind)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("ingest: input %q: %w", spec, err)
		}
		s.closer = f
		if err := s.openStream(f, path); err != nil {
			f.Close()
			return nil, err
		}
	}
	return s, nil
}

// openStdin sets s up to read Options.Stdin.
func (s *Source) openStdin(spec string) error {
	switch s.kind {
	case KindDir, KindMaildir:
		return fmt.Errorf("ingest: input %q: a %s cannot be read from stdin", spec, s.kind)
	}
	in := s.opts.Stdin
	if in == nil {
		in = os.Stdin
	}
	if s.kind == KindStream {
		br := bufio.NewReaderSize(in, bufSize)
		if sniffMbox(br) {
			s.kind = KindMbox
		}
		in = br
	}
	return s.openStream(in, "stdin")
}

// openStream sets s up to read an mbox or a NewReader format from r.
func (s *Source) openStream(r io.Reader, name string) error {
	if s.kind == KindMbox {
		s.mbox = newMboxReader(r, name, s.max)
		return nil
	}
	format := s.kind
	if format == KindStream {
		format = ""
	}
	rd, err := NewReader(r, name, format, s.opts)
	if err != nil {
		return err
	}
	s.reader = rd
	return nil
}

// guessKind chooses the kind of a bare path.
func guessKind(path string, fi fs.FileInfo) (string, error) {
	if fi.IsDir() {
		if isMaildir(path) {
			return KindMaildir, nil
		}
		return KindDir, nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".eml":
		return KindEML, nil
	case ".mbox", ".mbx":
		return KindMbox, nil
	case ".jsonl", ".ndjson", ".json":
		return KindJSONL, nil
	case ".csv":
		return KindCSV, nil
	case ".tsv":
		return KindTSV, nil
	case ".txt":
		return KindText, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("ingest: input %q: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	head = trimBlankLines(bytes.TrimPrefix(head[:n], []byte("\uFEFF")))
	switch {
	case bytes.HasPrefix(head, []byte("From ")) && startsWithHeader(head):
		return KindMbox, nil
	case startsWithHeader(head):
		return KindEML, nil
	case len(bytes.TrimSpace(head)) > 0 && bytes.TrimSpace(head)[0] == '{':
		return KindJSONL, nil
	}
	return "", errorf(ErrUnknownFormat, "ingest: input %q: cannot tell the format of %s; name it: eml:, mbox:, jsonl:, csv:, tsv:, text:, dir: or maildir:", path, path)
}

// startsLikeMail reports whether the file at path starts like an RFC 5322
// mail: a known header field (From:, Subject:, Received:, X-…), possibly
// after an mbox "From " line, a byte order mark and blank lines. It reads
// at most 4 KiB; a file that cannot be read is not mail.
func startsLikeMail(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	head = trimBlankLines(bytes.TrimPrefix(head[:n], []byte("\uFEFF")))
	if bytes.HasPrefix(head, []byte("From ")) {
		i := bytes.IndexByte(head, '\n')
		if i < 0 {
			return false
		}
		head = head[i+1:]
	}
	return looksLikeMailHeader(firstLine(head))
}

func isMaildir(dir string) bool {
	for _, sub := range []string{"cur", "new"} {
		if fi, err := os.Stat(filepath.Join(dir, sub)); err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}

// Kind returns the kind of the input: one of the Kind constants.
func (s *Source) Kind() string { return s.kind }

// Path returns the path of the input, "-" for stdin.
func (s *Source) Path() string { return s.path }

// Close releases the open file or folders, if any. It does not close
// Options.Stdin.
func (s *Source) Close() error {
	if s.walk != nil {
		s.walk.close()
	}
	if s.closer == nil {
		return nil
	}
	err := s.closer.Close()
	s.closer = nil
	return err
}

// Next returns the next message, io.EOF after the last one, a *Problem for
// an item that was skipped (call Next again to go on), or another error
// when the input cannot be read further; after io.EOF or such an error
// every call returns the same error. An error of ctx is returned as it is
// and does not end the Source. Next is NextRaw followed by RawItem.Parse.
func (s *Source) Next(ctx context.Context) (*Message, error) {
	it, err := s.nextRaw(ctx, false)
	if err != nil {
		return nil, err
	}
	return it.Parse()
}

// RawItem is one item of a Source that has been read but not parsed: the
// raw bytes of a mail, or a JSONL/CSV post (which is decoded while it is
// read). Parse it with Parse, which is safe to call from another
// goroutine, so that one goroutine can read a Source while several parse.
type RawItem struct {
	// Source is where the item is, as Message.Source will be.
	Source string
	// Data is the raw mail; nil for a post read from JSONL, CSV or text.
	Data []byte

	msg   *Message // a post, already decoded
	file  string   // Problem.Source for a failed parse
	index int      // mbox message number
	line  int      // mbox separator line
	opts  Options
}

// NewRawItem returns an item for the raw mail data read from source (a
// place this package does not read itself, such as an IMAP message URL),
// to be parsed with opts as Source.Next parses a mail file. The caller
// has bounded the size of data.
func NewRawItem(source string, data []byte, opts Options) *RawItem {
	return &RawItem{Source: source, Data: data, file: source, opts: opts}
}

// Parse parses the item as Source.Next would and returns the message, or
// a *Problem naming the item and why it cannot be used.
func (it *RawItem) Parse() (*Message, error) {
	if it.msg != nil {
		return it.msg, nil
	}
	m, err := parseMessage(it.Data, it.opts)
	if err != nil {
		return nil, &Problem{Source: it.file, Index: it.index, Line: it.line, Err: err}
	}
	m.Source = it.Source
	return m, nil
}

// NextRaw returns the next item without parsing it; errors are as for
// Next, except that a mail that does not parse is reported by
// RawItem.Parse. Data is the item's own copy.
func (s *Source) NextRaw(ctx context.Context) (*RawItem, error) {
	return s.nextRaw(ctx, true)
}

func (s *Source) nextRaw(ctx context.Context, own bool) (*RawItem, error) {
	if s.err != nil {
		return nil, s.err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var (
		it  *RawItem
		err error
	)
	switch {
	case s.walk != nil:
		it, err = s.nextFile(ctx)
	case s.mbox != nil:
		it, err = s.nextMbox(ctx, own)
	default:
		var m *Message
		if m, err = s.reader.Next(ctx); err == nil {
			it = &RawItem{Source: m.Source, Data: m.Raw, msg: m}
		}
	}
	if err != nil {
		var p *Problem
		if !errors.As(err, &p) && !isContextErr(err) {
			s.err = err
		}
		return nil, err
	}
	it.opts = s.opts
	return it, nil
}

func (s *Source) nextFile(ctx context.Context) (*RawItem, error) {
	for {
		path, err := s.walk.next(ctx)
		if err != nil {
			return nil, err
		}
		raw, err := s.walk.read(path, s.max)
		if err != nil && s.walk.maildir && errors.Is(err, fs.ErrNotExist) {
			// A mail client moved the file after it was listed: from new/
			// to cur/ (cur/ is listed later) or to a new name in cur/
			// (flags changed), which is looked up by its key.
			if filepath.Base(filepath.Dir(path)) == "new" {
				continue
			}
			moved := s.walk.findMoved(path)
			if moved == "" {
				continue // deleted
			}
			path = moved
			raw, err = readMailBytes(path, s.max)
		}
		if err != nil {
			return nil, &Problem{Source: path, Err: err}
		}
		if raw == nil {
			continue // not a regular file
		}
		s.walk.done(path)
		return &RawItem{Source: path, Data: raw, file: path}, nil
	}
}

func (s *Source) nextMbox(ctx context.Context, own bool) (*RawItem, error) {
	raw, index, line, err := s.mbox.next(ctx)
	if err != nil {
		return nil, err
	}
	if own || s.opts.KeepRaw {
		raw = bytes.Clone(raw) // raw is the reader's buffer
	}
	return &RawItem{Source: s.mbox.name + "#" + strconv.Itoa(index), Data: raw, file: s.mbox.name, index: index, line: line}, nil
}

// readMailFile reads and parses one mail file. It returns nil, nil for a
// path that is not a regular file (a FIFO would block), and an error to
// report otherwise.
func readMailFile(path string, max int64, opts Options) (*Message, error) {
	raw, err := readMailBytes(path, max)
	if err != nil || raw == nil {
		return nil, err
	}
	m, err := parseMessage(raw, opts)
	if err != nil {
		return nil, err
	}
	m.Source = path
	return m, nil
}

// readMailBytes reads one mail file of at most max bytes. It returns nil,
// nil for a path that is not a regular file.
func readMailBytes(path string, max int64) ([]byte, error) {
	if raw, ok, err := readRegularFile(path, max); ok {
		return raw, err
	}
	return readMailBytesStat(path, max)
}

// readMailBytesStat is readMailBytes through os.Stat, os.Open and
// reads: the way on systems without readRegularFile, and for a path that
// readRegularFile cannot open, so that a missing, unreadable or special
// file is reported (or skipped) as it always was.
func readMailBytesStat(path string, max int64) ([]byte, error) {
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
	raw, err := readAllSize(io.LimitReader(f, max+1), min(fi.Size(), max)+1)
	if err != nil {
		return nil, pathErr(err)
	}
	if int64(len(raw)) > max {
		return nil, errorf(ErrTooLarge, "file is over the limit of %d bytes", max)
	}
	return raw, nil
}

// readAllSize is io.ReadAll starting with a buffer of size bytes rather
// than 512: given the size of a file plus one, it reads the file with one
// allocation and two reads (the second one sees the end) unless the file
// has grown.
func readAllSize(r io.Reader, size int64) ([]byte, error) {
	b := make([]byte, 0, max(size, 512))
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
			b = append(b, 0)[:len(b)] // grow
		}
	}
}

// pathErr drops the path from an *fs.PathError, since the Problem names
// the file already: "cannot read: permission denied".
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("cannot %s: %w", pe.Op, pe.Err)
	}
	return err
}

// ---- walking folders ----

// walker lists the mail files of a folder tree or a Maildir one at a time,
// in sorted order, holding the sorted names of one folder per level.
type walker struct {
	root    string
	maildir bool
	single  string       // eml: the one file
	tree    *fstree.Tree // root, for following symbolic links

	started  bool
	stack    []*frame
	newKeys  map[string]bool // Maildir: unique names read from new/, once cur/ is listed
	newDir   *frame          // Maildir: new/, until cur/ is listed
	found    int             // mail files yielded
	ignored  int             // dir: files that are not mail
	maildirs []string        // dir: Maildirs inside, not read
	final    bool
}

type frame struct {
	dir     string
	file    *os.File // dir, open while the frame is on the stack
	fd      int      // file's descriptor for readMailBytesIn, or -1
	prefix  string   // filepath.Join(dir, name) is prefix+name
	entries []dirEntry
	i       int
	sub     string // Maildir: "new" or "cur"
	read    []bool // Maildir new/: which entries were read as mail
}

type dirEntry struct {
	name string
	mode fs.FileMode // type bits
}

// next returns the path of the next file to read, a *Problem for a
// folder that cannot be listed, or io.EOF.
func (w *walker) next(ctx context.Context) (string, error) {
	if w.single != "" {
		if w.started {
			return "", io.EOF
		}
		w.started = true
		return w.single, nil
	}
	if !w.started {
		w.started = true
		if w.maildir {
			// cur/ is listed after new/ is done, so that a mail moved in
			// between is seen in cur/ and recognised by its key.
			if err := w.push(filepath.Join(w.root, "new"), "new"); err != nil {
				return "", err
			}
		} else if err := w.push(w.root, ""); err != nil {
			return "", err
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		if len(w.stack) == 0 {
			if w.maildir && !w.final {
				w.final = true
				if err := w.push(filepath.Join(w.root, "cur"), "cur"); err != nil {
					return "", err
				}
				w.newKeys = w.newDir.readKeys(len(w.stack) > 0 && len(w.stack[len(w.stack)-1].entries) > 0)
				w.newDir = nil
				continue
			}
			if !w.maildir && w.found == 0 && (w.ignored > 0 || len(w.maildirs) > 0) && !w.final {
				w.final = true
				if len(w.maildirs) > 0 {
					return "", &Problem{Source: w.root, Err: errorf(ErrUnknownFormat,
						"no mail files in the folder, but %d Maildir(s) in it (folders with cur/ and new/): read each with maildir:DIR, e.g. maildir:%s", len(w.maildirs), w.maildirs[0])}
				}
				return "", &Problem{Source: w.root, Err: errorf(ErrUnknownFormat,
					"no mail in the folder: %d file(s) ignored, none ends in .eml or starts with a mail header (\"From:\", \"Subject:\", …); for a Maildir use maildir:%s, for an mbox file mbox:FILE, for posts or text lines jsonl:FILE, csv:FILE or text:FILE", w.ignored, w.root)}
			}
			return "", io.EOF
		}
		f := w.stack[len(w.stack)-1]
		if f.i >= len(f.entries) {
			w.pop()
			continue
		}
		e := f.entries[f.i]
		f.i++
		if strings.HasPrefix(e.name, ".") {
			continue
		}
		p := f.prefix + e.name
		isEML := strings.EqualFold(filepath.Ext(e.name), ".eml")
		if e.mode&fs.ModeSymlink != 0 {
			// A link is followed only inside the folder; one leading out
			// of it (to a mail, or to a folder) is reported. In a folder
			// of .eml files a link inside is skipped too: what it leads
			// to is read under its own name.
			fi, err := w.tree.Link(p)
			switch {
			case err != nil && (w.maildir || isEML || fi != nil && fi.IsDir()):
				return "", &Problem{Source: p, Err: err}
			case err != nil || fi.IsDir() || !w.maildir:
				continue
			}
		}
		if w.maildir {
			if !e.mode.IsRegular() && e.mode&fs.ModeSymlink == 0 {
				continue
			}
			if f.sub == "cur" && w.newKeys[maildirKey(e.name)] {
				continue // read from new/ already
			}
			return p, nil
		}
		switch {
		case e.mode.IsDir():
			if isMaildir(p) {
				w.maildirs = append(w.maildirs, p) // read with maildir:, not as loose files
				continue
			}
			if err := w.push(p, ""); err != nil {
				return "", err
			}
		case !isEML:
			// A file with another name (an MH folder's numbers, an export,
			// a mail corpus) is mail when it starts like one.
			if e.mode.IsRegular() && startsLikeMail(p) {
				return p, nil
			}
			if e.mode.IsRegular() {
				w.ignored++
			}
		case e.mode.IsRegular():
			return p, nil
		}
	}
}

// read reads the mail file at path, which next returned last, as
// readMailBytes does, through its folder's descriptor where there is
// one.
func (w *walker) read(path string, max int64) ([]byte, error) {
	if len(w.stack) > 0 {
		if f := w.stack[len(w.stack)-1]; f.fd >= 0 && f.i > 0 {
			if name, ok := strings.CutPrefix(path, f.prefix); ok && name == f.entries[f.i-1].name {
				return readMailBytesIn(f.fd, name, path, max)
			}
		}
	}
	return readMailBytes(path, max)
}

// pop drops the current folder and closes it.
func (w *walker) pop() {
	f := w.stack[len(w.stack)-1]
	w.stack[len(w.stack)-1] = nil
	w.stack = w.stack[:len(w.stack)-1]
	f.file.Close()
}

// close closes the folders still open.
func (w *walker) close() {
	for len(w.stack) > 0 {
		w.pop()
	}
}

// done records that path, which next returned last (or findMoved), was
// read as a mail.
func (w *walker) done(path string) {
	w.found++
	if !w.maildir || len(w.stack) == 0 {
		return
	}
	if f := w.stack[len(w.stack)-1]; f.sub == "new" && f.i > 0 {
		if name, ok := strings.CutPrefix(path, f.prefix); ok && name == f.entries[f.i-1].name {
			f.read[f.i-1] = true
		}
	}
}

// readKeys returns the Maildir keys of the files of new/ read as mail,
// which cur/ may list again, or nil when f is nil or cur is false (cur/
// is empty). The walker marks the files it read in new/ and makes the
// set only when cur/ has files: most batches find cur/ empty.
func (f *frame) readKeys(cur bool) map[string]bool {
	if f == nil || !cur {
		return nil
	}
	keys := make(map[string]bool)
	for i, e := range f.entries {
		if f.read[i] {
			keys[maildirKey(e.name)] = true
		}
	}
	return keys
}

// findMoved returns the current path of the Maildir file that was listed
// as path in cur/ and has been renamed (its flags changed), or "".
func (w *walker) findMoved(path string) string {
	key := maildirKey(filepath.Base(path))
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(path), globEscape(key)+"[:;!]*"))
	for _, m := range matches {
		if m != path {
			return m
		}
	}
	return ""
}

// globEscape quotes the characters filepath.Match treats specially.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// push lists dir and makes it the current folder. A folder that cannot be
// listed is a Problem; a missing Maildir new/ or cur/ is empty.
func (w *walker) push(dir, sub string) error {
	f, err := os.Open(dir)
	if err != nil {
		if sub != "" && errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return &Problem{Source: dir, Err: pathErr(err)}
	}
	des, err := f.ReadDir(-1)
	if err != nil {
		f.Close()
		return &Problem{Source: dir, Err: pathErr(err)}
	}
	entries := make([]dirEntry, len(des))
	for i, d := range des {
		entries[i] = dirEntry{name: d.Name(), mode: d.Type()}
	}
	sortEntries(entries)
	fr := &frame{dir: dir, file: f, fd: dirFD(f), prefix: joinPrefix(dir), entries: entries, sub: sub}
	if sub == "new" {
		fr.read = make([]bool, len(entries))
		w.newDir = fr
	}
	w.stack = append(w.stack, fr)
	return nil
}

// joinPrefix returns what filepath.Join(dir, name) puts before name, for
// every name a folder listing holds (never "", "." or "..", never with a
// separator): Join cleans the path, and cleaning leaves such a last
// element alone. The walker joins every file's name with it rather than
// cleaning every path again.
func joinPrefix(dir string) string {
	p := filepath.Join(dir, "x")
	return p[:len(p)-1]
}

func sortEntries(es []dirEntry) {
	// Byte order, as os.ReadDir: deterministic on every system.
	slices.SortFunc(es, func(a, b dirEntry) int { return strings.Compare(a.name, b.name) })
}

// maildirKey is the unique part of a Maildir file name, before the info
// ("1700000000.M1P2.host:2,S" -> "1700000000.M1P2.host"). Some systems
// write ';' or '!' instead of ':'.
func maildirKey(name string) string {
	if i := strings.IndexAny(name, ":;!"); i >= 0 {
		return name[:i]
	}
	return name
}

// sniffMbox reports whether br starts like an mbox: a "From " line
// followed by a header field. It reads no more than needed to decide, so
// a live stream is not held up.
func sniffMbox(br *bufio.Reader) bool {
	b, err := br.Peek(5)
	if err != nil || string(b) != "From " {
		return false
	}
	for {
		head, _ := br.Peek(br.Buffered())
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			rest := head[i+1:]
			if bytes.IndexByte(rest, ':') >= 0 || bytes.IndexByte(rest, '\n') >= 0 {
				return startsWithHeader(head)
			}
		}
		if _, err := br.Peek(len(head) + 1); err != nil {
			head, _ = br.Peek(br.Buffered())
			return startsWithHeader(head)
		}
	}
}
