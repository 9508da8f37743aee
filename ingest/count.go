package ingest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
)

// Count returns how many items the input named by spec holds, for a
// progress display, without parsing any of them: the mail files of a
// folder or Maildir (listed as Open lists them, so exact), the messages of
// an mbox (its separator lines) and the lines of a JSONL, CSV, TSV or text
// file (less a CSV or TSV header; blank lines count, so it may be a few
// too many). ok is false for stdin, whose length is unknown. Counting a
// file input reads it once, sequentially.
func Count(ctx context.Context, spec string, opts Options) (n int, ok bool, err error) {
	src, err := Open(ctx, spec, opts)
	if err != nil {
		return 0, false, err
	}
	defer src.Close()
	if src.path == "-" {
		return 0, false, nil
	}
	switch src.kind {
	case KindEML:
		return 1, true, nil
	case KindDir, KindMaildir:
		w := &walker{root: src.walk.root, maildir: src.walk.maildir}
		for {
			path, err := w.next(ctx)
			if errors.Is(err, io.EOF) {
				return n, true, nil
			}
			var p *Problem
			if err != nil && !errors.As(err, &p) {
				return n, false, err
			}
			if err == nil {
				w.done(path)
			}
			n++ // a file, or a folder that cannot be listed (one Problem)
		}
	}
	f, err := os.Open(src.path)
	if err != nil {
		return 0, false, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, bufSize)
	prevBlank := true
	for {
		if err := ctx.Err(); err != nil {
			return n, false, err
		}
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			if src.kind != KindMbox || prevBlank && isMboxSeparator(line) {
				n++
			}
			prevBlank = len(bytes.TrimRight(line, "\r\n")) == 0
		}
		for errors.Is(err, bufio.ErrBufferFull) { // a long line: skip the rest
			prevBlank = false
			_, err = br.ReadSlice('\n')
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return n, false, err
		}
	}
	if (src.kind == KindCSV || src.kind == KindTSV) && n > 0 {
		n-- // the header
	}
	return n, true, nil
}
