package ingest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
)

// mboxReader splits an mbox stream into raw messages without holding more
// than one message (up to the size limit) in memory.
//
// A message starts after a line beginning with "From " that is the first
// line of the stream or follows an empty line (the usual reading of mboxo,
// mboxrd and mboxcl files). The empty line before the next separator
// ends the message and is not part of it. Lines of the form ">From ",
// ">>From " ... lose one '>' (mboxrd unescaping; for mboxo this undoes the
// escaping of "From " lines). Line endings are kept as they are.
type mboxReader struct {
	name string
	br   *bufio.Reader
	max  int64

	line      int  // lines consumed so far
	index     int  // messages started so far
	prevBlank bool // the last line consumed was empty
	pending   bool // a separator line was consumed and its message not yet read
	sepLine   int  // line of that separator
	done      bool
	err       error // sticky read error

	buf     []byte // the current message
	lineBuf []byte // the current line, reused
}

func newMboxReader(r io.Reader, name string, max int64) *mboxReader {
	return &mboxReader{name: name, br: bufio.NewReaderSize(r, bufSize), max: max, prevBlank: true}
}

// readLine returns the next line including its "\n" (absent on the last
// line), and false at the end. The line is valid until the next call. Lines longer than the buffer are returned
// in full unless keep is false, in which case only the first bufSize
// bytes are returned (enough to recognise a separator) and the rest is
// skipped.
func (m *mboxReader) readLine(keep func(n int) bool) ([]byte, bool) {
	if m.done || m.err != nil {
		return nil, false
	}
	line := m.lineBuf[:0]
	defer func() { m.lineBuf = line[:0] }()
	first := true
	for {
		chunk, err := m.br.ReadSlice('\n')
		if first || keep(len(line)+len(chunk)) {
			line = append(line, chunk...)
		}
		first = false
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			m.done = true
			if len(line) == 0 {
				return nil, false
			}
		} else if err != nil {
			m.err = err
			return nil, false
		}
		m.line++
		return line, true
	}
}

// isSeparator reports whether line (with its line ending) is an mbox
// "From " line.
func isMboxSeparator(line []byte) bool {
	return bytes.HasPrefix(line, []byte("From "))
}

func isBlankLine(line []byte) bool {
	return len(bytes.TrimRight(line, "\r\n")) == 0
}

// next returns the raw bytes of the next message, its 1-based index and
// the line of its "From " separator. It returns io.EOF at the end, a
// *Problem for text before the first separator and for a message over
// the limit (reading goes on after both), and a read error as it is.
// The returned slice is valid until the next call.
func (m *mboxReader) next(ctx context.Context) ([]byte, int, int, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, 0, err
	}
	if !m.pending {
		// Find the first separator; anything else before it is reported.
		garbage, garbageLine := 0, 0
		for {
			line, ok := m.readLine(func(int) bool { return false })
			if !ok {
				if m.err != nil {
					return nil, 0, 0, fmt.Errorf("ingest: read %s: %w", m.name, m.err)
				}
				if garbage > 0 {
					return nil, 0, 0, &Problem{Source: m.name, Line: garbageLine,
						Err: errorf(ErrNotMail, "not an mbox file: no \"From \" separator line in %d line(s) of text", garbage)}
				}
				return nil, 0, 0, io.EOF
			}
			if isMboxSeparator(line) && m.prevBlank {
				m.pending, m.sepLine = true, m.line
				m.prevBlank = false
				if garbage > 0 {
					return nil, 0, 0, &Problem{Source: m.name, Line: garbageLine,
						Err: errorf(ErrMalformed, "%d line(s) before the \"From \" separator on line %d skipped (not part of a message)", garbage, m.line)}
				}
				break
			}
			m.prevBlank = isBlankLine(line)
			if !m.prevBlank {
				if garbage == 0 {
					garbageLine = m.line
				}
				garbage++
			}
		}
	}

	m.pending = false
	m.index++
	index, sepLine := m.index, m.sepLine
	m.buf = m.buf[:0]
	tooLarge := false
	for {
		if m.line%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, 0, 0, err
			}
		}
		line, ok := m.readLine(func(n int) bool { return int64(len(m.buf)+n) <= m.max+1 })
		if !ok {
			break
		}
		if isMboxSeparator(line) && m.prevBlank {
			m.pending, m.sepLine = true, m.line
			m.prevBlank = false
			break
		}
		m.prevBlank = isBlankLine(line)
		if bytes.HasPrefix(line, []byte(">")) {
			if rest := bytes.TrimLeft(line, ">"); bytes.HasPrefix(rest, []byte("From ")) {
				line = line[1:]
			}
		}
		if tooLarge || int64(len(m.buf)+len(line)) > m.max+1 {
			if !tooLarge {
				tooLarge = true
				m.buf = nil // let it go while the rest is skipped
			}
			continue
		}
		m.buf = append(m.buf, line...)
	}
	if m.err != nil {
		return nil, 0, 0, fmt.Errorf("ingest: read %s: %w", m.name, m.err)
	}
	if tooLarge || int64(len(m.buf)) > m.max+2 {
		return nil, index, sepLine, &Problem{Source: m.name, Index: index, Line: sepLine,
			Err: errorf(ErrTooLarge, "message is over the limit of %d bytes", m.max)}
	}
	// The blank line before the next separator belongs to the separator.
	if m.pending {
		switch {
		case bytes.HasSuffix(m.buf, []byte("\r\n\r\n")):
			m.buf = m.buf[:len(m.buf)-2]
		case bytes.HasSuffix(m.buf, []byte("\n\n")):
			m.buf = m.buf[:len(m.buf)-1]
		}
	}
	if int64(len(m.buf)) > m.max {
		return nil, index, sepLine, &Problem{Source: m.name, Index: index, Line: sepLine,
			Err: errorf(ErrTooLarge, "message is over the limit of %d bytes", m.max)}
	}
	return m.buf, index, sepLine, nil
}
