// Package lines reads text line by line with a bound on the line length,
// for the JSONL and line-based readers of packages ingest and kb: a line
// over the bound is skipped and reported, never held in memory whole.
package lines

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// ErrTooLong is returned by Reader.Next for a line over the limit; the
// line has been consumed and the next call continues after it.
var ErrTooLong = errors.New("line too long")

// Reader reads '\n'-terminated lines of at most max bytes (not counting
// "\r\n") without ever holding more than that in memory. It is not safe
// for concurrent use.
type Reader struct {
	br   *bufio.Reader
	max  int64
	line int // number of the line last returned, 1-based
	buf  []byte
}

// NewReader returns a Reader of br's lines of at most max bytes.
func NewReader(br *bufio.Reader, max int64) *Reader {
	return &Reader{br: br, max: max}
}

// Line is the number of the line Next returned last (also for
// ErrTooLong), starting at 1; 0 before the first.
func (l *Reader) Line() int { return l.line }

// Max is the longest line Next returns, in bytes.
func (l *Reader) Max() int64 { return l.max }

// Next returns the next line without its line ending. The slice is valid
// until the following call. It returns io.EOF at the end of input, and
// the underlying reader's error, unchanged, when reading fails.
func (l *Reader) Next() ([]byte, error) {
	l.buf = l.buf[:0]
	tooLong, seen := false, false
	for {
		chunk, err := l.br.ReadSlice('\n')
		if len(chunk) > 0 {
			seen = true
			if !tooLong {
				if int64(len(l.buf))+int64(len(chunk)) > l.max+2 { // +2: room for "\r\n"
					tooLong = true
					l.buf = l.buf[:0]
				} else {
					l.buf = append(l.buf, chunk...)
				}
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		if err == io.EOF && !seen {
			return nil, io.EOF
		}
		l.line++
		if tooLong {
			return nil, ErrTooLong
		}
		b := bytes.TrimSuffix(l.buf, []byte("\n"))
		b = bytes.TrimSuffix(b, []byte("\r"))
		if int64(len(b)) > l.max {
			return nil, ErrTooLong
		}
		return b, nil
	}
}

// SkipBOM discards a UTF-8 byte order mark at the start of br. It looks
// at a second and third byte only after a first 0xEF, so a short first
// line on a live stream is not held up.
func SkipBOM(br *bufio.Reader) error {
	if b, err := br.Peek(1); err != nil || b[0] != 0xEF {
		if err == io.EOF {
			err = nil
		}
		return err
	}
	b, err := br.Peek(3)
	if err != nil && err != io.EOF {
		return err
	}
	if bytes.HasPrefix(b, []byte("\uFEFF")) {
		_, err = br.Discard(3)
		return err
	}
	return nil
}
